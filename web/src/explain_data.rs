//! Fetches the data `kubectl explain` needs (`static/explain/v1.35.json`, which Trunk copies
//! into the page's `explain/` folder) and kubectl's `--help` texts (`static/help/`), for the
//! cluster to load.
//!
//! The schemas weigh about 600 KB (130 KB gzipped), so they stay out of the wasm binary and
//! out of the first page load: [`crate::app`] asks for them a few seconds after the page
//! starts, or at once when a line mentions `explain` first; until they arrive explain says
//! the data is still loading. The help texts (210 KB, 27 KB brotli) are fetched as the page
//! starts, beside the wasm rather than inside it.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Where Trunk puts the file, relative to the page.
pub const URL: &str = "explain/v1.35.json";
/// Where Trunk puts kubectl's help texts.
pub const HELP_URL: &str = "help/kubectl-v1.35.txt";

/// The text at `url`, or why not.
pub async fn fetch_text(url: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|e| format!("{e:?}"))?;
    let response: web_sys::Response = response.dyn_into().map_err(|e| format!("{e:?}"))?;
    if !response.ok() {
        return Err(format!("{url}: HTTP {}", response.status()));
    }
    let text = response.text().map_err(|e| format!("{e:?}"))?;
    JsFuture::from(text)
        .await
        .map_err(|e| format!("{e:?}"))?
        .as_string()
        .ok_or_else(|| format!("{url}: not text"))
}
