(type_annotation) @types.any
; Declarations of types rather than values. `any` there is the idiom for "any type fits" in a
; shape other types are checked against (trpc's `type AnyRootConfig = RootConfig<{ ctx: any }>`,
; `TFunction extends (...args: any) => any`, `{ [key: string]: any }`), where `unknown` would
; reject the types it must accept; it opts no value out of checking.
[
  (type_alias_declaration)
  (interface_declaration)
  (constraint)
  (index_signature)
  (ambient_declaration)
] @_type_level
