//! A terminal pane: scrollback of earlier lines with what they printed, a prompt and an input
//! line with history (↑/↓, Ctrl+R reverse search), Ctrl+L to clear, Ctrl+C to cancel the line
//! (or stop a running watch), Tab completion and multi-line paste.
//!
//! The terminal keeps no cluster state: the root component owns the scrollback (so several
//! terminals share one cluster and everything survives a reload) and the shared history, and
//! is told what to run through callbacks. Each scrollback entry is its own keyed component over
//! an `Rc<Entry>` compared by pointer, so a new line renders one entry, not the whole history.
//!
//! Everything the cluster prints goes into the DOM as text nodes (yew escapes strings), never
//! as HTML, so output that looks like markup stays text; colour is only in the prompt.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::text::use_texts;

/// One line that was run, and what it printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Unique in the page, the entry's key.
    pub id: u64,
    /// The prompt shown when the line was typed.
    pub prompt: String,
    pub command: String,
    pub stdout: String,
    pub stderr: String,
    pub exit_code: i32,
    /// Still printing (a foreground job such as `kubectl get pods -w`).
    pub running: bool,
}

/// A completed line from the root component, applied to the input when it arrives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completed {
    /// The line after completion, and where the caret goes (in characters).
    pub line: String,
    pub cursor: usize,
    /// Several possibilities: listed under the line, as a shell does on a second Tab.
    pub candidates: Vec<String>,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The scrollback; `Rc` so that an unchanged scrollback compares by pointer.
    pub entries: Rc<Vec<Rc<Entry>>>,
    pub prompt: AttrValue,
    /// Earlier lines, oldest first, shared by every terminal.
    pub history: Rc<Vec<String>>,
    /// A foreground job runs: no prompt, Ctrl+C stops it.
    #[prop_or_default]
    pub busy: bool,
    /// Called with the line (several lines when pasted) when Enter is pressed.
    pub on_run: Callback<String>,
    /// Ctrl+L.
    pub on_clear: Callback<()>,
    /// Ctrl+C with an empty line or while a job runs: stop the job; with a line: the line
    /// (shown cancelled).
    pub on_interrupt: Callback<String>,
    /// Tab: the line and the caret (in characters); the answer comes back as `completion`.
    pub on_complete: Callback<(String, usize)>,
    #[prop_or_default]
    pub completion: Option<Rc<Completed>>,
}

/// Where the user is in the history while pressing Up and Down.
#[derive(Default)]
struct Browse {
    /// Index into the history; `None` when editing a fresh line.
    cursor: Option<usize>,
    /// The fresh line typed before browsing started, restored by Down past the newest entry.
    draft: String,
}

/// Ctrl+R: the query typed so far and the history index it matched.
#[derive(Clone, Debug, Default, PartialEq)]
struct Search {
    query: String,
    found: Option<usize>,
    /// The line being edited when the search started (Esc or Ctrl+G goes back to it).
    draft: String,
}

/// The newest history line at or before `before` that contains `query`.
fn search_back(history: &[String], query: &str, before: usize) -> Option<usize> {
    let end = before.min(history.len());
    history
        .get(..end)?
        .iter()
        .rposition(|line| line.contains(query))
}

/// Focuses the input unless the user is selecting text to copy.
fn focus_input(input: &NodeRef) {
    let selecting = web_sys::window()
        .and_then(|w| w.get_selection().ok().flatten())
        .is_some_and(|s| !s.is_collapsed());
    if !selecting && let Some(el) = input.cast::<HtmlInputElement>() {
        let _ = el.focus();
    }
}

/// The input's value and caret (in characters).
fn value_and_caret(input: &HtmlInputElement) -> (String, usize) {
    let value = input.value();
    // selectionStart counts UTF-16 units.
    let units = input.selection_start().ok().flatten().unwrap_or(0) as usize;
    let mut seen = 0;
    let chars = value
        .chars()
        .take_while(|c| {
            seen += c.len_utf16();
            seen <= units
        })
        .count();
    (value, chars)
}

fn set_caret(input: &HtmlInputElement, line: &str, chars: usize) {
    let units: usize = line.chars().take(chars).map(char::len_utf16).sum();
    let _ = input.set_selection_range(units as u32, units as u32);
}

#[function_component]
pub fn Terminal(props: &Props) -> Html {
    let t = use_texts();
    let value = use_state(String::new);
    let browse = use_mut_ref(Browse::default);
    let search = use_state(|| None::<Search>);
    let candidates = use_state(Vec::<String>::new);
    let input_ref = use_node_ref();
    let scroll_ref = use_node_ref();

    // After each command: scroll to the newest line and keep typing where we were.
    {
        let (input_ref, scroll_ref) = (input_ref.clone(), scroll_ref.clone());
        use_effect_with((props.entries.clone(), props.busy), move |_| {
            if let Some(el) = scroll_ref.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
            focus_input(&input_ref);
        });
    }

    // A completion arrived: put it in the input, caret where it says.
    {
        let (input_ref, value, candidates) = (input_ref.clone(), value.clone(), candidates.clone());
        use_effect_with(props.completion.clone(), move |completion| {
            if let Some(c) = completion {
                value.set(c.line.clone());
                candidates.set(c.candidates.clone());
                if let Some(el) = input_ref.cast::<HtmlInputElement>() {
                    el.set_value(&c.line);
                    set_caret(&el, &c.line, c.cursor);
                }
            }
        });
    }

    let oninput = {
        let (value, search, history) = (value.clone(), search.clone(), props.history.clone());
        Callback::from(move |e: InputEvent| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            if let Some(s) = &*search {
                let query = input.value();
                let found = search_back(&history, &query, history.len());
                search.set(Some(Search {
                    query,
                    found,
                    draft: s.draft.clone(),
                }));
            } else {
                value.set(input.value());
            }
        })
    };

    let onkeydown = {
        let (value, browse, search, candidates) = (
            value.clone(),
            browse.clone(),
            search.clone(),
            candidates.clone(),
        );
        let history = props.history.clone();
        let (on_run, on_clear, on_interrupt, on_complete) = (
            props.on_run.clone(),
            props.on_clear.clone(),
            props.on_interrupt.clone(),
            props.on_complete.clone(),
        );
        let busy = props.busy;
        Callback::from(move |e: KeyboardEvent| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let key = e.key();
            let ctrl = e.ctrl_key() && !e.alt_key() && !e.meta_key();
            let set_line = |line: String| {
                input.set_value(&line);
                value.set(line);
            };

            // Reverse search mode: typing edits the query (oninput); these keys act on it.
            if let Some(s) = &*search {
                let matched = s.found.and_then(|i| history.get(i)).cloned();
                match (ctrl, key.as_str()) {
                    (true, "r") => {
                        e.prevent_default();
                        let before = s.found.unwrap_or(history.len());
                        let found = search_back(&history, &s.query, before).or(s.found);
                        search.set(Some(Search { found, ..s.clone() }));
                    }
                    (true, "g") | (true, "c") | (false, "Escape") => {
                        e.prevent_default();
                        set_line(s.draft.clone());
                        search.set(None);
                    }
                    (false, "Enter") => {
                        e.prevent_default();
                        search.set(None);
                        let line = matched.unwrap_or_default();
                        set_line(String::new());
                        browse.borrow_mut().cursor = None;
                        on_run.emit(line);
                    }
                    (false, "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown" | "Tab") => {
                        e.prevent_default();
                        set_line(matched.unwrap_or_else(|| s.draft.clone()));
                        search.set(None);
                    }
                    _ => {}
                }
                return;
            }

            let current = input.value();
            match (ctrl, key.as_str()) {
                // While a job runs the line waits (the shell would read it after the job).
                (false, "Enter") if busy => e.prevent_default(),
                (false, "Enter") => {
                    e.prevent_default();
                    *browse.borrow_mut() = Browse::default();
                    candidates.set(Vec::new());
                    set_line(String::new());
                    on_run.emit(current);
                }
                (false, "ArrowUp") => {
                    // Also stops the caret jumping to the start of the line.
                    e.prevent_default();
                    let mut b = browse.borrow_mut();
                    let at = match b.cursor {
                        None => {
                            b.draft = current;
                            history.len().checked_sub(1)
                        }
                        Some(c) => Some(c.saturating_sub(1)),
                    };
                    if let Some(line) = at.and_then(|i| history.get(i)) {
                        b.cursor = at;
                        set_line(line.clone());
                    }
                }
                (false, "ArrowDown") => {
                    e.prevent_default();
                    let mut b = browse.borrow_mut();
                    if let Some(c) = b.cursor {
                        if let Some(line) = history.get(c + 1) {
                            b.cursor = Some(c + 1);
                            set_line(line.clone());
                        } else {
                            b.cursor = None;
                            set_line(std::mem::take(&mut b.draft));
                        }
                    }
                }
                (false, "Tab") if !e.shift_key() => {
                    // Tab completes here; Shift+Tab still leaves the terminal.
                    e.prevent_default();
                    let (line, caret) = value_and_caret(&input);
                    on_complete.emit((line, caret));
                }
                (true, "r") => {
                    e.prevent_default();
                    input.set_value("");
                    search.set(Some(Search {
                        query: String::new(),
                        found: None,
                        draft: current,
                    }));
                }
                (true, "l") => {
                    e.prevent_default();
                    candidates.set(Vec::new());
                    on_clear.emit(());
                }
                (true, "c") => {
                    // With text selected, Ctrl+C copies it, as everywhere else.
                    let selected = input.selection_start().ok().flatten()
                        != input.selection_end().ok().flatten();
                    if selected && !busy {
                        return;
                    }
                    e.prevent_default();
                    *browse.borrow_mut() = Browse::default();
                    candidates.set(Vec::new());
                    set_line(String::new());
                    on_interrupt.emit(current);
                }
                _ => {}
            }
        })
    };

    // Several lines pasted at once run in order (the shell reads them as a script, so
    // here-documents work); a single line is pasted as usual, to be edited.
    let onpaste = {
        let (value, on_run) = (value.clone(), props.on_run.clone());
        Callback::from(move |e: Event| {
            let Some(e) = e.dyn_ref::<web_sys::ClipboardEvent>() else {
                return;
            };
            let text = e
                .clipboard_data()
                .and_then(|d| d.get_data("text/plain").ok())
                .unwrap_or_default();
            let text = text.replace("\r\n", "\n");
            let text = text.trim_end_matches('\n');
            if !text.contains('\n') {
                return;
            }
            e.prevent_default();
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            else {
                return;
            };
            let (line, caret) = value_and_caret(&input);
            let split = line
                .char_indices()
                .nth(caret)
                .map_or(line.len(), |(i, _)| i);
            let (before, after) = line.split_at(split);
            input.set_value("");
            value.set(String::new());
            on_run.emit(format!("{before}{text}{after}"));
        })
    };

    let onclick = {
        let input_ref = input_ref.clone();
        Callback::from(move |_: MouseEvent| focus_input(&input_ref))
    };

    let searching = (*search).clone();
    let (label, input_value) = match &searching {
        Some(s) => (format!("({})`", t.history_search), s.query.clone()),
        None if props.busy => (String::new(), (*value).clone()),
        None => (props.prompt.to_string(), (*value).clone()),
    };
    let matched = searching
        .as_ref()
        .and_then(|s| s.found.and_then(|i| props.history.get(i)))
        .cloned();

    html! {
        <section class="terminal" aria-label={t.terminal_label} {onclick}>
            <div class="terminal-scroll" ref={scroll_ref}>
                <div class="terminal-welcome">
                    { for t.welcome.iter().map(|line| html! { <p>{ *line }</p> }) }
                </div>
                <div class="terminal-output" role="log" aria-live="polite">
                    { for props.entries.iter().map(|entry| html! { <EntryView key={entry.id} entry={entry.clone()} /> }) }
                </div>
                if !candidates.is_empty() {
                    <pre class="terminal-candidates">{ candidates.join("  ") }</pre>
                }
                <div class={classes!("terminal-line", searching.is_some().then_some("terminal-searching"))}>
                    <label for="terminal-input" class="prompt">{ label }</label>
                    <input
                        id="terminal-input"
                        ref={input_ref}
                        type="text"
                        aria-label={t.input_label}
                        autocomplete="off"
                        autocapitalize="off"
                        spellcheck="false"
                        autofocus=true
                        size={searching.as_ref().map(|s| (s.query.chars().count() + 1).to_string())}
                        value={input_value}
                        {oninput}
                        {onkeydown}
                        {onpaste}
                    />
                    if searching.is_some() {
                        <span class="search-match">{ format!("': {}", matched.unwrap_or_default()) }</span>
                    }
                </div>
            </div>
        </section>
    }
}

#[derive(Properties)]
struct EntryProps {
    entry: Rc<Entry>,
}

impl PartialEq for EntryProps {
    /// Entries are replaced, never mutated in place: a pointer test suffices.
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.entry, &other.entry)
    }
}

#[function_component]
fn EntryView(props: &EntryProps) -> Html {
    let entry = &props.entry;
    // A trailing newline in a <pre> would show as an empty line.
    let stdout = entry.stdout.trim_end_matches('\n');
    let stderr = entry.stderr.trim_end_matches('\n');
    // Lines after the first of a pasted script show bash's continuation prompt.
    let command = entry.command.replace('\n', "\n> ");
    html! {
        <div class={classes!("terminal-entry", entry.running.then_some("terminal-running"))} data-exit-code={entry.exit_code.to_string()}>
            <div class="terminal-command">
                <span class="prompt">{ entry.prompt.clone() }</span>
                <span class="command">{ command }</span>
            </div>
            if !stdout.is_empty() {
                <pre class="terminal-stdout">{ stdout }</pre>
            }
            if !stderr.is_empty() {
                <pre class="terminal-stderr">{ stderr }</pre>
            }
        </div>
    }
}
