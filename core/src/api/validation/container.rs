//! One container of a pod spec (`validateContainerCommon` and the probe and lifecycle
//! checks): name, image, ports, environment, resources, volume mounts, pull policy,
//! security context, probes.

use std::collections::BTreeSet;

use serde_json::Value;

use super::field::{BadValue, ErrorList, FieldError, Path};
use super::labels::is_label_key;
use super::names::{
    inclusive_range_error, invalid_each, is_config_map_key, is_dns1123_label, is_dns1123_subdomain,
    is_http_header_name, is_relaxed_env_var_name, is_valid_port_name, is_valid_port_num,
};
use super::pod::Volumes;
use super::{int_of, list, nonnegative, str_of};
use crate::api::quantity::Quantity;

/// `validateContainerCommon`.
pub fn validate_common(c: &Value, volumes: &Volumes, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let name = str_of(c, "name");
    if name.is_empty() {
        errs.push(FieldError::required(&path.child("name"), ""));
    } else {
        errs.extend(invalid_each(
            &path.child("name"),
            name,
            is_dns1123_label(name),
        ));
    }
    if str_of(c, "image").is_empty() {
        errs.push(FieldError::required(&path.child("image"), ""));
    }
    let policy = str_of(c, "terminationMessagePolicy");
    if !policy.is_empty() && !matches!(policy, "File" | "FallbackToLogsOnError") {
        errs.push(FieldError::not_supported(
            &path.child("terminationMessagePolicy"),
            BadValue::named(policy),
            &["File", "FallbackToLogsOnError"],
        ));
    }
    errs.extend(ports(list(c.get("ports")), &path.child("ports")));
    errs.extend(env(list(c.get("env")), &path.child("env")));
    errs.extend(env_from(list(c.get("envFrom")), &path.child("envFrom")));
    errs.extend(volume_mounts(
        list(c.get("volumeMounts")),
        volumes,
        &path.child("volumeMounts"),
    ));
    let pull = str_of(c, "imagePullPolicy");
    if !pull.is_empty() && !matches!(pull, "Always" | "IfNotPresent" | "Never") {
        errs.push(FieldError::not_supported(
            &path.child("imagePullPolicy"),
            BadValue::named(pull),
            &["Always", "IfNotPresent", "Never"],
        ));
    }
    errs.extend(resources(c.get("resources"), &path.child("resources")));
    errs.extend(security_context(
        c.get("securityContext"),
        &path.child("securityContext"),
    ));
    errs
}

/// `validateContainerPorts`.
fn ports(ports: &[Value], path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let mut names = BTreeSet::new();
    for (i, port) in ports.iter().enumerate() {
        let p = path.index(i);
        let name = str_of(port, "name");
        if !name.is_empty() {
            let msgs = is_valid_port_name(name);
            if !msgs.is_empty() {
                errs.extend(invalid_each(&p.child("name"), name, msgs));
            } else if !names.insert(name) {
                errs.push(FieldError::duplicate(&p.child("name"), name.into()));
            }
        }
        match int_of(port, "containerPort").unwrap_or(0) {
            0 => errs.push(FieldError::required(&p.child("containerPort"), "")),
            n => errs.extend(range(n, is_valid_port_num(n), &p.child("containerPort"))),
        }
        let host = int_of(port, "hostPort").unwrap_or(0);
        if host != 0 {
            errs.extend(range(host, is_valid_port_num(host), &p.child("hostPort")));
        }
        let protocol = str_of(port, "protocol");
        if port.get("protocol").is_some() && !matches!(protocol, "TCP" | "UDP" | "SCTP") {
            errs.push(if protocol.is_empty() {
                FieldError::required(&p.child("protocol"), "")
            } else {
                FieldError::not_supported(
                    &p.child("protocol"),
                    BadValue::named(protocol),
                    &["SCTP", "TCP", "UDP"],
                )
            });
        }
    }
    errs
}

fn range(value: i64, msgs: Vec<String>, path: &Path) -> ErrorList {
    msgs.iter()
        .map(|m| FieldError::invalid(path, BadValue::Int(value), m))
        .collect()
}

/// The downward API fields an environment variable may read.
const ENV_FIELD_PATHS: [&str; 9] = [
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
];

/// `ValidateEnv` (relaxed names, GA since v1.34) and `validateEnvVarValueFrom`.
fn env(vars: &[Value], path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    for (i, var) in vars.iter().enumerate() {
        let p = path.index(i);
        let name = str_of(var, "name");
        if name.is_empty() {
            errs.push(FieldError::required(&p.child("name"), ""));
        } else {
            errs.extend(invalid_each(
                &p.child("name"),
                name,
                is_relaxed_env_var_name(name),
            ));
        }
        let Some(from) = var.get("valueFrom") else {
            continue;
        };
        let from_path = p.child("valueFrom");
        let mut sources = 0;
        if let Some(field_ref) = from.get("fieldRef") {
            sources += 1;
            errs.extend(field_ref_errors(field_ref, &from_path.child("fieldRef")));
        }
        if from.get("resourceFieldRef").is_some() {
            sources += 1;
        }
        for key in ["configMapKeyRef", "secretKeyRef"] {
            let Some(r) = from.get(key) else {
                continue;
            };
            sources += 1;
            let rp = from_path.child(key);
            let name = str_of(r, "name");
            errs.extend(invalid_each(
                &rp.child("name"),
                name,
                is_dns1123_subdomain(name),
            ));
            let k = str_of(r, "key");
            if k.is_empty() {
                errs.push(FieldError::required(&rp.child("key"), ""));
            } else {
                errs.extend(invalid_each(&rp.child("key"), k, is_config_map_key(k)));
            }
        }
        if sources == 0 {
            errs.push(FieldError::invalid(
                &from_path,
                "".into(),
                "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
            ));
        } else if !str_of(var, "value").is_empty() {
            errs.push(FieldError::invalid(
                &from_path,
                "".into(),
                "may not be specified when `value` is not empty",
            ));
        } else if sources > 1 {
            errs.push(FieldError::invalid(
                &from_path,
                "".into(),
                "may not have more than one field specified at a time",
            ));
        }
    }
    errs
}

/// `validateObjectFieldSelector` for environment variables.
fn field_ref_errors(field_ref: &Value, path: &Path) -> ErrorList {
    let field_path = str_of(field_ref, "fieldPath");
    if field_path.is_empty() {
        return vec![FieldError::required(&path.child("fieldPath"), "")];
    }
    let version = match str_of(field_ref, "apiVersion") {
        "" => "v1",
        v => v,
    };
    if version != "v1" {
        return vec![FieldError::invalid(
            &path.child("fieldPath"),
            field_path.into(),
            &format!("error converting fieldPath: unsupported pod version: {version}"),
        )];
    }
    if let Some((base, rest)) = field_path.split_once("['")
        && let Some(subscript) = rest.strip_suffix("']")
    {
        return match base {
            "metadata.annotations" => invalid_each(
                path,
                &subscript.to_lowercase(),
                is_label_key(&subscript.to_lowercase()),
            ),
            "metadata.labels" => invalid_each(path, subscript, is_label_key(subscript)),
            _ => vec![FieldError::invalid(
                &path.child("fieldPath"),
                field_path.into(),
                &format!(
                    "error converting fieldPath: field label does not support subscript: {field_path}"
                ),
            )],
        };
    }
    let known = matches!(
        field_path,
        "metadata.annotations"
            | "metadata.labels"
            | "metadata.name"
            | "metadata.namespace"
            | "metadata.uid"
            | "spec.nodeName"
            | "spec.restartPolicy"
            | "spec.serviceAccountName"
            | "spec.schedulerName"
            | "status.phase"
            | "status.hostIP"
            | "status.hostIPs"
            | "status.podIP"
            | "status.podIPs"
            | "spec.host"
    );
    if !known {
        return vec![FieldError::invalid(
            &path.child("fieldPath"),
            field_path.into(),
            &format!("error converting fieldPath: field label not supported: {field_path}"),
        )];
    }
    let internal = if field_path == "spec.host" {
        "spec.nodeName"
    } else {
        field_path
    };
    if !ENV_FIELD_PATHS.contains(&internal) {
        return vec![FieldError::not_supported(
            &path.child("fieldPath"),
            BadValue::Str(internal.to_string()),
            &ENV_FIELD_PATHS,
        )];
    }
    Vec::new()
}

/// `ValidateEnvFrom`.
fn env_from(sources: &[Value], path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    for (i, source) in sources.iter().enumerate() {
        let p = path.index(i);
        let prefix = str_of(source, "prefix");
        if !prefix.is_empty() {
            errs.extend(invalid_each(
                &p.child("prefix"),
                prefix,
                is_relaxed_env_var_name(prefix),
            ));
        }
        let mut count = 0;
        for key in ["configMapRef", "secretRef"] {
            let Some(r) = source.get(key) else {
                continue;
            };
            count += 1;
            let name = str_of(r, "name");
            if name.is_empty() {
                errs.push(FieldError::required(&p.child(key).child("name"), ""));
            } else {
                let masked = super::meta::name_is_dns_subdomain(name, true);
                errs.extend(invalid_each(&p.child(key).child("name"), name, masked));
            }
        }
        match count {
            0 => errs.push(FieldError::invalid(
                path,
                "".into(),
                "must specify one of: `configMapRef` or `secretRef`",
            )),
            1 => {}
            _ => errs.push(FieldError::invalid(
                path,
                "".into(),
                "may not have more than one field specified at a time",
            )),
        }
    }
    errs
}

/// `ValidateVolumeMounts`: mounts name an existing volume and have unique paths.
fn volume_mounts(mounts: &[Value], volumes: &Volumes, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let mut paths = BTreeSet::new();
    for (i, m) in mounts.iter().enumerate() {
        let p = path.index(i);
        let name = str_of(m, "name");
        let mount_path = str_of(m, "mountPath");
        if name.is_empty() {
            errs.push(FieldError::required(&p.child("name"), ""));
        }
        if !volumes.contains_key(name) {
            errs.push(FieldError::not_found(&p.child("name"), name.into()));
        }
        if mount_path.is_empty() {
            errs.push(FieldError::required(&p.child("mountPath"), ""));
        }
        if !paths.insert(mount_path) {
            errs.push(FieldError::invalid(
                &p.child("mountPath"),
                mount_path.into(),
                "must be unique",
            ));
        }
        let sub_path = str_of(m, "subPath");
        if !sub_path.is_empty() {
            // Upstream reports these at `volumeMounts.subPath`, without the index.
            errs.extend(local_descending_path(sub_path, &path.child("subPath")));
        }
    }
    errs
}

/// `validateLocalDescendingPath`: relative, and never `..`.
fn local_descending_path(target: &str, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    if target.starts_with('/') {
        errs.push(FieldError::invalid(
            path,
            target.into(),
            "must be a relative path",
        ));
    }
    if target.split(['/', '\\']).any(|part| part == "..") {
        errs.push(FieldError::invalid(
            path,
            target.into(),
            "must not contain '..'",
        ));
    }
    errs
}

/// Resource names a container may request without a domain.
fn is_standard_container_resource(name: &str) -> bool {
    matches!(name, "cpu" | "memory" | "ephemeral-storage") || name.starts_with("hugepages-")
}

/// `helper.IsStandardResourceName`.
fn is_standard_resource(name: &str) -> bool {
    is_standard_container_resource(name)
        || name.starts_with("requests.hugepages-")
        || matches!(
            name,
            "requests.cpu"
                | "requests.memory"
                | "requests.ephemeral-storage"
                | "limits.cpu"
                | "limits.memory"
                | "limits.ephemeral-storage"
                | "pods"
                | "services"
                | "replicationcontrollers"
                | "resourcequotas"
                | "secrets"
                | "configmaps"
                | "persistentvolumeclaims"
                | "storage"
                | "requests.storage"
                | "services.nodeports"
                | "services.loadbalancers"
        )
}

/// Extended resources (`example.com/gpu`): only whole numbers, never overcommitted.
fn is_extended_resource(name: &str) -> bool {
    name.contains('/')
        && !name.contains("kubernetes.io/")
        && !name.starts_with("requests.")
        && is_label_key(&format!("requests.{name}")).is_empty()
}

/// `validateContainerResourceName`.
fn resource_name(name: &str, path: &Path) -> ErrorList {
    let bad = |msg: &str| FieldError::invalid(path, BadValue::named(name), msg);
    let mut errs: ErrorList = is_label_key(name).iter().map(|m| bad(m)).collect();
    if errs.is_empty() && !name.contains('/') && !is_standard_resource(name) {
        errs.push(bad("must be a standard resource type or fully qualified"));
    }
    if !name.contains('/') {
        if !is_standard_container_resource(name) {
            errs.push(bad("must be a standard resource for containers"));
        }
    } else if !name.contains("kubernetes.io/") && !is_extended_resource(name) {
        errs.push(bad("doesn't follow extended resource name standard"));
    }
    errs
}

fn quantity(v: &Value) -> Option<Quantity> {
    match v {
        Value::String(s) => Quantity::parse(s.trim()).ok(),
        Value::Number(n) => Quantity::parse(&n.to_string()).ok(),
        _ => None,
    }
}

/// `ValidateContainerResourceRequirements`: names, non-negative quantities, requests within
/// limits.
fn resources(res: Option<&Value>, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let Some(res) = res else {
        return errs;
    };
    let limits = res.get("limits").and_then(Value::as_object);
    let requests = res.get("requests").and_then(Value::as_object);
    let (lim_path, req_path) = (path.child("limits"), path.child("requests"));
    let mut cpu_or_memory = false;
    let mut huge_pages = false;
    for (name, value) in limits.into_iter().flatten() {
        let p = lim_path.key(name);
        errs.extend(resource_name(name, &p));
        errs.extend(quantity_value(name, value, &p));
        cpu_or_memory |= matches!(name.as_str(), "cpu" | "memory");
        huge_pages |= name.starts_with("hugepages-");
    }
    for (name, value) in requests.into_iter().flatten() {
        let p = req_path.key(name);
        errs.extend(resource_name(name, &p));
        errs.extend(quantity_value(name, value, &p));
        let overcommit = !name.starts_with("hugepages-") && !is_extended_resource(name);
        let request = quantity(value);
        match (
            limits.and_then(|l| l.get(name)).and_then(quantity),
            &request,
        ) {
            (Some(limit), Some(request)) => {
                if !overcommit && request != &limit {
                    errs.push(FieldError::invalid(
                        &req_path,
                        BadValue::Str(request.to_string()),
                        &format!("must be equal to {name} limit of {limit}"),
                    ));
                } else if request > &limit {
                    errs.push(FieldError::invalid(
                        &req_path,
                        BadValue::Str(request.to_string()),
                        &format!("must be less than or equal to {name} limit of {limit}"),
                    ));
                }
            }
            (None, _) if !overcommit => errs.push(FieldError::required(
                &lim_path,
                "Limit must be set for non overcommitable resources",
            )),
            _ => {}
        }
        cpu_or_memory |= matches!(name.as_str(), "cpu" | "memory");
        huge_pages |= name.starts_with("hugepages-");
    }
    if huge_pages && !cpu_or_memory {
        errs.push(FieldError::forbidden(
            path,
            "HugePages require cpu or memory",
        ));
    }
    errs
}

/// `ValidateResourceQuantityValue`: never negative; whole for extended resources.
fn quantity_value(name: &str, value: &Value, path: &Path) -> ErrorList {
    let Some(q) = quantity(value) else {
        return Vec::new();
    };
    let mut errs = ErrorList::new();
    if q.sign() < 0 {
        errs.push(FieldError::invalid(
            path,
            BadValue::Str(q.to_string()),
            super::IS_NEGATIVE,
        ));
    }
    if is_extended_resource(name) && q.milli_value() % 1000 != 0 {
        errs.push(FieldError::invalid(
            path,
            BadValue::Json(Value::from(q.to_string())),
            "must be an integer",
        ));
    }
    errs
}

/// A user or group ID field of a security context must fit in 0..=2^31-1.
pub fn id_range(sc: &Value, field: &str, path: &Path) -> ErrorList {
    match int_of(sc, field) {
        Some(id) if !(0..=i64::from(i32::MAX)).contains(&id) => vec![FieldError::invalid(
            &path.child(field),
            BadValue::Int(id),
            &inclusive_range_error(0, i64::from(i32::MAX)),
        )],
        _ => Vec::new(),
    }
}

/// `ValidateSecurityContext` (a container's).
fn security_context(sc: Option<&Value>, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let Some(sc) = sc else {
        return errs;
    };
    errs.extend(id_range(sc, "runAsUser", path));
    errs.extend(id_range(sc, "runAsGroup", path));
    let no_escalation = sc.get("allowPrivilegeEscalation").and_then(Value::as_bool) == Some(false);
    if no_escalation && sc.get("privileged").and_then(Value::as_bool) == Some(true) {
        errs.push(FieldError::invalid(
            path,
            BadValue::Json(sc.clone()),
            "cannot set `allowPrivilegeEscalation` to false and `privileged` to true",
        ));
    }
    errs
}

/// Probes and lifecycle hooks, allowed on regular containers and sidecars.
pub fn validate_probes_and_lifecycle(c: &Value, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    if let Some(lifecycle) = c.get("lifecycle") {
        for hook in ["postStart", "preStop"] {
            if let Some(h) = lifecycle.get(hook) {
                errs.extend(handler(h, &path.child("lifecycle").child(hook), true));
            }
        }
    }
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        let Some(p) = c.get(probe) else {
            continue;
        };
        let pp = path.child(probe);
        errs.extend(handler(p, &pp, false));
        for field in [
            "initialDelaySeconds",
            "timeoutSeconds",
            "periodSeconds",
            "successThreshold",
            "failureThreshold",
        ] {
            errs.extend(nonnegative(p, field, &pp));
        }
        if let Some(grace) = int_of(p, "terminationGracePeriodSeconds")
            && grace <= 0
        {
            errs.push(FieldError::invalid(
                &pp.child("terminationGracePeriodSeconds"),
                BadValue::Int(grace),
                "must be greater than 0",
            ));
        }
        match probe {
            "readinessProbe" => {
                if let Some(g) = p.get("terminationGracePeriodSeconds") {
                    errs.push(FieldError::invalid(
                        &pp.child("terminationGracePeriodSeconds"),
                        BadValue::of(Some(g)),
                        "must not be set for readinessProbes",
                    ));
                }
            }
            _ => {
                if let Some(threshold) = int_of(p, "successThreshold")
                    && threshold != 1
                {
                    errs.push(FieldError::invalid(
                        &pp.child("successThreshold"),
                        BadValue::Int(threshold),
                        "must be 1",
                    ));
                }
            }
        }
    }
    errs
}

/// `validateHandler`: exactly one of exec, httpGet, tcpSocket, grpc (probes) or sleep (hooks).
fn handler(h: &Value, path: &Path, lifecycle: bool) -> ErrorList {
    let mut errs = ErrorList::new();
    let mut count = 0;
    let kinds: &[&str] = if lifecycle {
        &["exec", "httpGet", "tcpSocket", "sleep"]
    } else {
        &["exec", "httpGet", "tcpSocket", "grpc"]
    };
    for kind in kinds {
        let Some(action) = h.get(*kind) else {
            continue;
        };
        let p = path.child(kind);
        if count > 0 {
            errs.push(FieldError::forbidden(
                &p,
                "may not specify more than 1 handler type",
            ));
            continue;
        }
        count += 1;
        match *kind {
            "exec" if list(action.get("command")).is_empty() => {
                errs.push(FieldError::required(&p.child("command"), ""));
            }
            "httpGet" => {
                errs.extend(port_num_or_name(action.get("port"), &p.child("port")));
                let scheme = str_of(action, "scheme");
                if !scheme.is_empty() && !matches!(scheme, "HTTP" | "HTTPS") {
                    errs.push(FieldError::not_supported(
                        &p.child("scheme"),
                        BadValue::named(scheme),
                        &["HTTP", "HTTPS"],
                    ));
                }
                for header in list(action.get("httpHeaders")) {
                    let name = str_of(header, "name");
                    errs.extend(invalid_each(
                        &p.child("httpHeaders"),
                        name,
                        is_http_header_name(name),
                    ));
                }
            }
            "tcpSocket" | "grpc" => {
                errs.extend(port_num_or_name(action.get("port"), &p.child("port")))
            }
            _ => {}
        }
    }
    if count == 0 {
        errs.push(FieldError::required(path, "must specify a handler type"));
    }
    errs
}

/// `ValidatePortNumOrName` for an int-or-string port.
pub fn port_num_or_name(port: Option<&Value>, path: &Path) -> ErrorList {
    match port {
        Some(Value::String(name)) => invalid_each(path, name, is_valid_port_name(name)),
        Some(v) => {
            let n = v.as_i64().unwrap_or(0);
            range(n, is_valid_port_num(n), path)
        }
        None => range(0, is_valid_port_num(0), path),
    }
}
