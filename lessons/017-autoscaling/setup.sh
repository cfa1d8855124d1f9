kubectl create deployment web --image=nginx
kubectl set resources deployment web --requests=cpu=100m --limits=cpu=200m
