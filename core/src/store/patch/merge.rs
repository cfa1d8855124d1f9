//! JSON merge patch (RFC 7386): objects merge key by key, `null` deletes a key, anything else
//! (arrays included) replaces. Plus the two patch builders kubectl uses on top of it:
//! `CreateMergePatch` (label, annotate) and the three-way merge patch that client-side apply
//! sends for kinds without strategic merge information (custom resources).

use serde_json::{Map, Value};

/// Applies a merge patch to `target`.
pub fn apply(target: &Value, patch: &Value) -> Value {
    let Value::Object(patch) = patch else {
        return patch.clone();
    };
    let mut out = match target {
        Value::Object(map) => map.clone(),
        _ => Map::new(),
    };
    for (key, value) in patch {
        if value.is_null() {
            out.remove(key);
            continue;
        }
        let merged = apply(out.get(key).unwrap_or(&Value::Null), value);
        out.insert(key.clone(), merged);
    }
    Value::Object(out)
}

/// The merge patch that turns `original` into `modified` (evanphx `CreateMergePatch`).
pub fn create(original: &Value, modified: &Value) -> Value {
    match (original, modified) {
        (Value::Object(o), Value::Object(m)) => Value::Object(diff(o, m)),
        _ => modified.clone(),
    }
}

fn diff(original: &Map<String, Value>, modified: &Map<String, Value>) -> Map<String, Value> {
    let mut patch = Map::new();
    for (key, m) in modified {
        match original.get(key) {
            Some(o) if o == m => {}
            Some(Value::Object(o)) if m.is_object() => {
                let inner = diff(o, m.as_object().unwrap_or(&Map::new()));
                if !inner.is_empty() {
                    patch.insert(key.clone(), Value::Object(inner));
                }
            }
            _ => {
                patch.insert(key.clone(), m.clone());
            }
        }
    }
    for key in original.keys() {
        if !modified.contains_key(key) {
            patch.insert(key.clone(), Value::Null);
        }
    }
    patch
}

/// `CreateThreeWayJSONMergePatch`: changes from `current` to `modified` without deletions,
/// plus the deletions from `original` to `modified`.
pub fn create_three_way(original: &Value, modified: &Value, current: &Value) -> Value {
    let mut additions = create(current, modified);
    strip_nulls(&mut additions);
    let mut deletions = create(original, modified);
    keep_only_nulls(&mut deletions);
    merge_patches(deletions, additions)
}

/// Removes every `null` (a deletion) from a patch.
fn strip_nulls(patch: &mut Value) {
    if let Value::Object(map) = patch {
        map.retain(|_, v| !v.is_null());
        for v in map.values_mut() {
            strip_nulls(v);
        }
        map.retain(|_, v| !matches!(v, Value::Object(m) if m.is_empty()));
    }
}

/// Keeps only the deletions (`null`s) of a patch.
fn keep_only_nulls(patch: &mut Value) {
    if let Value::Object(map) = patch {
        for v in map.values_mut() {
            keep_only_nulls(v);
        }
        map.retain(|_, v| v.is_null() || matches!(v, Value::Object(m) if !m.is_empty()));
    }
}

fn merge_patches(base: Value, over: Value) -> Value {
    match (base, over) {
        (Value::Object(mut b), Value::Object(o)) => {
            for (k, v) in o {
                let merged = match b.remove(&k) {
                    Some(existing) => merge_patches(existing, v),
                    None => v,
                };
                b.insert(k, merged);
            }
            Value::Object(b)
        }
        (_, over) => over,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// RFC 7386 appendix A, every example.
    #[test]
    fn rfc7386_appendix_examples() {
        let cases = [
            (json!({"a":"b"}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"b"}), json!({"b":"c"}), json!({"a":"b","b":"c"})),
            (json!({"a":"b"}), json!({"a":null}), json!({})),
            (
                json!({"a":"b","b":"c"}),
                json!({"a":null}),
                json!({"b":"c"}),
            ),
            (json!({"a":["b"]}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"c"}), json!({"a":["b"]}), json!({"a":["b"]})),
            (
                json!({"a":{"b":"c"}}),
                json!({"a":{"b":"d","c":null}}),
                json!({"a":{"b":"d"}}),
            ),
            (json!({"a":[{"b":"c"}]}), json!({"a":[1]}), json!({"a":[1]})),
            (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
            (json!({"a":"b"}), json!(["c"]), json!(["c"])),
            (json!({"a":"foo"}), json!(null), json!(null)),
            (json!({"a":"foo"}), json!("bar"), json!("bar")),
            (json!({"e":null}), json!({"a":1}), json!({"e":null,"a":1})),
            (json!([1, 2]), json!({"a":"b","c":null}), json!({"a":"b"})),
            (
                json!({}),
                json!({"a":{"bb":{"ccc":null}}}),
                json!({"a":{"bb":{}}}),
            ),
        ];
        for (target, patch, want) in cases {
            assert_eq!(apply(&target, &patch), want, "{target} + {patch}");
        }
    }

    #[test]
    fn created_patches_reproduce_the_modified_document() {
        let original = json!({"metadata":{"labels":{"a":"1","b":"2"}},"spec":{"x":[1,2]}});
        let modified = json!({"metadata":{"labels":{"a":"1","c":"3"}},"spec":{"x":[2]}});
        let patch = create(&original, &modified);
        assert_eq!(
            patch,
            json!({"metadata":{"labels":{"b":null,"c":"3"}},"spec":{"x":[2]}})
        );
        assert_eq!(apply(&original, &patch), modified);
    }

    #[test]
    fn three_way_keeps_what_others_set() {
        let original = json!({"spec":{"a":1,"b":2}});
        let modified = json!({"spec":{"a":5}});
        let current = json!({"spec":{"a":1,"b":2,"c":3}});
        let patch = create_three_way(&original, &modified, &current);
        assert_eq!(patch, json!({"spec":{"a":5,"b":null}}));
        assert_eq!(apply(&current, &patch), json!({"spec":{"a":5,"c":3}}));
    }
}
