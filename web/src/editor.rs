//! The YAML editor: a plain `<textarea>` over a coloured copy of its text, with line numbers,
//! the cluster's diagnostics at their lines, and Apply / Dry run / templates.
//!
//! Why a textarea and not a code-editor library: the browser's own text field keeps native
//! undo and redo, selection, spell-check off, input methods (Korean is typed through an IME,
//! which custom editors often break), screen readers and mobile keyboards, and costs no
//! JavaScript bundle. The colours are a `<pre>` laid exactly under the transparent text of the
//! textarea (same font, same line height, both sized by the same grid cell, one scroll box
//! for both), built line by line by [`crate::highlight`]; each line is its own component, so a
//! keystroke re-renders only the lines whose text (or marks) changed.
//!
//! Edits the editor makes itself (Tab indents, Enter keeps the indentation, a template loaded)
//! go through `document.execCommand("insertText")`, the one way to change a textarea's text that
//! the browser's undo history records; setting `value` would wipe that history.
//!
//! The text itself lives in the root component (it outlives this tab being shown); the checks
//! run there, through `Cluster::check_manifest`, a moment after typing stops.

use std::rc::Rc;

use kubeplay_core::{Diagnostic, Output, Severity};
use wasm_bindgen::JsCast;
use web_sys::{HtmlDocument, HtmlTextAreaElement};
use yew::prelude::*;

use crate::highlight::{self, Class, State};
use crate::text::texts;

/// Height of one line in pixels: the CSS (`.editor-code`) uses the same.
const LINE_PX: f64 = 20.0;
/// What one Tab inserts: YAML is indented with spaces, two by habit.
const INDENT: &str = "  ";

/// A `kubectl edit` in progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditSession {
    /// The file kubectl opened (`/tmp/kubectl-edit-1.yaml`), for the toolbar.
    pub target: String,
    /// The terminal it was typed in.
    pub tab: u32,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The buffer (the root keeps it).
    pub text: AttrValue,
    /// Bumped when the root replaces the text (a template, `kubectl edit`), so the textarea
    /// takes the new text even when it equals what was typed.
    pub generation: u64,
    pub diagnostics: Rc<Vec<Diagnostic>>,
    /// Whether a check is pending for the current text.
    pub checking: bool,
    /// What the last Apply or Dry run printed, and which it was.
    pub output: Option<Rc<(String, Output)>>,
    pub edit: Option<EditSession>,
    pub on_input: Callback<String>,
    /// Apply (`false`) or Dry run (`true`).
    pub on_apply: Callback<bool>,
    pub on_template: Callback<usize>,
    /// Save (`true`) or Cancel (`false`) a `kubectl edit`.
    pub on_edit_done: Callback<bool>,
}

pub enum Msg {
    Input,
    Key(KeyboardEvent),
    /// The caret may have moved: update the message line.
    Caret,
    Goto(u32, u32),
    Template(Event),
}

pub struct Editor {
    area: NodeRef,
    scroll: NodeRef,
    /// The generation the textarea's content was last set from.
    shown_generation: Option<u64>,
    /// The line the caret is on (from 1), for the message line.
    caret_line: u32,
    /// After Escape, Tab leaves the editor (so keyboard users are never trapped).
    tab_leaves: bool,
}

impl Component for Editor {
    type Message = Msg;
    type Properties = Props;

    fn create(_ctx: &Context<Self>) -> Self {
        Editor {
            area: NodeRef::default(),
            scroll: NodeRef::default(),
            shown_generation: None,
            caret_line: 1,
            tab_leaves: false,
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let Some(area) = self.area.cast::<HtmlTextAreaElement>() else {
            return false;
        };
        match msg {
            Msg::Input => {
                ctx.props().on_input.emit(area.value());
                self.caret_moved(&area)
            }
            Msg::Key(e) => {
                let handled = match e.key().as_str() {
                    "Escape" => {
                        self.tab_leaves = true;
                        false
                    }
                    "Tab" if self.tab_leaves || e.ctrl_key() || e.alt_key() || e.meta_key() => {
                        false
                    }
                    "Tab" => indent(&area, e.shift_key()),
                    "Enter" if !e.shift_key() && !e.ctrl_key() && !e.is_composing() => {
                        newline(&area)
                    }
                    _ => false,
                };
                if e.key() != "Escape" && e.key() != "Shift" {
                    self.tab_leaves = false;
                }
                if handled {
                    e.prevent_default();
                    ctx.props().on_input.emit(area.value());
                }
                self.caret_moved(&area)
            }
            Msg::Caret => self.caret_moved(&area),
            Msg::Goto(line, column) => {
                let at = utf16_offset(&area.value(), line, column);
                let _ = area.focus();
                let _ = area.set_selection_range(at, at);
                if let Some(scroll) = self.scroll.cast::<web_sys::Element>() {
                    let top = (f64::from(line) - 4.0).max(0.0) * LINE_PX;
                    scroll.set_scroll_top(top as i32);
                }
                self.caret_moved(&area)
            }
            Msg::Template(e) => {
                if let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                    if let Ok(i) = select.value().parse::<usize>() {
                        ctx.props().on_template.emit(i);
                    }
                    select.set_value("");
                }
                false
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let t = texts();
        let props = ctx.props();
        let link = ctx.link();
        let marks = marks_by_line(&props.diagnostics);
        let mut state = State::default();
        let lines: Vec<Html> = props
            .text
            .split('\n')
            .enumerate()
            .map(|(i, text)| {
                let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
                let line = html! {
                    <HlLine key={i} text={AttrValue::from(text.to_string())} {state}
                        mark={marks.get(&number).copied()} />
                };
                state = highlight::line(text, state).1;
                line
            })
            .collect();
        let count = lines.len();
        let errors = props
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let status = if props.checking {
            t.editor_checking.to_string()
        } else if props.diagnostics.is_empty() {
            t.editor_no_problems.to_string()
        } else {
            t.editor_problem_count
                .replace("{n}", &props.diagnostics.len().to_string())
        };
        let caret_message = props
            .diagnostics
            .iter()
            .find(|d| d.line == self.caret_line)
            .map(|d| d.message.clone());
        let on_input = link.callback(|_: InputEvent| Msg::Input);
        let on_key = link.callback(Msg::Key);
        let on_caret = link.callback(|_: MouseEvent| Msg::Caret);
        let on_keyup = link.callback(|_: KeyboardEvent| Msg::Caret);
        let apply = props.on_apply.reform(|_: MouseEvent| false);
        let dry_run = props.on_apply.reform(|_: MouseEvent| true);
        html! {
            <div class="editor" id="editor">
                <div class="editor-toolbar">
                    if props.edit.is_none() {
                    <label class="editor-templates">
                        <span class="sr-only">{ t.editor_templates }</span>
                        <select id="editor-template" title={t.editor_templates} onchange={link.callback(Msg::Template)}>
                            <option value="" selected=true>{ t.editor_template_pick }</option>
                            { for kubeplay_core::templates::TEMPLATES.iter().enumerate().map(|(i, tpl)| html! {
                                <option value={i.to_string()}>{ tpl.name }</option>
                            }) }
                        </select>
                    </label>
                    }
                    <span class="spacer"></span>
                    <span id="editor-status" class={classes!("editor-status", (errors > 0).then_some("has-errors"))}
                        aria-live="polite">{ status }</span>
                    if let Some(edit) = &props.edit {
                        <span class="editor-editing">{ format!("{} {}", t.editor_editing, edit.target) }</span>
                        <button type="button" id="editor-cancel" class="header-button"
                            onclick={props.on_edit_done.reform(|_: MouseEvent| false)}>{ t.editor_cancel }</button>
                        <button type="button" id="editor-save" class={classes!("header-button", "primary")}
                            onclick={props.on_edit_done.reform(|_: MouseEvent| true)}>{ t.editor_save }</button>
                    } else {
                        <button type="button" id="editor-dry-run" class="header-button" title={t.editor_dry_run_hint}
                            onclick={dry_run}>{ t.editor_dry_run }</button>
                        <button type="button" id="editor-apply" class={classes!("header-button", "primary")} title={t.editor_apply_hint}
                            onclick={apply}>{ t.editor_apply }</button>
                    }
                </div>
                <div class="editor-code" ref={self.scroll.clone()}>
                    <Gutter lines={count} marks={Rc::new(marks.into_iter().collect::<Vec<_>>())} />
                    <div class="editor-stack">
                        <pre class="editor-highlight" aria-hidden="true">{ for lines }</pre>
                        <textarea id="editor-input" ref={self.area.clone()} aria-label={t.editor_label}
                            aria-describedby="editor-message" spellcheck="false" autocomplete="off"
                            autocapitalize="off" wrap="off"
                            oninput={on_input} onkeydown={on_key} onkeyup={on_keyup} onclick={on_caret} />
                    </div>
                </div>
                <div id="editor-message" class={classes!("editor-message", caret_message.is_some().then_some("has-message"))}>
                    { caret_message.unwrap_or_else(|| t.editor_hint.to_string()) }
                </div>
                if !props.diagnostics.is_empty() {
                    <ul class="editor-problems" id="editor-problems" aria-label={t.editor_problems}>
                        { for props.diagnostics.iter().map(|d| {
                            let (line, column) = (d.line, d.column);
                            let onclick = link.callback(move |_: MouseEvent| Msg::Goto(line, column));
                            html! {
                                <li class={severity_class(d.severity)} data-line={line.to_string()}>
                                    <button type="button" class="editor-problem" {onclick}>
                                        <span class="editor-problem-at">{ format!("{line}:{column}") }</span>
                                        <span class="editor-problem-text">{ d.message.clone() }</span>
                                    </button>
                                </li>
                            }
                        }) }
                    </ul>
                }
                if let Some(out) = &props.output {
                    <div class="editor-output" id="editor-output" aria-live="polite">
                        <div class="editor-output-command">{ format!("$ {}", out.0) }</div>
                        if !out.1.stdout.is_empty() {
                            <pre class="terminal-stdout">{ out.1.stdout.trim_end().to_string() }</pre>
                        }
                        if !out.1.stderr.is_empty() {
                            <pre class="terminal-stderr">{ out.1.stderr.trim_end().to_string() }</pre>
                        }
                    </div>
                }
            </div>
        }
    }

    fn rendered(&mut self, ctx: &Context<Self>, _first_render: bool) {
        let props = ctx.props();
        if self.shown_generation == Some(props.generation) {
            return;
        }
        let Some(area) = self.area.cast::<HtmlTextAreaElement>() else {
            return;
        };
        if area.value() != props.text.as_str() {
            if self.shown_generation.is_none() {
                // A fresh textarea: nothing to undo yet.
                area.set_value(&props.text);
            } else {
                // Replaced while open (a template): undoable, as typing would be.
                area.select();
                if !insert_text(&props.text) {
                    area.set_value(&props.text);
                }
                area.set_selection_range(0, 0).ok();
                if let Some(scroll) = self.scroll.cast::<web_sys::Element>() {
                    scroll.set_scroll_top(0);
                }
            }
        }
        self.shown_generation = Some(props.generation);
    }
}

impl Editor {
    /// Updates the caret line; returns whether it changed (the message line then re-renders).
    fn caret_moved(&mut self, area: &HtmlTextAreaElement) -> bool {
        let at = area.selection_start().ok().flatten().unwrap_or(0) as usize;
        let value = area.value();
        let line = 1 + value
            .encode_utf16()
            .take(at)
            .filter(|u| *u == u16::from(b'\n'))
            .count();
        let line = u32::try_from(line).unwrap_or(u32::MAX);
        let changed = line != self.caret_line;
        self.caret_line = line;
        changed
    }
}

fn severity_class(s: Severity) -> &'static str {
    match s {
        Severity::Error => "sev-error",
        Severity::Warning => "sev-warning",
    }
}

/// The first problem of each line (errors before warnings): its column and severity.
fn marks_by_line(diagnostics: &[Diagnostic]) -> std::collections::BTreeMap<u32, (u32, Severity)> {
    let mut marks = std::collections::BTreeMap::new();
    for d in diagnostics {
        let entry = marks.entry(d.line).or_insert((d.column, d.severity));
        if d.severity < entry.1 {
            *entry = (d.column, d.severity);
        }
    }
    marks
}

#[derive(Properties, PartialEq)]
struct LineProps {
    text: AttrValue,
    state: State,
    /// A problem on this line: its column (from 1) and severity.
    mark: Option<(u32, Severity)>,
}

/// One coloured line; re-rendered only when its text, state or mark changes.
#[function_component]
fn HlLine(props: &LineProps) -> Html {
    let (tokens, _) = highlight::line(&props.text, props.state);
    // The token under the problem's column gets the squiggle (the last one if past the end).
    let marked = props.mark.map(|(column, _)| {
        let target = column.saturating_sub(1) as usize;
        let mut chars = 0;
        tokens
            .iter()
            .position(|(_, text)| {
                chars += text.chars().count();
                chars > target
            })
            .unwrap_or(tokens.len().saturating_sub(1))
    });
    let mark_class = props.mark.map(|(_, s)| match s {
        Severity::Error => "diag-error",
        Severity::Warning => "diag-warning",
    });
    let line_class = classes!("hl-line", mark_class.map(|c| format!("line-{c}")));
    html! {
        <div class={line_class}>
            { for tokens.iter().enumerate().map(|(i, (class, text))| {
                let squiggle = (marked == Some(i) && *class != Class::Plain) || (marked == Some(i) && tokens.len() == 1);
                let class = classes!(class.css(), squiggle.then_some(mark_class).flatten());
                html! { <span {class}>{ text.to_string() }</span> }
            }) }
            // An empty line still takes its height.
            if tokens.is_empty() { { "\u{200b}" } }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct GutterProps {
    lines: usize,
    marks: Rc<Vec<(u32, (u32, Severity))>>,
}

/// Line numbers, with a mark on lines that have a problem.
#[function_component]
fn Gutter(props: &GutterProps) -> Html {
    let mut marks = props.marks.iter().peekable();
    html! {
        <div class="editor-gutter" aria-hidden="true">
            { for (1..=props.lines).map(|n| {
                let n = u32::try_from(n).unwrap_or(u32::MAX);
                let mark = marks.next_if(|(line, _)| *line == n).map(|(_, (_, s))| *s);
                let class = classes!("gutter-line", mark.map(|s| match s {
                    Severity::Error => "gutter-error",
                    Severity::Warning => "gutter-warning",
                }));
                html! { <div {class} data-line={n.to_string()}>{ n }</div> }
            }) }
        </div>
    }
}

/// `document.execCommand("insertText")` over the selection: recorded in the undo history.
fn insert_text(text: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.dyn_into::<HtmlDocument>().ok())
        .and_then(|d| {
            d.exec_command_with_show_ui_and_value("insertText", false, text)
                .ok()
        })
        .unwrap_or(false)
}

/// The selection as UTF-16 offsets (what the textarea counts in).
fn selection(area: &HtmlTextAreaElement) -> (usize, usize) {
    let start = area.selection_start().ok().flatten().unwrap_or(0) as usize;
    let end = area.selection_end().ok().flatten().unwrap_or(0) as usize;
    (start.min(end), start.max(end))
}

/// Tab: two spaces at the caret, or the selected lines indented; Shift+Tab: outdented.
/// Returns whether the key was used.
fn indent(area: &HtmlTextAreaElement, outdent: bool) -> bool {
    let units: Vec<u16> = area.value().encode_utf16().collect();
    let (start, end) = selection(area);
    let newline = u16::from(b'\n');
    let one_line = !units.get(start..end).unwrap_or_default().contains(&newline);
    if !outdent && one_line {
        return insert_text(INDENT);
    }
    // Whole lines from the one the selection starts on to the one it ends on.
    let from = units
        .get(..start)
        .and_then(|u| u.iter().rposition(|c| *c == newline))
        .map_or(0, |i| i + 1);
    let to = units
        .get(end..)
        .and_then(|u| u.iter().position(|c| *c == newline))
        .map_or(units.len(), |i| end + i);
    let block = String::from_utf16_lossy(units.get(from..to).unwrap_or_default());
    let changed: Vec<String> = block
        .split('\n')
        .map(|line| {
            if outdent {
                let spaces = line.len() - line.trim_start_matches(' ').len();
                line.get(spaces.min(INDENT.len())..)
                    .unwrap_or(line)
                    .to_string()
            } else if line.is_empty() {
                String::new()
            } else {
                format!("{INDENT}{line}")
            }
        })
        .collect();
    let replaced = changed.join("\n");
    if replaced == block {
        return true;
    }
    let _ = area.set_selection_range(from as u32, to as u32);
    if !insert_text(&replaced) {
        return false;
    }
    let new_to = from + replaced.encode_utf16().count();
    let _ = area.set_selection_range(from as u32, new_to as u32);
    true
}

/// Enter: a new line with the current line's indentation, one step more after `key:`, lined
/// up with the item's keys after `- key: value`.
fn newline(area: &HtmlTextAreaElement) -> bool {
    let units: Vec<u16> = area.value().encode_utf16().collect();
    let (start, _) = selection(area);
    let from = units
        .get(..start)
        .and_then(|u| u.iter().rposition(|c| *c == u16::from(b'\n')))
        .map_or(0, |i| i + 1);
    let before = String::from_utf16_lossy(units.get(from..start).unwrap_or_default());
    let spaces = before.len() - before.trim_start_matches(' ').len();
    let mut indent = " ".repeat(spaces);
    let content = before.trim_end();
    // After `- name: a`, the next key lines up with `name`.
    if content.trim_start().starts_with("- ") {
        indent.push_str(INDENT);
    }
    if content.ends_with(':') {
        indent.push_str(INDENT);
    }
    insert_text(&format!("\n{indent}"))
}

/// The UTF-16 offset of `line`/`column` (from 1, columns in characters) in `text`.
fn utf16_offset(text: &str, line: u32, column: u32) -> u32 {
    let mut offset = 0usize;
    for (i, l) in text.split('\n').enumerate() {
        if i + 1 == line as usize {
            let col: usize = l
                .chars()
                .take(column.saturating_sub(1) as usize)
                .map(char::len_utf16)
                .sum();
            return u32::try_from(offset + col).unwrap_or(u32::MAX);
        }
        offset += l.encode_utf16().count() + 1;
    }
    u32::try_from(offset.saturating_sub(1)).unwrap_or(u32::MAX)
}
