#!/usr/bin/env bash
# Installs Azurite (Microsoft's Azure Storage server, npm `azurite`) under the project, for the az:// store
# tests (tests/conftest.py starts it as a real server process, as moto is for s3://).
# Goes to .cache/azurite (ignored by git); a second run finds it there and downloads nothing.
# Without node/npm it only says so (make demo needs neither); the az:// tests then fail, naming node as the reason.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=3.35.0   # tests/conftest.py looks for .cache/azurite/node_modules/.bin/azurite-blob
PREFIX=.cache/azurite
BIN=$PREFIX/node_modules/.bin/azurite-blob
if [ -x "$BIN" ] && grep -q "\"version\": \"$VERSION\"" "$PREFIX/node_modules/azurite/package.json" 2>/dev/null; then
  echo "azurite $VERSION: present"
  exit 0
fi
if ! command -v npm >/dev/null && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  # a fresh Debian: npm (and Debian's nodejs with it); a machine whose nodejs already ships npm is left alone
  echo "installing npm (and nodejs) for azurite"
  (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends npm) || true
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "azurite: node and npm are not installed; the az:// store tests will fail (install nodejs and npm, then rerun)" >&2
  exit 0
fi
echo "installing azurite $VERSION into $PREFIX"
mkdir -p "$PREFIX"
npm install --prefix "$PREFIX" --no-audit --no-fund --loglevel=error "azurite@$VERSION"
test -x "$BIN"
