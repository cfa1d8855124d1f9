//! The default cluster, shaped like a fresh `kind` cluster named `kubeplay`: one control-plane
//! node (with its NoSchedule taint) and two workers, the control plane's static pods, kindnet
//! and kube-proxy on every node, CoreDNS, the local-path provisioner, and ingress-nginx as
//! kind's ingress guide installs it ([`ingress_nginx`]).
//!
//! Everything is created through the API and brought up by the controllers, scheduler and
//! kubelets themselves, as `kind create cluster` does; the learner arrives a minute later.

pub mod ingress_nginx;

use serde_json::{Value, json};

use crate::controllers::kind;
use crate::rng::Rng;
use crate::sim::Sim;
use crate::time::{SECOND, Time};

pub const KUBERNETES_VERSION: &str = "v1.35.0";
/// How long after cluster creation the learner gets the terminal.
const SETTLE_MILLIS: i64 = 60 * SECOND;

/// A machine that joins the cluster as a node: what `node_object` needs to describe it.
pub struct Machine {
    pub name: String,
    pub ip: String,
    pub pod_cidr: String,
    pub control_plane: bool,
    /// Capacity, as quantities (`8`, `16336452Ki`, `110`).
    pub cpu: String,
    pub memory: String,
    pub pods: String,
    pub labels: Vec<(String, String)>,
    pub taints: Vec<Value>,
}

impl Machine {
    /// A machine like kind's node containers: 8 CPUs, about 16 GiB, 110 pods.
    pub fn new(name: &str, ip: &str, pod_cidr: &str, control_plane: bool) -> Machine {
        Machine {
            name: name.into(),
            ip: ip.into(),
            pod_cidr: pod_cidr.into(),
            control_plane,
            cpu: "8".into(),
            memory: "16336452Ki".into(),
            pods: "110".into(),
            labels: Vec::new(),
            taints: Vec::new(),
        }
    }
}

const CONTROL_PLANE: &str = "kubeplay-control-plane";

fn default_machines() -> [Machine; 3] {
    let mut control_plane = Machine::new(CONTROL_PLANE, "172.18.0.2", "10.244.0.0/24", true);
    // As kind's ingress guide configures the control plane (its ports 80/443 map to the host).
    let (key, value) = ingress_nginx::NODE_LABEL;
    control_plane.labels = vec![(key.to_string(), value.to_string())];
    [
        control_plane,
        Machine::new("kubeplay-worker", "172.18.0.3", "10.244.1.0/24", false),
        Machine::new("kubeplay-worker2", "172.18.0.4", "10.244.2.0/24", false),
    ]
}

/// Builds the default cluster and runs it until it has settled.
pub fn default_cluster(seed: u64) -> Sim {
    let mut sim = Sim::new(seed);
    sim.store.set_now(Time::GENESIS);
    // kind brings the cluster up with kubeadm; its objects are recorded as kubeadm's.
    sim.store.set_manager("kubeadm");
    let create = |sim: &mut Sim, group: &str, kind_name: &str, obj: Value| {
        // The bootstrap objects are fixed and valid; a failure here would be a bug caught by
        // the tests that print the default cluster.
        let _ = sim.store.create(kind(group, kind_name), obj);
        sim.settle();
    };
    for ns in [
        "default",
        "kube-system",
        "kube-public",
        "kube-node-lease",
        "local-path-storage",
    ] {
        create(&mut sim, "", "Namespace", json!({"metadata": {"name": ns}}));
    }
    create_rbac_policy(&mut sim, seed);
    sim.store.set_manager("kubeadm");
    for (name, value, description) in [
        (
            "system-cluster-critical",
            2_000_000_000,
            "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.",
        ),
        (
            "system-node-critical",
            2_000_001_000,
            "Used for system critical pods that must not be moved from their current node.",
        ),
    ] {
        create(
            &mut sim,
            "scheduling.k8s.io",
            "PriorityClass",
            json!({
                "metadata": {"name": name}, "value": value, "description": description, "preemptionPolicy": "PreemptLowerPriority"
            }),
        );
    }
    create(
        &mut sim,
        "storage.k8s.io",
        "StorageClass",
        json!({
            "metadata": {"name": "standard", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
            "provisioner": "rancher.io/local-path",
            "reclaimPolicy": "Delete",
            "volumeBindingMode": "WaitForFirstConsumer",
        }),
    );
    create(
        &mut sim,
        "",
        "Service",
        json!({
            "metadata": {"name": "kubernetes", "namespace": "default", "labels": {"component": "apiserver", "provider": "kubernetes"}},
            "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.1", "clusterIPs": ["10.96.0.1"], "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}], "sessionAffinity": "None", "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack", "internalTrafficPolicy": "Cluster"},
        }),
    );
    // The API server publishes its own address behind the `kubernetes` Service.
    create(
        &mut sim,
        "",
        "Endpoints",
        json!({
            "metadata": {"name": "kubernetes", "namespace": "default", "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
            "subsets": [{"addresses": [{"ip": "172.18.0.2"}], "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}]}],
        }),
    );
    create(
        &mut sim,
        "discovery.k8s.io",
        "EndpointSlice",
        json!({
            "metadata": {"name": "kubernetes", "namespace": "default", "labels": {"kubernetes.io/service-name": "kubernetes"}},
            "addressType": "IPv4",
            "endpoints": [{"addresses": ["172.18.0.2"], "conditions": {"ready": true}}],
            "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}],
        }),
    );
    for machine in default_machines() {
        create(&mut sim, "", "Node", node_object(&machine, Time::GENESIS));
    }
    let control_plane_uid = sim
        .store
        .get(kind("", "Node"), "", CONTROL_PLANE)
        .map(|n| crate::api::meta::uid(n).to_string())
        .unwrap_or_default();
    for pod in static_pods(&control_plane_uid) {
        create(&mut sim, "", "Pod", pod);
    }
    for ds in [kindnet(), kube_proxy()] {
        create(&mut sim, "apps", "DaemonSet", ds);
    }
    create(
        &mut sim,
        "",
        "Service",
        json!({
            "metadata": {"name": "kube-dns", "namespace": "kube-system", "labels": {"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"}},
            "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"], "selector": {"k8s-app": "kube-dns"}, "ports": [
                {"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}
            ], "sessionAffinity": "None", "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack", "internalTrafficPolicy": "Cluster"},
        }),
    );
    create(&mut sim, "apps", "Deployment", coredns());
    create(&mut sim, "apps", "Deployment", local_path_provisioner());
    for (group, kind_name, obj) in ingress_nginx::objects() {
        create(&mut sim, group, kind_name, obj);
    }
    sim.advance(SETTLE_MILLIS);
    sim
}

/// The API server's bootstrap roles and bindings, and kubeadm's (see `auth::policy`). Their
/// UIDs come from a random stream of their own, so that adding to the policy does not change
/// every generated name that follows.
fn create_rbac_policy(sim: &mut Sim, seed: u64) {
    let main = std::mem::replace(sim.store.rng(), Rng::new(seed ^ RBAC_SEED));
    for object in crate::auth::policy::objects() {
        sim.store.set_manager(object.manager);
        let _ = sim.store.create(
            kind("rbac.authorization.k8s.io", object.kind),
            object.object,
        );
    }
    sim.settle();
    *sim.store.rng() = main;
}

/// Mixed into the seed for the RBAC objects' UIDs ("RBAC").
const RBAC_SEED: u64 = 0x5242_4143;

/// The Node object a machine's kubelet registers.
pub fn node_object(n: &Machine, now: Time) -> Value {
    let mut labels = json!({
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": n.name,
        "kubernetes.io/os": "linux",
    });
    let mut spec = json!({"podCIDR": n.pod_cidr, "podCIDRs": [n.pod_cidr], "providerID": format!("kind://docker/kubeplay/{}", n.name)});
    let mut taints = n.taints.clone();
    if n.control_plane {
        labels["node-role.kubernetes.io/control-plane"] = json!("");
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = json!("");
        taints.insert(
            0,
            json!({"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}),
        );
    }
    for (key, value) in &n.labels {
        labels[key] = json!(value);
    }
    if !taints.is_empty() {
        spec["taints"] = Value::Array(taints);
    }
    let now = now.rfc3339();
    let condition = |type_: &str, status: &str, reason: &str, message: &str| {
        json!({
            "type": type_, "status": status, "reason": reason, "message": message,
            "lastHeartbeatTime": now, "lastTransitionTime": now,
        })
    };
    let resources = json!({"cpu": n.cpu, "ephemeral-storage": "102626232Ki", "hugepages-1Gi": "0", "hugepages-2Mi": "0", "memory": n.memory, "pods": n.pods});
    json!({
        "metadata": {"name": n.name, "labels": labels, "annotations": {
            "node.alpha.kubernetes.io/ttl": "0",
            "volumes.kubernetes.io/controller-managed-attach-detach": "true",
        }},
        "spec": spec,
        "status": {
            "addresses": [{"type": "InternalIP", "address": n.ip}, {"type": "Hostname", "address": n.name}],
            "allocatable": resources,
            "capacity": resources,
            "conditions": [
                condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": format!("{:08x}-0000-4000-8000-000000000000", crate::rng::fnv1a32(n.name.as_bytes())),
                "containerRuntimeVersion": "containerd://2.1.4",
                "kernelVersion": "6.8.0-79-generic",
                "kubeProxyVersion": KUBERNETES_VERSION,
                "kubeletVersion": KUBERNETES_VERSION,
                "machineID": format!("{:032x}", u128::from(crate::rng::fnv1a32(n.name.as_bytes()))),
                "operatingSystem": "linux",
                "osImage": "Debian GNU/Linux 12 (bookworm)",
                "systemUUID": format!("{:08x}-1111-4111-8111-111111111111", crate::rng::fnv1a32(n.ip.as_bytes())),
            },
        },
    })
}

/// The control plane's static pods, as the control-plane kubelet mirrors them into the API.
fn static_pods(node_uid: &str) -> Vec<Value> {
    let node = CONTROL_PLANE;
    [
        ("etcd", "registry.k8s.io/etcd:3.6.5-0", "100m", vec!["etcd", "--advertise-client-urls=https://172.18.0.2:2379", "--data-dir=/var/lib/etcd"]),
        ("kube-apiserver", "registry.k8s.io/kube-apiserver:v1.35.0", "250m", vec!["kube-apiserver", "--advertise-address=172.18.0.2", "--authorization-mode=Node,RBAC", "--service-cluster-ip-range=10.96.0.0/16"]),
        ("kube-controller-manager", "registry.k8s.io/kube-controller-manager:v1.35.0", "200m", vec!["kube-controller-manager", "--cluster-cidr=10.244.0.0/16", "--leader-elect=true"]),
        ("kube-scheduler", "registry.k8s.io/kube-scheduler:v1.35.0", "100m", vec!["kube-scheduler", "--leader-elect=true"]),
    ]
    .into_iter()
    .map(|(component, image, cpu, command)| {
        json!({
            "metadata": {
                "name": format!("{component}-{node}"),
                "namespace": "kube-system",
                "labels": {"component": component, "tier": "control-plane"},
                "annotations": {
                    "kubernetes.io/config.mirror": format!("{:x}", crate::rng::fnv1a32(component.as_bytes())),
                    "kubernetes.io/config.source": "file",
                },
                "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": node, "uid": node_uid, "controller": true}],
            },
            "spec": {
                "nodeName": node,
                "hostNetwork": true,
                "priorityClassName": "system-node-critical",
                "tolerations": [{"operator": "Exists", "effect": "NoExecute"}],
                "containers": [{"name": component, "image": image, "command": command, "resources": {"requests": {"cpu": cpu}}}],
            },
        })
    })
    .collect()
}

fn daemon_set(name: &str, label: (&str, &str), image: &str, cpu: &str, memory: &str) -> Value {
    let labels = json!({label.0: label.1});
    json!({
        "metadata": {"name": name, "namespace": "kube-system", "labels": labels},
        "spec": {
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "hostNetwork": true,
                    "priorityClassName": "system-node-critical",
                    "tolerations": [{"operator": "Exists"}],
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    "containers": [{"name": name, "image": image, "resources": {"requests": {"cpu": cpu, "memory": memory}}}],
                },
            },
        },
    })
}

fn kindnet() -> Value {
    daemon_set(
        "kindnet",
        ("app", "kindnet"),
        "docker.io/kindest/kindnetd:v20250512-df8de77b",
        "100m",
        "50Mi",
    )
}

fn kube_proxy() -> Value {
    let mut ds = daemon_set(
        "kube-proxy",
        ("k8s-app", "kube-proxy"),
        "registry.k8s.io/kube-proxy:v1.35.0",
        "0",
        "0",
    );
    ds["spec"]["template"]["spec"]["containers"][0]["resources"] = json!({});
    ds
}

fn coredns() -> Value {
    json!({
        "metadata": {"name": "coredns", "namespace": "kube-system", "labels": {"k8s-app": "kube-dns"}},
        "spec": {
            "replicas": 2,
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}},
            "selector": {"matchLabels": {"k8s-app": "kube-dns"}},
            "template": {
                "metadata": {"labels": {"k8s-app": "kube-dns"}},
                "spec": {
                    "priorityClassName": "system-cluster-critical",
                    "dnsPolicy": "Default",
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    "tolerations": [
                        {"key": "CriticalAddonsOnly", "operator": "Exists"},
                        {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}
                    ],
                    "containers": [{
                        "name": "coredns",
                        "image": "registry.k8s.io/coredns/coredns:v1.13.1",
                        "args": ["-conf", "/etc/coredns/Corefile"],
                        "ports": [
                            {"name": "dns", "containerPort": 53, "protocol": "UDP"},
                            {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"},
                            {"name": "metrics", "containerPort": 9153, "protocol": "TCP"}
                        ],
                        "resources": {"limits": {"memory": "170Mi"}, "requests": {"cpu": "100m", "memory": "70Mi"}},
                    }],
                },
            },
        },
    })
}

fn local_path_provisioner() -> Value {
    json!({
        "metadata": {"name": "local-path-provisioner", "namespace": "local-path-storage"},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "local-path-provisioner"}},
            "template": {
                "metadata": {"labels": {"app": "local-path-provisioner"}},
                "spec": {
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    "tolerations": [
                        {"key": "node-role.kubernetes.io/control-plane", "operator": "Equal", "effect": "NoSchedule"}
                    ],
                    "containers": [{
                        "name": "local-path-provisioner",
                        "image": "docker.io/kindest/local-path-provisioner:v20250214-acbabc1a",
                        "command": ["local-path-provisioner", "--debug", "start", "--helper-image", "docker.io/kindest/local-path-helper:v20241212-8ac705d0", "--config", "/etc/config/config.json"],
                    }],
                },
            },
        },
    })
}
