"""Storage engine tests. The folder is not named `tests/storage`: as a package on the test
path, `storage` would shadow the real `storage` package that the tests import."""
