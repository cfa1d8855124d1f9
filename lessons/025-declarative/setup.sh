kubectl create deployment api --image=nginx:1.27
