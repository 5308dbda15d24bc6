(module
  (expression_statement
    (assignment left: (identifier) @naming.constant
      right: [(integer) (float) (string) (true) (false) (tuple) (concatenated_string)])))
(block (expression_statement (assignment left: (identifier) @naming.variable)))
(parameters
  [(identifier) @naming.parameter
   (typed_parameter (identifier) @naming.parameter)
   (default_parameter name: (identifier) @naming.parameter)
   (typed_default_parameter name: (identifier) @naming.parameter)])
