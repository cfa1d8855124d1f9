//! The handle the page and the CLI hold: one cluster and the shell in front of it.
//!
//! [`Cluster::exec`] runs one shell line (as a terminal would) and returns what it printed;
//! [`Cluster::advance`] lets virtual time pass; [`Cluster::graph`] describes the cluster for
//! pictures. Same seed and same calls give the same bytes.

use std::sync::Arc;

use crate::api::openapi::OpenApi;
pub use crate::diagnostics::{Diagnostic, Severity};
use crate::graph::{self, Graph};
use crate::kubectl::shell::Shell;
use crate::sim::{Sim, StepChange};
use crate::store::Store;
use crate::time::Time;

/// What a command printed, and how it ended.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    /// 0 on success, as a shell's `$?`.
    pub exit_code: i32,
}

impl Output {
    pub fn ok(stdout: impl Into<String>) -> Output {
        Output {
            stdout: stdout.into(),
            ..Output::default()
        }
    }

    pub fn error(stderr: impl Into<String>, exit_code: i32) -> Output {
        Output {
            stderr: stderr.into(),
            exit_code,
            ..Output::default()
        }
    }

    pub fn success(&self) -> bool {
        self.exit_code == 0
    }
}

/// The file the page's editor saves its text to, for `kubectl apply -f editor.yaml`.
pub const EDITOR_FILE: &str = "editor.yaml";

pub struct Cluster {
    sim: Sim,
    shell: Shell,
}

/// What one [`Cluster::step`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// How far the clock moved: replaying `advance(advanced_ms)` from the same state does
    /// exactly the same (for hosts that journal time).
    pub advanced_ms: i64,
    /// The changes of the instant it stopped at; empty when nothing happened within the limit.
    pub changes: Vec<StepChange>,
}

impl Cluster {
    /// The default cluster (a kind-like cluster named `kubeplay`), settled and ready.
    pub fn new_default(seed: u64) -> Cluster {
        Cluster {
            sim: crate::bootstrap::default_cluster(seed),
            shell: Shell::default(),
        }
    }

    /// Runs one shell line to its end, as a script does (`kubeplay run`, tests): waiting
    /// commands (`sleep`, `kubectl delete`, `rollout status`...) let virtual time pass, and a
    /// command that would follow the cluster until Ctrl-C (`kubectl get -w` without
    /// `--request-timeout`, `logs -f`) stops after a bounded time, with a note on stderr.
    pub fn exec(&mut self, line: &str) -> Output {
        self.shell.run(line, &mut self.sim, false)
    }

    /// Runs one shell line as a terminal does: a command that follows the cluster over time
    /// (`kubectl get -w`, `logs -f`, `rollout status`, `wait`) prints what it sees now and
    /// stays running as the foreground job ([`Cluster::job_running`]); [`Cluster::advance`]
    /// feeds it time, [`Cluster::take_output`] collects what it prints, [`Cluster::interrupt`]
    /// is Ctrl-C. The rest of the line (`&&`, `;`, more pasted lines) runs when it ends.
    /// While a job runs the terminal shows no prompt, and another `start` is refused.
    pub fn start(&mut self, line: &str) -> Output {
        self.shell.run(line, &mut self.sim, true)
    }

    /// Whether a foreground job (see [`Cluster::start`]) is running.
    pub fn job_running(&self) -> bool {
        self.shell.job_running()
    }

    /// What the foreground job, and the rest of its line after it, printed since the last
    /// call. Once [`Cluster::job_running`] is false, `exit_code` is the line's status.
    pub fn take_output(&mut self) -> Output {
        self.shell.take_output()
    }

    /// Ctrl-C: ends the foreground job (kubectl prints nothing) and drops the rest of its
    /// line. Returns output not yet taken, with exit status 130 as a shell reports it. The host
    /// echoes `^C` itself.
    pub fn interrupt(&mut self) -> Output {
        self.shell.interrupt(&mut self.sim)
    }

    /// Lets `millis` of virtual time pass, running everything that happens meanwhile; a
    /// foreground job follows it (its output waits in [`Cluster::take_output`]).
    pub fn advance(&mut self, millis: i64) {
        if self.shell.job_running() {
            self.shell.advance(&mut self.sim, millis);
        } else {
            self.sim.advance(millis);
        }
    }

    pub fn now(&self) -> Time {
        self.sim.now()
    }

    /// Changes whenever any object changes: a cheap test for "redraw needed".
    pub fn revision(&self) -> u64 {
        self.sim.store.resource_version()
    }

    /// Read access to the API server's objects.
    pub fn store(&self) -> &Store {
        &self.sim.store
    }

    /// The picture of the cluster: nodes with their pods, and who points at whom. Boxes keep
    /// the places earlier calls with the same `memory` gave them (the host keeps it: it is
    /// the picture's state, not the cluster's).
    pub fn graph(&self, options: &graph::Options, memory: &mut graph::Memory) -> Graph {
        graph::build(&self.sim.store, options, memory)
    }

    /// Lets time run to the next moment something happens (a timer that changes an object;
    /// Lease renewals do not count), but no further than `limit_ms`. See [`Step`].
    pub fn step(&mut self, limit_ms: i64) -> Step {
        let start = self.now();
        let limit = start.plus_millis(limit_ms);
        match self.sim.step(limit) {
            Some((_, changes)) => Step {
                advanced_ms: self.now().since(start),
                changes,
            },
            None => {
                self.sim.advance_to(limit);
                Step {
                    advanced_ms: limit_ms,
                    changes: Vec::new(),
                }
            }
        }
    }

    /// Lets time run until `quiet_ms` pass with no change (Leases aside), at most `limit_ms`
    /// in all; returns how far the clock moved and whether the cluster came to rest (a pod in
    /// CrashLoopBackOff never does).
    pub fn run_until_settled(&mut self, quiet_ms: i64, limit_ms: i64) -> (i64, bool) {
        let start = self.now();
        let end = start.plus_millis(limit_ms);
        loop {
            let quiet_until = self.now().plus_millis(quiet_ms);
            if quiet_until > end {
                self.sim.advance_to(end);
                return (limit_ms, false);
            }
            if self.sim.step(quiet_until).is_none() {
                self.sim.advance_to(quiet_until);
                return (self.now().since(start), true);
            }
        }
    }

    /// The most recent `limit` events of the namespaces `options` shows, newest first.
    pub fn events(&self, options: &graph::Options, limit: usize) -> Vec<graph::timeline::EventRow> {
        graph::timeline::events(&self.sim.store, options, limit)
    }

    /// Everything the page's inspector shows of one object. Read-only: it runs kubectl in a
    /// shell of its own, so the terminal's history is untouched and nothing needs journaling.
    pub fn inspect(&mut self, object: &graph::ObjectRef) -> graph::inspect::Inspection {
        graph::inspect::inspect(&mut self.sim, object)
    }

    /// A pod container's log (`kubectl logs`), read-only like [`Cluster::inspect`].
    pub fn logs(&mut self, pod: &graph::ObjectRef, container: &str) -> Output {
        graph::inspect::logs(&mut self.sim, pod, container)
    }

    /// Why pod `namespace/name` is Pending, or why it is on its node: the scheduler's verdict
    /// on every node (the filter that rejects it, or its scores), as it would decide now.
    pub fn scheduling_explanation(
        &self,
        namespace: &str,
        pod: &str,
    ) -> Option<crate::scheduler::explain::Explanation> {
        crate::scheduler::explain::explain(&self.sim.store, namespace, pod)
    }

    /// Tab completion of `line` at byte offset `cursor`: commands, subcommands, flags, resource
    /// types and live names (see [`crate::kubectl::complete`]).
    pub fn complete(&self, line: &str, cursor: usize) -> crate::kubectl::complete::Completion {
        crate::kubectl::complete::complete(line, cursor, &self.shell, &self.sim.store)
    }

    /// The `kubectl edit` waiting for an editor, if the last line started one: open
    /// [`PendingEdit::text`](crate::kubectl::edit::PendingEdit::text) in an editor, then call
    /// [`Cluster::finish_edit`] with the saved text (or [`Cluster::cancel_edit`]).
    pub fn pending_edit(&self) -> Option<&crate::kubectl::edit::PendingEdit> {
        self.shell.pending_edit.as_ref()
    }

    /// The editor was saved and closed with `text`: kubectl patches the objects and prints
    /// `deployment.apps/web edited` (or `Edit cancelled, no changes made.`). When the server
    /// refuses the change, or the text does not parse, kubectl re-opens the file with the
    /// reasons in its header: [`Cluster::pending_edit`] then holds the new text.
    pub fn finish_edit(&mut self, text: &str) -> Output {
        let out = crate::kubectl::edit::finish(&mut self.shell, &mut self.sim, text);
        self.sim.settle();
        out
    }

    /// The editor was closed without saving: kubectl sees the file unchanged.
    pub fn cancel_edit(&mut self) -> Output {
        match self
            .shell
            .pending_edit
            .as_ref()
            .map(|e| e.text().to_string())
        {
            Some(text) => self.finish_edit(&text),
            None => Output::default(),
        }
    }

    /// The hops of the last request made in the cluster (from a pod's `curl`/`wget`/
    /// `nslookup`, or `kubeplay curl`), for the page to animate.
    pub fn last_trace(&mut self) -> Option<crate::network::Trace> {
        self.sim
            .kubelet_call(None, |kubelet, _, _| kubelet.last_trace().cloned())
            .flatten()
    }

    /// The shell's prompt, e.g. `kubeplay:default$ `.
    pub fn prompt(&self) -> String {
        self.shell.prompt()
    }

    /// Puts a file into the shell's in-memory file system (what the page's editor saves), for
    /// `kubectl apply -f PATH`.
    pub fn write_file(&mut self, path: &str, contents: &str) {
        self.shell
            .files
            .insert(path.to_string(), contents.to_string());
    }

    /// Evaluates a lesson's or drill's checks against the cluster as it is now, in order.
    /// Read-only: nothing is written, journaled or printed, and the clock does not move.
    pub fn evaluate_checks(
        &mut self,
        checks: &[crate::lessons::Check],
    ) -> Vec<crate::lessons::CheckResult> {
        crate::lessons::evaluate::evaluate(&mut self.sim, &self.shell, checks)
    }

    /// The learner's objects as a multi-document YAML bundle that `kubectl apply -f` in a
    /// fresh cluster turns back into them (see [`crate::export`]).
    pub fn export_yaml(&self) -> String {
        crate::export::export(&self.sim.store)
    }

    /// Checks a manifest as `kubectl apply --dry-run=server -f` would (YAML syntax, kinds,
    /// strict decoding, validation), each problem placed at its line and column in `text`.
    /// Nothing in the cluster changes.
    pub fn check_manifest(&mut self, text: &str) -> Vec<Diagnostic> {
        use crate::diagnostics::{Mode, check};
        check(text, EDITOR_FILE, Mode::Apply, &self.shell, &mut self.sim)
    }

    /// [`Cluster::check_manifest`] for the text of the pending `kubectl edit`, whose
    /// `resourceVersion` the edit's patch does not send.
    pub fn check_edit(&mut self, text: &str) -> Vec<Diagnostic> {
        use crate::diagnostics::{Mode, check};
        check(text, EDITOR_FILE, Mode::Edit, &self.shell, &mut self.sim)
    }

    /// The objects a lesson's `focus:` link points at now (none for a malformed link).
    pub fn focus_targets(&self, href: &str) -> Vec<graph::ObjectRef> {
        crate::lessons::parse_focus(href)
            .map(|target| crate::lessons::focus::targets(&self.sim.store, &target))
            .unwrap_or_default()
    }

    /// Hands the cluster the OpenAPI schemas `kubectl explain` renders: the text of
    /// `static/explain/v1.35.json`, which the host loads when it can (the CLI at start, the page
    /// lazily); until then explain says the data is still loading. Fails on unreadable data.
    pub fn load_explain_data(&mut self, json: &str) -> Result<(), String> {
        self.set_explain_data(Arc::new(OpenApi::parse(json)?));
        Ok(())
    }

    /// [`Cluster::load_explain_data`] with schemas already parsed, to share them between
    /// clusters.
    pub fn set_explain_data(&mut self, data: Arc<OpenApi>) {
        self.sim.store.set_openapi(data);
    }

    /// Hands kubectl its `--help` texts: the text of `static/help/kubectl-v1.35.txt`, which the
    /// host loads when it can (the CLI at start, the page as soon as it has fetched them);
    /// until then help says the texts are still loading. Like the kubectl binary they come
    /// with, they are the same for every cluster, so they are kept once for all of them.
    pub fn load_help_texts(text: &str) {
        crate::kubectl::help::load(text);
    }

    /// Whether kubectl's `--help` texts have been loaded.
    pub fn has_help_texts() -> bool {
        crate::kubectl::help::loaded()
    }

    /// Whether `kubectl explain` has its data.
    pub fn has_explain_data(&self) -> bool {
        self.sim.store.openapi().is_some()
    }

    /// Lets the host (the CLI) supply files that `kubectl apply -f` reads from outside the
    /// shell's own in-memory file system.
    pub fn set_file_reader(&mut self, reader: crate::kubectl::shell::FileReader) {
        self.shell.set_file_reader(reader);
    }
}
