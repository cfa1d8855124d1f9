kubectl create secret generic api-token --from-literal=token=abc123
