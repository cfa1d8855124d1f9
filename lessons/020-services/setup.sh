kubectl create deployment api --image=nginx --replicas=2
kubectl run client --image=busybox -- sleep 3600
kubectl create service clusterip broken --tcp=80:80
kubectl set selector service broken app=wrong
