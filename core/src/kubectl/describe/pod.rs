//! `kubectl describe pod`: identity, node and start time, status, IPs, owner, containers,
//! conditions, volumes, QoS class, scheduling constraints and events.

use serde_json::Value;

use super::Ctx;
use super::containers::describe_containers;
use super::fields::{
    annotations_multiline, controlled_by, format_label_selector, labels_multiline, list_at,
    object_at, resources, rfc1123z, tolerations_multiline,
};
use super::volumes::describe_volumes;
use super::writer::{LEVEL_0, LEVEL_1, PrefixWriter};
use crate::api::meta;
use crate::kubectl::printers::columns::since;

pub fn describe(ctx: &Ctx<'_>, pod: &Value) -> String {
    let mut w = PrefixWriter::new();
    let w = &mut w;
    w.write(LEVEL_0, format!("Name:\t{}\n", meta::name(pod)));
    w.write(LEVEL_0, format!("Namespace:\t{}\n", meta::namespace(pod)));
    if let Some(priority) = pod.pointer("/spec/priority").and_then(Value::as_i64) {
        w.write(LEVEL_0, format!("Priority:\t{priority}\n"));
    }
    for (pointer, label) in [
        ("/spec/priorityClassName", "Priority Class Name"),
        ("/spec/runtimeClassName", "Runtime Class Name"),
        ("/spec/serviceAccountName", "Service Account"),
    ] {
        let v = meta::str_at(pod, pointer);
        if !v.is_empty() {
            w.write(LEVEL_0, format!("{label}:\t{v}\n"));
        }
    }
    match meta::str_at(pod, "/spec/nodeName") {
        "" => w.write(LEVEL_0, "Node:\t<none>\n"),
        node => w.write(
            LEVEL_0,
            format!("Node:\t{node}/{}\n", meta::str_at(pod, "/status/hostIP")),
        ),
    }
    if let Some(start) = pod.pointer("/status/startTime").filter(|t| t.is_string()) {
        w.write(LEVEL_0, format!("Start Time:\t{}\n", rfc1123z(Some(start))));
    }
    labels_multiline(w, "Labels", object_at(pod, "/metadata/labels"));
    annotations_multiline(w, "Annotations", object_at(pod, "/metadata/annotations"));
    let phase = meta::str_at(pod, "/status/phase");
    if meta::is_deleting(pod) && phase != "Failed" && phase != "Succeeded" {
        w.write(
            LEVEL_0,
            format!(
                "Status:\tTerminating (lasts {})\n",
                since(pod.pointer("/metadata/deletionTimestamp"), ctx.now)
            ),
        );
        w.write(
            LEVEL_0,
            format!(
                "Termination Grace Period:\t{}s\n",
                super::fields::int_at(pod, "/metadata/deletionGracePeriodSeconds")
            ),
        );
    } else {
        w.write(LEVEL_0, format!("Status:\t{phase}\n"));
    }
    for (pointer, label) in [("/status/reason", "Reason"), ("/status/message", "Message")] {
        let v = meta::str_at(pod, pointer);
        if !v.is_empty() {
            w.write(LEVEL_0, format!("{label}:\t{v}\n"));
        }
    }
    if let Some(profile) = pod
        .pointer("/spec/securityContext/seccompProfile")
        .filter(|p| p.is_object())
    {
        let kind = meta::str_at(profile, "/type");
        w.write(LEVEL_0, format!("SeccompProfile:\t{kind}\n"));
        if kind == "Localhost" {
            w.write(
                LEVEL_0,
                format!(
                    "LocalhostProfile:\t{}\n",
                    meta::str_at(profile, "/localhostProfile")
                ),
            );
        }
    }
    w.write(
        LEVEL_0,
        format!("IP:\t{}\n", meta::str_at(pod, "/status/podIP")),
    );
    let ips = list_at(pod, "/status/podIPs");
    if ips.is_empty() {
        w.write(LEVEL_0, "IPs:\t<none>\n");
    } else {
        w.write(LEVEL_0, "IPs:\n");
        for ip in ips {
            w.write(LEVEL_1, format!("IP:\t{}\n", meta::str_at(ip, "/ip")));
        }
    }
    if let Some(owner) = controlled_by(pod) {
        w.write(LEVEL_0, format!("Controlled By:\t{owner}\n"));
    }
    let nominated = meta::str_at(pod, "/status/nominatedNodeName");
    if !nominated.is_empty() {
        w.write(LEVEL_0, format!("NominatedNodeName:\t{nominated}\n"));
    }
    if let Some(pod_resources) = pod.pointer("/spec/resources").filter(|r| r.is_object()) {
        w.write(LEVEL_0, "Resources:\n");
        resources(w, Some(pod_resources), LEVEL_1);
    }
    let init = list_at(pod, "/spec/initContainers");
    if !init.is_empty() {
        describe_containers(
            w,
            "Init Containers",
            init,
            list_at(pod, "/status/initContainerStatuses"),
            Some(pod),
            "",
        );
    }
    describe_containers(
        w,
        "Containers",
        list_at(pod, "/spec/containers"),
        list_at(pod, "/status/containerStatuses"),
        Some(pod),
        "",
    );
    let ephemeral = list_at(pod, "/spec/ephemeralContainers");
    if !ephemeral.is_empty() {
        describe_containers(
            w,
            "Ephemeral Containers",
            ephemeral,
            list_at(pod, "/status/ephemeralContainerStatuses"),
            Some(pod),
            "",
        );
    }
    let conditions = list_at(pod, "/status/conditions");
    let gates = list_at(pod, "/spec/readinessGates");
    if !gates.is_empty() {
        w.write(LEVEL_0, "Readiness Gates:\n  Type\tStatus\n");
        for gate in gates {
            let kind = meta::str_at(gate, "/conditionType");
            let status = conditions
                .iter()
                .find(|c| meta::str_at(c, "/type") == kind)
                .map_or("<none>", |c| meta::str_at(c, "/status"));
            w.write(LEVEL_1, format!("{kind} \t{status} \n"));
        }
    }
    if !conditions.is_empty() {
        w.write(LEVEL_0, "Conditions:\n  Type\tStatus\n");
        for c in conditions {
            w.write(
                LEVEL_1,
                format!(
                    "{} \t{} \n",
                    meta::str_at(c, "/type"),
                    meta::str_at(c, "/status")
                ),
            );
        }
    }
    describe_volumes(w, list_at(pod, "/spec/volumes"), "");
    w.write(LEVEL_0, format!("QoS Class:\t{}\n", qos_class(pod)));
    labels_multiline(w, "Node-Selectors", object_at(pod, "/spec/nodeSelector"));
    tolerations_multiline(w, "Tolerations", list_at(pod, "/spec/tolerations"));
    topology_spread(w, list_at(pod, "/spec/topologySpreadConstraints"), "");
    ctx.events_section(pod, w);
    std::mem::take(w).finish()
}

/// `GetPodQOS`: the class the API server stored, else computed as the kubelet does.
fn qos_class(pod: &Value) -> String {
    match meta::str_at(pod, "/status/qosClass") {
        "" => crate::kubelet::qos_class(pod).to_string(),
        class => class.to_string(),
    }
}

/// `describeTopologySpreadConstraints`: one line per constraint, sorted by topology key.
pub fn topology_spread(w: &mut PrefixWriter, constraints: &[Value], space: &str) {
    if constraints.is_empty() {
        return;
    }
    let mut sorted: Vec<&Value> = constraints.iter().collect();
    sorted.sort_by_key(|c| meta::str_at(c, "/topologyKey"));
    w.write(LEVEL_0, format!("{space}Topology Spread Constraints:\t"));
    for (i, c) in sorted.into_iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, space);
            w.write(LEVEL_0, "\t");
        }
        let mut line = format!(
            "{}:{} when max skew {} is exceeded",
            meta::str_at(c, "/topologyKey"),
            meta::str_at(c, "/whenUnsatisfiable"),
            super::fields::int_at(c, "/maxSkew")
        );
        if let Some(selector) = c.get("labelSelector").filter(|s| s.is_object()) {
            line.push_str(&format!(
                " for selector {}",
                format_label_selector(Some(selector))
            ));
        }
        line.push('\n');
        w.write(LEVEL_0, line);
    }
}
