kubectl apply -f - <<X
apiVersion: apps/v1
kind: Deployment
metadata:
  name: eater
spec:
  replicas: 1
  selector:
    matchLabels: {app: eater}
  template:
    metadata:
      labels: {app: eater}
    spec:
      containers:
      - name: stress
        image: polinux/stress
        command: ["stress", "--vm", "1", "--vm-bytes", "150M", "--vm-hang", "1"]
        resources:
          requests: {memory: 50Mi}
          limits: {memory: 100Mi}
X
