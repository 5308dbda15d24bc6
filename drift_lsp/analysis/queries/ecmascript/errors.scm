(catch_clause) @errors.handler
