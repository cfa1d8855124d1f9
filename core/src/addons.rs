//! Cluster add-ons the sandbox installs on request, as their real manifests (created through
//! the API like `kubectl apply -f` would): metrics-server, which kind, like this cluster, does
//! not ship. `kubeplay addon enable metrics-server` applies its release manifest with kind's
//! usual `--kubelet-insecure-tls` (kind's kubelet certificates carry no IP SANs); the release
//! manifest as published (without the flag, so metrics-server never becomes ready here, as on
//! kind) is what `kubectl apply -f` of its well-known URL reads.

use crate::api::{meta, yaml};
use crate::kubectl::object_name;
use crate::sim::Sim;
use crate::store::DeleteOptions;

/// The one URL the sandbox can "download": metrics-server's latest release manifest.
pub const METRICS_SERVER_URL: &str =
    "https://github.com/kubernetes-sigs/metrics-server/releases/latest/download/components.yaml";

/// metrics-server v0.8.0's `components.yaml`.
pub const METRICS_SERVER_MANIFEST: &str = r#"apiVersion: v1
kind: ServiceAccount
metadata:
  labels:
    k8s-app: metrics-server
  name: metrics-server
  namespace: kube-system
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  labels:
    k8s-app: metrics-server
    rbac.authorization.k8s.io/aggregate-to-admin: "true"
    rbac.authorization.k8s.io/aggregate-to-edit: "true"
    rbac.authorization.k8s.io/aggregate-to-view: "true"
  name: system:aggregated-metrics-reader
rules:
- apiGroups:
  - metrics.k8s.io
  resources:
  - pods
  - nodes
  verbs:
  - get
  - list
  - watch
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  labels:
    k8s-app: metrics-server
  name: system:metrics-server
rules:
- apiGroups:
  - ""
  resources:
  - nodes/metrics
  verbs:
  - get
- apiGroups:
  - ""
  resources:
  - pods
  - nodes
  verbs:
  - get
  - list
  - watch
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  labels:
    k8s-app: metrics-server
  name: metrics-server-auth-reader
  namespace: kube-system
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: extension-apiserver-authentication-reader
subjects:
- kind: ServiceAccount
  name: metrics-server
  namespace: kube-system
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  labels:
    k8s-app: metrics-server
  name: metrics-server:system:auth-delegator
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: system:auth-delegator
subjects:
- kind: ServiceAccount
  name: metrics-server
  namespace: kube-system
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  labels:
    k8s-app: metrics-server
  name: system:metrics-server
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: system:metrics-server
subjects:
- kind: ServiceAccount
  name: metrics-server
  namespace: kube-system
---
apiVersion: v1
kind: Service
metadata:
  labels:
    k8s-app: metrics-server
  name: metrics-server
  namespace: kube-system
spec:
  ports:
  - name: https
    port: 443
    protocol: TCP
    targetPort: https
  selector:
    k8s-app: metrics-server
---
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    k8s-app: metrics-server
  name: metrics-server
  namespace: kube-system
spec:
  selector:
    matchLabels:
      k8s-app: metrics-server
  strategy:
    rollingUpdate:
      maxUnavailable: 0
  template:
    metadata:
      labels:
        k8s-app: metrics-server
    spec:
      containers:
      - args:
        - --cert-dir=/tmp
        - --secure-port=10250
        - --kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname
        - --kubelet-use-node-status-port
        - --metric-resolution=15s
        image: registry.k8s.io/metrics-server/metrics-server:v0.8.0
        imagePullPolicy: IfNotPresent
        livenessProbe:
          failureThreshold: 3
          httpGet:
            path: /livez
            port: https
            scheme: HTTPS
          periodSeconds: 10
        name: metrics-server
        ports:
        - containerPort: 10250
          name: https
          protocol: TCP
        readinessProbe:
          failureThreshold: 3
          httpGet:
            path: /readyz
            port: https
            scheme: HTTPS
          initialDelaySeconds: 20
          periodSeconds: 10
        resources:
          requests:
            cpu: 100m
            memory: 200Mi
        securityContext:
          allowPrivilegeEscalation: false
          capabilities:
            drop:
            - ALL
          readOnlyRootFilesystem: true
          runAsNonRoot: true
          runAsUser: 1000
          seccompProfile:
            type: RuntimeDefault
        volumeMounts:
        - mountPath: /tmp
          name: tmp-dir
      nodeSelector:
        kubernetes.io/os: linux
      priorityClassName: system-cluster-critical
      serviceAccountName: metrics-server
      volumes:
      - emptyDir: {}
        name: tmp-dir
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  labels:
    k8s-app: metrics-server
  name: v1beta1.metrics.k8s.io
spec:
  group: metrics.k8s.io
  groupPriorityMinimum: 100
  insecureSkipTLSVerify: true
  service:
    name: metrics-server
    namespace: kube-system
  version: v1beta1
  versionPriority: 100
"#;

/// The add-ons `kubeplay addon` knows.
pub const ADDONS: &[&str] = &["metrics-server"];

/// The manifest `kubeplay addon enable` applies: the release one, with
/// `--kubelet-insecure-tls` as kind users add it.
fn enabled_manifest(addon: &str) -> Option<String> {
    match addon {
        "metrics-server" => Some(METRICS_SERVER_MANIFEST.replace(
            "        - --metric-resolution=15s\n",
            "        - --metric-resolution=15s\n        - --kubelet-insecure-tls\n",
        )),
        _ => None,
    }
}

fn unknown(addon: &str) -> String {
    format!(
        "kubeplay: unknown addon \"{addon}\" (known: {})\n",
        ADDONS.join(", ")
    )
}

/// `kubeplay addon enable NAME`: creates the add-on's objects; the output lists them as
/// `kubectl apply` would.
pub fn enable(addon: &str, sim: &mut Sim) -> Result<String, String> {
    let text = enabled_manifest(addon).ok_or_else(|| unknown(addon))?;
    let docs = yaml::decode_documents(&text).map_err(|e| format!("kubeplay: {e}\n"))?;
    let mut out = String::new();
    sim.store.set_manager("kubectl-client-side-apply");
    for doc in docs {
        let kind = sim
            .store
            .kind_for(
                meta::str_at(&doc, "/apiVersion"),
                meta::str_at(&doc, "/kind"),
            )
            .ok_or_else(|| format!("kubeplay: no kind for {}\n", meta::str_at(&doc, "/kind")))?;
        let name = meta::name(&doc).to_string();
        let verb = match sim.store.create(kind, doc) {
            Ok(_) => "created",
            Err(e) if matches!(e.reason, crate::api::error::Reason::AlreadyExists) => "unchanged",
            Err(e) => return Err(format!("kubeplay: {}\n", e.message)),
        };
        out.push_str(&format!("{} {verb}\n", object_name(kind, &name)));
    }
    sim.settle();
    out.push_str(&format!(
        "kubeplay: addon {addon} enabled; its pod starts in kube-system (kubectl get pods -n kube-system -l k8s-app={addon})\n"
    ));
    Ok(out)
}

/// `kubeplay addon disable NAME`: deletes the add-on's objects.
pub fn disable(addon: &str, sim: &mut Sim) -> Result<String, String> {
    let text = enabled_manifest(addon).ok_or_else(|| unknown(addon))?;
    let docs = yaml::decode_documents(&text).map_err(|e| format!("kubeplay: {e}\n"))?;
    let mut out = String::new();
    for doc in docs.iter().rev() {
        let Some(kind) = sim
            .store
            .kind_for(meta::str_at(doc, "/apiVersion"), meta::str_at(doc, "/kind"))
        else {
            continue;
        };
        let name = meta::name(doc);
        if sim
            .store
            .delete(kind, meta::namespace(doc), name, DeleteOptions::default())
            .is_ok()
        {
            out.push_str(&format!("{} deleted\n", object_name(kind, name)));
        }
    }
    sim.settle();
    if out.is_empty() {
        return Ok(format!("kubeplay: addon {addon} is not enabled\n"));
    }
    Ok(out)
}

/// The manifest text behind a URL `kubectl apply -f` may name: only metrics-server's release
/// manifest is known (the sandbox has no network).
pub fn manifest_for_url(url: &str) -> Option<&'static str> {
    (url == METRICS_SERVER_URL).then_some(METRICS_SERVER_MANIFEST)
}

/// `kubeplay addon list`: each add-on and whether its Deployment exists.
pub fn list(sim: &Sim) -> String {
    let mut lines = vec![vec!["ADDON".to_string(), "STATUS".to_string()]];
    for addon in ADDONS {
        let enabled = sim
            .store
            .get(
                crate::controllers::kind("apps", "Deployment"),
                "kube-system",
                addon,
            )
            .is_ok();
        lines.push(vec![
            addon.to_string(),
            if enabled { "enabled" } else { "disabled" }.to_string(),
        ]);
    }
    crate::kubectl::printers::table::align(&lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifests_decode() {
        for text in [
            METRICS_SERVER_MANIFEST.to_string(),
            enabled_manifest("metrics-server").unwrap_or_default(),
        ] {
            let docs = yaml::decode_documents(&text).unwrap_or_default();
            assert_eq!(docs.len(), 9);
        }
        assert!(
            enabled_manifest("metrics-server")
                .unwrap_or_default()
                .contains("--kubelet-insecure-tls")
        );
        assert!(!METRICS_SERVER_MANIFEST.contains("--kubelet-insecure-tls"));
    }
}
