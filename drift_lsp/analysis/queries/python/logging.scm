; Every attribute call: which ones are logger calls is decided in Python from the bytes,
; which costs less than a text predicate per call.
(call function: (attribute) @logging.call)
((call function: (identifier) @logging.print) (#eq? @logging.print "print"))
