//! Sets of field paths, as structured-merge-diff keeps them, and their `fieldsV1` encoding:
//! `f:<name>` for a field, `k:{"name":"web"}` for a list item by key, `v:<json>` for a set
//! member; `.` marks a node that is itself in the set and also has children below it.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// A tree of path elements; `member` says whether the path ending here is in the set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldSet {
    pub member: bool,
    pub children: BTreeMap<String, FieldSet>,
}

impl FieldSet {
    pub fn is_empty(&self) -> bool {
        !self.member && self.children.is_empty()
    }

    /// The child for `element`, created if missing.
    pub fn child(&mut self, element: String) -> &mut FieldSet {
        self.children.entry(element).or_default()
    }

    /// Adds a child built elsewhere (nothing if it is empty).
    pub fn put(&mut self, element: String, child: FieldSet) {
        if !child.is_empty() {
            self.child(element).union_with(child);
        }
    }

    pub fn union_with(&mut self, other: FieldSet) {
        self.member |= other.member;
        for (k, v) in other.children {
            self.child(k).union_with(v);
        }
    }

    /// Removes the members of `other` (leaving paths below them that `other` lacks).
    pub fn subtract(&mut self, other: &FieldSet) {
        if other.member {
            self.member = false;
        }
        for (k, v) in &other.children {
            if let Some(mine) = self.children.get_mut(k) {
                mine.subtract(v);
                if mine.is_empty() {
                    self.children.remove(k);
                }
            }
        }
    }

    /// Removes every path at or below the members of `other` (a removed subtree).
    pub fn remove_subtrees(&mut self, other: &FieldSet) {
        for (k, v) in &other.children {
            if v.member {
                self.children.remove(k);
            } else if let Some(mine) = self.children.get_mut(k) {
                mine.remove_subtrees(v);
                if mine.is_empty() {
                    self.children.remove(k);
                }
            }
        }
    }

    /// The members of both sets.
    pub fn intersection(&self, other: &FieldSet) -> FieldSet {
        let mut out = FieldSet {
            member: self.member && other.member,
            children: BTreeMap::new(),
        };
        for (k, v) in &self.children {
            if let Some(o) = other.children.get(k) {
                let both = v.intersection(o);
                if !both.is_empty() {
                    out.children.insert(k.clone(), both);
                }
            }
        }
        out
    }

    /// Whether any member lies at or below this node.
    pub fn has_members(&self) -> bool {
        self.member || self.children.values().any(FieldSet::has_members)
    }

    /// Every member path, in order, as path element lists.
    pub fn paths(&self) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        self.collect(&mut Vec::new(), &mut out);
        out
    }

    fn collect(&self, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        if self.member && !prefix.is_empty() {
            out.push(prefix.clone());
        }
        for (k, v) in &self.children {
            prefix.push(k.clone());
            v.collect(prefix, out);
            prefix.pop();
        }
    }

    /// The `fieldsV1` JSON of the set.
    pub fn to_json(&self) -> Value {
        let mut map = Map::new();
        if self.member && !self.children.is_empty() {
            map.insert(".".into(), Value::Object(Map::new()));
        }
        for (k, v) in &self.children {
            map.insert(k.clone(), v.to_json());
        }
        Value::Object(map)
    }

    /// Reads `fieldsV1` JSON (anything malformed reads as nothing).
    pub fn from_json(value: &Value) -> FieldSet {
        let Some(map) = value.as_object() else {
            return FieldSet::default();
        };
        let mut set = FieldSet {
            member: map.is_empty() || map.contains_key("."),
            children: BTreeMap::new(),
        };
        for (k, v) in map {
            if k != "." {
                set.children.insert(k.clone(), FieldSet::from_json(v));
            }
        }
        set
    }
}

/// `f:<name>`.
pub fn field(name: &str) -> String {
    format!("f:{name}")
}

/// `k:{...}`: a list item by its key fields (sorted by name, as structured-merge-diff does).
pub fn key(fields: &BTreeMap<&str, Value>) -> String {
    let mut map = Map::new();
    for (k, v) in fields {
        map.insert((*k).to_string(), v.clone());
    }
    format!("k:{}", Value::Object(map))
}

/// `v:<json>`: a member of a set-typed list.
pub fn value(v: &Value) -> String {
    format!("v:{v}")
}

/// A path as structured-merge-diff prints it: `.spec.template.spec.containers[name="web"].image`.
pub fn path_string(path: &[String]) -> String {
    let mut out = String::new();
    for element in path {
        if let Some(name) = element.strip_prefix("f:") {
            out.push('.');
            out.push_str(name);
        } else if let Some(json) = element.strip_prefix("k:") {
            let fields: Map<String, Value> = serde_json::from_str(json).unwrap_or_default();
            let parts: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
            out.push_str(&format!("[{}]", parts.join(",")));
        } else if let Some(v) = element.strip_prefix("v:") {
            out.push_str(&format!("[={v}]"));
        } else if let Some(i) = element.strip_prefix("i:") {
            out.push_str(&format!("[{i}]"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_v1_round_trips_with_dot_for_members_that_have_children() {
        let v = json!({
            "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
            "f:spec": {"f:containers": {"k:{\"name\":\"web\"}": {".": {}, "f:image": {}}}}
        });
        let set = FieldSet::from_json(&v);
        assert_eq!(set.to_json(), v);
        let paths: Vec<String> = set.paths().iter().map(|p| path_string(p)).collect();
        assert_eq!(
            paths,
            [
                ".metadata.labels",
                ".metadata.labels.app",
                ".spec.containers[name=\"web\"]",
                ".spec.containers[name=\"web\"].image"
            ]
        );
    }

    #[test]
    fn subtract_and_remove_subtrees() {
        let mut a = FieldSet::from_json(&json!({"f:spec": {"f:replicas": {}, "f:paused": {}}}));
        a.subtract(&FieldSet::from_json(&json!({"f:spec": {"f:replicas": {}}})));
        assert_eq!(a.to_json(), json!({"f:spec": {"f:paused": {}}}));
        let mut b = FieldSet::from_json(&json!({"f:metadata": {"f:labels": {".": {}, "f:a": {}}}}));
        b.remove_subtrees(&FieldSet::from_json(
            &json!({"f:metadata": {"f:labels": {}}}),
        ));
        assert!(b.is_empty());
    }
}
