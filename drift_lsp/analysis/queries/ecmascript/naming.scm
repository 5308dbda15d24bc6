(function_declaration name: (identifier) @naming.function)
(variable_declarator name: (identifier) @naming.function value: [(arrow_function) (function_expression)])
(method_definition name: (property_identifier) @naming.method)
(class_declaration name: (_) @naming.class)
(program
  (lexical_declaration
    (variable_declarator name: (identifier) @naming.constant
      value: [(number) (string) (template_string) (true) (false)])))
(statement_block (lexical_declaration (variable_declarator name: (identifier) @naming.variable)))
(statement_block (variable_declaration (variable_declarator name: (identifier) @naming.variable)))
