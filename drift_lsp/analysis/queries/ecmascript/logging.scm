; Calls of an output method name (`x.log`, `x.warn`…): which are console or logger calls is
; decided in Python; the predicate spares it every other member call. The method name is
; the pattern's only capture, so the predicate runs once per call (see python/logging.scm).
(call_expression
  function: (member_expression
    property: (property_identifier) @logging.method)
  (#any-of? @logging.method "log" "debug" "info" "warn" "error" "trace"))
; Calls of `debug(…)`: the `debug` package's loggers (`const debug = require('debug')('x')`).
((call_expression function: (identifier) @logging.debug) (#eq? @logging.debug "debug"))
