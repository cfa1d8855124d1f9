//! Storage: PersistentVolumes (with their source and node affinity), PersistentVolumeClaims
//! (with the pods using them) and StorageClasses.

use serde_json::Value;

use super::Ctx;
use super::fields::{
    access_modes, annotations_multiline, go_list, labels_multiline, list_at, object_at,
    pods_multiline, print_bool_ptr, quantity, strings_at, timed_conditions,
};
use super::volumes::{claim_fields, volume_source};
use super::writer::{LEVEL_0, LEVEL_1, LEVEL_2, PrefixWriter};
use crate::api::{meta, selector};
use crate::kubectl::printers::columns::since;

/// `Terminating (lasts 5s)` while deleting, else the phase.
fn status(ctx: &Ctx<'_>, obj: &Value) -> String {
    if meta::is_deleting(obj) {
        format!(
            "Terminating (lasts {})",
            since(obj.pointer("/metadata/deletionTimestamp"), ctx.now)
        )
    } else {
        meta::str_at(obj, "/status/phase").to_string()
    }
}

pub fn persistent_volume(ctx: &Ctx<'_>, pv: &Value) -> String {
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, format!("Name:\t{}\n", meta::name(pv)));
    labels_multiline(&mut w, "Labels", object_at(pv, "/metadata/labels"));
    annotations_multiline(
        &mut w,
        "Annotations",
        object_at(pv, "/metadata/annotations"),
    );
    w.write(
        LEVEL_0,
        format!(
            "Finalizers:\t{}\n",
            go_list(&strings_at(pv, "/metadata/finalizers"))
        ),
    );
    let class = meta::at(
        pv,
        "/metadata/annotations/volume.beta.kubernetes.io~1storage-class",
    )
    .and_then(Value::as_str)
    .unwrap_or_else(|| meta::str_at(pv, "/spec/storageClassName"));
    w.write(LEVEL_0, format!("StorageClass:\t{class}\n"));
    w.write(LEVEL_0, format!("Status:\t{}\n", status(ctx, pv)));
    let claim = match pv.pointer("/spec/claimRef").filter(|c| c.is_object()) {
        Some(c) => format!(
            "{}/{}",
            meta::str_at(c, "/namespace"),
            meta::str_at(c, "/name")
        ),
        None => String::new(),
    };
    w.write(LEVEL_0, format!("Claim:\t{claim}\n"));
    w.write(
        LEVEL_0,
        format!(
            "Reclaim Policy:\t{}\n",
            meta::str_at(pv, "/spec/persistentVolumeReclaimPolicy")
        ),
    );
    w.write(
        LEVEL_0,
        format!(
            "Access Modes:\t{}\n",
            access_modes(&strings_at(pv, "/spec/accessModes"))
        ),
    );
    if let Some(mode) = pv.pointer("/spec/volumeMode").and_then(Value::as_str) {
        w.write(LEVEL_0, format!("VolumeMode:\t{mode}\n"));
    }
    let capacity = pv
        .pointer("/spec/capacity/storage")
        .map_or_else(|| "0".into(), quantity);
    w.write(LEVEL_0, format!("Capacity:\t{capacity}\n"));
    node_affinity(&mut w, pv.pointer("/spec/nodeAffinity/required"));
    w.write(
        LEVEL_0,
        format!("Message:\t{}\n", meta::str_at(pv, "/status/message")),
    );
    w.write(LEVEL_0, "Source:\n");
    if let Some(spec) = pv.get("spec") {
        volume_source(&mut w, spec, true);
    } else {
        w.write(LEVEL_1, "<unknown>\n");
    }
    ctx.events_section(pv, &mut w);
    w.finish()
}

/// `printVolumeNodeAffinity`: the required node selector terms, one expression a line.
fn node_affinity(w: &mut PrefixWriter, required: Option<&Value>) {
    w.write(LEVEL_0, "Node Affinity:\t");
    let Some(required) = required.filter(|r| r.is_object()) else {
        w.write_line("<none>");
        return;
    };
    w.write_line("");
    w.write(LEVEL_1, "Required Terms:\t");
    let terms = list_at(required, "/nodeSelectorTerms");
    if terms.is_empty() {
        w.write_line("<none>");
        return;
    }
    w.write_line("");
    for (i, term) in terms.iter().enumerate() {
        w.write(LEVEL_2, format!("Term {i}:\t"));
        let expressions = list_at(term, "/matchExpressions");
        if expressions.is_empty() {
            w.write_line("<none>");
            continue;
        }
        for (j, e) in expressions.iter().enumerate() {
            if j != 0 {
                w.write(LEVEL_2, "\t");
            }
            let mut text = format!(
                "{} {}",
                meta::str_at(e, "/key"),
                meta::str_at(e, "/operator").to_lowercase()
            );
            let values = strings_at(e, "/values");
            if !values.is_empty() {
                text.push_str(&format!(" [{}]", values.join(", ")));
            }
            w.write(LEVEL_0, format!("{text}\n"));
        }
    }
}

pub fn persistent_volume_claim(ctx: &Ctx<'_>, pvc: &Value) -> String {
    let mut w = PrefixWriter::new();
    claim_fields(&mut w, pvc, Some(&status(ctx, pvc)));
    pods_multiline(&mut w, "Used By", &claim_users(ctx, pvc));
    timed_conditions(
        &mut w,
        list_at(pvc, "/status/conditions"),
        "LastProbeTime",
        "lastProbeTime",
    );
    ctx.events_section(pvc, &mut w);
    w.finish()
}

/// `getPodsForPVC`: the namespace's pods with a volume from the claim, and the pod that owns
/// it (a generic ephemeral volume's claim).
fn claim_users<'a>(ctx: &Ctx<'a>, pvc: &Value) -> Vec<&'a Value> {
    let name = meta::name(pvc);
    let pods: Vec<&Value> = ctx.list("", "Pod", Some(meta::namespace(pvc))).collect();
    let mut users: Vec<&Value> = Vec::new();
    for pod in &pods {
        for volume in list_at(pod, "/spec/volumes") {
            if meta::str_at(volume, "/persistentVolumeClaim/claimName") == name
                && volume.get("persistentVolumeClaim").is_some()
            {
                users.push(pod);
            }
        }
    }
    for owner in list_at(pvc, "/metadata/ownerReferences") {
        if meta::str_at(owner, "/kind") != "Pod" {
            continue;
        }
        let uid = meta::str_at(owner, "/uid");
        if let Some(pod) = pods.iter().find(|p| meta::uid(p) == uid)
            && !users.iter().any(|u| meta::uid(u) == uid)
        {
            users.push(pod);
        }
    }
    users
}

pub fn storage_class(ctx: &Ctx<'_>, sc: &Value) -> String {
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, format!("Name:\t{}\n", meta::name(sc)));
    let annotations = object_at(sc, "/metadata/annotations");
    let is_default = [
        "storageclass.kubernetes.io/is-default-class",
        "storageclass.beta.kubernetes.io/is-default-class",
    ]
    .iter()
    .any(|k| annotations.and_then(|a| a.get(*k)).and_then(Value::as_str) == Some("true"));
    w.write(
        LEVEL_0,
        format!(
            "IsDefaultClass:\t{}\n",
            if is_default { "Yes" } else { "No" }
        ),
    );
    w.write(
        LEVEL_0,
        format!("Annotations:\t{}\n", selector::format_labels(annotations)),
    );
    w.write(
        LEVEL_0,
        format!("Provisioner:\t{}\n", meta::str_at(sc, "/provisioner")),
    );
    w.write(
        LEVEL_0,
        format!(
            "Parameters:\t{}\n",
            selector::format_labels(object_at(sc, "/parameters"))
        ),
    );
    w.write(
        LEVEL_0,
        format!(
            "AllowVolumeExpansion:\t{}\n",
            print_bool_ptr(sc.get("allowVolumeExpansion"))
        ),
    );
    let options = strings_at(sc, "/mountOptions");
    if options.is_empty() {
        w.write(LEVEL_0, "MountOptions:\t<none>\n");
    } else {
        w.write(LEVEL_0, "MountOptions:\n");
        for option in options {
            w.write(LEVEL_1, format!("{option}\n"));
        }
    }
    for (field, label) in [
        ("reclaimPolicy", "ReclaimPolicy"),
        ("volumeBindingMode", "VolumeBindingMode"),
    ] {
        if let Some(v) = sc.get(field).and_then(Value::as_str) {
            w.write(LEVEL_0, format!("{label}:\t{v}\n"));
        }
    }
    if let Some(topologies) = sc.get("allowedTopologies").and_then(Value::as_array) {
        w.write(LEVEL_0, "AllowedTopologies:\t");
        if topologies.is_empty() {
            w.write_line("<none>");
        } else {
            w.write_line("");
            for (i, term) in topologies.iter().enumerate() {
                w.write(LEVEL_1, format!("Term {i}:\t"));
                let requirements = list_at(term, "/matchLabelExpressions");
                if requirements.is_empty() {
                    w.write_line("<none>");
                    continue;
                }
                for (j, r) in requirements.iter().enumerate() {
                    if j != 0 {
                        w.write(LEVEL_1, "\t");
                    }
                    let mut text = format!("{} in", meta::str_at(r, "/key"));
                    let values = strings_at(r, "/values");
                    if !values.is_empty() {
                        text.push_str(&format!(" [{}]", values.join(", ")));
                    }
                    w.write(LEVEL_0, format!("{text}\n"));
                }
            }
        }
    }
    ctx.events_section(sc, &mut w);
    w.finish()
}
