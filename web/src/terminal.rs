//! The terminal pane: scrollback of earlier lines with what they printed, a prompt and an input
//! line with Up/Down history.
//!
//! Everything the cluster prints goes into the DOM as text nodes (yew escapes strings), never as
//! HTML, so output that looks like markup stays text. The pane keeps the input focused and
//! scrolled into view after every command.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::text::texts;

/// One line that was run, and what it printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The prompt shown when the line was typed.
    pub prompt: String,
    pub command: String,
    pub stdout: String,
    pub stderr: String,
    pub exit_code: i32,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The scrollback; `Rc` so that an unchanged scrollback compares by pointer.
    pub entries: Rc<Vec<Entry>>,
    pub prompt: String,
    /// Called with the line when Enter is pressed.
    pub on_run: Callback<String>,
}

/// Where the user is in the history while pressing Up and Down.
#[derive(Default)]
struct History {
    lines: Vec<String>,
    /// `None` when editing a fresh line.
    cursor: Option<usize>,
    /// The fresh line typed before browsing started, restored by Down past the newest entry.
    draft: String,
}

impl History {
    fn push(&mut self, line: &str) {
        if !line.trim().is_empty() && self.lines.last().is_none_or(|last| last != line) {
            self.lines.push(line.to_string());
        }
        self.cursor = None;
        self.draft.clear();
    }

    /// The older line to show, if any.
    fn up(&mut self, current: &str) -> Option<String> {
        let at = match self.cursor {
            None => {
                self.draft = current.to_string();
                self.lines.len().checked_sub(1)?
            }
            Some(c) => c.saturating_sub(1),
        };
        self.cursor = Some(at);
        self.lines.get(at).cloned()
    }

    /// The newer line to show (the draft past the newest), if browsing.
    fn down(&mut self) -> Option<String> {
        let c = self.cursor?;
        if c + 1 < self.lines.len() {
            self.cursor = Some(c + 1);
            self.lines.get(c + 1).cloned()
        } else {
            self.cursor = None;
            Some(std::mem::take(&mut self.draft))
        }
    }
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

#[function_component]
pub fn Terminal(props: &Props) -> Html {
    let t = texts();
    let value = use_state(String::new);
    let history = use_mut_ref(History::default);
    let input_ref = use_node_ref();
    let scroll_ref = use_node_ref();

    // After each command: scroll to the newest line and keep typing where we were.
    {
        let (input_ref, scroll_ref) = (input_ref.clone(), scroll_ref.clone());
        use_effect_with(props.entries.clone(), move |_| {
            if let Some(el) = scroll_ref.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
            focus_input(&input_ref);
        });
    }

    let oninput = {
        let value = value.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                value.set(input.value());
            }
        })
    };

    let onkeydown = {
        let (value, history, on_run) = (value.clone(), history.clone(), props.on_run.clone());
        Callback::from(move |e: KeyboardEvent| {
            // Read the DOM's value rather than the state: it is never behind the keystrokes.
            let current = e
                .target_dyn_into::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            match e.key().as_str() {
                "Enter" => {
                    e.prevent_default();
                    history.borrow_mut().push(&current);
                    value.set(String::new());
                    on_run.emit(current);
                }
                "ArrowUp" => {
                    // Also stops the caret jumping to the start of the line.
                    e.prevent_default();
                    if let Some(line) = history.borrow_mut().up(&current) {
                        value.set(line);
                    }
                }
                "ArrowDown" => {
                    e.prevent_default();
                    if let Some(line) = history.borrow_mut().down() {
                        value.set(line);
                    }
                }
                _ => {}
            }
        })
    };

    let onclick = {
        let input_ref = input_ref.clone();
        Callback::from(move |_: MouseEvent| focus_input(&input_ref))
    };

    html! {
        <section class="terminal" aria-label={t.terminal_label} {onclick}>
            <div class="terminal-scroll" ref={scroll_ref}>
                <div class="terminal-welcome">
                    { for t.welcome.iter().map(|line| html! { <p>{ *line }</p> }) }
                </div>
                <div class="terminal-output" role="log" aria-live="polite">
                    { for props.entries.iter().enumerate().map(|(i, entry)| view_entry(i, entry)) }
                </div>
                <div class="terminal-line">
                    <label for="terminal-input" class="prompt">{ props.prompt.clone() }</label>
                    <input
                        id="terminal-input"
                        ref={input_ref}
                        type="text"
                        aria-label={t.input_label}
                        autocomplete="off"
                        autocapitalize="off"
                        spellcheck="false"
                        autofocus=true
                        value={(*value).clone()}
                        {oninput}
                        {onkeydown}
                    />
                </div>
            </div>
        </section>
    }
}

fn view_entry(index: usize, entry: &Entry) -> Html {
    // A trailing newline in a <pre> would show as an empty line.
    let stdout = entry.stdout.trim_end_matches('\n');
    let stderr = entry.stderr.trim_end_matches('\n');
    html! {
        <div class="terminal-entry" key={index} data-exit-code={entry.exit_code.to_string()}>
            <div class="terminal-command">
                <span class="prompt">{ entry.prompt.clone() }</span>
                <span class="command">{ entry.command.clone() }</span>
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
