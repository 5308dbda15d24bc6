((call function: (identifier) @logging.output) (#eq? @logging.output "print"))
((call
   function: (attribute
     object: (identifier) @_logger
     attribute: (identifier) @logging.output))
  (#match? @_logger "^_?(log|logger|logging|LOG|LOGGER|log_|_log)$")
  (#match? @logging.output "^(debug|info|warning|warn|error|exception|critical)$"))
((call
   function: (attribute
     object: (identifier) @_logger
     attribute: (identifier) @_level)
   arguments: (argument_list . (_) @logging.format))
  (#match? @_logger "^_?(log|logger|logging|LOG|LOGGER|log_|_log)$")
  (#match? @_level "^(debug|info|warning|warn|error|exception|critical)$"))
((call
   function: (attribute attribute: (identifier) @_get)
   arguments: (argument_list) @logging.logger_name)
  (#eq? @_get "getLogger"))
