//! Workload controllers: Deployment (with its old and new ReplicaSets), ReplicaSet,
//! ReplicationController, DaemonSet, StatefulSet, Job and CronJob.

use serde_json::{Value, json};

use super::Ctx;
use super::fields::{
    conditions_table, controlled_by, format_label_selector, int_at, int_or_string,
    labels_and_annotations, list_at, name_and_namespace, object_at, print_bool_ptr, rfc1123z,
    selector_string,
};
use super::template::{PodCounts, describe_claim_templates, describe_pod_template};
use super::writer::{LEVEL_0, LEVEL_1, PrefixWriter};
use crate::api::{meta, selector};
use crate::controllers::deployment::util::equal_ignore_hash;
use crate::controllers::is_controlled_by;
use crate::time::{Time, human_duration};

/// `Conditions:` as the replicated workloads print them: type, status and reason.
fn short_conditions(w: &mut PrefixWriter, obj: &Value) {
    conditions_table(
        w,
        list_at(obj, "/status/conditions"),
        "Type\tStatus\tReason",
        "----\t------\t------",
        |c| {
            format!(
                "{} \t{}\t{}",
                meta::str_at(c, "/type"),
                meta::str_at(c, "/status"),
                meta::str_at(c, "/reason")
            )
        },
    );
}

pub fn deployment(ctx: &Ctx<'_>, d: &Value) -> String {
    let mut w = PrefixWriter::new();
    name_and_namespace(&mut w, d);
    w.write(
        LEVEL_0,
        format!(
            "CreationTimestamp:\t{}\n",
            rfc1123z(d.pointer("/metadata/creationTimestamp"))
        ),
    );
    labels_and_annotations(&mut w, d);
    let pod_selector = d.pointer("/spec/selector");
    w.write(
        LEVEL_0,
        format!("Selector:\t{}\n", selector_string(pod_selector)),
    );
    w.write(
        LEVEL_0,
        format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable\n",
            int_at(d, "/spec/replicas"),
            int_at(d, "/status/updatedReplicas"),
            int_at(d, "/status/replicas"),
            int_at(d, "/status/availableReplicas"),
            int_at(d, "/status/unavailableReplicas")
        ),
    );
    w.write(
        LEVEL_0,
        format!(
            "StrategyType:\t{}\n",
            meta::str_at(d, "/spec/strategy/type")
        ),
    );
    w.write(
        LEVEL_0,
        format!("MinReadySeconds:\t{}\n", int_at(d, "/spec/minReadySeconds")),
    );
    if let Some(ru) = d
        .pointer("/spec/strategy/rollingUpdate")
        .filter(|r| r.is_object())
    {
        w.write(
            LEVEL_0,
            format!(
                "RollingUpdateStrategy:\t{} max unavailable, {} max surge\n",
                int_or_string(ru.get("maxUnavailable")),
                int_or_string(ru.get("maxSurge"))
            ),
        );
    }
    describe_pod_template(&mut w, d.pointer("/spec/template"));
    short_conditions(&mut w, d);
    let (old, new) = replica_sets(ctx, d);
    if !old.is_empty() || new.is_some() {
        w.write(
            LEVEL_0,
            format!("OldReplicaSets:\t{}\n", replica_set_list(&old)),
        );
        w.write(
            LEVEL_0,
            format!(
                "NewReplicaSet:\t{}\n",
                replica_set_list(&new.into_iter().collect::<Vec<_>>())
            ),
        );
    }
    ctx.events_section(d, &mut w);
    w.finish()
}

/// The Deployment's ReplicaSets (matched by its selector and owned by it), oldest first: the
/// oldest one running the current template is the new one, all others are old.
fn replica_sets<'a>(ctx: &Ctx<'a>, d: &Value) -> (Vec<&'a Value>, Option<&'a Value>) {
    let pod_selector = d.pointer("/spec/selector");
    let mut owned: Vec<&Value> = ctx
        .list("apps", "ReplicaSet", Some(meta::namespace(d)))
        .filter(|rs| {
            selector::matches(pod_selector, meta::labels(rs)) && is_controlled_by(rs, meta::uid(d))
        })
        .collect();
    owned.sort_by(|a, b| {
        let stamp = |rs: &Value| {
            rs.pointer("/metadata/creationTimestamp")
                .and_then(Value::as_str)
                .and_then(Time::parse_rfc3339)
        };
        stamp(a)
            .cmp(&stamp(b))
            .then_with(|| meta::name(a).cmp(meta::name(b)))
    });
    let new = owned
        .iter()
        .copied()
        .find(|rs| equal_ignore_hash(d.pointer("/spec/template"), rs.pointer("/spec/template")));
    let old = owned
        .into_iter()
        .filter(|rs| new.is_none_or(|n| meta::uid(n) != meta::uid(rs)))
        .collect();
    (old, new)
}

/// `printReplicaSetsByLabels`: `name (current/desired replicas created)`, comma-separated.
fn replica_set_list(sets: &[&Value]) -> String {
    if sets.is_empty() {
        return "<none>".into();
    }
    sets.iter()
        .map(|rs| {
            format!(
                "{} ({}/{} replicas created)",
                meta::name(rs),
                int_at(rs, "/status/replicas"),
                int_at(rs, "/spec/replicas")
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn replica_set(ctx: &Ctx<'_>, rs: &Value) -> String {
    let mut w = PrefixWriter::new();
    name_and_namespace(&mut w, rs);
    let pod_selector = rs.pointer("/spec/selector");
    w.write(
        LEVEL_0,
        format!("Selector:\t{}\n", format_label_selector(pod_selector)),
    );
    labels_and_annotations(&mut w, rs);
    if let Some(owner) = controlled_by(rs) {
        w.write(LEVEL_0, format!("Controlled By:\t{owner}\n"));
    }
    replicas_and_pods(ctx, &mut w, rs, pod_selector);
    describe_pod_template(&mut w, rs.pointer("/spec/template"));
    short_conditions(&mut w, rs);
    ctx.events_section(rs, &mut w);
    w.finish()
}

/// `Replicas: N current / N desired` and `Pods Status:` of a ReplicaSet or controller.
fn replicas_and_pods(ctx: &Ctx<'_>, w: &mut PrefixWriter, obj: &Value, pods: Option<&Value>) {
    w.write(
        LEVEL_0,
        format!(
            "Replicas:\t{} current / {} desired\n",
            int_at(obj, "/status/replicas"),
            int_at(obj, "/spec/replicas")
        ),
    );
    PodCounts::describe(ctx, w, obj, pods);
}

pub fn replication_controller(ctx: &Ctx<'_>, rc: &Value) -> String {
    let mut w = PrefixWriter::new();
    name_and_namespace(&mut w, rc);
    let labels = object_at(rc, "/spec/selector");
    w.write(
        LEVEL_0,
        format!("Selector:\t{}\n", selector::format_labels(labels)),
    );
    labels_and_annotations(&mut w, rc);
    // A map selector selects what it matches; `SelectorFromSet` of an empty map, everything.
    let as_selector = json!({ "matchLabels": labels.cloned().unwrap_or_default() });
    replicas_and_pods(ctx, &mut w, rc, Some(&as_selector));
    describe_pod_template(&mut w, rc.pointer("/spec/template"));
    short_conditions(&mut w, rc);
    ctx.events_section(rc, &mut w);
    w.finish()
}

pub fn daemon_set(ctx: &Ctx<'_>, ds: &Value) -> String {
    let mut w = PrefixWriter::new();
    name_and_namespace(&mut w, ds);
    let pod_selector = ds.pointer("/spec/selector");
    w.write(
        LEVEL_0,
        format!("Selector:\t{}\n", selector_string(pod_selector)),
    );
    w.write(
        LEVEL_0,
        format!(
            "Node-Selector:\t{}\n",
            selector::format_labels(object_at(ds, "/spec/template/spec/nodeSelector"))
        ),
    );
    labels_and_annotations(&mut w, ds);
    for (label, field) in [
        (
            "Desired Number of Nodes Scheduled",
            "desiredNumberScheduled",
        ),
        (
            "Current Number of Nodes Scheduled",
            "currentNumberScheduled",
        ),
        (
            "Number of Nodes Scheduled with Up-to-date Pods",
            "updatedNumberScheduled",
        ),
        (
            "Number of Nodes Scheduled with Available Pods",
            "numberAvailable",
        ),
        ("Number of Nodes Misscheduled", "numberMisscheduled"),
    ] {
        w.write(
            LEVEL_0,
            format!("{label}: {}\n", int_at(ds, &format!("/status/{field}"))),
        );
    }
    PodCounts::describe(ctx, &mut w, ds, pod_selector);
    describe_pod_template(&mut w, ds.pointer("/spec/template"));
    ctx.events_section(ds, &mut w);
    w.finish()
}

pub fn stateful_set(ctx: &Ctx<'_>, sts: &Value) -> String {
    let mut w = PrefixWriter::new();
    name_and_namespace(&mut w, sts);
    w.write(
        LEVEL_0,
        format!(
            "CreationTimestamp:\t{}\n",
            rfc1123z(sts.pointer("/metadata/creationTimestamp"))
        ),
    );
    let pod_selector = sts.pointer("/spec/selector");
    w.write(
        LEVEL_0,
        format!("Selector:\t{}\n", selector_string(pod_selector)),
    );
    labels_and_annotations(&mut w, sts);
    w.write(
        LEVEL_0,
        format!(
            "Replicas:\t{} desired | {} total\n",
            int_at(sts, "/spec/replicas"),
            int_at(sts, "/status/replicas")
        ),
    );
    w.write(
        LEVEL_0,
        format!(
            "Update Strategy:\t{}\n",
            meta::str_at(sts, "/spec/updateStrategy/type")
        ),
    );
    if let Some(ru) = sts
        .pointer("/spec/updateStrategy/rollingUpdate")
        .filter(|r| r.is_object())
        && let Some(partition) = ru.get("partition").and_then(Value::as_i64)
    {
        w.write(LEVEL_1, format!("Partition:\t{partition}\n"));
        if let Some(max) = ru.get("maxUnavailable").filter(|m| !m.is_null()) {
            w.write(
                LEVEL_1,
                format!("MaxUnavailable:\t{}\n", int_or_string(Some(max))),
            );
        }
    }
    PodCounts::describe(ctx, &mut w, sts, pod_selector);
    describe_pod_template(&mut w, sts.pointer("/spec/template"));
    describe_claim_templates(&mut w, list_at(sts, "/spec/volumeClaimTemplates"));
    ctx.events_section(sts, &mut w);
    w.finish()
}

pub fn job(ctx: &Ctx<'_>, job: &Value) -> String {
    let mut w = PrefixWriter::new();
    name_and_namespace(&mut w, job);
    w.write(
        LEVEL_0,
        format!(
            "Selector:\t{}\n",
            selector_string(job.pointer("/spec/selector"))
        ),
    );
    labels_and_annotations(&mut w, job);
    if let Some(owner) = controlled_by(job) {
        w.write(LEVEL_0, format!("Controlled By:\t{owner}\n"));
    }
    let spec_int = |field: &str| {
        job.pointer(&format!("/spec/{field}"))
            .and_then(Value::as_i64)
    };
    if let Some(p) = spec_int("parallelism") {
        w.write(LEVEL_0, format!("Parallelism:\t{p}\n"));
    }
    match spec_int("completions") {
        Some(c) => w.write(LEVEL_0, format!("Completions:\t{c}\n")),
        None => w.write(LEVEL_0, "Completions:\t<unset>\n"),
    }
    let mode = job.pointer("/spec/completionMode").and_then(Value::as_str);
    if let Some(mode) = mode {
        w.write(LEVEL_0, format!("Completion Mode:\t{mode}\n"));
    }
    if let Some(suspend) = job.pointer("/spec/suspend").and_then(Value::as_bool) {
        w.write(LEVEL_0, format!("Suspend:\t{suspend}\n"));
    }
    if let Some(limit) = spec_int("backoffLimit") {
        w.write(LEVEL_0, format!("Backoff Limit:\t{limit}\n"));
    }
    if let Some(ttl) = spec_int("ttlSecondsAfterFinished") {
        w.write(LEVEL_0, format!("TTL Seconds After Finished:\t{ttl}\n"));
    }
    let start = job.pointer("/status/startTime").filter(|t| t.is_string());
    let completed = job
        .pointer("/status/completionTime")
        .filter(|t| t.is_string());
    if let Some(start) = start {
        w.write(LEVEL_0, format!("Start Time:\t{}\n", rfc1123z(Some(start))));
    }
    if let Some(done) = completed {
        w.write(
            LEVEL_0,
            format!("Completed At:\t{}\n", rfc1123z(Some(done))),
        );
    }
    let parse = |t: Option<&Value>| t.and_then(Value::as_str).and_then(Time::parse_rfc3339);
    if let (Some(s), Some(c)) = (parse(start), parse(completed)) {
        w.write(
            LEVEL_0,
            format!("Duration:\t{}\n", human_duration(c.since(s))),
        );
    }
    if let Some(deadline) = spec_int("activeDeadlineSeconds") {
        w.write(LEVEL_0, format!("Active Deadline Seconds:\t{deadline}s\n"));
    }
    let (active, succeeded, failed) = (
        int_at(job, "/status/active"),
        int_at(job, "/status/succeeded"),
        int_at(job, "/status/failed"),
    );
    match job.pointer("/status/ready").and_then(Value::as_i64) {
        None => w.write(
            LEVEL_0,
            format!("Pods Statuses:\t{active} Active / {succeeded} Succeeded / {failed} Failed\n"),
        ),
        Some(ready) => w.write(
            LEVEL_0,
            format!(
                "Pods Statuses:\t{active} Active ({ready} Ready) / {succeeded} Succeeded / {failed} Failed\n"
            ),
        ),
    }
    if mode == Some("Indexed") {
        w.write(
            LEVEL_0,
            format!(
                "Completed Indexes:\t{}\n",
                cap_indexes(meta::str_at(job, "/status/completedIndexes"), 50)
            ),
        );
    }
    describe_pod_template(&mut w, job.pointer("/spec/template"));
    ctx.events_section(job, &mut w);
    w.finish()
}

/// `capIndexesListOrNone`: the completed indexes, cut after the first comma past `soft_limit`
/// characters.
fn cap_indexes(indexes: &str, soft_limit: usize) -> String {
    if indexes.is_empty() {
        return "<none>".into();
    }
    match indexes
        .char_indices()
        .find(|(i, c)| *i >= soft_limit && *c == ',')
    {
        Some((i, _)) => format!("{}...", &indexes[..=i]),
        None => indexes.to_string(),
    }
}

pub fn cron_job(ctx: &Ctx<'_>, cj: &Value) -> String {
    let mut w = PrefixWriter::new();
    name_and_namespace(&mut w, cj);
    labels_and_annotations(&mut w, cj);
    w.write(
        LEVEL_0,
        format!("Schedule:\t{}\n", meta::str_at(cj, "/spec/schedule")),
    );
    w.write(
        LEVEL_0,
        format!(
            "Concurrency Policy:\t{}\n",
            meta::str_at(cj, "/spec/concurrencyPolicy")
        ),
    );
    w.write(
        LEVEL_0,
        format!(
            "Suspend:\t{}\n",
            print_bool_ptr(cj.pointer("/spec/suspend"))
        ),
    );
    let spec_int = |field: &str| {
        cj.pointer(&format!("/spec/{field}"))
            .and_then(Value::as_i64)
    };
    for (label, field, unit) in [
        (
            "Successful Job History Limit",
            "successfulJobsHistoryLimit",
            "",
        ),
        ("Failed Job History Limit", "failedJobsHistoryLimit", ""),
        ("Starting Deadline Seconds", "startingDeadlineSeconds", "s"),
    ] {
        match spec_int(field) {
            Some(v) => w.write(LEVEL_0, format!("{label}:\t{v}{unit}\n")),
            None => w.write(LEVEL_0, format!("{label}:\t<unset>\n")),
        }
    }
    let template = cj.pointer("/spec/jobTemplate/spec");
    let template_int = |field: &str| template.and_then(|t| t.get(field)).and_then(Value::as_i64);
    match template
        .and_then(|t| t.get("selector"))
        .filter(|s| s.is_object())
    {
        Some(s) => w.write(
            LEVEL_0,
            format!("Selector:\t{}\n", selector_string(Some(s))),
        ),
        None => w.write(LEVEL_0, "Selector:\t<unset>\n"),
    }
    for (label, field) in [
        ("Parallelism", "parallelism"),
        ("Completions", "completions"),
    ] {
        match template_int(field) {
            Some(v) => w.write(LEVEL_0, format!("{label}:\t{v}\n")),
            None => w.write(LEVEL_0, format!("{label}:\t<unset>\n")),
        }
    }
    if let Some(deadline) = template_int("activeDeadlineSeconds") {
        w.write(LEVEL_0, format!("Active Deadline Seconds:\t{deadline}s\n"));
    }
    describe_pod_template(&mut w, template.and_then(|t| t.get("template")));
    match cj
        .pointer("/status/lastScheduleTime")
        .filter(|t| t.is_string())
    {
        Some(t) => w.write(
            LEVEL_0,
            format!("Last Schedule Time:\t{}\n", rfc1123z(Some(t))),
        ),
        None => w.write(LEVEL_0, "Last Schedule Time:\t<unset>\n"),
    }
    w.write(LEVEL_0, "Active Jobs:\t");
    let active = list_at(cj, "/status/active");
    if active.is_empty() {
        w.write_line("<none>");
    } else {
        let names: Vec<&str> = active.iter().map(|j| meta::str_at(j, "/name")).collect();
        w.write(LEVEL_0, names.join(", "));
        w.write_line("");
    }
    ctx.events_section(cj, &mut w);
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completed_indexes_are_capped_after_the_soft_limit() {
        assert_eq!(cap_indexes("", 50), "<none>");
        assert_eq!(cap_indexes("1-3,5", 50), "1-3,5");
        assert_eq!(cap_indexes("1,3,5,7,9", 4), "1,3,5,...");
    }
}
