(formal_parameters (identifier) @naming.parameter)
(formal_parameters (assignment_pattern left: (identifier) @naming.parameter))
; Class fields; one holding an arrow function (`handle = () => {}`) is a method.
(field_definition property: [(property_identifier) (private_property_identifier)] @naming.field)
