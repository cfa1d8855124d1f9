kubectl run web-a --image=nginx --labels=app=web,env=prod
kubectl run web-b --image=nginx --labels=app=web,env=staging
kubectl run db --image=nginx --labels=app=db,env=prod
kubectl run batch --image=busybox --labels=app=batch -- sleep 3600
