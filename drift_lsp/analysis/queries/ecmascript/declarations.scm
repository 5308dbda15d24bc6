; Names of definitions several families look at (naming, JSDoc, annotations): captured
; once, handed to each of those detectors.
(function_declaration name: (identifier) @function.name)
(generator_function_declaration name: (identifier) @function.name)
(method_definition name: [(property_identifier) (private_property_identifier)] @method.name)
(class_declaration name: (_) @class.name)
