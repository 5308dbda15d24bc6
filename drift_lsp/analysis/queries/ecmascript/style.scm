(string) @style.quotes
; A string that is a statement of its own (a docstring, "use strict") isn't the code's quote
; choice. Captured rather than checked with node.parent, which walks down from the root.
(expression_statement (string) @_not_quote_style)
(lexical_declaration) @style.declaration
(variable_declaration) @style.declaration
(binary_expression operator: ["==" "!=" "===" "!=="] @style.equality)
(comment) @style.todo
; Identifiers assigned to: a `let` whose name is assigned within its scope stays a `let`.
(assignment_expression left: (identifier) @_written)
(augmented_assignment_expression left: (identifier) @_written)
(update_expression argument: (identifier) @_written)
(for_in_statement left: (identifier) @_written)
(assignment_expression left: (array_pattern (identifier) @_written))
(assignment_expression
  left: (object_pattern [(shorthand_property_identifier_pattern) @_written
                         (pair_pattern value: (identifier) @_written)]))
