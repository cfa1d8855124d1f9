//! The graph pane: draws core's laid-out [`Graph`] as SVG, with zoom, pan, filters, a legend
//! and selection.
//!
//! Core has already placed every box; this module turns boxes into `<rect>`/`<text>` groups,
//! edges into curves, and states into CSS classes (`pod-running`, `edge-routes`...). Each box
//! is positioned by a CSS `transform`, so a box that moves glides there and a pod that changes
//! state fades to its new colour (the transitions are in the style sheet). Every box is
//! focusable and selectable with Enter or a click; it carries `data-*` attributes (id, name,
//! namespace, status, kind) for tests and styling.
//!
//! Zoom and pan are a translate-and-scale of the whole picture, kept here: the wheel or a pinch
//! zooms around the pointer, a drag pans, the buttons zoom around the centre, "fit" shows the
//! whole picture (and the picture keeps fitting until the learner zooms or pans).
//!
//! The last request's trace is drawn over the boxes by [`trace_view`], with its hop list; the
//! learner can dismiss it.

use std::collections::BTreeMap;
use std::rc::Rc;

use kubeplay_core::graph::{
    BandKind, Edge, Graph, KINDS, NodeBox, ObjectBox, Options, PodBox, PodState, Relation,
};
use yew::prelude::*;

use crate::text::{GraphTexts, texts};
use crate::trace_view::{self, TraceShow};

#[derive(Properties)]
pub struct Props {
    pub graph: Rc<Graph>,
    /// The id of the selected box.
    pub selected: Option<String>,
    pub options: Options,
    /// The last traced request, lit hop by hop on the boxes it passed.
    pub trace: Option<Rc<TraceShow>>,
    pub on_select: Callback<String>,
    pub on_options: Callback<Options>,
}

impl PartialEq for Props {
    /// The app swaps in a new `Rc` only when the graph changed, so a pointer test suffices.
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.graph, &other.graph)
            && self.trace == other.trace
            && self.selected == other.selected
            && self.options == other.options
            && self.on_select == other.on_select
            && self.on_options == other.on_options
    }
}

const MIN_SCALE: f64 = 0.1;
const MAX_SCALE: f64 = 4.0;
/// A fitted picture is never drawn larger than 1:1.
const MAX_FIT_SCALE: f64 = 1.0;
/// How far a pointer must move before a press becomes a drag (and not a click).
const DRAG_THRESHOLD: f64 = 4.0;
const BUTTON_ZOOM: f64 = 1.25;

pub enum Msg {
    Fit,
    /// Zoom by a factor around a point of the canvas (CSS pixels from its top left), or its
    /// centre.
    Zoom(f64, Option<(f64, f64)>),
    Wheel(f64, f64, f64),
    Down(i32, f64, f64),
    Move(i32, f64, f64),
    Up(i32),
    Select(String),
    Namespace(String),
    ToggleKind(&'static str),
    /// Hide the trace shown (until another request is made).
    DismissTrace(u64),
}

pub struct GraphView {
    svg: NodeRef,
    scale: f64,
    tx: f64,
    ty: f64,
    /// Keep fitting the picture as it grows, until the learner zooms or pans.
    auto_fit: bool,
    /// The picture size and canvas size at the last fit.
    fitted_for: (f64, f64, f64, f64),
    /// Pointers down on the canvas: where each is now.
    pointers: BTreeMap<i32, (f64, f64)>,
    /// Where the pan started: pointer position and translation then.
    drag_from: Option<((f64, f64), (f64, f64))>,
    /// Pointer distance and scale when a pinch started.
    pinch_from: Option<(f64, f64)>,
    /// The press became a drag: the click that ends it selects nothing.
    dragged: bool,
    /// The showing of a trace the learner dismissed.
    dismissed: u64,
}

impl GraphView {
    fn canvas_rect(&self) -> Option<(f64, f64, f64, f64)> {
        let el = self.svg.cast::<web_sys::Element>()?;
        let r = el.get_bounding_client_rect();
        Some((r.left(), r.top(), r.width(), r.height()))
    }

    fn zoom_at(&mut self, factor: f64, (px, py): (f64, f64)) {
        let scale = (self.scale * factor).clamp(MIN_SCALE, MAX_SCALE);
        let k = scale / self.scale;
        self.tx = px - (px - self.tx) * k;
        self.ty = py - (py - self.ty) * k;
        self.scale = scale;
        self.auto_fit = false;
    }

    fn fit(&mut self, graph: &Graph) -> bool {
        let Some((_, _, w, h)) = self.canvas_rect() else {
            return false;
        };
        if w < 1.0 || h < 1.0 || graph.width < 1.0 {
            return false;
        }
        let scale = (w / graph.width)
            .min(h / graph.height)
            .clamp(MIN_SCALE, MAX_FIT_SCALE);
        self.scale = scale;
        self.tx = ((w - graph.width * scale) / 2.0).max(0.0);
        // Top-aligned: in a tall pane the picture starts under the toolbar, not mid-way.
        self.ty = 0.0;
        self.fitted_for = (graph.width, graph.height, w, h);
        true
    }

    fn spread(&self) -> Option<f64> {
        let mut it = self.pointers.values();
        let (a, b) = (it.next()?, it.next()?);
        Some(((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt())
    }

    fn midpoint(&self) -> Option<(f64, f64)> {
        let mut it = self.pointers.values();
        let (a, b) = (it.next()?, it.next()?);
        Some(((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0))
    }
}

impl Component for GraphView {
    type Message = Msg;
    type Properties = Props;

    fn create(_ctx: &Context<Self>) -> Self {
        GraphView {
            svg: NodeRef::default(),
            scale: 1.0,
            tx: 0.0,
            ty: 0.0,
            auto_fit: true,
            fitted_for: (0.0, 0.0, 0.0, 0.0),
            pointers: BTreeMap::new(),
            drag_from: None,
            pinch_from: None,
            dragged: false,
            dismissed: 0,
        }
    }

    fn rendered(&mut self, ctx: &Context<Self>, _first: bool) {
        if !self.auto_fit {
            return;
        }
        let g = &ctx.props().graph;
        let canvas = self.canvas_rect().map(|(_, _, w, h)| (w, h));
        if let Some((w, h)) = canvas
            && (g.width, g.height, w, h) != self.fitted_for
        {
            ctx.link().send_message(Msg::Fit);
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let props = ctx.props();
        match msg {
            Msg::Fit => {
                self.auto_fit = true;
                self.fit(&props.graph)
            }
            Msg::DismissTrace(seq) => {
                self.dismissed = seq;
                true
            }
            Msg::Zoom(factor, at) => {
                let at = at.or_else(|| self.canvas_rect().map(|(_, _, w, h)| (w / 2.0, h / 2.0)));
                if let Some(at) = at {
                    self.zoom_at(factor, at);
                }
                true
            }
            Msg::Wheel(x, y, delta) => {
                let Some((left, top, _, _)) = self.canvas_rect() else {
                    return false;
                };
                self.zoom_at((-delta * 0.0015).exp(), (x - left, y - top));
                true
            }
            Msg::Down(id, x, y) => {
                if self.pointers.is_empty() {
                    self.dragged = false;
                }
                self.pointers.insert(id, (x, y));
                self.drag_from = Some(((x, y), (self.tx, self.ty)));
                self.pinch_from = self.spread().map(|d| (d, self.scale));
                false
            }
            Msg::Move(id, x, y) => {
                if !self.pointers.contains_key(&id) {
                    return false;
                }
                self.pointers.insert(id, (x, y));
                if let (Some((d0, s0)), Some(d), Some(mid)) =
                    (self.pinch_from, self.spread(), self.midpoint())
                    && d0 > 0.0
                {
                    let Some((left, top, _, _)) = self.canvas_rect() else {
                        return false;
                    };
                    let factor = (s0 * d / d0) / self.scale;
                    self.zoom_at(factor, (mid.0 - left, mid.1 - top));
                    self.dragged = true;
                    return true;
                }
                let Some(((x0, y0), (tx0, ty0))) = self.drag_from else {
                    return false;
                };
                if !self.dragged && (x - x0).abs().max((y - y0).abs()) < DRAG_THRESHOLD {
                    return false;
                }
                if !self.dragged
                    && let Some(el) = self.svg.cast::<web_sys::Element>()
                {
                    // Captured only once it is a drag, so that a click still reaches its box.
                    let _ = el.set_pointer_capture(id);
                }
                self.dragged = true;
                self.auto_fit = false;
                self.tx = tx0 + (x - x0);
                self.ty = ty0 + (y - y0);
                true
            }
            Msg::Up(id) => {
                self.pointers.remove(&id);
                self.pinch_from = None;
                self.drag_from = self
                    .pointers
                    .values()
                    .next()
                    .map(|&p| (p, (self.tx, self.ty)));
                false
            }
            Msg::Select(id) => {
                if !self.dragged {
                    props.on_select.emit(id);
                }
                false
            }
            Msg::Namespace(ns) => {
                let mut options = props.options.clone();
                options.namespace = (!ns.is_empty()).then_some(ns);
                props.on_options.emit(options);
                false
            }
            Msg::ToggleKind(kind) => {
                let mut options = props.options.clone();
                if !options.hidden_kinds.remove(kind) {
                    options.hidden_kinds.insert(kind.to_string());
                }
                props.on_options.emit(options);
                false
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let t = texts();
        let g = &ctx.props().graph;
        let props = ctx.props();
        let link = ctx.link();
        let selected = props.selected.as_deref();
        let select = link.callback(Msg::Select);
        let onwheel = link.callback(|e: WheelEvent| {
            Msg::Wheel(e.client_x() as f64, e.client_y() as f64, e.delta_y())
        });
        let onpointerdown = link.callback(|e: PointerEvent| {
            Msg::Down(e.pointer_id(), e.client_x() as f64, e.client_y() as f64)
        });
        let onpointermove = link.callback(|e: PointerEvent| {
            Msg::Move(e.pointer_id(), e.client_x() as f64, e.client_y() as f64)
        });
        let onpointerup = link.callback(|e: PointerEvent| Msg::Up(e.pointer_id()));
        let onpointercancel = link.callback(|e: PointerEvent| Msg::Up(e.pointer_id()));
        let onkeydown = link.batch_callback(|e: KeyboardEvent| match e.key().as_str() {
            "+" | "=" => Some(Msg::Zoom(BUTTON_ZOOM, None)),
            "-" => Some(Msg::Zoom(1.0 / BUTTON_ZOOM, None)),
            "0" => Some(Msg::Fit),
            _ => None,
        });
        let transform = format!("translate({} {}) scale({})", self.tx, self.ty, self.scale);
        let is_empty = g.objects.is_empty() && g.pods().next().is_none();
        let shown_trace = props.trace.as_deref().filter(|t| t.shown != self.dismissed);
        html! {
            <section class="graph-pane" aria-label={t.graph_label}>
                { self.toolbar(ctx) }
                <div class="graph-canvas">
                    if is_empty {
                        <p class="graph-hint">{ t.graph_empty_hint }</p>
                    }
                    <svg class="graph" ref={self.svg.clone()} xmlns="http://www.w3.org/2000/svg"
                        role="group" aria-label={t.graph_label} aria-describedby="graph-pan-hint"
                        {onwheel} {onpointerdown} {onpointermove} {onpointerup} {onpointercancel} {onkeydown}
                        data-scale={format!("{:.3}", self.scale)}>
                        <defs>
                            <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                                <path class="arrow-head" d="M 0 0 L 10 5 L 0 10 z" />
                            </marker>
                        </defs>
                        <g class="viewport" {transform}>
                            <g class="bands">{ for g.bands.iter().map(|b| view_band(b.kind, b.rect.x, b.rect.y, b.rect.w, t.g)) }</g>
                            <g class="nodes">{ for g.nodes.iter().map(|n| view_node(n, selected, &select)) }</g>
                            <g class="edges">{ for g.edges.iter().map(|e| view_edge(e, selected)) }</g>
                            <g class="pods">{ for g.pods().map(|p| view_pod(p, selected, &select)) }</g>
                            <g class="objects">{ for g.objects.iter().map(|o| view_object(o, selected, &select)) }</g>
                            <g class="edge-labels">{ for g.edges.iter().filter(|e| e.relation == Relation::Ingress).map(view_edge_label) }</g>
                            if let Some(trace) = shown_trace {
                                { trace_view::view_on_graph(g, trace) }
                            }
                        </g>
                    </svg>
                    <p id="graph-pan-hint" class="sr-only">{ t.g.pan_hint }</p>
                    { self.zoom_controls(ctx) }
                    { view_legend(t.g) }
                    if let Some(trace) = shown_trace {
                        { trace_view::view_panel(trace, ctx.link().callback({
                            let shown = trace.shown;
                            move |_: MouseEvent| Msg::DismissTrace(shown)
                        })) }
                    }
                </div>
            </section>
        }
    }
}

impl GraphView {
    /// Zoom out, zoom in and fit, over the picture's top right corner.
    fn zoom_controls(&self, ctx: &Context<Self>) -> Html {
        let t = texts().g;
        let link = ctx.link();
        html! {
            <div class="graph-zoom" role="group">
                <button type="button" class="icon-button" id="graph-zoom-out" aria-label={t.zoom_out} title={t.zoom_out}
                    onclick={link.callback(|_: MouseEvent| Msg::Zoom(1.0 / BUTTON_ZOOM, None))}>{ "−" }</button>
                <button type="button" class="icon-button" id="graph-zoom-in" aria-label={t.zoom_in} title={t.zoom_in}
                    onclick={link.callback(|_: MouseEvent| Msg::Zoom(BUTTON_ZOOM, None))}>{ "+" }</button>
                <button type="button" class="header-button" id="graph-fit" title={t.fit}
                    onclick={link.callback(|_: MouseEvent| Msg::Fit)}>{ t.fit }</button>
            </div>
        }
    }

    fn toolbar(&self, ctx: &Context<Self>) -> Html {
        let t = texts().g;
        let props = ctx.props();
        let link = ctx.link();
        let on_ns = link.callback(|e: Event| {
            Msg::Namespace(
                e.target_dyn_into::<web_sys::HtmlSelectElement>()
                    .map(|s| s.value())
                    .unwrap_or_default(),
            )
        });
        let current = props.options.namespace.clone().unwrap_or_default();
        html! {
            <div class="graph-toolbar" role="toolbar" aria-label={texts().graph_label}>
                <label class="graph-ns">
                    <span>{ t.namespace }</span>
                    <select id="graph-namespace" onchange={on_ns}>
                        <option value="" selected={current.is_empty()}>{ t.all_namespaces }</option>
                        { for props.graph.namespaces.iter().map(|ns| html! {
                            <option value={ns.clone()} selected={*ns == current}>{ ns }</option>
                        }) }
                    </select>
                </label>
                <details class="graph-kinds">
                    <summary>{ t.kinds }</summary>
                    <div class="graph-kinds-list">
                        { for KINDS.iter().map(|&kind| {
                            let on = !props.options.hidden_kinds.contains(kind);
                            html! {
                                <label class="kind-toggle">
                                    <input type="checkbox" checked={on} data-kind={kind}
                                        onchange={link.callback(move |_: Event| Msg::ToggleKind(kind))} />
                                    { kind }
                                </label>
                            }
                        }) }
                    </div>
                </details>
            </div>
        }
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
    ((w - 20.0) / char_px).max(1.0) as usize
}

fn place(x: f64, y: f64) -> String {
    format!("transform: translate({x}px, {y}px)")
}

/// Enter or Space on a focused box selects it.
fn on_key(select: &Callback<String>, id: &str) -> Callback<KeyboardEvent> {
    let (select, id) = (select.clone(), id.to_string());
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == " " {
            e.prevent_default();
            select.emit(id.clone());
        }
    })
}

fn on_click(select: &Callback<String>, id: &str) -> Callback<MouseEvent> {
    let (select, id) = (select.clone(), id.to_string());
    Callback::from(move |_: MouseEvent| select.emit(id.clone()))
}

fn band_title(kind: BandKind, t: &GraphTexts) -> &'static str {
    match kind {
        BandKind::Network => t.band_network,
        BandKind::Workloads => t.band_workloads,
        BandKind::Controllers => t.band_controllers,
        BandKind::ConfigStorage => t.band_config_storage,
    }
}

fn view_band(kind: BandKind, x: f64, y: f64, w: f64, t: &GraphTexts) -> Html {
    html! {
        <g class={classes!("band", format!("band-{}", kind.class()))} key={kind.class()}>
            <line class="band-rule" x1={x.to_string()} y1={(y + 2.0).to_string()} x2={(x + w).to_string()} y2={(y + 2.0).to_string()} />
            <text class="band-title" x={x.to_string()} y={(y + 16.0).to_string()}>{ band_title(kind, t) }</text>
        </g>
    }
}

fn view_node(node: &NodeBox, selected: Option<&str>, select: &Callback<String>) -> Html {
    let t = texts();
    let r = &node.rect;
    let pending_lane = node.name.is_empty();
    let (title, detail) = if pending_lane {
        (t.pending_lane.to_string(), t.pending_lane_hint.to_string())
    } else {
        (
            node.name.clone(),
            format!("{} · {}", node.status, node.roles),
        )
    };
    let class = classes!(
        "node",
        pending_lane.then_some("node-pending-lane"),
        (!pending_lane && node.status != "Ready").then_some("node-not-ready"),
        (selected == Some(node.id.as_str())).then_some("selected")
    );
    let label = format!("Node {title}: {detail}");
    let interactive = !pending_lane;
    html! {
        <g class={class} key={node.id.clone()} style={place(r.x, r.y)} data-id={node.id.clone()}
            data-name={node.name.clone()} data-status={node.status.clone()} data-roles={node.roles.clone()}
            tabindex={interactive.then_some("0")} role={interactive.then_some("button")} aria-label={label}
            onclick={interactive.then(|| on_click(select, &node.id))} onkeydown={interactive.then(|| on_key(select, &node.id))}>
            <rect class="node-box" width={r.w.to_string()} height={r.h.to_string()} rx="10" />
            <text class="node-name" x="12" y="21">{ fit(&title, chars_for(r.w, 9.5)) }</text>
            <text class="node-detail" x="12" y="39">{ fit(&detail, chars_for(r.w, 7.0)) }</text>
        </g>
    }
}

fn pod_state_label(state: PodState) -> &'static str {
    let i = PodState::ALL.iter().position(|s| *s == state).unwrap_or(0);
    texts().g.pod_states.get(i).copied().unwrap_or_default()
}

fn view_pod(pod: &PodBox, selected: Option<&str>, select: &Callback<String>) -> Html {
    let r = &pod.rect;
    let state = pod.state.class();
    let mut status = format!("{} · {}", pod.status, pod.ready);
    if !pod.restarts.is_empty() && pod.restarts != "0" {
        status.push_str(&format!(" · ↻{}", pod.restarts));
    }
    let label = format!(
        "Pod {}/{}: {} ({})",
        pod.namespace,
        pod.name,
        pod.status,
        pod_state_label(pod.state)
    );
    let mut tip = label.clone();
    for reason in &pod.reasons {
        tip.push('\n');
        tip.push_str(reason);
    }
    let reason_chars = chars_for(r.w, 6.6);
    html! {
        <g class={classes!("pod", format!("pod-{state}"), (selected == Some(pod.id.as_str())).then_some("selected"))}
            key={pod.id.clone()} style={place(r.x, r.y)} data-id={pod.id.clone()}
            data-name={pod.name.clone()} data-namespace={pod.namespace.clone()}
            data-status={pod.status.clone()} data-ready={pod.ready.clone()} data-state={state}
            tabindex="0" role="button" aria-label={label}
            onclick={on_click(select, &pod.id)} onkeydown={on_key(select, &pod.id)}>
            <title>{ tip }</title>
            <rect class="pod-box" width={r.w.to_string()} height={r.h.to_string()} rx="6" />
            <text class="pod-name" x="10" y="17">{ fit(&pod.name, chars_for(r.w, 7.9)) }</text>
            <text class="pod-status" x="10" y="33">{ fit(&status, chars_for(r.w, 6.8)) }</text>
            { for pod.reasons.iter().take(kubeplay_core::graph::layout::MAX_REASON_LINES).enumerate().map(|(i, reason)| html! {
                <text class="pod-reason" x="10" y={(33.0 + kubeplay_core::graph::layout::REASON_LINE * (i as f64 + 1.0)).to_string()}>{ fit(reason, reason_chars) }</text>
            }) }
        </g>
    }
}

/// The kind as a box's first line: the short names learners meet in kubectl for the two long
/// storage kinds.
fn kind_label(kind: &str) -> &str {
    match kind {
        "PersistentVolumeClaim" => "PVC",
        "PersistentVolume" => "PV",
        other => other,
    }
}

fn view_object(obj: &ObjectBox, selected: Option<&str>, select: &Callback<String>) -> Html {
    let r = &obj.rect;
    let label = format!(
        "{} {}/{}: {}",
        obj.kind, obj.namespace, obj.name, obj.summary
    );
    html! {
        <g class={classes!("object", format!("kind-{}", obj.kind.to_ascii_lowercase()), format!("health-{}", obj.health.class()),
                (selected == Some(obj.id.as_str())).then_some("selected"))}
            key={obj.id.clone()} style={place(r.x, r.y)} data-id={obj.id.clone()}
            data-kind={obj.kind} data-name={obj.name.clone()} data-namespace={obj.namespace.clone()} data-summary={obj.summary.clone()}
            tabindex="0" role="button" aria-label={label.clone()}
            onclick={on_click(select, &obj.id)} onkeydown={on_key(select, &obj.id)}>
            <title>{ label }</title>
            <rect class="object-box" width={r.w.to_string()} height={r.h.to_string()} rx="6" />
            <text class="object-kind" x="10" y="16">{ kind_label(obj.kind) }</text>
            <circle class="health-dot" cx={(r.w - 12.0).to_string()} cy="12" r="4" />
            <text class="object-name" x="10" y="34">{ fit(&obj.name, chars_for(r.w, 7.9)) }</text>
            <text class="object-summary" x="10" y="50">{ fit(&obj.summary, chars_for(r.w, 7.2)) }</text>
        </g>
    }
}

fn edge_path(edge: &Edge) -> String {
    let ((x1, y1), (x2, y2)) = (edge.from_point, edge.to_point);
    if edge.sideways {
        let mid = (x1 + x2) / 2.0;
        format!("M {x1} {y1} C {mid} {y1}, {mid} {y2}, {x2} {y2}")
    } else {
        // A vertical S-curve reads as "leads to" and avoids crossing straight through
        // neighbours.
        let mid = (y1 + y2) / 2.0;
        format!("M {x1} {y1} C {x1} {mid}, {x2} {mid}, {x2} {y2}")
    }
}

fn view_edge(edge: &Edge, selected: Option<&str>) -> Html {
    let related = selected.is_some_and(|s| s == edge.from || s == edge.to);
    html! {
        <path class={classes!("edge", format!("edge-{}", edge.relation.class()), related.then_some("edge-related"))}
            key={format!("{}>{}>{}", edge.from, edge.to, edge.relation.class())} d={edge_path(edge)} marker-end="url(#arrow)"
            data-from={edge.from.clone()} data-to={edge.to.clone()} data-relation={edge.relation.class()}>
            <title>{ if edge.label.is_empty() { format!("{} → {}", edge.from, edge.to) } else { format!("{} → {} ({})", edge.from, edge.to, edge.label) } }</title>
        </path>
    }
}

fn view_edge_label(edge: &Edge) -> Html {
    let ((x1, y1), (x2, y2)) = (edge.from_point, edge.to_point);
    let (x, y) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0 - 4.0);
    html! {
        <text class="edge-label" key={format!("{}>{}", edge.from, edge.to)} x={x.to_string()} y={y.to_string()} text-anchor="middle">{ fit(&edge.label, 40) }</text>
    }
}

fn view_legend(t: &GraphTexts) -> Html {
    html! {
        <details class="graph-legend">
            <summary>{ t.legend }</summary>
            <ul class="legend-pods">
                { for PodState::ALL.iter().zip(t.pod_states).map(|(state, label)| html! {
                    <li class={classes!("pod", format!("pod-{}", state.class()))}>
                        <svg width="22" height="14" aria-hidden="true"><rect class="pod-box" x="1" y="1" width="20" height="12" rx="3" /></svg>
                        { label }
                    </li>
                }) }
            </ul>
            <ul class="legend-edges">
                { for Relation::ALL.iter().zip(t.relations).map(|(relation, label)| html! {
                    <li>
                        <svg width="30" height="10" aria-hidden="true"><path class={classes!("edge", format!("edge-{}", relation.class()))} d="M 1 5 L 29 5" /></svg>
                        { label }
                    </li>
                }) }
            </ul>
        </details>
    }
}
