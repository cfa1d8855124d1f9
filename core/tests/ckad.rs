//! The CKAD practice questions' kubectl commands (`shared/corpus/ckad.tsv`, from
//! dgkanatsios/CKAD-exercises): the commands of each question whose `needs_external` column is
//! empty run in corpus order, question after question, on one fresh default cluster per file
//! (a file's questions build on each other: one creates the pod the next inspects). Steps a
//! solution does by hand (editing YAML in an editor, creating files) are in
//! `data/ckad/setup.txt`, run before the question's commands.
//!
//! Every command must succeed, unless `EXPECTED_FAILURES` lists it with a part of its error:
//! the ones a real cluster refuses too at that point (the corpus lists alternatives of one
//! step, so the second `delete` of an object finds it gone). A listed command that now
//! succeeds fails the test. The pass rate is printed (`-- --nocapture`).

mod corpus;

use std::collections::BTreeMap;

const SETUP: &str = include_str!("data/ckad/setup.txt");

/// (question, command) → a part of what it prints on stderr.
const EXPECTED_FAILURES: &[(&str, &str, &str)] = &[
    // The answer's own pod name; pods of a Deployment get random suffixes.
    (
        "c.pod_design.md q21",
        "kubectl get po nginx-7bf7478b77-gjzp8 -o yaml",
        r#"Error from server (NotFound): pods "nginx-7bf7478b77-gjzp8" not found"#,
    ),
    // Another way to write the two deletions just made.
    (
        "c.pod_design.md q35",
        "kubectl delete deploy/nginx hpa/nginx",
        r#"Error from server (NotFound): deployments.apps "nginx" not found"#,
    ),
    // The answer lists these after deleting the pods (and `delete` waits until they are gone).
    (
        "g.state.md q5",
        "kubectl get po busybox -o wide",
        r#"Error from server (NotFound): pods "busybox" not found"#,
    ),
    (
        "g.state.md q5",
        "kubectl get po busybox2 -o wide",
        r#"Error from server (NotFound): pods "busybox2" not found"#,
    ),
];

/// One question's runnable commands, in corpus order.
struct Question {
    file: String,
    id: String,
    commands: Vec<(usize, String)>,
}

fn questions() -> Vec<Question> {
    let mut out: Vec<Question> = Vec::new();
    for (i, row) in corpus::rows("ckad.tsv").iter().enumerate() {
        let file = corpus::cell(row, 0).rsplit(':').next().unwrap_or_default();
        let id = format!("{file} q{}", corpus::cell(row, 3));
        let command = corpus::cell(row, 2);
        if command.is_empty() || !corpus::cell(row, 6).is_empty() {
            continue;
        }
        match out.last_mut() {
            Some(q) if q.id == id => q.commands.push((i + 2, command.to_string())),
            _ => out.push(Question {
                file: file.to_string(),
                id,
                commands: vec![(i + 2, command.to_string())],
            }),
        }
    }
    out
}

/// `## FILE qN` sections of the setup file: the commands each question needs first.
fn setups() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in SETUP.lines() {
        if let Some(id) = line.strip_prefix("## ") {
            current = Some(id.trim().to_string());
            continue;
        }
        if let Some(id) = &current {
            let text: &mut String = out.entry(id.clone()).or_default();
            text.push_str(line);
            text.push('\n');
        }
    }
    out
}

#[test]
fn every_runnable_ckad_command_works_as_on_a_real_cluster() {
    let setups = setups();
    let questions = questions();
    let total: usize = questions.iter().map(|q| q.commands.len()).sum();
    assert!(total > 80, "only {total} runnable commands read");
    for id in setups.keys() {
        assert!(
            questions.iter().any(|q| &q.id == id),
            "setup for {id}, which has no runnable command"
        );
    }
    let (mut passed, mut refused, mut problems) = (0, 0, Vec::new());
    let mut cluster = corpus::fresh_cluster();
    let mut file = "";
    for question in &questions {
        if question.file != file {
            file = &question.file;
            cluster = corpus::fresh_cluster();
        }
        if let Some(setup) = setups.get(&question.id) {
            corpus::set_up(&mut cluster, setup);
        }
        for (line, command) in &question.commands {
            let out = cluster.exec(command);
            // A few seconds between steps, as someone typing them would take.
            cluster.run_until_settled(1_000, 20_000);
            let expected = EXPECTED_FAILURES
                .iter()
                .find(|(q, c, _)| *q == question.id && c == command);
            match (out.success(), expected) {
                (true, None) => passed += 1,
                (false, Some((_, _, part))) if out.stderr.contains(part) => refused += 1,
                (true, Some(_)) => problems.push(format!(
                    "line {line} ({}): `{command}` is listed as failing but succeeded",
                    question.id
                )),
                (false, _) => problems.push(format!(
                    "line {line} ({}): `{command}` exited {}:\n{}{}",
                    question.id, out.exit_code, out.stdout, out.stderr
                )),
            }
        }
    }
    println!(
        "CKAD: {} questions, {total} runnable commands, {passed} succeeded, {refused} failed as listed, {} problems",
        questions.len(),
        problems.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
