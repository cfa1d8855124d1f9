//! A pod template in `kubectl describe`'s words (`DescribePodTemplate`): labels, annotations,
//! containers with image, ports, command, resources, probes, environment and mounts, then
//! volumes, node selectors and tolerations. `rollout history --revision=N` prints it as is,
//! tabs included (describe's prefix writer, without the tab aligner).

use serde_json::{Map, Value};

use crate::api::meta;

/// Annotations describe never shows.
const SKIPPED_ANNOTATIONS: &[&str] = &["kubectl.kubernetes.io/last-applied-configuration"];
const MAX_ANNOTATION_LEN: usize = 140;

/// Describe's indentation: two spaces per level.
struct Prefixed(String);

impl Prefixed {
    fn write(&mut self, level: usize, text: &str) {
        self.0.push_str(&"  ".repeat(level));
        self.0.push_str(text);
    }
}

/// `DescribePodTemplate`.
pub fn describe(template: Option<&Value>) -> String {
    let mut w = Prefixed(String::new());
    w.write(0, "Pod Template:\n");
    let Some(t) = template else {
        w.write(1, "<unset>");
        return w.0;
    };
    let spec = t.get("spec").cloned().unwrap_or(Value::Null);
    labels_multiline(&mut w, "  Labels", t.pointer("/metadata/labels"));
    if let Some(a) = t
        .pointer("/metadata/annotations")
        .and_then(Value::as_object)
        .filter(|a| !a.is_empty())
    {
        annotations_multiline(&mut w, "  Annotations", a);
    }
    let sa = meta::str_at(&spec, "/serviceAccountName");
    if !sa.is_empty() {
        w.write(1, &format!("Service Account:\t{sa}\n"));
    }
    let list = |key: &str| -> Vec<Value> {
        spec.get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let init = list("initContainers");
    if !init.is_empty() {
        containers(&mut w, "Init Containers", &init);
    }
    containers(&mut w, "Containers", &list("containers"));
    volumes(&mut w, &list("volumes"));
    let priority = meta::str_at(&spec, "/priorityClassName");
    if !priority.is_empty() {
        w.write(1, &format!("Priority Class Name:\t{priority}\n"));
    }
    labels_multiline(&mut w, "  Node-Selectors", spec.get("nodeSelector"));
    tolerations(&mut w, &list("tolerations"));
    w.0
}

/// `printLabelsMultiline`: sorted `key=value`, one per line, continuation lines start with a tab.
fn labels_multiline(w: &mut Prefixed, title: &str, labels: Option<&Value>) {
    w.write(0, &format!("{title}:\t"));
    let Some(labels) = labels.and_then(Value::as_object).filter(|l| !l.is_empty()) else {
        w.write(0, "<none>\n");
        return;
    };
    for (i, (k, v)) in labels.iter().enumerate() {
        if i != 0 {
            w.write(0, "\t");
        }
        w.write(0, &format!("{k}={}\n", v.as_str().unwrap_or("")));
    }
}

/// `printAnnotationsMultiline`: long or multi-line values go on their own indented lines.
fn annotations_multiline(w: &mut Prefixed, title: &str, annotations: &Map<String, Value>) {
    w.write(0, &format!("{title}:\t"));
    let keys: Vec<&String> = annotations
        .keys()
        .filter(|k| !SKIPPED_ANNOTATIONS.contains(&k.as_str()))
        .collect();
    if keys.is_empty() {
        w.write(0, "<none>\n");
        return;
    }
    for (i, key) in keys.into_iter().enumerate() {
        if i != 0 {
            w.write(0, "\t");
        }
        let value = annotations
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim_end_matches('\n');
        if value.len() + key.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            w.write(0, &format!("{key}:\n"));
            for line in value.split('\n') {
                let short = if line.len() > MAX_ANNOTATION_LEN - 2 {
                    let cut: String = line.chars().take(MAX_ANNOTATION_LEN - 2).collect();
                    format!("{cut}...")
                } else {
                    line.to_string()
                };
                w.write(0, &format!("\t  {short}\n"));
            }
        } else {
            w.write(0, &format!("{key}: {value}\n"));
        }
    }
}

fn containers(w: &mut Prefixed, label: &str, list: &[Value]) {
    let none = if list.is_empty() { " <none>" } else { "" };
    w.write(0, &format!("  {label}:{none}\n"));
    for c in list {
        w.write(1, &format!(" {}:\n", meta::str_at(c, "/name")));
        w.write(2, &format!("Image:\t{}\n", meta::str_at(c, "/image")));
        let ports: Vec<&Value> = c
            .get("ports")
            .and_then(Value::as_array)
            .map(|p| p.iter().collect())
            .unwrap_or_default();
        let port_list = |field: &str| -> String {
            ports
                .iter()
                .map(|p| {
                    let number = p.get(field).and_then(Value::as_i64).unwrap_or(0);
                    let protocol = match meta::str_at(p, "/protocol") {
                        "" => "TCP",
                        proto => proto,
                    };
                    match meta::str_at(p, "/name") {
                        "" => format!("{number}/{protocol}"),
                        name => format!("{number}/{protocol} ({name})"),
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        for (single, plural, text) in [
            ("Port", "Ports", port_list("containerPort")),
            ("Host Port", "Host Ports", port_list("hostPort")),
        ] {
            if text.contains(',') {
                w.write(2, &format!("{plural}:\t{text}\n"));
            } else {
                w.write(2, &format!("{single}:\t{}\n", or_none(&text)));
            }
        }
        for (field, title) in [("command", "Command"), ("args", "Args")] {
            let items = string_list(c.get(field));
            if !items.is_empty() {
                w.write(2, &format!("{title}:\n"));
                for item in items {
                    for line in item.split('\n') {
                        w.write(3, &format!("{line}\n"));
                    }
                }
            }
        }
        for (field, title) in [("limits", "Limits"), ("requests", "Requests")] {
            if let Some(r) = c
                .pointer(&format!("/resources/{field}"))
                .and_then(Value::as_object)
                .filter(|r| !r.is_empty())
            {
                w.write(2, &format!("{title}:\n"));
                for (name, q) in r {
                    w.write(3, &format!("{name}:\t{}\n", quantity(q)));
                }
            }
        }
        for (field, title) in [
            ("livenessProbe", "Liveness"),
            ("readinessProbe", "Readiness"),
            ("startupProbe", "Startup"),
        ] {
            if let Some(p) = c.get(field) {
                w.write(2, &format!("{title}:\t{}\n", probe(p)));
            }
        }
        if let Some(from) = c
            .get("envFrom")
            .and_then(Value::as_array)
            .filter(|f| !f.is_empty())
        {
            env_from(w, from);
        }
        env(w, c.get("env").and_then(Value::as_array));
        mounts(w, c.get("volumeMounts").and_then(Value::as_array));
    }
}

fn env_from(w: &mut Prefixed, from: &[Value]) {
    w.write(2, "Environment Variables from:\n");
    for e in from {
        let (source, reference) = if let Some(r) = e.get("configMapRef") {
            ("ConfigMap", r)
        } else if let Some(r) = e.get("secretRef") {
            ("Secret", r)
        } else {
            ("", &Value::Null)
        };
        let name = meta::str_at(reference, "/name");
        let optional = reference.get("optional") == Some(&Value::Bool(true));
        match meta::str_at(e, "/prefix") {
            "" => w.write(3, &format!("{name}\t{source}\tOptional: {optional}\n")),
            prefix => w.write(
                3,
                &format!("{name}\t{source} with prefix '{prefix}'\tOptional: {optional}\n"),
            ),
        }
    }
}

fn env(w: &mut Prefixed, list: Option<&Vec<Value>>) {
    let list = list.map(Vec::as_slice).unwrap_or_default();
    let none = if list.is_empty() { "\t<none>" } else { "" };
    w.write(2, &format!("Environment:{none}\n"));
    for e in list {
        let name = meta::str_at(e, "/name");
        let Some(from) = e.get("valueFrom") else {
            for (i, line) in meta::str_at(e, "/value").split('\n').enumerate() {
                if i == 0 {
                    w.write(3, &format!("{name}:\t{line}\n"));
                } else {
                    w.write(3, &format!("\t{line}\n"));
                }
            }
            continue;
        };
        let optional = |r: &Value| r.get("optional") == Some(&Value::Bool(true));
        if let Some(r) = from.get("fieldRef") {
            w.write(
                3,
                &format!(
                    "{name}:\t ({}:{})\n",
                    meta::str_at(r, "/apiVersion"),
                    meta::str_at(r, "/fieldPath")
                ),
            );
        } else if let Some(r) = from.get("resourceFieldRef") {
            w.write(
                3,
                &format!("{name}:\t ({})\n", meta::str_at(r, "/resource")),
            );
        } else if let Some(r) = from.get("secretKeyRef") {
            w.write(
                3,
                &format!(
                    "{name}:\t<set to the key '{}' in secret '{}'>\tOptional: {}\n",
                    meta::str_at(r, "/key"),
                    meta::str_at(r, "/name"),
                    optional(r)
                ),
            );
        } else if let Some(r) = from.get("configMapKeyRef") {
            w.write(
                3,
                &format!(
                    "{name}:\t<set to the key '{}' of config map '{}'>\tOptional: {}\n",
                    meta::str_at(r, "/key"),
                    meta::str_at(r, "/name"),
                    optional(r)
                ),
            );
        }
    }
}

fn mounts(w: &mut Prefixed, list: Option<&Vec<Value>>) {
    let mut list: Vec<&Value> = list.map(|l| l.iter().collect()).unwrap_or_default();
    let none = if list.is_empty() { "\t<none>" } else { "" };
    w.write(2, &format!("Mounts:{none}\n"));
    list.sort_by_key(|m| meta::str_at(m, "/mountPath").to_string());
    for m in list {
        let mut flags = vec![if m.get("readOnly") == Some(&Value::Bool(true)) {
            "ro".to_string()
        } else {
            "rw".to_string()
        }];
        let sub = meta::str_at(m, "/subPath");
        if !sub.is_empty() {
            flags.push(format!("path=\"{sub}\""));
        }
        w.write(
            3,
            &format!(
                "{} from {} ({})\n",
                meta::str_at(m, "/mountPath"),
                meta::str_at(m, "/name"),
                flags.join(",")
            ),
        );
    }
}

fn volumes(w: &mut Prefixed, list: &[Value]) {
    if list.is_empty() {
        w.write(0, "  Volumes:\t<none>\n");
        return;
    }
    w.write(0, "  Volumes:\n");
    for v in list {
        w.write(1, &format!(" {}:\n", meta::str_at(v, "/name")));
        let flag = |s: &Value, k: &str| s.get(k) == Some(&Value::Bool(true));
        if let Some(s) = v.get("emptyDir") {
            let limit = match meta::str_at(s, "/sizeLimit") {
                "" | "0" => "<unset>",
                l => l,
            };
            w.write(
                2,
                &format!(
                    "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{}\n    SizeLimit:\t{limit}\n",
                    meta::str_at(s, "/medium")
                ),
            );
        } else if let Some(s) = v.get("hostPath") {
            w.write(
                2,
                &format!(
                    "Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{}\n",
                    meta::str_at(s, "/path"),
                    or_none(meta::str_at(s, "/type"))
                ),
            );
        } else if let Some(s) = v.get("secret") {
            w.write(
                2,
                &format!(
                    "Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\t{}\n",
                    meta::str_at(s, "/secretName"),
                    flag(s, "optional")
                ),
            );
        } else if let Some(s) = v.get("configMap") {
            w.write(
                2,
                &format!(
                    "Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{}\n",
                    meta::str_at(s, "/name"),
                    flag(s, "optional")
                ),
            );
        } else if let Some(s) = v.get("persistentVolumeClaim") {
            w.write(
                2,
                &format!(
                    "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t{}\n    ReadOnly:\t{}\n",
                    meta::str_at(s, "/claimName"),
                    flag(s, "readOnly")
                ),
            );
        } else {
            w.write(1, "<unknown>\n");
        }
    }
}

/// `printTolerationsMultilineWithIndent`, sorted by key.
fn tolerations(w: &mut Prefixed, list: &[Value]) {
    w.write(0, "  Tolerations:\t");
    if list.is_empty() {
        w.write(0, "<none>\n");
        return;
    }
    let mut list: Vec<&Value> = list.iter().collect();
    list.sort_by_key(|t| meta::str_at(t, "/key").to_string());
    for (i, t) in list.into_iter().enumerate() {
        if i != 0 {
            w.write(0, "\t");
        }
        let (key, value, effect) = (
            meta::str_at(t, "/key"),
            meta::str_at(t, "/value"),
            meta::str_at(t, "/effect"),
        );
        let mut line = key.to_string();
        if !value.is_empty() {
            line.push_str(&format!("={value}"));
        }
        if !effect.is_empty() {
            line.push_str(&format!(":{effect}"));
        }
        if meta::str_at(t, "/operator") == "Exists" && value.is_empty() {
            line.push_str(if key.is_empty() && effect.is_empty() {
                "op=Exists"
            } else {
                " op=Exists"
            });
        }
        if let Some(secs) = t.get("tolerationSeconds").and_then(Value::as_i64) {
            line.push_str(&format!(" for {secs}s"));
        }
        w.write(0, &format!("{line}\n"));
    }
}

/// `DescribeProbe`.
fn probe(p: &Value) -> String {
    let n = |k: &str| p.get(k).and_then(Value::as_i64).unwrap_or(0);
    let attrs = format!(
        "delay={}s timeout={}s period={}s successThreshold={} failureThreshold={}",
        n("initialDelaySeconds"),
        n("timeoutSeconds"),
        n("periodSeconds"),
        n("successThreshold"),
        n("failureThreshold")
    );
    if let Some(e) = p.get("exec") {
        return format!("exec [{}] {attrs}", string_list(e.get("command")).join(" "));
    }
    if let Some(h) = p.get("httpGet") {
        let scheme = match meta::str_at(h, "/scheme") {
            "" => "http".to_string(),
            s => s.to_lowercase(),
        };
        let port = int_or_string(h.get("port"));
        let host = meta::str_at(h, "/host");
        let authority = if port.is_empty() {
            host.to_string()
        } else {
            format!("{host}:{port}")
        };
        return format!(
            "http-get {scheme}://{authority}{} {attrs}",
            meta::str_at(h, "/path")
        );
    }
    if let Some(t) = p.get("tcpSocket") {
        return format!(
            "tcp-socket {}:{} {attrs}",
            meta::str_at(t, "/host"),
            int_or_string(t.get("port"))
        );
    }
    if let Some(g) = p.get("grpc") {
        return format!(
            "grpc <pod>:{} {} {attrs}",
            g.get("port").and_then(Value::as_i64).unwrap_or(0),
            meta::str_at(g, "/service")
        );
    }
    format!("unknown {attrs}")
}

fn int_or_string(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn quantity(v: &Value) -> String {
    int_or_string(Some(v))
}

fn string_list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .map(|s| s.as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn or_none(s: &str) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_template_reads_as_describe_prints_it() {
        let t = json!({
            "metadata": {"labels": {"app": "web", "pod-template-hash": "abc"},
                "annotations": {"kubernetes.io/change-cause": "v2"}},
            "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27",
                "ports": [{"containerPort": 80, "protocol": "TCP"}],
                "env": [{"name": "A", "value": "1"}],
                "resources": {"limits": {"cpu": "200m"}}}]}
        });
        assert_eq!(
            describe(Some(&t)),
            "Pod Template:\n  Labels:\tapp=web\n\tpod-template-hash=abc\n  Annotations:\tkubernetes.io/change-cause: v2\n  Containers:\n   nginx:\n    Image:\tnginx:1.27\n    Port:\t80/TCP\n    Host Port:\t0/TCP\n    Limits:\n      cpu:\t200m\n    Environment:\n      A:\t1\n    Mounts:\t<none>\n  Volumes:\t<none>\n  Node-Selectors:\t<none>\n  Tolerations:\t<none>\n"
        );
    }
}
