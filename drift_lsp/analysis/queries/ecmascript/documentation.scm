(function_declaration name: (identifier) @documentation.docstring)
(class_declaration name: (_) @documentation.docstring)
(method_definition name: (property_identifier) @documentation.docstring)
