//! Defaulting: the fields the API server fills in when a client leaves them out, as upstream's
//! `SetDefaults_*` functions do for v1.35, so that `kubectl get -o yaml` after a create shows
//! what a real cluster shows.
//!
//! Admission-time additions that depend on other objects (the service account token volume,
//! default tolerations, priority) live in `store::admission`, not here.

mod networking;
mod other;

use serde_json::{Map, Value, json};

use super::meta::{as_object_mut, child_object, ensure_object};

/// Inserts `value` under `key` unless the key is already present.
pub(crate) fn default(map: &mut Map<String, Value>, key: &str, value: Value) {
    map.entry(key).or_insert(value);
}

/// Applies the defaults of `kind` (in the group of the object) in place.
pub fn apply(kind: &str, obj: &mut Value) {
    match kind {
        "Pod" => pod(obj),
        "PodTemplate" => pod_spec(child_object(ensure_object(obj, "template"), "spec")),
        "ReplicationController" => replication_controller(obj),
        "Service" => networking::service(obj),
        "NetworkPolicy" => networking::network_policy(obj),
        "IngressClass" => networking::ingress_class(obj),
        "Ingress" => networking::ingress(obj),
        "Endpoints" => {
            for subset in obj
                .get_mut("subsets")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                networking::ports_protocol(subset.get_mut("ports"));
            }
        }
        "EndpointSlice" => networking::ports_protocol(obj.get_mut("ports")),
        "Secret" => other::secret(obj),
        "LimitRange" => other::limit_range(obj),
        "HorizontalPodAutoscaler" => other::horizontal_pod_autoscaler(obj),
        "RoleBinding" | "ClusterRoleBinding" => other::role_binding(obj),
        "PriorityClass" => other::priority_class(obj),
        "CustomResourceDefinition" => other::custom_resource_definition(obj),
        "Deployment" => deployment(obj),
        "ReplicaSet" => {
            default(ensure_object(obj, "spec"), "replicas", json!(1));
            template(obj);
        }
        "DaemonSet" => daemon_set(obj),
        "StatefulSet" => stateful_set(obj),
        "PersistentVolumeClaim" => persistent_volume_claim(obj),
        "PersistentVolume" => persistent_volume(obj),
        "StorageClass" => storage_class(obj),
        "Job" => job(obj),
        "CronJob" => cron_job(obj),
        "PodDisruptionBudget" => {
            // policy/v1 defaults nothing in the spec; its status counts are plain (not
            // omitempty) integers, so a budget shows them as 0 before the controller has run.
            let status = ensure_object(obj, "status");
            for key in [
                "currentHealthy",
                "desiredHealthy",
                "disruptionsAllowed",
                "expectedPods",
            ] {
                default(status, key, json!(0));
            }
        }
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

/// `SetDefaults_StatefulSet` (v1.35, with `MaxUnavailableStatefulSet` on by default): ordered
/// pod management, RollingUpdate with partition 0 and maxUnavailable 1, Retain for both PVC
/// retention cases; claim templates get the PVC defaults and, as the API server writes them,
/// their own `apiVersion` and `kind`.
fn stateful_set(obj: &mut Value) {
    let spec = ensure_object(obj, "spec");
    default(spec, "podManagementPolicy", json!("OrderedReady"));
    let strategy = as_object_mut(spec.entry("updateStrategy").or_insert(Value::Null));
    if !strategy.contains_key("type") {
        strategy.insert("type".into(), json!("RollingUpdate"));
        default(strategy, "rollingUpdate", json!({}));
    }
    if strategy.get("type").and_then(Value::as_str) == Some("RollingUpdate")
        && let Some(rolling) = strategy.get_mut("rollingUpdate")
    {
        let rolling = as_object_mut(rolling);
        default(rolling, "partition", json!(0));
        default(rolling, "maxUnavailable", json!(1));
    }
    let retention = as_object_mut(
        spec.entry("persistentVolumeClaimRetentionPolicy")
            .or_insert(Value::Null),
    );
    default(retention, "whenDeleted", json!("Retain"));
    default(retention, "whenScaled", json!("Retain"));
    default(spec, "replicas", json!(1));
    default(spec, "revisionHistoryLimit", json!(10));
    if let Some(templates) = spec
        .get_mut("volumeClaimTemplates")
        .and_then(Value::as_array_mut)
    {
        for claim in templates.iter_mut() {
            let map = as_object_mut(claim);
            default(map, "apiVersion", json!("v1"));
            default(map, "kind", json!("PersistentVolumeClaim"));
            persistent_volume_claim(claim);
        }
    }
    template(obj);
}

/// `SetDefaults_PersistentVolumeClaim`: a new claim is Pending and mounts a filesystem.
fn persistent_volume_claim(obj: &mut Value) {
    default(
        ensure_object(obj, "spec"),
        "volumeMode",
        json!("Filesystem"),
    );
    default(ensure_object(obj, "status"), "phase", json!("Pending"));
}

/// `SetDefaults_PersistentVolume`: Pending until the PV controller looks at it, Retain unless
/// told otherwise, a filesystem; a hostPath's type defaults to "" (no check).
fn persistent_volume(obj: &mut Value) {
    let spec = ensure_object(obj, "spec");
    default(spec, "persistentVolumeReclaimPolicy", json!("Retain"));
    default(spec, "volumeMode", json!("Filesystem"));
    if let Some(host_path) = spec.get_mut("hostPath") {
        default(as_object_mut(host_path), "type", json!(""));
    }
    default(ensure_object(obj, "status"), "phase", json!("Pending"));
}

/// `SetDefaults_StorageClass`.
fn storage_class(obj: &mut Value) {
    let class = as_object_mut(obj);
    default(class, "reclaimPolicy", json!("Delete"));
    default(class, "volumeBindingMode", json!("Immediate"));
}

/// Whether `spec[key]` is absent or null (a pointer field left nil).
fn unset(spec: &Map<String, Value>, key: &str) -> bool {
    spec.get(key).is_none_or(Value::is_null)
}

/// Sets a pointer field left nil (absent or null).
fn fill(spec: &mut Map<String, Value>, key: &str, value: Value) {
    if unset(spec, key) {
        spec.insert(key.into(), value);
    }
}

/// `SetDefaults_Job`: one completion at a time unless told otherwise, six retries, NonIndexed,
/// not suspended, replacement as soon as a pod terminates (or once it has failed, with a pod
/// failure policy), the template's labels on the Job when it has none of its own.
fn job(obj: &mut Value) {
    let spec = ensure_object(obj, "spec");
    if unset(spec, "completions") && unset(spec, "parallelism") {
        spec.insert("completions".into(), json!(1));
        spec.insert("parallelism".into(), json!(1));
    }
    if unset(spec, "parallelism") {
        spec.insert("parallelism".into(), json!(1));
    }
    if unset(spec, "backoffLimit") {
        let limit = if unset(spec, "backoffLimitPerIndex") {
            6
        } else {
            i64::from(i32::MAX)
        };
        spec.insert("backoffLimit".into(), json!(limit));
    }
    fill(spec, "completionMode", json!("NonIndexed"));
    fill(spec, "suspend", json!(false));
    let replacement = if unset(spec, "podFailurePolicy") {
        "TerminatingOrFailed"
    } else {
        "Failed"
    };
    fill(spec, "podReplacementPolicy", json!(replacement));
    fill(spec, "manualSelector", json!(false));
    pod_failure_policy(spec);
    template(obj);
    let template_labels = obj
        .pointer("/spec/template/metadata/labels")
        .filter(|l| l.as_object().is_some_and(|m| !m.is_empty()))
        .cloned();
    let meta = ensure_object(obj, "metadata");
    let has_labels = meta
        .get("labels")
        .and_then(Value::as_object)
        .is_some_and(|m| !m.is_empty());
    if let (Some(labels), false) = (template_labels, has_labels) {
        meta.insert("labels".into(), labels);
    }
}

/// `SetDefaults_PodFailurePolicyOnPodConditionsPattern`: a pattern matches True by default.
fn pod_failure_policy(job_spec: &mut Map<String, Value>) {
    let rules = job_spec
        .get_mut("podFailurePolicy")
        .and_then(|p| p.get_mut("rules"))
        .and_then(Value::as_array_mut);
    for rule in rules.into_iter().flatten() {
        let patterns = rule
            .get_mut("onPodConditions")
            .and_then(Value::as_array_mut);
        for p in patterns.into_iter().flatten() {
            let p = as_object_mut(p);
            if p.get("status")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                p.insert("status".into(), json!("True"));
            }
        }
    }
}

/// The labels and selector the API server generates for a new Job (the Job strategy's
/// `generateSelector`), once the Job has its uid: `job-name` and `controller-uid`, legacy and
/// `batch.kubernetes.io/` forms, on the template, and a selector on the latter uid label.
/// With `manualSelector: true` the user's selector stands. Then, as reading the stored Job back
/// defaults it again, a Job without labels takes the template's.
pub fn job_generated_selector(obj: &mut Value) {
    if obj.pointer("/spec/manualSelector") == Some(&json!(true)) {
        return;
    }
    let name = obj
        .pointer("/metadata/name")
        .cloned()
        .unwrap_or(Value::Null);
    let uid = obj.pointer("/metadata/uid").cloned().unwrap_or(Value::Null);
    let spec = ensure_object(obj, "spec");
    let template = child_object(spec, "template");
    let labels = child_object(child_object(template, "metadata"), "labels");
    for key in ["job-name", "batch.kubernetes.io/job-name"] {
        default(labels, key, name.clone());
    }
    for key in ["controller-uid", "batch.kubernetes.io/controller-uid"] {
        default(labels, key, uid.clone());
    }
    let selector = child_object(spec, "selector");
    let match_labels = child_object(selector, "matchLabels");
    default(match_labels, "batch.kubernetes.io/controller-uid", uid);
    job(obj);
}

/// `SetDefaults_CronJob`: concurrent runs allowed, not suspended, three succeeded and one
/// failed Job kept; the Job template's pod template gets the pod defaults.
fn cron_job(obj: &mut Value) {
    let spec = ensure_object(obj, "spec");
    if spec
        .get("concurrencyPolicy")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        spec.insert("concurrencyPolicy".into(), json!("Allow"));
    }
    fill(spec, "suspend", json!(false));
    fill(spec, "successfulJobsHistoryLimit", json!(3));
    fill(spec, "failedJobsHistoryLimit", json!(1));
    let job_spec = child_object(child_object(spec, "jobTemplate"), "spec");
    pod_failure_policy(job_spec);
    let template_spec = child_object(child_object(job_spec, "template"), "spec");
    pod_spec(template_spec);
}

/// Defaults of a workload's `spec.template`: the pod spec's own. (Since v1.33 a zero
/// `creationTimestamp` is omitted, so templates no longer show `creationTimestamp: null`.)
fn template(obj: &mut Value) {
    let template = child_object(ensure_object(obj, "spec"), "template");
    pod_spec(child_object(template, "spec"));
}

/// `SetDefaults_Pod`: the pod spec's defaults, plus what only pods get (not templates):
/// service links, and requests taken from limits where only limits are given.
fn pod(obj: &mut Value) {
    let spec = ensure_object(obj, "spec");
    pod_spec(spec);
    default(spec, "enableServiceLinks", json!(true));
    for list in ["initContainers", "containers"] {
        for c in spec
            .get_mut(list)
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            let Some(resources) = c.get_mut("resources").and_then(Value::as_object_mut) else {
                continue;
            };
            let Some(limits) = resources.get("limits").and_then(Value::as_object).cloned() else {
                continue;
            };
            let requests = as_object_mut(resources.entry("requests").or_insert(Value::Null));
            for (k, v) in limits {
                requests.entry(k).or_insert(v);
            }
        }
    }
}

/// `SetDefaults_ReplicationController`: selector and labels from the template's labels, one
/// replica.
fn replication_controller(obj: &mut Value) {
    let template_labels = obj.pointer("/spec/template/metadata/labels").cloned();
    if let Some(labels) = template_labels.filter(|l| l.as_object().is_some_and(|m| !m.is_empty())) {
        let spec = ensure_object(obj, "spec");
        let no_selector = spec
            .get("selector")
            .and_then(Value::as_object)
            .is_none_or(Map::is_empty);
        if no_selector {
            spec.insert("selector".into(), labels.clone());
        }
        let meta = ensure_object(obj, "metadata");
        if meta
            .get("labels")
            .and_then(Value::as_object)
            .is_none_or(Map::is_empty)
        {
            meta.insert("labels".into(), labels);
        }
    }
    default(ensure_object(obj, "spec"), "replicas", json!(1));
    template(obj);
}

/// `SetDefaults_PodSpec`, `SetDefaults_Container` and the defaults of what a pod spec holds
/// (volumes, probes, field references).
pub fn pod_spec(spec: &mut Map<String, Value>) {
    default(spec, "restartPolicy", json!("Always"));
    default(spec, "dnsPolicy", json!("ClusterFirst"));
    default(spec, "terminationGracePeriodSeconds", json!(30));
    default(spec, "schedulerName", json!("default-scheduler"));
    default(spec, "securityContext", json!({}));
    // The v1 conversion keeps the deprecated `serviceAccount` equal to `serviceAccountName`
    // (taking it from there when only the old field is given).
    let account = match spec.get("serviceAccountName").and_then(Value::as_str) {
        Some(name) if !name.is_empty() => Some(name.to_string()),
        _ => spec
            .get("serviceAccount")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
            .map(str::to_string),
    };
    if let Some(account) = account {
        spec.insert("serviceAccountName".into(), json!(account));
        spec.insert("serviceAccount".into(), json!(account));
    }
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        if let Some(containers) = spec.get_mut(list).and_then(Value::as_array_mut) {
            for c in containers.iter_mut() {
                container(as_object_mut(c));
            }
        }
    }
    if let Some(volumes) = spec.get_mut("volumes").and_then(Value::as_array_mut) {
        for v in volumes.iter_mut() {
            volume(as_object_mut(v));
        }
    }
}

/// `SetDefaults_Volume` and the volume sources': file modes 0644 (420), a projected token's
/// hour, `hostPath.type: ""`, and `emptyDir` when no source is given.
fn volume(v: &mut Map<String, Value>) {
    const SOURCES: &[&str] = &[
        "hostPath",
        "emptyDir",
        "gcePersistentDisk",
        "awsElasticBlockStore",
        "gitRepo",
        "secret",
        "nfs",
        "iscsi",
        "glusterfs",
        "persistentVolumeClaim",
        "rbd",
        "flexVolume",
        "cinder",
        "cephfs",
        "flocker",
        "downwardAPI",
        "fc",
        "azureFile",
        "configMap",
        "vsphereVolume",
        "quobyte",
        "azureDisk",
        "photonPersistentDisk",
        "projected",
        "portworxVolume",
        "scaleIO",
        "storageos",
        "csi",
        "ephemeral",
        "image",
    ];
    if !v.keys().any(|k| SOURCES.contains(&k.as_str())) {
        v.insert("emptyDir".into(), json!({}));
    }
    for source in ["secret", "configMap", "downwardAPI", "projected"] {
        if let Some(s) = v.get_mut(source).and_then(Value::as_object_mut) {
            default(s, "defaultMode", json!(420));
        }
    }
    if let Some(h) = v.get_mut("hostPath").and_then(Value::as_object_mut) {
        default(h, "type", json!(""));
    }
    for source in v
        .get_mut("projected")
        .and_then(|p| p.get_mut("sources"))
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        if let Some(token) = source
            .get_mut("serviceAccountToken")
            .and_then(Value::as_object_mut)
        {
            default(token, "expirationSeconds", json!(3600));
        }
        if let Some(items) = source
            .pointer_mut("/downwardAPI/items")
            .and_then(Value::as_array_mut)
        {
            items.iter_mut().for_each(field_refs);
        }
    }
    if let Some(items) = v
        .get_mut("downwardAPI")
        .and_then(|d| d.get_mut("items"))
        .and_then(Value::as_array_mut)
    {
        items.iter_mut().for_each(field_refs);
    }
}

/// `SetDefaults_ObjectFieldSelector` (`apiVersion: v1`) and a resource reference's zero
/// divisor, which Go prints as `"0"`.
fn field_refs(holder: &mut Value) {
    if let Some(f) = holder.get_mut("fieldRef").and_then(Value::as_object_mut) {
        default(f, "apiVersion", json!("v1"));
    }
    if let Some(r) = holder
        .get_mut("resourceFieldRef")
        .and_then(Value::as_object_mut)
    {
        default(r, "divisor", json!("0"));
    }
}

/// `SetDefaults_Probe` and its handlers' (`SetDefaults_HTTPGetAction`).
fn probe(p: &mut Map<String, Value>) {
    default(p, "timeoutSeconds", json!(1));
    default(p, "periodSeconds", json!(10));
    default(p, "successThreshold", json!(1));
    default(p, "failureThreshold", json!(3));
    http_get(p);
}

fn http_get(handler: &mut Map<String, Value>) {
    if let Some(h) = handler.get_mut("httpGet").and_then(Value::as_object_mut) {
        default(h, "path", json!("/"));
        default(h, "scheme", json!("HTTP"));
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
    for key in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(p) = c.get_mut(key).and_then(Value::as_object_mut) {
            probe(p);
        }
    }
    for hook in ["postStart", "preStop"] {
        if let Some(h) = c
            .get_mut("lifecycle")
            .and_then(|l| l.get_mut(hook))
            .and_then(Value::as_object_mut)
        {
            http_get(h);
        }
    }
    if let Some(env) = c.get_mut("env").and_then(Value::as_array_mut) {
        for e in env.iter_mut() {
            if let Some(from) = e.get_mut("valueFrom") {
                field_refs(from);
            }
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
    fn stateful_set_defaults() {
        let mut s = json!({"spec": {
            "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}},
            "volumeClaimTemplates": [{"metadata": {"name": "www"}, "spec": {"accessModes": ["ReadWriteOnce"]}}],
        }});
        apply("StatefulSet", &mut s);
        assert_eq!(
            s.pointer("/spec/podManagementPolicy"),
            Some(&json!("OrderedReady"))
        );
        assert_eq!(
            s.pointer("/spec/updateStrategy"),
            Some(
                &json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0, "maxUnavailable": 1}})
            )
        );
        assert_eq!(
            s.pointer("/spec/persistentVolumeClaimRetentionPolicy"),
            Some(&json!({"whenDeleted": "Retain", "whenScaled": "Retain"}))
        );
        assert_eq!(s.pointer("/spec/revisionHistoryLimit"), Some(&json!(10)));
        assert_eq!(
            s.pointer("/spec/volumeClaimTemplates/0/status/phase"),
            Some(&json!("Pending"))
        );
        assert_eq!(
            s.pointer("/spec/volumeClaimTemplates/0/kind"),
            Some(&json!("PersistentVolumeClaim"))
        );
        // OnDelete gets no rollingUpdate block.
        let mut on_delete = json!({"spec": {"updateStrategy": {"type": "OnDelete"}}});
        apply("StatefulSet", &mut on_delete);
        assert_eq!(
            on_delete.pointer("/spec/updateStrategy"),
            Some(&json!({"type": "OnDelete"}))
        );
    }

    #[test]
    fn storage_defaults() {
        let mut pv = json!({"spec": {"hostPath": {"path": "/mnt/data"}}});
        apply("PersistentVolume", &mut pv);
        assert_eq!(
            pv.pointer("/spec/persistentVolumeReclaimPolicy"),
            Some(&json!("Retain"))
        );
        assert_eq!(pv.pointer("/spec/hostPath/type"), Some(&json!("")));
        assert_eq!(pv.pointer("/status/phase"), Some(&json!("Pending")));
        let mut sc = json!({"provisioner": "example.com/x"});
        apply("StorageClass", &mut sc);
        assert_eq!(sc.pointer("/volumeBindingMode"), Some(&json!("Immediate")));
        assert_eq!(sc.pointer("/reclaimPolicy"), Some(&json!("Delete")));
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
