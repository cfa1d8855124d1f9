#!/usr/bin/env bash
# Regenerates static/help/kubectl-v1.35.txt: the `--help` text of every kubectl command kubeplay
# runs, as the real kubectl v1.35 prints it (the oracle is the spec for client-side output).
# Each record is a `%%% <command path>` line followed by the text. Commands kubeplay lacks are
# left out on purpose: their `--help` says they are not available instead.
#
# Usage: scripts/gen-kubectl-help.sh [KUBECTL]   (default /work/shared/tools/real-kubectl)
set -euo pipefail
K=${1:-/work/shared/tools/real-kubectl}
OUT="$(cd "$(dirname "$0")/.." && pwd)/static/help/kubectl-v1.35.txt"

paths=(
  "" options
  get create apply delete describe edit scale rollout set run expose wait cordon uncordon drain
  taint api-resources api-versions patch label annotate replace logs exec top autoscale explain
  auth config version cluster-info "cluster-info dump" diff events port-forward proxy
)
for s in deployment service configmap secret job cronjob namespace serviceaccount role \
  clusterrole rolebinding clusterrolebinding ingress priorityclass quota poddisruptionbudget; do
  paths+=("create $s")
done
for s in clusterip nodeport loadbalancer externalname; do paths+=("create service $s"); done
for s in generic docker-registry tls; do paths+=("create secret $s"); done
for s in status history undo pause resume restart; do paths+=("rollout $s"); done
for s in image env resources selector serviceaccount; do paths+=("set $s"); done
for s in pod node; do paths+=("top $s"); done
for s in can-i whoami; do paths+=("auth $s"); done
for s in view get-contexts current-context use-context set-context get-users get-clusters \
  set-credentials set-cluster delete-context delete-cluster delete-user rename-context unset; do
  paths+=("config $s")
done

{
  for p in "${paths[@]}"; do
    echo "%%% $p"
    if [ "$p" = options ]; then
      "$K" options
    else
      # shellcheck disable=SC2086
      "$K" $p --help
    fi
  done
} > "$OUT"
echo "wrote $OUT ($(wc -c < "$OUT") bytes, ${#paths[@]} commands)"
