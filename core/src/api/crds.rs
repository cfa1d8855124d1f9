//! Kinds defined at run time by CustomResourceDefinitions: the per-cluster part of the kinds
//! registry.
//!
//! A CRD's kinds are served once the CRD is `Established` (its status, set by
//! `controllers::crd`), in every served version; the first in upstream's version priority
//! (`v2` before `v1` before `v1beta1` before `v1alpha1`) is the preferred one, which discovery
//! shows and `kubectl get` uses.
//!
//! The registry hands out `&'static Kind`s like the built-in table does, so a CRD kind is
//! leaked once: [`intern`] keeps every distinct row ever made (process-wide) and hands the same
//! one back when an identical CRD is created again, so re-creating a CRD costs nothing and the
//! leak is bounded by the number of distinct CRD shapes a session defines.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde_json::Value;

use super::kinds::Kind;
use super::meta;

/// The verbs a custom resource serves, in the order the CRD handler lists them.
const CR_VERBS: &[&str] = &[
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "create",
    "update",
    "watch",
];

/// The kinds of the established CRDs of one cluster, by CRD name; each list starts with the
/// preferred version.
#[derive(Default)]
pub struct CrdKinds {
    by_crd: BTreeMap<String, Vec<&'static Kind>>,
}

impl CrdKinds {
    /// Updates the registry from a CRD as now stored.
    pub fn sync(&mut self, crd: &Value) {
        let name = meta::name(crd).to_string();
        let kinds = if is_established(crd) {
            kinds_of(crd)
        } else {
            Vec::new()
        };
        if kinds.is_empty() {
            self.by_crd.remove(&name);
        } else {
            self.by_crd.insert(name, kinds);
        }
    }

    /// Forgets a deleted CRD; returns the kinds it served.
    pub fn forget(&mut self, crd_name: &str) -> Vec<&'static Kind> {
        self.by_crd.remove(crd_name).unwrap_or_default()
    }

    /// The preferred-version kind of every established CRD.
    pub fn preferred(&self) -> impl Iterator<Item = &'static Kind> + Clone + '_ {
        self.by_crd.values().filter_map(|v| v.first().copied())
    }

    /// Every served version of every established CRD.
    pub fn served(&self) -> impl Iterator<Item = &'static Kind> + '_ {
        self.by_crd.values().flatten().copied()
    }
}

/// Whether the CRD's `Established` condition is `True`.
pub fn is_established(crd: &Value) -> bool {
    crd.pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|conds| {
            conds.iter().any(|c| {
                meta::str_at(c, "/type") == "Established" && meta::str_at(c, "/status") == "True"
            })
        })
}

/// The kinds a CRD defines, one per served version, preferred version first.
pub fn kinds_of(crd: &Value) -> Vec<&'static Kind> {
    let names = |field: &str| meta::str_at(crd, &format!("/spec/names/{field}")).to_string();
    let list = |field: &str| -> Vec<String> {
        crd.pointer(&format!("/spec/names/{field}"))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let kind = names("kind");
    let plural = names("plural");
    let group = meta::str_at(crd, "/spec/group").to_string();
    if kind.is_empty() || plural.is_empty() || group.is_empty() {
        return Vec::new();
    }
    let singular = match names("singular") {
        s if s.is_empty() => kind.to_lowercase(),
        s => s,
    };
    let mut versions: Vec<String> = crd
        .pointer("/spec/versions")
        .and_then(Value::as_array)
        .map(|vs| {
            vs.iter()
                .filter(|v| v.get("served").and_then(Value::as_bool) == Some(true))
                .map(|v| meta::str_at(v, "/name").to_string())
                .collect()
        })
        .unwrap_or_default();
    versions.sort_by_key(|v| version_priority(v));
    let spec = Spec {
        group,
        kind,
        plural,
        singular,
        short_names: list("shortNames"),
        namespaced: meta::str_at(crd, "/spec/scope") != "Cluster",
        categories: list("categories"),
    };
    versions.iter().map(|v| intern(&spec, v)).collect()
}

/// Upstream's `version.CompareKubeAwareVersionStrings` as a sort key: GA before beta before
/// alpha, higher numbers first, then anything else alphabetically.
pub fn version_priority(v: &str) -> (u8, i64, i64, String) {
    let parsed = v.strip_prefix('v').and_then(|rest| {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let major: i64 = digits.parse().ok()?;
        let tail = &rest[digits.len()..];
        let (stage, minor) = if tail.is_empty() {
            (0, 0)
        } else if let Some(n) = tail.strip_prefix("beta") {
            (1, n.parse().ok()?)
        } else if let Some(n) = tail.strip_prefix("alpha") {
            (2, n.parse().ok()?)
        } else {
            return None;
        };
        Some((stage, -major, -minor))
    });
    match parsed {
        Some((stage, major, minor)) => (stage, major, minor, String::new()),
        None => (3, 0, 0, v.to_string()),
    }
}

/// The parts of a CRD kind that differ between CRDs.
struct Spec {
    group: String,
    kind: String,
    plural: String,
    singular: String,
    short_names: Vec<String>,
    namespaced: bool,
    categories: Vec<String>,
}

impl Spec {
    fn matches(&self, k: &Kind, version: &str) -> bool {
        k.group == self.group
            && k.version == version
            && k.kind == self.kind
            && k.plural == self.plural
            && k.singular == self.singular
            && k.namespaced == self.namespaced
            && k.short_names
                .iter()
                .copied()
                .eq(self.short_names.iter().map(String::as_str))
            && k.categories
                .iter()
                .copied()
                .eq(self.categories.iter().map(String::as_str))
    }
}

/// Every CRD kind made so far, process-wide (see the module doc).
static INTERNED: Mutex<Vec<&'static Kind>> = Mutex::new(Vec::new());

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

fn leak_list(list: &[String]) -> &'static [&'static str] {
    Box::leak(
        list.iter()
            .map(|s| leak(s))
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    )
}

fn intern(spec: &Spec, version: &str) -> &'static Kind {
    let mut interned = INTERNED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(k) = interned.iter().find(|k| spec.matches(k, version)) {
        return k;
    }
    let kind: &'static Kind = Box::leak(Box::new(Kind {
        group: leak(&spec.group),
        version: leak(version),
        kind: leak(&spec.kind),
        plural: leak(&spec.plural),
        singular: leak(&spec.singular),
        short_names: leak_list(&spec.short_names),
        namespaced: spec.namespaced,
        verbs: CR_VERBS,
        categories: leak_list(&spec.categories),
    }));
    interned.push(kind);
    kind
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn crd() -> Value {
        json!({
            "metadata": {"name": "crontabs.stable.example.com"},
            "spec": {"group": "stable.example.com", "scope": "Namespaced",
                "names": {"kind": "CronTab", "plural": "crontabs", "shortNames": ["ct"]},
                "versions": [{"name": "v1beta1", "served": true}, {"name": "v1", "served": true}, {"name": "v2alpha1", "served": false}]},
            "status": {"conditions": [{"type": "Established", "status": "True"}]},
        })
    }

    #[test]
    fn served_versions_in_priority_order_and_interned_once() {
        let first = kinds_of(&crd());
        let versions: Vec<&str> = first.iter().map(|k| k.version).collect();
        assert_eq!(versions, ["v1", "v1beta1"]);
        assert_eq!(first.first().map(|k| k.singular), Some("crontab"));
        let again = kinds_of(&crd());
        assert!(first.iter().zip(&again).all(|(a, b)| std::ptr::eq(*a, *b)));
    }

    #[test]
    fn only_established_crds_serve() {
        let mut reg = CrdKinds::default();
        let mut pending = crd();
        pending["status"] = json!({});
        reg.sync(&pending);
        assert_eq!(reg.preferred().count(), 0);
        reg.sync(&crd());
        assert_eq!(
            reg.preferred().map(|k| k.plural).collect::<Vec<_>>(),
            ["crontabs"]
        );
        assert_eq!(reg.forget("crontabs.stable.example.com").len(), 2);
    }

    #[test]
    fn version_priority_is_kube_aware() {
        let mut vs = vec!["v1alpha1", "foo", "v2", "v1beta2", "v1", "v1beta1", "v10"];
        vs.sort_by_key(|v| version_priority(v));
        assert_eq!(
            vs,
            ["v10", "v2", "v1", "v1beta2", "v1beta1", "v1alpha1", "foo"]
        );
    }
}
