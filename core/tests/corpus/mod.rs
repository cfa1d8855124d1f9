//! Where the shared corpus is (`shared/corpus`, beside the repository — or beside any folder
//! above it, since a worktree sits deeper), and how its tab-separated files read.

#![allow(dead_code)] // each test binary uses part of it
#![allow(clippy::panic)]

use std::path::{Path, PathBuf};

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
