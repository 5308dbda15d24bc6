(variable_declarator name: (identifier) @naming.function value: [(arrow_function) (function_expression)])
(program
  (lexical_declaration
    (variable_declarator name: (identifier) @naming.constant
      value: [(number) (string) (template_string) (true) (false)])))
(statement_block (lexical_declaration (variable_declarator name: (identifier) @naming.variable)))
(statement_block (variable_declaration (variable_declarator name: (identifier) @naming.variable)))
