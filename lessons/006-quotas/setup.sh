kubectl create namespace sandbox
