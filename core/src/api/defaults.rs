//! Defaulting: the fields the API server fills in when a client leaves them out, as upstream's
//! `SetDefaults_*` functions do for v1.35, so that `kubectl get -o yaml` after a create shows
//! what a real cluster shows.
//!
//! Admission-time additions that depend on other objects (the service account token volume,
//! default tolerations, priority) live in `store::admission`, not here.

use serde_json::{Map, Value, json};

use super::meta::{as_object_mut, child_object, ensure_object};

/// Inserts `value` under `key` unless the key is already present.
fn default(map: &mut Map<String, Value>, key: &str, value: Value) {
    map.entry(key).or_insert(value);
}

/// Applies the defaults of `kind` (in the group of the object) in place.
pub fn apply(kind: &str, obj: &mut Value) {
    match kind {
        "Pod" => pod_spec(ensure_object(obj, "spec")),
        "Deployment" => deployment(obj),
        "ReplicaSet" => {
            default(ensure_object(obj, "spec"), "replicas", json!(1));
            template(obj);
        }
        "DaemonSet" => daemon_set(obj),
        "Namespace" => {
            let name = obj
                .pointer("/metadata/name")
                .cloned()
                .unwrap_or(Value::Null);
            let meta = ensure_object(obj, "metadata");
            let labels = as_object_mut(meta.entry("labels").or_insert(Value::Null));
            labels.insert("kubernetes.io/metadata.name".into(), name);
            default(
                ensure_object(obj, "spec"),
                "finalizers",
                json!(["kubernetes"]),
            );
        }
        _ => {}
    }
}

fn deployment(obj: &mut Value) {
    let spec = ensure_object(obj, "spec");
    default(spec, "replicas", json!(1));
    default(spec, "revisionHistoryLimit", json!(10));
    default(spec, "progressDeadlineSeconds", json!(600));
    let strategy = as_object_mut(spec.entry("strategy").or_insert(Value::Null));
    default(strategy, "type", json!("RollingUpdate"));
    if strategy.get("type").and_then(Value::as_str) == Some("RollingUpdate") {
        let rolling = as_object_mut(strategy.entry("rollingUpdate").or_insert(Value::Null));
        default(rolling, "maxSurge", json!("25%"));
        default(rolling, "maxUnavailable", json!("25%"));
    }
    template(obj);
}

fn daemon_set(obj: &mut Value) {
    let spec = ensure_object(obj, "spec");
    default(spec, "revisionHistoryLimit", json!(10));
    let strategy = as_object_mut(spec.entry("updateStrategy").or_insert(Value::Null));
    default(strategy, "type", json!("RollingUpdate"));
    if strategy.get("type").and_then(Value::as_str) == Some("RollingUpdate") {
        let rolling = as_object_mut(strategy.entry("rollingUpdate").or_insert(Value::Null));
        default(rolling, "maxSurge", json!(0));
        default(rolling, "maxUnavailable", json!(1));
    }
    template(obj);
}

/// Defaults of a workload's `spec.template`: the pod spec's own. (Since v1.33 a zero
/// `creationTimestamp` is omitted, so templates no longer show `creationTimestamp: null`.)
fn template(obj: &mut Value) {
    let template = child_object(ensure_object(obj, "spec"), "template");
    pod_spec(child_object(template, "spec"));
}

/// `SetDefaults_PodSpec` and `SetDefaults_Container`.
pub fn pod_spec(spec: &mut Map<String, Value>) {
    default(spec, "restartPolicy", json!("Always"));
    default(spec, "dnsPolicy", json!("ClusterFirst"));
    default(spec, "terminationGracePeriodSeconds", json!(30));
    default(spec, "schedulerName", json!("default-scheduler"));
    default(spec, "securityContext", json!({}));
    default(spec, "enableServiceLinks", json!(true));
    for list in ["initContainers", "containers"] {
        if let Some(containers) = spec.get_mut(list).and_then(Value::as_array_mut) {
            for c in containers.iter_mut() {
                container(as_object_mut(c));
            }
        }
    }
}

fn container(c: &mut Map<String, Value>) {
    let image = c.get("image").and_then(Value::as_str).unwrap_or("");
    default(c, "imagePullPolicy", json!(pull_policy_for(image)));
    default(c, "resources", json!({}));
    default(c, "terminationMessagePath", json!("/dev/termination-log"));
    default(c, "terminationMessagePolicy", json!("File"));
    if let Some(ports) = c.get_mut("ports").and_then(Value::as_array_mut) {
        for p in ports.iter_mut() {
            default(as_object_mut(p), "protocol", json!("TCP"));
        }
    }
}

/// `Always` for an untagged or `:latest` image, `IfNotPresent` otherwise (a digest counts as a
/// tag).
pub fn pull_policy_for(image: &str) -> &'static str {
    if image.contains('@') {
        return "IfNotPresent";
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, "latest")) | None => "Always",
        Some(_) => "IfNotPresent",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_policy_follows_the_tag() {
        assert_eq!(pull_policy_for("nginx"), "Always");
        assert_eq!(pull_policy_for("nginx:latest"), "Always");
        assert_eq!(pull_policy_for("nginx:1.27"), "IfNotPresent");
        assert_eq!(pull_policy_for("localhost:5000/app"), "Always");
        assert_eq!(pull_policy_for("nginx@sha256:abc"), "IfNotPresent");
    }

    #[test]
    fn deployment_defaults() {
        let mut d = json!({"metadata": {"name": "web"}, "spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": "nginx"}]}}}});
        apply("Deployment", &mut d);
        assert_eq!(
            d.pointer("/spec/strategy/rollingUpdate/maxSurge"),
            Some(&json!("25%"))
        );
        assert_eq!(d.pointer("/spec/replicas"), Some(&json!(1)));
        assert_eq!(
            d.pointer("/spec/template/spec/containers/0/imagePullPolicy"),
            Some(&json!("Always"))
        );
    }

    #[test]
    fn namespace_gets_its_name_label() {
        let mut ns = json!({"metadata": {"name": "dev"}});
        apply("Namespace", &mut ns);
        assert_eq!(
            ns.pointer("/metadata/labels/kubernetes.io~1metadata.name"),
            Some(&json!("dev"))
        );
        assert_eq!(ns.pointer("/spec/finalizers"), Some(&json!(["kubernetes"])));
    }
}
