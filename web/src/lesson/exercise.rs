//! An exercise card: title, task, hints revealed one at a time, the solution behind a
//! confirmation, the checks' current state, and a done mark once every check has passed.

use kubeplay_core::lessons::{CheckResult, ExerciseText};
use yew::prelude::*;

use super::markdown;
use crate::text::use_texts;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub text: ExerciseText,
    /// The commands that solve it.
    pub solution: String,
    /// Done now or earlier (progress is remembered).
    pub done: bool,
    /// The checks as evaluated now (empty before the first evaluation).
    pub results: Vec<CheckResult>,
    pub ko: bool,
    pub on_focus: Callback<String>,
}

#[function_component]
pub fn ExerciseCard(props: &Props) -> Html {
    let t = use_texts();
    let hints = use_state(|| 0usize);
    let solution = use_state(|| false);
    let e = &props.text;
    let more_hints = {
        let hints = hints.clone();
        Callback::from(move |_: MouseEvent| hints.set(*hints + 1))
    };
    let show_solution = {
        let solution = solution.clone();
        let question = t.lessons_solution_confirm;
        Callback::from(move |_: MouseEvent| {
            let yes = web_sys::window()
                .and_then(|w| w.confirm_with_message(question).ok())
                .unwrap_or(false);
            if yes {
                solution.set(true);
            }
        })
    };
    let shown = (*hints).min(e.hints.len());
    html! {
        <section class={classes!("exercise", props.done.then_some("exercise-done"))}
            data-exercise={e.id.clone()}>
            <h4>
                <span class="exercise-mark" aria-hidden="true">{ if props.done { "✓" } else { "○" } }</span>
                { " " }{ t.lessons_exercise }{ ": " }{ e.title.clone() }
                if props.done { <span class="exercise-status">{ t.lessons_done }</span> }
            </h4>
            { markdown::render(&e.task, &props.on_focus) }
            if !props.results.is_empty() {
                <ul class="exercise-checks">
                    { for props.results.iter().map(|r| html! {
                        <li class={if r.passed { "check-pass" } else { "check-fail" }}>
                            { if r.passed { "✓ " } else { "✗ " } }
                            { if props.ko { r.description_ko.clone() } else { r.description.clone() } }
                        </li>
                    }) }
                </ul>
            }
            { for e.hints.iter().take(shown).enumerate().map(|(i, h)| html! {
                <div class="exercise-hint">
                    <strong>{ t.lessons_hint }{ " " }{ i + 1 }{ ": " }</strong>
                    { markdown::render(h, &props.on_focus) }
                </div>
            }) }
            <div class="exercise-buttons">
                if shown < e.hints.len() {
                    <button type="button" class="hint-button" onclick={more_hints}>{ t.lessons_hint }</button>
                }
                if !*solution && !props.solution.is_empty() {
                    <button type="button" class="solution-button" onclick={show_solution}>{ t.lessons_show_solution }</button>
                }
            </div>
            if *solution {
                <pre class="exercise-solution"><code>{ props.solution.trim_end() }</code></pre>
            }
        </section>
    }
}
