#!/usr/bin/env bash
# Builds the page (debug: quick) and writes screenshots of its main states, in light and dark
# themes, English and Korean, to tests/e2e/screenshots/shot-*.png. RELEASE=1 builds release.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh >/dev/null
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"   # wasm-opt from npm binaryen
if [ "${RELEASE:-0}" = 1 ]; then trunk build --release; else trunk build; fi
exec node tests/e2e/screenshots.mjs dist
