(except_clause) @errors.handler
