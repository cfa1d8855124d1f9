//! What the lesson pane fetches: `lessons/index.json` (made at build time by
//! scripts/post-build.mjs, since the lessons are not compiled into the wasm), one lesson's
//! files when it is opened, and a drill's YAML. Also what is kept in `localStorage`: progress and
//! the open lesson.

use std::collections::BTreeSet;
use std::rc::Rc;

use kubeplay_core::lessons::{Drill, Exercise, Lesson, parse_drill, parse_exercises, parse_lesson};
use serde::Deserialize;

use crate::explain_data::fetch_text;
use crate::storage;

/// A title in both languages.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Title {
    pub en: String,
    pub ko: String,
}

impl Title {
    pub fn get(&self, ko: bool) -> &str {
        if ko { &self.ko } else { &self.en }
    }
}

/// One lesson as the index lists it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Entry {
    pub folder: String,
    pub id: String,
    pub title: Title,
    pub minutes: u32,
    pub kind: String,
    pub prerequisites: Vec<String>,
    pub exercises: Vec<String>,
    pub setup: bool,
}

/// `lessons/index.json`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Index {
    pub lessons: Vec<Entry>,
    /// File names under `lessons/drills/`.
    pub drills: Vec<String>,
}

/// An opened lesson: both languages (the page's switch picks one), its exercises' checks and
/// its setup script.
#[derive(Debug, PartialEq, Eq)]
pub struct Opened {
    pub entry: Entry,
    pub en: Lesson,
    pub ko: Lesson,
    pub exercises: Vec<Exercise>,
    pub setup: String,
}

pub async fn fetch_index() -> Result<Rc<Index>, String> {
    let text = fetch_text("lessons/index.json").await?;
    serde_json::from_str(&text)
        .map(Rc::new)
        .map_err(|e| format!("lessons/index.json: {e}"))
}

pub async fn fetch_lesson(entry: Entry) -> Result<Rc<Opened>, String> {
    let base = format!("lessons/{}", entry.folder);
    let read =
        |name: &str, text: String| parse_lesson(&text).map_err(|e| format!("{base}/{name}: {e}"));
    let en = read("en.md", fetch_text(&format!("{base}/en.md")).await?)?;
    let ko = read("ko.md", fetch_text(&format!("{base}/ko.md")).await?)?;
    let exercises = if entry.exercises.is_empty() {
        Vec::new()
    } else {
        let text = fetch_text(&format!("{base}/exercises.yaml")).await?;
        parse_exercises(&text).map_err(|e| format!("{base}/exercises.yaml: {e}"))?
    };
    let setup = if entry.setup {
        fetch_text(&format!("{base}/setup.sh")).await?
    } else {
        String::new()
    };
    Ok(Rc::new(Opened {
        entry,
        en,
        ko,
        exercises,
        setup,
    }))
}

pub async fn fetch_drill(file: String) -> Result<Rc<Drill>, String> {
    let text = fetch_text(&format!("lessons/drills/{file}")).await?;
    parse_drill(&text)
        .map(Rc::new)
        .map_err(|e| format!("lessons/drills/{file}: {e}"))
}

/// Where completed exercises are kept (`lesson-id/exercise-id` lines). Apart from the
/// journal: a cluster reset (or a new lesson's start) does not forget what was learned.
const PROGRESS_KEY: &str = "lessons.done";

pub fn load_progress() -> BTreeSet<String> {
    storage::get(PROGRESS_KEY)
        .map(|s| s.lines().map(str::to_string).collect())
        .unwrap_or_default()
}

pub fn save_progress(done: &BTreeSet<String>) {
    let text: Vec<&str> = done.iter().map(String::as_str).collect();
    // A full or missing storage only loses the marks, never the page.
    let _ = storage::set(PROGRESS_KEY, &text.join("\n"));
}

/// The lesson open in the pane (its id), so that a reload comes back to it.
const OPEN_KEY: &str = "lessons.open";

pub fn load_open() -> Option<String> {
    storage::get(OPEN_KEY)
}

pub fn save_open(id: Option<&str>) {
    match id {
        // As with progress, a full storage only forgets the place.
        Some(id) => {
            let _ = storage::set(OPEN_KEY, id);
        }
        None => storage::remove(OPEN_KEY),
    }
}
