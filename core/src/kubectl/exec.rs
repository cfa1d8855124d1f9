//! `kubectl exec (POD | TYPE/NAME) [-c CONTAINER] [-i] [-t] -- COMMAND [args...]`: runs a
//! command in a running container through the API server and the node's kubelet, with the
//! container's files, environment and processes. A non-zero exit prints kubectl's `command
//! terminated with exit code N`. The command runs to its end at once and the cluster's clock
//! then moves on by however long it slept. An interactive shell (`-it -- sh`) is not
//! simulated and says so.

use super::args::{self, Flag, switch, value};
use super::shell::Shell;
use super::{namespace_of, podref};
use crate::api::meta;
use crate::cluster::Output;
use crate::controllers::ObjectKey;
use crate::sim::Sim;

const SEE: &str = "See 'kubectl exec -h' for help and examples";

pub(crate) const FLAGS: &[Flag] = &[
    value("container", Some('c')),
    switch("stdin", Some('i')),
    switch("tty", Some('t')),
    switch("quiet", Some('q')),
    value("filename", Some('f')),
    value("pod-running-timeout", None),
];

const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh"];

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let parsed = args::parse(words, FLAGS, "kubectl exec")?;
    let command: Vec<String> = match &parsed.after_dash {
        Some(c) => c.clone(),
        None if parsed.args.len() > 1 => {
            return Err(format!(
                "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\n{SEE}"
            ));
        }
        None => Vec::new(),
    };
    let Some(resource) = parsed.args.first() else {
        return Err("error: pod, type/name or --filename must be specified".into());
    };
    if command.is_empty() {
        return Err("error: you must specify at least one command for the container".into());
    }
    let namespace = namespace_of(&parsed, shell);
    let quiet = parsed.switch("quiet");
    let mut out = Output::default();
    let timeout = parsed
        .get("pod-running-timeout")
        .and_then(|t| crate::api::cron::go_duration_millis(t).ok())
        .map_or(60, |ms| ms / 1000);
    let pod = podref::resolve(sim, &namespace, resource, timeout, &mut out.stderr)?;
    let phase = meta::str_at(&pod, "/status/phase");
    if matches!(phase, "Succeeded" | "Failed") {
        return Err(format!(
            "error: cannot exec into a container in a completed pod; current phase is {phase}"
        ));
    }
    let container = match parsed.get("container") {
        Some(c) => c.to_string(),
        None => {
            let mut notes = String::new();
            let c = podref::default_container(&pod, quiet, &mut notes).ok_or_else(|| {
                format!(
                    "error: pod {namespace}/{} does not have any containers",
                    meta::name(&pod)
                )
            })?;
            out.stderr.push_str(&notes);
            c
        }
    };
    let pods = crate::controllers::kind("", "Pod");
    let (ns, name) = (meta::namespace(&pod), meta::name(&pod));
    if let Err(status) = sim.store.authorize_kind("create", pods, "exec", ns, name) {
        out.stderr
            .push_str(&format!("{}\n", super::errors::render(&status)));
        out.exit_code = 1;
        return Ok(out);
    }
    if meta::str_at(&pod, "/spec/nodeName").is_empty() {
        out.stderr.push_str(&format!(
            "Error from server (BadRequest): pod {} does not have a host assigned\n",
            meta::name(&pod)
        ));
        out.exit_code = 1;
        return Ok(out);
    }
    if !podref::has_container(&pod, &container) {
        out.stderr.push_str(&format!(
            "Error from server (BadRequest): container {container} is not valid for pod {}\n",
            meta::name(&pod)
        ));
        out.exit_code = 1;
        return Ok(out);
    }
    let tty = parsed.switch("stdin") && parsed.switch("tty");
    let key = ObjectKey::of(&pod);
    let interactive_shell = parsed.switch("stdin")
        && command.len() <= 2
        && command
            .first()
            .is_some_and(|c| SHELLS.contains(&c.rsplit('/').next().unwrap_or(c)))
        && command
            .get(1)
            .is_none_or(|a| a.starts_with('-') && a != "-c");
    // An interactive shell is refused after the runtime has checked that the program exists,
    // as the real error for a missing shell comes first.
    let result = sim.kubelet_call(Some(key), |kubelet, store, now| {
        if interactive_shell {
            let probe = vec!["true".to_string()];
            return kubelet
                .exec(&ObjectKey::of(&pod), &container, &probe, tty, now, store)
                .map(|_| None);
        }
        kubelet
            .exec(&ObjectKey::of(&pod), &container, &command, tty, now, store)
            .map(Some)
    });
    let result = match result {
        Some(Ok(r)) => r,
        Some(Err(e)) => {
            out.stderr
                .push_str(&format!("error: unable to upgrade connection: {e}\n"));
            out.exit_code = 1;
            return Ok(out);
        }
        None => {
            return Err(
                "error: unable to upgrade connection: the node's kubelet is not reachable".into(),
            );
        }
    };
    let Some(result) = result else {
        let program = command.join(" ");
        let name = meta::name(&pod);
        return Err(format!(
            "error: \"kubectl exec -it {name} -- {program}\" opens an interactive shell, which this sandbox does not simulate yet; run one command at a time instead, e.g. kubectl exec {name} -- ls /, or a script: kubectl exec {name} -- sh -c 'cd /tmp && ls'"
        ));
    };
    if let Some(e) = result.start_error {
        out.stdout.push_str(&format!(
            "OCI runtime exec failed: exec failed: unable to start container process: {e}: unknown\n"
        ));
        out.stderr
            .push_str("command terminated with exit code 126\n");
        out.exit_code = 126;
        return Ok(out);
    }
    if tty {
        // A terminal carries both streams.
        out.stdout.push_str(&result.combined);
    } else {
        out.stdout.push_str(&result.stdout);
        out.stderr.push_str(&result.stderr);
    }
    if result.slept_ms > 0 {
        sim.advance(result.slept_ms);
    }
    if result.endless {
        out.stderr.push_str(
            "kubeplay: the command would keep running (a real kubectl waits until you press Ctrl-C); the sandbox stops waiting here\n",
        );
        out.exit_code = 130;
        return Ok(out);
    }
    if result.status != 0 {
        out.stderr.push_str(&format!(
            "command terminated with exit code {}\n",
            result.status
        ));
        out.exit_code = result.status;
    }
    Ok(out)
}
