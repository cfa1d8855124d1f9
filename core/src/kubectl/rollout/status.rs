//! `kubectl rollout status`: prints the rollout's progress each time the object changes, until
//! it is done, fails, or `--timeout` passes — letting virtual time run meanwhile, as the real
//! command blocks on a watch. The wording is upstream's status viewers'
//! (`polymorphichelpers/rollout_status.go`).

use std::collections::VecDeque;

use serde_json::Value;

use super::{COMMON_FLAGS, Found, find, group_kind, int_flag, require_resource};
use crate::api::{Kind, meta};
use crate::cluster::Output;
use crate::controllers::deployment::util as dutil;
use crate::controllers::int_at;
use crate::kubectl::args::{self, Flag, switch, value};
use crate::kubectl::job::Job;
use crate::kubectl::shell::Shell;
use crate::sim::Sim;
use crate::store::ChangeType;
use crate::time::{SECOND, Time};

pub(crate) const FLAGS: &[Flag] = &[
    value("revision", None),
    value("timeout", None),
    switch("watch", Some('w')),
];

/// Without `--timeout`, the real command waits for ever; here the wait ends after this much
/// virtual time, with a note saying so.
const WAIT_LIMIT_MILLIS: i64 = 3600 * SECOND;

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let parsed = args::parse_tables(words, &[COMMON_FLAGS, FLAGS], "kubectl rollout status")?;
    let usage = "See 'kubectl rollout status --help' for usage.";
    let revision = int_flag(&parsed, "revision", "status")?;
    let timeout = match parsed.get("timeout") {
        None => 0,
        Some(t) => crate::api::cron::parse::go_duration_millis(t).map_err(|e| {
            format!("error: invalid argument \"{t}\" for \"--timeout\" flag: {e}\n{usage}")
        })?,
    };
    let watch = parsed.get("watch").is_none_or(|w| w == "true");
    require_resource(&parsed)?;
    if revision < 0 {
        return Err(format!(
            "error: revision must be a positive integer: {revision}"
        ));
    }
    let found = find(&parsed, shell, sim)?;
    if let Some(out) = found.nothing(&parsed, shell) {
        return Ok(out);
    }
    let Found { objects, errors } = found;
    let job = Follow {
        objects: objects.into(),
        errors,
        revision,
        watch,
        timeout,
        current: None,
    };
    Ok(shell.follow(Box::new(job), sim, WAIT_LIMIT_MILLIS))
}

/// The object being followed: its kind, namespace and name, watch, and deadline.
struct Current {
    kind: &'static Kind,
    watch: u64,
    deadline: Option<Time>,
}

/// Follows each object in turn until its rollout is done, printing the status at every
/// change; the first failure ends the command.
struct Follow {
    objects: VecDeque<(&'static Kind, Value)>,
    errors: Vec<String>,
    revision: i64,
    watch: bool,
    timeout: i64,
    current: Option<Current>,
}

impl Follow {
    /// The command's end: the errors met, as kubectl reports them.
    fn end(&mut self, out: &mut Output) -> Option<i32> {
        let errors = std::mem::take(&mut self.errors);
        let done = crate::kubectl::errors::aggregate(Output::default(), errors);
        out.stderr.push_str(&done.stderr);
        Some(done.exit_code)
    }

    fn fail(&mut self, error: String, out: &mut Output) -> Option<i32> {
        self.errors.push(error);
        self.end(out)
    }
}

impl Job for Follow {
    fn poll(&mut self, sim: &mut Sim, out: &mut Output) -> Option<i32> {
        loop {
            let Some(current) = &self.current else {
                // The next object: the informer's initial list, the object as it is now.
                let Some((kind, obj)) = self.objects.pop_front() else {
                    return self.end(out);
                };
                if !matches!(kind.kind, "Deployment" | "DaemonSet" | "StatefulSet")
                    || kind.group != "apps"
                {
                    let error = format!(
                        "error: no status viewer has been implemented for {}",
                        group_kind(kind)
                    );
                    return self.fail(error, out);
                }
                match report(kind, &obj, self.revision, out) {
                    Err(e) => return self.fail(e, out),
                    Ok(true) => continue,
                    Ok(false) if !self.watch => continue,
                    Ok(false) => {}
                }
                let watch = sim.watch(kind, meta::namespace(&obj), meta::name(&obj));
                self.current = Some(Current {
                    kind,
                    watch,
                    deadline: (self.timeout > 0).then(|| sim.now().plus_millis(self.timeout)),
                });
                continue;
            };
            let (kind, id, deadline) = (current.kind, current.watch, current.deadline);
            let mut finished = false;
            for change in sim.watch_events(id) {
                if change.change == ChangeType::Deleted {
                    sim.unwatch(id);
                    return self.fail("error: object has been deleted".into(), out);
                }
                match report(kind, &change.object, self.revision, out) {
                    Ok(true) => {
                        finished = true;
                        break;
                    }
                    Ok(false) => {}
                    Err(e) => {
                        sim.unwatch(id);
                        return self.fail(e, out);
                    }
                }
            }
            if finished {
                sim.unwatch(id);
                self.current = None;
                continue;
            }
            if deadline.is_some_and(|d| sim.now() >= d) {
                sim.unwatch(id);
                return self.fail("error: timed out waiting for the condition".into(), out);
            }
            return None;
        }
    }

    fn deadline(&self) -> Option<Time> {
        self.current.as_ref().and_then(|c| c.deadline)
    }

    fn stop(&mut self, sim: &mut Sim) {
        if let Some(current) = self.current.take() {
            sim.unwatch(current.watch);
        }
    }

    fn at_limit(&mut self, limit_millis: i64, out: &mut Output) -> i32 {
        let note = format!(
            "error: stopped watching after {} of cluster time without the rollout finishing (kubectl would keep waiting; use --timeout to choose how long)",
            crate::time::human_duration(limit_millis)
        );
        self.fail(note, out).unwrap_or(1)
    }
}

/// Prints the status line of one observed state; returns whether the rollout is done.
fn report(kind: &Kind, obj: &Value, revision: i64, out: &mut Output) -> Result<bool, String> {
    let (line, done) = match kind.kind {
        "Deployment" => deployment_status(obj, revision)?,
        "DaemonSet" => daemon_set_status(obj)?,
        _ => stateful_set_status(obj)?,
    };
    out.stdout.push_str(&line);
    Ok(done)
}

/// `DeploymentStatusViewer`.
pub fn deployment_status(d: &Value, revision: i64) -> Result<(String, bool), String> {
    let name = meta::name(d);
    if revision > 0 {
        let current = dutil::revision(d);
        if revision != current {
            return Err(format!(
                "error: desired revision ({revision}) is different from the running revision ({current})"
            ));
        }
    }
    if int_at(d, "/metadata/generation") > int_at(d, "/status/observedGeneration") {
        return Ok((
            "Waiting for deployment spec update to be observed...\n".into(),
            false,
        ));
    }
    let status = d.get("status").cloned().unwrap_or_default();
    if dutil::condition(&status, "Progressing")
        .is_some_and(|c| meta::str_at(c, "/reason") == dutil::TIMED_OUT)
    {
        return Err(format!(
            "error: deployment \"{name}\" exceeded its progress deadline"
        ));
    }
    let replicas = int_at(d, "/spec/replicas");
    let updated = int_at(d, "/status/updatedReplicas");
    let current = int_at(d, "/status/replicas");
    let available = int_at(d, "/status/availableReplicas");
    let waiting = |what: String| {
        Ok((
            format!("Waiting for deployment \"{name}\" rollout to finish: {what}...\n"),
            false,
        ))
    };
    if updated < replicas {
        return waiting(format!(
            "{updated} out of {replicas} new replicas have been updated"
        ));
    }
    if current > updated {
        return waiting(format!(
            "{} old replicas are pending termination",
            current - updated
        ));
    }
    if available < updated {
        return waiting(format!(
            "{available} of {updated} updated replicas are available"
        ));
    }
    Ok((
        format!("deployment \"{name}\" successfully rolled out\n"),
        true,
    ))
}

/// `DaemonSetStatusViewer`.
fn daemon_set_status(ds: &Value) -> Result<(String, bool), String> {
    let name = meta::name(ds);
    if meta::str_at(ds, "/spec/updateStrategy/type") != "RollingUpdate" {
        return Err(
            "error: rollout status is only available for RollingUpdate strategy type".into(),
        );
    }
    if int_at(ds, "/metadata/generation") > int_at(ds, "/status/observedGeneration") {
        return Ok((
            "Waiting for daemon set spec update to be observed...\n".into(),
            false,
        ));
    }
    let desired = int_at(ds, "/status/desiredNumberScheduled");
    let updated = int_at(ds, "/status/updatedNumberScheduled");
    let available = int_at(ds, "/status/numberAvailable");
    if updated < desired {
        return Ok((
            format!(
                "Waiting for daemon set \"{name}\" rollout to finish: {updated} out of {desired} new pods have been updated...\n"
            ),
            false,
        ));
    }
    if available < desired {
        return Ok((
            format!(
                "Waiting for daemon set \"{name}\" rollout to finish: {available} of {desired} updated pods are available...\n"
            ),
            false,
        ));
    }
    Ok((
        format!("daemon set \"{name}\" successfully rolled out\n"),
        true,
    ))
}

/// `StatefulSetStatusViewer`.
fn stateful_set_status(sts: &Value) -> Result<(String, bool), String> {
    if meta::str_at(sts, "/spec/updateStrategy/type") != "RollingUpdate" {
        return Err(
            "error: rollout status is only available for RollingUpdate strategy type".into(),
        );
    }
    let observed = int_at(sts, "/status/observedGeneration");
    if observed == 0 || int_at(sts, "/metadata/generation") > observed {
        return Ok((
            "Waiting for statefulset spec update to be observed...\n".into(),
            false,
        ));
    }
    let replicas = int_at(sts, "/spec/replicas");
    let ready = int_at(sts, "/status/readyReplicas");
    if ready < replicas {
        return Ok((
            format!("Waiting for {} pods to be ready...\n", replicas - ready),
            false,
        ));
    }
    let updated = int_at(sts, "/status/updatedReplicas");
    if let Some(rolling) = sts
        .pointer("/spec/updateStrategy/rollingUpdate")
        .filter(|r| r.is_object())
    {
        if let Some(partition) = rolling.get("partition").and_then(Value::as_i64)
            && updated < replicas - partition
        {
            return Ok((
                format!(
                    "Waiting for partitioned roll out to finish: {updated} out of {} new pods have been updated...\n",
                    replicas - partition
                ),
                false,
            ));
        }
        return Ok((
            format!("partitioned roll out complete: {updated} new pods have been updated...\n"),
            true,
        ));
    }
    let update_rev = meta::str_at(sts, "/status/updateRevision");
    let current_rev = meta::str_at(sts, "/status/currentRevision");
    if update_rev != current_rev {
        return Ok((
            format!(
                "waiting for statefulset rolling update to complete {updated} pods at revision {update_rev}...\n"
            ),
            false,
        ));
    }
    Ok((
        format!(
            "statefulset rolling update complete {} pods at revision {current_rev}...\n",
            int_at(sts, "/status/currentReplicas")
        ),
        true,
    ))
}
