//! The root component: owns the session (cluster + journal), drives its virtual clock from real
//! time, saves after every change, and lays out the frame: header, lesson pane, workspace
//! (terminal tabs and the YAML editor), and the graph pane (with slots for the time bar and
//! the inspector).
//!
//! The [`Session`] lives inside this component (yew keeps it alive for the page's lifetime), so
//! every access is a plain `&mut self` borrow: no `RefCell` needed. A 200 ms [`Interval`]
//! advances the clock by the real time that passed; the graph is rebuilt only when the
//! cluster's revision changed, and child components re-render only when their props change.
//! The `kubectl explain` data is fetched after the page has started ([`crate::explain_data`]).

use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use gloo::timers::callback::{Interval, Timeout};
use kubeplay_core::graph::inspect::Inspection;
use kubeplay_core::graph::timeline::EventRow;
use kubeplay_core::graph::{Graph, Memory, ObjectRef, Options};
use kubeplay_core::store::ChangeType;
use kubeplay_core::{Cluster, Diagnostic, EDITOR_FILE, Output};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::editor::{EditSession, Editor};
use crate::explain_data;
use crate::graph_view::GraphView;
use crate::help::Help;
use crate::inspector::Inspector;
use crate::layout::{Layout, Side, Splitter, Theme, document_element, side_tag};
use crate::lesson::grading::Grading;
use crate::lesson::{Checks, LessonPane, Start};
use crate::persist;
use crate::session::{Journal, Screen, Session};
use crate::share;
use crate::terminal::{Completed, Entry, Terminal};
use crate::text::{self, Lang, texts};
use crate::time_bar::TimeBar;
use crate::timeline::Timeline;
use crate::trace_view::TraceShow;

/// How many events the timeline lists.
const EVENTS_SHOWN: usize = 100;
/// How far one step may run when nothing happens, and "run until settled"'s quiet time and
/// limit (virtual milliseconds).
const STEP_LIMIT_MS: i64 = 5 * 60_000;
const SETTLE_QUIET_MS: i64 = 2 * 60_000;
const SETTLE_LIMIT_MS: i64 = 60 * 60_000;
/// How often the clock ticks, in real milliseconds.
const TICK_MS: u32 = 200;
/// The most virtual time one tick may add. A tab in the background gets few timer calls; on
/// return we catch up in bounded steps instead of freezing the page on one huge `advance`.
const MAX_STEP_MS: f64 = 10_000.0;
/// How long after the page starts the explain data is fetched (unless asked for sooner), so
/// that it does not compete with the page's own first load.
const EXPLAIN_DELAY_MS: u32 = 3_000;
/// Clock-only changes are saved at most this often (in ticks); commands are saved at once.
const SAVE_EVERY_TICKS: u32 = 10;
/// How long after the last keystroke the editor's text is checked.
const CHECK_DELAY_MS: u32 = 300;
/// The editor's draft, kept across reloads (under the storage prefix).
const EDITOR_DRAFT_KEY: &str = "editor";

/// Scrollback kept per terminal; older entries are dropped (the journal keeps everything).
const SCROLLBACK: usize = 500;

/// Where an imported file goes in the shell's file system: its own name when that is a plain
/// file name (so the terminal shows `kubectl apply -f shop.yaml`), else `import.yaml`.
fn import_path(name: &str) -> String {
    let plain = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && !name.starts_with('.');
    if plain {
        name.to_string()
    } else {
        "import.yaml".to_string()
    }
}

/// Tab completion of `line` with the caret after `cursor` characters, as a shell does it: one
/// candidate is inserted (with a space unless it ends in `/` or `=`); several insert their
/// common prefix and are listed. `None` when there is nothing to offer.
fn complete(session: &Session, line: &str, cursor: usize) -> Option<Completed> {
    let at = line
        .char_indices()
        .nth(cursor)
        .map_or(line.len(), |(i, _)| i);
    let found = session.complete(line, at);
    let from = found.replace_from.min(at);
    let typed = line.get(from..at)?;
    let (before, after) = (line.get(..from)?, line.get(at..)?);
    let insert = match found.candidates.as_slice() {
        [] => return None,
        [only] => {
            let space = if only.ends_with('/') || only.ends_with('=') {
                ""
            } else {
                " "
            };
            format!("{only}{space}")
        }
        many => {
            let mut prefix = many.first()?.clone();
            for c in many {
                while !c.starts_with(&prefix) {
                    prefix.pop();
                }
            }
            if prefix.len() > typed.len() {
                prefix
            } else {
                typed.to_string()
            }
        }
    };
    let completed = format!("{before}{insert}{after}");
    let caret = before.chars().count() + insert.chars().count();
    let candidates = if found.candidates.len() > 1 {
        found.candidates
    } else {
        Vec::new()
    };
    Some(Completed {
        line: completed,
        cursor: caret,
        candidates,
    })
}

/// What the workspace shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkTab {
    Terminal(u32),
    Editor,
}

/// One terminal tab: its scrollback.
pub struct TermTab {
    pub id: u32,
    pub entries: Rc<Vec<Rc<Entry>>>,
    pub completion: Option<Rc<Completed>>,
}

impl TermTab {
    fn new(id: u32) -> TermTab {
        TermTab {
            id,
            entries: Rc::default(),
            completion: None,
        }
    }
}

pub enum Msg {
    Tick,
    Run {
        tab: u32,
        line: String,
    },
    /// A suggested command (the lesson pane): run in the current terminal, shown there.
    RunSuggested(String),
    Clear(u32),
    Interrupt {
        tab: u32,
        line: String,
    },
    Complete {
        tab: u32,
        line: String,
        cursor: usize,
    },
    ShowSystem(bool),
    /// The graph pane: select an object (picture, timeline, owner chain) or nothing.
    Inspect(Option<ObjectRef>),
    /// Show this container's log in the inspector.
    LogsOf(String),
    GraphOptions(Options),
    /// Time control: pause (true) or resume, speed, one step, run until settled.
    Pause(bool),
    Speed(u32),
    StepTime,
    Settle,
    /// Fetch the explain data, unless already asked for.
    FetchExplain,
    ExplainFetched(Result<String, String>),
    /// kubectl's `--help` texts arrived (fetched once, at start).
    HelpFetched(Result<String, String>),
    SetLang(Lang),
    SetTheme(Theme),
    Help(bool),
    Select(WorkTab),
    NewTerminal,
    CloseTerminal(u32),
    Drag(Side, f64),
    Nudge(Side, f64),
    TogglePane(Side),
    SaveLayout,
    /// Alt+1..4: focus a pane.
    Focus(u8),
    /// Save the journal now (the page is being hidden).
    Save,
    DismissNotice,
    /// Start over with a fresh cluster (after the learner confirms).
    Reset,
    /// Open or close the session menu (export, import, share, reset).
    Menu(bool),
    Export,
    ImportPick,
    ImportRead(String, Result<String, String>),
    Share,
    ShareReady(Result<String, String>),
    CloseShare,
    /// The page was opened with a share link; its journal (or why it is unreadable).
    SharedRead(Result<Journal, String>),
    /// Replace the cluster with the shared one (true) or keep the current one (false).
    LoadShared(bool),
    /// The editor's text changed (typed).
    EditorInput(String),
    /// Check the editor's text now (the pause after typing).
    EditorCheck,
    /// Apply the editor's text (`true`: as a server dry run).
    EditorApply(bool),
    /// Replace the editor's text with template `i`.
    EditorTemplate(usize),
    /// Save (`true`) or cancel a `kubectl edit`.
    EditorEditDone(bool),
    /// The lesson pane: open this YAML in the editor.
    LessonOpen(String),
    /// The lesson pane: a `focus:` link.
    LessonFocus(String),
    /// The lesson pane: grade these checks from now on.
    LessonChecks(Rc<Checks>),
    /// The lesson pane: a fresh cluster, prepared for a lesson or drill.
    LessonStart(Rc<Start>),
}

/// The YAML editor's state, kept here so that it outlives the editor tab being shown.
#[derive(Default)]
struct EditorState {
    text: AttrValue,
    /// Bumped when the text is replaced from outside the text area.
    generation: u64,
    diagnostics: Rc<Vec<Diagnostic>>,
    /// The text and cluster revision `diagnostics` are for.
    checked: Option<(AttrValue, u64)>,
    timer: Option<Timeout>,
    output: Option<Rc<(String, Output)>>,
    edit: Option<EditSession>,
    /// The text the editor had before a `kubectl edit` borrowed it.
    draft: Option<String>,
}

pub struct App {
    session: Session,
    /// The current lesson's or drill's checks and their results.
    grading: Grading,
    options: Options,
    graph: Rc<Graph>,
    /// Where the picture's boxes were, so that they stay put.
    graph_memory: Memory,
    /// The revision `graph` was built at.
    drawn_revision: u64,
    /// The graph pane's state: the selected object, what the inspector shows of it, the
    /// events timeline, the time control.
    selected: Option<ObjectRef>,
    inspection: Option<Rc<Inspection>>,
    logs: Option<Rc<(String, Output)>>,
    log_container: Option<String>,
    events: Rc<Vec<EventRow>>,
    paused: bool,
    speed: u32,
    time_note: Option<String>,
    /// The last request a command made, shown on the graph (`seen_trace`: the last one
    /// already taken, so a command without a request leaves it be).
    trace: Option<Rc<TraceShow>>,
    seen_trace: u64,
    traces_shown: u64,
    clock: String,
    tabs: Vec<TermTab>,
    next_tab: u32,
    active: WorkTab,
    /// Lines run, oldest first, shared by every terminal (↑, Ctrl+R).
    history: Rc<Vec<String>>,
    next_entry: u64,
    layout: Layout,
    theme: Theme,
    lang: Lang,
    help_open: bool,
    /// A problem to show above the panes (storage full, a link that could not be read...).
    notice: Option<String>,
    /// The terminal tab and entry of the foreground job (`kubectl get -w`...), while it runs.
    job: Option<(u32, u64)>,
    /// Why the last save failed (shown until a save succeeds).
    save_error: Option<String>,
    menu_open: bool,
    /// The share link made for this cluster, shown until closed.
    share_link: Option<String>,
    /// A shared cluster waiting for the learner's yes or no.
    pending_share: Option<Journal>,
    /// The hidden file input behind "Import YAML".
    import_ref: NodeRef,
    /// The panes' grid, measured while dragging a handle.
    panes_ref: NodeRef,
    /// `performance.now()` at the last tick.
    last_tick: f64,
    /// Sub-millisecond remainder not yet given to the cluster.
    carry: f64,
    ticks_since_save: u32,
    /// Whether the explain data has been asked for (a failed fetch clears it, to try again).
    explain_requested: bool,
    editor: EditorState,
    /// Dropping these stops them; kept for the component's lifetime.
    _interval: Interval,
    _explain_timer: Timeout,
    _listeners: Vec<EventListener>,
}

/// Milliseconds since the page started, from the browser's monotonic clock.
fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Focuses the first element matching `selector`.
fn focus(selector: &str) {
    let el = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(el) = el {
        let _ = el.focus();
    }
}

impl App {
    /// Picks up changes after the cluster moved; returns whether anything shown changed.
    fn refresh(&mut self, force_graph: bool) -> bool {
        let mut changed = false;
        let cluster = self.session.cluster();
        let clock = cluster.now().rfc3339();
        if clock != self.clock {
            self.clock = clock;
            changed = true;
        }
        let revision = cluster.revision();
        if force_graph || revision != self.drawn_revision {
            self.drawn_revision = revision;
            let graph = cluster.graph(&self.options, &mut self.graph_memory);
            if *self.graph != graph {
                self.graph = Rc::new(graph);
            }
            let events = cluster.events(&self.options, EVENTS_SHOWN);
            if *self.events != events {
                self.events = Rc::new(events);
            }
            self.reinspect();
            changed = true;
        }
        changed |= self.grading.regrade(&mut self.session);
        changed
    }

    /// Gathers again what the inspector shows of the selected object.
    fn reinspect(&mut self) {
        let Some(object) = self.selected.clone() else {
            self.inspection = None;
            self.logs = None;
            return;
        };
        let seen = self.session.inspect(&object);
        let container = self
            .log_container
            .clone()
            .filter(|c| seen.containers.contains(c))
            .or_else(|| seen.containers.last().cloned());
        self.logs = container.map(|c| {
            let out = self.session.logs(&object, &c);
            Rc::new((c, out))
        });
        if self.inspection.as_deref() != Some(&seen) {
            self.inspection = Some(Rc::new(seen));
        }
    }

    fn tab_mut(&mut self, id: u32) -> Option<&mut TermTab> {
        self.tabs.iter_mut().find(|t| t.id == id)
    }

    /// The terminal that suggested commands run in: the one shown, else the first.
    fn current_terminal(&self) -> u32 {
        match self.active {
            WorkTab::Terminal(id) => id,
            WorkTab::Editor => self.tabs.first().map_or(1, |t| t.id),
        }
    }

    /// Adds an entry to terminal `tab`'s scrollback, dropping the oldest past the cap.
    fn push_entry(
        &mut self,
        tab: u32,
        prompt: String,
        command: String,
        output: Output,
        running: bool,
    ) {
        self.next_entry += 1;
        if running {
            self.job = Some((tab, self.next_entry));
        }
        let entry = Rc::new(Entry {
            id: self.next_entry,
            prompt,
            command,
            stdout: output.stdout,
            stderr: output.stderr,
            exit_code: output.exit_code,
            running,
        });
        if let Some(t) = self.tab_mut(tab) {
            let entries = Rc::make_mut(&mut t.entries);
            entries.push(entry);
            if entries.len() > SCROLLBACK {
                entries.drain(..entries.len() - SCROLLBACK);
            }
        }
    }

    /// Rebuilds each terminal's scrollback and the shared history from replayed lines.
    fn install_scrollback(&mut self, scrollback: Vec<Screen>) {
        let first = self.tabs.first().map_or(1, |t| t.id);
        let known = |tabs: &[TermTab], tab: u32| {
            if tabs.iter().any(|t| t.id == tab) {
                tab
            } else {
                first
            }
        };
        for screen in scrollback {
            match screen {
                Screen::Line {
                    tab,
                    prompt,
                    line,
                    output,
                    running,
                } => {
                    let tab = known(&self.tabs, tab);
                    self.remember(&line);
                    self.push_entry(tab, prompt, line, output, running);
                }
                Screen::More { output, running } => self.append_to_job(output, running, false),
                Screen::Interrupted { output } => self.append_to_job(output, false, true),
                Screen::Clear { tab } => {
                    if let Some(t) = self.tab_mut(known(&self.tabs, tab)) {
                        t.entries = Rc::default();
                    }
                }
            }
        }
    }

    /// Adds what the foreground job printed to its entry; when it no longer runs, the entry
    /// takes the line's status (and `^C` if it was interrupted, echoed as a terminal does).
    fn append_to_job(&mut self, output: Output, running: bool, interrupted: bool) {
        let Some((tab, id)) = self.job else {
            return;
        };
        if !running {
            self.job = None;
        }
        if output.stdout.is_empty() && output.stderr.is_empty() && running && !interrupted {
            return;
        }
        let Some(t) = self.tab_mut(tab) else {
            return;
        };
        let entries = Rc::make_mut(&mut t.entries);
        let Some(slot) = entries.iter_mut().rev().find(|e| e.id == id) else {
            return;
        };
        let mut entry = (**slot).clone();
        entry.stdout.push_str(&output.stdout);
        entry.stderr.push_str(&output.stderr);
        if interrupted {
            entry.stdout.push_str("^C");
        }
        entry.running = running;
        if !running {
            entry.exit_code = output.exit_code;
        }
        *slot = Rc::new(entry);
    }

    /// Replaces the session with a fresh one, or with `journal` replayed; saves it.
    fn replace_session(&mut self, ctx: &Context<Self>, journal: Option<&Journal>) {
        self.job = None;
        for tab in &mut self.tabs {
            tab.entries = Rc::default();
        }
        self.history = Rc::default();
        let mut scrollback = Vec::new();
        self.session = match journal {
            Some(j) => persist::replay_into(j, &mut scrollback),
            None => Session::new(),
        };
        self.install_scrollback(scrollback);
        self.forget_trace();
        self.session.mark_dirty();
        persist::forget();
        self.save();
        self.explain_requested = false;
        ctx.link().send_message(Msg::FetchExplain);
        self.refresh(true);
    }

    fn remember(&mut self, line: &str) {
        let line = line.trim_end_matches('\n');
        if !line.trim().is_empty() && self.history.last().is_none_or(|l| l != line) {
            Rc::make_mut(&mut self.history).push(line.to_string());
        }
    }

    fn run(&mut self, ctx: &Context<Self>, tab: u32, line: String) {
        if line.contains("explain") {
            ctx.link().send_message(Msg::FetchExplain);
        }
        self.remember(&line);
        // `clear` is the terminal's business (the shell prints nothing for it).
        if line.trim() == "clear" {
            self.clear(tab);
            return;
        }
        let prompt = self.session.cluster().prompt();
        let output = if line.trim().is_empty() {
            Output::default()
        } else {
            self.session.exec(tab, &line)
        };
        let running = self.session.job_running() && self.job.is_none();
        self.take_trace(&line);
        self.push_entry(tab, prompt, line, output, running);
        self.save();
    }

    /// A replayed or new session shows no trace until a command makes a request.
    fn forget_trace(&mut self) {
        self.trace = None;
        self.seen_trace = self.session.last_trace().map_or(0, |t| t.seq);
    }

    /// Shows the trace of a request the last command made, if it made one (`kubeplay
    /// trace` shows the last one again).
    fn take_trace(&mut self, line: &str) {
        let Some(trace) = self.session.last_trace() else {
            return;
        };
        let again = line.split_whitespace().take(2).eq(["kubeplay", "trace"]);
        if trace.seq != self.seen_trace || again {
            self.seen_trace = trace.seq;
            self.traces_shown += 1;
            self.trace = Some(Rc::new(TraceShow::of(&trace, self.traces_shown)));
        }
    }

    fn clear(&mut self, tab: u32) {
        if let Some(t) = self.tab_mut(tab) {
            t.entries = Rc::default();
        }
        self.session.clear(tab);
        self.save();
    }

    /// Saves the journal if it changed; a failure (storage full, private mode) is shown.
    fn save(&mut self) {
        self.ticks_since_save = 0;
        if !self.session.take_dirty() {
            return;
        }
        let tabs: Vec<u32> = self.tabs.iter().map(|t| t.id).collect();
        self.save_error = persist::save(self.session.journal(), &tabs).err();
    }

    fn view_header(&self, ctx: &Context<Self>) -> Html {
        let t = texts();
        let link = ctx.link();
        let on_lang = link.callback(|e: Event| {
            let tag = e
                .target_dyn_into::<web_sys::HtmlSelectElement>()
                .map(|s| s.value())
                .unwrap_or_default();
            Msg::SetLang(Lang::from_tag(&tag).unwrap_or(Lang::En))
        });
        let on_theme = link.callback(|e: Event| {
            let tag = e
                .target_dyn_into::<web_sys::HtmlSelectElement>()
                .map(|s| s.value())
                .unwrap_or_default();
            Msg::SetTheme(
                Theme::ALL
                    .into_iter()
                    .find(|th| th.tag() == tag)
                    .unwrap_or(Theme::System),
            )
        });
        let help_open = self.help_open;
        let on_help = link.callback(move |_: MouseEvent| Msg::Help(!help_open));
        let theme_name = |th: Theme| match th {
            Theme::System => t.theme_system,
            Theme::Light => t.theme_light,
            Theme::Dark => t.theme_dark,
        };
        html! {
            <header class="header">
                <h1 class="product">
                    <img class="logo" src="favicon.svg" alt="" width="22" height="22" />
                    { t.product }
                </h1>
                <span class="tagline">{ t.tagline }</span>
                <span class="spacer"></span>
                <span class="clock" title={t.virtual_time_hint}>
                    <span class="clock-label">{ t.virtual_time }</span>
                    <time id="virtual-time" datetime={self.clock.clone()}>{ self.clock.replace('T', " ") }</time>
                </span>
                <label class="header-control">
                    <span class="sr-only">{ t.language }</span>
                    <select id="language" aria-label={t.language} title={t.language} onchange={on_lang}>
                        { for Lang::ALL.iter().map(|l| html! {
                            <option value={l.tag()} selected={*l == self.lang} lang={l.tag()}>{ l.native_name() }</option>
                        }) }
                    </select>
                </label>
                <label class="header-control">
                    <span class="sr-only">{ t.theme }</span>
                    <select id="theme" aria-label={t.theme} title={t.theme} onchange={on_theme}>
                        { for Theme::ALL.iter().map(|th| html! {
                            <option value={th.tag()} selected={*th == self.theme}>{ theme_name(*th) }</option>
                        }) }
                    </select>
                </label>
                { self.view_menu(ctx) }
                <button type="button" id="help-button" class="icon-button" aria-label={t.help} title={t.help}
                    aria-expanded={self.help_open.to_string()} aria-controls="help" onclick={on_help}>{ "?" }</button>
            </header>
        }
    }

    /// The session menu: export, import, share link, reset.
    fn view_menu(&self, ctx: &Context<Self>) -> Html {
        let t = texts();
        let link = ctx.link();
        let open = self.menu_open;
        let item = |id: &'static str, label: &'static str, hint: &'static str, msg: fn() -> Msg| {
            html! {
                <button type="button" role="menuitem" {id} class="menu-item" title={hint}
                    onclick={link.callback(move |_: MouseEvent| msg())}>
                    <span class="menu-label">{ label }</span>
                    <span class="menu-hint">{ hint }</span>
                </button>
            }
        };
        let on_file = {
            let link = link.clone();
            Callback::from(move |e: Event| {
                let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else {
                    return;
                };
                let Some(file) = input.files().and_then(|f| f.get(0)) else {
                    return;
                };
                // Picking the same file again must fire `change` again.
                input.set_value("");
                let name = file.name();
                link.send_future(
                    async move { Msg::ImportRead(name, share::read_text(file).await) },
                );
            })
        };
        let on_key = link
            .batch_callback(|e: KeyboardEvent| (e.key() == "Escape").then_some(Msg::Menu(false)));
        html! {
            <div class="menu-wrap" onkeydown={on_key}>
                <button type="button" id="session-button" class="header-button" aria-haspopup="menu"
                    aria-expanded={open.to_string()} aria-controls="session-menu"
                    onclick={link.callback(move |_: MouseEvent| Msg::Menu(!open))}>{ format!("{} ▾", t.session_menu) }</button>
                if open {
                    <div class="menu" id="session-menu" role="menu" aria-label={t.session_menu}>
                        { item("export", t.export, t.export_hint, || Msg::Export) }
                        { item("import", t.import, t.import_hint, || Msg::ImportPick) }
                        { item("share", t.share, t.share_hint, || Msg::Share) }
                        { item("reset", t.reset, t.reset_hint, || Msg::Reset) }
                    </div>
                }
                <input type="file" id="import-file" class="sr-only" tabindex="-1" aria-hidden="true"
                    accept=".yaml,.yml,.json,application/yaml,text/yaml" ref={self.import_ref.clone()} onchange={on_file} />
            </div>
        }
    }

    /// The share link popover, and the question a shared link asks.
    fn view_dialogs(&self, ctx: &Context<Self>) -> Html {
        let t = texts();
        let link = ctx.link();
        let share = self.share_link.as_ref().map(|url| {
            let url_copy = url.clone();
            let on_copy = Callback::from(move |_: MouseEvent| share::copy(&url_copy));
            let on_key = link.batch_callback(|e: KeyboardEvent| (e.key() == "Escape").then_some(Msg::CloseShare));
            html! {
                <div class="popover dialog" role="dialog" aria-labelledby="share-title" onkeydown={on_key}>
                    <div class="popover-head">
                        <h2 id="share-title">{ t.share_title }</h2>
                        <button type="button" class="icon-button" aria-label={t.close} title={t.close}
                            onclick={link.callback(|_: MouseEvent| Msg::CloseShare)}>{ "✕" }</button>
                    </div>
                    <p>{ t.share_text }</p>
                    <div class="share-row">
                        <input id="share-link" type="text" readonly=true value={url.clone()} aria-label={t.share}
                            onfocus={Callback::from(|e: FocusEvent| {
                                if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() { i.select(); }
                            })} />
                        <button type="button" class="header-button" onclick={on_copy}>{ t.copy }</button>
                    </div>
                </div>
            }
        });
        let shared = self.pending_share.as_ref().map(|journal| {
            let (commands, ms) = journal.summary();
            let minutes = if ms < 60_000 {
                t.seconds.replace("{n}", &(ms / 1000).to_string())
            } else {
                t.minutes.replace("{n}", &(ms / 60_000).to_string())
            };
            let text = t
                .shared_text
                .replace("{n}", &commands.to_string())
                .replace("{time}", &minutes);
            let lines: Vec<&str> = journal.lines().collect();
            let shown = lines.iter().take(12).copied().collect::<Vec<_>>().join("\n");
            let more = lines.len().saturating_sub(12);
            html! {
                <div class="modal-backdrop">
                    <div class="popover dialog dialog-center" role="dialog" aria-modal="true" aria-labelledby="shared-title" id="shared-dialog">
                        <h2 id="shared-title">{ t.shared_title }</h2>
                        <p>{ text }</p>
                        <pre class="shared-lines">{ shown }{ if more > 0 { format!("\n… (+{more})") } else { String::new() } }</pre>
                        <div class="dialog-buttons">
                            <button type="button" class="header-button" id="shared-keep"
                                onclick={link.callback(|_: MouseEvent| Msg::LoadShared(false))}>{ t.shared_keep }</button>
                            <button type="button" class="header-button primary" id="shared-load"
                                onclick={link.callback(|_: MouseEvent| Msg::LoadShared(true))}>{ t.shared_load }</button>
                        </div>
                    </div>
                </div>
            }
        });
        html! { <>{ for share }{ for shared }</> }
    }

    /// A side pane's head: its title and the hide/show button.
    fn pane_head(&self, ctx: &Context<Self>, side: Side, title: &str, extra: Html) -> Html {
        let t = texts();
        let open = self.layout.is_open(side);
        let onclick = ctx
            .link()
            .callback(move |_: MouseEvent| Msg::TogglePane(side));
        let (label, arrow) = match (side, open) {
            (_, true) => (
                format!("{} {title}", t.collapse),
                if side == Side::Lesson { "«" } else { "»" },
            ),
            (_, false) => (
                format!("{} {title}", t.expand),
                if side == Side::Lesson { "»" } else { "«" },
            ),
        };
        html! {
            <div class="pane-head">
                <h2 class="pane-title">{ title.to_string() }</h2>
                if open { { extra } }
                <button type="button" class={classes!("icon-button", "pane-toggle")} id={format!("toggle-{}", side_tag(side))}
                    aria-label={label.clone()} title={label} aria-expanded={open.to_string()}
                    aria-controls={format!("pane-{}-body", side_tag(side))} {onclick}>{ arrow }</button>
            </div>
        }
    }

    fn splitter(&self, ctx: &Context<Self>, side: Side) -> Html {
        let link = ctx.link();
        let value = match side {
            Side::Lesson => self.layout.lesson_px,
            Side::Graph => self.layout.graph_px,
        };
        html! {
            <Splitter {side} open={self.layout.is_open(side)} {value} label={texts().resize_handle}
                on_drag={link.callback(move |x| Msg::Drag(side, x))}
                on_done={link.callback(|_| Msg::SaveLayout)}
                on_nudge={link.callback(move |d| Msg::Nudge(side, d))}
                on_toggle={link.callback(move |_| Msg::TogglePane(side))} />
        }
    }

    fn view_workspace(&self, ctx: &Context<Self>) -> Html {
        let t = texts();
        let link = ctx.link();
        let closable = self.tabs.len() > 1;
        let tab_button = |tab: WorkTab, label: String, id: String| {
            let selected = self.active == tab;
            let onclick = link.callback(move |_: MouseEvent| Msg::Select(tab));
            html! {
                <button type="button" role="tab" {id} class={classes!("tab", selected.then_some("tab-selected"))}
                    aria-selected={selected.to_string()} aria-controls="workspace-panel"
                    tabindex={if selected { "0" } else { "-1" }} {onclick}>{ label }</button>
            }
        };
        // Arrow keys move between tabs (the ARIA tabs pattern).
        let order: Vec<WorkTab> = self
            .tabs
            .iter()
            .map(|tt| WorkTab::Terminal(tt.id))
            .chain([WorkTab::Editor])
            .collect();
        let active = self.active;
        let on_tabs_key = link.batch_callback(move |e: KeyboardEvent| {
            let at = order.iter().position(|w| *w == active)?;
            let next = match e.key().as_str() {
                "ArrowRight" => order.get(at + 1).or(order.first()),
                "ArrowLeft" => order.get(at.checked_sub(1)?).or(order.last()),
                _ => None,
            }?;
            e.prevent_default();
            Some(Msg::Select(*next))
        });
        let panel = match self.active {
            WorkTab::Terminal(id) => match self.tabs.iter().find(|tt| tt.id == id) {
                Some(tab) => self.view_terminal(ctx, tab),
                None => html! {},
            },
            WorkTab::Editor => self.view_editor(ctx),
        };
        html! {
            <section class="pane pane-workspace" id="pane-workspace" aria-label={t.workspace_label}>
                <div class="tabs" role="tablist" aria-label={t.workspace_label} onkeydown={on_tabs_key}>
                    { for self.tabs.iter().enumerate().map(|(i, tt)| {
                        let id = tt.id;
                        let label = if self.tabs.len() == 1 { t.terminal_tab.to_string() } else { format!("{} {}", t.terminal_tab, i + 1) };
                        let close = link.callback(move |e: MouseEvent| { e.stop_propagation(); Msg::CloseTerminal(id) });
                        html! {
                            <span class="tab-wrap" key={id}>
                                { tab_button(WorkTab::Terminal(id), label, format!("tab-terminal-{id}")) }
                                if closable {
                                    <button type="button" class="tab-close" aria-label={t.close_tab} title={t.close_tab} onclick={close}>{ "✕" }</button>
                                }
                            </span>
                        }
                    }) }
                    <button type="button" class={classes!("icon-button", "tab-new")} id="new-terminal" aria-label={t.new_terminal} title={t.new_terminal}
                        onclick={link.callback(|_: MouseEvent| Msg::NewTerminal)}>{ "+" }</button>
                    <span class="spacer"></span>
                    { tab_button(WorkTab::Editor, t.editor_tab.to_string(), "tab-editor".to_string()) }
                </div>
                <div class="tab-panel" id="workspace-panel" role="tabpanel">{ panel }</div>
            </section>
        }
    }

    fn view_editor(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let e = &self.editor;
        let checking = e.checked.as_ref().is_none_or(|(text, _)| *text != e.text);
        html! {
            <div class="editor-slot" id="workspace-editor" tabindex="-1">
                <Editor text={e.text.clone()} generation={e.generation}
                    diagnostics={e.diagnostics.clone()} {checking}
                    output={e.output.clone()} edit={e.edit.clone()}
                    on_input={link.callback(Msg::EditorInput)}
                    on_apply={link.callback(Msg::EditorApply)}
                    on_template={link.callback(Msg::EditorTemplate)}
                    on_edit_done={link.callback(Msg::EditorEditDone)} />
            </div>
        }
    }

    /// Checks the editor's text unless the result for this text and cluster is at hand.
    fn check_editor(&mut self) -> bool {
        let revision = self.session.cluster().revision();
        let e = &mut self.editor;
        e.timer = None;
        if e.checked.as_ref() == Some(&(e.text.clone(), revision)) {
            return false;
        }
        let mut found = if self.editor.edit.is_some() {
            self.session.check_edit(&self.editor.text)
        } else {
            self.session.check_manifest(&self.editor.text)
        };
        let e = &mut self.editor;
        if e.edit.is_some() {
            // `kubectl edit` patches: apply's warnings (a missing last-applied annotation)
            // are not about it.
            found.retain(|d| d.severity == kubeplay_core::Severity::Error);
        }
        if *e.diagnostics != found {
            e.diagnostics = Rc::new(found);
        }
        e.checked = Some((e.text.clone(), revision));
        let _ = crate::storage::set(EDITOR_DRAFT_KEY, &e.text);
        true
    }

    /// Checks the editor's text after a pause (typing restarts it).
    fn schedule_check(&mut self, ctx: &Context<Self>) {
        let link = ctx.link().clone();
        self.editor.timer = Some(Timeout::new(CHECK_DELAY_MS, move || {
            link.send_message(Msg::EditorCheck)
        }));
    }

    /// Opens the `kubectl edit` the last line started (if it did) in the editor, keeping the
    /// draft aside; returns whether one was opened.
    fn open_pending_edit(&mut self, ctx: &Context<Self>, tab: u32) -> bool {
        let Some((path, text)) = self
            .session
            .cluster()
            .pending_edit()
            .map(|e| (e.path().to_string(), e.text().to_string()))
        else {
            return false;
        };
        if self.editor.edit.is_none() && self.editor.draft.is_none() {
            self.editor.draft = Some(self.editor.text.to_string());
        }
        self.editor.edit = Some(EditSession { target: path, tab });
        self.editor.output = None;
        self.replace_editor_text(ctx, &text);
        self.active = WorkTab::Editor;
        true
    }

    /// Adds output to terminal `tab`'s last entry (what `kubectl edit` prints once the
    /// editor closes).
    fn append_output(&mut self, tab: u32, output: Output) {
        let Some(t) = self.tab_mut(tab) else { return };
        match Rc::make_mut(&mut t.entries).last_mut() {
            Some(last) => {
                let entry = Rc::make_mut(last);
                entry.stdout.push_str(&output.stdout);
                entry.stderr.push_str(&output.stderr);
                entry.exit_code = output.exit_code;
            }
            None => self.push_entry(tab, String::new(), String::new(), output, false),
        }
    }

    /// Replaces the editor's text from outside the text area (a template, `kubectl edit`).
    fn replace_editor_text(&mut self, ctx: &Context<Self>, text: &str) {
        self.editor.text = AttrValue::from(text.to_string());
        self.editor.generation += 1;
        self.schedule_check(ctx);
    }

    fn view_terminal(&self, ctx: &Context<Self>, tab: &TermTab) -> Html {
        let link = ctx.link();
        let id = tab.id;
        let busy = self.job.is_some_and(|(t, _)| t == id);
        html! {
            <Terminal key={id} {busy}
                entries={tab.entries.clone()}
                prompt={AttrValue::from(self.session.cluster().prompt())}
                history={self.history.clone()}
                completion={tab.completion.clone()}
                on_run={link.callback(move |line| Msg::Run { tab: id, line })}
                on_clear={link.callback(move |_| Msg::Clear(id))}
                on_interrupt={link.callback(move |line| Msg::Interrupt { tab: id, line })}
                on_complete={link.callback(move |(line, cursor)| Msg::Complete { tab: id, line, cursor })} />
        }
    }

    fn view_graph(&self, ctx: &Context<Self>) -> Html {
        let t = texts();
        let link = ctx.link();
        let on_system = ctx.link().callback(|e: Event| {
            let checked = e
                .target_dyn_into::<web_sys::HtmlInputElement>()
                .is_some_and(|i| i.checked());
            Msg::ShowSystem(checked)
        });
        let extra = html! {
            <label class="toggle">
                <input id="show-system" type="checkbox" checked={self.options.include_system} onchange={on_system} />
                { t.show_system_pods }
            </label>
        };
        let open = self.layout.graph_open;
        html! {
            <section class={classes!("pane", "pane-side", "pane-graph", (!open).then_some("pane-closed"))} id="pane-graph" aria-label={t.graph_title}>
                { self.pane_head(ctx, Side::Graph, t.graph_title, extra) }
                if open {
                    <div class="pane-body graph-body" id="pane-graph-body" tabindex="-1">
                        <div class="timebar-slot">
                            <TimeBar paused={self.paused} speed={self.speed} note={self.time_note.clone()}
                                on_pause={link.callback(Msg::Pause)} on_speed={link.callback(Msg::Speed)}
                                on_step={link.callback(|_| Msg::StepTime)} on_settle={link.callback(|_| Msg::Settle)} />
                        </div>
                        <div class="graph-main">
                            <GraphView graph={self.graph.clone()} selected={self.selected.as_ref().map(ObjectRef::id)}
                                options={self.options.clone()} trace={self.trace.clone()}
                                on_select={link.callback(|id: String| Msg::Inspect(ObjectRef::from_id(&id)))}
                                on_options={link.callback(Msg::GraphOptions)} />
                            <div class="inspector-slot">
                                if self.inspection.is_some() {
                                <Inspector inspection={self.inspection.clone()} logs={self.logs.clone()}
                                    on_select={link.callback(|o| Msg::Inspect(Some(o)))}
                                    on_logs={link.callback(Msg::LogsOf)}
                                    on_close={link.callback(|_| Msg::Inspect(None))} />
                                }
                            </div>
                        </div>
                        <div class="timeline-slot">
                            <Timeline events={self.events.clone()} selected={self.selected.as_ref().map(ObjectRef::id)}
                                on_select={link.callback(|o| Msg::Inspect(Some(o)))} />
                        </div>
                    </div>
                }
            </section>
        }
    }

    fn view_lesson(&self, ctx: &Context<Self>) -> Html {
        let t = texts();
        let open = self.layout.lesson_open;
        html! {
            <aside class={classes!("pane", "pane-side", "pane-lesson", (!open).then_some("pane-closed"))} id="pane-lesson" aria-label={t.lesson_title}>
                { self.pane_head(ctx, Side::Lesson, t.lesson_title, html! {}) }
                if open {
                    <div class="pane-body lesson-body" id="pane-lesson-body" tabindex="-1">
                        <LessonPane on_run={ctx.link().callback(Msg::RunSuggested)}
                            on_open={ctx.link().callback(Msg::LessonOpen)}
                            on_focus={ctx.link().callback(Msg::LessonFocus)}
                            on_checks={ctx.link().callback(Msg::LessonChecks)}
                            on_start={ctx.link().callback(Msg::LessonStart)}
                            results={self.grading.results()}
                            has_work={self.session.journal().summary().0 > 0} />
                    </div>
                }
            </aside>
        }
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let lang = persist::load_lang();
        text::set_lang(lang);
        if let Some(root) = document_element() {
            let _ = root.set_attribute("lang", lang.tag());
        }
        let theme = Theme::load();
        theme.apply();

        let restored = persist::restore();
        let mut tabs: Vec<TermTab> = restored.tabs.iter().map(|id| TermTab::new(*id)).collect();
        if tabs.is_empty() {
            tabs.push(TermTab::new(1));
        }
        let options = Options::default();
        let mut graph_memory = Memory::default();
        let graph = Rc::new(
            restored
                .session
                .cluster()
                .graph(&options, &mut graph_memory),
        );
        let events = Rc::new(restored.session.cluster().events(&options, EVENTS_SHOWN));
        let mut app = App {
            grading: Grading::default(),
            drawn_revision: restored.session.cluster().revision(),
            clock: restored.session.cluster().now().rfc3339(),
            session: restored.session,
            options,
            graph,
            graph_memory,
            selected: None,
            inspection: None,
            logs: None,
            log_container: None,
            events,
            paused: false,
            speed: 1,
            time_note: None,
            trace: None,
            seen_trace: 0,
            traces_shown: 0,
            next_tab: tabs.iter().map(|t| t.id).max().unwrap_or(1) + 1,
            active: WorkTab::Terminal(tabs.first().map_or(1, |t| t.id)),
            tabs,
            history: Rc::default(),
            next_entry: 0,
            layout: Layout::load(),
            theme,
            lang,
            help_open: false,
            notice: restored.notice,
            save_error: None,
            job: None,
            menu_open: false,
            share_link: None,
            pending_share: None,
            import_ref: NodeRef::default(),
            panes_ref: NodeRef::default(),
            last_tick: now_ms(),
            carry: 0.0,
            ticks_since_save: 0,
            explain_requested: false,
            editor: EditorState {
                text: AttrValue::from(crate::storage::get(EDITOR_DRAFT_KEY).unwrap_or_else(|| {
                    kubeplay_core::templates::TEMPLATES
                        .get(1)
                        .map_or("", |t| t.text)
                        .to_string()
                })),
                ..EditorState::default()
            },
            _interval: {
                let link = ctx.link().clone();
                Interval::new(TICK_MS, move || link.send_message(Msg::Tick))
            },
            _explain_timer: {
                let link = ctx.link().clone();
                Timeout::new(EXPLAIN_DELAY_MS, move || {
                    link.send_message(Msg::FetchExplain)
                })
            },
            _listeners: Vec::new(),
        };
        app.install_scrollback(restored.scrollback);
        app.forget_trace();
        // Small, and `kubectl` alone prints help: fetched at once, not when first asked for.
        if !Cluster::has_help_texts() {
            ctx.link().send_future(async {
                Msg::HelpFetched(explain_data::fetch_text(explain_data::HELP_URL).await)
            });
        }
        // Opened with a share link: read it, then ask before replacing anything.
        let fragment = share::fragment();
        if !fragment.is_empty() {
            ctx.link().send_future(async move {
                match share::from_fragment(&fragment).await {
                    Some(read) => Msg::SharedRead(read),
                    None => Msg::SharedRead(Err(String::new())),
                }
            });
        }

        if let Some(window) = web_sys::window() {
            // Save when the page is hidden or closed (clock-only changes are saved lazily).
            let link = ctx.link().clone();
            app._listeners
                .push(EventListener::new(&window, "pagehide", move |_| {
                    link.send_message(Msg::Save)
                }));
            let link = ctx.link().clone();
            if let Some(doc) = window.document() {
                app._listeners
                    .push(EventListener::new(&doc, "visibilitychange", move |_| {
                        link.send_message(Msg::Save)
                    }));
                // Alt+1..4 move between panes from anywhere.
                let link = ctx.link().clone();
                // Not passive (gloo's default): it calls preventDefault.
                let options = EventListenerOptions::enable_prevent_default();
                app._listeners.push(EventListener::new_with_options(
                    &doc,
                    "keydown",
                    options,
                    move |e| {
                        let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                            return;
                        };
                        if e.alt_key() && !e.ctrl_key() && !e.meta_key() {
                            let n = match e.code().as_str() {
                                "Digit1" => 1,
                                "Digit2" => 2,
                                "Digit3" => 3,
                                "Digit4" => 4,
                                _ => return,
                            };
                            e.prevent_default();
                            link.send_message(Msg::Focus(n));
                        }
                    },
                ));
            }
        }
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Tick => {
                let now = now_ms();
                let elapsed = (now - self.last_tick).clamp(0.0, MAX_STEP_MS) + self.carry;
                self.last_tick = now;
                let whole = elapsed.floor();
                self.carry = elapsed - whole;
                if whole >= 1.0 && !self.paused {
                    self.session.advance(whole as i64 * i64::from(self.speed));
                }
                if self.job.is_some() {
                    let output = self.session.take_output();
                    let running = self.session.job_running();
                    self.append_to_job(output, running, false);
                    if !running {
                        self.save();
                    }
                }
                self.ticks_since_save += 1;
                if self.ticks_since_save >= SAVE_EVERY_TICKS {
                    self.save();
                }
                self.refresh(false)
            }
            Msg::Run { tab, line } => {
                self.run(ctx, tab, line);
                self.open_pending_edit(ctx, tab);
                self.refresh(false);
                true
            }
            Msg::RunSuggested(line) => {
                let tab = self.current_terminal();
                self.active = WorkTab::Terminal(tab);
                self.run(ctx, tab, line);
                self.open_pending_edit(ctx, tab);
                self.refresh(false);
                true
            }
            Msg::Clear(tab) => {
                self.clear(tab);
                true
            }
            Msg::Interrupt { tab, line } => {
                if self.session.job_running() {
                    let output = self.session.interrupt();
                    self.append_to_job(output, false, true);
                    self.save();
                } else {
                    // No job: the line is shown cancelled, as a shell echoes ^C.
                    let prompt = self.session.cluster().prompt();
                    self.push_entry(tab, prompt, format!("{line}^C"), Output::default(), false);
                }
                self.refresh(false);
                true
            }
            Msg::Complete { tab, line, cursor } => {
                let completed = complete(&self.session, &line, cursor);
                match (completed, self.tab_mut(tab)) {
                    (Some(c), Some(t)) => {
                        t.completion = Some(Rc::new(c));
                        true
                    }
                    _ => false,
                }
            }
            Msg::ShowSystem(show) => {
                self.options.include_system = show;
                self.refresh(true)
            }
            Msg::Inspect(object) => {
                if object != self.selected {
                    self.log_container = None;
                }
                self.selected = object;
                self.reinspect();
                true
            }
            Msg::LessonOpen(text) => {
                self.replace_editor_text(ctx, &text);
                self.active = WorkTab::Editor;
                true
            }
            // A selector link shows the first object it matches (by namespace and name).
            Msg::LessonFocus(href) => match self
                .session
                .cluster()
                .focus_targets(&href)
                .into_iter()
                .next()
            {
                Some(object) => {
                    self.layout.graph_open = true;
                    Component::update(self, ctx, Msg::Inspect(Some(object)))
                }
                None => false,
            },
            Msg::LessonChecks(checks) => {
                self.grading.set(checks, &mut self.session);
                true
            }
            Msg::LessonStart(start) => {
                self.replace_session(ctx, None);
                for (name, text) in &start.files {
                    self.session.write_file(name, text);
                }
                if !start.setup.trim().is_empty() {
                    let tab = self.current_terminal();
                    self.active = WorkTab::Terminal(tab);
                    self.run(ctx, tab, start.setup.trim_end().to_string());
                }
                self.grading
                    .set(Rc::new(start.checks.clone()), &mut self.session);
                self.refresh(true);
                true
            }
            Msg::LogsOf(container) => {
                self.log_container = Some(container);
                self.reinspect();
                true
            }
            Msg::GraphOptions(options) => {
                self.options = options;
                self.refresh(true)
            }
            Msg::Pause(paused) => {
                self.paused = paused;
                self.time_note = None;
                true
            }
            Msg::Speed(speed) => {
                self.speed = speed;
                true
            }
            Msg::StepTime => {
                self.paused = true;
                let step = self.session.step(STEP_LIMIT_MS);
                let g = texts().g;
                let after = kubeplay_core::time::human_duration(step.advanced_ms);
                // What the learner watches changes before the Events that report it.
                let first = step
                    .changes
                    .iter()
                    .find(|c| c.kind != "Event")
                    .or(step.changes.first());
                self.time_note = Some(match first {
                    None => g.step_nothing.replace("{t}", &after),
                    Some(first) => {
                        let verb = match first.change {
                            ChangeType::Added => g.change_added,
                            ChangeType::Modified => g.change_modified,
                            ChangeType::Deleted => g.change_deleted,
                        };
                        let what = format!("{} {} {verb}", first.kind, first.name);
                        let more = match step.changes.len() - 1 {
                            0 => String::new(),
                            n => g.more_changes.replace("{n}", &n.to_string()),
                        };
                        g.stepped
                            .replace("{t}", &after)
                            .replace("{what}", &what)
                            .replace("{more}", &more)
                    }
                });
                self.refresh(false);
                true
            }
            Msg::Settle => {
                let (ms, settled) = self
                    .session
                    .run_until_settled(SETTLE_QUIET_MS, SETTLE_LIMIT_MS);
                let g = texts().g;
                let after = kubeplay_core::time::human_duration(ms);
                let note = if settled { g.settled } else { g.not_settled };
                self.time_note = Some(note.replace("{t}", &after));
                self.refresh(false);
                true
            }
            Msg::FetchExplain => {
                if !self.explain_requested && !self.session.cluster().has_explain_data() {
                    self.explain_requested = true;
                    ctx.link().send_future(async {
                        Msg::ExplainFetched(explain_data::fetch_text(explain_data::URL).await)
                    });
                }
                false
            }
            Msg::ExplainFetched(fetched) => {
                let loaded = fetched.and_then(|text| self.session.load_explain_data(&text));
                if let Err(e) = loaded {
                    web_sys::console::warn_1(&format!("kubectl explain data: {e}").into());
                    self.explain_requested = false;
                }
                false
            }
            Msg::HelpFetched(Ok(text)) => {
                Cluster::load_help_texts(&text);
                false
            }
            Msg::HelpFetched(Err(e)) => {
                web_sys::console::warn_1(&format!("kubectl help texts: {e}").into());
                false
            }
            Msg::SetLang(lang) => {
                self.lang = lang;
                text::set_lang(lang);
                persist::save_lang(lang);
                if let Some(root) = document_element() {
                    let _ = root.set_attribute("lang", lang.tag());
                }
                true
            }
            Msg::SetTheme(theme) => {
                self.theme = theme;
                theme.apply();
                true
            }
            Msg::Help(open) => {
                self.help_open = open;
                if !open {
                    focus("#help-button");
                }
                true
            }
            Msg::Select(tab) => {
                self.active = tab;
                if tab == WorkTab::Editor {
                    self.schedule_check(ctx);
                }
                true
            }
            Msg::EditorInput(text) => {
                self.editor.text = AttrValue::from(text);
                self.schedule_check(ctx);
                true
            }
            Msg::EditorCheck => self.check_editor(),
            Msg::EditorApply(dry_run) => {
                let text = self.editor.text.to_string();
                self.session.write_file(EDITOR_FILE, &text);
                let line = if dry_run {
                    format!("kubectl apply -f {EDITOR_FILE} --dry-run=server")
                } else {
                    format!("kubectl apply -f {EDITOR_FILE}")
                };
                let tab = self.current_terminal();
                self.run(ctx, tab, line.clone());
                let printed = self
                    .tabs
                    .iter()
                    .find(|t| t.id == tab)
                    .and_then(|t| t.entries.last())
                    .map(|e| Output {
                        stdout: e.stdout.clone(),
                        stderr: e.stderr.clone(),
                        exit_code: e.exit_code,
                    })
                    .unwrap_or_default();
                self.editor.output = Some(Rc::new((line, printed)));
                self.refresh(false);
                self.check_editor();
                true
            }
            Msg::EditorTemplate(i) => {
                if let Some(t) = kubeplay_core::templates::TEMPLATES.get(i) {
                    self.replace_editor_text(ctx, t.text);
                }
                true
            }
            Msg::EditorEditDone(save) => {
                let Some(edit) = self.editor.edit.take() else {
                    return false;
                };
                let text = self.editor.text.to_string();
                let output = if save {
                    self.session.finish_edit(&text)
                } else {
                    self.session.cancel_edit()
                };
                self.append_output(edit.tab, output);
                self.save();
                self.refresh(false);
                // A refused save re-opens the file with kubectl's reasons in its header.
                if !self.open_pending_edit(ctx, edit.tab) {
                    let draft = self.editor.draft.take().unwrap_or_default();
                    self.replace_editor_text(ctx, &draft);
                    self.active = WorkTab::Terminal(edit.tab);
                }
                true
            }
            Msg::NewTerminal => {
                let id = self.next_tab;
                self.next_tab += 1;
                self.tabs.push(TermTab::new(id));
                self.active = WorkTab::Terminal(id);
                self.session.mark_dirty();
                self.save();
                true
            }
            Msg::CloseTerminal(id) => {
                if self.tabs.len() > 1 {
                    let at = self.tabs.iter().position(|t| t.id == id).unwrap_or(0);
                    self.tabs.retain(|t| t.id != id);
                    if self.active == WorkTab::Terminal(id) {
                        let next = self
                            .tabs
                            .get(at.min(self.tabs.len() - 1))
                            .map_or(1, |t| t.id);
                        self.active = WorkTab::Terminal(next);
                    }
                    self.session.mark_dirty();
                    self.save();
                }
                true
            }
            Msg::Drag(side, x) => {
                let Some(el) = self.panes_ref.cast::<web_sys::Element>() else {
                    return false;
                };
                let rect = el.get_bounding_client_rect();
                self.layout.drag(side, x, rect.left(), rect.right());
                true
            }
            Msg::Nudge(side, delta) => {
                self.layout.nudge(side, delta);
                true
            }
            Msg::TogglePane(side) => {
                self.layout.toggle(side);
                self.layout.save();
                true
            }
            Msg::SaveLayout => {
                self.layout.save();
                false
            }
            Msg::Focus(n) => {
                match n {
                    1 => {
                        self.layout.lesson_open = true;
                        focus("#pane-lesson-body");
                    }
                    2 => {
                        self.active = WorkTab::Terminal(self.current_terminal());
                        focus("#terminal-input");
                    }
                    3 => {
                        self.active = WorkTab::Editor;
                        focus("#workspace-editor");
                    }
                    _ => {
                        self.layout.graph_open = true;
                        focus("#pane-graph-body");
                    }
                }
                // The pane may only exist after this render: focus again once it does.
                let selector = match n {
                    1 => "#pane-lesson-body",
                    2 => "#terminal-input",
                    3 => "#workspace-editor",
                    _ => "#pane-graph-body",
                };
                Timeout::new(0, move || focus(selector)).forget();
                true
            }
            Msg::Save => {
                self.save();
                false
            }
            Msg::DismissNotice => {
                self.notice = None;
                true
            }
            Msg::Reset => {
                let confirmed = web_sys::window()
                    .and_then(|w| w.confirm_with_message(texts().reset_confirm).ok())
                    .unwrap_or(false);
                if !confirmed {
                    return false;
                }
                self.menu_open = false;
                self.replace_session(ctx, None);
                true
            }
            Msg::Menu(open) => {
                self.menu_open = open;
                if !open {
                    focus("#session-button");
                }
                true
            }
            Msg::Export => {
                self.menu_open = false;
                let yaml = self.session.cluster().export_yaml();
                if let Err(e) = share::download("kubeplay-cluster.yaml", &yaml) {
                    self.notice = Some(e);
                }
                true
            }
            Msg::ImportPick => {
                self.menu_open = false;
                if let Some(input) = self.import_ref.cast::<web_sys::HtmlElement>() {
                    input.click();
                }
                true
            }
            Msg::ImportRead(name, read) => {
                let t = texts();
                let fill = |template: &str, n: usize| {
                    template
                        .replace("{file}", &name)
                        .replace("{n}", &n.to_string())
                };
                let text = match read {
                    Ok(text) => text,
                    Err(e) => {
                        self.notice = Some(format!("{}\n{e}", fill(t.import_failed, 0)));
                        return true;
                    }
                };
                // A dry run in a scratch cluster first: a bundle with errors leaves the
                // learner's cluster alone, and the errors are kubectl's own.
                let path = import_path(&name);
                let apply = format!("kubectl apply -f {path}");
                let mut scratch = Session::new();
                scratch.write_file(&path, &text);
                let tried = scratch.exec(1, &apply);
                if !tried.success() {
                    self.notice = Some(format!(
                        "{}\n{}",
                        fill(t.import_failed, 0),
                        tried.stderr.trim_end()
                    ));
                    return true;
                }
                let count = tried.stdout.lines().count();
                let confirmed = web_sys::window()
                    .and_then(|w| w.confirm_with_message(&fill(t.import_confirm, count)).ok())
                    .unwrap_or(false);
                if !confirmed {
                    return false;
                }
                self.replace_session(ctx, None);
                let tab = self.current_terminal();
                self.active = WorkTab::Terminal(tab);
                self.session.write_file(&path, &text);
                self.run(ctx, tab, apply);
                self.notice = Some(fill(t.import_done, count));
                self.refresh(true);
                true
            }
            Msg::Share => {
                self.menu_open = false;
                let journal = self.session.journal().clone();
                ctx.link()
                    .send_future(async move { Msg::ShareReady(share::link(&journal).await) });
                false
            }
            Msg::ShareReady(made) => {
                match made {
                    Ok(url) => {
                        share::copy(&url);
                        self.share_link = Some(url);
                        Timeout::new(0, || focus("#share-link")).forget();
                    }
                    Err(e) => self.notice = Some(format!("{} ({e})", texts().share_failed)),
                }
                true
            }
            Msg::CloseShare => {
                self.share_link = None;
                focus("#session-button");
                true
            }
            Msg::SharedRead(read) => {
                match read {
                    Ok(journal) => {
                        self.pending_share = Some(journal);
                        Timeout::new(0, || focus("#shared-load")).forget();
                    }
                    Err(e) => {
                        share::clear_fragment();
                        if !e.is_empty() {
                            self.notice = Some(format!("{} ({e})", texts().shared_bad));
                        }
                    }
                }
                true
            }
            Msg::LoadShared(load) => {
                share::clear_fragment();
                if let Some(journal) = self.pending_share.take()
                    && load
                {
                    self.replace_session(ctx, Some(&journal));
                }
                focus("#terminal-input");
                true
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let columns = format!("--columns: {}", self.layout.columns());
        let on_dismiss = ctx.link().callback(|_: MouseEvent| Msg::DismissNotice);
        html! {
            <ContextProvider<Lang> context={self.lang}>
                <div class="app">
                    { self.view_header(ctx) }
                    if let Some(error) = &self.save_error {
                        <div class="notice notice-error" role="alert" id="save-error">{ error.clone() }</div>
                    }
                    if let Some(notice) = &self.notice {
                        <div class="notice" role="alert">
                            <span>{ notice.clone() }</span>
                            <button type="button" class="icon-button" aria-label={texts().close} onclick={on_dismiss}>{ "✕" }</button>
                        </div>
                    }
                    { self.view_dialogs(ctx) }
                    if self.help_open {
                        <Help on_close={ctx.link().callback(|_| Msg::Help(false))} />
                    }
                    <main class="panes" ref={self.panes_ref.clone()} style={columns}>
                        { self.view_lesson(ctx) }
                        { self.splitter(ctx, Side::Lesson) }
                        { self.view_workspace(ctx) }
                        { self.splitter(ctx, Side::Graph) }
                        { self.view_graph(ctx) }
                    </main>
                </div>
            </ContextProvider<Lang>>
        }
    }
}
