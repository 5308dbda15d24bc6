((call_expression
   function: (member_expression
     object: (identifier) @_object
     property: (property_identifier) @logging.output))
  (#match? @_object "^(console|log|logger|LOG|LOGGER)$")
  (#match? @logging.output "^(log|debug|info|warn|error|trace)$"))
