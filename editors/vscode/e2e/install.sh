#!/usr/bin/env bash
# Installs what tests/editors/test_vscode.py needs to drive a real VS Code: code-server (VS Code
# in a browser), Chromium to drive it, and the native build dependencies of code-server's
# modules. Nothing here reaches beyond the package registries, so the steps that would download
# binaries from elsewhere are fed from Debian packages instead. Safe to run twice: the second run
# finds everything in place and returns at once.
#
# The install lives outside git, in $DRIFT_VSCODE_E2E (default ~/.cache/drift-vscode-e2e), about
# 300 MB (plus about 360 MB of Debian packages, mostly Chromium); the test finds it there.
set -euo pipefail

# The last code-server whose engines.node accepts the node 20 that Debian and CI have.
CODE_SERVER_VERSION=4.99.4
# The @vscode/ripgrep that code-server's bundled VS Code pins in its npm-shrinkwrap.json, and the
# ripgrep release its postinstall downloads; the tarball is built from Debian's rg instead.
VSCODE_RIPGREP_VERSION=1.15.11
RIPGREP_RELEASE=v13.0.0-10

CACHE="${DRIFT_VSCODE_E2E:-$HOME/.cache/drift-vscode-e2e}"
PREFIX="$CACHE/code-server"
BIN="$PREFIX/node_modules/.bin/code-server"

if [ -x "$BIN" ] && [ "$("$BIN" --version 2>/dev/null | head -1 | cut -d' ' -f1)" = "$CODE_SERVER_VERSION" ] \
  && [ -x /usr/bin/chromium ]; then
  echo "code-server $CODE_SERVER_VERSION and chromium already installed under $CACHE"
  exit 0
fi

missing=()
for package in chromium ripgrep libkrb5-dev g++ make; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi

case "$(uname -m)" in
  x86_64) target=x86_64-unknown-linux-musl ;;
  aarch64) target=aarch64-unknown-linux-musl ;;
  *) echo "install.sh: no ripgrep target for $(uname -m)" >&2; exit 1 ;;
esac
# @vscode/ripgrep's postinstall uses a tarball already in its download cache instead of fetching
# one: put Debian's rg there under the name it looks for.
rg_cache="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-$VSCODE_RIPGREP_VERSION"
mkdir -p "$rg_cache"
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
cp /usr/bin/rg "$staging/rg"
tar czf "$rg_cache/ripgrep-$RIPGREP_RELEASE-$target.tar.gz" -C "$staging" rg

mkdir -p "$PREFIX"
# nodedir: build the native modules against Debian's node headers (no header download);
# unsafe_perm: code-server's postinstall refuses to run as root otherwise;
# yes: node-pty's postinstall runs npx, which would otherwise ask.
npm_config_nodedir=/usr npm_config_unsafe_perm=true npm_config_yes=true \
  npm install --prefix "$PREFIX" --no-audit --no-fund "code-server@$CODE_SERVER_VERSION"
"$BIN" --version
