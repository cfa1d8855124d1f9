//! The events timeline: the cluster's events, most recent first (as core's
//! [`timeline`](kubeplay_core::graph::timeline) lists them). A click on an event selects its
//! object in the picture and the inspector.

use std::rc::Rc;

use kubeplay_core::graph::ObjectRef;
use kubeplay_core::graph::timeline::EventRow;
use yew::prelude::*;

use crate::text::use_texts;

#[derive(Properties)]
pub struct Props {
    pub events: Rc<Vec<EventRow>>,
    pub selected: Option<String>,
    pub on_select: Callback<ObjectRef>,
}

impl PartialEq for Props {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.events, &other.events)
            && self.selected == other.selected
            && self.on_select == other.on_select
    }
}

#[function_component]
pub fn Timeline(props: &Props) -> Html {
    let t = use_texts().g;
    html! {
        <section class="timeline" aria-label={t.timeline}>
            <h3 class="timeline-title">{ t.timeline }</h3>
            if props.events.is_empty() {
                <p class="muted">{ t.timeline_empty }</p>
            }
            <ol class="timeline-list" id="timeline">
                { for props.events.iter().map(|e| {
                    let object = e.object.clone();
                    let on_click = props.on_select.reform(move |_: MouseEvent| object.clone());
                    let selected = props.selected.as_deref() == Some(e.object.id().as_str());
                    html! {
                        <li key={e.id.clone()} class={classes!("event", (e.type_ == "Warning").then_some("event-warning"), selected.then_some("selected"))}>
                            <button type="button" class="event-button" onclick={on_click} data-object={e.object.id()} data-reason={e.reason.clone()}>
                                <span class="event-age">{ &e.last_seen }</span>
                                <span class="event-reason">{ &e.reason }</span>
                                <span class="event-object">{ format!("{}/{}", e.object.kind.to_lowercase(), e.object.name) }</span>
                                if e.count > 1 {
                                    <span class="event-count">{ t.times.replace("{n}", &e.count.to_string()) }</span>
                                }
                                <span class="event-message">{ &e.message }</span>
                            </button>
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}
