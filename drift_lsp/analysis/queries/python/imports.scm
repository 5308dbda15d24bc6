(import_statement) @imports.style
(import_from_statement) @imports.style
(import_from_statement module_name: (_) @imports.relative)
