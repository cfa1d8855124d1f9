//! Where the shared corpus is (`shared/corpus`, beside the repository — or beside any folder
//! above it, since a worktree sits deeper), and how its tab-separated files read.

#![allow(dead_code)] // each test binary uses part of it
#![allow(clippy::panic, clippy::expect_used)]

use std::path::{Path, PathBuf};

use kubeplay_core::Cluster;

/// `shared/corpus`; panics, naming where it looked, when there is none (a test without its
/// corpus must not pass by reading nothing).
pub fn dir() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|up| up.join("shared/corpus"))
        .find(|dir| dir.is_dir())
        .unwrap_or_else(|| panic!("shared/corpus not found above {}", here.display()))
}

/// The rows of a corpus TSV file (its header skipped), each as its cells; a missing last
/// cell reads as empty.
pub fn rows(name: &str) -> Vec<Vec<String>> {
    let path = dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.split('\t').map(str::to_string).collect())
        .collect()
}

/// Cell `i` of a row, empty when the row is shorter.
pub fn cell(row: &[String], i: usize) -> &str {
    row.get(i).map_or("", String::as_str)
}

/// The word after `<<` (quotes removed).
pub fn delimiter(command: &str) -> String {
    command
        .split_once("<<")
        .map(|(_, rest)| rest.trim().trim_matches(['\'', '"']).to_string())
        .unwrap_or_default()
}

/// Splits a script into commands: one line each, a line with a here-document together with
/// its body.
pub fn commands(script: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = script.lines();
    while let Some(line) = lines.next() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let mut command = format!("{line}\n");
        if line.contains("<<") {
            let end = delimiter(line);
            for body in lines.by_ref() {
                command.push_str(body);
                command.push('\n');
                if body.trim() == end {
                    break;
                }
            }
        }
        out.push(command);
    }
    out
}

/// A default cluster (the page's seed) with kubectl's help and explain data loaded.
pub fn fresh_cluster() -> Cluster {
    let mut cluster = Cluster::new_default(1);
    Cluster::load_help_texts(include_str!("../../../static/help/kubectl-v1.35.txt"));
    cluster
        .load_explain_data(include_str!("../../../static/explain/v1.35.json"))
        .expect("explain data loads");
    cluster
}

/// Runs a setup script (every command must succeed), then lets the cluster settle.
pub fn set_up(cluster: &mut Cluster, script: &str) {
    for command in commands(script) {
        let out = cluster.exec(&command);
        assert!(
            out.success(),
            "setup: {command}{}{}",
            out.stdout,
            out.stderr
        );
    }
    cluster.run_until_settled(5_000, 300_000);
}
