//! The lesson pane: the list of lessons and drills ([`list`]), an open lesson (its Markdown
//! through [`markdown`], Run and Open-in-editor buttons, exercise cards from [`exercise`]), and
//! a running drill ([`drill`]). Lessons are fetched, not compiled in ([`index`]).
//!
//! The pane holds no cluster: it tells the root what to grade (`on_checks`) or to start from a
//! fresh cluster (`on_start`), and gets the check results back as a prop after every command
//! and about once a second while time runs.

pub mod drill;
pub mod exercise;
pub mod grading;
pub mod index;
pub mod list;
pub mod markdown;
mod welcome;

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use kubeplay_core::lessons::{Block, Check, CheckResult, Drill};
use yew::prelude::*;

use crate::text::{Lang, use_texts};
use index::{Entry, Index, Opened};

/// Named checks to grade: an exercise or drill task id, and its checks.
pub type Checks = Vec<(String, Vec<Check>)>;
/// The results of [`Checks`], by id.
pub type Results = BTreeMap<String, Vec<CheckResult>>;

/// Start from a fresh cluster: run `setup`, write `files` into the sandbox, then grade `checks`.
#[derive(Debug, PartialEq)]
pub struct Start {
    pub setup: String,
    pub files: Vec<(String, String)>,
    pub checks: Checks,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Runs a command (or a script of lines) in the active terminal.
    pub on_run: Callback<String>,
    /// Opens the YAML editor with this text.
    pub on_open: Callback<String>,
    /// A `focus:` link was clicked.
    pub on_focus: Callback<String>,
    /// Reset the cluster and start (the pane has asked the learner first).
    pub on_start: Callback<Rc<Start>>,
    /// Grade these from now on (no reset).
    pub on_checks: Callback<Rc<Checks>>,
    pub results: Rc<Results>,
    /// Whether the cluster holds work a start would throw away.
    pub has_work: bool,
}

/// What the pane shows.
#[derive(Clone, PartialEq)]
enum View {
    List,
    Loading,
    Failed(String),
    Lesson(Rc<Opened>),
    Drill(Rc<Drill>),
}

/// Asks before throwing away the learner's cluster.
pub fn confirm(has_work: bool, question: &str) -> bool {
    !has_work
        || web_sys::window()
            .and_then(|w| w.confirm_with_message(question).ok())
            .unwrap_or(false)
}

#[function_component]
pub fn LessonPane(props: &Props) -> Html {
    let t = use_texts();
    let ko = use_context::<Lang>().unwrap_or_else(crate::text::current) == Lang::Ko;
    let index = use_state(|| None::<Result<Rc<Index>, String>>);
    let view = use_state(|| View::List);
    let progress = use_state(index::load_progress);

    {
        let index = index.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                index.set(Some(index::fetch_index().await));
            });
        });
    }

    // Exercises whose checks all pass are done, and stay done.
    {
        let progress = progress.clone();
        let lesson = match &*view {
            View::Lesson(opened) => Some(opened.clone()),
            _ => None,
        };
        use_effect_with((props.results.clone(), lesson), move |(results, lesson)| {
            if let Some(opened) = lesson {
                let mut done = (*progress).clone();
                for (id, r) in results.iter() {
                    // Results of another lesson's checks (not yet replaced) do not count.
                    let known = opened.exercises.iter().any(|e| &e.id == id);
                    if known && !r.is_empty() && r.iter().all(|c| c.passed) {
                        done.insert(format!("{}/{id}", opened.entry.id));
                    }
                }
                if done != *progress {
                    index::save_progress(&done);
                    progress.set(done);
                }
            }
        });
    }

    let open_lesson = {
        let view = view.clone();
        let on_checks = props.on_checks.clone();
        Callback::from(move |entry: Entry| {
            view.set(View::Loading);
            let view = view.clone();
            let on_checks = on_checks.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match index::fetch_lesson(entry).await {
                    Ok(opened) => {
                        index::save_open(Some(&opened.entry.id));
                        view.set(View::Lesson(opened.clone()));
                        on_checks.emit(Rc::new(lesson_checks(&opened)));
                    }
                    Err(e) => view.set(View::Failed(e)),
                }
            });
        })
    };
    let open_drill = {
        let view = view.clone();
        let on_checks = props.on_checks.clone();
        Callback::from(move |drill: Rc<Drill>| {
            index::save_open(None);
            on_checks.emit(Rc::default());
            view.set(View::Drill(drill));
        })
    };
    let back = {
        let view = view.clone();
        let on_checks = props.on_checks.clone();
        Callback::from(move |_: MouseEvent| {
            index::save_open(None);
            on_checks.emit(Rc::default());
            view.set(View::List);
        })
    };

    // After a reload, the lesson that was open opens again once the index is here.
    {
        let open_lesson = open_lesson.clone();
        let list = match &*index {
            Some(Ok(list)) => Some(list.clone()),
            _ => None,
        };
        use_effect_with(list, move |list| {
            let saved = index::load_open();
            let entry = list.as_ref().and_then(|list| {
                list.lessons
                    .iter()
                    .find(|e| saved.as_deref() == Some(e.id.as_str()))
            });
            if let Some(entry) = entry {
                open_lesson.emit(entry.clone());
            }
        });
    }

    let body = match &*view {
        View::List => html! {
            <>
                <welcome::Welcome on_run={props.on_run.clone()} />
                <list::List index={(*index).clone()} progress={Rc::new((*progress).clone())}
                    on_lesson={open_lesson} on_drill={open_drill} />
            </>
        },
        View::Loading => html! { <p class="lesson-hint">{ t.lessons_loading }</p> },
        View::Failed(e) => html! {
            <>
                <button type="button" class="lesson-back" onclick={back}>{ t.lessons_back }</button>
                <p class="lesson-error" role="alert">{ e.clone() }</p>
            </>
        },
        View::Lesson(opened) => html! {
            <>
                <button type="button" class="lesson-back" onclick={back}>{ t.lessons_back }</button>
                { view_lesson(props, opened, ko, &progress) }
            </>
        },
        View::Drill(d) => html! {
            <>
                <button type="button" class="lesson-back" onclick={back}>{ t.lessons_back }</button>
                <drill::DrillView drill={d.clone()} results={props.results.clone()}
                    on_start={props.on_start.clone()} on_checks={props.on_checks.clone()}
                    has_work={props.has_work} />
            </>
        },
    };
    html! { <article class="lesson">{ body }</article> }
}

/// An opened lesson's exercises with their checks.
fn lesson_checks(opened: &Opened) -> Checks {
    opened
        .exercises
        .iter()
        .map(|e| (e.id.clone(), e.checks.clone()))
        .collect()
}

fn view_lesson(props: &Props, opened: &Rc<Opened>, ko: bool, progress: &BTreeSet<String>) -> Html {
    let t = crate::text::texts_for(if ko { Lang::Ko } else { Lang::En });
    let lesson = if ko { &opened.ko } else { &opened.en };
    let start = {
        let on_start = props.on_start.clone();
        let has_work = props.has_work;
        let opened = opened.clone();
        Callback::from(move |_: MouseEvent| {
            if !confirm(has_work, t.lessons_start_confirm) {
                return;
            }
            // Both languages hold the same files; the English file is the reference.
            let files = opened
                .en
                .files()
                .map(|(n, text)| (n.to_string(), text.to_string()))
                .collect();
            on_start.emit(Rc::new(Start {
                setup: opened.setup.clone(),
                files,
                checks: lesson_checks(&opened),
            }));
        })
    };
    let total = opened.entry.exercises.len();
    let done = opened
        .entry
        .exercises
        .iter()
        .filter(|e| progress.contains(&format!("{}/{e}", opened.entry.id)))
        .count();
    let blocks = lesson.blocks.iter().map(|block| match block {
        Block::Markdown(md) => markdown::render(md, &props.on_focus),
        Block::Run { script, fails } => {
            let on_run = props.on_run.clone();
            let s = script.trim_end().to_string();
            let onclick = Callback::from(move |_: MouseEvent| on_run.emit(s.clone()));
            html! {
                <div class={classes!("lesson-block", "lesson-run", fails.then_some("lesson-fails"))}>
                    <pre><code>{ script.trim_end() }</code></pre>
                    <button type="button" class="run-block" {onclick}>{ t.lessons_run }</button>
                </div>
            }
        }
        Block::Yaml { file, text } => {
            let button = file.as_ref().map(|name| {
                let on_open = props.on_open.clone();
                let text = text.clone();
                let onclick = Callback::from(move |_: MouseEvent| on_open.emit(text.clone()));
                html! {
                    <button type="button" class="open-block" {onclick}>
                        { t.lessons_open_editor }{ " " }<code>{ name.clone() }</code>
                    </button>
                }
            });
            html! {
                <div class="lesson-block lesson-yaml">
                    <pre><code>{ text.trim_end() }</code></pre>
                    { for button }
                </div>
            }
        }
        Block::Code { text, .. } => html! {
            <div class="lesson-block"><pre><code>{ text.trim_end() }</code></pre></div>
        },
        Block::Exercise(e) => {
            let key = format!("{}/{}", opened.entry.id, e.id);
            let solution = opened
                .exercises
                .iter()
                .find(|x| x.id == e.id)
                .map(|x| x.solution.clone())
                .unwrap_or_default();
            let results = props.results.get(&e.id).cloned().unwrap_or_default();
            html! {
                <exercise::ExerciseCard key={key.clone()} text={e.clone()} {solution}
                    done={progress.contains(&key)} {results} {ko} on_focus={props.on_focus.clone()} />
            }
        }
    });
    html! {
        <>
            <header class="lesson-head">
                <h3>{ lesson.title.clone() }</h3>
                <p class="lesson-meta">
                    { (t.lessons_minutes)(lesson.minutes) }
                    if total > 0 { { " · " }{ (t.lessons_progress)(done, total) } }
                </p>
                <button type="button" class="lesson-start" onclick={start}>{ t.lessons_start }</button>
                <p class="lesson-hint">{ t.lessons_start_hint }</p>
            </header>
            { for blocks }
        </>
    }
}
