//! The handle the page and the CLI hold: one cluster and the shell in front of it.
//!
//! [`Cluster::exec`] runs one shell line (as a terminal would) and returns what it printed;
//! [`Cluster::advance`] lets virtual time pass; [`Cluster::graph`] describes the cluster for
//! pictures. Same seed and same calls give the same bytes.

use std::sync::Arc;

use crate::api::openapi::OpenApi;
use crate::graph::{self, Graph};
use crate::kubectl::shell::Shell;
use crate::sim::Sim;
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

pub struct Cluster {
    sim: Sim,
    shell: Shell,
}

impl Cluster {
    /// The default cluster (a kind-like cluster named `kubeplay`), settled and ready.
    pub fn new_default(seed: u64) -> Cluster {
        Cluster {
            sim: crate::bootstrap::default_cluster(seed),
            shell: Shell::default(),
        }
    }

    /// Runs one shell line; waiting commands (`sleep`, `kubectl delete`...) let time pass.
    pub fn exec(&mut self, line: &str) -> Output {
        self.shell.run(line, &mut self.sim)
    }

    /// Lets `millis` of virtual time pass, running everything that happens meanwhile.
    pub fn advance(&mut self, millis: i64) {
        self.sim.advance(millis);
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

    /// The picture of the cluster: nodes with their pods, and who owns whom.
    pub fn graph(&self, options: &graph::Options) -> Graph {
        graph::build(&self.sim.store, options)
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
