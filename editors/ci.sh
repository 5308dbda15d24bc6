#!/usr/bin/env bash
# Editor clients in CI: Neovim for tests/editors/test_neovim.py, the VS Code extension's unit
# tests and .vsix, and a real VS Code (code-server + Chromium) for tests/editors/test_vscode.py.
# Safe to run twice.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v nvim >/dev/null 2>&1; then
  apt-get update
  apt-get install -y neovim
fi

cd vscode
npm ci --no-audit --no-fund
npm test
npm run package
bash e2e/install.sh
