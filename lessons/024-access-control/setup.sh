kubectl create namespace team
