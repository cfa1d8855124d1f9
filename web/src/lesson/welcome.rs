//! The welcome above the lesson list: suggested first commands, each a button that runs it in
//! the terminal.

use yew::prelude::*;

use crate::text::use_texts;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Runs a suggested command in the active terminal.
    pub on_run: Callback<String>,
}

#[function_component]
pub fn Welcome(props: &Props) -> Html {
    let t = use_texts();
    html! {
        <section class="lesson-welcome">
            <h3>{ t.lesson_welcome_title }</h3>
            { for t.lesson_welcome.iter().map(|p| html! { <p>{ *p }</p> }) }
            <h4>{ t.lesson_try }</h4>
            <ol class="lesson-steps">
                { for t.lesson_steps.iter().map(|(command, what)| {
                    let on_run = props.on_run.clone();
                    let line = command.to_string();
                    let onclick = Callback::from(move |_: MouseEvent| on_run.emit(line.clone()));
                    html! {
                        <li>
                            <button type="button" class="run-command" {onclick}><code>{ *command }</code></button>
                            <span class="lesson-what">{ *what }</span>
                        </li>
                    }
                }) }
            </ol>
            <p class="lesson-hint">{ t.lesson_run_hint }</p>
        </section>
    }
}
