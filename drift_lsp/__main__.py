"""`python -m drift_lsp` starts the language server over stdio, like `drift lsp`."""

import sys

from drift_lsp.cli import main

if __name__ == "__main__":
    sys.exit(main(["lsp", *sys.argv[1:]]))
