//! The harness of the tests against the real kubectl: a folder with `cases.txt` (one command
//! line each; blank and `#` lines skipped), the expected outputs `NNN.out` that
//! `tests/data/oracle-generate.sh` recorded from kubectl v1.35, and input files in `files/`.

use std::path::{Path, PathBuf};

use kubeplay_core::Cluster;

/// `tests/data/<name>`.
pub fn data_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// Runs every case as `kubectl <line><suffix>` on a fresh cluster holding `files`, and compares
/// what it prints (stdout, then stderr) with what kubectl printed. Fails listing every case
/// that differs; also when fewer than `at_least` cases were read.
pub fn check_cases(
    dir: &Path,
    files: &[&str],
    suffix: &str,
    at_least: usize,
) -> Result<(), String> {
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
    let mut cluster = Cluster::new_default(1);
    for file in files {
        cluster.write_file(file, &read(&dir.join("files").join(file))?);
    }
    let cases = read(&dir.join("cases.txt"))?;
    let lines = cases
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'));
    let mut failures = Vec::new();
    let mut count = 0;
    for (i, line) in lines.enumerate() {
        count += 1;
        let expected = read(&dir.join(format!("{:03}.out", i + 1)))?;
        let out = cluster.exec(&format!("kubectl {line}{suffix}"));
        let actual = format!("{}{}", out.stdout, out.stderr);
        if actual != expected {
            failures.push(format!(
                "{line}\n--- kubectl\n{expected}--- kubeplay\n{actual}"
            ));
        }
    }
    assert!(count >= at_least, "only {count} cases read");
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} of {count} differ:\n{}",
            failures.len(),
            failures.join("\n")
        ))
    }
}
