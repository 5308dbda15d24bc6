; Names of definitions several families look at (naming, docstrings, annotations, test
; naming): captured once, handed to each of those detectors.
(function_definition name: (identifier) @function.name)
(class_definition name: (identifier) @class.name)
; Methods (defs directly in a class body, decorated or not) are told apart here: asking a
; name for its ancestors in Python costs a descent from the root per step.
(class_definition
  body: (block
    [(function_definition name: (identifier) @_method)
     (decorated_definition definition: (function_definition name: (identifier) @_method))]))
; Definitions whose body opens with a string: a docstring. (Comments above the first
; statement are parsed outside the block, so they never hide one.)
(function_definition
  name: (identifier) @_docstring
  body: (block . (expression_statement . [(string) (concatenated_string)])))
(class_definition
  name: (identifier) @_docstring
  body: (block . (expression_statement . [(string) (concatenated_string)])))
