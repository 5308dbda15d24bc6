(except_clause) @errors.breadth
(except_clause) @errors.handling
