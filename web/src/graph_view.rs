//! The graph pane: draws core's laid-out [`Graph`] as SVG.
//!
//! Core has already placed every box; this module only turns boxes into `<rect>`/`<text>`,
//! edges into curves, and a pod's state into a CSS class (`pod-running`, ...). Each element
//! carries `data-*` attributes (name, namespace, status, kind) for tests and styling.

use std::rc::Rc;

use kubeplay_core::graph::{Edge, Graph, NodeBox, PodBox, Rect, WorkloadBox};
use yew::prelude::*;

use crate::text::{texts, use_texts};

#[derive(Properties)]
pub struct Props {
    pub graph: Rc<Graph>,
}

impl PartialEq for Props {
    /// The app swaps in a new `Rc` only when the graph changed, so a pointer test suffices.
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.graph, &other.graph)
    }
}

/// The graph is drawn at most 1:1; a narrower pane scales it down to this fraction before it
/// scrolls sideways, so labels stay readable.
const MIN_SCALE: f64 = 0.6;

#[function_component]
pub fn GraphView(props: &Props) -> Html {
    let t = use_texts();
    let g = &props.graph;
    let view_box = format!("0 0 {} {}", g.width, g.height);
    let style = format!(
        "min-width: {}px; max-width: {}px",
        (g.width * MIN_SCALE).round(),
        g.width.round()
    );
    html! {
        <section class="graph-pane" aria-label={t.graph_label}>
            if g.workloads.is_empty() {
                <p class="graph-hint">{ t.graph_empty_hint }</p>
            }
            <svg class="graph" viewBox={view_box} {style} xmlns="http://www.w3.org/2000/svg" role="img" aria-label={t.graph_label}>
                <g class="nodes">{ for g.nodes.iter().map(view_node) }</g>
                <g class="edges">{ for g.edges.iter().map(view_edge) }</g>
                <g class="pods">{ for g.nodes.iter().flat_map(|n| &n.pods).map(view_pod) }</g>
                <g class="workloads">{ for g.workloads.iter().map(view_workload) }</g>
            </svg>
        </section>
    }
}

/// Cuts `s` to `max` characters with an ellipsis, for labels in fixed-width boxes.
fn fit(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// How many characters `char_px` wide fit in a box `w` wide, leaving padding.
fn chars_for(w: f64, char_px: f64) -> usize {
    ((w - 16.0) / char_px).max(1.0) as usize
}

fn rect_attrs(r: &Rect) -> (String, String, String, String) {
    (
        r.x.to_string(),
        r.y.to_string(),
        r.w.to_string(),
        r.h.to_string(),
    )
}

fn view_node(node: &NodeBox) -> Html {
    let t = texts();
    let (x, y, w, h) = rect_attrs(&node.rect);
    let pending_lane = node.name.is_empty();
    let title = if pending_lane {
        t.pending_lane.to_string()
    } else {
        node.name.clone()
    };
    let detail = if pending_lane {
        t.pending_lane_hint.to_string()
    } else {
        format!("{} · {}", node.status, node.roles)
    };
    let class = classes!(
        "node",
        pending_lane.then_some("node-pending-lane"),
        (!pending_lane && node.status != "Ready").then_some("node-not-ready")
    );
    let (tx, r) = (node.rect.x + 12.0, &node.rect);
    html! {
        <g class={class} key={title.clone()} data-name={node.name.clone()} data-status={node.status.clone()} data-roles={node.roles.clone()}>
            <rect class="node-box" {x} {y} width={w} height={h} rx="10" />
            <text class="node-name" x={tx.to_string()} y={(r.y + 21.0).to_string()}>{ fit(&title, chars_for(r.w, 9.0)) }</text>
            <text class="node-detail" x={tx.to_string()} y={(r.y + 38.0).to_string()}>{ fit(&detail, chars_for(r.w, 7.0)) }</text>
        </g>
    }
}

fn view_pod(pod: &PodBox) -> Html {
    let (x, y, w, h) = rect_attrs(&pod.rect);
    let r = &pod.rect;
    let state = pod.state.class();
    let tx = (r.x + 10.0).to_string();
    html! {
        <g class={classes!("pod", format!("pod-{state}"))} key={pod.id.clone()}
            data-name={pod.name.clone()} data-namespace={pod.namespace.clone()}
            data-status={pod.status.clone()} data-ready={pod.ready.clone()} data-state={state}>
            <title>{ format!("{}/{}: {} ({})", pod.namespace, pod.name, pod.status, pod.ready) }</title>
            <rect class="pod-box" {x} {y} width={w} height={h} rx="6" />
            <text class="pod-name" x={tx.clone()} y={(r.y + 17.0).to_string()}>{ fit(&pod.name, chars_for(r.w, 7.8)) }</text>
            <text class="pod-status" x={tx} y={(r.y + 33.0).to_string()}>{ format!("{} · {}", pod.status, pod.ready) }</text>
        </g>
    }
}

fn view_workload(wl: &WorkloadBox) -> Html {
    let (x, y, w, h) = rect_attrs(&wl.rect);
    let r = &wl.rect;
    let tx = (r.x + 10.0).to_string();
    // "3/3" is complete; anything else (rolling out, scaling, broken) is shown as in progress.
    let complete = wl
        .summary
        .split_once('/')
        .is_some_and(|(ready, want)| ready == want);
    html! {
        <g class={classes!("workload", (!complete).then_some("workload-incomplete"), format!("workload-{}", wl.kind.to_ascii_lowercase()))} key={wl.id.clone()}
            data-kind={wl.kind} data-name={wl.name.clone()} data-namespace={wl.namespace.clone()} data-summary={wl.summary.clone()}>
            <title>{ format!("{} {}/{}: {} ready", wl.kind, wl.namespace, wl.name, wl.summary) }</title>
            <rect class="workload-box" {x} {y} width={w} height={h} rx="6" />
            <text class="workload-kind" x={tx.clone()} y={(r.y + 16.0).to_string()}>{ wl.kind }</text>
            <text class="workload-summary" x={(r.x + r.w - 10.0).to_string()} y={(r.y + 16.0).to_string()} text-anchor="end">{ wl.summary.clone() }</text>
            <text class="workload-name" x={tx} y={(r.y + 34.0).to_string()}>{ fit(&wl.name, chars_for(r.w, 7.8)) }</text>
        </g>
    }
}

fn view_edge(edge: &Edge) -> Html {
    let ((x1, y1), (x2, y2)) = (edge.from_point, edge.to_point);
    let mid = (y1 + y2) / 2.0;
    // A vertical S-curve reads as "owns" and avoids crossing straight through neighbours.
    let d = format!("M {x1} {y1} C {x1} {mid}, {x2} {mid}, {x2} {y2}");
    html! {
        <path class="edge" key={format!("{}>{}", edge.from, edge.to)} {d} data-from={edge.from.clone()} data-to={edge.to.clone()} />
    }
}
