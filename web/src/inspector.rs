//! The inspector: everything about the selected object, as core's [`Inspection`] gathered it
//! — why it exists (its owners, each with the component that made it), then tabs for
//! `describe`, its YAML, its events, and for a pod its logs per container and the scheduler's
//! reasoning. All text is kubectl's own, shown as text.

use std::rc::Rc;

use kubeplay_core::Output;
use kubeplay_core::graph::ObjectRef;
use kubeplay_core::graph::inspect::Inspection;
use yew::prelude::*;

use crate::text::use_texts;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub inspection: Option<Rc<Inspection>>,
    /// The container whose log is shown, and the log.
    pub logs: Option<Rc<(String, Output)>>,
    pub on_select: Callback<ObjectRef>,
    pub on_logs: Callback<String>,
    pub on_close: Callback<()>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Describe,
    Yaml,
    Events,
    Logs,
    Scheduling,
}

impl Tab {
    fn id(self) -> &'static str {
        match self {
            Tab::Describe => "describe",
            Tab::Yaml => "yaml",
            Tab::Events => "events",
            Tab::Logs => "logs",
            Tab::Scheduling => "scheduling",
        }
    }
}

/// What a command printed, errors included, as one text.
fn printed(out: &Output) -> String {
    format!("{}{}", out.stdout, out.stderr)
}

#[function_component]
pub fn Inspector(props: &Props) -> Html {
    let t = use_texts();
    let g = t.g;
    let tab = use_state(|| Tab::Describe);
    let Some(seen) = props.inspection.as_ref() else {
        return html! {
            <aside class="inspector inspector-empty" aria-label={g.inspector}>
                <p>{ g.inspector_empty }</p>
            </aside>
        };
    };
    let object = &seen.object;
    let is_pod = object.kind == "Pod";
    let mut tabs = vec![
        (Tab::Describe, g.tab_describe),
        (Tab::Yaml, g.tab_yaml),
        (Tab::Events, g.tab_events),
    ];
    if is_pod {
        tabs.push((Tab::Logs, g.tab_logs));
        tabs.push((Tab::Scheduling, g.tab_scheduling));
    }
    let current = if tabs.iter().any(|(t, _)| *t == *tab) {
        *tab
    } else {
        Tab::Describe
    };
    let on_close = props.on_close.reform(|_: MouseEvent| ());
    let body = match current {
        Tab::Describe => {
            html! { <pre class="inspector-text" id="inspector-describe">{ printed(&seen.describe) }</pre> }
        }
        Tab::Yaml => {
            html! { <pre class="inspector-text" id="inspector-yaml">{ printed(&seen.yaml) }</pre> }
        }
        Tab::Scheduling => html! {
            <pre class="inspector-text" id="inspector-scheduling">{ seen.scheduling.as_ref().map(printed).unwrap_or_default() }</pre>
        },
        Tab::Events => view_events(seen, g.no_events, g.times),
        Tab::Logs => view_logs(seen, props, g.container, g.no_logs),
    };
    html! {
        <aside class="inspector" aria-label={g.inspector} data-id={object.id()}>
            <div class="inspector-head">
                <div class="inspector-title">
                    <span class="inspector-kind">{ &object.kind }</span>
                    <h2 class="inspector-name">{ &object.name }</h2>
                    if !object.namespace.is_empty() {
                        <span class="inspector-ns">{ &object.namespace }</span>
                    }
                </div>
                <button type="button" class="icon-button" id="inspector-close" aria-label={t.close} title={t.close} onclick={on_close}>{ "✕" }</button>
            </div>
            <section class="owners" aria-label={g.why_exists}>
                <h3>{ g.why_exists }</h3>
                <ol class="owner-chain">
                    { for seen.owners.iter().rev().map(|link| {
                        let target = link.object.clone();
                        let on_click = props.on_select.reform(move |_: MouseEvent| target.clone());
                        let made_by = if link.made_by.is_empty() {
                            g.nobody_owns.to_string()
                        } else {
                            g.made_by.replace("{who}", &link.made_by)
                        };
                        let this = link.object == *object;
                        html! {
                            <li class={classes!("owner", this.then_some("owner-self"))}>
                                <button type="button" class="link-button" onclick={on_click} disabled={this}>
                                    { format!("{} {}", link.object.kind, link.object.name) }
                                </button>
                                <span class="owner-made-by">{ made_by }</span>
                            </li>
                        }
                    }) }
                </ol>
            </section>
            <div class="inspector-tabs" role="tablist">
                { for tabs.iter().map(|&(which, label)| {
                    let tab = tab.clone();
                    html! {
                        <button type="button" role="tab" id={format!("inspector-tab-{}", which.id())}
                            class={classes!("inspector-tab", (which == current).then_some("active"))}
                            aria-selected={(which == current).to_string()}
                            onclick={Callback::from(move |_: MouseEvent| tab.set(which))}>{ label }</button>
                    }
                }) }
            </div>
            <div class="inspector-body" role="tabpanel">{ body }</div>
        </aside>
    }
}

fn view_events(seen: &Inspection, none: &str, times: &str) -> Html {
    if seen.events.is_empty() {
        return html! { <p class="muted">{ none }</p> };
    }
    html! {
        <ul class="inspector-events" id="inspector-events">
            { for seen.events.iter().map(|e| html! {
                <li class={classes!("event", (e.type_ == "Warning").then_some("event-warning"))}>
                    <span class="event-age">{ &e.last_seen }</span>
                    <span class="event-reason">{ &e.reason }</span>
                    if e.count > 1 {
                        <span class="event-count">{ times.replace("{n}", &e.count.to_string()) }</span>
                    }
                    <span class="event-message">{ &e.message }</span>
                    <span class="event-source">{ &e.source }</span>
                </li>
            }) }
        </ul>
    }
}

fn view_logs(seen: &Inspection, props: &Props, label: &str, empty: &str) -> Html {
    let shown = props
        .logs
        .as_ref()
        .filter(|l| seen.containers.contains(&l.0));
    let current = shown
        .map(|l| l.0.clone())
        .or_else(|| seen.containers.last().cloned())
        .unwrap_or_default();
    let on_logs = props.on_logs.clone();
    let on_change = Callback::from(move |e: Event| {
        if let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
            on_logs.emit(select.value());
        }
    });
    let text = match shown {
        Some(l) if l.1.stdout.is_empty() && l.1.stderr.is_empty() => empty.to_string(),
        Some(l) => printed(&l.1),
        None => String::new(),
    };
    html! {
        <>
            <label class="inspector-container">
                <span>{ label }</span>
                <select id="inspector-container" onchange={on_change}>
                    { for seen.containers.iter().map(|c| html! {
                        <option value={c.clone()} selected={*c == current}>{ c }</option>
                    }) }
                </select>
            </label>
            <pre class="inspector-text" id="inspector-logs">{ text }</pre>
        </>
    }
}
