//! Transcript tests: `tests/transcripts/*.txt` are kubectl sessions on the default cluster —
//! `$ line` followed by exactly what the terminal shows (stdout, then stderr). Each file is run
//! twice from a fresh cluster: the output must match the file, and both runs must be identical
//! (determinism). A command with here-documents (`$ kubectl apply -f - <<EOF`) takes the lines
//! that follow, up to each delimiter line, as its input, as a terminal would; so does a line
//! that ends with a backslash.
//! Every cluster gets the `kubectl explain` data first (`static/explain/v1.35.json`, parsed
//! once and shared), as the CLI and the page hand it over; a transcript cannot see it
//! loading.
//! `UPDATE_TRANSCRIPTS=1 cargo test --test transcripts` rewrites the files from
//! the current behaviour — review the diff before committing it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use kubeplay_core::Cluster;
use kubeplay_core::api::openapi::OpenApi;

fn transcripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/transcripts")
}

/// The explain data, read and parsed once for all transcripts.
fn explain_data() -> Arc<OpenApi> {
    static DATA: OnceLock<Arc<OpenApi>> = OnceLock::new();
    DATA.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../static/explain/v1.35.json");
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        Arc::new(OpenApi::parse(&text).unwrap_or_default())
    })
    .clone()
}

/// Runs the `$ ` lines of a transcript and returns the transcript as it comes out now.
fn replay(text: &str) -> String {
    let mut cluster = Cluster::new_default(1);
    cluster.set_explain_data(explain_data());
    Cluster::load_help_texts(include_str!("../../static/help/kubectl-v1.35.txt"));
    let mut out = String::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some(first) = line.strip_prefix("$ ") {
            out.push_str(line);
            out.push('\n');
            let mut command = first.to_string();
            while command.ends_with('\\') {
                let Some(next) = lines.next() else { break };
                out.push_str(next);
                out.push('\n');
                command.push('\n');
                command.push_str(next);
            }
            for delimiter in here_doc_delimiters(first) {
                for body in lines.by_ref() {
                    command.push('\n');
                    command.push_str(body);
                    out.push_str(body);
                    out.push('\n');
                    if body.trim_start_matches('\t') == delimiter {
                        break;
                    }
                }
            }
            let result = cluster.exec(&command);
            out.push_str(&result.stdout);
            out.push_str(&result.stderr);
        } else if line.starts_with('#') && out.lines().all(|l| l.starts_with('#')) {
            // Comments before the first command describe the transcript.
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The delimiters of the here-documents a command line opens (`<<EOF`, `<<-'END'`), in order.
fn here_doc_delimiters(line: &str) -> Vec<String> {
    line.split("<<")
        .skip(1)
        .map(|rest| {
            rest.trim_start_matches('-')
                .trim_start()
                .split(|c: char| c.is_whitespace() || c == '|' || c == ';' || c == '>')
                .next()
                .unwrap_or("")
                .trim_matches(|c| c == '\'' || c == '"')
                .to_string()
        })
        .collect()
}

#[test]
fn transcripts_match_and_are_deterministic() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(transcripts_dir())
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "txt"));
    files.sort();
    assert!(
        !files.is_empty(),
        "no transcripts found in {}",
        transcripts_dir().display()
    );
    let update = std::env::var_os("UPDATE_TRANSCRIPTS").is_some();
    let mut failures = Vec::new();
    for path in files {
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        let first = replay(&expected);
        let second = replay(&expected);
        assert_eq!(first, second, "{} is not deterministic", path.display());
        if update {
            let _ = std::fs::write(&path, &first);
        } else if first != expected {
            failures.push(format!("{}:\n{}", path.display(), diff(&expected, &first)));
        }
    }
    assert!(
        failures.is_empty(),
        "transcripts differ:\n{}",
        failures.join("\n")
    );
}

/// The first differing line, with context, for a readable failure.
fn diff(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let i = e
        .iter()
        .zip(&a)
        .position(|(x, y)| x != y)
        .unwrap_or(e.len().min(a.len()));
    format!(
        "  first difference at line {}:\n  expected: {:?}\n  actual:   {:?}",
        i + 1,
        e.get(i).unwrap_or(&"<end>"),
        a.get(i).unwrap_or(&"<end>")
    )
}
