#!/usr/bin/env bash
# Installs the tools that build and test kubeplay, skipping each one already present:
#   - rustup target wasm32-unknown-unknown
#   - trunk 0.21.14 and wasm-bindgen-cli 0.2.130 (cargo install, into ~/.cargo/bin)
#   - npm packages from package-lock.json (binaryen@132 for wasm-opt, playwright-core), into node_modules/
#   - Debian chromium and chromium-driver (apt-get), for the browser tests and the benchmark
# Safe to run again: a second run only checks versions (a second or two).
# Needs: Rust (rustup, cargo), Node 20 with npm, and apt-get for chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen pin in Cargo.toml
BINARYEN_VERSION=132           # the binaryen pin in package.json
PLAYWRIGHT_VERSION=1.65.1      # the playwright-core pin in package.json

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
need() { command -v "$1" >/dev/null 2>&1 || { echo "setup: '$1' is required but not installed ($2)" >&2; exit 1; }; }
need rustup "install Rust with rustup"
need cargo "install Rust with rustup"
need node "install Node.js 20 or newer"
need npm "install Node.js 20 or newer"

if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "wasm32-unknown-unknown target: present"
else
  say "installing rustup target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(trunk --version 2>/dev/null || true)" = "trunk $TRUNK_VERSION" ]; then
  say "trunk $TRUNK_VERSION: present"
else
  say "installing trunk $TRUNK_VERSION (cargo install, about 7 minutes)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

if [ "$(wasm-bindgen --version 2>/dev/null || true)" = "wasm-bindgen $WASM_BINDGEN_VERSION" ] \
  && command -v wasm-bindgen-test-runner >/dev/null 2>&1; then
  say "wasm-bindgen-cli $WASM_BINDGEN_VERSION: present"
else
  # Not --locked: its lockfile wants a crate version the registry no longer has.
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (cargo install, a few minutes)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

npm_ok() {
  [ "$(node_modules/.bin/wasm-opt --version 2>/dev/null || true)" = "wasm-opt version $BINARYEN_VERSION (version_$BINARYEN_VERSION)" ] \
    && [ "$(node -p "require('./node_modules/playwright-core/package.json').version" 2>/dev/null || true)" = "$PLAYWRIGHT_VERSION" ]
}
if npm_ok; then
  say "npm binaryen@$BINARYEN_VERSION, playwright-core@$PLAYWRIGHT_VERSION: present"
else
  say "installing npm packages from package-lock.json"
  npm ci --no-audit --no-fund
fi

if [ -x /usr/bin/chromium ]; then
  say "chromium: present"
else
  say "installing Debian chromium and chromium-driver (apt-get, about a minute)"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver
fi
