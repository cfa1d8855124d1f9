#!/usr/bin/env bash
# Builds the page in release mode and serves it on http://127.0.0.1:8080, rebuilding on changes.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"   # wasm-opt from npm binaryen
exec trunk serve --release --address 127.0.0.1 --port 8080
