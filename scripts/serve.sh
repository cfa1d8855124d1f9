#!/usr/bin/env bash
# Builds the page in release mode and serves it on http://127.0.0.1:8080, rebuilding on changes
# (reload the page to see them: Trunk's auto-reload script is inline, which the page's
# Content-Security-Policy forbids).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"   # wasm-opt from npm binaryen
exec trunk serve --release --no-autoreload --address 127.0.0.1 --port 8080
