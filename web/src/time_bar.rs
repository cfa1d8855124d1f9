//! The time bar (the clock itself is in the page header): pause and resume, one step to the next change, speeds
//! from 1× to 60×, and "run until settled". The root component owns the clock; this only
//! shows it and reports what the learner asked for.

use yew::prelude::*;

use crate::text::use_texts;

/// The speeds offered, as multiples of real time.
pub const SPEEDS: [u32; 6] = [1, 2, 5, 10, 30, 60];

#[derive(Properties, PartialEq)]
pub struct Props {
    pub paused: bool,
    pub speed: u32,
    /// What the last step or settle did, already worded.
    pub note: Option<String>,
    pub on_pause: Callback<bool>,
    pub on_speed: Callback<u32>,
    pub on_step: Callback<()>,
    pub on_settle: Callback<()>,
}

#[function_component]
pub fn TimeBar(props: &Props) -> Html {
    let g = use_texts().g;
    let paused = props.paused;
    let on_pause = props.on_pause.reform(move |_: MouseEvent| !paused);
    let on_step = props.on_step.reform(|_: MouseEvent| ());
    let on_settle = props.on_settle.reform(|_: MouseEvent| ());
    html! {
        <div class="time-bar" role="toolbar" aria-label={g.time_bar}>
            <button type="button" class="header-button" id="time-pause" aria-pressed={paused.to_string()} onclick={on_pause}>
                { if paused { g.resume } else { g.pause } }
            </button>
            <button type="button" class="header-button" id="time-step" title={g.step_hint} onclick={on_step}>{ g.step }</button>
            <span class="speeds" role="group" aria-label={g.speed}>
                { for SPEEDS.iter().map(|&s| {
                    let on_click = props.on_speed.reform(move |_: MouseEvent| s);
                    html! {
                        <button type="button" class={classes!("speed", (s == props.speed).then_some("active"))}
                            id={format!("time-speed-{s}")} aria-pressed={(s == props.speed).to_string()} onclick={on_click}>{ format!("{s}×") }</button>
                    }
                }) }
            </span>
            <button type="button" class="header-button" id="time-settle" title={g.settle_hint} onclick={on_settle}>{ g.settle }</button>
            <span class="time-note" id="time-note" aria-live="polite">
                { props.note.clone().unwrap_or_else(|| if paused { g.paused.to_string() } else { String::new() }) }
            </span>
        </div>
    }
}
