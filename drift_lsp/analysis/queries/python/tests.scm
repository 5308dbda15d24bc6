((function_definition name: (identifier) @tests.function_naming)
  (#match? @tests.function_naming "^[Tt]est"))
