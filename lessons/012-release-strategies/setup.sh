kubectl apply -f - <<X
apiVersion: apps/v1
kind: Deployment
metadata:
  name: site-blue
spec:
  replicas: 2
  selector:
    matchLabels:
      app: site
      version: blue
  template:
    metadata:
      labels:
        app: site
        version: blue
    spec:
      containers:
      - name: app
        image: hashicorp/http-echo
        args: ["-text=blue"]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: site-green
spec:
  replicas: 2
  selector:
    matchLabels:
      app: site
      version: green
  template:
    metadata:
      labels:
        app: site
        version: green
    spec:
      containers:
      - name: app
        image: hashicorp/http-echo
        args: ["-text=green"]
---
apiVersion: v1
kind: Service
metadata:
  name: site
spec:
  selector:
    app: site
    version: blue
  ports:
  - port: 80
    targetPort: 5678
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: store-stable
spec:
  replicas: 3
  selector:
    matchLabels:
      app: store
      track: stable
  template:
    metadata:
      labels:
        app: store
        track: stable
    spec:
      containers:
      - name: app
        image: hashicorp/http-echo
        args: ["-text=stable"]
---
apiVersion: v1
kind: Service
metadata:
  name: store
spec:
  selector:
    app: store
  ports:
  - port: 80
    targetPort: 5678
X
kubectl run tester --image=busybox -- sleep 3600
