//! The `Containers:` (and `Init Containers:`) sections of pods and pod templates: image and
//! ports, command, state from the container status, resources, probes, environment and
//! mounts, as upstream's `describeContainers` writes them.

use std::collections::BTreeMap;

use serde_json::Value;

use super::fields::{
    bool_at, int_at, list_at, parse_quantity, print_bool, resources, rfc1123z, strings_at,
};
use super::writer::{LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, PrefixWriter};
use crate::api::meta;

/// `describeContainers`: `label` is "Containers" or "Init Containers"; `statuses` the pod's
/// matching status list (none for a template); `pod` resolves `fieldRef` environment values
/// (none for a template); `space` is a template's extra indentation.
pub fn describe_containers(
    w: &mut PrefixWriter,
    label: &str,
    containers: &[Value],
    statuses: &[Value],
    pod: Option<&Value>,
    space: &str,
) {
    let by_name: BTreeMap<&str, &Value> = statuses
        .iter()
        .map(|s| (meta::str_at(s, "/name"), s))
        .collect();
    let none = if containers.is_empty() { " <none>" } else { "" };
    w.write(LEVEL_0, format!("{space}{label}:{none}\n"));
    for container in containers {
        let status = by_name.get(meta::str_at(container, "/name")).copied();
        basic_info(w, container, status, space);
        command(w, container);
        if let Some(status) = status {
            state(w, status);
        }
        resources(w, container.get("resources"), LEVEL_2);
        probes(w, container);
        if !list_at(container, "/envFrom").is_empty() {
            env_from(w, container);
        }
        env(w, container, pod);
        mounts(w, container);
    }
}

fn basic_info(w: &mut PrefixWriter, c: &Value, status: Option<&Value>, space: &str) {
    let name_indent = if space.is_empty() { "" } else { " " };
    w.write(
        LEVEL_1,
        format!("{name_indent}{}:\n", meta::str_at(c, "/name")),
    );
    if let Some(s) = status {
        w.write(
            LEVEL_2,
            format!("Container ID:\t{}\n", meta::str_at(s, "/containerID")),
        );
    }
    w.write(LEVEL_2, format!("Image:\t{}\n", meta::str_at(c, "/image")));
    if let Some(s) = status {
        w.write(
            LEVEL_2,
            format!("Image ID:\t{}\n", meta::str_at(s, "/imageID")),
        );
    }
    let ports = list_at(c, "/ports");
    let port_list = |field: &str| {
        ports
            .iter()
            .map(|p| {
                let mut text = format!("{}/{}", int_at(p, field), meta::str_at(p, "/protocol"));
                let name = meta::str_at(p, "/name");
                if !name.is_empty() {
                    text.push_str(&format!(" ({name})"));
                }
                text
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (single, plural, field) in [
        ("Port", "Ports", "/containerPort"),
        ("Host Port", "Host Ports", "/hostPort"),
    ] {
        let text = port_list(field);
        if text.contains(',') {
            w.write(LEVEL_2, format!("{plural}:\t{text}\n"));
        } else {
            w.write(
                LEVEL_2,
                format!("{single}:\t{}\n", super::fields::or_none(&text)),
            );
        }
    }
    if let Some(profile) = c
        .pointer("/securityContext/seccompProfile")
        .filter(|p| p.is_object())
    {
        let kind = meta::str_at(profile, "/type");
        w.write(LEVEL_2, format!("SeccompProfile:\t{kind}\n"));
        if kind == "Localhost" {
            w.write(
                LEVEL_3,
                format!(
                    "LocalhostProfile:\t{}\n",
                    meta::str_at(profile, "/localhostProfile")
                ),
            );
        }
    }
}

fn command(w: &mut PrefixWriter, c: &Value) {
    for (field, title) in [("/command", "Command:\n"), ("/args", "Args:\n")] {
        let items = strings_at(c, field);
        if items.is_empty() {
            continue;
        }
        w.write(LEVEL_2, title);
        for item in items {
            for line in item.split('\n') {
                w.write(LEVEL_3, format!("{line}\n"));
            }
        }
    }
}

/// `describeContainerState`: State, Last State (when the container terminated before),
/// Ready and Restart Count.
fn state(w: &mut PrefixWriter, status: &Value) {
    container_state(w, "State", status.get("state"));
    if status
        .pointer("/lastState/terminated")
        .is_some_and(Value::is_object)
    {
        container_state(w, "Last State", status.get("lastState"));
    }
    w.write(
        LEVEL_2,
        format!("Ready:\t{}\n", print_bool(bool_at(status, "/ready"))),
    );
    w.write(
        LEVEL_2,
        format!("Restart Count:\t{}\n", int_at(status, "/restartCount")),
    );
}

/// `describeStatus`: Running (since), Waiting (reason) or Terminated (reason, message, exit
/// code, signal, start and finish).
fn container_state(w: &mut PrefixWriter, name: &str, state: Option<&Value>) {
    let part = |k: &str| state.and_then(|s| s.get(k)).filter(|v| v.is_object());
    if let Some(running) = part("running") {
        w.write(LEVEL_2, format!("{name}:\tRunning\n"));
        w.write(
            LEVEL_3,
            format!("Started:\t{}\n", rfc1123z(running.get("startedAt"))),
        );
    } else if let Some(waiting) = part("waiting") {
        w.write(LEVEL_2, format!("{name}:\tWaiting\n"));
        let reason = meta::str_at(waiting, "/reason");
        if !reason.is_empty() {
            w.write(LEVEL_3, format!("Reason:\t{reason}\n"));
        }
    } else if let Some(t) = part("terminated") {
        w.write(LEVEL_2, format!("{name}:\tTerminated\n"));
        for (key, label) in [("/reason", "Reason"), ("/message", "Message")] {
            let v = meta::str_at(t, key);
            if !v.is_empty() {
                w.write(LEVEL_3, format!("{label}:\t{v}\n"));
            }
        }
        w.write(LEVEL_3, format!("Exit Code:\t{}\n", int_at(t, "/exitCode")));
        let signal = int_at(t, "/signal");
        if signal > 0 {
            w.write(LEVEL_3, format!("Signal:\t{signal}\n"));
        }
        w.write(
            LEVEL_3,
            format!("Started:\t{}\n", rfc1123z(t.get("startedAt"))),
        );
        w.write(
            LEVEL_3,
            format!("Finished:\t{}\n", rfc1123z(t.get("finishedAt"))),
        );
    } else {
        w.write(LEVEL_2, format!("{name}:\tWaiting\n"));
    }
}

fn probes(w: &mut PrefixWriter, c: &Value) {
    for (field, label) in [
        ("livenessProbe", "Liveness"),
        ("readinessProbe", "Readiness"),
        ("startupProbe", "Startup"),
    ] {
        if let Some(probe) = c.get(field).filter(|p| p.is_object()) {
            w.write(LEVEL_2, format!("{label}:\t{}\n", describe_probe(probe)));
        }
    }
}

/// `DescribeProbe`: `http-get http://:80/ delay=0s timeout=1s period=10s #success=1
/// #failure=3`, and the exec, tcp-socket and grpc forms.
pub fn describe_probe(probe: &Value) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        int_at(probe, "/initialDelaySeconds"),
        int_at(probe, "/timeoutSeconds"),
        int_at(probe, "/periodSeconds"),
        int_at(probe, "/successThreshold"),
        int_at(probe, "/failureThreshold"),
    );
    let part = |k: &str| probe.get(k).filter(|v| v.is_object());
    if let Some(exec) = part("exec") {
        return format!(
            "exec {} {attrs}",
            super::fields::go_list(&strings_at(exec, "/command"))
        );
    }
    if let Some(http) = part("httpGet") {
        let scheme = meta::str_at(http, "/scheme").to_lowercase();
        let host = meta::str_at(http, "/host");
        let port = super::fields::text_at(http, "/port");
        let authority = if port.is_empty() {
            host.to_string()
        } else if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        let path = meta::str_at(http, "/path");
        let mut url = String::new();
        if !scheme.is_empty() {
            url.push_str(&scheme);
            url.push(':');
        }
        if !scheme.is_empty() || !authority.is_empty() {
            url.push_str("//");
            url.push_str(&authority);
        }
        if !path.is_empty() && !path.starts_with('/') && !authority.is_empty() {
            url.push('/');
        }
        url.push_str(path);
        return format!("http-get {url} {attrs}");
    }
    if let Some(tcp) = part("tcpSocket") {
        return format!(
            "tcp-socket {}:{} {attrs}",
            meta::str_at(tcp, "/host"),
            super::fields::text_at(tcp, "/port")
        );
    }
    if let Some(grpc) = part("grpc") {
        return format!(
            "grpc <pod>:{} {} {attrs}",
            int_at(grpc, "/port"),
            meta::str_at(grpc, "/service")
        );
    }
    format!("unknown {attrs}")
}

fn env_from(w: &mut PrefixWriter, c: &Value) {
    w.write(LEVEL_2, "Environment Variables from:\n");
    for e in list_at(c, "/envFrom") {
        let (from, source) = if let Some(cm) = e.get("configMapRef").filter(|v| v.is_object()) {
            ("ConfigMap", Some(cm))
        } else if let Some(s) = e.get("secretRef").filter(|v| v.is_object()) {
            ("Secret", Some(s))
        } else {
            ("", None)
        };
        let name = source.map_or("", |s| meta::str_at(s, "/name"));
        let optional = source.is_some_and(|s| bool_at(s, "/optional"));
        let prefix = meta::str_at(e, "/prefix");
        if prefix.is_empty() {
            w.write(LEVEL_3, format!("{name}\t{from}\tOptional: {optional}\n"));
        } else {
            w.write(
                LEVEL_3,
                format!("{name}\t{from} with prefix '{prefix}'\tOptional: {optional}\n"),
            );
        }
    }
}

fn env(w: &mut PrefixWriter, c: &Value, pod: Option<&Value>) {
    let vars = list_at(c, "/env");
    let none = if vars.is_empty() { "\t<none>" } else { "" };
    w.write(LEVEL_2, format!("Environment:{none}\n"));
    for e in vars {
        let name = meta::str_at(e, "/name");
        let Some(from) = e.get("valueFrom").filter(|v| v.is_object()) else {
            for (i, line) in meta::str_at(e, "/value").split('\n').enumerate() {
                if i == 0 {
                    w.write(LEVEL_3, format!("{name}:\t{line}\n"));
                } else {
                    w.write(LEVEL_3, format!("\t{line}\n"));
                }
            }
            continue;
        };
        let part = |k: &str| from.get(k).filter(|v| v.is_object());
        if let Some(field) = part("fieldRef") {
            let path = meta::str_at(field, "/fieldPath");
            let value = pod.map(|p| pod_field(p, path)).unwrap_or_default();
            w.write(
                LEVEL_3,
                format!(
                    "{name}:\t{value} ({}:{path})\n",
                    meta::str_at(field, "/apiVersion")
                ),
            );
        } else if let Some(resource) = part("resourceFieldRef") {
            let which = meta::str_at(resource, "/resource");
            let mut value = container_resource(c, resource).unwrap_or_default();
            if value == "0" && (which == "limits.cpu" || which == "limits.memory") {
                value = "node allocatable".into();
            }
            w.write(LEVEL_3, format!("{name}:\t{value} ({which})\n"));
        } else if let Some(secret) = part("secretKeyRef") {
            w.write(
                LEVEL_3,
                format!(
                    "{name}:\t<set to the key '{}' in secret '{}'>\tOptional: {}\n",
                    meta::str_at(secret, "/key"),
                    meta::str_at(secret, "/name"),
                    bool_at(secret, "/optional")
                ),
            );
        } else if let Some(cm) = part("configMapKeyRef") {
            w.write(
                LEVEL_3,
                format!(
                    "{name}:\t<set to the key '{}' of config map '{}'>\tOptional: {}\n",
                    meta::str_at(cm, "/key"),
                    meta::str_at(cm, "/name"),
                    bool_at(cm, "/optional")
                ),
            );
        }
    }
}

/// The value of a pod field a `fieldRef` names (`fieldpath.ExtractFieldPathAsString`); ""
/// for paths it does not support.
fn pod_field(pod: &Value, path: &str) -> String {
    let subscript = |prefix: &str| {
        path.strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix("['"))
            .and_then(|rest| rest.strip_suffix("']"))
    };
    for (prefix, pointer) in [
        ("metadata.labels", "/metadata/labels"),
        ("metadata.annotations", "/metadata/annotations"),
    ] {
        if let Some(key) = subscript(prefix) {
            return pod
                .pointer(pointer)
                .and_then(|m| m.get(key))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
        }
    }
    let map_text = |pointer: &str| {
        super::fields::object_at(pod, pointer)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| format!("{k}=\"{}\"", v.as_str().unwrap_or("")))
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default()
    };
    let ips = |pointer: &str| {
        list_at(pod, pointer)
            .iter()
            .map(|ip| meta::str_at(ip, "/ip"))
            .collect::<Vec<_>>()
            .join(",")
    };
    match path {
        "metadata.name" => meta::name(pod).into(),
        "metadata.namespace" => meta::namespace(pod).into(),
        "metadata.uid" => meta::uid(pod).into(),
        "metadata.labels" => map_text("/metadata/labels"),
        "metadata.annotations" => map_text("/metadata/annotations"),
        "spec.nodeName" => meta::str_at(pod, "/spec/nodeName").into(),
        "spec.serviceAccountName" => meta::str_at(pod, "/spec/serviceAccountName").into(),
        "status.hostIP" => meta::str_at(pod, "/status/hostIP").into(),
        "status.hostIPs" => ips("/status/hostIPs"),
        "status.podIP" => meta::str_at(pod, "/status/podIP").into(),
        "status.podIPs" => ips("/status/podIPs"),
        _ => String::new(),
    }
}

/// `ExtractContainerResourceValue`: a container's own request or limit, divided by the
/// divisor and rounded up.
fn container_resource(c: &Value, selector: &Value) -> Option<String> {
    let which = meta::str_at(selector, "/resource");
    let (section, resource) = which.split_once('.')?;
    if !matches!(section, "limits" | "requests") {
        return None;
    }
    if !matches!(resource, "cpu" | "memory" | "ephemeral-storage")
        && !resource.starts_with("hugepages-")
    {
        return None;
    }
    let amount = parse_quantity(c.pointer(&format!("/resources/{section}/{resource}")));
    let divisor = match selector.get("divisor") {
        Some(d) if !parse_quantity(Some(d)).is_zero() => parse_quantity(Some(d)),
        _ => parse_quantity(Some(&Value::String("1".into()))),
    };
    let (value, per) = if resource == "cpu" {
        (amount.milli_value(), divisor.milli_value())
    } else {
        (amount.value(), divisor.value())
    };
    if per == 0 {
        return None;
    }
    // Ceiling division of non-negative amounts.
    Some(((value + per - 1).div_euclid(per)).to_string())
}

/// `describeContainerVolumes`: mounts sorted by path, `path from volume (ro|rw[,path="sub"])`,
/// then block devices.
fn mounts(w: &mut PrefixWriter, c: &Value) {
    let mut list: Vec<&Value> = list_at(c, "/volumeMounts").iter().collect();
    let none = if list.is_empty() { "\t<none>" } else { "" };
    w.write(LEVEL_2, format!("Mounts:{none}\n"));
    list.sort_by_key(|m| meta::str_at(m, "/mountPath"));
    for m in list {
        let mut flags = vec![if bool_at(m, "/readOnly") { "ro" } else { "rw" }.to_string()];
        let sub = meta::str_at(m, "/subPath");
        if !sub.is_empty() {
            flags.push(format!("path={}", go_quote(sub)));
        }
        w.write(
            LEVEL_3,
            format!(
                "{} from {} ({})\n",
                meta::str_at(m, "/mountPath"),
                meta::str_at(m, "/name"),
                flags.join(",")
            ),
        );
    }
    let mut devices: Vec<&Value> = list_at(c, "/volumeDevices").iter().collect();
    if !devices.is_empty() {
        w.write(LEVEL_2, format!("Devices:{none}\n"));
        devices.sort_by_key(|d| meta::str_at(d, "/devicePath"));
        for d in devices {
            w.write(
                LEVEL_3,
                format!(
                    "{} from {}\n",
                    meta::str_at(d, "/devicePath"),
                    meta::str_at(d, "/name")
                ),
            );
        }
    }
}

/// Go's `%q` for ordinary strings: double quotes with `"` and `\` escaped.
fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn probes_as_upstream_writes_them() {
        let http = json!({"httpGet": {"path": "/", "port": 80, "scheme": "HTTP"},
            "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3});
        assert_eq!(
            describe_probe(&http),
            "http-get http://:80/ delay=0s timeout=1s period=10s #success=1 #failure=3"
        );
        let named = json!({"httpGet": {"path": "healthz", "port": "http", "host": "10.0.0.1", "scheme": "HTTPS"}});
        assert_eq!(
            describe_probe(&named),
            "http-get https://10.0.0.1:http/healthz delay=0s timeout=0s period=0s #success=0 #failure=0"
        );
        let exec = json!({"exec": {"command": ["cat", "/tmp/healthy"]}, "initialDelaySeconds": 5});
        assert!(describe_probe(&exec).starts_with("exec [cat /tmp/healthy] delay=5s"));
        let tcp = json!({"tcpSocket": {"port": 8080}});
        assert!(describe_probe(&tcp).starts_with("tcp-socket :8080 delay=0s"));
    }

    #[test]
    fn a_running_container_with_environment_and_mounts() {
        let pod = json!({"metadata": {"name": "web-1", "namespace": "default"}});
        let containers = json!([{"name": "app", "image": "nginx",
            "ports": [{"containerPort": 80, "protocol": "TCP"}],
            "resources": {"limits": {"memory": "128Mi"}, "requests": {"cpu": "0.1"}},
            "env": [{"name": "POD", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
                    {"name": "MODE", "value": "a\nb"}],
            "volumeMounts": [{"name": "data", "mountPath": "/data", "subPath": "x"},
                             {"name": "cfg", "mountPath": "/etc/cfg", "readOnly": true}]}]);
        let statuses = json!([{"name": "app", "containerID": "containerd://abc", "imageID": "docker.io/library/nginx@sha256:1",
            "state": {"running": {"startedAt": "2026-01-01T09:00:03Z"}}, "ready": true, "restartCount": 0}]);
        let mut w = PrefixWriter::new();
        describe_containers(
            &mut w,
            "Containers",
            containers.as_array().map(Vec::as_slice).unwrap_or_default(),
            statuses.as_array().map(Vec::as_slice).unwrap_or_default(),
            Some(&pod),
            "",
        );
        assert_eq!(
            w.finish(),
            concat!(
                "Containers:\n",
                "  app:\n",
                "    Container ID:   containerd://abc\n",
                "    Image:          nginx\n",
                "    Image ID:       docker.io/library/nginx@sha256:1\n",
                "    Port:           80/TCP\n",
                "    Host Port:      0/TCP\n",
                "    State:          Running\n",
                "      Started:      Thu, 01 Jan 2026 09:00:03 +0000\n",
                "    Ready:          True\n",
                "    Restart Count:  0\n",
                "    Limits:\n",
                "      memory:  128Mi\n",
                "    Requests:\n",
                "      cpu:  100m\n",
                "    Environment:\n",
                "      POD:   web-1 (v1:metadata.name)\n",
                "      MODE:  a\n",
                "             b\n",
                "    Mounts:\n",
                "      /data from data (rw,path=\"x\")\n",
                "      /etc/cfg from cfg (ro)\n",
            )
        );
    }
}
