//! Table tests for strategic merge patch (cases written after upstream's test intent) and a
//! property: a patch created from two documents turns the first into the second.

use serde_json::{Value, json};

use super::schema::Schema;
use super::strategic;

fn pod() -> Schema {
    Schema::for_kind(crate::api::kinds::by_kind("", "Pod").unwrap())
}

fn deployment() -> Schema {
    Schema::for_kind(crate::api::kinds::by_kind("apps", "Deployment").unwrap())
}

fn apply(schema: Schema, original: Value, patch: Value) -> Result<Value, String> {
    strategic::apply(&original, &patch, schema).map_err(|e| e.message)
}

#[test]
fn strategic_merge_patch_table() {
    let nginx = json!({"name": "nginx", "image": "nginx:1.25"});
    let log = json!({"name": "log", "image": "busybox"});
    let cases: Vec<(&str, Schema, Value, Value, Value)> = vec![
        (
            "containers merge by name",
            pod(),
            json!({"spec": {"containers": [nginx, log]}}),
            json!({"spec": {"containers": [{"name": "nginx", "image": "nginx:1.26"}]}}),
            json!({"spec": {"containers": [{"name": "nginx", "image": "nginx:1.26"}, log]}}),
        ),
        (
            "a new item comes before items the patch does not name",
            pod(),
            json!({"spec": {"containers": [nginx]}}),
            json!({"spec": {"containers": [log]}}),
            json!({"spec": {"containers": [log, nginx]}}),
        ),
        (
            "$patch: delete removes the item with that key",
            pod(),
            json!({"spec": {"containers": [nginx, log]}}),
            json!({"spec": {"containers": [{"name": "log", "$patch": "delete"}]}}),
            json!({"spec": {"containers": [nginx]}}),
        ),
        (
            "$patch: replace in a list replaces it",
            pod(),
            json!({"spec": {"containers": [nginx, log]}}),
            json!({"spec": {"containers": [{"name": "x", "image": "y"}, {"$patch": "replace"}]}}),
            json!({"spec": {"containers": [{"name": "x", "image": "y"}]}}),
        ),
        (
            "$patch: replace on a map replaces it",
            pod(),
            json!({"metadata": {"labels": {"a": "1", "b": "2"}}}),
            json!({"metadata": {"labels": {"c": "3", "$patch": "replace"}}}),
            json!({"metadata": {"labels": {"c": "3"}}}),
        ),
        (
            "$patch: delete on a map empties it",
            pod(),
            json!({"metadata": {"labels": {"a": "1"}}}),
            json!({"metadata": {"labels": {"$patch": "delete"}}}),
            json!({"metadata": {"labels": {}}}),
        ),
        (
            "null deletes a key; a null for an absent key is ignored",
            pod(),
            json!({"metadata": {"labels": {"a": "1", "b": "2"}}}),
            json!({"metadata": {"labels": {"a": null, "z": null}}}),
            json!({"metadata": {"labels": {"b": "2"}}}),
        ),
        (
            "finalizers merge as a set",
            pod(),
            json!({"metadata": {"finalizers": ["a", "b"]}}),
            json!({"metadata": {"finalizers": ["b", "c"]}}),
            json!({"metadata": {"finalizers": ["a", "b", "c"]}}),
        ),
        (
            "$deleteFromPrimitiveList removes scalars",
            pod(),
            json!({"metadata": {"finalizers": ["a", "b", "c"]}}),
            json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["b"]}}),
            json!({"metadata": {"finalizers": ["a", "c"]}}),
        ),
        (
            "$setElementOrder orders the list",
            pod(),
            json!({"spec": {"containers": [nginx, log]}}),
            json!({"spec": {"$setElementOrder/containers": [{"name": "log"}, {"name": "nginx"}]}}),
            json!({"spec": {"containers": [log, nginx]}}),
        ),
        (
            "$retainKeys clears keys it does not list",
            deployment(),
            json!({"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}}}),
            json!({"spec": {"strategy": {"type": "Recreate", "$retainKeys": ["type"]}}}),
            json!({"spec": {"strategy": {"type": "Recreate"}}}),
        ),
        (
            "args are replaced, not merged",
            pod(),
            json!({"spec": {"containers": [{"name": "a", "args": ["x", "y"]}]}}),
            json!({"spec": {"containers": [{"name": "a", "args": ["z"]}]}}),
            json!({"spec": {"containers": [{"name": "a", "args": ["z"]}]}}),
        ),
        (
            "ports merge by containerPort, env by name",
            pod(),
            json!({"spec": {"containers": [{"name": "a",
                "ports": [{"containerPort": 80}], "env": [{"name": "A", "value": "1"}]}]}}),
            json!({"spec": {"containers": [{"name": "a",
                "ports": [{"containerPort": 80, "name": "http"}], "env": [{"name": "B", "value": "2"}]}]}}),
            json!({"spec": {"containers": [{"name": "a",
                "ports": [{"containerPort": 80, "name": "http"}],
                "env": [{"name": "B", "value": "2"}, {"name": "A", "value": "1"}]}]}}),
        ),
        (
            "tolerations are replaced",
            pod(),
            json!({"spec": {"tolerations": [{"key": "a"}]}}),
            json!({"spec": {"tolerations": [{"key": "b"}]}}),
            json!({"spec": {"tolerations": [{"key": "b"}]}}),
        ),
        (
            "without a schema (custom resources) lists are replaced",
            Schema::NONE,
            json!({"spec": {"containers": [nginx, log]}}),
            json!({"spec": {"containers": [{"name": "nginx", "image": "x"}]}}),
            json!({"spec": {"containers": [{"name": "nginx", "image": "x"}]}}),
        ),
    ];
    for (name, schema, original, patch, want) in cases {
        assert_eq!(apply(schema, original, patch), Ok(want), "{name}");
    }
}

#[test]
fn strategic_merge_patch_errors_in_upstream_words() {
    assert_eq!(
        apply(
            pod(),
            json!({"spec": {"containers": [{"name": "a"}]}}),
            json!({"spec": {"containers": [{"image": "x"}]}})
        ),
        Err("map: map[image:x] does not contain declared merge key: name".into())
    );
    assert_eq!(
        apply(
            pod(),
            json!({"metadata": {"labels": {"a": "1"}}}),
            json!({"metadata": {"labels": {"$patch": "bogus"}}})
        ),
        Err("unknown patch type: bogus in map: map[$patch:bogus]".into())
    );
    assert_eq!(
        apply(
            pod(),
            json!({"spec": {"containers": [{"name": "a"}]}}),
            json!({"spec": {"containers": [{"name": "a", "$patch": "merge"}]}})
        ),
        Err("merging lists cannot yet be specified in the patch".into())
    );
}

#[test]
fn three_way_patch_keeps_what_others_added() {
    let last_applied = json!({"spec": {"replicas": 2, "template": {"spec": {"containers": [
        {"name": "nginx", "image": "nginx:1.25", "env": [{"name": "MODE", "value": "prod"}]}]}}}});
    let live = json!({"spec": {"replicas": 2, "template": {"spec": {"containers": [
        {"name": "sidecar", "image": "busybox"},
        {"name": "nginx", "image": "nginx:1.25", "imagePullPolicy": "IfNotPresent",
         "env": [{"name": "MODE", "value": "prod"}, {"name": "DEBUG", "value": "1"}]}]}}}});
    // Same file again: nothing to change but order directives for the lists others grew (so
    // kubectl says "configured"), and applying them leaves the object as it is.
    let same = strategic::create_three_way(&last_applied, &last_applied, &live, deployment())
        .map_err(|e| e.message);
    assert_eq!(
        same,
        Ok(json!({"spec": {"template": {"spec": {
            "$setElementOrder/containers": [{"name": "nginx"}],
            "containers": [{"name": "nginx", "$setElementOrder/env": [{"name": "MODE"}]}]
        }}}}))
    );
    let reapplied = strategic::apply(&live, &same.unwrap_or_default(), deployment());
    assert_eq!(reapplied.ok(), Some(live.clone()));
    // A new image, and MODE dropped from the file: DEBUG and the sidecar stay.
    let modified = json!({"spec": {"replicas": 2, "template": {"spec": {"containers": [
        {"name": "nginx", "image": "nginx:1.26", "env": []}]}}}});
    let patch = strategic::create_three_way(&last_applied, &modified, &live, deployment()).unwrap();
    let result = strategic::apply(&live, &patch, deployment()).unwrap();
    assert_eq!(
        result["spec"]["template"]["spec"]["containers"],
        json!([
            {"name": "sidecar", "image": "busybox"},
            {"name": "nginx", "image": "nginx:1.26", "imagePullPolicy": "IfNotPresent",
             "env": [{"name": "DEBUG", "value": "1"}]}
        ])
    );
    // Unchanged documents give an empty patch.
    assert_eq!(
        strategic::create_three_way(&last_applied, &last_applied, &last_applied, deployment()).ok(),
        Some(json!({}))
    );
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use proptest::prelude::*;
    use serde_json::{Map, Value, json};

    use super::{pod, strategic};

    fn container() -> impl Strategy<Value = (String, Value)> {
        (
            prop::sample::select(vec!["web", "log", "proxy", "init"]),
            prop::sample::select(vec!["nginx", "busybox", "envoy"]),
            prop::collection::btree_map(
                prop::sample::select(vec!["A", "B", "C"]),
                prop::sample::select(vec!["1", "2"]),
                0..3,
            ),
            prop::option::of(prop::collection::vec("[a-z]{1,3}", 0..3)),
        )
            .prop_map(|(name, image, env, args)| {
                let mut c = json!({"name": name, "image": image});
                if !env.is_empty() {
                    c["env"] = Value::Array(
                        env.iter()
                            .map(|(k, v)| json!({"name": k, "value": v}))
                            .collect(),
                    );
                }
                if let Some(args) = args {
                    c["args"] = json!(args);
                }
                (name.to_string(), c)
            })
    }

    /// Pod-shaped documents: containers keyed by unique names, labels, finalizers as a set.
    fn document() -> impl Strategy<Value = Value> {
        (
            prop::collection::vec(container(), 1..4),
            prop::option::of(prop::collection::btree_map("[a-c]", "[x-z]", 0..3)),
            prop::option::of(prop::sample::subsequence(vec!["a", "b", "c", "d"], 0..4)),
            prop::option::of(0i64..5),
            any::<bool>(),
        )
            .prop_map(|(containers, labels, finalizers, grace, reverse)| {
                let mut seen = Vec::new();
                let mut list: Vec<Value> = containers
                    .into_iter()
                    .filter(|(n, _)| {
                        let fresh = !seen.contains(n);
                        seen.push(n.clone());
                        fresh
                    })
                    .map(|(_, c)| c)
                    .collect();
                if reverse {
                    list.reverse();
                }
                let mut metadata = Map::new();
                if let Some(labels) = labels {
                    metadata.insert("labels".into(), json!(labels));
                }
                if let Some(mut f) = finalizers {
                    if reverse {
                        f.reverse();
                    }
                    metadata.insert("finalizers".into(), json!(f));
                }
                let mut spec = json!({"containers": list});
                if let Some(g) = grace {
                    spec["terminationGracePeriodSeconds"] = json!(g);
                }
                json!({"metadata": metadata, "spec": spec})
            })
    }

    proptest! {
        #[test]
        fn a_created_patch_applied_to_the_original_gives_the_modified(
            original in document(),
            modified in document(),
        ) {
            let patch = strategic::create_two_way(&original, &modified, pod()).unwrap();
            let result = strategic::apply(&original, &patch, pod()).unwrap();
            prop_assert_eq!(result, modified, "patch: {}", patch);
        }

        #[test]
        fn a_three_way_patch_from_the_live_object_gives_the_new_configuration(
            original in document(),
            modified in document(),
        ) {
            // With the live object as it was last applied, the result is the new file.
            let patch = strategic::create_three_way(&original, &modified, &original, pod()).unwrap();
            let result = strategic::apply(&original, &patch, pod()).unwrap();
            prop_assert_eq!(result, modified, "patch: {}", patch);
        }
    }
}
