//! The help popover: what the page is, and its keyboard shortcuts (terminal and page).
//! A modal `<dialog>`-like panel: Esc or the close button closes it and focus returns to
//! the help button (the root component does that).

use yew::prelude::*;

use crate::text::{Shortcut, use_texts};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub on_close: Callback<()>,
}

fn table(title: &str, rows: &[Shortcut]) -> Html {
    html! {
        <section class="help-section">
            <h3>{ title.to_string() }</h3>
            <dl class="shortcuts">
                { for rows.iter().map(|(keys, what)| html! {
                    <>
                        <dt>{ for keys.split(" / ").enumerate().map(|(i, k)| html! {
                            <>{ if i > 0 { " / " } else { "" } }<kbd>{ k.to_string() }</kbd></>
                        }) }</dt>
                        <dd>{ *what }</dd>
                    </>
                }) }
            </dl>
        </section>
    }
}

#[function_component]
pub fn Help(props: &Props) -> Html {
    let t = use_texts();
    let close_ref = use_node_ref();
    {
        // Focus moves into the popover when it opens, so Esc and Tab work at once.
        let close_ref = close_ref.clone();
        use_effect_with((), move |_| {
            if let Some(el) = close_ref.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    let on_close = props.on_close.clone();
    let onclick = Callback::from(move |_: MouseEvent| on_close.emit(()));
    let on_close = props.on_close.clone();
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Escape" {
            e.prevent_default();
            on_close.emit(());
        }
    });
    html! {
        <div class="popover help" id="help" role="dialog" aria-modal="false" aria-labelledby="help-title" {onkeydown}>
            <div class="popover-head">
                <h2 id="help-title">{ t.help_title }</h2>
                <button type="button" class="icon-button" ref={close_ref} aria-label={t.close} title={t.close} {onclick}>{ "✕" }</button>
            </div>
            <p>{ t.help_intro }</p>
            <div class="help-columns">
                { table(t.shortcuts_terminal, t.terminal_shortcuts) }
                { table(t.shortcuts_page, t.page_shortcuts) }
            </div>
        </div>
    }
}
