//! The learner's session: the cluster and the journal of every call that changed it, so that
//! the page can save it after each change and rebuild it on load.
//!
//! The core is deterministic (same seed, same calls, same clock advances ⇒ same bytes), so the
//! journal *is* the saved cluster: replaying it rebuilds every object, the shell's state and
//! each terminal's scrollback. Consecutive clock advances are merged into one step
//! (`advance(a); advance(b)` is `advance(a + b)` for the core: an advance first settles, then
//! runs each timer at its own instant), which keeps a long session's replay short.
//!
//! Every mutation of the cluster goes through a [`Session`] method, never through the
//! [`Cluster`] directly, so nothing escapes the journal. Journals also travel in share links;
//! [`Journal::validate`] bounds what a foreign one may hold, and replaying only ever hands
//! its lines to [`Cluster::exec`] (the sandbox's shell: kubectl and a few builtins).

use kubeplay_core::graph::ObjectRef;
use kubeplay_core::graph::inspect::Inspection;
use kubeplay_core::{Cluster, Output};
use serde::{Deserialize, Serialize};

/// The journal's format version; a stored journal of another version is not replayed.
pub const VERSION: u32 = 1;
/// Same seed, same cluster: every visitor starts from identical names and IPs.
pub const SEED: u64 = 1;

/// Bounds on a journal read from outside (storage or a link), against mistakes and abuse.
const MAX_STEPS: usize = 20_000;
const MAX_LINE: usize = 200_000;
const MAX_FILE: usize = 1_000_000;
/// 30 days of virtual time in one journal.
const MAX_ADVANCE_MS: i64 = 30 * 24 * 3_600_000;

/// One call that changed the cluster (or a terminal's scrollback).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "k", rename_all = "lowercase")]
pub enum Step {
    /// A line run in terminal `tab` (several lines when pasted).
    Exec { tab: u32, line: String },
    /// Virtual time that passed.
    Advance { ms: i64 },
    /// A file written into the shell's file system (the editor's save).
    File { path: String, contents: String },
    /// Terminal `tab`'s screen cleared (Ctrl+L, `clear`): scrollback only.
    Clear { tab: u32 },
    /// Ctrl+C: the foreground job (`kubectl get -w`...) stopped.
    Interrupt,
    /// The `kubectl edit` editor was saved with `text`.
    Edit { text: String },
    /// The `kubectl edit` editor was closed without saving.
    CancelEdit,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journal {
    pub v: u32,
    pub seed: u64,
    pub steps: Vec<Step>,
}

impl Journal {
    pub fn new() -> Journal {
        Journal {
            v: VERSION,
            seed: SEED,
            steps: Vec::new(),
        }
    }

    /// Checks a journal read from outside before anything of it runs.
    pub fn validate(&self) -> Result<(), String> {
        if self.v != VERSION {
            return Err(format!(
                "unsupported version {} (expected {VERSION})",
                self.v
            ));
        }
        if self.seed != SEED {
            return Err(format!("unknown cluster seed {}", self.seed));
        }
        if self.steps.len() > MAX_STEPS {
            return Err(format!(
                "too many steps ({} > {MAX_STEPS})",
                self.steps.len()
            ));
        }
        let mut total_ms: i64 = 0;
        for (i, step) in self.steps.iter().enumerate() {
            let bad = match step {
                Step::Exec { line, .. } if line.len() > MAX_LINE => Some("line too long"),
                Step::Advance { ms } if *ms < 0 => Some("negative time"),
                Step::Advance { ms } => {
                    total_ms = total_ms.saturating_add(*ms);
                    (total_ms > MAX_ADVANCE_MS).then_some("more than 30 days of time")
                }
                Step::File { path, contents } if path.is_empty() || contents.len() > MAX_FILE => {
                    Some("bad file")
                }
                Step::Edit { text } if text.len() > MAX_FILE => Some("edit too long"),
                _ => None,
            };
            if let Some(why) = bad {
                return Err(format!("step {}: {why}", i + 1));
            }
        }
        Ok(())
    }

    /// Number of command steps and the virtual time covered, for "this will load ..." notes.
    pub fn summary(&self) -> (usize, i64) {
        self.steps.iter().fold((0, 0), |(n, ms), s| match s {
            Step::Exec { .. } => (n + 1, ms),
            Step::Advance { ms: m } => (n, ms + m),
            _ => (n, ms),
        })
    }

    /// The lines run, in order.
    pub fn lines(&self) -> impl Iterator<Item = &str> {
        self.steps.iter().filter_map(|s| match s {
            Step::Exec { line, .. } => Some(line.as_str()),
            _ => None,
        })
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Result<Journal, String> {
        let journal: Journal = serde_json::from_str(text).map_err(|e| e.to_string())?;
        journal.validate()?;
        Ok(journal)
    }
}

/// What a replayed step showed in a terminal.
pub enum Screen {
    /// A line run in terminal `tab`, what it printed at once, and whether it keeps running.
    Line {
        tab: u32,
        prompt: String,
        line: String,
        output: Output,
        running: bool,
    },
    /// More output of the last line (a foreground job, an edit's result).
    More {
        output: Output,
        running: bool,
    },
    /// The foreground job was stopped with Ctrl+C.
    Interrupted {
        output: Output,
    },
    Clear {
        tab: u32,
    },
}

/// The cluster and its journal.
pub struct Session {
    cluster: Cluster,
    journal: Journal,
    /// Whether the journal changed since [`Session::take_dirty`] last said so.
    dirty: bool,
}

impl Session {
    pub fn new() -> Session {
        Session {
            cluster: Cluster::new_default(SEED),
            journal: Journal::new(),
            dirty: false,
        }
    }

    /// Read access to the cluster (prompt, graph, store...).
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// The last request made in the cluster (curl, wget, nslookup... in a pod, or
    /// `kubeplay curl`), with its hops.
    pub fn last_trace(&mut self) -> Option<kubeplay_core::network::Trace> {
        self.cluster.last_trace()
    }

    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// Runs `line` as typed in terminal `tab`. A command that follows the cluster (`kubectl
    /// get -w`, `rollout status`...) stays running as the foreground job: see
    /// [`Session::job_running`], [`Session::take_output`], [`Session::interrupt`].
    pub fn exec(&mut self, tab: u32, line: &str) -> Output {
        let output = self.cluster.start(line);
        // Recorded after running: a line that crashed the page is not replayed on reload.
        self.record(Step::Exec {
            tab,
            line: line.to_string(),
        });
        output
    }

    /// Lets `ms` of virtual time pass.
    pub fn advance(&mut self, ms: i64) {
        if ms <= 0 {
            return;
        }
        self.cluster.advance(ms);
        self.journal_advance(ms);
    }

    /// Lets time run to the next change, at most `limit_ms`; journaled as the advance it was
    /// (the core guarantees `advance(advanced_ms)` does the same).
    pub fn step(&mut self, limit_ms: i64) -> kubeplay_core::cluster::Step {
        let step = self.cluster.step(limit_ms);
        self.journal_advance(step.advanced_ms);
        step
    }

    /// Lets time run until `quiet_ms` pass without a change (at most `limit_ms`); journaled
    /// as an advance. Returns how far the clock moved and whether the cluster came to rest.
    pub fn run_until_settled(&mut self, quiet_ms: i64, limit_ms: i64) -> (i64, bool) {
        let (ms, settled) = self.cluster.run_until_settled(quiet_ms, limit_ms);
        self.journal_advance(ms);
        (ms, settled)
    }

    /// What the inspector shows of one object (read-only, so not journaled).
    pub fn inspect(&mut self, object: &ObjectRef) -> Inspection {
        self.cluster.inspect(object)
    }

    /// A container's log for the inspector (read-only, so not journaled).
    pub fn logs(&mut self, pod: &ObjectRef, container: &str) -> Output {
        self.cluster.logs(pod, container)
    }

    /// Records `ms` of time passed, merged into the previous advance.
    fn journal_advance(&mut self, ms: i64) {
        if ms <= 0 {
            return;
        }
        if let Some(Step::Advance { ms: last }) = self.journal.steps.last_mut() {
            *last += ms;
            self.dirty = true;
        } else {
            self.record(Step::Advance { ms });
        }
    }

    /// Puts a file into the shell's file system (for `kubectl apply -f PATH`).
    pub fn write_file(&mut self, path: &str, contents: &str) {
        self.cluster.write_file(path, contents);
        self.record(Step::File {
            path: path.to_string(),
            contents: contents.to_string(),
        });
    }

    /// Evaluates lesson or drill checks against the cluster as it is now (read-only, not
    /// journaled).
    pub fn evaluate_checks(
        &mut self,
        checks: &[kubeplay_core::lessons::Check],
    ) -> Vec<kubeplay_core::lessons::CheckResult> {
        self.cluster.evaluate_checks(checks)
    }

    /// Whether a foreground job runs (its terminal shows no prompt).
    pub fn job_running(&self) -> bool {
        self.cluster.job_running()
    }

    /// What the foreground job printed since the last call (not journaled: reading output
    /// changes nothing in the cluster). Once the job ended, `exit_code` is its line's status.
    pub fn take_output(&mut self) -> Output {
        self.cluster.take_output()
    }

    /// Ctrl+C: stops the foreground job; returns what it printed and was not yet taken.
    pub fn interrupt(&mut self) -> Output {
        let output = self.cluster.interrupt();
        self.record(Step::Interrupt);
        output
    }

    /// The `kubectl edit` editor was saved with `text` (see [`Cluster::pending_edit`]).
    pub fn finish_edit(&mut self, text: &str) -> Output {
        let output = self.cluster.finish_edit(text);
        self.record(Step::Edit {
            text: text.to_string(),
        });
        output
    }

    /// The `kubectl edit` editor was closed without saving.
    pub fn cancel_edit(&mut self) -> Output {
        let output = self.cluster.cancel_edit();
        self.record(Step::CancelEdit);
        output
    }

    /// Tab completion (read-only).
    pub fn complete(
        &self,
        line: &str,
        cursor: usize,
    ) -> kubeplay_core::kubectl::complete::Completion {
        self.cluster.complete(line, cursor)
    }

    /// The editor's check of a manifest (not journaled: it changes nothing).
    pub fn check_manifest(&mut self, text: &str) -> Vec<kubeplay_core::Diagnostic> {
        self.cluster.check_manifest(text)
    }

    /// The check of the pending `kubectl edit`'s text (not journaled either).
    pub fn check_edit(&mut self, text: &str) -> Vec<kubeplay_core::Diagnostic> {
        self.cluster.check_edit(text)
    }

    /// Records that terminal `tab` was cleared (its scrollback, rebuilt by replay, stays empty).
    pub fn clear(&mut self, tab: u32) {
        self.record(Step::Clear { tab });
    }

    /// Hands the cluster the `kubectl explain` schemas (not journaled: data, not a change).
    pub fn load_explain_data(&mut self, json: &str) -> Result<(), String> {
        self.cluster.load_explain_data(json)
    }

    fn record(&mut self, step: Step) {
        self.journal.steps.push(step);
        self.dirty = true;
    }

    /// Whether the journal changed since the last call (then it is due to be saved).
    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    /// Rebuilds a session from a journal, telling `on_screen` what each terminal showed, so
    /// the page can rebuild the scrollback.
    pub fn replay(journal: &Journal, mut on_screen: impl FnMut(Screen)) -> Session {
        let mut session = Session::new();
        for step in &journal.steps {
            match step {
                Step::Exec { tab, line } => {
                    let prompt = session.cluster.prompt();
                    let output = session.exec(*tab, line);
                    on_screen(Screen::Line {
                        tab: *tab,
                        prompt,
                        line: line.clone(),
                        output,
                        running: session.job_running(),
                    });
                }
                Step::Advance { ms } => {
                    let job = session.job_running();
                    session.advance(*ms);
                    if job {
                        let output = session.take_output();
                        on_screen(Screen::More {
                            output,
                            running: session.job_running(),
                        });
                    }
                }
                Step::File { path, contents } => session.write_file(path, contents),
                Step::Clear { tab } => {
                    session.clear(*tab);
                    on_screen(Screen::Clear { tab: *tab });
                }
                Step::Interrupt => {
                    let output = session.interrupt();
                    on_screen(Screen::Interrupted { output });
                }
                Step::Edit { text } => {
                    let output = session.finish_edit(text);
                    on_screen(Screen::More {
                        output,
                        running: false,
                    });
                }
                Step::CancelEdit => {
                    let output = session.cancel_edit();
                    on_screen(Screen::More {
                        output,
                        running: false,
                    });
                }
            }
        }
        session.dirty = false;
        session
    }

    /// Asks for a save although no step was added (the open tabs changed).
    pub fn mark_dirty(&mut self) {
        self.dirty = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advances_merge_and_replay_gives_the_same_cluster() {
        let mut s = Session::new();
        s.advance(200);
        s.advance(300);
        s.exec(
            1,
            "kubectl create deployment web --image=nginx --replicas=2",
        );
        for _ in 0..50 {
            s.advance(200);
        }
        s.clear(1);
        assert_eq!(s.journal().steps.len(), 4, "{:?}", s.journal().steps);
        assert_eq!(s.journal().steps[0], Step::Advance { ms: 500 });

        let json = s.journal().to_json();
        let journal = Journal::from_json(&json).unwrap();
        let mut lines = Vec::new();
        let mut clears = 0;
        let mut r = Session::replay(&journal, |shown| match shown {
            Screen::Line { line, .. } => lines.push(line),
            Screen::Clear { .. } => clears += 1,
            _ => {}
        });
        assert_eq!(
            lines,
            ["kubectl create deployment web --image=nginx --replicas=2"]
        );
        assert_eq!(clears, 1);
        let a = s.exec(1, "kubectl get pods -o wide; kubectl get events");
        let b = r.exec(1, "kubectl get pods -o wide; kubectl get events");
        assert_eq!(a, b);
        assert!(a.stdout.contains("Running"), "{}", a.stdout);
    }

    #[test]
    fn a_watch_replays_with_its_output_and_its_interrupt() {
        let mut s = Session::new();
        s.exec(
            1,
            "kubectl create deployment web --image=nginx --replicas=2",
        );
        s.exec(1, "kubectl get pods -w");
        assert!(s.job_running());
        for _ in 0..20 {
            s.advance(500);
        }
        let live = s.take_output();
        let stopped = s.interrupt();
        assert!(!s.job_running());
        let mut shown = String::new();
        let _ = Session::replay(s.journal(), |screen| match screen {
            Screen::Line { output, .. }
            | Screen::More { output, .. }
            | Screen::Interrupted { output } => {
                shown.push_str(&output.stdout);
                shown.push_str(&output.stderr);
            }
            Screen::Clear { .. } => {}
        });
        assert!(live.stdout.contains("web"), "{live:?}");
        assert!(shown.contains(&live.stdout), "{shown}");
        assert_eq!(stopped.exit_code, 130);
    }

    #[test]
    fn foreign_journals_are_bounded() {
        let mut j = Journal::new();
        j.steps.push(Step::Advance { ms: -1 });
        assert!(j.validate().is_err());
        assert!(Journal::from_json(r#"{"v":1,"seed":1,"steps":[{"k":"rm","x":1}]}"#).is_err());
        assert!(Journal::from_json(r#"{"v":9,"seed":1,"steps":[]}"#).is_err());
        assert!(
            Journal::from_json(
                r#"{"v":1,"seed":1,"steps":[{"k":"exec","tab":1,"line":"k get po"}]}"#
            )
            .is_ok()
        );
    }
}
