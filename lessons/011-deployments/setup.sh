kubectl create deployment shop --image=nginx:1.26 --replicas=2
kubectl create deployment api --image=nginx:1.26 --replicas=3
kubectl rollout status deployment/api --timeout=60s
kubectl set image deployment/api nginx=nginx-missing:1.0
