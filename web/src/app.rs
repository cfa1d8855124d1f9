//! The root component: owns the cluster, drives its virtual clock from real time, and wires the
//! header, the terminal pane and the graph pane together.
//!
//! The [`Cluster`] lives inside this component (yew keeps the component alive for the page's
//! lifetime), so every access is a plain `&mut self` borrow: no `RefCell` needed. A 200 ms
//! [`Interval`] advances the clock by the real time that passed; the graph is rebuilt only when
//! the cluster's revision changed, and child components re-render only when their props change.
//! The `kubectl explain` data is fetched after the page has started ([`crate::explain_data`]).

use std::rc::Rc;

use gloo::timers::callback::{Interval, Timeout};
use kubeplay_core::graph::{Graph, Options};
use kubeplay_core::{Cluster, Output};
use yew::prelude::*;

use crate::explain_data;
use crate::graph_view::GraphView;
use crate::terminal::{Entry, Terminal};
use crate::text::texts;

/// Same seed, same cluster: every visitor starts from identical names and IPs.
const SEED: u64 = 1;
/// How often the clock ticks, in real milliseconds.
const TICK_MS: u32 = 200;
/// The most virtual time one tick may add. A tab in the background gets few timer calls; on
/// return we catch up in bounded steps instead of freezing the page on one huge `advance`.
const MAX_STEP_MS: f64 = 10_000.0;
/// How long after the page starts the explain data is fetched (unless asked for sooner), so
/// that it does not compete with the page's own first load.
const EXPLAIN_DELAY_MS: u32 = 3_000;

pub enum Msg {
    Tick,
    Run(String),
    ShowSystem(bool),
    /// Fetch the explain data, unless already asked for.
    FetchExplain,
    ExplainFetched(Result<String, String>),
}

pub struct App {
    cluster: Cluster,
    options: Options,
    graph: Rc<Graph>,
    /// The revision `graph` was built at.
    drawn_revision: u64,
    clock: String,
    entries: Rc<Vec<Entry>>,
    /// `performance.now()` at the last tick.
    last_tick: f64,
    /// Sub-millisecond remainder not yet given to the cluster.
    carry: f64,
    /// Whether the explain data has been asked for (a failed fetch clears it, to try again).
    explain_requested: bool,
    /// Dropping the interval stops it; kept for the component's lifetime.
    _interval: Interval,
    _explain_timer: Timeout,
}

/// Milliseconds since the page started, from the browser's monotonic clock.
fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

impl App {
    /// Picks up changes after the cluster moved; returns whether anything shown changed.
    fn refresh(&mut self, force_graph: bool) -> bool {
        let mut changed = false;
        let clock = self.cluster.now().rfc3339();
        if clock != self.clock {
            self.clock = clock;
            changed = true;
        }
        let revision = self.cluster.revision();
        if force_graph || revision != self.drawn_revision {
            self.drawn_revision = revision;
            let graph = self.cluster.graph(&self.options);
            if *self.graph != graph {
                self.graph = Rc::new(graph);
            }
            changed = true;
        }
        changed
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let cluster = Cluster::new_default(SEED);
        let options = Options::default();
        let graph = Rc::new(cluster.graph(&options));
        let link = ctx.link().clone();
        let explain_link = ctx.link().clone();
        App {
            drawn_revision: cluster.revision(),
            clock: cluster.now().rfc3339(),
            cluster,
            options,
            graph,
            entries: Rc::default(),
            last_tick: now_ms(),
            carry: 0.0,
            explain_requested: false,
            _interval: Interval::new(TICK_MS, move || link.send_message(Msg::Tick)),
            _explain_timer: Timeout::new(EXPLAIN_DELAY_MS, move || {
                explain_link.send_message(Msg::FetchExplain)
            }),
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Tick => {
                let now = now_ms();
                let elapsed = (now - self.last_tick).clamp(0.0, MAX_STEP_MS) + self.carry;
                self.last_tick = now;
                let whole = elapsed.floor();
                self.carry = elapsed - whole;
                if whole >= 1.0 {
                    self.cluster.advance(whole as i64);
                }
                self.refresh(false)
            }
            Msg::Run(line) => {
                if line.contains("explain") {
                    ctx.link().send_message(Msg::FetchExplain);
                }
                let prompt = self.cluster.prompt();
                let output = if line.trim().is_empty() {
                    Output::default()
                } else {
                    self.cluster.exec(&line)
                };
                let entries = Rc::make_mut(&mut self.entries);
                // `clear` is the terminal's business (the shell prints nothing for it).
                if line.trim() == "clear" {
                    entries.clear();
                } else {
                    entries.push(Entry {
                        prompt,
                        command: line,
                        stdout: output.stdout,
                        stderr: output.stderr,
                        exit_code: output.exit_code,
                    });
                }
                self.refresh(false);
                true
            }
            Msg::ShowSystem(show) => {
                self.options.include_system = show;
                self.refresh(true)
            }
            Msg::FetchExplain => {
                if !self.explain_requested && !self.cluster.has_explain_data() {
                    self.explain_requested = true;
                    ctx.link().send_future(async {
                        Msg::ExplainFetched(explain_data::fetch_text(explain_data::URL).await)
                    });
                }
                false
            }
            Msg::ExplainFetched(fetched) => {
                let loaded = fetched.and_then(|text| self.cluster.load_explain_data(&text));
                if let Err(e) = loaded {
                    web_sys::console::warn_1(&format!("kubectl explain data: {e}").into());
                    self.explain_requested = false;
                }
                false
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let t = texts();
        let on_run = ctx.link().callback(Msg::Run);
        let on_system = ctx.link().callback(|e: Event| {
            let checked = e
                .target_dyn_into::<web_sys::HtmlInputElement>()
                .is_some_and(|i| i.checked());
            Msg::ShowSystem(checked)
        });
        html! {
            <div class="app">
                <header class="header">
                    <h1 class="product">{ t.product }</h1>
                    <span class="tagline">{ t.tagline }</span>
                    <span class="spacer"></span>
                    <span class="clock" title={t.virtual_time_hint}>
                        <span class="clock-label">{ t.virtual_time }</span>
                        <time id="virtual-time" datetime={self.clock.clone()}>{ self.clock.replace('T', " ") }</time>
                    </span>
                    <label class="toggle">
                        <input id="show-system" type="checkbox" checked={self.options.include_system} onchange={on_system} />
                        { t.show_system_pods }
                    </label>
                </header>
                <main class="panes">
                    <Terminal entries={self.entries.clone()} prompt={self.cluster.prompt()} {on_run} />
                    <GraphView graph={self.graph.clone()} />
                </main>
            </div>
        }
    }
}
