//! JSON patch (RFC 6902): a list of `add`, `remove`, `replace`, `move`, `copy` and `test`
//! operations on JSON pointers (`/spec/containers/0/image`, `~1` for `/`, `~0` for `~`).
//!
//! Behaviour and error texts follow evanphx/json-patch v4, which the API server and kubectl
//! use: `replace` of a missing object key adds it, negative array indices count from the end,
//! `-` appends. The API server hides these texts behind a generic 422; kubectl shows them for
//! `--dry-run=client` and `--local`.

use serde_json::{Map, Value};

/// Decodes the operations; a document that is not a list of objects is refused with Go's
/// unmarshalling error, as `DecodePatch` words it.
pub fn decode(patch: &Value) -> Result<Vec<Map<String, Value>>, String> {
    let Value::Array(ops) = patch else {
        return Err(format!(
            "json: cannot unmarshal {} into Go value of type jsonpatch.Patch",
            go_json_kind(patch)
        ));
    };
    ops.iter()
        .map(|op| match op {
            Value::Object(map) => Ok(map.clone()),
            other => Err(format!(
                "json: cannot unmarshal {} into Go value of type jsonpatch.Operation",
                go_json_kind(other)
            )),
        })
        .collect()
}

fn go_json_kind(v: &Value) -> &'static str {
    match v {
        Value::Object(_) => "object",
        Value::Array(_) => "array",
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        Value::Null => "null",
    }
}

/// Applies the operations in order; the first failure stops the patch.
pub fn apply(doc: &Value, ops: &[Map<String, Value>]) -> Result<Value, String> {
    let mut doc = doc.clone();
    for op in ops {
        let kind = op.get("op").and_then(Value::as_str).unwrap_or("unknown");
        match kind {
            "add" => add(&mut doc, op)?,
            "remove" => remove(&mut doc, op)?,
            "replace" => replace(&mut doc, op)?,
            "move" => move_op(&mut doc, op)?,
            "test" => test(&doc, op)?,
            "copy" => copy(&mut doc, op)?,
            other => return Err(format!("Unexpected kind: {other}")),
        }
    }
    Ok(doc)
}

const MISSING: &str = "missing value";
const INVALID_INDEX: &str = "invalid index referenced";
const TEST_FAILED: &str = "test failed";

fn path_of(op: &Map<String, Value>, field: &str) -> Option<String> {
    op.get(field).and_then(Value::as_str).map(str::to_string)
}

fn value_of(op: &Map<String, Value>) -> Value {
    op.get("value").cloned().unwrap_or(Value::Null)
}

/// The container (object or array) holding the last token of `path`, and that token.
fn find<'a>(doc: &'a mut Value, path: &str) -> Option<(&'a mut Value, String)> {
    let mut parts: Vec<String> = path.split('/').map(unescape).collect();
    if parts.len() < 2 {
        return None;
    }
    let key = parts.pop()?;
    let mut node = doc;
    for part in parts.iter().skip(1) {
        node = match node {
            Value::Object(map) => map.get_mut(part)?,
            Value::Array(list) => {
                let i = array_index(part, list.len()).ok()?;
                list.get_mut(i)?
            }
            _ => return None,
        };
    }
    match node {
        Value::Object(_) | Value::Array(_) => Some((node, key)),
        _ => None,
    }
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// An existing element's index (negative counts from the end).
fn array_index(token: &str, len: usize) -> Result<usize, String> {
    let idx: i64 = token
        .parse()
        .map_err(|_| format!("strconv.Atoi: parsing {token:?}: invalid syntax"))?;
    let len = i64::try_from(len).unwrap_or(i64::MAX);
    let resolved = if idx < 0 { idx + len } else { idx };
    if idx < -len || resolved >= len {
        return Err(format!(
            "Unable to access invalid index: {idx}: {INVALID_INDEX}"
        ));
    }
    usize::try_from(resolved)
        .map_err(|_| format!("Unable to access invalid index: {idx}: {INVALID_INDEX}"))
}

fn get(container: &Value, key: &str) -> Result<Option<Value>, String> {
    match container {
        Value::Object(map) => Ok(map.get(key).cloned()),
        Value::Array(list) => {
            let i = array_index(key, list.len())?;
            Ok(list.get(i).cloned())
        }
        _ => Ok(None),
    }
}

fn insert(container: &mut Value, key: &str, value: Value) -> Result<(), String> {
    match container {
        Value::Object(map) => {
            map.insert(key.to_string(), value);
            Ok(())
        }
        Value::Array(list) => {
            if key == "-" {
                list.push(value);
                return Ok(());
            }
            let idx: i64 = key.parse().map_err(|_| {
                format!("value was not a proper array index: '{key}': strconv.Atoi: parsing {key:?}: invalid syntax")
            })?;
            let size = i64::try_from(list.len()).unwrap_or(i64::MAX) + 1;
            if idx >= size || idx < -size {
                return Err(format!(
                    "Unable to access invalid index: {idx}: {INVALID_INDEX}"
                ));
            }
            let at = if idx < 0 { idx + size } else { idx };
            let at = usize::try_from(at).unwrap_or(list.len()).min(list.len());
            list.insert(at, value);
            Ok(())
        }
        _ => Err(MISSING.into()),
    }
}

fn take(container: &mut Value, key: &str) -> Result<Value, String> {
    match container {
        Value::Object(map) => map
            .remove(key)
            .ok_or_else(|| format!("Unable to remove nonexistent key: {key}: {MISSING}")),
        Value::Array(list) => {
            let i = array_index(key, list.len())?;
            Ok(list.remove(i))
        }
        _ => Err(MISSING.into()),
    }
}

fn add(doc: &mut Value, op: &Map<String, Value>) -> Result<(), String> {
    let Some(path) = path_of(op, "path") else {
        return Err(format!("add operation failed to decode path: {MISSING}"));
    };
    let Some((container, key)) = find(doc, &path) else {
        return Err(format!(
            "add operation does not apply: doc is missing path: \"{path}\": {MISSING}"
        ));
    };
    insert(container, &key, value_of(op))
        .map_err(|e| format!("error in add for path: '{path}': {e}"))
}

fn remove(doc: &mut Value, op: &Map<String, Value>) -> Result<(), String> {
    let Some(path) = path_of(op, "path") else {
        return Err(format!(
            "remove operation failed to decode path: operation missing path field: {MISSING}"
        ));
    };
    let Some((container, key)) = find(doc, &path) else {
        return Err(format!(
            "remove operation does not apply: doc is missing path: \"{path}\": {MISSING}"
        ));
    };
    take(container, &key)
        .map(|_| ())
        .map_err(|e| format!("error in remove for path: '{path}': {e}"))
}

fn replace(doc: &mut Value, op: &Map<String, Value>) -> Result<(), String> {
    let Some(path) = path_of(op, "path") else {
        return Err(format!(
            "replace operation failed to decode path: operation missing path field: {MISSING}"
        ));
    };
    if path.is_empty() {
        *doc = value_of(op);
        return Ok(());
    }
    let Some((container, key)) = find(doc, &path) else {
        return Err(format!(
            "replace operation does not apply: doc is missing path: {path}: {MISSING}"
        ));
    };
    if get(container, &key).is_err() {
        return Err(format!(
            "replace operation does not apply: doc is missing key: {path}: {MISSING}"
        ));
    }
    match container {
        Value::Object(map) => {
            map.insert(key, value_of(op));
        }
        Value::Array(list) => {
            let i = array_index(&key, list.len())?;
            if let Some(slot) = list.get_mut(i) {
                *slot = value_of(op);
            }
        }
        _ => {}
    }
    Ok(())
}

fn move_op(doc: &mut Value, op: &Map<String, Value>) -> Result<(), String> {
    let Some(from) = path_of(op, "from") else {
        return Err(format!(
            "move operation failed to decode from: operation missing from field: {MISSING}"
        ));
    };
    let Some((container, key)) = find(doc, &from) else {
        return Err(format!(
            "move operation does not apply: doc is missing from path: {from}: {MISSING}"
        ));
    };
    let value =
        take(container, &key).map_err(|e| format!("error in move for path: '{key}': {e}"))?;
    let Some(path) = path_of(op, "path") else {
        return Err(format!(
            "move operation failed to decode path: operation missing path field: {MISSING}"
        ));
    };
    let Some((container, key)) = find(doc, &path) else {
        return Err(format!(
            "move operation does not apply: doc is missing destination path: {path}: {MISSING}"
        ));
    };
    insert(container, &key, value).map_err(|e| format!("error in move for path: '{path}': {e}"))
}

fn copy(doc: &mut Value, op: &Map<String, Value>) -> Result<(), String> {
    let Some(from) = path_of(op, "from") else {
        return Err(format!(
            "copy operation failed to decode from: operation missing from field: {MISSING}"
        ));
    };
    let Some((container, key)) = find(doc, &from) else {
        return Err(format!(
            "copy operation does not apply: doc is missing from path: {from}: {MISSING}"
        ));
    };
    let value = get(container, &key)
        .map_err(|e| format!("error in copy for from: '{from}': {e}"))?
        .unwrap_or(Value::Null);
    let Some(path) = path_of(op, "path") else {
        return Err(format!("copy operation failed to decode path: {MISSING}"));
    };
    let Some((container, key)) = find(doc, &path) else {
        return Err(format!(
            "copy operation does not apply: doc is missing destination path: {path}: {MISSING}"
        ));
    };
    insert(container, &key, value).map_err(|e| format!("error while adding value during copy: {e}"))
}

fn test(doc: &Value, op: &Map<String, Value>) -> Result<(), String> {
    let Some(path) = path_of(op, "path") else {
        return Err(format!(
            "test operation failed to decode path: operation missing path field: {MISSING}"
        ));
    };
    let failed = || format!("testing value {path} failed: {TEST_FAILED}");
    if path.is_empty() {
        return if doc == &value_of(op) {
            Ok(())
        } else {
            Err(failed())
        };
    }
    let mut scratch = doc.clone();
    let Some((container, key)) = find(&mut scratch, &path) else {
        return Err(format!(
            "test operation does not apply: is missing path: {path}: {MISSING}"
        ));
    };
    let actual =
        get(container, &key).map_err(|e| format!("error in test for path: '{path}': {e}"))?;
    match (actual, op.get("value")) {
        (None, None) | (None, Some(Value::Null)) => Ok(()),
        (Some(a), Some(v)) if &a == v => Ok(()),
        _ => Err(failed()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(doc: Value, patch: Value) -> Result<Value, String> {
        apply(&doc, &decode(&patch)?)
    }

    /// RFC 6902 appendix A, the examples that succeed, and those that must fail.
    #[test]
    fn rfc6902_appendix_examples() {
        let ok = [
            (
                json!({"foo":"bar"}),
                json!([{"op":"add","path":"/baz","value":"qux"}]),
                json!({"baz":"qux","foo":"bar"}),
            ),
            (
                json!({"foo":["bar","baz"]}),
                json!([{"op":"add","path":"/foo/1","value":"qux"}]),
                json!({"foo":["bar","qux","baz"]}),
            ),
            (
                json!({"baz":"qux","foo":"bar"}),
                json!([{"op":"remove","path":"/baz"}]),
                json!({"foo":"bar"}),
            ),
            (
                json!({"foo":["bar","qux","baz"]}),
                json!([{"op":"remove","path":"/foo/1"}]),
                json!({"foo":["bar","baz"]}),
            ),
            (
                json!({"baz":"qux","foo":"bar"}),
                json!([{"op":"replace","path":"/baz","value":"boo"}]),
                json!({"baz":"boo","foo":"bar"}),
            ),
            (
                json!({"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}),
                json!([{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]),
                json!({"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}),
            ),
            (
                json!({"foo":["all","grass","cows","eat"]}),
                json!([{"op":"move","from":"/foo/1","path":"/foo/3"}]),
                json!({"foo":["all","cows","eat","grass"]}),
            ),
            (
                json!({"baz":"qux","foo":["a",2,"c"]}),
                json!([{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]),
                json!({"baz":"qux","foo":["a",2,"c"]}),
            ),
            (
                json!({"foo":"bar"}),
                json!([{"op":"add","path":"/child","value":{"grandchild":{}}}]),
                json!({"foo":"bar","child":{"grandchild":{}}}),
            ),
            (
                json!({"foo":["bar"]}),
                json!([{"op":"add","path":"/foo/-","value":["abc","def"]}]),
                json!({"foo":["bar",["abc","def"]]}),
            ),
            (
                json!({"/":9,"~1":10}),
                json!([{"op":"test","path":"/~01","value":10}]),
                json!({"/":9,"~1":10}),
            ),
            (
                json!({"foo":"bar"}),
                json!([{"op":"copy","from":"/foo","path":"/baz"}]),
                json!({"foo":"bar","baz":"bar"}),
            ),
        ];
        for (doc, patch, want) in ok {
            assert_eq!(run(doc.clone(), patch.clone()), Ok(want), "{doc} + {patch}");
        }
        assert_eq!(
            run(
                json!({"baz":"qux"}),
                json!([{"op":"test","path":"/baz","value":"bar"}])
            ),
            Err("testing value /baz failed: test failed".into())
        );
        assert_eq!(
            run(
                json!({"foo":"bar"}),
                json!([{"op":"add","path":"/baz/bat","value":"qux"}])
            ),
            Err(
                "add operation does not apply: doc is missing path: \"/baz/bat\": missing value"
                    .into()
            )
        );
        assert_eq!(
            run(
                json!({"/":9,"~1":10}),
                json!([{"op":"test","path":"/~01","value":"10"}])
            ),
            Err("testing value /~01 failed: test failed".into())
        );
    }

    #[test]
    fn evanphx_quirks_and_errors() {
        // replace of a missing object key adds it; of a missing array index fails.
        assert_eq!(
            run(
                json!({"a":{}}),
                json!([{"op":"replace","path":"/a/b","value":1}])
            ),
            Ok(json!({"a":{"b":1}}))
        );
        assert_eq!(
            run(
                json!({"a":[1]}),
                json!([{"op":"replace","path":"/a/3","value":1}])
            ),
            Err("replace operation does not apply: doc is missing key: /a/3: missing value".into())
        );
        assert_eq!(
            run(json!({"a":{}}), json!([{"op":"remove","path":"/a/b"}])),
            Err("error in remove for path: '/a/b': Unable to remove nonexistent key: b: missing value".into())
        );
        assert_eq!(
            run(json!({"a":[1,2]}), json!([{"op":"add","path":"/a/5","value":1}])),
            Err("error in add for path: '/a/5': Unable to access invalid index: 5: invalid index referenced".into())
        );
        assert_eq!(
            run(json!({"a":[1,2]}), json!([{"op":"remove","path":"/a/-1"}])),
            Ok(json!({"a":[1]}))
        );
        assert_eq!(
            run(json!({}), json!([{"path":"/a"}])),
            Err("Unexpected kind: unknown".into())
        );
        assert_eq!(
            decode(&json!({"op":"add"})).err().as_deref(),
            Some("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
        );
    }
}
