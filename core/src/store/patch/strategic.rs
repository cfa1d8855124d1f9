//! Strategic merge patch, as apimachinery's `strategicpatch` package does it: applying a patch
//! (`StrategicMergeMapPatch`, the API server's side) and creating one from two or three
//! documents (`CreateTwoWayMergePatch`, `CreateThreeWayMergePatch`, kubectl apply's side).
//!
//! Maps merge key by key and `null` deletes a key. Lists follow the field's `patchStrategy`
//! from [`super::schema`]: replaced whole by default, merged by the merge key (containers by
//! `name`) or as a set of scalars (finalizers). Directives steer the merge: `$patch:
//! replace|delete|merge`, `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>` and
//! `$retainKeys`. Error texts are upstream's (`mergepatch` errors).

use serde_json::{Map, Value};

use super::schema::Schema;
use super::{PatchError, go_fmt};

const DIRECTIVE: &str = "$patch";
const RETAIN_KEYS: &str = "$retainKeys";
const DELETE_FROM_PRIMITIVE_LIST: &str = "$deleteFromPrimitiveList";
const SET_ELEMENT_ORDER: &str = "$setElementOrder";

type Result<T> = std::result::Result<T, PatchError>;

/// `MergeOptions`: the server merges parallel lists and ignores nulls for absent keys; the
/// three-way patch builder keeps both as they are.
#[derive(Clone, Copy)]
struct MergeOptions {
    merge_parallel_list: bool,
    ignore_unmatched_nulls: bool,
}

const SERVER: MergeOptions = MergeOptions {
    merge_parallel_list: true,
    ignore_unmatched_nulls: true,
};

/// Applies `patch` to `original` (both objects) as the API server does.
pub fn apply(original: &Value, patch: &Value, schema: Schema) -> Result<Value> {
    let (Some(original), Some(patch)) = (original.as_object(), patch.as_object()) else {
        return Err(PatchError::bad_request("invalid JSON document"));
    };
    merge_map(original.clone(), patch.clone(), schema, SERVER).map(Value::Object)
}

/// `CreateTwoWayMergePatch`: the patch that turns `original` into `modified`.
pub fn create_two_way(original: &Value, modified: &Value, schema: Schema) -> Result<Value> {
    let opts = DiffOptions {
        set_element_order: true,
        ..DiffOptions::default()
    };
    diff_maps(object(original), object(modified), schema, opts).map(Value::Object)
}

/// `CreateThreeWayMergePatch` with overwrite: the changes from `current` (the live object) to
/// `modified` (the new configuration), without deletions, plus the deletions from `original`
/// (the last applied configuration) to `modified`. Fields that others set on the live object
/// and that were never applied are left alone.
pub fn create_three_way(
    original: &Value,
    modified: &Value,
    current: &Value,
    schema: Schema,
) -> Result<Value> {
    let delta = diff_maps(
        object(current),
        object(modified),
        schema,
        DiffOptions {
            ignore_deletions: true,
            set_element_order: true,
            ..DiffOptions::default()
        },
    )?;
    let deletions = diff_maps(
        object(original),
        object(modified),
        schema,
        DiffOptions {
            set_element_order: true,
            ignore_changes_and_additions: true,
            ..DiffOptions::default()
        },
    )?;
    let opts = MergeOptions {
        merge_parallel_list: false,
        ignore_unmatched_nulls: false,
    };
    merge_map(deletions, delta, schema, opts).map(Value::Object)
}

fn object(v: &Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Applying

fn merge_map(
    mut original: Map<String, Value>,
    mut patch: Map<String, Value>,
    schema: Schema,
    opts: MergeOptions,
) -> Result<Map<String, Value>> {
    if let Some(directive) = patch.get(DIRECTIVE) {
        return match directive.as_str() {
            Some("replace") => {
                patch.remove(DIRECTIVE);
                Ok(patch)
            }
            Some("delete") => Ok(Map::new()),
            _ => Err(bad_patch_type(directive, &patch)),
        };
    }
    apply_retain_keys(&mut original, &mut patch, opts)?;
    merge_set_element_order(&mut original, &mut patch, schema, opts)?;
    for (key, patch_value) in patch {
        let mut key = key;
        let mut is_delete_list = false;
        if let Some(rest) = key.strip_prefix(DELETE_FROM_PRIMITIVE_LIST) {
            if !opts.merge_parallel_list {
                original.insert(key, patch_value);
                continue;
            }
            let Some(field) = rest.strip_prefix('/') else {
                return Err(PatchError::bad_request(
                    "invalid patch format of primitive list",
                ));
            };
            key = field.to_string();
            is_delete_list = true;
        }
        if patch_value.is_null() {
            original.remove(&key);
            if opts.ignore_unmatched_nulls {
                continue;
            }
        }
        let Some(current) = original.get_mut(&key) else {
            // Not in the original document: take the patch value as it is.
            original.insert(key, patch_value);
            continue;
        };
        if !same_json_type(current, &patch_value) {
            *current = patch_value;
            continue;
        }
        let meta = schema.field(&key);
        let merged = match (std::mem::take(current), patch_value) {
            (Value::Object(o), Value::Object(p)) => {
                if meta.replace {
                    Value::Object(p)
                } else {
                    Value::Object(merge_map(o, p, schema.child(&key), opts)?)
                }
            }
            (Value::Array(o), Value::Array(p)) => match meta.merge_key {
                Some(merge_key) => Value::Array(merge_slice(
                    o,
                    p,
                    schema.child(&key),
                    merge_key,
                    opts,
                    is_delete_list,
                )?),
                None => Value::Array(p),
            },
            (_, p) => p,
        };
        *current = merged;
    }
    Ok(original)
}

/// Go's `reflect.TypeOf` comparison of two decoded JSON values.
fn same_json_type(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.is_f64() == y.is_f64(),
        _ => std::mem::discriminant(a) == std::mem::discriminant(b),
    }
}

/// `$retainKeys`: keys of `original` not in the list are cleared; the patch may only set
/// listed keys.
fn apply_retain_keys(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
    opts: MergeOptions,
) -> Result<()> {
    let Some(retain) = patch.remove(RETAIN_KEYS) else {
        return Ok(());
    };
    if !opts.merge_parallel_list {
        match original.get(RETAIN_KEYS) {
            Some(existing) if existing != &retain => {
                return Err(PatchError::internal(format!(
                    "{} and {} are not deep equal: this may happen when calculating the 3-way diff patch",
                    go_fmt(existing),
                    go_fmt(&retain)
                )));
            }
            Some(_) => {}
            None => {
                original.insert(RETAIN_KEYS.into(), retain);
            }
        }
        return Ok(());
    }
    let Some(list) = retain.as_array() else {
        return Err(PatchError::bad_request(
            "invalid patch format of retainKeys",
        ));
    };
    let keep = |k: &str| list.iter().any(|v| v.as_str() == Some(k));
    for (k, v) in patch.iter() {
        if v.is_null()
            || k.starts_with(DELETE_FROM_PRIMITIVE_LIST)
            || k.starts_with(SET_ELEMENT_ORDER)
        {
            continue;
        }
        if !keep(k) {
            return Err(PatchError::unprocessable(
                "patch content doesn't match retainKeys list",
            ));
        }
    }
    original.retain(|k, _| keep(k));
    Ok(())
}

/// `$setElementOrder/<field>`: merges the field's list (if patched) and orders the result as
/// the directive lists, keeping server-only items where the live list had them.
fn merge_set_element_order(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
    schema: Schema,
    opts: MergeOptions,
) -> Result<()> {
    let keys: Vec<String> = patch
        .keys()
        .filter(|k| k.starts_with(SET_ELEMENT_ORDER))
        .cloned()
        .collect();
    for key in keys {
        let Some(order) = patch.remove(&key) else {
            continue;
        };
        if !opts.merge_parallel_list {
            match original.get(&key) {
                Some(existing) if existing != &order => {
                    return Err(bad_set_element_order());
                }
                Some(_) => {}
                None => {
                    original.insert(key.clone(), order.clone());
                }
            }
        }
        let Value::Array(order) = order else {
            return Err(bad_arg_type("slice", &order));
        };
        let Some(field) = key
            .strip_prefix(SET_ELEMENT_ORDER)
            .and_then(|r| r.strip_prefix('/'))
        else {
            return Err(bad_set_element_order());
        };
        let field = field.to_string();
        let original_list = match original.get(&field) {
            Some(Value::Array(l)) => Some(l.clone()),
            Some(other) => return Err(bad_arg_type("slice", other)),
            None => None,
        };
        let patch_list = match patch.get(&field) {
            Some(Value::Array(l)) => Some(l.clone()),
            Some(other) => return Err(bad_arg_type("slice", other)),
            None => None,
        };
        let meta = schema.field(&field);
        let merge_key = meta.merge_key.unwrap_or("");
        if let Some(p) = &patch_list {
            validate_patch_with_order(p, &order, merge_key)?;
        }
        let merged = match (&original_list, &patch_list) {
            (Some(o), None) => o.clone(),
            (None, Some(p)) => p.clone(),
            (Some(o), Some(p)) => match meta.merge_key {
                Some(k) => merge_slice(o.clone(), p.clone(), schema.child(&field), k, opts, false)?,
                None => p.clone(),
            },
            (None, None) => continue,
        };
        let (in_order, server_only) = partition(merged, &order, merge_key)?;
        let both = normalize_element_order(
            in_order,
            server_only,
            &order,
            original_list.as_deref().unwrap_or_default(),
            merge_key,
        )?;
        original.insert(field.clone(), Value::Array(both));
        patch.remove(&field);
    }
    Ok(())
}

/// The items of the patch list (deletions aside) must appear in the `$setElementOrder` list,
/// in the same relative order.
fn validate_patch_with_order(patch: &[Value], order: &[Value], merge_key: &str) -> Result<()> {
    if patch.is_empty() || order.is_empty() {
        return Ok(());
    }
    let items: Vec<&Value> = if merge_key.is_empty() {
        patch.iter().collect()
    } else {
        patch.iter().filter(|v| !is_delete_item(v)).collect()
    };
    let (mut pi, mut oi) = (0, 0);
    while let (Some(p), Some(o)) = (items.get(pi), order.get(oi)) {
        if has_directive(p) {
            pi += 1;
            continue;
        }
        if merge_key_equal(p, o, merge_key)? {
            pi += 1;
        }
        oi += 1;
    }
    if pi < items.len() {
        return Err(PatchError::internal(format!(
            "The order in patch list:\n{}\n doesn't match {SET_ELEMENT_ORDER} list:\n{}\n",
            go_fmt(&Value::Array(patch.to_vec())),
            go_fmt(&Value::Array(order.to_vec()))
        )));
    }
    Ok(())
}

fn merge_key_equal(left: &Value, right: &Value, merge_key: &str) -> Result<bool> {
    if merge_key.is_empty() {
        return Ok(left == right);
    }
    let (Some(l), Some(r)) = (left.as_object(), right.as_object()) else {
        return Err(bad_arg_type(
            "map",
            if left.is_object() { right } else { left },
        ));
    };
    match (l.get(merge_key), r.get(merge_key)) {
        (Some(a), Some(b)) => Ok(a == b),
        (None, _) => Err(no_merge_key(left, merge_key)),
        (_, None) => Err(no_merge_key(right, merge_key)),
    }
}

fn merge_slice(
    original: Vec<Value>,
    patch: Vec<Value>,
    schema: Schema,
    merge_key: &str,
    opts: MergeOptions,
    is_delete_list: bool,
) -> Result<Vec<Value>> {
    if original.is_empty() && patch.is_empty() {
        return Ok(original);
    }
    let element_is_map = element_kind(&original, &patch)?;
    let (original, merged, patch) = if !element_is_map {
        if opts.merge_parallel_list && is_delete_list {
            return Ok(original
                .into_iter()
                .filter(|v| !patch.contains(v))
                .collect());
        }
        let mut both = original.clone();
        both.extend(patch.iter().cloned());
        (original, dedupe(both), patch)
    } else {
        if merge_key.is_empty() {
            return Err(PatchError::internal(
                "cannot merge lists without merge key for type struct",
            ));
        }
        let (original, patch) = merge_special_elements(original, patch, merge_key)?;
        let merged = merge_plain_elements(original.clone(), &patch, schema, merge_key, opts)?;
        (original, merged, patch)
    };
    let key = if element_is_map { merge_key } else { "" };
    let (from_patch, server_only) = partition(merged, &patch, key)?;
    normalize_element_order(from_patch, server_only, &patch, &original, key)
}

/// Whether the items are maps (true) or scalars (false); lists of lists are refused.
fn element_kind(a: &[Value], b: &[Value]) -> Result<bool> {
    let mut first: Option<&Value> = None;
    for v in a.iter().chain(b.iter()) {
        match first {
            None => {
                if v.is_array() {
                    return Err(PatchError::unprocessable(
                        "lists of lists are not supported",
                    ));
                }
                first = Some(v);
            }
            Some(f) if !same_json_type(f, v) => {
                return Err(PatchError::internal(format!(
                    "list element types are not identical: [{} {}]",
                    go_fmt(&Value::Array(a.to_vec())),
                    go_fmt(&Value::Array(b.to_vec()))
                )));
            }
            Some(_) => {}
        }
    }
    Ok(first.is_some_and(Value::is_object))
}

/// `$patch: delete` items remove the matching original items; `$patch: replace` makes the
/// patch list (without directives) the whole result.
fn merge_special_elements(
    mut original: Vec<Value>,
    patch: Vec<Value>,
    merge_key: &str,
) -> Result<(Vec<Value>, Vec<Value>)> {
    let mut plain = Vec::new();
    let mut replace = false;
    for item in patch {
        let Some(directive) = item.get(DIRECTIVE) else {
            plain.push(item);
            continue;
        };
        match directive.as_str() {
            Some("delete") => {
                let Some(key_value) = item.get(merge_key) else {
                    return Err(no_merge_key(&item, merge_key));
                };
                original.retain(|o| o.get(merge_key) != Some(key_value));
            }
            Some("replace") => replace = true,
            Some("merge") => {
                return Err(PatchError::internal(
                    "merging lists cannot yet be specified in the patch",
                ));
            }
            _ => {
                return Err(bad_patch_type(
                    directive,
                    item.as_object().unwrap_or(&Map::new()),
                ));
            }
        }
    }
    if replace {
        return Ok((plain, Vec::new()));
    }
    Ok((original, plain))
}

fn merge_plain_elements(
    mut original: Vec<Value>,
    patch: &[Value],
    schema: Schema,
    merge_key: &str,
    opts: MergeOptions,
) -> Result<Vec<Value>> {
    for item in patch {
        let Some(key_value) = item.get(merge_key) else {
            return Err(no_merge_key(item, merge_key));
        };
        let found = original
            .iter()
            .position(|o| o.get(merge_key) == Some(key_value));
        match found.and_then(|i| original.get_mut(i)) {
            Some(existing) => {
                let merged = merge_map(
                    object(existing),
                    item.as_object().cloned().unwrap_or_default(),
                    schema,
                    opts,
                )?;
                *existing = Value::Object(merged);
            }
            None => original.push(item.clone()),
        }
    }
    Ok(original)
}

/// Splits `items` into those present in `by` (matched by merge key, or by value for scalars)
/// and the others.
fn partition(items: Vec<Value>, by: &[Value], merge_key: &str) -> Result<(Vec<Value>, Vec<Value>)> {
    let mut present = Vec::new();
    let mut others = Vec::new();
    for item in items {
        let found = if merge_key.is_empty() {
            by.contains(&item)
        } else {
            let Some(key_value) = item.get(merge_key) else {
                return Err(no_merge_key(&item, merge_key));
            };
            by.iter().any(|b| b.get(merge_key) == Some(key_value))
        };
        if found {
            present.push(item);
        } else {
            others.push(item);
        }
    }
    Ok((present, others))
}

/// Orders patch items as `patch_order` does and server-only items as the live list did, then
/// interleaves them: a server-only item goes before a patch item only if the live list had it
/// first.
fn normalize_element_order(
    patch: Vec<Value>,
    server_only: Vec<Value>,
    patch_order: &[Value],
    server_order: &[Value],
    merge_key: &str,
) -> Result<Vec<Value>> {
    let patch = normalize_slice_order(patch, patch_order, merge_key)?;
    let server_only = normalize_slice_order(server_only, server_order, merge_key)?;
    let position = |v: &Value| index_of(server_order, v, merge_key);
    let mut out = Vec::with_capacity(patch.len() + server_only.len());
    let mut left = server_only.into_iter().peekable();
    let mut right = patch.into_iter().peekable();
    loop {
        let take_left = match (left.peek(), right.peek()) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(l), Some(r)) => matches!((position(l), position(r)), (Some(a), Some(b)) if a < b),
        };
        let next = if take_left { left.next() } else { right.next() };
        out.extend(next);
    }
    Ok(out)
}

/// Stable-sorts `items` by their position in `order` (items not in it keep their place).
fn normalize_slice_order(
    items: Vec<Value>,
    order: &[Value],
    merge_key: &str,
) -> Result<Vec<Value>> {
    let (mut keep, deleted): (Vec<Value>, Vec<Value>) = if merge_key.is_empty() {
        (items, Vec::new())
    } else {
        for v in items.iter().chain(order.iter()) {
            if !v.is_object() {
                return Err(bad_arg_type("map", v));
            }
            if v.get(merge_key).is_none() {
                return Err(no_merge_key(v, merge_key));
            }
        }
        items.into_iter().partition(|v| !is_delete_item(v))
    };
    keep.sort_by_key(|v| index_of(order, v, merge_key).unwrap_or(usize::MAX));
    keep.extend(deleted);
    Ok(keep)
}

fn index_of(list: &[Value], value: &Value, merge_key: &str) -> Option<usize> {
    if merge_key.is_empty() {
        return list.iter().position(|v| v == value);
    }
    let wanted = value.get(merge_key);
    list.iter().position(|v| v.get(merge_key) == wanted)
}

fn is_delete_item(v: &Value) -> bool {
    v.get(DIRECTIVE).and_then(Value::as_str) == Some("delete")
}

fn has_directive(v: &Value) -> bool {
    v.get(DIRECTIVE).is_some()
}

fn dedupe(items: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::with_capacity(items.len());
    for v in items {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Creating

#[derive(Clone, Copy, Default)]
struct DiffOptions {
    set_element_order: bool,
    ignore_changes_and_additions: bool,
    ignore_deletions: bool,
    build_retain_keys: bool,
}

fn diff_maps(
    original: Map<String, Value>,
    modified: Map<String, Value>,
    schema: Schema,
    opts: DiffOptions,
) -> Result<Map<String, Value>> {
    let mut patch = Map::new();
    let mut retain: Vec<Value> = Vec::new();
    for (key, modified_value) in &modified {
        if opts.build_retain_keys && !modified_value.is_null() {
            retain.push(Value::String(key.clone()));
        }
        let Some(original_value) = original.get(key) else {
            if !opts.ignore_changes_and_additions {
                patch.insert(key.clone(), modified_value.clone());
            }
            continue;
        };
        if key == DIRECTIVE {
            if original_value != modified_value {
                patch.insert(key.clone(), modified_value.clone());
            }
            continue;
        }
        if !same_json_type(original_value, modified_value) {
            if !opts.ignore_changes_and_additions {
                patch.insert(key.clone(), modified_value.clone());
            }
            continue;
        }
        match (original_value, modified_value) {
            (Value::Object(o), Value::Object(m)) => {
                let meta = schema.field(key);
                if meta.replace {
                    if !opts.ignore_changes_and_additions {
                        patch.insert(key.clone(), modified_value.clone());
                    }
                    continue;
                }
                let child = DiffOptions {
                    build_retain_keys: meta.retain_keys,
                    ..opts
                };
                let value = diff_maps(o.clone(), m.clone(), schema.child(key), child)?;
                if !value.is_empty() {
                    patch.insert(key.clone(), Value::Object(value));
                }
            }
            (Value::Array(o), Value::Array(m)) => {
                let meta = schema.field(key);
                match meta.merge_key {
                    Some(merge_key) => {
                        let child = DiffOptions {
                            build_retain_keys: meta.retain_keys,
                            ..opts
                        };
                        let (add, delete, order) =
                            diff_lists(o, m, schema.child(key), merge_key, child)?;
                        if !add.is_empty() {
                            patch.insert(key.clone(), Value::Array(add));
                        }
                        if !delete.is_empty() {
                            patch.insert(
                                format!("{DELETE_FROM_PRIMITIVE_LIST}/{key}"),
                                Value::Array(delete),
                            );
                        }
                        if !order.is_empty() {
                            patch.insert(format!("{SET_ELEMENT_ORDER}/{key}"), Value::Array(order));
                        }
                    }
                    None => {
                        replace_if_not_equal(&mut patch, key, original_value, modified_value, opts)
                    }
                }
            }
            _ => replace_if_not_equal(&mut patch, key, original_value, modified_value, opts),
        }
    }
    if !opts.ignore_deletions {
        for key in original.keys() {
            if !modified.contains_key(key) {
                patch.insert(key.clone(), Value::Null);
            }
        }
    }
    let has_additional = original
        .iter()
        .any(|(k, v)| !v.is_null() && !modified.contains_key(k));
    if !retain.is_empty() && (!patch.is_empty() || has_additional) {
        retain.sort_by_key(go_fmt);
        patch.insert(RETAIN_KEYS.into(), Value::Array(retain));
    }
    Ok(patch)
}

fn replace_if_not_equal(
    patch: &mut Map<String, Value>,
    key: &str,
    original: &Value,
    modified: &Value,
    opts: DiffOptions,
) {
    if !opts.ignore_changes_and_additions && original != modified {
        patch.insert(key.to_string(), modified.clone());
    }
}

type Lists = (Vec<Value>, Vec<Value>, Vec<Value>);

/// A merging list's patch: changed and added items (and deletion directives), the scalars to
/// delete, and the `$setElementOrder` list.
fn diff_lists(
    original: &[Value],
    modified: &[Value],
    schema: Schema,
    merge_key: &str,
    opts: DiffOptions,
) -> Result<Lists> {
    if original.is_empty() {
        if modified.is_empty() || opts.ignore_changes_and_additions {
            return Ok((Vec::new(), Vec::new(), Vec::new()));
        }
        return Ok((modified.to_vec(), Vec::new(), Vec::new()));
    }
    if element_kind(original, modified)? {
        let (patch, deletions) = diff_lists_of_maps(original, modified, schema, merge_key, opts)?;
        let mut patch = normalize_slice_order(patch, modified, merge_key)?;
        let order_same = original.len() == modified.len()
            && original
                .iter()
                .zip(modified)
                .all(|(o, m)| merge_key_equal(o, m, merge_key).unwrap_or(false));
        patch.extend(deletions);
        let mut order = Vec::new();
        if opts.set_element_order
            && ((!opts.ignore_changes_and_additions && (!patch.is_empty() || !order_same))
                || (!opts.ignore_deletions && !patch.is_empty()))
        {
            order = modified
                .iter()
                .map(|m| {
                    let mut only_key = Map::new();
                    only_key.insert(
                        merge_key.to_string(),
                        m.get(merge_key).cloned().unwrap_or(Value::Null),
                    );
                    Value::Object(only_key)
                })
                .collect();
        }
        Ok((patch, Vec::new(), order))
    } else {
        let (add, delete) = diff_lists_of_scalars(original, modified, opts);
        let add = normalize_slice_order(add, modified, "")?;
        let mut order = Vec::new();
        if opts.set_element_order
            && ((!opts.ignore_deletions && !delete.is_empty())
                || (!opts.ignore_changes_and_additions && original != modified))
        {
            order = modified.to_vec();
        }
        Ok((add, delete, order))
    }
}

fn diff_lists_of_scalars(
    original: &[Value],
    modified: &[Value],
    opts: DiffOptions,
) -> (Vec<Value>, Vec<Value>) {
    let mut o: Vec<&Value> = original.iter().collect();
    let mut m: Vec<&Value> = modified.iter().collect();
    o.sort_by_key(|v| go_fmt(v));
    m.sort_by_key(|v| go_fmt(v));
    let (mut i, mut j) = (0, 0);
    let mut add = Vec::new();
    let mut delete: Vec<Value> = Vec::new();
    loop {
        match (o.get(i), m.get(j)) {
            (None, None) => break,
            (Some(a), Some(b)) if go_fmt(a) == go_fmt(b) => {
                i += 1;
                j += 1;
            }
            (Some(a), Some(b)) if go_fmt(a) > go_fmt(b) => {
                if !opts.ignore_changes_and_additions {
                    add.push((*b).clone());
                }
                j += 1;
            }
            (None, Some(b)) => {
                if !opts.ignore_changes_and_additions {
                    add.push((*b).clone());
                }
                j += 1;
            }
            (Some(a), _) => {
                if !opts.ignore_deletions {
                    delete.push((*a).clone());
                }
                i += 1;
            }
        }
    }
    (add, dedupe(delete))
}

fn diff_lists_of_maps(
    original: &[Value],
    modified: &[Value],
    schema: Schema,
    merge_key: &str,
    opts: DiffOptions,
) -> Result<(Vec<Value>, Vec<Value>)> {
    let sorted = |list: &[Value]| -> Result<Vec<(String, Value)>> {
        let mut out = Vec::with_capacity(list.len());
        for item in list {
            if !item.is_object() {
                return Err(bad_arg_type("map", item));
            }
            let Some(key_value) = item.get(merge_key) else {
                return Err(no_merge_key(item, merge_key));
            };
            out.push((go_fmt(key_value), item.clone()));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    };
    let o = sorted(original)?;
    let m = sorted(modified)?;
    let (mut i, mut j) = (0, 0);
    let mut patch = Vec::new();
    let mut deletions = Vec::new();
    loop {
        match (o.get(i), m.get(j)) {
            (None, None) => break,
            (Some((ok, ov)), Some((mk, mv))) if ok == mk => {
                let mut value = diff_maps(object(ov), object(mv), schema, opts)?;
                if !value.is_empty() {
                    value.insert(
                        merge_key.to_string(),
                        mv.get(merge_key).cloned().unwrap_or(Value::Null),
                    );
                    patch.push(Value::Object(value));
                }
                i += 1;
                j += 1;
            }
            (None, Some((_, mv))) => {
                if !opts.ignore_changes_and_additions {
                    patch.push(mv.clone());
                }
                j += 1;
            }
            (Some((ok, _)), Some((mk, mv))) if ok > mk => {
                if !opts.ignore_changes_and_additions {
                    patch.push(mv.clone());
                }
                j += 1;
            }
            (Some((_, ov)), _) => {
                if !opts.ignore_deletions {
                    let mut directive = Map::new();
                    directive.insert(
                        merge_key.to_string(),
                        ov.get(merge_key).cloned().unwrap_or(Value::Null),
                    );
                    directive.insert(DIRECTIVE.into(), Value::String("delete".into()));
                    deletions.push(Value::Object(directive));
                }
                i += 1;
            }
        }
    }
    Ok((patch, deletions))
}

// ---------------------------------------------------------------------------------------------
// Errors in mergepatch's words

fn no_merge_key(item: &Value, merge_key: &str) -> PatchError {
    PatchError::internal(format!(
        "map: {} does not contain declared merge key: {merge_key}",
        go_fmt(item)
    ))
}

fn bad_arg_type(expected: &str, actual: &Value) -> PatchError {
    let kind = match actual {
        Value::Object(_) => "map",
        Value::Array(_) => "slice",
        Value::String(_) => "string",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int64",
        Value::Bool(_) => "bool",
        Value::Null => "invalid",
    };
    PatchError::internal(format!("expected a {expected}, but received a {kind}"))
}

fn bad_patch_type(directive: &Value, patch: &Map<String, Value>) -> PatchError {
    PatchError::internal(format!(
        "unknown patch type: {} in map: {}",
        go_fmt(directive),
        go_fmt(&Value::Object(patch.clone()))
    ))
}

fn bad_set_element_order() -> PatchError {
    PatchError::bad_request("invalid patch format of setElementOrder list")
}
