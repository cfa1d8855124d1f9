//! `kubectl get` columns per kind, as upstream's `printers.go` handlers define them (see
//! `shared/reference/columns.tsv`); kinds without a handler get `NAME` and `CREATED AT`.

use serde_json::Value;

use super::pod_status;
use super::table::Table;
use crate::api::{meta, selector};
use crate::controllers::persistentvolume::volumes;
use crate::graph::{node_roles, node_status};
use crate::time::{Time, human_duration};

/// AGE: time since creation in `HumanDuration` form, `<unknown>` without a timestamp.
pub fn age(obj: &Value, now: Time) -> String {
    since(meta::at(obj, "/metadata/creationTimestamp"), now)
}

/// `translateTimestampSince` of a timestamp field.
pub fn since(ts: Option<&Value>, now: Time) -> String {
    match ts.and_then(Value::as_str).and_then(Time::parse_rfc3339) {
        Some(t) => human_duration(now.since(t)),
        None => "<unknown>".into(),
    }
}

fn int(obj: &Value, pointer: &str) -> String {
    meta::at(obj, pointer)
        .and_then(Value::as_i64)
        .unwrap_or(0)
        .to_string()
}

fn or_none(s: &str) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s.to_string()
    }
}

/// Container names and images of a pod template, comma-joined (`layoutContainerCells`).
pub(super) fn containers(obj: &Value, pointer: &str) -> (String, String) {
    let list = obj
        .pointer(pointer)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let names: Vec<&str> = list.iter().map(|c| meta::str_at(c, "/name")).collect();
    let images: Vec<&str> = list.iter().map(|c| meta::str_at(c, "/image")).collect();
    (names.join(","), images.join(","))
}

/// Builds the table for objects of one kind.
pub fn table(kind: &str, objects: &[&Value], now: Time) -> Table {
    let mut t = match kind {
        "Pod" => Table::new(&[
            ("NAME", false),
            ("READY", false),
            ("STATUS", false),
            ("RESTARTS", false),
            ("AGE", false),
            ("IP", true),
            ("NODE", true),
            ("NOMINATED NODE", true),
            ("READINESS GATES", true),
        ]),
        "Node" => Table::new(&[
            ("NAME", false),
            ("STATUS", false),
            ("ROLES", false),
            ("AGE", false),
            ("VERSION", false),
            ("INTERNAL-IP", true),
            ("EXTERNAL-IP", true),
            ("OS-IMAGE", true),
            ("KERNEL-VERSION", true),
            ("CONTAINER-RUNTIME", true),
        ]),
        "Deployment" => Table::new(&[
            ("NAME", false),
            ("READY", false),
            ("UP-TO-DATE", false),
            ("AVAILABLE", false),
            ("AGE", false),
            ("CONTAINERS", true),
            ("IMAGES", true),
            ("SELECTOR", true),
        ]),
        "ReplicaSet" => Table::new(&[
            ("NAME", false),
            ("DESIRED", false),
            ("CURRENT", false),
            ("READY", false),
            ("AGE", false),
            ("CONTAINERS", true),
            ("IMAGES", true),
            ("SELECTOR", true),
        ]),
        "ReplicationController" => Table::new(&[
            ("NAME", false),
            ("DESIRED", false),
            ("CURRENT", false),
            ("READY", false),
            ("AGE", false),
            ("CONTAINERS", true),
            ("IMAGES", true),
            ("SELECTOR", true),
        ]),
        "DaemonSet" => Table::new(&[
            ("NAME", false),
            ("DESIRED", false),
            ("CURRENT", false),
            ("READY", false),
            ("UP-TO-DATE", false),
            ("AVAILABLE", false),
            ("NODE SELECTOR", false),
            ("AGE", false),
            ("CONTAINERS", true),
            ("IMAGES", true),
            ("SELECTOR", true),
        ]),
        "Job" => Table::new(&[
            ("NAME", false),
            ("STATUS", false),
            ("COMPLETIONS", false),
            ("DURATION", false),
            ("AGE", false),
            ("CONTAINERS", true),
            ("IMAGES", true),
            ("SELECTOR", true),
        ]),
        "CronJob" => Table::new(&[
            ("NAME", false),
            ("SCHEDULE", false),
            ("TIMEZONE", false),
            ("SUSPEND", false),
            ("ACTIVE", false),
            ("LAST SCHEDULE", false),
            ("AGE", false),
            ("CONTAINERS", true),
            ("IMAGES", true),
            ("SELECTOR", true),
        ]),
        "Namespace" => Table::new(&[("NAME", false), ("STATUS", false), ("AGE", false)]),
        "Service" => Table::new(&[
            ("NAME", false),
            ("TYPE", false),
            ("CLUSTER-IP", false),
            ("EXTERNAL-IP", false),
            ("PORT(S)", false),
            ("AGE", false),
            ("SELECTOR", true),
        ]),
        "ConfigMap" => Table::new(&[("NAME", false), ("DATA", false), ("AGE", false)]),
        "Secret" => Table::new(&[
            ("NAME", false),
            ("TYPE", false),
            ("DATA", false),
            ("AGE", false),
        ]),
        "RoleBinding" | "ClusterRoleBinding" => Table::new(&[
            ("NAME", false),
            ("ROLE", false),
            ("AGE", false),
            ("USERS", true),
            ("GROUPS", true),
            ("SERVICEACCOUNTS", true),
        ]),
        "ResourceQuota" => Table::new(&[
            ("NAME", false),
            ("REQUEST", false),
            ("LIMIT", false),
            ("AGE", false),
        ]),
        "Ingress" => Table::new(&[
            ("NAME", false),
            ("CLASS", false),
            ("HOSTS", false),
            ("ADDRESS", false),
            ("PORTS", false),
            ("AGE", false),
        ]),
        "NetworkPolicy" => Table::new(&[("NAME", false), ("POD-SELECTOR", false), ("AGE", false)]),
        "IngressClass" => Table::new(&[
            ("NAME", false),
            ("CONTROLLER", false),
            ("PARAMETERS", false),
            ("AGE", false),
        ]),
        "Endpoints" => Table::new(&[("NAME", false), ("ENDPOINTS", false), ("AGE", false)]),
        "EndpointSlice" => Table::new(&[
            ("NAME", false),
            ("ADDRESSTYPE", false),
            ("PORTS", false),
            ("ENDPOINTS", false),
            ("AGE", false),
        ]),
        "ServiceAccount" => Table::new(&[("NAME", false), ("SECRETS", false), ("AGE", false)]),
        "PriorityClass" => Table::new(&[
            ("NAME", false),
            ("VALUE", false),
            ("GLOBAL-DEFAULT", false),
            ("AGE", false),
            ("PREEMPTIONPOLICY", false),
        ]),
        "StorageClass" => Table::new(&[
            ("NAME", false),
            ("PROVISIONER", false),
            ("RECLAIMPOLICY", false),
            ("VOLUMEBINDINGMODE", false),
            ("ALLOWVOLUMEEXPANSION", false),
            ("AGE", false),
        ]),
        "StatefulSet" => Table::new(&[
            ("NAME", false),
            ("READY", false),
            ("AGE", false),
            ("CONTAINERS", true),
            ("IMAGES", true),
        ]),
        "PersistentVolume" => Table::new(&[
            ("NAME", false),
            ("CAPACITY", false),
            ("ACCESS MODES", false),
            ("RECLAIM POLICY", false),
            ("STATUS", false),
            ("CLAIM", false),
            ("STORAGECLASS", false),
            ("VOLUMEATTRIBUTESCLASS", false),
            ("REASON", false),
            ("AGE", false),
            ("VOLUMEMODE", true),
        ]),
        "PersistentVolumeClaim" => Table::new(&[
            ("NAME", false),
            ("STATUS", false),
            ("VOLUME", false),
            ("CAPACITY", false),
            ("ACCESS MODES", false),
            ("STORAGECLASS", false),
            ("VOLUMEATTRIBUTESCLASS", false),
            ("AGE", false),
            ("VOLUMEMODE", true),
        ]),
        "ControllerRevision" => Table::new(&[
            ("NAME", false),
            ("CONTROLLER", false),
            ("REVISION", false),
            ("AGE", false),
        ]),
        "Event" => Table::new(&[
            ("LAST SEEN", false),
            ("TYPE", false),
            ("REASON", false),
            ("OBJECT", false),
            ("SUBOBJECT", true),
            ("SOURCE", true),
            ("MESSAGE", false),
            ("FIRST SEEN", true),
            ("COUNT", true),
            ("NAME", true),
        ]),
        "PodDisruptionBudget" => Table::new(&[
            ("NAME", false),
            ("MIN AVAILABLE", false),
            ("MAX UNAVAILABLE", false),
            ("ALLOWED DISRUPTIONS", false),
            ("AGE", false),
        ]),
        "APIService" => Table::new(&[
            ("NAME", false),
            ("SERVICE", false),
            ("AVAILABLE", false),
            ("AGE", false),
        ]),
        "HorizontalPodAutoscaler" => Table::new(&[
            ("NAME", false),
            ("REFERENCE", false),
            ("TARGETS", false),
            ("MINPODS", false),
            ("MAXPODS", false),
            ("REPLICAS", false),
            ("AGE", false),
        ]),
        _ => Table::new(&[("NAME", false), ("CREATED AT", false)]),
    };
    for obj in objects {
        let row = match kind {
            "Pod" => pod_row(obj, now),
            "Node" => node_row(obj, now),
            "Deployment" => {
                let (names, images) = containers(obj, "/spec/template/spec/containers");
                vec![
                    meta::name(obj).into(),
                    format!(
                        "{}/{}",
                        int(obj, "/status/readyReplicas"),
                        int(obj, "/spec/replicas")
                    ),
                    int(obj, "/status/updatedReplicas"),
                    int(obj, "/status/availableReplicas"),
                    age(obj, now),
                    names,
                    images,
                    selector::format(meta::at(obj, "/spec/selector")),
                ]
            }
            "ReplicaSet" => {
                replicas_row(obj, now, selector::format(meta::at(obj, "/spec/selector")))
            }
            // Its selector is a plain label map.
            "ReplicationController" => replicas_row(
                obj,
                now,
                selector::format_labels(meta::at(obj, "/spec/selector").and_then(Value::as_object)),
            ),
            "DaemonSet" => {
                let (names, images) = containers(obj, "/spec/template/spec/containers");
                vec![
                    meta::name(obj).into(),
                    int(obj, "/status/desiredNumberScheduled"),
                    int(obj, "/status/currentNumberScheduled"),
                    int(obj, "/status/numberReady"),
                    int(obj, "/status/updatedNumberScheduled"),
                    int(obj, "/status/numberAvailable"),
                    selector::format_labels(
                        meta::at(obj, "/spec/template/spec/nodeSelector")
                            .and_then(Value::as_object),
                    ),
                    age(obj, now),
                    names,
                    images,
                    selector::format(meta::at(obj, "/spec/selector")),
                ]
            }
            "Job" => super::batch::job_row(obj, now),
            "CronJob" => super::batch::cron_job_row(obj, now),
            "Namespace" => vec![
                meta::name(obj).into(),
                meta::str_at(obj, "/status/phase").into(),
                age(obj, now),
            ],
            "Service" => service_row(obj, now),
            "Secret" => {
                let data = obj
                    .get("data")
                    .and_then(Value::as_object)
                    .map_or(0, |m| m.len());
                vec![
                    meta::name(obj).into(),
                    meta::str_at(obj, "/type").into(),
                    data.to_string(),
                    age(obj, now),
                ]
            }
            "RoleBinding" | "ClusterRoleBinding" => binding_row(obj, now),
            "ResourceQuota" => quota_row(obj, now),
            "Ingress" => ingress_row(obj, now),
            "NetworkPolicy" => vec![
                meta::name(obj).into(),
                selector::format(meta::at(obj, "/spec/podSelector")),
                age(obj, now),
            ],
            "IngressClass" => {
                let parameters =
                    meta::at(obj, "/spec/parameters").map_or("<none>".to_string(), |p| {
                        let group = meta::str_at(p, "/apiGroup");
                        let kind = meta::str_at(p, "/kind");
                        let kind = if group.is_empty() {
                            kind.to_string()
                        } else {
                            format!("{kind}.{group}")
                        };
                        format!("{kind}/{}", meta::str_at(p, "/name"))
                    });
                vec![
                    meta::name(obj).into(),
                    meta::str_at(obj, "/spec/controller").into(),
                    parameters,
                    age(obj, now),
                ]
            }
            "Endpoints" => vec![meta::name(obj).into(), endpoints_list(obj), age(obj, now)],
            "EndpointSlice" => endpoint_slice_row(obj, now),
            "ConfigMap" => {
                let count = ["/data", "/binaryData"]
                    .iter()
                    .filter_map(|p| meta::at(obj, p).and_then(Value::as_object))
                    .map(|m| m.len())
                    .sum::<usize>();
                vec![meta::name(obj).into(), count.to_string(), age(obj, now)]
            }
            "ServiceAccount" => {
                let secrets = obj
                    .pointer("/secrets")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len);
                vec![meta::name(obj).into(), secrets.to_string(), age(obj, now)]
            }
            "PriorityClass" => vec![
                meta::name(obj).into(),
                int(obj, "/value"),
                (obj.get("globalDefault") == Some(&Value::Bool(true))).to_string(),
                age(obj, now),
                meta::str_at(obj, "/preemptionPolicy").into(),
            ],
            "StorageClass" => {
                let default = meta::str_at(
                    obj,
                    "/metadata/annotations/storageclass.kubernetes.io~1is-default-class",
                ) == "true";
                let name = if default {
                    format!("{} (default)", meta::name(obj))
                } else {
                    meta::name(obj).to_string()
                };
                vec![
                    name,
                    meta::str_at(obj, "/provisioner").into(),
                    or_default(meta::str_at(obj, "/reclaimPolicy"), "Delete"),
                    or_default(meta::str_at(obj, "/volumeBindingMode"), "Immediate"),
                    (obj.get("allowVolumeExpansion") == Some(&Value::Bool(true))).to_string(),
                    age(obj, now),
                ]
            }
            "StatefulSet" => {
                let (names, images) = containers(obj, "/spec/template/spec/containers");
                vec![
                    meta::name(obj).into(),
                    format!(
                        "{}/{}",
                        int(obj, "/status/readyReplicas"),
                        int(obj, "/spec/replicas")
                    ),
                    age(obj, now),
                    names,
                    images,
                ]
            }
            "PersistentVolume" => persistent_volume_row(obj, now),
            "PersistentVolumeClaim" => persistent_volume_claim_row(obj, now),
            "ControllerRevision" => {
                let controller = meta::controller_of(obj).map_or("<none>".to_string(), |r| {
                    let api_version = meta::str_at(r, "/apiVersion");
                    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
                    let kind = meta::str_at(r, "/kind").to_lowercase();
                    let qualified = if group.is_empty() {
                        kind
                    } else {
                        format!("{kind}.{group}")
                    };
                    format!("{qualified}/{}", meta::str_at(r, "/name"))
                });
                vec![
                    meta::name(obj).into(),
                    controller,
                    int(obj, "/revision"),
                    age(obj, now),
                ]
            }
            "Event" => event_row(obj, now),
            "HorizontalPodAutoscaler" => super::autoscaling::hpa_row(obj, now),
            "APIService" => super::autoscaling::api_service_row(obj, now),
            "PodDisruptionBudget" => vec![
                meta::name(obj).into(),
                int_or_string(meta::at(obj, "/spec/minAvailable")),
                int_or_string(meta::at(obj, "/spec/maxUnavailable")),
                int(obj, "/status/disruptionsAllowed"),
                age(obj, now),
            ],
            _ => vec![
                meta::name(obj).into(),
                meta::str_at(obj, "/metadata/creationTimestamp").into(),
            ],
        };
        t.rows.push(row);
    }
    t
}

/// An `IntOrString` field as the PDB printer shows it: `2`, `50%`, or `N/A` when unset.
fn int_or_string(v: Option<&Value>) -> String {
    match v {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.clone(),
        _ => "N/A".into(),
    }
}

/// A ReplicaSet's or ReplicationController's row: desired, current and ready replicas.
fn replicas_row(obj: &Value, now: Time, selector: String) -> Vec<String> {
    let (names, images) = containers(obj, "/spec/template/spec/containers");
    vec![
        meta::name(obj).into(),
        int(obj, "/spec/replicas"),
        int(obj, "/status/replicas"),
        int(obj, "/status/readyReplicas"),
        age(obj, now),
        names,
        images,
        selector,
    ]
}

fn or_default(s: &str, default: &str) -> String {
    if s.is_empty() {
        default.into()
    } else {
        s.into()
    }
}

/// STATUS of a volume or claim: its phase, or Terminating once deleted.
fn storage_phase(obj: &Value) -> String {
    if meta::is_deleting(obj) {
        "Terminating".into()
    } else {
        meta::str_at(obj, "/status/phase").into()
    }
}

/// A pointer to a string that prints `<unset>` when absent (`VolumeAttributesClass`,
/// `VolumeMode`).
fn or_unset(obj: &Value, pointer: &str) -> String {
    match meta::at(obj, pointer).and_then(Value::as_str) {
        Some(s) => s.to_string(),
        None => "<unset>".into(),
    }
}

fn persistent_volume_row(pv: &Value, now: Time) -> Vec<String> {
    let claim = match meta::at(pv, "/spec/claimRef").filter(|r| !r.is_null()) {
        Some(r) => format!(
            "{}/{}",
            meta::str_at(r, "/namespace"),
            meta::str_at(r, "/name")
        ),
        None => String::new(),
    };
    vec![
        meta::name(pv).into(),
        meta::str_at(pv, "/spec/capacity/storage").into(),
        volumes::access_modes_string(pv, "/spec/accessModes"),
        meta::str_at(pv, "/spec/persistentVolumeReclaimPolicy").into(),
        storage_phase(pv),
        claim,
        volumes::volume_class(pv).into(),
        or_unset(pv, "/spec/volumeAttributesClassName"),
        meta::str_at(pv, "/status/reason").into(),
        age(pv, now),
        or_unset(pv, "/spec/volumeMode"),
    ]
}

fn persistent_volume_claim_row(pvc: &Value, now: Time) -> Vec<String> {
    let volume = meta::str_at(pvc, "/spec/volumeName");
    let (capacity, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        (
            meta::str_at(pvc, "/status/capacity/storage").to_string(),
            volumes::access_modes_string(pvc, "/status/accessModes"),
        )
    };
    vec![
        meta::name(pvc).into(),
        storage_phase(pvc),
        volume.into(),
        capacity,
        modes,
        volumes::claim_class(pvc).into(),
        or_unset(pvc, "/spec/volumeAttributesClassName"),
        age(pvc, now),
        or_unset(pvc, "/spec/volumeMode"),
    ]
}

fn pod_row(pod: &Value, now: Time) -> Vec<String> {
    let cells = pod_status::cells(pod, now);
    let gates = pod
        .pointer("/spec/readinessGates")
        .and_then(Value::as_array);
    let gates = match gates {
        Some(g) if !g.is_empty() => {
            let true_count = g
                .iter()
                .filter(|gate| {
                    crate::controllers::condition_status(pod, meta::str_at(gate, "/conditionType"))
                        == Some("True")
                })
                .count();
            format!("{true_count}/{}", g.len())
        }
        _ => "<none>".into(),
    };
    vec![
        meta::name(pod).into(),
        cells.ready(),
        cells.status.clone(),
        cells.restarts.clone(),
        age(pod, now),
        or_none(meta::str_at(pod, "/status/podIPs/0/ip")),
        or_none(meta::str_at(pod, "/spec/nodeName")),
        or_none(meta::str_at(pod, "/status/nominatedNodeName")),
        gates,
    ]
}

fn node_row(node: &Value, now: Time) -> Vec<String> {
    let address = |t: &str| {
        meta::at(node, "/status/addresses")
            .and_then(Value::as_array)
            .and_then(|a| a.iter().find(|a| meta::str_at(a, "/type") == t))
            .map_or("<none>".to_string(), |a| {
                meta::str_at(a, "/address").to_string()
            })
    };
    let info = |k: &str| {
        or_default(
            meta::str_at(node, &format!("/status/nodeInfo/{k}")),
            "<unknown>",
        )
    };
    vec![
        meta::name(node).into(),
        node_status(node),
        node_roles(node),
        age(node, now),
        meta::str_at(node, "/status/nodeInfo/kubeletVersion").into(),
        address("InternalIP"),
        address("ExternalIP"),
        info("osImage"),
        info("kernelVersion"),
        info("containerRuntimeVersion"),
    ]
}

fn binding_row(binding: &Value, now: Time) -> Vec<String> {
    let subjects = |kind: &str| {
        binding
            .pointer("/subjects")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|s| meta::str_at(s, "/kind") == kind)
            .map(|s| match meta::str_at(s, "/namespace") {
                "" => meta::str_at(s, "/name").to_string(),
                ns => format!("{ns}/{}", meta::str_at(s, "/name")),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    vec![
        meta::name(binding).into(),
        format!(
            "{}/{}",
            meta::str_at(binding, "/roleRef/kind"),
            meta::str_at(binding, "/roleRef/name")
        ),
        age(binding, now),
        subjects("User"),
        subjects("Group"),
        subjects("ServiceAccount"),
    ]
}

/// REQUEST and LIMIT: `resource: used/hard` for each hard limit, requests and limits apart.
fn quota_row(quota: &Value, now: Time) -> Vec<String> {
    // Upstream walks `spec.hard` (sorted) and prints `used/hard` from the status, a missing
    // value as the zero quantity.
    let cell = |section: &str, r: &str| {
        let key = r.replace('~', "~0").replace('/', "~1");
        match meta::str_at(quota, &format!("/status/{section}/{key}")) {
            "" => "0".to_string(),
            v => v.to_string(),
        }
    };
    let hard = meta::at(quota, "/spec/hard").and_then(Value::as_object);
    let cells = |limits: bool| {
        hard.into_iter()
            .flatten()
            .filter(|(r, _)| r.starts_with("limits.") == limits)
            .map(|(r, _)| format!("{r}: {}/{}", cell("used", r), cell("hard", r)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    vec![
        meta::name(quota).into(),
        cells(false),
        cells(true),
        age(quota, now),
    ]
}

fn ingress_row(ing: &Value, now: Time) -> Vec<String> {
    let rules = meta::at(ing, "/spec/rules").and_then(Value::as_array);
    let hosts: Vec<String> = rules
        .into_iter()
        .flatten()
        .map(|r| meta::str_at(r, "/host"))
        .filter(|h| !h.is_empty())
        .map(str::to_string)
        .collect();
    let hosts = match hosts.len() {
        0 => "*".to_string(),
        _ => first_three(&hosts, "*"),
    };
    let mut addresses: Vec<String> = ing
        .pointer("/status/loadBalancer/ingress")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|i| match meta::str_at(i, "/ip") {
            "" => meta::str_at(i, "/hostname").to_string(),
            ip => ip.to_string(),
        })
        .collect();
    addresses.sort();
    addresses.dedup();
    let tls = ing
        .pointer("/spec/tls")
        .and_then(Value::as_array)
        .is_some_and(|t| !t.is_empty());
    vec![
        meta::name(ing).into(),
        or_default(meta::str_at(ing, "/spec/ingressClassName"), "<none>"),
        hosts,
        addresses.join(","),
        if tls { "80, 443" } else { "80" }.into(),
        age(ing, now),
    ]
}

/// At most three entries, then how many more, as upstream's printers shorten lists.
fn first_three(items: &[String], none: &str) -> String {
    match items.len() {
        0 => none.into(),
        1..=3 => items.join(","),
        n => format!("{} + {} more...", items[..3].join(","), n - 3),
    }
}

/// The ENDPOINTS column of Endpoints: `ip:port` for every ready address and port.
fn endpoints_list(ep: &Value) -> String {
    let mut items = Vec::new();
    for subset in ep
        .pointer("/subsets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let addresses = subset.get("addresses").and_then(Value::as_array);
        let ips = addresses
            .into_iter()
            .flatten()
            .map(|a| meta::str_at(a, "/ip"));
        match subset
            .get("ports")
            .and_then(Value::as_array)
            .filter(|p| !p.is_empty())
        {
            Some(ports) => {
                for port in ports {
                    let number = port.get("port").and_then(Value::as_i64).unwrap_or(0);
                    items.extend(ips.clone().map(|ip| format!("{ip}:{number}")));
                }
            }
            None => items.extend(ips.map(str::to_string)),
        }
    }
    first_three(&items, "<none>")
}

fn endpoint_slice_row(slice: &Value, now: Time) -> Vec<String> {
    let ports: Vec<String> = slice
        .pointer("/ports")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| {
            match (
                p.get("port").and_then(Value::as_i64),
                meta::str_at(p, "/name"),
            ) {
                (Some(n), _) => n.to_string(),
                (None, "") => "*".into(),
                (None, name) => name.into(),
            }
        })
        .collect();
    let addresses: Vec<String> = slice
        .pointer("/endpoints")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|e| {
            e.get("addresses")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    vec![
        meta::name(slice).into(),
        meta::str_at(slice, "/addressType").into(),
        first_three(&ports, "<unset>"),
        first_three(&addresses, "<unset>"),
        age(slice, now),
    ]
}

fn service_row(svc: &Value, now: Time) -> Vec<String> {
    let type_ = meta::str_at(svc, "/spec/type");
    let external_ips: Vec<&str> = svc
        .pointer("/spec/externalIPs")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let external = match type_ {
        "ClusterIP" | "NodePort" | "" => {
            if external_ips.is_empty() {
                "<none>".into()
            } else {
                external_ips.join(",")
            }
        }
        "LoadBalancer" => {
            let mut ips: Vec<String> = svc
                .pointer("/status/loadBalancer/ingress")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .map(|i| {
                            let ip = meta::str_at(i, "/ip");
                            if ip.is_empty() {
                                meta::str_at(i, "/hostname").to_string()
                            } else {
                                ip.to_string()
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            ips.sort();
            ips.dedup();
            ips.extend(external_ips.iter().map(|s| s.to_string()));
            if ips.is_empty() {
                "<pending>".into()
            } else {
                ips.join(",")
            }
        }
        "ExternalName" => meta::str_at(svc, "/spec/externalName").into(),
        _ => "<unknown>".into(),
    };
    let ports: Vec<String> = svc
        .pointer("/spec/ports")
        .and_then(Value::as_array)
        .map(|ports| {
            ports
                .iter()
                .map(|p| {
                    let port = p.get("port").and_then(Value::as_i64).unwrap_or(0);
                    let protocol = or_default(meta::str_at(p, "/protocol"), "TCP");
                    match p.get("nodePort").and_then(Value::as_i64) {
                        Some(np) if np > 0 => format!("{port}:{np}/{protocol}"),
                        _ => format!("{port}/{protocol}"),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    vec![
        meta::name(svc).into(),
        type_.into(),
        or_none(meta::str_at(svc, "/spec/clusterIPs/0")),
        external,
        if ports.is_empty() {
            "<none>".into()
        } else {
            ports.join(",")
        },
        age(svc, now),
        selector::format_labels(meta::at(svc, "/spec/selector").and_then(Value::as_object)),
    ]
}

fn event_row(ev: &Value, now: Time) -> Vec<String> {
    let first = since(meta::at(ev, "/firstTimestamp"), now);
    let last = if meta::at(ev, "/lastTimestamp").is_some_and(|v| !v.is_null()) {
        since(meta::at(ev, "/lastTimestamp"), now)
    } else {
        first.clone()
    };
    let object = format!(
        "{}/{}",
        meta::str_at(ev, "/involvedObject/kind").to_lowercase(),
        meta::str_at(ev, "/involvedObject/name")
    );
    let source = {
        let c = meta::str_at(ev, "/source/component");
        let h = meta::str_at(ev, "/source/host");
        if h.is_empty() {
            c.to_string()
        } else {
            format!("{c}, {h}")
        }
    };
    vec![
        last,
        meta::str_at(ev, "/type").into(),
        meta::str_at(ev, "/reason").into(),
        object,
        meta::str_at(ev, "/involvedObject/fieldPath").into(),
        source,
        meta::str_at(ev, "/message").trim().into(),
        first,
        int(ev, "/count"),
        meta::name(ev).into(),
    ]
}
