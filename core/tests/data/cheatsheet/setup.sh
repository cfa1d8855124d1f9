# The objects the kubectl cheat sheet's lines name, made before each line runs (each line
# gets a fresh default cluster with these). One shell line each; `#` lines are notes.
kubeplay node add my-node
kubeplay node add k8s-node-1
kubeplay node add foo
kubectl create namespace mynamespace
kubectl create namespace my-ns
kubectl create configmap myconfig --from-literal=ca.crt=MIIC-not-a-real-cert
kubectl create secret generic my-secret --from-literal=key-name-with-dashes=s3cr3t
kubectl run my-pod --image=nginx
# port-forward's lines: a Service whose port 5000 is named my-service-port, in front of my-pod.
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Service
metadata:
  name: my-service
spec:
  selector:
    run: my-pod
  ports:
  - name: my-service-port
    port: 5000
    targetPort: 80
YAML
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: valid-pod
  labels:
    name: myLabel
spec:
  containers:
  - name: kubernetes-serve-hostname
    image: registry.k8s.io/serve_hostname
YAML
kubectl run cassandra-0 --image=cassandra --labels=app=cassandra,version=v1
kubectl run baz --image=nginx
kubectl run foo --image=nginx
kubectl create service clusterip baz --tcp=80
kubectl create service clusterip foo --tcp=80
kubectl create service clusterip my-label-svc --tcp=80
kubectl label service my-label-svc name=myLabel
kubectl run in-my-ns --image=nginx -n my-ns
kubectl expose pod in-my-ns --port=80 -n my-ns
kubectl create deployment frontend --image=nginx:1.26
kubectl rollout status deployment/frontend
kubectl set image deployment/frontend nginx=nginx:1.27
kubectl rollout status deployment/frontend
kubectl create deployment foo --image=nginx
kubectl create deployment mysql --image=mysql --replicas=2
kubectl create deployment valid-deployment --image=nginx
kubectl patch deployment valid-deployment --type=json -p='[{"op":"add","path":"/spec/template/spec/containers/0/livenessProbe","value":{"httpGet":{"path":"/","port":80}}}]'
kubectl patch serviceaccount default -p '{"secrets":[{"name":"first"}]}'
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: ReplicationController
metadata:
  name: foo
spec:
  replicas: 1
  selector:
    rc: foo
  template:
    metadata:
      labels:
        rc: foo
    spec:
      containers:
      - name: app
        image: nginx
YAML
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: ReplicationController
metadata:
  name: bar
spec:
  replicas: 1
  selector:
    rc: bar
  template:
    metadata:
      labels:
        rc: bar
    spec:
      containers:
      - name: app
        image: nginx
YAML
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: ReplicationController
metadata:
  name: baz
spec:
  replicas: 1
  selector:
    rc: baz
  template:
    metadata:
      labels:
        rc: baz
    spec:
      containers:
      - name: app
        image: nginx
YAML
