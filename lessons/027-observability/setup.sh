kubectl run mystery --image=busybox -- sh -c 'echo reading /etc/app/config.yaml; echo config file missing >&2; exit 42'
