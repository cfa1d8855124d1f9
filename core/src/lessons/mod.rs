//! Lessons as data: the reader of the files in `lessons/` (see `lessons/FORMAT.md`) and the
//! evaluation of their exercises' checks against a cluster.
//!
//! Everything here is pure over strings and the cluster's state (the core does no I/O): the
//! page and the native test read the files and hand their text in.
//! - [`document`]: a language file (`en.md`, `ko.md`) → [`Lesson`]: front matter and blocks.
//! - [`checks`]: `exercises.yaml` and drills → [`Exercise`], [`Drill`], [`Check`].
//! - [`focus`]: `focus:` links → [`FocusTarget`] → the objects they point at now.
//! - [`evaluate`]: checks against a cluster → [`CheckResult`]s, with no side effects;
//!   [`describe`] says what a check tests, in English or Korean.

pub mod checks;
pub mod describe;
pub mod document;
pub mod evaluate;
pub mod focus;

pub use checks::{
    Check, CheckKind, Compare, CountCompare, Drill, DrillTask, Exercise, Expect, Localized,
    ObjectRef, RequestFrom, Scope, parse_drill, parse_exercises,
};
pub use describe::describe_in;
pub use document::{Block, ExerciseText, Lesson, LessonKind, parse_lesson};
pub use evaluate::{CheckResult, TaskReport, grade_drill};
pub use focus::{FocusTarget, parse_focus};

/// Why a lesson file, an exercises file or a drill could not be read.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct LessonError {
    /// The 1-based line of the file the problem is at, when known.
    pub line: Option<usize>,
    pub message: String,
}

impl LessonError {
    /// An error at `line` (1-based).
    pub fn at(line: usize, message: impl Into<String>) -> LessonError {
        LessonError {
            line: Some(line),
            message: message.into(),
        }
    }

    /// An error with no position.
    pub fn new(message: impl Into<String>) -> LessonError {
        LessonError {
            line: None,
            message: message.into(),
        }
    }

    /// Reads YAML that starts at line `first_line` of its file as a `T`. The YAML becomes a
    /// JSON value first and the value a `T`, so that the page carries one YAML decoder (the
    /// one manifests use) instead of one per lesson type (the wasm is smaller by tens of KB).
    /// YAML 1.2 booleans only, as a typed decode would read `id: y`. A syntax error keeps its
    /// line; an unknown field gets the line where the key first appears.
    pub(crate) fn decode_yaml<T: serde::de::DeserializeOwned>(
        text: &str,
        first_line: usize,
    ) -> Result<T, LessonError> {
        let mut options = serde_saphyr::Options::default();
        options.strict_booleans = true;
        let value: serde_json::Value = serde_saphyr::from_str_with_options(text, options)
            .map_err(|e| LessonError::yaml(&e, first_line))?;
        serde_json::from_value(value).map_err(|e| {
            let message = e.to_string();
            LessonError {
                line: line_of(text, &message).map(|l| l + first_line),
                message,
            }
        })
    }

    /// A YAML decoding error, with its line shifted by `first_line - 1` (the YAML's first line
    /// within the file).
    pub(crate) fn yaml(error: &serde_saphyr::Error, first_line: usize) -> LessonError {
        let line = error
            .location()
            .map(|l| usize::try_from(l.line()).unwrap_or(0).max(1) + first_line - 1);
        LessonError {
            line,
            message: error.to_string(),
        }
    }
}

/// Where in `text` the value a decoding `message` is about sits (serde's messages from a
/// decoded value carry no position): the line of an unknown key, or of a value of the wrong
/// type (`invalid type: string "one"`, `` integer `1` ``).
fn line_of(text: &str, message: &str) -> Option<usize> {
    let quoted = |open: &str, close: char| {
        let (_, rest) = message.split_once(open)?;
        rest.split_once(close).map(|(v, _)| v.to_string())
    };
    let entry = |l: &str| {
        l.trim_start()
            .trim_start_matches("- ")
            .trim_start()
            .to_string()
    };
    if let Some(key) = quoted("unknown field `", '`') {
        let key = format!("{key}:");
        return text.lines().position(|l| {
            entry(l).starts_with(&key)
                || l.contains(&format!(" {key}"))
                || l.contains(&format!("{{{key}"))
        });
    }
    let value = quoted("string \"", '"')
        .or_else(|| quoted("integer `", '`'))
        .or_else(|| quoted("boolean `", '`'))?;
    text.lines().position(|l| {
        let l = l.trim_end();
        [
            format!(": {value}"),
            format!(": \"{value}\""),
            format!("- {value}"),
        ]
        .iter()
        .any(|end| l.ends_with(end.as_str()))
    })
}

impl std::fmt::Display for LessonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for LessonError {}
