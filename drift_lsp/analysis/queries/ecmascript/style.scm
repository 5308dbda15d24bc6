(string) @style.quotes
(lexical_declaration) @style.declaration
(variable_declaration) @style.declaration
(binary_expression operator: ["==" "!=" "===" "!=="] @style.equality)
((comment) @style.todo (#match? @style.todo "(TODO|FIXME)"))
