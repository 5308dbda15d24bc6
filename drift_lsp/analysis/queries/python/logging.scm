; Calls of a logging method name: which of those are logger calls is decided in Python from
; the bytes. The method-name predicate runs in C and leaves ~1 % of attribute calls for
; Python to look at; without it every `obj.method()` of the file was classified three times.
(call
  function: (attribute
    attribute: (identifier) @_method) @logging.call
  (#any-of? @_method "debug" "info" "warning" "warn" "error" "exception" "critical" "getLogger"))
((call function: (identifier) @logging.print) (#eq? @logging.print "print"))
