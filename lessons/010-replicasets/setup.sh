kubectl apply -f - <<X
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: workers
spec:
  replicas: 4
  selector:
    matchLabels: {app: workers}
  template:
    metadata:
      labels: {app: workers}
    spec:
      containers:
      - name: worker
        image: busybox:1.36
        command: ["sleep", "3600"]
X
