//! The HorizontalPodAutoscaler row, as upstream's `printHorizontalPodAutoscaler` builds it:
//! `REFERENCE` as `Kind/name`, `TARGETS` from `formatHPAMetrics` (`cpu: 250%/50%`,
//! `memory: 12Mi/100Mi`, `<unknown>` until the controller has measured, at most two metrics
//! then `+ N more...`), `MINPODS` (`<unset>`), `MAXPODS`, `REPLICAS`. Also the APIService
//! row (kube-aggregator's `printAPIService`), where metrics-server's registration shows as
//! `True` or `False (MissingEndpoints)`.

use serde_json::Value;

use super::columns::age;
use crate::api::meta;
use crate::api::quantity::Quantity;
use crate::time::Time;

pub fn hpa_row(hpa: &Value, now: Time) -> Vec<String> {
    let min = meta::at(hpa, "/spec/minReplicas")
        .and_then(Value::as_i64)
        .map_or_else(|| "<unset>".to_string(), |m| m.to_string());
    let int = |p: &str| meta::at(hpa, p).and_then(Value::as_i64).unwrap_or(0);
    vec![
        meta::name(hpa).to_string(),
        format!(
            "{}/{}",
            meta::str_at(hpa, "/spec/scaleTargetRef/kind"),
            meta::str_at(hpa, "/spec/scaleTargetRef/name")
        ),
        format_metrics(hpa),
        min,
        int("/spec/maxReplicas").to_string(),
        int("/status/currentReplicas").to_string(),
        age(hpa, now),
    ]
}

/// A quantity as `Quantity.String()` prints it (canonical form).
fn quantity(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => Quantity::parse(s).map_or_else(|_| s.clone(), |q| q.to_string()),
        Some(Value::Number(n)) => n.to_string(),
        _ => "0".to_string(),
    }
}

/// `formatHPAMetrics`.
pub fn format_metrics(hpa: &Value) -> String {
    let specs = meta::array_at(hpa, "/spec/metrics");
    if specs.is_empty() {
        return "<none>".into();
    }
    let statuses = meta::array_at(hpa, "/status/currentMetrics");
    let mut list = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        // The status of this metric's source, when the controller has written one.
        let current = |source: &str, field: &str| {
            statuses
                .get(i)
                .and_then(|s| s.get(source))
                .filter(|s| s.is_object())
                .map(|s| quantity(s.pointer(&format!("/current/{field}"))))
        };
        let unknown = || "<unknown>".to_string();
        let entry = match meta::str_at(spec, "/type") {
            "External" | "Object" => {
                let source = if meta::str_at(spec, "/type") == "External" {
                    "external"
                } else {
                    "object"
                };
                let target = spec.get(source).and_then(|s| s.get("target"));
                if let Some(avg) = target.and_then(|t| t.get("averageValue")) {
                    let now = statuses
                        .get(i)
                        .and_then(|s| s.get(source))
                        .and_then(|s| s.pointer("/current/averageValue"))
                        .map_or_else(unknown, |v| quantity(Some(v)));
                    format!("{now}/{} (avg)", quantity(Some(avg)))
                } else {
                    format!(
                        "{}/{}",
                        current(source, "value").unwrap_or_else(unknown),
                        quantity(target.and_then(|t| t.get("value")))
                    )
                }
            }
            "Pods" => format!(
                "{}/{}",
                current("pods", "averageValue").unwrap_or_else(unknown),
                quantity(spec.pointer("/pods/target/averageValue"))
            ),
            kind @ ("Resource" | "ContainerResource") => {
                let source = if kind == "Resource" {
                    "resource"
                } else {
                    "containerResource"
                };
                let name = spec.get(source).map_or("", |s| meta::str_at(s, "/name"));
                let target = spec.get(source).and_then(|s| s.get("target"));
                if let Some(avg) = target.and_then(|t| t.get("averageValue")) {
                    format!(
                        "{name}: {}/{}",
                        current(source, "averageValue").unwrap_or_else(unknown),
                        quantity(Some(avg))
                    )
                } else {
                    let now = statuses
                        .get(i)
                        .and_then(|s| s.get(source))
                        .and_then(|s| s.pointer("/current/averageUtilization"))
                        .and_then(Value::as_i64)
                        .map_or_else(unknown, |u| format!("{u}%"));
                    let target = target
                        .and_then(|t| t.get("averageUtilization"))
                        .and_then(Value::as_i64)
                        .map_or_else(|| "<auto>".to_string(), |u| format!("{u}%"));
                    format!("{name}: {now}/{target}")
                }
            }
            _ => "<unknown type>".to_string(),
        };
        list.push(entry);
    }
    let count = list.len();
    if count > 2 {
        list.truncate(2);
        return format!("{} + {} more...", list.join(", "), count - 2);
    }
    list.join(", ")
}

/// `printAPIService`: `SERVICE` is `namespace/name` or `Local`; `AVAILABLE` the `Available`
/// condition's status, with its reason when not True.
pub fn api_service_row(api: &Value, now: Time) -> Vec<String> {
    let service = match meta::at(api, "/spec/service").filter(|s| s.is_object()) {
        Some(s) => format!(
            "{}/{}",
            meta::str_at(s, "/namespace"),
            meta::str_at(s, "/name")
        ),
        None => "Local".to_string(),
    };
    let available = match crate::controllers::condition(api, "Available") {
        None => "Unknown".to_string(),
        Some(c) => {
            let status = meta::str_at(c, "/status");
            let reason = meta::str_at(c, "/reason");
            if status == "True" || reason.is_empty() {
                status.to_string()
            } else {
                format!("{status} ({reason})")
            }
        }
    };
    vec![
        meta::name(api).to_string(),
        service,
        available,
        age(api, now),
    ]
}
