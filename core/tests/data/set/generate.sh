#!/usr/bin/env bash
# Regenerates the expected outputs for core/tests/set_oracle.rs: every line of cases.txt is run
# by the real kubectl v1.35 as `kubectl LINE` in files/, and what it prints (stdout, then
# stderr) is stored as NNN.out. Needs the real kubectl (override with KUBECTL=...).
set -euo pipefail
K=${KUBECTL:-/work/shared/tools/real-kubectl}
HERE=$(cd "$(dirname "$0")" && pwd)
rm -f "$HERE"/*.out
n=0
while IFS= read -r line; do
  case "$line" in ''|'#'*) continue ;; esac
  n=$((n + 1))
  out=$(printf '%s/%03d.out' "$HERE" "$n")
  (cd "$HERE/files" && eval "\"$K\" $line" >"$out.stdout" 2>"$out.stderr") || true
  # kubectl's complaints about the missing server are not part of the command's output.
  grep -v -e '^E[0-9]\{4\} ' -e 'connection to the server' "$out.stderr" >>"$out.stdout" || true
  mv "$out.stdout" "$out"
  rm -f "$out.stderr"
done <"$HERE/cases.txt"
echo "wrote $n cases"
