kubectl create deployment api --image=nginx --replicas=3
