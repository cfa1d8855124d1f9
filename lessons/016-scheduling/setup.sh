kubectl apply -f - <<X
apiVersion: v1
kind: Pod
metadata:
  name: stuck
spec:
  nodeSelector:
    zone: eu-1
  containers:
  - name: app
    image: nginx
X
