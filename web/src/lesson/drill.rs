//! A timed drill or exam: start (fresh cluster + setup), the tasks with a countdown, then a
//! per-task report on submit or time-out, and a restart.
//!
//! The countdown uses the page's real clock, not the cluster's virtual one: the limit is about
//! the learner's own time, and virtual time can be paused or jumped ahead with `sleep`.

use std::rc::Rc;

use gloo::timers::callback::Interval;
use kubeplay_core::lessons::Drill;
use yew::prelude::*;

use super::{Results, Start, confirm, markdown};
use crate::text::{Lang, use_texts};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub drill: Rc<Drill>,
    /// The tasks' checks as evaluated now (live while the drill runs).
    pub results: Rc<Results>,
    pub on_start: Callback<Rc<Start>>,
    pub on_checks: Callback<Rc<super::Checks>>,
    pub has_work: bool,
}

/// Where a drill is.
#[derive(Clone, PartialEq)]
enum Phase {
    Ready,
    /// Started at this wall-clock time (ms since the epoch).
    Running(f64),
    /// Graded: the results when submitted (or when time ran out).
    Graded(Rc<Results>),
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

#[function_component]
pub fn DrillView(props: &Props) -> Html {
    let t = use_texts();
    let ko = use_context::<Lang>().unwrap_or_else(crate::text::current) == Lang::Ko;
    let lang = if ko { "ko" } else { "en" };
    let phase = use_state(|| Phase::Ready);
    // Re-render every second while running, for the countdown.
    let tick = use_state(|| 0u32);
    {
        let tick = tick.clone();
        let running = matches!(*phase, Phase::Running(_));
        use_effect_with(running, move |running| {
            let interval =
                running.then(|| Interval::new(1_000, move || tick.set(tick.wrapping_add(1))));
            move || drop(interval)
        });
    }
    let d = &props.drill;
    let limit_ms = f64::from(d.minutes) * 60_000.0;
    let grade = {
        let phase = phase.clone();
        let results = props.results.clone();
        let on_checks = props.on_checks.clone();
        Callback::from(move |_: ()| {
            phase.set(Phase::Graded(results.clone()));
            on_checks.emit(Rc::default());
        })
    };
    // Time is up: grade as it stands.
    {
        let grade = grade.clone();
        let over = matches!(*phase, Phase::Running(start) if now_ms() - start >= limit_ms);
        use_effect_with((over, *tick), move |(over, _)| {
            if *over {
                grade.emit(());
            }
        });
    }
    let start = {
        let phase = phase.clone();
        let on_start = props.on_start.clone();
        let drill = d.clone();
        let has_work = props.has_work;
        Callback::from(move |_: MouseEvent| {
            if !confirm(has_work, t.lessons_start_confirm) {
                return;
            }
            on_start.emit(Rc::new(Start {
                setup: drill.setup.clone(),
                files: Vec::new(),
                checks: drill
                    .tasks
                    .iter()
                    .map(|task| (task.id.clone(), task.checks.clone()))
                    .collect(),
            }));
            phase.set(Phase::Running(now_ms()));
        })
    };
    let submit = grade.reform(|_: MouseEvent| ());
    let tasks = d.tasks.iter().map(|task| {
        html! {
            <li class="drill-task" data-task={task.id.clone()}>
                <span class="drill-points">{ (t.drill_points)(task.points) }</span>
                { markdown::render(task.task.get(lang), &Callback::noop()) }
            </li>
        }
    });
    let body = match &*phase {
        Phase::Ready => html! {
            <>
                <p class="lesson-hint">{ t.drill_intro }</p>
                <button type="button" class="lesson-start drill-start" onclick={start}>{ t.drill_start }</button>
            </>
        },
        Phase::Running(started) => {
            let left = ((limit_ms - (now_ms() - started)) / 1000.0).max(0.0) as u64;
            html! {
                <>
                    <p class="drill-clock" role="timer">{ t.drill_time_left }{ format!(" {}:{:02}", left / 60, left % 60) }</p>
                    <ol class="drill-tasks">{ for tasks }</ol>
                    <button type="button" class="lesson-start drill-submit" onclick={submit}>{ t.drill_submit }</button>
                </>
            }
        }
        Phase::Graded(results) => {
            let mut earned = 0;
            let mut total = 0;
            let rows = d.tasks.iter().map(|task| {
                let r = results.get(&task.id).cloned().unwrap_or_default();
                let passed = !r.is_empty() && r.iter().all(|c| c.passed);
                total += task.points;
                if passed {
                    earned += task.points;
                }
                html! {
                    <li class={if passed { "drill-report-task check-pass" } else { "drill-report-task check-fail" }} data-task={task.id.clone()}>
                        <strong>{ if passed { t.drill_passed } else { t.drill_failed } }</strong>
                        { " · " }{ (t.drill_score)(if passed { task.points } else { 0 }, task.points) }
                        { markdown::render(task.task.get(lang), &Callback::noop()) }
                        <ul class="exercise-checks">
                            { for r.iter().map(|c| html! {
                                <li class={if c.passed { "check-pass" } else { "check-fail" }}>
                                    { if c.passed { "✓ " } else { "✗ " } }
                                    { if ko { c.description_ko.clone() } else { c.description.clone() } }
                                    if !c.detail.is_empty() { <span class="check-detail">{ " — " }{ c.detail.clone() }</span> }
                                </li>
                            }) }
                        </ul>
                    </li>
                }
            }).collect::<Html>();
            html! {
                <>
                    <p class="drill-total" role="status">{ (t.drill_score)(earned, total) }</p>
                    <ol class="drill-report">{ rows }</ol>
                    <button type="button" class="lesson-start drill-restart" onclick={start}>{ t.drill_restart }</button>
                </>
            }
        }
    };
    html! {
        <section class="drill" data-drill={d.id.clone()}>
            <h3>{ d.title.get(lang).to_string() }</h3>
            <p class="lesson-meta">{ (t.lessons_minutes)(d.minutes) }{ " · " }{ (t.drill_tasks)(d.tasks.len()) }</p>
            { body }
        </section>
    }
}
