//! The kubectl cheat sheet (`shared/corpus/cheatsheet.txt`, from the kubectl Quick Reference in
//! English and Korean): every line that needs nothing outside a cluster (its `needs_external`
//! column is empty, or names only what kubeplay simulates: jq, port-forward) runs on a fresh
//! default cluster prepared by `data/cheatsheet/setup.sh`, which makes the objects the lines
//! name (`my-pod`, `frontend`, `my-node`, ...).
//!
//! Each line must succeed, unless it is in `EXPECTED_FAILURES` with a part of the error it
//! prints — the lines a real v1.35 cluster after the same setup refuses too, and those kubeplay
//! says plainly it cannot do. A listed line that now succeeds fails the test, so the list
//! stays true. The pass rate is printed (`cargo test --test cheatsheet -- --nocapture`).

mod corpus;

use kubeplay_core::Cluster;

const SETUP: &str = include_str!("data/cheatsheet/setup.sh");

/// Lines that fail, and a part of what they print on stderr.
const EXPECTED_FAILURES: &[(&str, &str)] = &[
    // The sheet shows `-A` on its own to say what it means; kubectl wants a command.
    ("kubectl -A", "error: unknown shorthand flag: 'A' in -A"),
    // Every node runs kindnet and kube-proxy, DaemonSet pods drain skips only when told to.
    (
        "kubectl drain my-node",
        "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): kube-system/kindnet-",
    ),
];

/// A runnable line of the sheet: its line number, the command and its here-document.
struct Line {
    number: usize,
    script: String,
}

/// What lines may need from outside a cluster that kubeplay's terminal provides.
const SIMULATED_NEEDS: &[&str] = &["shell-tools:jq", "port-forward"];

/// The lines whose `needs_external` column is empty or names only [`SIMULATED_NEEDS`].
fn runnable_lines() -> Vec<Line> {
    corpus::rows("cheatsheet.txt")
        .iter()
        .enumerate()
        .filter(|(_, row)| {
            let needs = corpus::cell(row, 2);
            !corpus::cell(row, 0).is_empty()
                && needs
                    .split(',')
                    .filter(|n| !n.is_empty())
                    .all(|n| SIMULATED_NEEDS.contains(&n))
        })
        .map(|(i, row)| {
            let command = corpus::cell(row, 0);
            let mut script = format!("{command}\n");
            let body = corpus::cell(row, 5);
            if !body.is_empty() {
                script.push_str(&body.replace("\\n", "\n"));
                script.push_str(&format!("{}\n", corpus::delimiter(command)));
            }
            Line {
                number: i + 2,
                script,
            }
        })
        .collect()
}

/// A default cluster after the setup.
fn prepared() -> Cluster {
    let mut cluster = corpus::fresh_cluster();
    corpus::set_up(&mut cluster, SETUP);
    cluster
}

#[test]
fn every_runnable_line_of_the_cheat_sheet_works_as_on_a_real_cluster() {
    let lines = runnable_lines();
    assert!(lines.len() > 60, "only {} runnable lines read", lines.len());
    let mut problems = Vec::new();
    let mut passed = 0;
    let mut refused = 0;
    for line in &lines {
        let mut cluster = prepared();
        let out = cluster.exec(&line.script);
        let first = line.script.lines().next().unwrap_or_default();
        let expected = EXPECTED_FAILURES.iter().find(|(l, _)| *l == first);
        match (out.success(), expected) {
            (true, None) => passed += 1,
            (false, Some((_, part))) if out.stderr.contains(part) => refused += 1,
            (true, Some(_)) => problems.push(format!(
                "line {}: `{first}` is listed as failing but succeeded:\n{}",
                line.number, out.stdout
            )),
            (false, _) => problems.push(format!(
                "line {}: `{first}` exited {}:\n{}{}",
                line.number, out.exit_code, out.stdout, out.stderr
            )),
        }
    }
    println!(
        "cheat sheet: {} runnable lines, {passed} succeeded, {refused} failed as listed, {} problems",
        lines.len(),
        problems.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
