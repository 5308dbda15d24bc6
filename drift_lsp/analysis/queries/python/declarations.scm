; Names of definitions several families look at (naming, docstrings, annotations, test
; naming): captured once, handed to each of those detectors.
(function_definition name: (identifier) @function.name)
(class_definition name: (identifier) @class.name)
