//! The browser's `localStorage`, with errors as values: a private window or a full quota must
//! never break the page, only show a notice ([`crate::app`] shows the error text).

/// The page's keys, all under one prefix so that they are easy to find in the browser's tools.
pub const PREFIX: &str = "kubeplay.";

fn local_storage() -> Result<web_sys::Storage, String> {
    web_sys::window()
        .ok_or("no window")?
        .local_storage()
        .map_err(js_error)?
        .ok_or_else(|| "localStorage is not available".to_string())
}

/// The text of a JavaScript error (a `DOMException`'s name and message when there is one).
pub fn js_error(e: wasm_bindgen::JsValue) -> String {
    use wasm_bindgen::JsCast;
    match e.dyn_ref::<web_sys::DomException>() {
        Some(d) => format!("{}: {}", d.name(), d.message()),
        None => e.as_string().unwrap_or_else(|| format!("{e:?}")),
    }
}

/// The value stored under `PREFIX + key`, if any (and if storage can be read at all).
pub fn get(key: &str) -> Option<String> {
    local_storage()
        .ok()?
        .get_item(&format!("{PREFIX}{key}"))
        .ok()
        .flatten()
}

/// Stores `value` under `PREFIX + key`; fails with the browser's reason (e.g.
/// `QuotaExceededError`).
pub fn set(key: &str, value: &str) -> Result<(), String> {
    local_storage()?
        .set_item(&format!("{PREFIX}{key}"), value)
        .map_err(js_error)
}

/// Forgets `PREFIX + key`.
pub fn remove(key: &str) {
    if let Ok(s) = local_storage() {
        let _ = s.remove_item(&format!("{PREFIX}{key}"));
    }
}
