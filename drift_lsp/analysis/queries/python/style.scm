(string) @style.quotes
(comment) @style.todo
