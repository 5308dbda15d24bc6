(formal_parameters (required_parameter pattern: (identifier) @naming.parameter))
(formal_parameters (optional_parameter pattern: (identifier) @naming.parameter))
(interface_declaration name: (type_identifier) @naming.class)
(type_alias_declaration name: (type_identifier) @naming.class)
(enum_declaration name: (identifier) @naming.class)
(enum_body [(property_identifier) @naming.enum_member
            (enum_assignment name: (property_identifier) @naming.enum_member)])
; Class fields; one holding an arrow function (`handle = () => {}`) is a method.
(public_field_definition
  name: [(property_identifier) (private_property_identifier)] @naming.field)
(interface_body (property_signature name: (property_identifier) @naming.field))
(interface_body (method_signature name: (property_identifier) @naming.method))
