//! The table of contents: every lesson with its length, prerequisites and progress, then the
//! drills (their titles come from their own files, fetched when the list is shown).

use std::collections::BTreeSet;
use std::rc::Rc;

use kubeplay_core::lessons::Drill;
use yew::prelude::*;

use super::index::{self, Entry, Index};
use crate::text::{Lang, use_texts};

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Not yet fetched (`None`), or the index, or why it could not be read.
    pub index: Option<Result<Rc<Index>, String>>,
    pub progress: Rc<BTreeSet<String>>,
    pub on_lesson: Callback<Entry>,
    pub on_drill: Callback<Rc<Drill>>,
}

#[function_component]
pub fn List(props: &Props) -> Html {
    let t = use_texts();
    let ko = use_context::<Lang>().unwrap_or_else(crate::text::current) == Lang::Ko;
    let drills = use_state(Vec::<Rc<Drill>>::new);
    {
        let drills = drills.clone();
        let files = match &props.index {
            Some(Ok(i)) => i.drills.clone(),
            _ => Vec::new(),
        };
        use_effect_with(files, move |files| {
            let files = files.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let mut out = Vec::new();
                for f in files {
                    // A drill that cannot be read is left out of the list.
                    if let Ok(d) = index::fetch_drill(f).await {
                        out.push(d);
                    }
                }
                drills.set(out);
            });
        });
    }
    let index = match &props.index {
        None => return html! { <p class="lesson-hint">{ t.lessons_loading }</p> },
        Some(Err(e)) => {
            return html! { <p class="lesson-error">{ t.lessons_unavailable }{ " " }{ e.clone() }</p> };
        }
        Some(Ok(i)) => i,
    };
    let title_of = |id: &str| {
        index
            .lessons
            .iter()
            .find(|l| l.id == id)
            .map_or_else(|| id.to_string(), |l| l.title.get(ko).to_string())
    };
    let lessons = index.lessons.iter().map(|entry| {
        let done = entry
            .exercises
            .iter()
            .filter(|e| props.progress.contains(&format!("{}/{e}", entry.id)))
            .count();
        let total = entry.exercises.len();
        let onclick = {
            let on_lesson = props.on_lesson.clone();
            let entry = entry.clone();
            Callback::from(move |_: MouseEvent| on_lesson.emit(entry.clone()))
        };
        let prereqs: Vec<String> = entry.prerequisites.iter().map(|p| title_of(p)).collect();
        html! {
            <li class={classes!("toc-item", (total > 0 && done == total).then_some("toc-done"))} data-lesson={entry.id.clone()}>
                <button type="button" class="toc-open" {onclick}>{ entry.title.get(ko).to_string() }</button>
                <span class="toc-meta">
                    { (t.lessons_minutes)(entry.minutes) }
                    { " · " }
                    if total > 0 { { (t.lessons_progress)(done, total) } } else { { t.lessons_reading } }
                </span>
                if !prereqs.is_empty() {
                    <span class="toc-prereq">{ t.lessons_prerequisites }{ " " }{ prereqs.join(", ") }</span>
                }
            </li>
        }
    });
    let drill_items = drills.iter().map(|d| {
        let onclick = {
            let on_drill = props.on_drill.clone();
            let d = d.clone();
            Callback::from(move |_: MouseEvent| on_drill.emit(d.clone()))
        };
        html! {
            <li class="toc-item" data-drill={d.id.clone()}>
                <button type="button" class="toc-open" {onclick}>{ d.title.get(if ko { "ko" } else { "en" }).to_string() }</button>
                <span class="toc-meta">{ (t.lessons_minutes)(d.minutes) }{ " · " }{ (t.drill_tasks)(d.tasks.len()) }</span>
            </li>
        }
    });
    html! {
        <nav class="lesson-toc" aria-label={t.lessons_list}>
            <h3>{ t.lessons_list }</h3>
            <ol class="toc">{ for lessons }</ol>
            <h3>{ t.drills_list }</h3>
            <ul class="toc">{ for drill_items }</ul>
        </nav>
    }
}
