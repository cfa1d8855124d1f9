kubectl create deployment docs --image=hashicorp/http-echo -- /http-echo -text=docs
kubectl expose deployment docs --port=80 --target-port=5678
kubectl create deployment status --image=hashicorp/http-echo -- /http-echo -text=status
kubectl expose deployment status --port=80 --target-port=5678
kubectl create deployment fallback --image=hashicorp/http-echo -- /http-echo -text=fallback
kubectl expose deployment fallback --port=80 --target-port=5678
