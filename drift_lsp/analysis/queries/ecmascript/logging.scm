; Every member call: which ones are console or logger calls is decided in Python.
(call_expression function: (member_expression) @logging.call)
