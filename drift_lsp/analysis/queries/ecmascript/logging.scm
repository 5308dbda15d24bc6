; Calls of an output method name (`x.log`, `x.warn`…): which are console or logger calls is
; decided in Python; the predicate spares it every other member call.
(call_expression
  function: (member_expression
    property: (property_identifier) @_method) @logging.call
  (#any-of? @_method "log" "debug" "info" "warn" "error" "trace"))
