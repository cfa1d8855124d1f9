//! ingress-nginx as kind's guide installed it (`deploy/static/provider/kind/deploy.yaml` of
//! controller v1.15.1, the last release before the project's retirement): the
//! `ingress-nginx` namespace, the controller Deployment with host ports 80 and 443 on the
//! node labelled `ingress-ready=true` (the control plane, whose ports kind maps to the host),
//! its Services, its ConfigMap and the `nginx` IngressClass.
//!
//! Left out: the RBAC objects, the validating webhook configuration, and the two certgen Jobs
//! (they run once, and with `ttlSecondsAfterFinished: 0` are gone a moment later); the Secret
//! they leave behind, which the controller mounts, is created directly.

use serde_json::{Value, json};

/// The controller's image, pinned by digest as the manifest pins it.
pub const IMAGE: &str = "registry.k8s.io/ingress-nginx/controller:v1.15.1@sha256:594ceea76b01c592858f803f9ff4d2cb40542cae2060410b2c95f75907d659e1";
const VERSION: &str = "1.15.1";
/// The label kind's ingress guide gives the node that runs the controller.
pub const NODE_LABEL: (&str, &str) = ("ingress-ready", "true");

fn labels(component: Option<&str>) -> Value {
    let mut l = json!({
        "app.kubernetes.io/instance": "ingress-nginx",
        "app.kubernetes.io/name": "ingress-nginx",
    });
    if let Some(c) = component {
        l["app.kubernetes.io/component"] = json!(c);
        l["app.kubernetes.io/part-of"] = json!("ingress-nginx");
        l["app.kubernetes.io/version"] = json!(VERSION);
    }
    l
}

fn selector() -> Value {
    json!({
        "app.kubernetes.io/component": "controller",
        "app.kubernetes.io/instance": "ingress-nginx",
        "app.kubernetes.io/name": "ingress-nginx",
    })
}

/// The objects, as (group, kind, object), in the manifest's order.
pub fn objects() -> Vec<(&'static str, &'static str, Value)> {
    let ns = "ingress-nginx";
    vec![
        (
            "",
            "Namespace",
            json!({"metadata": {"name": ns, "labels": labels(None)}}),
        ),
        (
            "",
            "ServiceAccount",
            json!({"metadata": {"name": "ingress-nginx", "namespace": ns, "labels": labels(Some("controller"))}, "automountServiceAccountToken": true}),
        ),
        (
            "",
            "ServiceAccount",
            json!({"metadata": {"name": "ingress-nginx-admission", "namespace": ns, "labels": labels(Some("admission-webhook"))}, "automountServiceAccountToken": true}),
        ),
        (
            "",
            "ConfigMap",
            json!({"metadata": {"name": "ingress-nginx-controller", "namespace": ns, "labels": labels(Some("controller"))}}),
        ),
        (
            "",
            "Secret",
            json!({
                "metadata": {"name": "ingress-nginx-admission", "namespace": ns},
                "type": "Opaque",
                // A certificate authority, serving certificate and key (placeholders).
                "data": {"ca": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==", "cert": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==", "key": "LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0tCg=="},
            }),
        ),
        (
            "",
            "Service",
            json!({
                "metadata": {"name": "ingress-nginx-controller", "namespace": ns, "labels": labels(Some("controller"))},
                "spec": {
                    "ipFamilies": ["IPv4"],
                    "ipFamilyPolicy": "SingleStack",
                    "ports": [
                        {"appProtocol": "http", "name": "http", "port": 80, "protocol": "TCP", "targetPort": "http"},
                        {"appProtocol": "https", "name": "https", "port": 443, "protocol": "TCP", "targetPort": "https"},
                    ],
                    "selector": selector(),
                    "type": "LoadBalancer",
                },
            }),
        ),
        (
            "",
            "Service",
            json!({
                "metadata": {"name": "ingress-nginx-controller-admission", "namespace": ns, "labels": labels(Some("controller"))},
                "spec": {
                    "ports": [{"appProtocol": "https", "name": "https-webhook", "port": 443, "targetPort": "webhook"}],
                    "selector": selector(),
                    "type": "ClusterIP",
                },
            }),
        ),
        ("apps", "Deployment", deployment()),
        (
            "networking.k8s.io",
            "IngressClass",
            json!({"metadata": {"name": "nginx", "labels": labels(Some("controller"))}, "spec": {"controller": "k8s.io/ingress-nginx"}}),
        ),
    ]
}

fn deployment() -> Value {
    let probe = json!({
        "failureThreshold": 3,
        "httpGet": {"path": "/healthz", "port": 10254, "scheme": "HTTP"},
        "initialDelaySeconds": 10,
        "periodSeconds": 10,
        "successThreshold": 1,
        "timeoutSeconds": 1,
    });
    let mut liveness = probe.clone();
    liveness["failureThreshold"] = json!(5);
    json!({
        "metadata": {"name": "ingress-nginx-controller", "namespace": "ingress-nginx", "labels": labels(Some("controller"))},
        "spec": {
            "minReadySeconds": 0,
            "revisionHistoryLimit": 10,
            "selector": {"matchLabels": selector()},
            "strategy": {"rollingUpdate": {"maxUnavailable": 1}, "type": "RollingUpdate"},
            "template": {
                "metadata": {"labels": labels(Some("controller"))},
                "spec": {
                    "automountServiceAccountToken": true,
                    "containers": [{
                        "args": [
                            "/nginx-ingress-controller",
                            "--election-id=ingress-nginx-leader",
                            "--controller-class=k8s.io/ingress-nginx",
                            "--ingress-class=nginx",
                            "--configmap=$(POD_NAMESPACE)/ingress-nginx-controller",
                            "--validating-webhook=:8443",
                            "--validating-webhook-certificate=/usr/local/certificates/cert",
                            "--validating-webhook-key=/usr/local/certificates/key",
                            "--watch-ingress-without-class=true",
                            "--publish-status-address=localhost",
                        ],
                        "env": [
                            {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                            {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
                            {"name": "LD_PRELOAD", "value": "/usr/local/lib/libmimalloc.so"},
                        ],
                        "image": IMAGE,
                        "imagePullPolicy": "IfNotPresent",
                        "lifecycle": {"preStop": {"exec": {"command": ["/wait-shutdown"]}}},
                        "livenessProbe": liveness,
                        "name": "controller",
                        "ports": [
                            {"containerPort": 80, "hostPort": 80, "name": "http", "protocol": "TCP"},
                            {"containerPort": 443, "hostPort": 443, "name": "https", "protocol": "TCP"},
                            {"containerPort": 8443, "name": "webhook", "protocol": "TCP"},
                        ],
                        "readinessProbe": probe,
                        "resources": {"requests": {"cpu": "100m", "memory": "90Mi"}},
                        "securityContext": {
                            "allowPrivilegeEscalation": false,
                            "capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]},
                            "readOnlyRootFilesystem": false,
                            "runAsGroup": 82,
                            "runAsNonRoot": true,
                            "runAsUser": 101,
                            "seccompProfile": {"type": "RuntimeDefault"},
                        },
                        "volumeMounts": [{"mountPath": "/usr/local/certificates/", "name": "webhook-cert", "readOnly": true}],
                    }],
                    "dnsPolicy": "ClusterFirst",
                    "nodeSelector": {"ingress-ready": "true", "kubernetes.io/os": "linux"},
                    "serviceAccountName": "ingress-nginx",
                    "terminationGracePeriodSeconds": 0,
                    "tolerations": [
                        {"effect": "NoSchedule", "key": "node-role.kubernetes.io/master", "operator": "Equal"},
                        {"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane", "operator": "Equal"},
                    ],
                    "volumes": [{"name": "webhook-cert", "secret": {"secretName": "ingress-nginx-admission"}}],
                },
            },
        },
    })
}
