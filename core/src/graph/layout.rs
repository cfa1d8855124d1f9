//! Where every box goes. Bands of objects on top (network, workloads, their controllers'
//! objects, config and storage — always in that order, present even when empty so that a first
//! object in one never pushes the others down), then the cluster nodes side by side, each
//! holding its pods in a column (narrow lanes keep the picture readable in a narrow pane),
//! then a wider lane of pods no node has taken yet, with the scheduler's reasons.
//!
//! Within a band, a node or the nodes' row, boxes go in the order they were first seen there
//! ([`Memory`]): a new box is always placed after the existing ones, so nothing moves when
//! something appears. Boxes seen for the first time together go in creation order, then by
//! name. Only a box disappearing (or a filter changing) closes ranks.

use std::collections::{BTreeMap, BTreeSet};

use super::items::{Collected, Item};
use super::{Band, BandKind, Graph, Memory, NodeBox, ObjectBox, Options, PodBox, Rect};

pub const MARGIN: f64 = 20.0;
const BAND_TITLE: f64 = 20.0;
pub const BOX_W: f64 = 200.0;
pub const BOX_H: f64 = 58.0;
const BOX_GAP: f64 = 16.0;
const BAND_GAP: f64 = 16.0;
pub const POD_W: f64 = 190.0;
pub const POD_H: f64 = 42.0;
const POD_GAP: f64 = 10.0;
pub const NODE_HEADER: f64 = 48.0;
const NODE_W: f64 = POD_W + 2.0 * POD_GAP;
/// The pending lane is wider: its pods carry the scheduler's reasons.
const PENDING_W: f64 = 2.0 * POD_W + 3.0 * POD_GAP;
const NODE_GAP: f64 = 20.0;
/// One line of a pending pod's scheduling reasons, and how many are shown in its box.
pub const REASON_LINE: f64 = 15.0;
pub const MAX_REASON_LINES: usize = 6;

/// Places the collected boxes; the edges come later.
pub fn place(collected: Collected, options: &Options, memory: &mut Memory) -> Graph {
    let mut used = BTreeSet::new();
    let mut graph = Graph::default();
    let mut right: f64 = 0.0;

    // Bands.
    let mut y = MARGIN;
    let Collected {
        nodes,
        pods,
        objects,
    } = collected;
    let mut by_band: BTreeMap<BandKind, Vec<Item<ObjectBox>>> = BTreeMap::new();
    for (band, item) in objects {
        by_band.entry(band).or_default().push(item);
    }
    for band in BandKind::ALL {
        if band
            .kinds()
            .iter()
            .all(|k| options.hidden_kinds.contains(*k))
        {
            continue;
        }
        let members = by_band.remove(&band).unwrap_or_default();
        let place = format!("band:{}", band.class());
        let boxes_y = y + BAND_TITLE;
        for (i, mut obj) in in_place_order(members, &place, memory, &mut used)
            .into_iter()
            .enumerate()
        {
            obj.rect = Rect {
                x: MARGIN + i as f64 * (BOX_W + BOX_GAP),
                y: boxes_y,
                w: BOX_W,
                h: BOX_H,
            };
            right = right.max(obj.rect.x + obj.rect.w);
            graph.objects.push(obj);
        }
        graph.bands.push(Band {
            kind: band,
            rect: Rect {
                x: MARGIN,
                y,
                w: 0.0,
                h: BAND_TITLE + BOX_H,
            },
        });
        y = boxes_y + BOX_H + BAND_GAP;
    }

    // Nodes, then the pending lane.
    let mut lanes: Vec<NodeBox> = in_place_order(nodes, "nodes", memory, &mut used);
    let mut by_node: BTreeMap<String, Vec<Item<PodBox>>> = BTreeMap::new();
    for (node, pod) in pods {
        by_node.entry(node).or_default().push(pod);
    }
    let pending = by_node.get("").is_some_and(|p| p.iter().any(|i| i.visible));
    if pending {
        lanes.push(NodeBox {
            id: super::ObjectRef::new("Node", "", "").id(),
            status: "Pending".into(),
            ..NodeBox::default()
        });
    }
    let mut x = MARGIN;
    let mut tallest: f64 = 0.0;
    for mut lane in lanes {
        let place = format!("node:{}", lane.name);
        let members = by_node.remove(&lane.name).unwrap_or_default();
        let pods = in_place_order(members, &place, memory, &mut used);
        let width = if lane.name.is_empty() {
            PENDING_W
        } else {
            NODE_W
        };
        lane.pods = if lane.name.is_empty() {
            stack_pending(pods, x, y, width)
        } else {
            column(pods, x, y)
        };
        let bottom = lane
            .pods
            .iter()
            .map(|p| p.rect.y + p.rect.h)
            .fold(y + NODE_HEADER, f64::max);
        lane.rect = Rect {
            x,
            y,
            w: width,
            h: bottom - y + POD_GAP,
        };
        tallest = tallest.max(lane.rect.h);
        x += width + NODE_GAP;
        graph.nodes.push(lane);
    }
    right = right.max(x - NODE_GAP);
    graph.width = right + MARGIN;
    graph.height = y + tallest + MARGIN;
    for band in &mut graph.bands {
        band.rect.w = right - MARGIN;
    }
    memory.retain(&used);
    graph
}

/// The visible members of one place, in the order they were first seen there.
fn in_place_order<T: HasId>(
    mut members: Vec<Item<T>>,
    place: &str,
    memory: &mut Memory,
    used: &mut BTreeSet<(String, String)>,
) -> Vec<T> {
    members.sort_by(|a, b| a.created.cmp(&b.created));
    let mut slotted: Vec<(u64, Item<T>)> = members
        .into_iter()
        .map(|m| {
            let id = m.view.id().to_string();
            let seq = memory.slot(place, &id);
            used.insert((place.to_string(), id));
            (seq, m)
        })
        .filter(|(_, m)| m.visible)
        .collect();
    slotted.sort_by_key(|(seq, _)| *seq);
    slotted.into_iter().map(|(_, m)| m.view).collect()
}

/// Pods in a node's box, one under another.
fn column(mut pods: Vec<PodBox>, x: f64, y: f64) -> Vec<PodBox> {
    for (row, pod) in pods.iter_mut().enumerate() {
        pod.rect = Rect {
            x: x + POD_GAP,
            y: y + NODE_HEADER + row as f64 * (POD_H + POD_GAP),
            w: POD_W,
            h: POD_H,
        };
    }
    pods
}

/// Pods no node has taken, one per row, each as tall as its scheduling reasons need.
fn stack_pending(mut pods: Vec<PodBox>, x: f64, y: f64, width: f64) -> Vec<PodBox> {
    let mut top = y + NODE_HEADER;
    for pod in &mut pods {
        let lines = pod.reasons.len().min(MAX_REASON_LINES);
        let h = POD_H + lines as f64 * REASON_LINE;
        pod.rect = Rect {
            x: x + POD_GAP,
            y: top,
            w: width - 2.0 * POD_GAP,
            h,
        };
        top += h + POD_GAP;
    }
    pods
}

trait HasId {
    fn id(&self) -> &str;
}

impl HasId for ObjectBox {
    fn id(&self) -> &str {
        &self.id
    }
}

impl HasId for PodBox {
    fn id(&self) -> &str {
        &self.id
    }
}

impl HasId for NodeBox {
    fn id(&self) -> &str {
        &self.id
    }
}
