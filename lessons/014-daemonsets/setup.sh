kubectl label node kubeplay-worker2 gpu=true
kubectl apply -f - <<X
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: net-probe
spec:
  selector:
    matchLabels: {app: net-probe}
  template:
    metadata:
      labels: {app: net-probe}
    spec:
      terminationGracePeriodSeconds: 5
      containers:
      - name: probe
        image: busybox:1.36
        command: ["sleep", "3600"]
X
