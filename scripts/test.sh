#!/usr/bin/env bash
# Every test: native workspace tests, the core's tests on wasm (in Node), clippy on the page for
# wasm, the release build of the page, and every browser end-to-end test (tests/e2e/*.test.mjs)
# in headless Chromium.
# Prints how long each phase took.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -a TIMES=()
phase() {
  local name=$1; shift
  printf '\n\033[1m==> %s\033[0m\n' "$name"
  local start=$SECONDS
  "$@"
  TIMES+=("$(printf '%5ss  %s' "$((SECONDS - start))" "$name")")
}

phase "setup (install missing tools)" ./scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"   # wasm-opt from npm binaryen

phase "cargo test --workspace" cargo test --workspace
phase "core tests on wasm32 (wasm-bindgen-test in Node)" \
  env CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test -p kubeplay-core --target wasm32-unknown-unknown --test wasm
phase "clippy kubeplay-web for wasm32" \
  cargo clippy -p kubeplay-web --no-deps --target wasm32-unknown-unknown -- -D warnings
phase "trunk build --release" trunk build --release
e2e() {
  local t
  for t in tests/e2e/*.test.mjs; do
    printf '\n%s\n' "$t"
    node "$t" dist
  done
}
phase "browser end-to-end (headless Chromium, tests/e2e/*.test.mjs)" e2e

printf '\n\033[1m==> all tests passed; phase times:\033[0m\n'
printf '%s\n' "${TIMES[@]}"
