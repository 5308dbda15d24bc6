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
; Destructuring assignments (`[a = 1] = arr`, `({ a, ...rest } = cfg)`, nested): every name
; bound anywhere in the pattern is written; the classifier walks the pattern for them.
(assignment_expression left: [(array_pattern) (object_pattern)] @_written_pattern)
(for_in_statement left: [(array_pattern) (object_pattern)] @_written_pattern)
