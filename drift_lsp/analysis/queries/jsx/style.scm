; JSX attribute values follow HTML, not the code's quote choice (see style.scm).
(jsx_attribute (string) @_not_quote_style)
