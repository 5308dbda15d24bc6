(catch_clause) @errors.handling
