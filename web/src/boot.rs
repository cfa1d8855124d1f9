//! What the page sets up before the app renders: a panic hook that shows a visible "something
//! broke" banner (the learner's work is already saved: the journal is written after every
//! command, and the line that crashed is not in it), and the service worker that keeps the
//! page working offline.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

use crate::text::texts;

/// Panics go to the console (with a message, not "unreachable executed") and to a banner at
/// the top of the page with a Reload button, instead of a page that silently stops. Set
/// through yew, which otherwise replaces any hook with its own when it renders.
pub fn install_panic_hook() {
    yew::set_custom_panic_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_crash_banner();
    }));
}

fn show_crash_banner() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if document.get_element_by_id("crash-banner").is_some() {
        return;
    }
    let t = texts();
    let build = || -> Option<()> {
        let banner = document.create_element("div").ok()?;
        banner.set_id("crash-banner");
        banner.set_class_name("crash-banner");
        banner.set_attribute("role", "alert").ok()?;
        let text = document.create_element("span").ok()?;
        // Text only, never HTML.
        text.set_text_content(Some(t.crashed));
        banner.append_child(&text).ok()?;
        let button = document.create_element("button").ok()?;
        button.set_attribute("type", "button").ok()?;
        button.set_text_content(Some(t.reload));
        let reload = Closure::<dyn Fn()>::new(|| {
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        });
        button
            .dyn_ref::<web_sys::HtmlElement>()?
            .set_onclick(Some(reload.as_ref().unchecked_ref()));
        // The page is dead anyway: the closure lives as long as it does.
        reload.forget();
        banner.append_child(&button).ok()?;
        document.body()?.prepend_with_node_1(&banner).ok()
    };
    let _ = build();
}

/// Registers `sw.js` (when the browser has service workers: not on plain http except
/// localhost). Failures are only logged: the page works without it, just not offline.
pub fn register_service_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    let has = js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false);
    if !has {
        return;
    }
    let promise = navigator.service_worker().register("sw.js");
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = wasm_bindgen_futures::JsFuture::from(promise).await {
            web_sys::console::warn_1(
                &format!("service worker: {}", crate::storage::js_error(e)).into(),
            );
        }
    });
}

/// Panics on purpose, so the browser tests can check the banner (trunk exposes the app's
/// exports as `window.wasmBindings`). Harmless: it only breaks the page it is called in.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn crash_for_test() {
    #[allow(clippy::panic, reason = "the point of this function")]
    {
        panic!("crash_for_test");
    }
}
