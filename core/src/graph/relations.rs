//! Who points at whom among the boxes drawn: a petgraph graph of box ids whose edges carry a
//! [`Relation`], turned into lines between the boxes' sides.
//!
//! Ownership comes from controller `ownerReferences` (by uid); a Service's pods from its
//! EndpointSlices (as kube-proxy sees them, ready or not); an Ingress's Services from its rules
//! (`host/path`, `*` for any host); a claim's volume from `spec.volumeName`; a pod's claims,
//! ConfigMaps and Secrets from its spec ([`super::refs`]).

use std::collections::BTreeMap;

use petgraph::graph::{DiGraph, NodeIndex};
use serde_json::Value;

use super::items::store_kind;
use super::refs::pod_refs;
use super::{Edge, Graph, ObjectRef, Rect, Relation};
use crate::api::meta;
use crate::controllers::kind;
use crate::store::Store;

/// The label EndpointSlices carry naming their Service.
const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";

/// The edges between the boxes of `graph`, in a stable order.
pub fn edges(store: &Store, graph: &Graph) -> Vec<Edge> {
    let mut g: DiGraph<(String, Rect), (Relation, Vec<String>)> = DiGraph::new();
    let mut index: BTreeMap<String, NodeIndex> = BTreeMap::new();
    let boxes = graph
        .objects
        .iter()
        .map(|o| (&o.id, o.rect))
        .chain(graph.pods().map(|p| (&p.id, p.rect)));
    for (id, rect) in boxes {
        index.insert(id.clone(), g.add_node((id.clone(), rect)));
    }
    // The drawn objects themselves, and their uids for ownership.
    let mut drawn: Vec<(NodeIndex, ObjectRef, &Value)> = Vec::new();
    let mut by_uid: BTreeMap<&str, NodeIndex> = BTreeMap::new();
    for (id, &ix) in &index {
        let Some(r) = ObjectRef::from_id(id) else {
            continue;
        };
        let Some(obj) = store_kind(&r.kind).and_then(|k| store.get(k, &r.namespace, &r.name).ok())
        else {
            continue;
        };
        by_uid.insert(meta::uid(obj), ix);
        drawn.push((ix, r, obj));
    }

    let link = |g: &mut DiGraph<_, (Relation, Vec<String>)>,
                from: NodeIndex,
                to: &str,
                relation: Relation,
                label: Option<String>| {
        let Some(&to) = index.get(to) else {
            return;
        };
        let edge = g
            .edges_connecting(from, to)
            .find(|e| e.weight().0 == relation)
            .map(|e| petgraph::visit::EdgeRef::id(&e));
        let edge = match edge {
            Some(e) => e,
            None => g.add_edge(from, to, (relation, Vec::new())),
        };
        if let (Some(label), Some((_, labels))) = (label, g.edge_weight_mut(edge))
            && !labels.contains(&label)
        {
            labels.push(label);
        }
    };

    for (ix, r, obj) in &drawn {
        if let Some(owner) = meta::controller_of(obj)
            .and_then(|o| o.get("uid"))
            .and_then(Value::as_str)
            .and_then(|uid| by_uid.get(uid))
        {
            let owner_id = g[*owner].0.clone();
            let to = g[*ix].0.clone();
            if let Some(&from) = index.get(&owner_id) {
                link(&mut g, from, &to, Relation::Owns, None);
            }
        }
        let ns = r.namespace.as_str();
        match r.kind.as_str() {
            "Service" => {
                let slices = store
                    .list(kind("discovery.k8s.io", "EndpointSlice"), Some(ns))
                    .filter(|s| {
                        meta::labels(s)
                            .and_then(|l| l.get(SERVICE_NAME_LABEL))
                            .and_then(Value::as_str)
                            == Some(r.name.as_str())
                    });
                for slice in slices {
                    for endpoint in meta::array_at(slice, "/endpoints") {
                        if meta::str_at(endpoint, "/targetRef/kind") != "Pod" {
                            continue;
                        }
                        let pod = ObjectRef::new(
                            "Pod",
                            endpoint
                                .pointer("/targetRef/namespace")
                                .and_then(Value::as_str)
                                .unwrap_or(ns),
                            meta::str_at(endpoint, "/targetRef/name"),
                        );
                        let ready =
                            endpoint.pointer("/conditions/ready") != Some(&Value::Bool(false));
                        let relation = if ready {
                            Relation::Routes
                        } else {
                            Relation::RoutesNotReady
                        };
                        link(&mut g, *ix, &pod.id(), relation, None);
                    }
                }
            }
            "Ingress" => {
                for rule in meta::array_at(obj, "/spec/rules") {
                    let host = match meta::str_at(rule, "/host") {
                        "" => "*",
                        h => h,
                    };
                    for path in meta::array_at(rule, "/http/paths") {
                        let service = meta::str_at(path, "/backend/service/name");
                        let label = format!("{host}{}", meta::str_at(path, "/path"));
                        let to = ObjectRef::new("Service", ns, service).id();
                        link(&mut g, *ix, &to, Relation::Ingress, Some(label));
                    }
                }
                let default = meta::str_at(obj, "/spec/defaultBackend/service/name");
                if !default.is_empty() {
                    let to = ObjectRef::new("Service", ns, default).id();
                    link(&mut g, *ix, &to, Relation::Ingress, Some("*".into()));
                }
            }
            "PersistentVolumeClaim" => {
                let volume = meta::str_at(obj, "/spec/volumeName");
                if !volume.is_empty() {
                    let to = ObjectRef::new("PersistentVolume", "", volume).id();
                    link(&mut g, *ix, &to, Relation::Binds, None);
                }
            }
            "Pod" => {
                let refs = pod_refs(obj);
                for claim in &refs.claims {
                    let to = ObjectRef::new("PersistentVolumeClaim", ns, claim).id();
                    link(&mut g, *ix, &to, Relation::Mounts, None);
                }
                for (kind_name, map) in
                    [("ConfigMap", &refs.config_maps), ("Secret", &refs.secrets)]
                {
                    for (name, uses) in map {
                        let to = ObjectRef::new(kind_name, ns, name).id();
                        for how in uses {
                            link(&mut g, *ix, &to, Relation::Uses, Some(how.to_string()));
                        }
                    }
                }
            }
            _ => {}
        }
    }

    let mut edges: Vec<Edge> = g
        .edge_indices()
        .filter_map(|e| {
            let (a, b) = g.edge_endpoints(e)?;
            let (relation, labels) = g.edge_weight(e)?;
            let ((from, from_rect), (to, to_rect)) = (&g[a], &g[b]);
            let (from_point, to_point, sideways) = attach(from_rect, to_rect);
            Some(Edge {
                from: from.clone(),
                to: to.clone(),
                relation: *relation,
                label: labels.join(", "),
                from_point,
                to_point,
                sideways,
            })
        })
        .collect();
    edges.sort_by(|a, b| (&a.from, &a.to, a.relation).cmp(&(&b.from, &b.to, b.relation)));
    edges
}

/// Where a line from `a` to `b` leaves and arrives: facing sides when both sit in one row,
/// else the bottom of the upper box and the top of the lower one.
fn attach(a: &Rect, b: &Rect) -> ((f64, f64), (f64, f64), bool) {
    let (acx, acy) = a.center();
    let (bcx, bcy) = b.center();
    if (a.y - b.y).abs() < 1.0 {
        if acx <= bcx {
            ((a.x + a.w, acy), (b.x, bcy), true)
        } else {
            ((a.x, acy), (b.x + b.w, bcy), true)
        }
    } else if a.y < b.y {
        ((acx, a.y + a.h), (bcx, b.y), false)
    } else {
        ((acx, a.y), (bcx, b.y + b.h), false)
    }
}
