//! What the workload describers share: the `Pod Template:` section, the `Pods Status:` counts
//! of the pods a controller owns, and a StatefulSet's `Volume Claims:`.

use serde_json::Value;

use super::Ctx;
use super::containers::describe_containers;
use super::fields::{
    annotations_multiline, labels_multiline, labels_multiline_indent, list_at, object_at, quantity,
    strings_at, tolerations_multiline,
};
use super::pod::topology_spread;
use super::volumes::{claim_class, describe_volumes};
use super::writer::{LEVEL_0, LEVEL_1, PrefixWriter};
use crate::api::{meta, selector};

/// `DescribePodTemplate`: the template's labels, containers (without status), volumes and
/// scheduling fields, indented under `Pod Template:`.
pub fn describe_pod_template(w: &mut PrefixWriter, template: Option<&Value>) {
    w.write(LEVEL_0, "Pod Template:\n");
    let Some(t) = template.filter(|t| t.is_object()) else {
        w.write(LEVEL_1, "<unset>");
        return;
    };
    labels_multiline(w, "  Labels", object_at(t, "/metadata/labels"));
    if object_at(t, "/metadata/annotations").is_some_and(|a| !a.is_empty()) {
        annotations_multiline(w, "  Annotations", object_at(t, "/metadata/annotations"));
    }
    let account = meta::str_at(t, "/spec/serviceAccountName");
    if !account.is_empty() {
        w.write(LEVEL_1, format!("Service Account:\t{account}\n"));
    }
    let init = list_at(t, "/spec/initContainers");
    if !init.is_empty() {
        describe_containers(w, "Init Containers", init, &[], None, "  ");
    }
    describe_containers(
        w,
        "Containers",
        list_at(t, "/spec/containers"),
        &[],
        None,
        "  ",
    );
    describe_volumes(w, list_at(t, "/spec/volumes"), "  ");
    topology_spread(w, list_at(t, "/spec/topologySpreadConstraints"), "  ");
    let priority_class = meta::str_at(t, "/spec/priorityClassName");
    if !priority_class.is_empty() {
        w.write(LEVEL_1, format!("Priority Class Name:\t{priority_class}\n"));
    }
    labels_multiline(w, "  Node-Selectors", object_at(t, "/spec/nodeSelector"));
    tolerations_multiline(w, "  Tolerations", list_at(t, "/spec/tolerations"));
}

/// Pods a controller owns, counted by phase (`getPodStatusForController`).
#[derive(Default)]
pub struct PodCounts {
    pub running: usize,
    pub waiting: usize,
    pub succeeded: usize,
    pub failed: usize,
}

impl PodCounts {
    /// The pods in the controller's namespace that its selector matches and whose controller
    /// reference is the controller itself.
    pub fn of(ctx: &Ctx<'_>, controller: &Value, pod_selector: Option<&Value>) -> PodCounts {
        let mut counts = PodCounts::default();
        let uid = meta::uid(controller);
        let pods = ctx.store.list(
            crate::controllers::kind("", "Pod"),
            Some(meta::namespace(controller)),
        );
        for pod in pods {
            if !selector::matches(pod_selector, meta::labels(pod))
                || !crate::controllers::is_controlled_by(pod, uid)
            {
                continue;
            }
            match meta::str_at(pod, "/status/phase") {
                "Running" => counts.running += 1,
                "Pending" => counts.waiting += 1,
                "Succeeded" => counts.succeeded += 1,
                "Failed" => counts.failed += 1,
                _ => {}
            }
        }
        counts
    }

    /// `Pods Status:\tN Running / N Waiting / N Succeeded / N Failed` of a controller.
    pub fn describe(ctx: &Ctx<'_>, w: &mut PrefixWriter, controller: &Value, pods: Option<&Value>) {
        let c = PodCounts::of(ctx, controller, pods);
        w.write(
            LEVEL_0,
            format!(
                "Pods Status:\t{} Running / {} Waiting / {} Succeeded / {} Failed\n",
                c.running, c.waiting, c.succeeded, c.failed
            ),
        );
    }
}

/// `describeVolumeClaimTemplates`: a StatefulSet's claim templates.
pub fn describe_claim_templates(w: &mut PrefixWriter, templates: &[Value]) {
    if templates.is_empty() {
        w.write(LEVEL_0, "Volume Claims:\t<none>\n");
        return;
    }
    w.write(LEVEL_0, "Volume Claims:\n");
    for claim in templates {
        w.write(LEVEL_1, format!("Name:\t{}\n", meta::name(claim)));
        w.write(LEVEL_1, format!("StorageClass:\t{}\n", claim_class(claim)));
        labels_multiline_indent(
            w,
            "  ",
            "Labels",
            "\t",
            object_at(claim, "/metadata/labels"),
        );
        labels_multiline_indent(
            w,
            "  ",
            "Annotations",
            "\t",
            object_at(claim, "/metadata/annotations"),
        );
        let capacity = claim
            .pointer("/spec/resources/requests/storage")
            .map_or_else(|| "<default>".to_string(), quantity);
        w.write(LEVEL_1, format!("Capacity:\t{capacity}\n"));
        w.write(
            LEVEL_1,
            format!(
                "Access Modes:\t{}\n",
                super::fields::go_list(&strings_at(claim, "/spec/accessModes"))
            ),
        );
    }
}
