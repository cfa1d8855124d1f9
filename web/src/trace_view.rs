//! The last request's trace on the graph: which boxes it passed, lit one after another, and
//! the same hops as a numbered text list (for reading, and for screen readers), with the
//! result and a button that dismisses both.
//!
//! The animation is CSS only: each highlight waits `HOP_SECONDS` × its place in the path before
//! it lights (`animation-delay`), so nothing here runs on a timer. A request that was refused or
//! dropped ends at a red box and a red last line.

use kubeplay_core::graph::Graph;
use kubeplay_core::network::Trace;
use yew::prelude::*;

use crate::text::texts;

/// Seconds between one hop lighting and the next.
pub const HOP_SECONDS: f64 = 0.9;

/// A trace as the page shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceShow {
    pub seq: u64,
    /// Which showing this is (the page counts them): `kubeplay trace` shows the same request
    /// again, and a dismissal hides one showing.
    pub shown: u64,
    pub request: String,
    pub client: String,
    /// (step label, text) per hop.
    pub hops: Vec<(&'static str, String)>,
    pub outcome: String,
    pub stopped: bool,
    /// Box ids in order, with the hop that reached each (`None`: the client).
    pub boxes: Vec<(String, Option<usize>)>,
}

impl TraceShow {
    pub fn of(trace: &Trace, shown: u64) -> TraceShow {
        TraceShow {
            seq: trace.seq,
            shown,
            request: trace.request.clone(),
            client: trace.client.clone(),
            hops: trace
                .hops
                .iter()
                .map(|h| (h.step.label(), h.text.clone()))
                .collect(),
            outcome: trace.outcome.clone(),
            stopped: trace.stopped(),
            boxes: trace.boxes(),
        }
    }

    /// When box `i` lights, in seconds: one after another, the first at once.
    fn box_delay(i: usize) -> f64 {
        i as f64 * HOP_SECONDS
    }

    /// When hop `i`'s line lights: with the first box it reached (or the next hop's).
    fn hop_delay(&self, hop: usize) -> f64 {
        let first = self
            .boxes
            .iter()
            .position(|(_, h)| h.is_some_and(|h| h >= hop))
            .unwrap_or(self.boxes.len());
        Self::box_delay(first)
    }
}

/// The highlights drawn over the graph's boxes, and the path joining them.
pub fn view_on_graph(g: &Graph, trace: &TraceShow) -> Html {
    // (id, hop, when it lights, where it is) for the boxes the picture has.
    let placed: Vec<(&str, Option<usize>, f64, kubeplay_core::graph::Rect)> = trace
        .boxes
        .iter()
        .enumerate()
        .filter_map(|(i, (id, hop))| {
            Some((id.as_str(), *hop, TraceShow::box_delay(i), g.rect_of(id)?))
        })
        .collect();
    let last = placed.len().saturating_sub(1);
    let d = placed
        .iter()
        .enumerate()
        .map(|(i, (_, _, _, r))| {
            let (x, y) = r.center();
            format!("{} {x} {y}", if i == 0 { "M" } else { "L" })
        })
        .collect::<Vec<_>>()
        .join(" ");
    html! {
        <g class="trace" key={trace.shown.to_string()} aria-label={texts().g.trace} data-seq={trace.seq.to_string()}>
            if placed.len() > 1 {
                <path class="trace-path" d={d} />
            }
            { for placed.iter().enumerate().map(|(i, (id, hop, delay, r))| {
                let stop = trace.stopped && i == last;
                let style = format!("animation-delay: {delay:.2}s");
                html! {
                    <g class={classes!("trace-hop", stop.then_some("trace-stop"))} data-id={id.to_string()}
                        data-hop={hop.map(|h| (h + 1).to_string()).unwrap_or_default()}>
                        <rect class="trace-ring" x={(r.x - 4.0).to_string()} y={(r.y - 4.0).to_string()}
                            width={(r.w + 8.0).to_string()} height={(r.h + 8.0).to_string()} rx="9" style={style.clone()} />
                        <g class="trace-badge" style={style}>
                            <circle cx={(r.x - 2.0).to_string()} cy={(r.y - 2.0).to_string()} r="10" />
                            <text x={(r.x - 2.0).to_string()} y={(r.y + 2.0).to_string()} text-anchor="middle">{ (i + 1).to_string() }</text>
                        </g>
                    </g>
                }
            }) }
        </g>
    }
}

/// A summary line (the request, each hop's step lighting in turn, the result, a dismiss
/// button) and the hops in full as text under a disclosure.
pub fn view_panel(trace: &TraceShow, on_dismiss: Callback<MouseEvent>) -> Html {
    let t = texts();
    let last = trace.hops.len().saturating_sub(1);
    let stop_at = |i: usize| trace.stopped && i == last;
    html! {
        <section class={classes!("trace-panel", trace.stopped.then_some("trace-panel-stopped"))}
            key={trace.shown.to_string()} aria-label={t.g.trace} aria-live="polite" data-seq={trace.seq.to_string()}>
            <div class="trace-head">
                <strong>{ t.g.trace }</strong>
                <code class="trace-request" title={trace.request.clone()}>{ &trace.request }</code>
                <span class="trace-outcome" title={trace.outcome.clone()}>{ format!("{} {}", t.g.trace_result, trace.outcome) }</span>
                <button type="button" class="icon-button trace-dismiss" title={t.g.trace_dismiss}
                    aria-label={t.g.trace_dismiss} onclick={on_dismiss}>{ "✕" }</button>
            </div>
            <ol class="trace-chips" aria-hidden="true">
                { for trace.hops.iter().enumerate().map(|(i, (step, _))| {
                    let style = format!("animation-delay: {:.2}s", trace.hop_delay(i));
                    html! {
                        <li class={classes!("trace-chip", stop_at(i).then_some("trace-stop"))} {style}>{ *step }</li>
                    }
                }) }
            </ol>
            <details class="trace-details">
                <summary>{ format!("{} ({})", t.g.trace_hops, trace.hops.len()) }</summary>
                <p class="trace-client">{ format!("{} {}", t.g.trace_from, trace.client) }</p>
                <ol class="trace-hops">
                    { for trace.hops.iter().enumerate().map(|(i, (step, text))| html! {
                        <li class={classes!("trace-line", format!("step-{step}"), stop_at(i).then_some("trace-stop"))}>
                            <span class="trace-step">{ *step }</span>{ " " }{ text }
                        </li>
                    }) }
                </ol>
            </details>
        </section>
    }
}
