//! ResourceQuota: a write that would take a namespace past one of its quotas is refused
//! (`exceeded quota: ...`), pods must state what a cpu/memory quota counts (`failed quota:
//! ...`), and an admitted write is charged to the quotas at once, so the next request sees it
//! before the quota controller has recounted.

use serde_json::Value;

use super::{Operation, Request, forbidden};
use crate::api::{Result, Status, kinds, meta};
use crate::quota::{self, Resources};
use crate::store::{ChangeType, Store};

pub(super) fn validate(store: &mut Store, request: &Request<'_>) -> Result<()> {
    let Some(quota_kind) = kinds::by_kind("", "ResourceQuota") else {
        return Ok(());
    };
    let namespace = request.namespace();
    if namespace.is_empty() || store.list(quota_kind, Some(namespace)).next().is_none() {
        return Ok(());
    }
    let kind = request.kind;
    if request.operation == Operation::Update
        && !request
            .old
            .is_some_and(|old| quota::handles_update(kind, old, request.object))
    {
        return Ok(());
    }
    let obj = request.object;
    let name = meta::name(obj);
    let refuse = |why: String| -> Status { forbidden(kind, name, &why) };
    let quotas: Vec<Value> = store.list(quota_kind, Some(namespace)).cloned().collect();
    let mut interesting = Vec::new();
    for (i, q) in quotas.iter().enumerate() {
        if !quota::matches(q, kind, obj) {
            continue;
        }
        let hard = quota::parse(q.pointer("/status/hard"));
        let restricted = quota::matching_resources(kind, hard.keys());
        let quota_name = meta::name(q);
        quota::constraints(kind, &restricted, obj)
            .map_err(|e| refuse(format!("failed quota: {quota_name}: {e}")))?;
        let used = quota::parse(q.pointer("/status/used"));
        let mut unknown: Vec<&String> = restricted
            .iter()
            .filter(|r| !used.contains_key(*r))
            .collect();
        if !unknown.is_empty() {
            unknown.sort();
            let names: Vec<&str> = unknown.iter().map(|s| s.as_str()).collect();
            return Err(refuse(format!(
                "status unknown for quota: {quota_name}, resources: {}",
                names.join(",")
            )));
        }
        interesting.push(i);
    }
    let now = store.now();
    let mut delta = quota::usage(kind, obj, now);
    let mut negative: Vec<&str> = delta
        .iter()
        .filter(|(_, q)| q.sign() < 0)
        .map(|(k, _)| k.as_str())
        .collect();
    if !negative.is_empty() {
        negative.sort();
        return Err(refuse(format!(
            "quota usage is negative for resource(s): {}",
            negative.join(",")
        )));
    }
    if let Some(old) = request.old {
        let before = quota::usage(kind, old, now);
        for (k, q) in delta.iter_mut() {
            if let Some(prev) = before.get(k) {
                let mut negated = prev.clone();
                negated.neg();
                let left = q.plus(&negated);
                *q = if left.sign() < 0 { quota::zero() } else { left };
            }
        }
    }
    if delta.values().all(|q| q.is_zero()) || interesting.is_empty() {
        return Ok(());
    }
    let mut charged: Vec<(usize, Resources)> = Vec::new();
    for i in interesting {
        let Some(q) = quotas.get(i) else { continue };
        let hard = quota::parse(q.pointer("/status/hard"));
        let used = quota::parse(q.pointer("/status/used"));
        let requested = quota::mask(&delta, hard.keys());
        let new_used = quota::add(&used, &requested);
        let exceeded: Vec<String> = requested
            .keys()
            .filter(|r| {
                let (Some(n), Some(h)) = (new_used.get(*r), hard.get(*r)) else {
                    return false;
                };
                n > h
            })
            .cloned()
            .collect();
        if !exceeded.is_empty() {
            return Err(refuse(format!(
                "exceeded quota: {}, requested: {}, used: {}, limited: {}",
                meta::name(q),
                pretty(&quota::mask(&requested, &exceeded)),
                pretty(&quota::mask(&used, &exceeded)),
                pretty(&quota::mask(&hard, &exceeded)),
            )));
        }
        if new_used != used {
            charged.push((i, new_used));
        }
    }
    for (i, new_used) in charged {
        let Some(q) = quotas.get(i) else { continue };
        let mut updated = q.clone();
        updated["status"]["used"] = quota::to_json(&new_used);
        store.put(quota_kind, ChangeType::Modified, updated);
    }
    Ok(())
}

/// `prettyPrint`: `limits.cpu=2,limits.memory=1Gi`, sorted by name.
fn pretty(resources: &Resources) -> String {
    resources
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}
