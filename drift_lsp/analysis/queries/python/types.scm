(function_definition name: (identifier) @types.annotations)
