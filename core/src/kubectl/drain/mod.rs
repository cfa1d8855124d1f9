//! `kubectl drain NODE`: cordon the node, then evict every pod on it that may go (through the
//! eviction API, so PodDisruptionBudgets are respected), and wait until they are gone — with
//! kubectl's flags (`--ignore-daemonsets`, `--delete-emptydir-data`, `--force`,
//! `--grace-period`, `--timeout`, `--disable-eviction`, `--pod-selector`,
//! `--skip-wait-for-delete-timeout`, `--dry-run`, `-l`) and its exact messages.
//!
//! Which pods go is [`filters`]' job; evicting and waiting in virtual time is [`evict`]'s.
//! A real `kubectl drain` without `--timeout` waits forever for a budget that never allows a
//! disruption. A sandbox command has to end, so this one stops after [`SANDBOX_LIMIT`] and
//! says so in a `kubeplay:` line.

mod evict;
mod filters;

use serde_json::Value;

use super::args::{self, Flag, switch, value};
use super::cordon::{bare_dry_run, check_usage, dry_run_suffix, set_unschedulable, target_nodes};
use super::get::{LabelSelector, parse_selector};
use super::shell::Shell;
use super::{dry_run, errors, object_name};
use crate::api::cron::parse::go_duration_millis;
use crate::api::{Status, meta};
use crate::cluster::Output;
use crate::controllers::kind;
use crate::kubelet::runtime::format_go_duration;
use crate::sim::Sim;
use crate::time::{SECOND, Time};
use filters::{PodList, Rules};

pub(crate) const FLAGS: &[Flag] = &[
    switch("force", None),
    switch("ignore-daemonsets", None),
    switch("delete-emptydir-data", None),
    value("grace-period", None),
    value("timeout", None),
    value("pod-selector", None),
    switch("disable-eviction", None),
    value("skip-wait-for-delete-timeout", None),
    value("chunk-size", None),
    value("dry-run", None),
    value("selector", Some('l')),
];

/// How long a drain without `--timeout` may wait in virtual time before the sandbox stops it.
const SANDBOX_LIMIT: i64 = 180 * SECOND;
/// The longest any drain may wait, whatever `--timeout` says.
const LONGEST_WAIT: i64 = 24 * 3600 * SECOND;

/// One error as drain passes it on: its text (`err.Error()`), and how kubectl prints it on its
/// own line (an API error as `Error from server (...): ...`).
#[derive(Clone, Debug)]
struct ErrorText {
    text: String,
    alone: String,
}

impl ErrorText {
    fn plain(text: String) -> ErrorText {
        ErrorText {
            alone: text.clone(),
            text,
        }
    }

    fn api(status: &Status) -> ErrorText {
        ErrorText {
            text: status.message.clone(),
            alone: errors::render(status),
        }
    }
}

/// A drain error: a single one, or an aggregate (`utilerrors.Aggregate`).
#[derive(Clone, Debug)]
enum DrainError {
    One(ErrorText),
    Many(Vec<ErrorText>),
}

impl DrainError {
    /// `Error()`: an aggregate lists its distinct messages, in brackets when there are several.
    fn text(&self) -> String {
        match self {
            DrainError::One(f) => f.text.clone(),
            DrainError::Many(list) => {
                let mut seen: Vec<&str> = Vec::new();
                for f in list {
                    if !seen.contains(&f.text.as_str()) {
                        seen.push(&f.text);
                    }
                }
                match seen.as_slice() {
                    [one] => one.to_string(),
                    many => format!("[{}]", many.join(", ")),
                }
            }
        }
    }

    /// `messageForError`: how it reads on a line of its own.
    fn alone(&self) -> String {
        match self {
            DrainError::One(f) => f.alone.clone(),
            DrainError::Many(_) => self.text(),
        }
    }
}

/// Why evicting a node's pods ended early.
enum Stop {
    Failed(DrainError),
    /// The sandbox's time limit, with the pods still waited for.
    Sandbox(Vec<String>),
}

/// The drain helper's settings and what it has printed so far.
struct Drainer {
    rules: Rules,
    grace: Option<i64>,
    timeout: Option<i64>,
    disable_eviction: bool,
    pod_selector: Option<LabelSelector>,
    mode: &'static str,
    /// When the sandbox stops waiting.
    limit: Time,
    out: Output,
}

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let parsed = args::parse(&bare_dry_run(words), FLAGS, "kubectl drain")?;
    let int_flag = |name: &str, default: i64| -> Result<i64, String> {
        parsed.get(name).map_or(Ok(default), |v| {
            v.parse::<i64>().map_err(|_| {
                format!("error: invalid argument \"{v}\" for \"--{name}\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'kubectl drain --help' for usage.")
            })
        })
    };
    let grace = int_flag("grace-period", -1)?;
    let skip_wait = int_flag("skip-wait-for-delete-timeout", 0)?;
    int_flag("chunk-size", 500)?;
    let timeout = match parsed.get("timeout") {
        None => 0,
        Some(v) => go_duration_millis(v).map_err(|e| {
            format!("error: invalid argument \"{v}\" for \"--timeout\" flag: {e}\nSee 'kubectl drain --help' for usage.")
        })?,
    };
    check_usage(&parsed, "drain")?;
    let mode = match dry_run(&parsed)? {
        "client" => "client",
        "server" => "server",
        _ => "none",
    };
    let pod_selector = match parsed.get("pod-selector").filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(parse_selector(s).map_err(|_| {
            "error: --pod-selector=<pod_selector> must be a valid label selector".to_string()
        })?),
    };
    let nodes = target_nodes(&parsed, shell, sim)?;
    let limit = match timeout {
        0 => SANDBOX_LIMIT,
        t if t > LONGEST_WAIT => LONGEST_WAIT,
        // The global timeout ends the wait first.
        _ => LONGEST_WAIT.saturating_mul(2),
    };
    let mut drainer = Drainer {
        rules: Rules {
            force: parsed.switch("force"),
            ignore_daemonsets: parsed.switch("ignore-daemonsets"),
            delete_emptydir_data: parsed.switch("delete-emptydir-data"),
            skip_wait_for_delete_seconds: skip_wait,
        },
        grace: (grace >= 0).then_some(grace),
        timeout: (timeout != 0).then_some(timeout),
        disable_eviction: parsed.switch("disable-eviction"),
        pod_selector,
        mode,
        limit: sim.now().plus_millis(limit),
        out: Output::default(),
    };
    set_unschedulable(&nodes, true, mode, sim, &mut drainer.out);
    drainer.drain_all(&nodes, sim);
    Ok(drainer.out)
}

impl Drainer {
    /// `RunDrain` after the cordon: each node in turn; failures are reported and the next
    /// node tried; the command fails with the errors of the nodes left undrained.
    fn drain_all(&mut self, nodes: &[Value], sim: &mut Sim) {
        let node_kind = kind("", "Node");
        let mut fatal: Vec<DrainError> = Vec::new();
        let mut remaining: Vec<&str> = Vec::new();
        for node in nodes {
            let name = meta::name(node);
            match self.drain_node(name, sim) {
                Ok(()) => self.out.stdout.push_str(&format!(
                    "{} drained{}\n",
                    object_name(node_kind, name),
                    dry_run_suffix(self.mode)
                )),
                Err(Stop::Sandbox(pending)) => {
                    self.out
                        .stderr
                        .push_str(&self.sandbox_message(name, &pending));
                    self.out.exit_code = 1;
                    return;
                }
                Err(Stop::Failed(err)) => {
                    self.out.stderr.push_str(&format!(
                        "error: unable to drain node \"{name}\" due to error: {}, continuing command...\n",
                        err.text()
                    ));
                    fatal.push(err);
                    remaining.push(name);
                }
            }
        }
        if !remaining.is_empty() {
            self.out
                .stderr
                .push_str("There are pending nodes to be drained:\n");
            for name in &remaining {
                self.out.stderr.push_str(&format!(" {name}\n"));
            }
        }
        if fatal.is_empty() {
            return;
        }
        self.out.exit_code = 1;
        // kubectl's checkErr: a lone aggregate prints one error per line, a lone error gets
        // `error: ` in front; several node errors print one per line.
        let lines: Vec<String> = match fatal.as_slice() {
            [DrainError::Many(list)] => list.iter().map(|f| f.alone.clone()).collect(),
            [DrainError::One(f)] if f.alone.starts_with("Error from server") => {
                vec![f.alone.clone()]
            }
            [DrainError::One(f)] => vec![format!("error: {}", f.alone)],
            many => many.iter().map(DrainError::alone).collect(),
        };
        for line in lines {
            self.out.stderr.push_str(&line);
            self.out.stderr.push('\n');
        }
    }

    /// `deleteOrEvictPodsSimple` for one node.
    fn drain_node(&mut self, node: &str, sim: &mut Sim) -> Result<(), Stop> {
        let list = PodList::for_node(&sim.store, node, self.pod_selector.as_ref(), self.rules);
        let problems = list.errors();
        if !problems.is_empty() {
            return Err(Stop::Failed(DrainError::Many(
                problems.into_iter().map(ErrorText::plain).collect(),
            )));
        }
        let warnings = list.warnings();
        if !warnings.is_empty() {
            self.out.stderr.push_str(&format!("Warning: {warnings}\n"));
        }
        let pods: Vec<Value> = list.pods().into_iter().cloned().collect();
        if self.mode == "client" {
            for pod in &pods {
                self.out.stdout.push_str(&format!(
                    "evicting pod {}/{} (dry run)\n",
                    meta::namespace(pod),
                    meta::name(pod)
                ));
            }
            return Ok(());
        }
        if pods.is_empty() {
            return Ok(());
        }
        let result = if self.disable_eviction {
            self.delete_pods(pods, sim)
        } else {
            self.evict_pods(pods, sim)
        };
        if let Err(Stop::Failed(err)) = &result {
            let pending =
                PodList::for_node(&sim.store, node, self.pod_selector.as_ref(), self.rules);
            let left = pending.pods();
            if !left.is_empty() {
                self.out.stderr.push_str(&format!(
                    "There are pending pods in node \"{node}\" when an error occurred: {}\n",
                    err.text()
                ));
                for pod in left {
                    self.out
                        .stderr
                        .push_str(&format!("pod/{}\n", meta::name(pod)));
                }
            }
            let problems = pending.errors();
            if !problems.is_empty() {
                let again = DrainError::Many(problems.into_iter().map(ErrorText::plain).collect());
                self.out.stderr.push_str(&format!(
                    "Following errors occurred while getting the list of pods to delete:\n{}",
                    again.text()
                ));
            }
        }
        result
    }

    fn sandbox_stop<'a>(&self, pending: impl Iterator<Item = &'a Value>) -> Stop {
        Stop::Sandbox(
            pending
                .map(|p| format!("{}/{}", meta::namespace(p), meta::name(p)))
                .collect(),
        )
    }

    /// The plain statement that the sandbox, not kubectl, ended this drain.
    fn sandbox_message(&self, node: &str, pending: &[String]) -> String {
        let waited = match self.timeout {
            Some(t) if t > LONGEST_WAIT => LONGEST_WAIT,
            _ => SANDBOX_LIMIT,
        };
        let why = if self.timeout.is_some() {
            format!(
                "the sandbox waits at most {} for a drain",
                format_go_duration(LONGEST_WAIT)
            )
        } else {
            "a real kubectl drain without --timeout keeps retrying until it succeeds or is interrupted; pass --timeout (e.g. --timeout=60s) to choose how long it may wait".to_string()
        };
        format!(
            "kubeplay: stopped draining node \"{node}\" after {} of virtual time, still waiting for {}: {why}\n",
            format_go_duration(waited),
            pending.join(", ")
        )
    }
}
