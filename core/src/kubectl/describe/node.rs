//! `kubectl describe node`: roles, taints, lease, conditions, addresses, capacity, system
//! info, the node's non-terminated pods with their share of its allocatable CPU and memory,
//! the allocated totals, and events.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Ctx;
use super::fields::{
    add_quantities, annotations_multiline, bool_at, labels_multiline, list_at, object_at,
    parse_quantity, quantity, rfc1123z, strings_at, taints_multiline, timed_conditions,
    zero_quantity,
};
use super::writer::{LEVEL_0, LEVEL_1, PrefixWriter};
use crate::api::meta;
use crate::api::quantity::Quantity;
use crate::kubectl::printers::columns::age;

/// Resource name → amount, as a `corev1.ResourceList`.
type ResourceList = BTreeMap<String, Quantity>;

pub fn describe(ctx: &Ctx<'_>, node: &Value) -> String {
    let mut w = PrefixWriter::new();
    let w = &mut w;
    let name = meta::name(node);
    w.write(LEVEL_0, format!("Name:\t{name}\n"));
    w.write(
        LEVEL_0,
        format!("Roles:\t{}\n", crate::graph::node_roles(node)),
    );
    labels_multiline(w, "Labels", object_at(node, "/metadata/labels"));
    annotations_multiline(w, "Annotations", object_at(node, "/metadata/annotations"));
    w.write(
        LEVEL_0,
        format!(
            "CreationTimestamp:\t{}\n",
            rfc1123z(node.pointer("/metadata/creationTimestamp"))
        ),
    );
    taints_multiline(w, "Taints", list_at(node, "/spec/taints"));
    w.write(
        LEVEL_0,
        format!("Unschedulable:\t{}\n", bool_at(node, "/spec/unschedulable")),
    );
    lease(ctx, w, name);
    timed_conditions(
        w,
        list_at(node, "/status/conditions"),
        "LastHeartbeatTime",
        "lastHeartbeatTime",
    );
    w.write(LEVEL_0, "Addresses:\n");
    for address in list_at(node, "/status/addresses") {
        w.write(
            LEVEL_1,
            format!(
                "{}:\t{}\n",
                meta::str_at(address, "/type"),
                meta::str_at(address, "/address")
            ),
        );
    }
    for (pointer, title) in [
        ("/status/capacity", "Capacity:\n"),
        ("/status/allocatable", "Allocatable:\n"),
    ] {
        let Some(list) = object_at(node, pointer).filter(|l| !l.is_empty()) else {
            continue;
        };
        w.write(LEVEL_0, title);
        for (resource, amount) in list {
            w.write(LEVEL_0, format!("  {resource}:\t{}\n", quantity(amount)));
        }
    }
    w.write(LEVEL_0, "System Info:\n");
    for (label, field) in [
        ("Machine ID", "machineID"),
        ("System UUID", "systemUUID"),
        ("Boot ID", "bootID"),
        ("Kernel Version", "kernelVersion"),
        ("OS Image", "osImage"),
        ("Operating System", "operatingSystem"),
        ("Architecture", "architecture"),
        ("Container Runtime Version", "containerRuntimeVersion"),
        ("Kubelet Version", "kubeletVersion"),
        ("Kube-Proxy Version", "kubeProxyVersion"),
    ] {
        w.write(
            LEVEL_0,
            format!(
                "  {label}:\t{}\n",
                meta::str_at(node, &format!("/status/nodeInfo/{field}"))
            ),
        );
    }
    let cidr = meta::str_at(node, "/spec/podCIDR");
    if !cidr.is_empty() {
        w.write(LEVEL_0, format!("PodCIDR:\t{cidr}\n"));
    }
    let cidrs = strings_at(node, "/spec/podCIDRs");
    if !cidrs.is_empty() {
        w.write(LEVEL_0, format!("PodCIDRs:\t{}\n", cidrs.join(",")));
    }
    let provider = meta::str_at(node, "/spec/providerID");
    if !provider.is_empty() {
        w.write(LEVEL_0, format!("ProviderID:\t{provider}\n"));
    }
    let pods: Vec<&Value> = ctx
        .pods_on_node(name)
        .iter()
        .copied()
        .filter(|p| !matches!(meta::str_at(p, "/status/phase"), "Succeeded" | "Failed"))
        .collect();
    node_resources(ctx, w, node, &pods);
    ctx.events_section(node, w);
    std::mem::take(w).finish()
}

/// The `Lease:` section from the node's Lease in `kube-node-lease`, or why it is missing.
fn lease(ctx: &Ctx<'_>, w: &mut PrefixWriter, name: &str) {
    let Some(lease) = ctx.get("coordination.k8s.io", "Lease", "kube-node-lease", name) else {
        w.write(
            LEVEL_0,
            format!(
                "Lease:\tFailed to get lease: leases.coordination.k8s.io \"{name}\" not found\n"
            ),
        );
        return;
    };
    w.write(LEVEL_0, "Lease:\n");
    let holder = lease
        .pointer("/spec/holderIdentity")
        .and_then(Value::as_str)
        .unwrap_or("<unset>");
    w.write(LEVEL_1, format!("HolderIdentity:\t{holder}\n"));
    for (label, field) in [("AcquireTime", "acquireTime"), ("RenewTime", "renewTime")] {
        let time = lease
            .pointer(&format!("/spec/{field}"))
            .filter(|t| t.is_string())
            .map_or_else(|| "<unset>".to_string(), |t| rfc1123z(Some(t)));
        w.write(LEVEL_1, format!("{label}:\t{time}\n"));
    }
}

/// `describeNodeResource`: the non-terminated pods' requests and limits, each as a share of
/// the node's allocatable, then the totals.
fn node_resources(ctx: &Ctx<'_>, w: &mut PrefixWriter, node: &Value, pods: &[&Value]) {
    w.write(
        LEVEL_0,
        format!("Non-terminated Pods:\t({} in total)\n", pods.len()),
    );
    w.write(
        LEVEL_1,
        "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n",
    );
    w.write(
        LEVEL_1,
        "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n",
    );
    let allocatable: ResourceList = match object_at(node, "/status/allocatable")
        .filter(|a| !a.is_empty())
        .or_else(|| object_at(node, "/status/capacity"))
    {
        Some(list) => list
            .iter()
            .map(|(k, v)| (k.clone(), parse_quantity(Some(v))))
            .collect(),
        None => ResourceList::new(),
    };
    let amount =
        |list: &ResourceList, name: &str| list.get(name).cloned().unwrap_or_else(zero_quantity);
    let alloc_cpu = amount(&allocatable, "cpu").milli_value();
    let alloc_memory = amount(&allocatable, "memory").value();
    let mut total_requests = ResourceList::new();
    let mut total_limits = ResourceList::new();
    for pod in pods {
        let (requests, limits) = (pod_requests(pod), pod_limits(pod));
        let cells = [
            (amount(&requests, "cpu"), true),
            (amount(&limits, "cpu"), true),
            (amount(&requests, "memory"), false),
            (amount(&limits, "memory"), false),
        ]
        .map(|(q, cpu)| {
            let share = if cpu {
                percent(q.milli_value(), alloc_cpu)
            } else {
                percent(q.value(), alloc_memory)
            };
            format!("{q} ({share}%)")
        });
        w.write(
            LEVEL_1,
            format!(
                "{}\t{}\t\t{}\t{}\t{}\t{}\t{}\n",
                meta::namespace(pod),
                meta::name(pod),
                cells[0],
                cells[1],
                cells[2],
                cells[3],
                age(pod, ctx.now)
            ),
        );
        add_list(&mut total_requests, &requests);
        add_list(&mut total_limits, &limits);
    }
    w.write(
        LEVEL_0,
        "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n",
    );
    w.write(LEVEL_1, "Resource\tRequests\tLimits\n");
    w.write(LEVEL_1, "--------\t--------\t------\n");
    let row = |w: &mut PrefixWriter, name: &str, whole: i128, milli: bool| {
        let (req, lim) = (amount(&total_requests, name), amount(&total_limits, name));
        let value = |q: &Quantity| if milli { q.milli_value() } else { q.value() };
        w.write(
            LEVEL_1,
            format!(
                "{name}\t{req} ({}%)\t{lim} ({}%)\n",
                percent(value(&req), whole),
                percent(value(&lim), whole)
            ),
        );
    };
    row(w, "cpu", alloc_cpu, true);
    row(w, "memory", alloc_memory, false);
    row(
        w,
        "ephemeral-storage",
        amount(&allocatable, "ephemeral-storage").value(),
        false,
    );
    for (name, size) in allocatable
        .iter()
        .filter(|(n, _)| n.starts_with("hugepages-"))
    {
        row(w, name, size.value(), false);
    }
    let standard = |n: &str| {
        matches!(n, "cpu" | "memory" | "ephemeral-storage" | "pods") || n.starts_with("hugepages-")
    };
    for name in allocatable.keys().filter(|n| !standard(n)) {
        w.write(
            LEVEL_1,
            format!(
                "{name}\t{}\t{}\n",
                amount(&total_requests, name),
                amount(&total_limits, name)
            ),
        );
    }
}

/// `int64(float64(part) / float64(whole) * 100)`, 0 when the node has none of the resource.
fn percent(part: i128, whole: i128) -> i64 {
    if whole == 0 {
        return 0;
    }
    // Float arithmetic on purpose: upstream's percentages truncate a float64 quotient.
    (part as f64 / whole as f64 * 100.0) as i64
}

/// A container field's resource list (`requests` or `limits`).
fn container_list(c: &Value, section: &str) -> ResourceList {
    object_at(c, &format!("/resources/{section}"))
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), parse_quantity(Some(v))))
                .collect()
        })
        .unwrap_or_default()
}

/// `addResourceList`: adds each amount (a resource new to `list` is copied as is).
fn add_list(list: &mut ResourceList, other: &ResourceList) {
    for (name, q) in other {
        let sum = match list.get(name) {
            Some(existing) => add_quantities(existing, q),
            None => q.clone(),
        };
        list.insert(name.clone(), sum);
    }
}

/// `maxResourceList`: keeps the larger amount of each resource.
fn max_list(list: &mut ResourceList, other: &ResourceList) {
    for (name, q) in other {
        if list.get(name).is_none_or(|existing| q > existing) {
            list.insert(name.clone(), q.clone());
        }
    }
}

/// kubectl's `podRequests`: app containers and sidecars summed, the largest init container
/// step if larger, plus the pod overhead.
fn pod_requests(pod: &Value) -> ResourceList {
    pod_amounts(pod, "requests", true)
}

/// kubectl's `podLimits`: as requests, with the overhead added only to limits that are set.
fn pod_limits(pod: &Value) -> ResourceList {
    pod_amounts(pod, "limits", false)
}

fn pod_amounts(pod: &Value, section: &str, overhead_on_all: bool) -> ResourceList {
    let mut total = ResourceList::new();
    for c in list_at(pod, "/spec/containers") {
        add_list(&mut total, &container_list(c, section));
    }
    let mut sidecars = ResourceList::new();
    let mut init_peak = ResourceList::new();
    for c in list_at(pod, "/spec/initContainers") {
        let own = container_list(c, section);
        let step = if meta::str_at(c, "/restartPolicy") == "Always" {
            add_list(&mut total, &own);
            add_list(&mut sidecars, &own);
            sidecars.clone()
        } else {
            let mut step = own;
            add_list(&mut step, &sidecars);
            step
        };
        max_list(&mut init_peak, &step);
    }
    max_list(&mut total, &init_peak);
    if let Some(overhead) = object_at(pod, "/spec/overhead") {
        for (name, q) in overhead {
            let q = parse_quantity(Some(q));
            if overhead_on_all {
                add_list(&mut total, &ResourceList::from([(name.clone(), q)]));
            } else if let Some(existing) = total.get(name).filter(|e| !e.is_zero()) {
                let sum = add_quantities(existing, &q);
                total.insert(name.clone(), sum);
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pod_requests_count_init_containers_and_sidecars_as_upstream() {
        let pod = json!({"spec": {
            "initContainers": [
                {"name": "setup", "resources": {"requests": {"cpu": "500m"}}},
                {"name": "proxy", "restartPolicy": "Always", "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}},
            ],
            "containers": [
                {"name": "a", "resources": {"requests": {"cpu": "200m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}}},
                {"name": "b"},
            ],
            "overhead": {"cpu": "10m"},
        }});
        let req = pod_requests(&pod);
        assert_eq!(
            req.get("cpu").map(ToString::to_string).as_deref(),
            Some("510m")
        );
        assert_eq!(
            req.get("memory").map(ToString::to_string).as_deref(),
            Some("192Mi")
        );
        let lim = pod_limits(&pod);
        assert_eq!(
            lim.get("memory").map(ToString::to_string).as_deref(),
            Some("256Mi")
        );
        assert!(!lim.contains_key("cpu"));
    }

    #[test]
    fn percentages_truncate() {
        assert_eq!(percent(950, 2000), 47);
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(5, 0), 0);
    }
}
