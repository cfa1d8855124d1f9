//! `kubectl run -i/-t/--attach [--rm]`: the pod is created, kubectl waits for it to run (or
//! finish), shows what its container prints, waits for it to complete when its restart policy
//! lets it (`Never`, `OnFailure`), then deletes it with `--rm`.
//!
//! As upstream's `run` does: a container that finished before kubectl could attach has its
//! log streamed instead (no prompt hint); one still running is attached — kubectl prints its
//! two notices on stderr ("All commands and output...", "If you don't see a command prompt,
//! try pressing enter."), and "Session ended, resume using ..." when the session ends on a
//! terminal. The sandbox has no interactive terminal into a container, so an interactive shell
//! is refused before anything is created (`kubectl exec` into a running pod serves instead).

use serde_json::Value;

use super::shell::Shell;
use crate::api::meta;
use crate::cluster::Output;
use crate::controllers::{is_pod_ready, kind};
use crate::sim::Sim;

/// How `run` was asked to attach.
pub struct Attach<'a> {
    pub namespace: &'a str,
    pub name: &'a str,
    pub stdin: bool,
    pub tty: bool,
    pub remove: bool,
    pub restart: &'a str,
    /// `--pod-running-timeout` in milliseconds (1m by default).
    pub timeout_ms: i64,
}

/// Whether the container would run an interactive shell: a shell with no `-c` script, named
/// after `--` or as the image's default command.
pub fn is_interactive_shell(command: &[String], image: &str) -> bool {
    let default;
    let argv: &[String] = if command.is_empty() {
        default = crate::kubelet::images::lookup(&crate::kubelet::images::parse(image))
            .map(|i| i.cmd.iter().map(|s| (*s).to_string()).collect::<Vec<_>>())
            .unwrap_or_default();
        &default
    } else {
        command
    };
    let Some(first) = argv.first() else {
        return false;
    };
    let program = first.rsplit('/').next().unwrap_or(first);
    matches!(program, "sh" | "bash" | "ash" | "dash" | "zsh") && !argv.iter().any(|a| a == "-c")
}

/// After the pod was created: wait, show its output, wait for completion, clean up.
pub fn follow(attach: &Attach<'_>, shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let mut out = Output::default();
    let pod_kind = kind("", "Pod");
    let (ns, name) = (attach.namespace, attach.name);
    let phase_of = |pod: &Value| meta::str_at(pod, "/status/phase").to_string();
    let limit = sim.now().plus_millis(attach.timeout_ms);
    // podRunningAndReady, or completed.
    sim.advance_until(limit, |store| {
        store.get(pod_kind, ns, name).is_ok_and(|p| {
            matches!(phase_of(p).as_str(), "Succeeded" | "Failed")
                || (phase_of(p) == "Running" && is_pod_ready(p))
        })
    });
    let Ok(pod) = sim.store.get(pod_kind, ns, name).cloned() else {
        return Err(format!(
            "Error from server (NotFound): pods \"{name}\" not found"
        ));
    };
    let phase = phase_of(&pod);
    let completed = matches!(phase.as_str(), "Succeeded" | "Failed");
    let running = phase == "Running" && is_pod_ready(&pod);
    if !completed && !running {
        cleanup(attach, shell, sim, &mut out);
        out.stderr
            .push_str("error: timed out waiting for the condition\n");
        out.exit_code = 1;
        return Ok(out);
    }
    let attached = !completed;
    if attached {
        out.stderr.push_str("All commands and output from this session will be recorded in container logs, including credentials and sensitive information passed through the command prompt.\nIf you don't see a command prompt, try pressing enter.\n");
    }
    let wait_for_exit = matches!(attach.restart, "Never" | "OnFailure");
    if attached && wait_for_exit {
        // The session lasts as long as the container runs.
        sim.advance_until(limit.plus_millis(attach.timeout_ms), |store| {
            store
                .get(pod_kind, ns, name)
                .is_ok_and(|p| matches!(phase_of(p).as_str(), "Succeeded" | "Failed"))
        });
    }
    let logs = super::logs::run(&[name.to_string(), "-n".into(), ns.to_string()], shell, sim);
    if let Ok(logs) = logs {
        out.stdout.push_str(&logs.stdout);
    }
    if attached && attach.stdin && attach.tty {
        out.stdout.push_str(&format!(
            "Session ended, resume using 'kubectl attach {name} -c {name} -i -t' command when the pod is running\n"
        ));
    }
    let pod = sim.store.get(pod_kind, ns, name).cloned().unwrap_or(pod);
    cleanup(attach, shell, sim, &mut out);
    if !wait_for_exit {
        return Ok(out);
    }
    match phase_of(&pod).as_str() {
        "Succeeded" => {}
        "Failed" => {
            let status = meta::array_at(&pod, "/status/containerStatuses")
                .first()
                .and_then(|c| c.pointer("/state/terminated"))
                .cloned();
            let code = status
                .as_ref()
                .and_then(|t| t.get("exitCode"))
                .and_then(Value::as_i64)
                .unwrap_or(0);
            match status {
                Some(t) if code != 0 => {
                    out.stderr.push_str(&format!(
                        "pod {ns}/{name} terminated ({})\n{}",
                        meta::str_at(&t, "/reason"),
                        meta::str_at(&t, "/message")
                    ));
                    if !out.stderr.ends_with('\n') {
                        out.stderr.push('\n');
                    }
                    out.exit_code = i32::try_from(code).unwrap_or(1);
                }
                _ => {
                    out.stderr.push_str(&format!(
                        "error: pod {ns}/{name} failed with unknown exit code\n"
                    ));
                    out.exit_code = 1;
                }
            }
        }
        phase => {
            out.stderr
                .push_str(&format!("error: pod {ns}/{name} left in phase {phase}\n"));
            out.exit_code = 1;
        }
    }
    Ok(out)
}

/// `--rm`: the pod is deleted without waiting, as `pod "NAME" deleted from NS namespace`.
fn cleanup(attach: &Attach<'_>, shell: &mut Shell, sim: &mut Sim, out: &mut Output) {
    if !attach.remove {
        return;
    }
    let words = [
        "pod".to_string(),
        attach.name.to_string(),
        "-n".into(),
        attach.namespace.to_string(),
        "--wait=false".into(),
    ];
    match super::delete::run(&words, shell, sim) {
        Ok(done) => {
            out.stdout.push_str(&done.stdout);
            out.stderr.push_str(&done.stderr);
        }
        Err(e) => out.stderr.push_str(&e),
    }
}
