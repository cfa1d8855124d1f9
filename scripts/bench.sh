#!/usr/bin/env bash
# Builds the page in release mode, then prints the wasm size (raw, gzip, brotli) and the time from
# navigation to a usable terminal in headless Chromium, over several runs. Budgets (PRODUCT.md):
# under 1.5 MB brotli, under 1 s to a usable terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh >/dev/null
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"   # wasm-opt from npm binaryen
trunk build --release
exec node tests/e2e/bench.mjs dist "${RUNS:-7}"
