(import_statement) @imports.module_system
((call_expression function: (identifier) @_require arguments: (arguments (string)))
  @imports.module_system
  (#eq? @_require "require"))
(import_statement (import_clause) @imports.default_named)
(import_statement source: (string) @imports.relative)
