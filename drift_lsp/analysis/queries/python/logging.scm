; Calls of a logging method name: which of those are logger calls is decided in Python from
; the callee's bytes. The method name is the only capture of the pattern: py-tree-sitter
; evaluates a pattern's predicates once per capture it returns, so a second capture (the
; callee) doubled the cost of checking every `obj.method()` of the file.
(call
  function: (attribute
    attribute: (identifier) @logging.method)
  (#any-of? @logging.method "debug" "info" "warning" "warn" "error" "exception" "critical" "getLogger"))
((call function: (identifier) @logging.print) (#eq? @logging.print "print"))
