(string) @style.quotes
((comment) @style.todo (#match? @style.todo "(TODO|FIXME)"))
