//! Moving a cluster in and out of the page: share links (the session's journal, compressed,
//! in the URL fragment), YAML bundle downloads, and reading an imported file.
//!
//! A link's fragment is `#s=` + base64url(deflate-raw(journal JSON)), compressed by the
//! browser's `CompressionStream` (Chromium, Firefox, Safari 16.4+); where that is missing,
//! `#j=` + base64url(JSON). The fragment never reaches a server. A link's journal is
//! validated ([`Journal::from_json`]) and only replayed after the learner agreed; replaying
//! runs its lines through the sandbox's shell and nothing else.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::session::{Journal, Step};
use crate::storage::js_error;

/// Longest fragment made or accepted: links must survive chat apps and mail.
pub const MAX_LINK_CHARS: usize = 60_000;
/// Largest journal a link may unpack to.
const MAX_JSON_BYTES: usize = 4_000_000;
/// Largest YAML bundle imported.
pub const MAX_IMPORT_BYTES: usize = 1_000_000;

/// The journal to share: clears and terminal tabs are this learner's screen, not the cluster.
pub fn sharable(journal: &Journal) -> Journal {
    let steps = journal
        .steps
        .iter()
        .filter(|s| !matches!(s, Step::Clear { .. }))
        .map(|s| match s {
            Step::Exec { line, .. } => Step::Exec {
                tab: 1,
                line: line.clone(),
            },
            other => other.clone(),
        })
        .collect();
    Journal {
        steps,
        ..journal.clone()
    }
}

/// The page's address with `journal` in the fragment, or why not (too long).
pub async fn link(journal: &Journal) -> Result<String, String> {
    let json = sharable(journal).to_json();
    let fragment = match transform(json.as_bytes(), "CompressionStream").await {
        Ok(Some(packed)) => format!("s={}", base64url_encode(&packed)),
        Ok(None) => format!("j={}", base64url_encode(json.as_bytes())),
        Err(e) => return Err(e),
    };
    if fragment.len() > MAX_LINK_CHARS {
        return Err(format!("{} > {MAX_LINK_CHARS} characters", fragment.len()));
    }
    let location = web_sys::window().ok_or("no window")?.location();
    let base = format!(
        "{}{}",
        location.origin().map_err(js_error)?,
        location.pathname().map_err(js_error)?
    );
    Ok(format!("{base}#{fragment}"))
}

/// The scenario in the page's fragment, if there is one (`Some(Err)` if it is unreadable).
pub async fn from_fragment(fragment: &str) -> Option<Result<Journal, String>> {
    let (packed, data) = if let Some(d) = fragment.strip_prefix("s=") {
        (true, d)
    } else {
        (false, fragment.strip_prefix("j=")?)
    };
    Some(read_fragment(packed, data).await)
}

async fn read_fragment(packed: bool, data: &str) -> Result<Journal, String> {
    if data.len() > MAX_LINK_CHARS {
        return Err(format!("the link is too long ({} characters)", data.len()));
    }
    let bytes = base64url_decode(data).ok_or("the link is damaged (not base64url)")?;
    let json = if packed {
        transform(&bytes, "DecompressionStream")
            .await?
            .ok_or("this browser cannot decompress links (no DecompressionStream)")?
    } else {
        bytes
    };
    if json.len() > MAX_JSON_BYTES {
        return Err("the link holds too much".into());
    }
    let text = String::from_utf8(json).map_err(|_| "the link is damaged (not UTF-8)")?;
    Journal::from_json(&text)
}

/// The fragment of the page's address, without `#`.
pub fn fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| h.trim_start_matches('#').to_string())
        .unwrap_or_default()
}

/// Removes the fragment from the address bar (without reloading), once a link was handled.
pub fn clear_fragment() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let path = window.location().pathname().unwrap_or_default();
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&path));
    }
}

/// Runs `bytes` through the browser's `CompressionStream` or `DecompressionStream`
/// ("deflate-raw"); `Ok(None)` when the browser has no such stream.
async fn transform(bytes: &[u8], stream: &str) -> Result<Option<Vec<u8>>, String> {
    let global = js_sys::global();
    let ctor = js_sys::Reflect::get(&global, &stream.into()).map_err(js_error)?;
    let Some(ctor) = ctor.dyn_ref::<js_sys::Function>() else {
        return Ok(None);
    };
    let args = js_sys::Array::of1(&"deflate-raw".into());
    let transform = js_sys::Reflect::construct(ctor, &args).map_err(js_error)?;
    let readable = js_sys::Reflect::get(&transform, &"readable".into()).map_err(js_error)?;
    let writable = js_sys::Reflect::get(&transform, &"writable".into()).map_err(js_error)?;
    let pair =
        web_sys::ReadableWritablePair::new(&readable.unchecked_into(), &writable.unchecked_into());
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(js_error)?;
    let out = blob.stream().pipe_through(&pair);
    let response = web_sys::Response::new_with_opt_readable_stream(Some(&out)).map_err(js_error)?;
    let buffer = JsFuture::from(response.array_buffer().map_err(js_error)?)
        .await
        .map_err(|e| format!("the link is damaged ({})", js_error(e)))?;
    Ok(Some(js_sys::Uint8Array::new(&buffer).to_vec()))
}

/// Offers `text` as a file download named `name`.
pub fn download(name: &str, text: &str) -> Result<(), String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/yaml");
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(js_error)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(js_error)?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(js_error)?
        .unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// The text of a file the learner picked.
pub async fn read_text(file: web_sys::File) -> Result<String, String> {
    if file.size() > MAX_IMPORT_BYTES as f64 {
        return Err(format!(
            "{}: larger than {} KB",
            file.name(),
            MAX_IMPORT_BYTES / 1000
        ));
    }
    JsFuture::from(file.text())
        .await
        .map_err(js_error)?
        .as_string()
        .ok_or_else(|| format!("{}: not text", file.name()))
}

/// Puts `text` on the clipboard (best effort: the link is also shown to copy by hand).
pub fn copy(text: &str) {
    if let Some(window) = web_sys::window() {
        let clipboard = window.navigator().clipboard();
        let _ = clipboard.write_text(text);
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// RFC 4648 base64url, without padding.
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            let sextet = (n >> (18 - 6 * i)) & 63;
            out.push(char::from(ALPHABET[sextet as usize]));
        }
    }
    out
}

/// The bytes of base64url text (padding and `+`/`/` also accepted), or `None` if it is not.
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|c| *c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips() {
        for text in [
            "",
            "f",
            "fo",
            "foo",
            "foob",
            "fooba",
            "foobar",
            "kubectl get pods -A\n<<EOF",
        ] {
            let encoded = base64url_encode(text.as_bytes());
            assert!(!encoded.contains(['+', '/', '=']), "{encoded}");
            assert_eq!(base64url_decode(&encoded).unwrap(), text.as_bytes());
        }
        assert_eq!(base64url_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64url_encode(b"\xfb\xff"), "-_8");
        assert_eq!(base64url_decode("not*base64"), None);
    }

    #[test]
    fn shared_journals_drop_the_screen() {
        let mut j = Journal::new();
        j.steps.push(Step::Exec {
            tab: 3,
            line: "kubectl get pods".into(),
        });
        j.steps.push(Step::Clear { tab: 3 });
        j.steps.push(Step::Advance { ms: 5 });
        let s = sharable(&j);
        assert_eq!(
            s.steps,
            [
                Step::Exec {
                    tab: 1,
                    line: "kubectl get pods".into()
                },
                Step::Advance { ms: 5 }
            ]
        );
    }
}
