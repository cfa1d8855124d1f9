//! `kubectl logs`: a container's log, read through the API server from the node's kubelet.
//!
//! `POD [CONTAINER]`, `TYPE/NAME` (the workload's first pod) or `-l SELECTOR` (every
//! matching pod, 10 lines each unless `--tail`), with `-c`, `--all-containers`,
//! `-p/--previous`, `--tail`, `--since`, `--since-time`, `--timestamps`, `--limit-bytes` and
//! `--prefix`. `-f` follows the log while virtual time passes (a job: in a terminal until
//! Ctrl-C, in a script for at most [`FOLLOW_SECONDS`] of cluster time), and stops earlier when
//! the containers stop.

use serde_json::Value;

use super::args::{self, Flag, switch, value};
use super::job::Job;
use super::shell::Shell;
use super::{namespace_of, podref};
use crate::api::meta;
use crate::cluster::Output;
use crate::controllers::{ObjectKey, kind};
use crate::kubelet::logs::Query;
use crate::sim::Sim;
use crate::time::{SECOND, Time};

/// How long `-f` follows, in seconds of cluster time.
pub const FOLLOW_SECONDS: i64 = 60;

const USAGE: &str = "logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]";
const SEE: &str = "See 'kubectl logs -h' for help and examples";

pub(crate) const FLAGS: &[Flag] = &[
    value("container", Some('c')),
    switch("follow", Some('f')),
    switch("previous", Some('p')),
    switch("timestamps", None),
    switch("all-containers", None),
    switch("all-pods", None),
    switch("prefix", None),
    switch("ignore-errors", None),
    switch("insecure-skip-tls-verify-backend", None),
    value("tail", None),
    value("since", None),
    value("since-time", None),
    value("limit-bytes", None),
    value("selector", Some('l')),
    value("max-log-requests", None),
    value("pod-running-timeout", None),
];

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let parsed = args::parse(words, FLAGS, "kubectl logs")?;
    let selector = parsed.get("selector").filter(|s| !s.is_empty());
    let usage = || {
        format!(
            "error: expected '{USAGE}'.\nPOD or TYPE/NAME is a required argument for the logs command\n{SEE}"
        )
    };
    let (resource, inline_container) = match parsed.args.as_slice() {
        [] if selector.is_none() => return Err(usage()),
        [] => (None, None),
        [_] if selector.is_some() => {
            return Err(format!(
                "error: only a selector (-l) or a POD name is allowed\n{SEE}"
            ));
        }
        [r] => (Some(r.clone()), None),
        [r, c] => (Some(r.clone()), Some(c.clone())),
        _ => return Err(usage()),
    };
    let all_containers = parsed.switch("all-containers");
    let mut container = parsed.get("container").map(str::to_string);
    if container.is_some() && inline_container.is_some() {
        return Err("error: only one of -c or an inline [CONTAINER] arg is allowed".into());
    }
    if container.is_none() {
        container = inline_container;
    }
    if let (true, Some(c)) = (all_containers, &container) {
        return Err(format!(
            "error: --all-containers=true should not be specified with container name {c}"
        ));
    }
    let tail = match parsed.get("tail") {
        Some(t) => {
            let n: i64 = t.parse().map_err(|_| {
                format!("error: invalid argument \"{t}\" for \"--tail\" flag: strconv.ParseInt: parsing \"{t}\": invalid syntax\nSee 'kubectl logs --help' for usage.")
            })?;
            if n < -1 {
                return Err("error: --tail must be greater than or equal to -1".into());
            }
            (n >= 0).then_some(n as usize)
        }
        None if selector.is_some() => Some(10),
        None => None,
    };
    let now = sim.now();
    let since = match (parsed.get("since"), parsed.get("since-time")) {
        (Some(_), Some(_)) => {
            return Err("error: at most one of `sinceTime` or `sinceSeconds` may be specified".into());
        }
        (Some(d), None) => {
            let ms = crate::api::cron::go_duration_millis(d).map_err(|e| {
                format!("error: invalid argument \"{d}\" for \"--since\" flag: {e}\nSee 'kubectl logs --help' for usage.")
            })?;
            if ms < 0 {
                return Err("error: --since must be greater than 0".into());
            }
            // Rounded to whole seconds, as kubectl sends sinceSeconds.
            let secs = (ms + SECOND / 2) / SECOND;
            Some(now.plus_millis(-secs * SECOND))
        }
        (None, Some(t)) => Some(Time::parse_rfc3339(t).ok_or_else(|| {
            format!("error: parsing time \"{t}\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"{t}\" as \"2006\"")
        })?),
        (None, None) => None,
    };
    let limit_bytes = match parsed.get("limit-bytes") {
        Some(b) => {
            let n: i64 = b.parse().map_err(|_| {
                format!("error: invalid argument \"{b}\" for \"--limit-bytes\" flag: strconv.ParseInt: parsing \"{b}\": invalid syntax\nSee 'kubectl logs --help' for usage.")
            })?;
            if n < 0 {
                return Err("error: --limit-bytes must be greater than 0".into());
            }
            (n > 0).then_some(n as usize)
        }
        None => None,
    };
    let query = Query {
        tail,
        since,
        timestamps: parsed.switch("timestamps"),
        limit_bytes,
    };
    let namespace = namespace_of(&parsed, shell);
    let timeout = parsed
        .get("pod-running-timeout")
        .and_then(|t| crate::api::cron::go_duration_millis(t).ok())
        .map_or(20, |ms| ms / SECOND);
    let mut out = Output::default();

    // The pods to read.
    let pods: Vec<Value> = match (&resource, selector) {
        (Some(r), _) => {
            let pod = match podref::resolve(sim, &namespace, r, timeout, &mut out.stderr) {
                Ok(p) => p,
                Err(e) if e.starts_with("Error from server (NotFound)") => {
                    let detail = e.trim_start_matches("Error from server (NotFound): ");
                    return Err(format!(
                        "error: error from server (NotFound): {detail} in namespace \"{namespace}\""
                    ));
                }
                Err(e) => return Err(e),
            };
            vec![pod]
        }
        (None, Some(s)) => {
            let sel = super::get::parse_selector(s)?;
            let mut pods: Vec<Value> = sim
                .store
                .list(kind("", "Pod"), Some(&namespace))
                .filter(|p| sel.matches(p))
                .cloned()
                .collect();
            pods.sort_by(|a, b| meta::name(a).cmp(meta::name(b)));
            if pods.is_empty() {
                out.stderr
                    .push_str(&format!("No resources found in {namespace} namespace.\n"));
            }
            pods
        }
        (None, None) => Vec::new(),
    };
    let several_pods = selector.is_some() || parsed.switch("all-pods");
    let prefix = parsed.switch("prefix") || parsed.switch("all-pods");

    // The (pod, container) requests, in order.
    let mut requests: Vec<(Value, String)> = Vec::new();
    for pod in pods {
        if all_containers {
            for list in [
                "/spec/initContainers",
                "/spec/containers",
                "/spec/ephemeralContainers",
            ] {
                for c in meta::array_at(&pod, list) {
                    requests.push((pod.clone(), meta::str_at(c, "/name").to_string()));
                }
            }
            continue;
        }
        let name = match &container {
            Some(c) => c.clone(),
            None => {
                let mut notes = String::new();
                match podref::default_container(&pod, several_pods, &mut notes) {
                    Some(c) => {
                        out.stderr.push_str(&notes);
                        c
                    }
                    None => continue,
                }
            }
        };
        if !podref::has_container(&pod, &name) {
            out.stderr.push_str(&format!(
                "error: container {name} is not valid for pod {}\n",
                meta::name(&pod)
            ));
            out.exit_code = 1;
            return Ok(out);
        }
        requests.push((pod, name));
    }
    if parsed.switch("follow") && requests.len() > 1 {
        let max: usize = parsed
            .get("max-log-requests")
            .and_then(|m| m.parse().ok())
            .unwrap_or(5);
        if requests.len() > max {
            return Err(format!(
                "error: you are attempting to follow {} log streams, but maximum allowed concurrency is {max}, use --max-log-requests to increase the limit",
                requests.len()
            ));
        }
    }

    let previous = parsed.switch("previous");
    let ignore_errors = parsed.switch("ignore-errors");
    for (pod, c) in &requests {
        let pods = crate::controllers::kind("", "Pod");
        let (ns, name) = (meta::namespace(pod), meta::name(pod));
        if let Err(status) = sim.store.authorize_kind("get", pods, "log", ns, name) {
            out.stderr
                .push_str(&format!("{}\n", super::errors::render(&status)));
            out.exit_code = 1;
            return Ok(out);
        }
        match read(sim, pod, c, previous, &query) {
            Ok(text) => out.stdout.push_str(&prefixed(&text, pod, c, prefix)),
            Err(e) if ignore_errors => out.stdout.push_str(&format!("error: {e}\n")),
            Err(e) => {
                out.stderr
                    .push_str(&format!("Error from server (BadRequest): {e}\n"));
                out.exit_code = 1;
                return Ok(out);
            }
        }
    }
    if parsed.switch("follow") && !previous {
        let job = Follow {
            seen: sim.now(),
            containers: requests
                .iter()
                .map(|(p, c)| (ObjectKey::of(p), c.clone(), p.clone()))
                .collect(),
            query: Query {
                tail: None,
                since: None,
                ..query.clone()
            },
            prefix,
        };
        let more = shell.follow(Box::new(job), sim, FOLLOW_SECONDS * SECOND);
        out.stdout.push_str(&more.stdout);
        out.stderr.push_str(&more.stderr);
        out.exit_code = more.exit_code;
    }
    Ok(out)
}

/// One container's log, as the API server's `pods/log` returns it.
pub(super) fn read(
    sim: &mut Sim,
    pod: &Value,
    container: &str,
    previous: bool,
    query: &Query,
) -> Result<String, String> {
    if meta::str_at(pod, "/spec/nodeName").is_empty() {
        return Err(format!(
            "pod {} does not have a host assigned",
            meta::name(pod)
        ));
    }
    let key = ObjectKey::of(pod);
    sim.kubelet_call(None, |kubelet, _, _| {
        kubelet.container_log(&key, container, previous, query)
    })
    .unwrap_or_else(|| Err("the node's kubelet is not reachable".into()))
}

fn prefixed(text: &str, pod: &Value, container: &str, prefix: bool) -> String {
    if !prefix {
        return text.to_string();
    }
    let tag = format!("[pod/{}/{container}] ", meta::name(pod));
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        out.push_str(&tag);
        out.push_str(line);
    }
    out
}

/// `-f`: what the containers write as time passes, until they have all stopped.
struct Follow {
    /// Up to when the log has been read.
    seen: Time,
    containers: Vec<(ObjectKey, String, Value)>,
    query: Query,
    prefix: bool,
}

impl Job for Follow {
    fn poll(&mut self, sim: &mut Sim, out: &mut Output) -> Option<i32> {
        let now = sim.now();
        if now > self.seen {
            for (k, c, pod) in &self.containers {
                let seen = self.seen;
                let text = sim
                    .kubelet_call(None, |kubelet, _, _| {
                        kubelet.container_log_since(k, c, seen, &self.query)
                    })
                    .unwrap_or_default();
                out.stdout.push_str(&prefixed(&text, pod, c, self.prefix));
            }
            self.seen = now;
        }
        let running = self.containers.iter().any(|(k, c, _)| {
            sim.kubelet_call(None, |kubelet, _, _| kubelet.container_running(k, c))
                .unwrap_or(false)
        });
        (!running).then_some(0)
    }

    fn stop(&mut self, _sim: &mut Sim) {}

    fn at_limit(&mut self, _limit_millis: i64, out: &mut Output) -> i32 {
        out.stderr.push_str(&format!(
            "kubeplay: stopped following after {FOLLOW_SECONDS}s of cluster time (a real kubectl follows until you press Ctrl-C)\n"
        ));
        0
    }
}
