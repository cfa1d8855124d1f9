kubectl create namespace shop
kubectl create deployment db --image=nginx -n shop
kubectl expose deployment db --port=80 -n shop
kubectl run api --image=busybox --labels=app=api -n shop -- sleep 3600
kubectl run intruder --image=busybox --labels=app=intruder -n shop -- sleep 3600
kubectl create namespace quiet
kubectl create deployment app --image=nginx -n quiet
kubectl expose deployment app --port=80 -n quiet
kubectl create namespace monitoring
kubectl run probe --image=busybox -n monitoring -- sleep 3600
kubectl run outsider --image=busybox -- sleep 3600
