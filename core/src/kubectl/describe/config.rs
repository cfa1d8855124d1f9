//! Namespaces (with their quotas and limit ranges), ConfigMaps, Secrets, ServiceAccounts,
//! LimitRanges and ResourceQuotas.

use serde_json::Value;

use super::Ctx;
use super::fields::{
    annotations_multiline, conditions_table, header, labels_multiline, list_at, name_and_namespace,
    object_at, parse_quantity, quantity, rfc1123z,
};
use super::writer::{LEVEL_0, LEVEL_1, PrefixWriter};
use crate::api::meta;
use crate::api::quantity::Quantity;

/// Namespaces have no events section upstream; their quotas and limit ranges follow.
pub fn namespace(ctx: &Ctx<'_>, ns: &Value) -> String {
    let mut w = PrefixWriter::new();
    let name = meta::name(ns);
    w.write(LEVEL_0, format!("Name:\t{name}\n"));
    labels_multiline(&mut w, "Labels", object_at(ns, "/metadata/labels"));
    annotations_multiline(
        &mut w,
        "Annotations",
        object_at(ns, "/metadata/annotations"),
    );
    w.write(
        LEVEL_0,
        format!("Status:\t{}\n", meta::str_at(ns, "/status/phase")),
    );
    conditions_table(
        &mut w,
        list_at(ns, "/status/conditions"),
        "Type\tStatus\tLastTransitionTime\tReason\tMessage",
        "----\t------\t------------------\t------\t-------",
        |c| {
            format!(
                "{}\t{}\t{}\t{}\t{}",
                meta::str_at(c, "/type"),
                meta::str_at(c, "/status"),
                rfc1123z(c.get("lastTransitionTime")),
                meta::str_at(c, "/reason"),
                meta::str_at(c, "/message")
            )
        },
    );
    w.write(LEVEL_0, "\n");
    let quotas: Vec<&Value> = ctx.list("", "ResourceQuota", Some(name)).collect();
    if quotas.is_empty() {
        w.write(LEVEL_0, "No resource quota.\n");
    } else {
        w.write(LEVEL_0, "Resource Quotas\n");
        for q in quotas {
            w.write(LEVEL_1, format!("Name:\t{}\n", meta::name(q)));
            scopes(&mut w, q, LEVEL_1, "* ");
            w.write(LEVEL_1, "Resource\tUsed\tHard\n");
            w.write(LEVEL_1, "--------\t---\t---\n");
            for (resource, hard) in object_at(q, "/status/hard").into_iter().flatten() {
                let used = q
                    .pointer("/status/used")
                    .and_then(|u| u.get(resource))
                    .map_or_else(|| "0".into(), quantity);
                w.write(LEVEL_1, format!("{resource}\t{used}\t{}\n", quantity(hard)));
            }
        }
    }
    w.write(LEVEL_0, "\n");
    let ranges: Vec<&Value> = ctx.list("", "LimitRange", Some(name)).collect();
    if ranges.is_empty() {
        w.write(LEVEL_0, "No LimitRange resource.\n");
    } else {
        w.write(
            LEVEL_0,
            "Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n",
        );
        w.write(
            LEVEL_0,
            " ----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n",
        );
        for range in ranges {
            limit_rows(&mut w, range, " ");
        }
    }
    w.finish()
}

/// A quota's scopes, sorted and joined, each followed by upstream's explanation.
fn scopes(w: &mut PrefixWriter, quota: &Value, level: usize, bullet: &str) {
    let mut scopes: Vec<&str> = list_at(quota, "/spec/scopes")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    if scopes.is_empty() {
        return;
    }
    scopes.sort_unstable();
    w.write(level, format!("Scopes:\t{}\n", scopes.join(", ")));
    for scope in scopes {
        let help = match scope {
            "Terminating" => {
                "Matches all pods that have an active deadline. These pods have a limited lifespan on a node before being actively terminated by the system."
            }
            "NotTerminating" => {
                "Matches all pods that do not have an active deadline. These pods usually include long running pods whose container command is not expected to terminate."
            }
            "BestEffort" => {
                "Matches all pods that do not have resource requirements set. These pods have a best effort quality of service."
            }
            "NotBestEffort" => {
                "Matches all pods that have at least one resource requirement set. These pods have a burstable or guaranteed quality of service."
            }
            _ => continue,
        };
        w.write(level, format!("{bullet}{help}\n"));
    }
}

/// `describeLimitRangeSpec`: one row per limit type and resource, `-` where unset. (Upstream
/// walks a Go map, so its row order varies; here resources are sorted.)
fn limit_rows(w: &mut PrefixWriter, range: &Value, prefix: &str) {
    for item in list_at(range, "/spec/limits") {
        let sections = [
            "min",
            "max",
            "defaultRequest",
            "default",
            "maxLimitRequestRatio",
        ];
        let mut resources: Vec<&String> = sections
            .iter()
            .filter_map(|s| item.get(*s).and_then(Value::as_object))
            .flat_map(|m| m.keys())
            .collect();
        resources.sort_unstable();
        resources.dedup();
        for resource in resources {
            let cell = |section: &str| {
                item.get(section)
                    .and_then(|m| m.get(resource.as_str()))
                    .map_or_else(|| "-".to_string(), quantity)
            };
            w.write(
                LEVEL_0,
                format!(
                    "{prefix}{}\t{resource}\t{}\t{}\t{}\t{}\t{}\n",
                    meta::str_at(item, "/type"),
                    cell("min"),
                    cell("max"),
                    cell("defaultRequest"),
                    cell("default"),
                    cell("maxLimitRequestRatio")
                ),
            );
        }
    }
}

pub fn limit_range(range: &Value) -> String {
    let mut w = PrefixWriter::new();
    name_and_namespace(&mut w, range);
    w.write(
        LEVEL_0,
        "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n",
    );
    w.write(
        LEVEL_0,
        "----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n",
    );
    limit_rows(&mut w, range, "");
    w.finish()
}

pub fn resource_quota(quota: &Value) -> String {
    let mut w = PrefixWriter::new();
    name_and_namespace(&mut w, quota);
    scopes(&mut w, quota, LEVEL_0, " * ");
    w.write(LEVEL_0, "Resource\tUsed\tHard\n");
    w.write(LEVEL_0, "--------\t----\t----\n");
    for (resource, hard) in object_at(quota, "/status/hard").into_iter().flatten() {
        let hard = parse_quantity(Some(hard));
        let mut used = parse_quantity(quota.pointer("/status/used").and_then(|u| u.get(resource)));
        // Used is shown in the format of the hard limit.
        if used.format() != hard.format() {
            used = Quantity::new(used.value(), 0, hard.format());
        }
        w.write(LEVEL_0, format!("{resource}\t{used}\t{hard}\n"));
    }
    w.finish()
}

pub fn config_map(ctx: &Ctx<'_>, cm: &Value) -> String {
    let mut w = PrefixWriter::new();
    header(&mut w, cm);
    w.write(LEVEL_0, "\nData\n====\n");
    for (key, value) in object_at(cm, "/data").into_iter().flatten() {
        w.write(LEVEL_0, format!("{key}:\n----\n"));
        w.write(LEVEL_0, format!("{}\n", value.as_str().unwrap_or("")));
        w.write(LEVEL_0, "\n");
    }
    w.write(LEVEL_0, "\nBinaryData\n====\n");
    for (key, value) in object_at(cm, "/binaryData").into_iter().flatten() {
        w.write(LEVEL_0, format!("{key}: {} bytes\n", decoded_len(value)));
    }
    w.write(LEVEL_0, "\n");
    ctx.events_section(cm, &mut w);
    w.finish()
}

/// The number of bytes a base64 field holds.
fn decoded_len(value: &Value) -> usize {
    crate::api::base64::decode(value.as_str().unwrap_or("")).map_or(0, |bytes| bytes.len())
}

/// Secrets show sizes, never values (but a service account token, which is meant to be
/// copied).
pub fn secret(secret: &Value) -> String {
    let mut w = PrefixWriter::new();
    header(&mut w, secret);
    let kind = meta::str_at(secret, "/type");
    w.write(LEVEL_0, format!("\nType:\t{kind}\n"));
    w.write(LEVEL_0, "\nData\n====\n");
    for (key, value) in object_at(secret, "/data").into_iter().flatten() {
        if key == "token" && kind == "kubernetes.io/service-account-token" {
            let bytes =
                crate::api::base64::decode(value.as_str().unwrap_or("")).unwrap_or_default();
            w.write(
                LEVEL_0,
                format!("{key}:\t{}\n", String::from_utf8_lossy(&bytes)),
            );
        } else {
            w.write(LEVEL_0, format!("{key}:\t{} bytes\n", decoded_len(value)));
        }
    }
    w.finish()
}

pub fn service_account(ctx: &Ctx<'_>, sa: &Value) -> String {
    let mut w = PrefixWriter::new();
    header(&mut w, sa);
    let header = "Image pull secrets:";
    let names: Vec<&str> = list_at(sa, "/imagePullSecrets")
        .iter()
        .map(|s| meta::str_at(s, "/name"))
        .collect();
    if names.is_empty() {
        w.write(LEVEL_0, format!("{header}\t<none>\n"));
    } else {
        for (i, name) in names.into_iter().enumerate() {
            let prefix = if i == 0 {
                header
            } else {
                "                   "
            };
            w.write(LEVEL_0, format!("{prefix}\t{name}\n"));
        }
    }
    ctx.events_section(sa, &mut w);
    w.finish()
}
