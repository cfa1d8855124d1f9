//! Every lesson in `lessons/` (and every drill in `lessons/drills/`) read and run natively, as
//! `lessons/FORMAT.md` requires: both language files agree (front matter, `run` blocks,
//! `yaml file=` blocks, exercise ids, which equal `exercises.yaml`'s); then on a fresh default
//! cluster (the page's seed) the files are written, `setup.sh` runs, every exercise's checks
//! fail on that starting state, and the document is walked in order: each `run` block runs
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
    Block, CheckResult, Exercise, Lesson, LessonKind, parse_drill, parse_exercises, parse_lesson,
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

/// A command and what it printed, for reports.
fn shown(command: &str, out: &kubeplay_core::Output) -> String {
    format!(
        "$ {command}\n{}{}(exit {})",
        out.stdout, out.stderr, out.exit_code
    )
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
    assert_eq!(lesson.exercises.len(), 2);
    if let Err(e) = run_lesson(&lesson) {
        panic!("{e}");
    }
}
