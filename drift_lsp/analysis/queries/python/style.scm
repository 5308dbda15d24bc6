(string) @style.quotes
; A string that is a statement of its own (a docstring, "use strict") isn't the code's quote
; choice. Captured rather than checked with node.parent, which walks down from the root.
(expression_statement (string) @_not_quote_style)
(comment) @style.todo
; Replacement fields of f-strings: before Python 3.12 a string inside one must use the other
; quote than the f-string around it, so its quotes are no choice.
(interpolation) @_fstring_field
