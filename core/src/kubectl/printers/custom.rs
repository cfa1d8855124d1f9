//! Tables for custom resources, as the CRD's table convertor builds them on the server: `NAME`,
//! then the version's `additionalPrinterColumns` (priority above 0 only with `-o wide`), or
//! `NAME` and `AGE` when the CRD lists none. A `date` column shows an age; a value the path
//! does not reach leaves its cell empty.

use serde_json::Value;

use super::columns::since;
use super::table::Table;
use crate::api::meta;
use crate::time::Time;

/// The table of custom resources `objects` of `version`, defined by `crd`.
pub fn table(crd: &Value, version: &str, objects: &[&Value], now: Time) -> Table {
    let columns: Vec<&Value> = crd
        .pointer("/spec/versions")
        .and_then(Value::as_array)
        .and_then(|vs| vs.iter().find(|v| meta::str_at(v, "/name") == version))
        .and_then(|v| v.get("additionalPrinterColumns"))
        .and_then(Value::as_array)
        .map(|c| c.iter().collect())
        .unwrap_or_default();
    if columns.is_empty() {
        let mut t = Table::new(&[("NAME", false), ("AGE", false)]);
        for obj in objects {
            t.rows.push(vec![
                meta::name(obj).to_string(),
                since(obj.pointer("/metadata/creationTimestamp"), now),
            ]);
        }
        return t;
    }
    let headers: Vec<(String, bool)> = std::iter::once(("NAME".to_string(), false))
        .chain(columns.iter().map(|c| {
            let wide = c.get("priority").and_then(Value::as_i64).unwrap_or(0) > 0;
            (meta::str_at(c, "/name").to_uppercase(), wide)
        }))
        .collect();
    let header_refs: Vec<(&str, bool)> = headers.iter().map(|(h, w)| (h.as_str(), *w)).collect();
    let mut t = Table::new(&header_refs);
    for obj in objects {
        let mut row = vec![meta::name(obj).to_string()];
        for c in &columns {
            let value = json_path(obj, meta::str_at(c, "/jsonPath"));
            row.push(cell(value, meta::str_at(c, "/type"), now));
        }
        t.rows.push(row);
    }
    t
}

/// The value at a simple JSONPath (`.spec.replicas`, `.status.conditions[0].type`).
fn json_path<'a>(obj: &'a Value, path: &str) -> Option<&'a Value> {
    let mut at = obj;
    for part in path
        .trim_start_matches('.')
        .split('.')
        .filter(|p| !p.is_empty())
    {
        let (field, indices) = part.split_once('[').unwrap_or((part, ""));
        if !field.is_empty() {
            at = at.get(field)?;
        }
        for index in indices.split('[').filter(|i| !i.is_empty()) {
            let i: usize = index.trim_end_matches(']').parse().ok()?;
            at = at.get(i)?;
        }
    }
    Some(at)
}

fn cell(value: Option<&Value>, type_: &str, now: Time) -> String {
    match (value, type_) {
        (None | Some(Value::Null), _) => String::new(),
        (Some(v), "date") => since(Some(v), now),
        (Some(Value::String(s)), _) => s.clone(),
        (Some(v), _) => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn printer_columns_follow_the_crd() {
        let crd = json!({"spec": {"versions": [{"name": "v1", "additionalPrinterColumns": [
            {"name": "Spec", "type": "string", "jsonPath": ".spec.cronSpec"},
            {"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"},
            {"name": "Image", "type": "string", "jsonPath": ".spec.image", "priority": 1},
            {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
        ]}]}});
        let now = Time::GENESIS.plus_millis(90_000);
        let obj = json!({"metadata": {"name": "a", "creationTimestamp": Time::GENESIS.rfc3339()}, "spec": {"cronSpec": "* * * * */5", "replicas": 3}});
        let t = table(&crd, "v1", &[&obj], now);
        let headers: Vec<&str> = t.columns.iter().map(|c| c.header.as_str()).collect();
        assert_eq!(headers, ["NAME", "SPEC", "REPLICAS", "IMAGE", "AGE"]);
        assert_eq!(t.rows, [vec!["a", "* * * * */5", "3", "", "90s"]]);
        let plain = table(&json!({}), "v1", &[&obj], now);
        assert_eq!(plain.rows, [vec!["a", "90s"]]);
    }
}
