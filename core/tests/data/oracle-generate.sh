#!/usr/bin/env bash
# Records the expected outputs of a test against the real kubectl (core/tests/oracle): every
# line of DIR/cases.txt is run by kubectl v1.35 as `kubectl LINE SUFFIX` in DIR/files/, and
# what it prints (stdout, then stderr) is stored as DIR/NNN.out. Needs the real kubectl
# (override with KUBECTL=...). Usage: oracle-generate.sh DIR [SUFFIX]
set -euo pipefail
K=${KUBECTL:-/work/shared/tools/real-kubectl}
HERE=$(cd "$1" && pwd)
SUFFIX=${2:-}
rm -f "$HERE"/*.out
n=0
while IFS= read -r line; do
  case "$line" in ''|'#'*) continue ;; esac
  n=$((n + 1))
  out=$(printf '%s/%03d.out' "$HERE" "$n")
  (cd "$HERE/files" && eval "\"$K\" $line $SUFFIX" >"$out.stdout" 2>"$out.stderr") || true
  # kubectl's complaints about the missing server are not part of the command's output.
  grep -v -e '^E[0-9]\{4\} ' -e 'connection to the server' "$out.stderr" >>"$out.stdout" || true
  mv "$out.stdout" "$out"
  rm -f "$out.stderr"
done <"$HERE/cases.txt"
echo "wrote $n cases"
