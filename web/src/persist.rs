//! Saving and restoring the learner's work in `localStorage`: the session's journal (which
//! rebuilds the cluster, the files and every terminal's scrollback), the open terminal tabs,
//! and the chosen language.
//!
//! Restoring replays the journal through a fresh cluster ([`Session::replay`]). A flag is set
//! while replaying: if the page dies during a replay (a journal that crashes the cluster), the
//! next load finds the flag, keeps that journal aside under `journal.crashed` and starts fresh
//! with a notice, instead of crashing again forever. How long the replay took is written on
//! `<html data-restore-ms>` (for the tests and the curious).

use crate::session::{Journal, Screen, Session};
use crate::storage;
use crate::text::{Lang, texts};

const JOURNAL: &str = "journal";
const CRASHED: &str = "journal.crashed";
const REPLAYING: &str = "replaying";
const TABS: &str = "tabs";
const LANG: &str = "lang";

pub struct Restored {
    pub session: Session,
    pub tabs: Vec<u32>,
    pub scrollback: Vec<Screen>,
    pub notice: Option<String>,
}

/// The saved session, or a fresh one.
pub fn restore() -> Restored {
    let tabs: Vec<u32> = storage::get(TABS)
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default();
    let fresh = |notice: Option<String>| Restored {
        session: Session::new(),
        tabs: tabs.clone(),
        scrollback: Vec::new(),
        notice,
    };
    let Some(saved) = storage::get(JOURNAL) else {
        return fresh(None);
    };
    if storage::get(REPLAYING).is_some() {
        let _ = storage::set(CRASHED, &saved);
        storage::remove(JOURNAL);
        storage::remove(REPLAYING);
        return fresh(Some(texts().restore_crashed.to_string()));
    }
    let journal = match Journal::from_json(&saved) {
        Ok(j) => j,
        Err(e) => {
            let _ = storage::set(CRASHED, &saved);
            storage::remove(JOURNAL);
            return fresh(Some(format!("{} ({e})", texts().restore_unreadable)));
        }
    };
    let _ = storage::set(REPLAYING, "1");
    let started = now_ms();
    let mut scrollback = Vec::new();
    let session = replay_into(&journal, &mut scrollback);
    let took = now_ms() - started;
    storage::remove(REPLAYING);
    if let Some(root) = crate::layout::document_element() {
        let _ = root.set_attribute("data-restore-ms", &format!("{took:.0}"));
    }
    web_sys::console::info_1(
        &format!(
            "kubeplay: restored {} steps ({} lines) in {took:.0} ms",
            journal.steps.len(),
            journal.lines().count()
        )
        .into(),
    );
    Restored {
        session,
        tabs,
        scrollback,
        notice: None,
    }
}

/// Replays `journal`, collecting what each terminal showed.
pub fn replay_into(journal: &Journal, scrollback: &mut Vec<Screen>) -> Session {
    Session::replay(journal, |screen| scrollback.push(screen))
}

/// Saves the journal and the open tabs; the error says why not (e.g. the storage is full).
pub fn save(journal: &Journal, tabs: &[u32]) -> Result<(), String> {
    let t = texts();
    let json = journal.to_json();
    storage::set(JOURNAL, &json).map_err(|e| format!("{} ({e})", t.save_failed))?;
    let tabs = serde_json::to_string(tabs).unwrap_or_default();
    storage::set(TABS, &tabs).map_err(|e| format!("{} ({e})", t.save_failed))
}

/// Forgets the saved session (Reset).
pub fn forget() {
    storage::remove(JOURNAL);
    storage::remove(TABS);
}

pub fn load_lang() -> Lang {
    storage::get(LANG)
        .and_then(|tag| Lang::from_tag(&tag))
        .or_else(|| {
            // First visit: the browser's language if we have it.
            web_sys::window()
                .and_then(|w| w.navigator().language())
                .and_then(|tag| Lang::from_tag(&tag))
        })
        .unwrap_or(Lang::En)
}

pub fn save_lang(lang: Lang) {
    let _ = storage::set(LANG, lang.tag());
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}
