(function_declaration name: (identifier) @types.annotations)
(method_definition name: (property_identifier) @types.annotations)
(type_annotation) @types.any
