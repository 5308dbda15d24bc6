(formal_parameters (identifier) @naming.parameter)
(formal_parameters (assignment_pattern left: (identifier) @naming.parameter))
