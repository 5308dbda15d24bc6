(type_annotation) @types.any
