#!/usr/bin/env bash
# Regenerates the expected outputs for core/tests/create_oracle.rs: `kubectl LINE --dry-run=client
# -o yaml` for every line of cases.txt, in files/ (see ../oracle-generate.sh).
exec "$(dirname "$0")/../oracle-generate.sh" "$(dirname "$0")" "--dry-run=client -o yaml"
