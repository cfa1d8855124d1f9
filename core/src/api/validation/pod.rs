//! Pods and pod templates: `ValidatePodCreate`, `ValidatePodUpdate`, `ValidatePodSpec` and
//! `ValidatePodTemplateSpec`, for the parts a learner meets — containers (names, images,
//! ports, env, resources, probes, mounts), volumes, restart and DNS policies, tolerations,
//! security contexts — with the update rule that only images, `activeDeadlineSeconds` and
//! added tolerations may change.
//!
//! Not checked (yet): affinity terms, topology spread constraints, DNS config IPs, ephemeral
//! container contents, volume sources beyond the common ones, Windows options.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::container;
use super::field::{BadValue, ErrorList, FieldError, Path};
use super::labels::{validate_annotations, validate_label_name, validate_labels};
use super::meta::{name_is_dns_subdomain, validate_object_meta};
use super::names::{inclusive_range_error, invalid_each, is_dns1123_label, is_dns1123_subdomain};
use super::{int_of, list, str_of};
use crate::api::quantity::Quantity;

/// Volumes by name, for mounts to refer to; `true` for the persistent-claim kinds.
pub type Volumes = BTreeMap<String, bool>;

/// Upstream's `PodValidationOptions`, as far as they matter here.
#[derive(Clone, Copy, Default)]
pub struct Opts {
    /// The spec is a pod's own, not a template's (host ports then must match exactly).
    pub resource_is_pod: bool,
}

/// `ValidatePodCreate`.
pub fn validate_pod(pod: &Value) -> ErrorList {
    let mut errs = metadata_and_spec(pod);
    let spec = pod.get("spec").unwrap_or(&Value::Null);
    let spec_path = Path::new("spec");
    if !list(spec.get("ephemeralContainers")).is_empty() {
        errs.push(FieldError::forbidden(
            &spec_path.child("ephemeralContainers"),
            "cannot be set on create",
        ));
    }
    if !str_of(spec, "nodeName").is_empty() && !list(spec.get("schedulingGates")).is_empty() {
        errs.push(FieldError::forbidden(
            &spec_path.child("nodeName"),
            "cannot be set until all schedulingGates have been cleared",
        ));
    }
    errs
}

/// `validatePodMetadataAndSpec`.
fn metadata_and_spec(pod: &Value) -> ErrorList {
    let meta_path = Path::new("metadata");
    let spec_path = Path::new("spec");
    let empty = Value::Null;
    let spec = pod.get("spec").unwrap_or(&empty);
    let mut errs =
        validate_object_meta(pod.get("metadata"), true, name_is_dns_subdomain, &meta_path);
    errs.extend(pod_specific_annotations(
        pod.pointer("/metadata/annotations"),
        spec,
        &meta_path.child("annotations"),
    ));
    errs.extend(validate_pod_spec(
        spec,
        &spec_path,
        Opts {
            resource_is_pod: true,
        },
        &Volumes::new(),
    ));
    for list_name in ["containers", "initContainers"] {
        for (i, c) in list(spec.get(list_name)).iter().enumerate() {
            let image = str_of(c, "image");
            if image.len() != image.trim().len() {
                errs.push(FieldError::invalid(
                    &spec_path.child(list_name).index(i).child("image"),
                    image.into(),
                    "must not have leading or trailing whitespace",
                ));
            }
        }
    }
    errs
}

/// `ValidatePodSpecificAnnotations`: the mirror-pod and deletion-cost annotations.
fn pod_specific_annotations(annotations: Option<&Value>, spec: &Value, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    if let Some(v) = annotations
        .and_then(|a| a.get("kubernetes.io/config.mirror"))
        .and_then(Value::as_str)
        && str_of(spec, "nodeName").is_empty()
    {
        errs.push(FieldError::invalid(
            &path.key("kubernetes.io/config.mirror"),
            v.into(),
            "must set spec.nodeName if mirror pod annotation is set",
        ));
    }
    const COST: &str = "controller.kubernetes.io/pod-deletion-cost";
    if let Some(v) = annotations
        .and_then(|a| a.get(COST))
        .and_then(Value::as_str)
        && v.parse::<i32>().is_err()
    {
        errs.push(FieldError::invalid(
            &path.key(COST),
            v.into(),
            "must be a 32bit integer",
        ));
    }
    errs
}

/// `ValidatePodTemplate` (the `PodTemplate` kind).
pub fn validate_pod_template(obj: &Value) -> ErrorList {
    let mut errs = validate_object_meta(
        obj.get("metadata"),
        true,
        name_is_dns_subdomain,
        &Path::new("metadata"),
    );
    errs.extend(validate_pod_template_spec_only(obj));
    errs
}

/// The template part of a `PodTemplate`, for create and update.
pub fn validate_pod_template_spec_only(obj: &Value) -> ErrorList {
    validate_pod_template_spec(obj.get("template"), &Path::new("template"), &Volumes::new())
}

/// `ValidatePodTemplateSpec`: the template's labels (reported at `<path>.labels`, as upstream
/// does), annotations and pod spec. `extra` volumes are a StatefulSet's claim templates.
pub fn validate_pod_template_spec(
    template: Option<&Value>,
    path: &Path,
    extra: &Volumes,
) -> ErrorList {
    let empty = Value::Null;
    let template = template.unwrap_or(&empty);
    let meta = template.get("metadata").unwrap_or(&empty);
    let spec = template.get("spec").unwrap_or(&empty);
    let mut errs = validate_labels(meta.get("labels"), &path.child("labels"));
    errs.extend(validate_annotations(
        meta.get("annotations"),
        &path.child("annotations"),
    ));
    errs.extend(pod_specific_annotations(
        meta.get("annotations"),
        spec,
        &path.child("annotations"),
    ));
    errs.extend(validate_pod_spec(
        spec,
        &path.child("spec"),
        Opts::default(),
        extra,
    ));
    if !list(spec.get("ephemeralContainers")).is_empty() {
        errs.push(FieldError::forbidden(
            &path.child("spec").child("ephemeralContainers"),
            "ephemeral containers not allowed in pod template",
        ));
    }
    errs
}

/// A template's restart policy, with the default (`Always`) when absent.
pub fn restart_policy(template_spec: Option<&Value>) -> &str {
    match template_spec.map(|s| str_of(s, "restartPolicy")) {
        Some("") | None => "Always",
        Some(p) => p,
    }
}

/// `ValidatePodSpec`.
pub fn validate_pod_spec(spec: &Value, path: &Path, opts: Opts, extra: &Volumes) -> ErrorList {
    let mut errs = ErrorList::new();
    let (mut volumes, volume_errs) =
        validate_volumes(list(spec.get("volumes")), &path.child("volumes"));
    errs.extend(volume_errs);
    volumes.extend(extra.iter().map(|(k, v)| (k.clone(), *v)));
    let containers = list(spec.get("containers"));
    let init = list(spec.get("initContainers"));
    errs.extend(validate_containers(
        containers,
        &volumes,
        &path.child("containers"),
    ));
    errs.extend(validate_init_containers(
        init,
        containers,
        &volumes,
        &path.child("initContainers"),
    ));
    errs.extend(host_network_ports(spec, path, opts));
    let restart = str_of(spec, "restartPolicy");
    if !restart.is_empty() && !matches!(restart, "Always" | "OnFailure" | "Never") {
        errs.push(FieldError::not_supported(
            &path.child("restartPolicy"),
            BadValue::named(restart),
            &["Always", "OnFailure", "Never"],
        ));
    }
    let dns = str_of(spec, "dnsPolicy");
    if !dns.is_empty()
        && !matches!(
            dns,
            "ClusterFirstWithHostNet" | "ClusterFirst" | "Default" | "None"
        )
    {
        errs.push(FieldError::not_supported(
            &path.child("dnsPolicy"),
            BadValue::named(dns),
            &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
        ));
    }
    errs.extend(validate_labels(
        spec.get("nodeSelector"),
        &path.child("nodeSelector"),
    ));
    errs.extend(pod_security_context(
        spec.get("securityContext"),
        &path.child("securityContext"),
    ));
    for (i, secret) in list(spec.get("imagePullSecrets")).iter().enumerate() {
        if secret
            .as_object()
            .is_some_and(|o| o.keys().any(|k| k != "name"))
        {
            errs.push(FieldError::invalid(
                &path.child("imagePullSecrets").index(i),
                BadValue::Json(secret.clone()),
                "only name may be set",
            ));
        }
    }
    if dns == "None" {
        let nameservers = spec
            .pointer("/dnsConfig/nameservers")
            .map(|n| list(Some(n)).len());
        match nameservers {
            None if spec.get("dnsConfig").is_none() => errs.push(FieldError::required(
                &path.child("dnsConfig"),
                "must provide `dnsConfig` when `dnsPolicy` is None",
            )),
            None | Some(0) => errs.push(FieldError::required(
                &path.child("dnsConfig").child("nameservers"),
                "must provide at least one DNS nameserver when `dnsPolicy` is None",
            )),
            _ => {}
        }
    }
    for (i, gate) in list(spec.get("readinessGates")).iter().enumerate() {
        let condition = str_of(gate, "conditionType");
        errs.extend(validate_label_name(
            condition,
            &path.child("readinessGates").index(i).child("conditionType"),
        ));
    }
    let mut gates = BTreeSet::new();
    for (i, gate) in list(spec.get("schedulingGates")).iter().enumerate() {
        let name = str_of(gate, "name");
        let p = path.child("schedulingGates").index(i);
        errs.extend(validate_label_name(name, &p));
        if !gates.insert(name) {
            errs.push(FieldError::duplicate(&p, name.into()));
        }
    }
    for (field, rule) in [
        (
            "serviceAccountName",
            name_is_dns_subdomain as super::meta::NameFn,
        ),
        ("nodeName", name_is_dns_subdomain),
    ] {
        let value = str_of(spec, field);
        if !value.is_empty() {
            errs.extend(invalid_each(&path.child(field), value, rule(value, false)));
        }
    }
    if let Some(deadline) = int_of(spec, "activeDeadlineSeconds")
        && !(1..=i64::from(i32::MAX)).contains(&deadline)
    {
        errs.push(FieldError::invalid(
            &path.child("activeDeadlineSeconds"),
            BadValue::Int(deadline),
            &inclusive_range_error(1, i64::from(i32::MAX)),
        ));
    }
    for field in ["hostname", "subdomain"] {
        let value = str_of(spec, field);
        if !value.is_empty() {
            errs.extend(invalid_each(
                &path.child(field),
                value,
                is_dns1123_label(value),
            ));
        }
    }
    errs.extend(validate_tolerations(
        list(spec.get("tolerations")),
        &path.child("tolerations"),
    ));
    for (i, alias) in list(spec.get("hostAliases")).iter().enumerate() {
        for (j, host) in list(alias.get("hostnames")).iter().enumerate() {
            let host = host.as_str().unwrap_or("");
            errs.extend(invalid_each(
                &path
                    .child("hostAliases")
                    .index(i)
                    .child("hostnames")
                    .index(j),
                host,
                is_dns1123_subdomain(host),
            ));
        }
    }
    let priority_class = str_of(spec, "priorityClassName");
    if !priority_class.is_empty() {
        errs.extend(invalid_each(
            &path.child("priorityClassName"),
            priority_class,
            is_dns1123_subdomain(priority_class),
        ));
    }
    if let Some(runtime) = spec.get("runtimeClassName").and_then(Value::as_str) {
        errs.extend(invalid_each(
            &path.child("runtimeClassName"),
            runtime,
            is_dns1123_subdomain(runtime),
        ));
    }
    if let Some(policy) = spec.get("preemptionPolicy").and_then(Value::as_str)
        && !matches!(policy, "PreemptLowerPriority" | "Never")
    {
        errs.push(FieldError::not_supported(
            &path.child("preemptionPolicy"),
            BadValue::named(policy),
            &["PreemptLowerPriority", "Never"],
        ));
    }
    errs
}

/// `ValidateVolumes`: names unique DNS labels, exactly one source each. Returns the volumes
/// that passed, which mounts may refer to.
fn validate_volumes(volumes: &[Value], path: &Path) -> (Volumes, ErrorList) {
    let mut names = Volumes::new();
    let mut errs = ErrorList::new();
    for (i, vol) in volumes.iter().enumerate() {
        let p = path.index(i);
        let name = str_of(vol, "name");
        let mut el = volume_source(vol, &p);
        if name.is_empty() {
            el.push(FieldError::required(&p.child("name"), ""));
        } else {
            el.extend(invalid_each(&p.child("name"), name, is_dns1123_label(name)));
        }
        if names.contains_key(name) {
            el.push(FieldError::duplicate(&p.child("name"), name.into()));
        }
        if el.is_empty() {
            let claim =
                vol.get("persistentVolumeClaim").is_some() || vol.get("ephemeral").is_some();
            names.insert(name.to_string(), claim);
        } else {
            errs.extend(el);
        }
    }
    (names, errs)
}

/// Every volume source upstream knows, in the order it checks them.
const VOLUME_SOURCES: [&str; 29] = [
    "emptyDir",
    "hostPath",
    "gitRepo",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "flocker",
    "persistentVolumeClaim",
    "rbd",
    "cinder",
    "cephfs",
    "quobyte",
    "downwardAPI",
    "fc",
    "flexVolume",
    "configMap",
    "azureFile",
    "vsphereVolume",
    "photonPersistentDisk",
    "portworxVolume",
    "azureDisk",
    "storageos",
    "projected",
    "scaleIO",
    "csi",
    "ephemeral",
];

/// `validateVolumeSource`: exactly one source, and the common sources' required fields.
fn volume_source(vol: &Value, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let mut count = 0;
    for source in VOLUME_SOURCES.iter().chain(["image"].iter()) {
        let Some(src) = vol.get(*source) else {
            continue;
        };
        if count > 0 {
            errs.push(FieldError::forbidden(
                &path.child(source),
                "may not specify more than 1 volume type",
            ));
            continue;
        }
        count += 1;
        let p = path.child(source);
        let required = |field: &str| {
            str_of(src, field)
                .is_empty()
                .then(|| FieldError::required(&p.child(field), ""))
        };
        match *source {
            "hostPath" => errs.extend(required("path")),
            "secret" => errs.extend(required("secretName")),
            "configMap" => errs.extend(required("name")),
            "persistentVolumeClaim" => errs.extend(required("claimName")),
            "nfs" => {
                errs.extend(required("server"));
                errs.extend(required("path"));
            }
            "emptyDir" => {
                if let Some(limit) = src.get("sizeLimit").and_then(Value::as_str)
                    && Quantity::parse(limit).is_ok_and(|q| q.sign() < 0)
                {
                    errs.push(FieldError::forbidden(
                        &p.child("sizeLimit"),
                        "SizeLimit field must be a valid resource quantity",
                    ));
                }
            }
            _ => {}
        }
    }
    if count == 0 {
        errs.push(FieldError::required(path, "must specify a volume type"));
    }
    errs
}

/// `validateContainers`: at least one, unique names, probes and lifecycle allowed.
fn validate_containers(containers: &[Value], volumes: &Volumes, path: &Path) -> ErrorList {
    if containers.is_empty() {
        return vec![FieldError::required(path, "")];
    }
    let mut errs = ErrorList::new();
    let mut names = BTreeSet::new();
    for (i, c) in containers.iter().enumerate() {
        let p = path.index(i);
        errs.extend(container::validate_common(c, volumes, &p));
        let name = str_of(c, "name");
        if !names.insert(name) {
            errs.push(FieldError::duplicate(&p.child("name"), name.into()));
        }
        errs.extend(container::validate_probes_and_lifecycle(c, &p));
        if c.get("restartPolicy").is_some() {
            errs.push(FieldError::forbidden(
                &p.child("restartPolicy"),
                "may not be set for non-init containers",
            ));
        }
    }
    errs.extend(host_port_conflicts(containers, path));
    errs
}

/// `validateInitContainers`: names unique across both lists; probes only for sidecars
/// (`restartPolicy: Always`).
fn validate_init_containers(
    init: &[Value],
    regular: &[Value],
    volumes: &Volumes,
    path: &Path,
) -> ErrorList {
    let mut errs = ErrorList::new();
    let mut names: BTreeSet<&str> = regular.iter().map(|c| str_of(c, "name")).collect();
    for (i, c) in init.iter().enumerate() {
        let p = path.index(i);
        errs.extend(container::validate_common(c, volumes, &p));
        let restart = c.get("restartPolicy").and_then(Value::as_str);
        if let Some(policy) = restart
            && policy != "Always"
        {
            errs.push(FieldError::not_supported(
                &p.child("restartPolicy"),
                BadValue::named(policy),
                &["Always"],
            ));
        }
        let name = str_of(c, "name");
        if names.contains(name) {
            errs.push(FieldError::duplicate(&p.child("name"), name.into()));
        } else if !name.is_empty() {
            names.insert(name);
        }
        errs.extend(host_port_conflicts(std::slice::from_ref(c), path));
        if restart == Some("Always") {
            errs.extend(container::validate_probes_and_lifecycle(c, &p));
        } else {
            for field in [
                "lifecycle",
                "livenessProbe",
                "readinessProbe",
                "startupProbe",
            ] {
                if c.get(field).is_some() {
                    errs.push(FieldError::forbidden(
                        &p.child(field),
                        "may not be set for init containers without restartPolicy=Always",
                    ));
                }
            }
        }
    }
    errs
}

/// `checkHostPortConflicts`: one `protocol/hostIP/hostPort` per host.
fn host_port_conflicts(containers: &[Value], path: &Path) -> ErrorList {
    let mut seen = BTreeSet::new();
    let mut errs = ErrorList::new();
    for (ci, c) in containers.iter().enumerate() {
        for (pi, port) in list(c.get("ports")).iter().enumerate() {
            let host_port = int_of(port, "hostPort").unwrap_or(0);
            if host_port == 0 {
                continue;
            }
            let protocol = match str_of(port, "protocol") {
                "" => "TCP",
                p => p,
            };
            let key = format!("{protocol}/{}/{host_port}", str_of(port, "hostIP"));
            if seen.contains(&key) {
                errs.push(FieldError::duplicate(
                    &path.index(ci).child("ports").index(pi).child("hostPort"),
                    key.as_str().into(),
                ));
            } else {
                seen.insert(key);
            }
        }
    }
    errs
}

/// `validatePodHostNetworkDeps`: with `hostNetwork`, a host port must be the container port.
fn host_network_ports(spec: &Value, path: &Path, opts: Opts) -> ErrorList {
    let mut errs = ErrorList::new();
    if spec.get("hostNetwork").and_then(Value::as_bool) != Some(true) {
        return errs;
    }
    for (ci, c) in list(spec.get("containers")).iter().enumerate() {
        for (pi, port) in list(c.get("ports")).iter().enumerate() {
            let container_port = int_of(port, "containerPort").unwrap_or(0);
            // A pod's unset host port is defaulted to its container port.
            let default = if opts.resource_is_pod {
                container_port
            } else {
                0
            };
            let host_port = int_of(port, "hostPort").unwrap_or(default);
            if (opts.resource_is_pod || host_port != 0) && host_port != container_port {
                errs.push(FieldError::invalid(
                    &path
                        .child("containers")
                        .index(ci)
                        .child("ports")
                        .index(pi)
                        .child("hostPort"),
                    BadValue::Int(host_port),
                    "must match `containerPort` when `hostNetwork` is true",
                ));
            }
        }
    }
    errs
}

/// `validatePodSpecSecurityContext`: user and group IDs.
fn pod_security_context(sc: Option<&Value>, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let Some(sc) = sc else {
        return errs;
    };
    for field in ["fsGroup", "runAsUser", "runAsGroup"] {
        errs.extend(container::id_range(sc, field, path));
    }
    for (i, gid) in list(sc.get("supplementalGroups")).iter().enumerate() {
        if let Some(gid) = gid.as_i64()
            && !(0..=i64::from(i32::MAX)).contains(&gid)
        {
            errs.push(FieldError::invalid(
                &path.child("supplementalGroups").index(i),
                BadValue::Int(gid),
                &inclusive_range_error(0, i64::from(i32::MAX)),
            ));
        }
    }
    errs
}

/// `ValidateTolerations`.
pub fn validate_tolerations(tolerations: &[Value], path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    for (i, t) in tolerations.iter().enumerate() {
        let p = path.index(i);
        let key = str_of(t, "key");
        let operator = str_of(t, "operator");
        let effect = str_of(t, "effect");
        let value = str_of(t, "value");
        if !key.is_empty() {
            errs.extend(validate_label_name(key, &p.child("key")));
        }
        if key.is_empty() && operator != "Exists" {
            errs.push(FieldError::invalid(
                &p.child("operator"),
                BadValue::named(operator),
                "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
            ));
        }
        if t.get("tolerationSeconds").is_some_and(|v| !v.is_null()) && effect != "NoExecute" {
            errs.push(FieldError::invalid(
                &p.child("effect"),
                BadValue::named(effect),
                "effect must be 'NoExecute' when `tolerationSeconds` is set",
            ));
        }
        match operator {
            "Equal" | "" => {
                let msgs = super::labels::is_label_value(value);
                if !msgs.is_empty() {
                    errs.push(FieldError::invalid(
                        &p.child("operator"),
                        value.into(),
                        &msgs.join(";"),
                    ));
                }
            }
            "Exists" => {
                if !value.is_empty() {
                    errs.push(FieldError::invalid(
                        &p.child("operator"),
                        value.into(),
                        "value must be empty when `operator` is 'Exists'",
                    ));
                }
            }
            other => errs.push(FieldError::not_supported(
                &p.child("operator"),
                BadValue::named(other),
                &["Equal", "Exists"],
            )),
        }
        if !effect.is_empty() && !matches!(effect, "NoSchedule" | "PreferNoSchedule" | "NoExecute")
        {
            errs.push(FieldError::not_supported(
                &p.child("effect"),
                BadValue::named(effect),
                &["NoSchedule", "PreferNoSchedule", "NoExecute"],
            ));
        }
    }
    errs
}

/// The fields a pod update may change, as upstream lists them in its refusal.
const UPDATABLE: &str = "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/// `ValidatePodUpdate` (after the metadata rules, which the caller checks).
pub fn validate_pod_update(new: &Value, old: &Value) -> ErrorList {
    let mut errs = metadata_and_spec(new);
    let spec_path = Path::new("spec");
    let empty = Value::Null;
    let (new_spec, old_spec) = (
        new.get("spec").unwrap_or(&empty),
        old.get("spec").unwrap_or(&empty),
    );
    for list_name in ["containers", "initContainers"] {
        let (n, o) = (list(new_spec.get(list_name)), list(old_spec.get(list_name)));
        if n.len() != o.len() {
            errs.push(FieldError::forbidden(
                &spec_path.child(list_name),
                "pod updates may not add or remove containers",
            ));
            return errs;
        }
    }
    let new_deadline = int_of(new_spec, "activeDeadlineSeconds");
    let old_deadline = int_of(old_spec, "activeDeadlineSeconds");
    let deadline_path = spec_path.child("activeDeadlineSeconds");
    match (new_deadline, old_deadline) {
        (Some(n), _) if !(0..=i64::from(i32::MAX)).contains(&n) => {
            errs.push(FieldError::invalid(
                &deadline_path,
                BadValue::Int(n),
                &inclusive_range_error(0, i64::from(i32::MAX)),
            ));
            return errs;
        }
        (Some(n), Some(o)) if o < n => {
            errs.push(FieldError::invalid(
                &deadline_path,
                BadValue::Int(n),
                "must be less than or equal to previous value",
            ));
            return errs;
        }
        (None, Some(_)) => errs.push(FieldError::invalid(
            &deadline_path,
            BadValue::Json(Value::Null),
            "must not update from a positive integer to nil value",
        )),
        _ => {}
    }
    let old_tolerations = list(old_spec.get("tolerations"));
    let new_tolerations = list(new_spec.get("tolerations"));
    let kept = old_tolerations.iter().all(|o| {
        new_tolerations
            .iter()
            .any(|n| without(o, "tolerationSeconds") == without(n, "tolerationSeconds"))
    });
    if !kept {
        errs.push(FieldError::forbidden(
            &spec_path.child("tolerations"),
            "existing toleration can not be modified except its tolerationSeconds",
        ));
    }
    if new_spec == old_spec {
        return errs;
    }
    let mut munged = new_spec.clone();
    for list_name in ["containers", "initContainers"] {
        let old_list = list(old_spec.get(list_name));
        if let Some(cs) = munged.get_mut(list_name).and_then(Value::as_array_mut) {
            for (c, o) in cs.iter_mut().zip(old_list) {
                if let (Some(c), Some(image)) = (c.as_object_mut(), o.get("image")) {
                    c.insert("image".into(), image.clone());
                }
            }
        }
    }
    if let Some(m) = munged.as_object_mut() {
        for field in ["activeDeadlineSeconds", "tolerations", "schedulingGates"] {
            match old_spec.get(field) {
                Some(v) => m.insert(field.into(), v.clone()),
                None => m.remove(field),
            };
        }
    }
    if &munged != old_spec {
        errs.push(FieldError::forbidden(
            &spec_path,
            &format!(
                "pod updates may not change fields other than {UPDATABLE}\n{}",
                spec_diff(old_spec, &munged)
            ),
        ));
    }
    errs
}

fn without(v: &Value, key: &str) -> Value {
    let mut v = v.clone();
    if let Some(m) = v.as_object_mut() {
        m.remove(key);
    }
    v
}

/// What changed between two pod specs, in the shape of the `cmp.Diff` upstream appends
/// (`-` old, `+` new). Upstream prints its internal Go structs; this prints the JSON fields
/// that differ, which is what a learner needs to see.
fn spec_diff(old: &Value, new: &Value) -> String {
    let mut lines = vec!["  core.PodSpec{".to_string()];
    let keys: BTreeSet<&String> = old
        .as_object()
        .into_iter()
        .chain(new.as_object())
        .flat_map(|m| m.keys())
        .collect();
    for key in keys {
        let (o, n) = (old.get(key.as_str()), new.get(key.as_str()));
        if o == n {
            continue;
        }
        if let Some(o) = o {
            lines.push(format!("- \t{key}: {},", super::field::go_json(o)));
        }
        if let Some(n) = n {
            lines.push(format!("+ \t{key}: {},", super::field::go_json(n)));
        }
    }
    lines.push("  }".into());
    lines.join("\n")
}
