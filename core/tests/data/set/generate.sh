#!/usr/bin/env bash
# Regenerates the expected outputs for core/tests/set_oracle.rs: `kubectl LINE` for every line
# of cases.txt, in files/ (see ../oracle-generate.sh).
exec "$(dirname "$0")/../oracle-generate.sh" "$(dirname "$0")"
