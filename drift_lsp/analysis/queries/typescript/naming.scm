(formal_parameters (required_parameter pattern: (identifier) @naming.parameter))
(formal_parameters (optional_parameter pattern: (identifier) @naming.parameter))
(interface_declaration name: (type_identifier) @naming.class)
