//! Every lesson in `lessons/` (and every drill in `lessons/drills/`) read and run natively, as
//! `lessons/FORMAT.md` requires: both language files agree (front matter, `run` blocks,
//! `yaml file=` blocks, exercise ids, which equal `exercises.yaml`'s); then on a fresh default
//! cluster (the page's seed) the files are written, `setup.sh` runs and the cluster settles
//! (15 quiet seconds, at most two minutes of virtual time), every exercise's checks fail on that starting state, and the document is walked in order: each `run` block runs
//! (succeeding, or failing at its last line when marked `fails`), and at each exercise its
//! solution runs and its checks then pass.
//!
//! Each lesson starts from its own cluster, so one run reports every failing lesson.
//! `LESSONS=id1,id2` restricts the run to those lessons and drills (writers iterate with it:
//! `LESSONS=deployments cargo test -p kubeplay-core --test lessons`).

#![allow(clippy::panic)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use kubeplay_core::Cluster;
use kubeplay_core::kubectl::shell::split_commands;
use kubeplay_core::lessons::{
    Block, CheckResult, Exercise, Lesson, LessonKind, parse_drill, parse_exercises, parse_focus,
    parse_lesson,
};

/// The seed the page starts every cluster with (`web/src/session.rs`'s `SEED`).
const SEED: u64 = 1;

fn lessons_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../lessons")
}

/// The ids asked for with `LESSONS=...`, if any.
fn only() -> Option<BTreeSet<String>> {
    let value = std::env::var("LESSONS").ok()?;
    let ids: BTreeSet<String> = value
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    (!ids.is_empty()).then_some(ids)
}

/// Lesson folders (`NN-id`) as (folder name, id), in folder order.
fn lesson_folders() -> Vec<(String, String)> {
    let mut folders: Vec<(String, String)> = std::fs::read_dir(lessons_dir())
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().is_dir())
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().to_string();
                    let (prefix, id) = name.split_once('-')?;
                    (!prefix.is_empty() && prefix.chars().all(|c| c.is_ascii_digit()))
                        .then(|| (name.clone(), id.to_string()))
                })
                .collect()
        })
        .unwrap_or_default();
    folders.sort();
    folders
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// A lesson folder read and cross-checked: the English and Korean lessons and the exercises.
struct Loaded {
    en: Lesson,
    exercises: Vec<Exercise>,
    setup: Option<String>,
}

/// Reads one lesson folder and checks what can be checked without a cluster.
fn load(dir: &Path, id: &str, all_ids: &BTreeSet<String>) -> Result<Loaded, Vec<String>> {
    let mut problems = Vec::new();
    let parse = |lang: &str| -> Result<Lesson, String> {
        let text = read(&dir.join(format!("{lang}.md")))?;
        parse_lesson(&text).map_err(|e| format!("{lang}.md: {e}"))
    };
    let (en, ko) = match (parse("en"), parse("ko")) {
        (Ok(en), Ok(ko)) => (en, ko),
        (en, ko) => {
            problems.extend(en.err());
            problems.extend(ko.err());
            return Err(problems);
        }
    };
    if en.id != id {
        problems.push(format!("en.md: id {:?} is not the folder's {id:?}", en.id));
    }
    if ko.id != en.id {
        problems.push(format!("ko.md: id {:?}, en.md: {:?}", ko.id, en.id));
    }
    for (what, a, b) in [
        ("order", en.order.to_string(), ko.order.to_string()),
        ("minutes", en.minutes.to_string(), ko.minutes.to_string()),
        ("kind", format!("{:?}", en.kind), format!("{:?}", ko.kind)),
        (
            "prerequisites",
            en.prerequisites.join(","),
            ko.prerequisites.join(","),
        ),
    ] {
        if a != b {
            problems.push(format!("{what} differs: en.md {a:?}, ko.md {b:?}"));
        }
    }
    for p in &en.prerequisites {
        if !all_ids.contains(p) {
            problems.push(format!("prerequisite {p:?} is not a lesson"));
        }
    }
    for (lang, lesson) in [("en", &en), ("ko", &ko)] {
        for href in focus_links(lesson) {
            if parse_focus(&href).is_none() {
                problems.push(format!("{lang}.md: {href:?} is not a focus link the page understands (focus:KIND/NAME, focus:KIND/NS/NAME, focus:KIND?SELECTOR)"));
            }
        }
    }
    let runs = |l: &Lesson| -> Vec<(String, bool)> {
        l.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Run { script, fails } => Some((script.clone(), *fails)),
                _ => None,
            })
            .collect()
    };
    let (en_runs, ko_runs) = (runs(&en), runs(&ko));
    if en_runs != ko_runs {
        let at = en_runs
            .iter()
            .zip(&ko_runs)
            .position(|(a, b)| a != b)
            .unwrap_or(en_runs.len().min(ko_runs.len()));
        problems.push(format!(
            "run blocks differ between en.md ({}) and ko.md ({}); first difference at run block {}: en {:?}, ko {:?}",
            en_runs.len(),
            ko_runs.len(),
            at + 1,
            en_runs.get(at),
            ko_runs.get(at)
        ));
    }
    let files = |l: &Lesson| -> Vec<(String, String)> {
        l.files()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect()
    };
    if files(&en) != files(&ko) {
        problems.push("`yaml file=` blocks differ between en.md and ko.md".into());
    }
    let ids = |l: &Lesson| -> Vec<String> { l.exercises().map(|e| e.id.clone()).collect() };
    let (en_ids, ko_ids) = (ids(&en), ids(&ko));
    if en_ids != ko_ids {
        problems.push(format!(
            "exercise ids differ: en.md {en_ids:?}, ko.md {ko_ids:?}"
        ));
    }
    let exercises_path = dir.join("exercises.yaml");
    let exercises = if exercises_path.exists() {
        match read(&exercises_path)
            .and_then(|t| parse_exercises(&t).map_err(|e| format!("exercises.yaml: {e}")))
        {
            Ok(list) => list,
            Err(e) => {
                problems.push(e);
                Vec::new()
            }
        }
    } else {
        Vec::new()
    };
    let yaml_ids: Vec<String> = exercises.iter().map(|e| e.id.clone()).collect();
    if yaml_ids != en_ids {
        problems.push(format!(
            "exercises.yaml has {yaml_ids:?}, the lesson shows {en_ids:?} (same ids, same order)"
        ));
    }
    if en.kind == LessonKind::Practice && en_ids.len() < 2 {
        problems.push(format!(
            "a practice lesson has at least 2 exercises, this one {}",
            en_ids.len()
        ));
    }
    let setup_path = dir.join("setup.sh");
    let setup = if setup_path.exists() {
        match read(&setup_path) {
            Ok(t) => Some(t),
            Err(e) => {
                problems.push(e);
                None
            }
        }
    } else {
        None
    };
    if problems.is_empty() {
        Ok(Loaded {
            en,
            exercises,
            setup,
        })
    } else {
        Err(problems)
    }
}

/// The targets of `](focus:...)` links in a lesson's text.
fn focus_links(lesson: &Lesson) -> Vec<String> {
    let mut links = Vec::new();
    for block in &lesson.blocks {
        let Block::Markdown(text) = block else {
            continue;
        };
        for piece in text.split("](focus:").skip(1) {
            let target = piece.split([')', ' ']).next().unwrap_or("");
            links.push(format!("focus:{target}"));
        }
    }
    links
}

/// A command and what it printed, for reports.
fn shown(command: &str, out: &kubeplay_core::Output) -> String {
    format!(
        "$ {command}\n{}{}(exit {})",
        out.stdout, out.stderr, out.exit_code
    )
}

/// Lets the cluster come to rest after a setup, as it does in the page while the learner reads
/// (15 quiet seconds, at most two minutes of virtual time): the starting state is the settled one.
fn settle(cluster: &mut Cluster) {
    cluster.run_until_settled(15_000, 120_000);
}

/// Runs a script command by command; with `fails`, the last must fail and the others succeed.
fn run_script(cluster: &mut Cluster, script: &str, fails: bool) -> Result<(), String> {
    let commands: Vec<String> = split_commands(script)
        .into_iter()
        .filter(|c| !c.trim().is_empty())
        .collect();
    if commands.is_empty() {
        return Err("the block has no commands".into());
    }
    let last = commands.len() - 1;
    for (i, command) in commands.iter().enumerate() {
        let out = cluster.exec(command);
        if cluster.pending_edit().is_some() {
            cluster.cancel_edit();
            return Err(format!(
                "command {} opens an editor (kubectl edit), which the test cannot type in: show it in a ```sh block, and run kubectl patch/set/apply instead:\n$ {command}",
                i + 1
            ));
        }
        let must_fail = fails && i == last;
        if out.success() == must_fail {
            let want = if must_fail { "fail" } else { "succeed" };
            return Err(format!(
                "command {} of the block should {want}:\n{}",
                i + 1,
                shown(command, &out)
            ));
        }
    }
    Ok(())
}

fn failed_checks(results: &[CheckResult]) -> String {
    results
        .iter()
        .filter(|r| !r.passed)
        .map(|r| format!("  check failed: {} ({})", r.description, r.detail))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs one loaded lesson on a fresh cluster; the first problem met ends it.
fn run_lesson(lesson: &Loaded) -> Result<(), String> {
    let mut cluster = Cluster::new_default(SEED);
    for (name, text) in lesson.en.files() {
        cluster.write_file(name, text);
    }
    if let Some(setup) = &lesson.setup {
        run_script(&mut cluster, setup, false).map_err(|e| format!("setup.sh: {e}"))?;
        settle(&mut cluster);
    }
    for exercise in &lesson.exercises {
        let results = cluster.evaluate_checks(&exercise.checks);
        if results.iter().all(|r| r.passed) {
            return Err(format!(
                "exercise {}: its checks already pass on the starting state",
                exercise.id
            ));
        }
    }
    for (index, block) in lesson.en.blocks.iter().enumerate() {
        let line = lesson.en.block_lines.get(index).copied().unwrap_or(0);
        match block {
            Block::Run { script, fails } => run_script(&mut cluster, script, *fails)
                .map_err(|e| format!("block {} (en.md line {line}): {e}", index + 1))?,
            Block::Exercise(text) => {
                let Some(exercise) = lesson.exercises.iter().find(|e| e.id == text.id) else {
                    continue;
                };
                run_script(&mut cluster, &exercise.solution, false).map_err(|e| {
                    format!(
                        "block {} (en.md line {line}): exercise {} solution: {e}",
                        index + 1,
                        exercise.id
                    )
                })?;
                let results = cluster.evaluate_checks(&exercise.checks);
                if !results.iter().all(|r| r.passed) {
                    return Err(format!(
                        "block {} (en.md line {line}): exercise {}: checks fail after its solution:\n{}",
                        index + 1,
                        exercise.id,
                        failed_checks(&results)
                    ));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

#[test]
fn every_lesson_reads_agrees_and_runs() {
    let folders = lesson_folders();
    let all_ids: BTreeSet<String> = folders.iter().map(|(_, id)| id.clone()).collect();
    let wanted = only();
    let mut failures = Vec::new();
    let mut ran = 0;
    let mut seen = BTreeSet::new();
    for (folder, id) in &folders {
        if !seen.insert(id.clone()) {
            failures.push(format!("{id}: two folders have this id"));
        }
        if wanted.as_ref().is_some_and(|w| !w.contains(id)) {
            continue;
        }
        ran += 1;
        match load(&lessons_dir().join(folder), id, &all_ids) {
            Err(problems) => failures.push(format!("{id}:\n  {}", problems.join("\n  "))),
            Ok(lesson) => {
                if let Err(e) = run_lesson(&lesson) {
                    failures.push(format!("{id}: {e}"));
                }
            }
        }
    }
    if let Some(w) = &wanted {
        for id in w {
            let drill = lessons_dir().join("drills").join(format!("{id}.yaml"));
            if !all_ids.contains(id) && !drill.exists() {
                failures.push(format!("LESSONS names {id:?}, which is no lesson or drill"));
            }
        }
    }
    eprintln!("lessons run: {ran}");
    assert!(
        failures.is_empty(),
        "{} lesson(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// Runs one drill: setup, every task's checks fail, then each task's solution makes its checks
/// pass, and at the end the grade is full marks.
fn run_drill(text: &str, file_id: &str) -> Result<(), String> {
    let drill = parse_drill(text).map_err(|e| e.to_string())?;
    if drill.id != file_id {
        return Err(format!("id {:?} is not the file's name", drill.id));
    }
    let mut cluster = Cluster::new_default(SEED);
    if !drill.setup.trim().is_empty() {
        run_script(&mut cluster, &drill.setup, false).map_err(|e| format!("setup: {e}"))?;
        settle(&mut cluster);
    }
    for task in &drill.tasks {
        if cluster
            .evaluate_checks(&task.checks)
            .iter()
            .all(|r| r.passed)
        {
            return Err(format!(
                "task {}: its checks already pass after setup",
                task.id
            ));
        }
    }
    for task in &drill.tasks {
        run_script(&mut cluster, &task.solution, false)
            .map_err(|e| format!("task {} solution: {e}", task.id))?;
        let results = cluster.evaluate_checks(&task.checks);
        if !results.iter().all(|r| r.passed) {
            return Err(format!(
                "task {}: checks fail after its solution:\n{}",
                task.id,
                failed_checks(&results)
            ));
        }
    }
    let report = kubeplay_core::lessons::grade_drill(&mut cluster, &drill);
    let earned: u32 = report.iter().map(|t| t.earned).sum();
    let total: u32 = drill.tasks.iter().map(|t| t.points).sum();
    if earned != total {
        let lost: Vec<&str> = report
            .iter()
            .filter(|t| t.earned < t.points)
            .map(|t| t.id.as_str())
            .collect();
        return Err(format!(
            "graded at the end: {earned}/{total}; a later solution undid {lost:?}"
        ));
    }
    Ok(())
}

#[test]
fn every_drill_reads_and_runs() {
    let wanted = only();
    let mut files: Vec<PathBuf> = std::fs::read_dir(lessons_dir().join("drills"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut failures = Vec::new();
    for path in files {
        let id = path
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        if wanted.as_ref().is_some_and(|w| !w.contains(&id)) {
            continue;
        }
        if let Err(e) = read(&path).and_then(|text| run_drill(&text, &id)) {
            failures.push(format!("drill {id}: {e}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} drill(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// `lessons/README.md`'s coverage table names only lessons that exist (as `NN-id` folders or
/// ids in backticks), and names every practice lesson. Checked once the README exists.
#[test]
fn coverage_table_names_real_lessons() {
    let Ok(readme) = std::fs::read_to_string(lessons_dir().join("README.md")) else {
        eprintln!("lessons/README.md does not exist yet: coverage table not checked");
        return;
    };
    let folders = lesson_folders();
    let ids: BTreeSet<&str> = folders.iter().map(|(_, id)| id.as_str()).collect();
    let folder_names: BTreeSet<&str> = folders.iter().map(|(f, _)| f.as_str()).collect();
    let rows: Vec<&str> = readme
        .lines()
        .filter(|l| l.trim_start().starts_with('|'))
        .collect();
    let mut problems = Vec::new();
    let mut named = BTreeSet::new();
    for row in &rows {
        for cell in row.split('|') {
            // Links to folders: `](NN-id/...)` or `](NN-id)`.
            for target in cell.split("](").skip(1) {
                let target = target.split([')', '/', '#']).next().unwrap_or("");
                let looks_like_folder = target
                    .split_once('-')
                    .is_some_and(|(p, _)| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
                if looks_like_folder {
                    if folder_names.contains(target) {
                        named.insert(target.split_once('-').map_or("", |(_, id)| id).to_string());
                    } else {
                        problems.push(format!("the table links to {target:?}, no such folder"));
                    }
                }
            }
            // Ids in backticks.
            for (i, piece) in cell.split('`').enumerate() {
                if i % 2 == 1 && ids.contains(piece) {
                    named.insert(piece.to_string());
                }
            }
        }
    }
    for (folder, id) in &folders {
        let practice = std::fs::read_to_string(lessons_dir().join(folder).join("en.md"))
            .ok()
            .and_then(|t| parse_lesson(&t).ok())
            .is_some_and(|l| l.kind == LessonKind::Practice);
        if practice && !named.contains(id) && !rows.iter().any(|r| r.contains(id.as_str())) {
            problems.push(format!("practice lesson {id} is not in the coverage table"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The runner itself on a small example (`tests/data/lessons-example`), which uses every part
/// of the format: a `file=` block inside a list item, `run` and `run fails`, a fence in a
/// longer fence, and each check kind the core evaluates.
#[test]
fn example_lesson_reads_and_runs() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lessons-example/001-example");
    let ids = BTreeSet::from(["example".to_string()]);
    let lesson = match load(&dir, "example", &ids) {
        Ok(lesson) => lesson,
        Err(problems) => panic!("{}", problems.join("\n")),
    };
    let runs = lesson
        .en
        .blocks
        .iter()
        .filter(|b| matches!(b, Block::Run { .. }))
        .count();
    assert_eq!(runs, 2, "the run block inside the ````text fence is code");
    assert_eq!(lesson.exercises.len(), 3);
    if let Err(e) = run_lesson(&lesson) {
        panic!("{e}");
    }
}

/// Evaluating checks changes nothing: not the clock, not the objects, not the servers' logs,
/// not the last request's trace, not kube-proxy's choices.
#[test]
fn checks_have_no_side_effects() {
    let mut cluster = Cluster::new_default(SEED);
    for line in [
        "kubectl create deployment web --image=nginx --replicas=2",
        "kubectl expose deployment web --port=80",
        "kubectl rollout status deployment web --timeout=60s",
        "kubectl run client --image=busybox -- sleep 3600",
        "kubectl wait --for=condition=Ready pod/client --timeout=60s",
    ] {
        assert!(cluster.exec(line).success(), "{line}");
    }
    let exercises = parse_exercises(
        r#"
- id: all
  solution: ""
  checks:
    - request: {from: pod/client, to: 'http://web', expect: answered, body_contains: nginx}
    - request: {from: outside, to: '172.18.0.2:30999', expect: refused}
    - kubectl: get pods -o wide
      contains: client
    - kubectl: logs deployment/web
      matches: '.*'
    - event: {reason: ScalingReplicaSet}
    - count: pods
      equals: 3
"#,
    )
    .unwrap_or_default();
    let checks = &exercises
        .first()
        .map(|e| e.checks.clone())
        .unwrap_or_default();
    assert_eq!(checks.len(), 6);
    let look = |cluster: &mut Cluster| {
        let logs = cluster.exec("kubectl logs -l app=web --prefix");
        (
            cluster.now(),
            cluster.revision(),
            logs,
            cluster.last_trace(),
        )
    };
    let before = look(&mut cluster);
    let before_export = cluster.export_yaml();
    for _ in 0..3 {
        let results = cluster.evaluate_checks(checks);
        let failed = failed_checks(&results);
        assert!(failed.is_empty(), "{failed}");
    }
    assert_eq!(cluster.export_yaml(), before_export);
    assert_eq!(look(&mut cluster), before);
    // A real request afterwards picks the same endpoint as it would have without the checks.
    let mut twin = Cluster::new_default(SEED);
    for line in [
        "kubectl create deployment web --image=nginx --replicas=2",
        "kubectl expose deployment web --port=80",
        "kubectl rollout status deployment web --timeout=60s",
        "kubectl run client --image=busybox -- sleep 3600",
        "kubectl wait --for=condition=Ready pod/client --timeout=60s",
        "kubectl logs -l app=web --prefix",
    ] {
        twin.exec(line);
    }
    let curl = "kubectl exec client -- wget -qO- http://web >/dev/null; kubeplay trace";
    assert_eq!(cluster.exec(curl), twin.exec(curl));
}

/// Each kind of check, passing and failing, with the detail it reports, on one small cluster.
#[test]
fn each_check_kind_passes_and_fails() {
    let mut cluster = Cluster::new_default(SEED);
    for line in [
        "kubectl create deployment web --image=nginx:1.27 --replicas=2",
        "kubectl expose deployment web --port=80",
        "kubectl create namespace dev",
        "kubectl run client --image=busybox -- sleep 3600",
        "kubectl run broken --image=nginx:no-such-tag",
        "kubectl rollout status deployment web --timeout=60s",
        "kubectl wait --for=condition=Ready pod/client --timeout=60s",
        "kubectl create networkpolicy deny --dry-run=client -o yaml >/dev/null || true",
        "sleep 5",
    ] {
        cluster.exec(line);
    }
    let table: &[(&str, bool, &str)] = &[
        // object
        ("object: deployment/web", true, "exists"),
        ("object: deploy/nope", false, "not found"),
        ("object: deploy/nope\nabsent: true", true, "not found"),
        ("object: deployment/web\nabsent: true", false, "exists"),
        ("object: namespace/dev", true, "exists"),
        ("object: deployment/kube-system/coredns", true, "exists"),
        (
            "object: deployment/web\njsonpath: '{.spec.replicas}'\nequals: 2",
            true,
            "got \"2\"",
        ),
        (
            "object: deployment/web\njsonpath: '{.spec.replicas}'\nequals: 3",
            false,
            "got \"2\"",
        ),
        (
            "object: deployment/web\njsonpath: '{.spec.template.spec.containers[0].image}'\nmatches: '^nginx:1\\.2'",
            true,
            "nginx:1.27",
        ),
        (
            "object: deployment/web\njsonpath: '{.metadata.managedFields}'\nequals: ''",
            true,
            "got \"\"",
        ),
        (
            "object: gadgets/x",
            false,
            "doesn't have a resource type \"gadgets\"",
        ),
        // list
        (
            "list: pods\nselector: app=web\njsonpath: '{.items[*].status.phase}'\nequals: Running Running",
            true,
            "Running Running",
        ),
        (
            "list: services\nall_namespaces: true\njsonpath: '{.items[*].metadata.name}'\ncontains: kube-dns",
            true,
            "kube-dns",
        ),
        (
            "list: services\nnamespace: dev\njsonpath: '{.items[*].metadata.name}'\ncontains: web",
            false,
            "got \"\"",
        ),
        (
            "list: pods\nfield_selector: status.phase=Running\njsonpath: '{.items[*].metadata.name}'\ncontains: broken",
            false,
            "client",
        ),
        (
            "list: deployments\nfield_selector: spec.replicas=2\njsonpath: '{.items}'\nequals: ''",
            false,
            "not a known field selector",
        ),
        // count
        (
            "count: pods\nselector: app=web\nequals: 2",
            true,
            "found 2 pods, want 2",
        ),
        (
            "count: pods\nselector: app=web\nat_least: 3",
            false,
            "found 2 pods, want at least 3",
        ),
        (
            "count: pods\nstatus: Running\nequals: 3",
            true,
            "found 3 pods Running",
        ),
        (
            "count: pods\nstatus: ImagePullBackOff\nat_least: 1",
            true,
            "found 1",
        ),
        ("count: pods\nready: true\nequals: 3", true, "found 3"),
        ("count: pods\nready: false\nequals: 1", true, "found 1"),
        (
            "count: pods\nnamespace: kube-system\nselector: k8s-app=kube-dns\nequals: 2",
            true,
            "found 2",
        ),
        (
            "count: nodes\nat_least: 1\nat_most: 10",
            true,
            "want at least 1 and at most 10",
        ),
        // request
        (
            "request: {from: pod/client, to: 'http://web', expect: answered, body_contains: Welcome}",
            true,
            "answered 200",
        ),
        (
            "request: {from: pod/client, to: 'http://web', expect: answered, body_contains: Goodbye}",
            false,
            "body",
        ),
        (
            "request: {from: pod/client, to: 'http://web', expect: refused}",
            false,
            "answered",
        ),
        (
            "request: {from: pod/client, to: 'http://nothing-here', expect: timeout}",
            false,
            "could not resolve",
        ),
        (
            "request: {from: pod/client, to: 'web:81', expect: answered}",
            false,
            "web:81",
        ),
        (
            "request: {from: deployment/web, to: 'localhost:80', expect: answered}",
            true,
            "answered",
        ),
        (
            "request: {from: pod/broken, to: 'http://web', expect: answered}",
            false,
            "no running container",
        ),
        (
            "request: {from: outside, to: 'http://web', expect: answered}",
            false,
            "could not resolve",
        ),
        // event
        (
            "event: {reason: ScalingReplicaSet, object: deployment/web}",
            true,
            "Scaled up replica set web-",
        ),
        (
            "event: {reason: ScalingReplicaSet, object: deployment/other}",
            false,
            "no ScalingReplicaSet event",
        ),
        (
            "event: {reason: Failed, object: pod/broken, type: Warning, message_matches: 'no-such-tag'}",
            true,
            "found",
        ),
        (
            "event: {reason: Pulled, message_matches: 'no such message'}",
            false,
            "none with that type or message",
        ),
        // kubectl
        (
            "kubectl: config current-context\nequals: kind-kubeplay",
            true,
            "kind-kubeplay",
        ),
        (
            "kubectl: get deployment web -o jsonpath='{.spec.replicas}'\nequals: '2'",
            true,
            "got \"2\"",
        ),
        (
            "kubectl: auth can-i delete nodes --as alice\nequals: 'no'\nexit_code: 1",
            true,
            "exit code 1",
        ),
        ("kubectl: get pods nope\nexit_code: 0", false, "exit code 1"),
        ("kubectl: get ns\ncontains: dev", true, "dev"),
    ];
    let yaml: String = table
        .iter()
        .map(|(check, _, _)| format!("    - {}\n", check.replace('\n', "\n      ")))
        .collect();
    let exercises = parse_exercises(&format!("- id: t\n  solution: ''\n  checks:\n{yaml}"))
        .unwrap_or_else(|e| panic!("{e}"));
    let checks = exercises
        .first()
        .map(|e| e.checks.clone())
        .unwrap_or_default();
    let before = (cluster.now(), cluster.revision());
    let results = cluster.evaluate_checks(&checks);
    assert_eq!(results.len(), table.len());
    let mut wrong = Vec::new();
    for ((check, passed, detail), result) in table.iter().zip(&results) {
        if result.passed != *passed || !result.detail.contains(detail) {
            wrong.push(format!(
                "{check:?}: passed {} ({:?}), want {passed} with {detail:?}",
                result.passed, result.detail
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!((cluster.now(), cluster.revision()), before);
}

/// The drill runner and grading on a small example drill: nothing earned after setup, full
/// marks after the solutions.
#[test]
fn example_drill_runs_and_grades() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lessons-example/example-drill.yaml");
    let text = read(&path).unwrap_or_else(|e| panic!("{e}"));
    if let Err(e) = run_drill(&text, "example-drill") {
        panic!("{e}");
    }
    let drill = parse_drill(&text).unwrap_or_else(|e| panic!("{e}"));
    let mut cluster = Cluster::new_default(SEED);
    assert!(cluster.exec(&drill.setup).success());
    settle(&mut cluster);
    let report = kubeplay_core::lessons::grade_drill(&mut cluster, &drill);
    let earned: Vec<(u32, u32)> = report.iter().map(|t| (t.earned, t.points)).collect();
    assert_eq!(earned, [(0, 2), (0, 1)]);
    assert_eq!(report[0].results[0].detail, "found 2 pods Running, want 3");
    assert!(cluster.exec("kubectl create namespace exam").success());
    let report = kubeplay_core::lessons::grade_drill(&mut cluster, &drill);
    let earned: Vec<(u32, u32)> = report.iter().map(|t| (t.earned, t.points)).collect();
    assert_eq!(earned, [(0, 2), (1, 1)]);
}

/// The runner reports what is wrong, with the block and the command's output.
#[test]
fn runner_reports_failures() {
    let front = "---\nid: t\ntitle: T\norder: 1\nminutes: 1\n---\n";
    let exercise = "```exercise id=e\ntitle: E\ntask: T\n```\n";
    let run = |body: &str, exercises: &str, setup: Option<&str>| -> String {
        let lesson = Loaded {
            en: parse_lesson(&format!("{front}{body}")).unwrap_or_else(|e| panic!("{e}")),
            exercises: parse_exercises(exercises).unwrap_or_else(|e| panic!("{e}")),
            setup: setup.map(str::to_string),
        };
        run_lesson(&lesson).err().unwrap_or_default()
    };
    let ns_exists = "- id: e\n  solution: kubectl create ns x\n  checks: [{object: namespace/x}]\n";
    let e = run(
        "```run\nkubectl get pods\nkubectl get nope\n```\n",
        "[]",
        None,
    );
    assert!(
        e.starts_with("block 1 (en.md line 7): command 2 of the block should succeed"),
        "{e}"
    );
    assert!(
        e.contains(
            "$ kubectl get nope\nerror: the server doesn't have a resource type \"nope\"\n(exit 1)"
        ),
        "{e}"
    );
    let e = run("```run fails\nkubectl get pods\n```\n", "[]", None);
    assert!(e.contains("command 1 of the block should fail"), "{e}");
    let e = run(
        "```run fails\nkubectl get nope\nkubectl get pods\n```\n",
        "[]",
        None,
    );
    assert!(e.contains("command 1 of the block should succeed"), "{e}");
    assert_eq!(
        run(
            "```run fails\nkubectl get pods\nkubectl get nope\n```\n",
            "[]",
            None
        ),
        ""
    );
    let e = run(exercise, ns_exists, Some("kubectl create ns x\n"));
    assert_eq!(
        e,
        "exercise e: its checks already pass on the starting state"
    );
    let e = run(
        exercise,
        ns_exists,
        Some("kubectl create ns x\nkubectl create ns x\n"),
    );
    assert!(
        e.starts_with("setup.sh: command 2 of the block should succeed"),
        "{e}"
    );
    let wrong = "- id: e\n  solution: kubectl create ns y\n  checks: [{object: namespace/x}]\n";
    let e = run(exercise, wrong, None);
    assert!(e.ends_with("exercise e: checks fail after its solution:\n  check failed: namespace/x exists (namespace/x not found)"), "{e}");
    assert_eq!(run(exercise, ns_exists, None), "");
    let e = run(
        "```run\nkubectl edit deployment coredns -n kube-system\n```\n",
        "[]",
        None,
    );
    assert!(e.contains("opens an editor"), "{e}");
}
