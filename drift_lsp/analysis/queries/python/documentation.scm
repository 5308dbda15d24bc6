(function_definition name: (identifier) @documentation.docstring)
(class_definition name: (identifier) @documentation.docstring)
