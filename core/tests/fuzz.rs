//! Fuzzing by property tests (cargo-fuzz needs a nightly toolchain; these run on stable, in
//! CI with a bounded, seeded number of cases, and locally for as long as one likes:
//! `FUZZ_CASES=20000 cargo test -p kubeplay-core --release --test fuzz`).
//!
//! - Mangled manifests (documentation examples with bytes cut, inserted, duplicated or swapped)
//!   go through `kubectl apply|create|replace -f`: whatever comes back, nothing panics and the
//!   cluster keeps answering.
//! - Random JSON objects printed by our YAML emitter read back as the same objects.
//! - Random command sequences never make a resourceVersion go backwards.
//! - Random scaling, node and cordon sequences never put a node over its allocatable cpu,
//!   memory or pod count, at any step or once the cluster has settled.
//! - Random programs and patterns for the little languages a learner types (sed scripts, awk
//!   programs, grep expressions, cut lists, tr sets, Go templates, brace expressions, for loops,
//!   $((arithmetic))) never
//!   panic, and the shell keeps answering.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kubeplay_core::Cluster;
use kubeplay_core::api::kinds::by_kind;
use kubeplay_core::api::quantity::Quantity;
use kubeplay_core::api::yaml::decode_documents;
use kubeplay_core::kubectl::printers::yaml::to_yaml;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Map, Value};

/// How many cases each property runs (`FUZZ_CASES`, 64 by default so CI stays quick).
fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(64)
}

/// A runner with a fixed seed, so a CI failure reproduces.
fn runner() -> TestRunner {
    TestRunner::new_with_rng(
        Config {
            cases: cases(),
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    )
}

fn examples() -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                out.push(path);
            }
        }
    }
    // The corpus sits beside the repository (two levels up from core/, three from a worktree).
    let core = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for up in ["../../shared", "../../../shared"] {
        walk(&core.join(up).join("corpus/examples"), &mut files);
    }
    files.sort();
    files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .collect()
}

/// One way of damaging a manifest.
#[derive(Clone, Debug)]
enum Mutation {
    Cut { at: usize, len: usize },
    Insert { at: usize, text: String },
    DuplicateLine { line: usize },
    SwapLines { a: usize, b: usize },
    Truncate { at: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let text = prop::sample::select(vec![
        ":",
        " ",
        "\n",
        "- ",
        "  ",
        "{",
        "}",
        "[",
        "]",
        "\"",
        "'",
        "&a",
        "*a",
        "!!str ",
        "---\n",
        "~",
        "0x",
        "1e9",
        "-1",
        "null",
        "kind: Pod\n",
        "apiVersion: v1\n",
        "\t",
        "#",
        "|\n",
        ">-\n",
        "é",
        "\u{0}",
        "9999999999999999999999",
        "metadata:\n  name: x\n",
    ])
    .prop_map(str::to_string);
    prop_oneof![
        (any::<usize>(), 1usize..40).prop_map(|(at, len)| Mutation::Cut { at, len }),
        (any::<usize>(), text).prop_map(|(at, text)| Mutation::Insert { at, text }),
        any::<usize>().prop_map(|line| Mutation::DuplicateLine { line }),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines { a, b }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
    ]
}

fn apply_mutation(text: &str, m: &Mutation) -> String {
    let boundary = |at: usize| {
        let mut i = if text.is_empty() {
            0
        } else {
            at % (text.len() + 1)
        };
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let mut lines: Vec<&str> = text.lines().collect();
    match m {
        Mutation::Cut { at, len } => {
            let from = boundary(*at);
            let to = boundary(from + len).max(from);
            format!("{}{}", &text[..from], &text[to..])
        }
        Mutation::Insert { at, text: t } => {
            let at = boundary(*at);
            format!("{}{t}{}", &text[..at], &text[at..])
        }
        Mutation::DuplicateLine { line } if !lines.is_empty() => {
            let i = line % lines.len();
            lines.insert(i, lines[i]);
            lines.join("\n")
        }
        Mutation::SwapLines { a, b } if !lines.is_empty() => {
            let n = lines.len();
            lines.swap(a % n, b % n);
            lines.join("\n")
        }
        Mutation::Truncate { at } => text[..boundary(*at)].to_string(),
        _ => text.to_string(),
    }
}

#[test]
fn mangled_manifests_never_panic() -> Result<(), String> {
    let examples = examples();
    if examples.is_empty() {
        return Err("no corpus examples found".into());
    }
    let strategy = (
        prop::sample::select(examples),
        prop::collection::vec(mutation(), 1..4),
        prop::sample::select(vec!["apply", "create", "replace", "apply --server-side"]),
    );
    // One cluster takes every case, as a learner's does; the runner wants a `Fn`.
    let cluster = std::cell::RefCell::new(Cluster::new_default(1));
    let result = runner().run(&strategy, |(text, mutations, verb)| {
        let mut cluster = cluster.borrow_mut();
        let mangled = mutations.iter().fold(text, |t, m| apply_mutation(&t, m));
        cluster.write_file("fuzz.yaml", &mangled);
        let _ = cluster.exec(&format!("kubectl {verb} -f fuzz.yaml"));
        cluster.advance(1_000);
        // The cluster still answers.
        let out = cluster.exec("kubectl get ns default -o name");
        prop_assert_eq!(out.stdout, "namespace/default\n");
        Ok(())
    });
    result.map_err(|e| e.to_string())
}

/// Random JSON objects with the strings YAML is fussy about.
fn json_value() -> impl Strategy<Value = Value> {
    let tricky = prop::sample::select(vec![
        "",
        "yes",
        "no",
        "on",
        "off",
        "true",
        "null",
        "~",
        "1",
        "0x1F",
        "1e3",
        "-",
        "- a",
        ": x",
        "a: b",
        "#c",
        "x #y",
        " lead",
        "trail ",
        "multi\nline",
        "tab\there",
        "quote'd",
        "\"dq\"",
        "@at",
        "`tick",
        "%p",
        "!bang",
        "&anchor",
        "*alias",
        "{b}",
        "[s]",
        "é ü 한글",
        "0755",
        "+1",
        ".5",
        "1_000",
        "2026-01-01",
        "12:30",
        "\\back",
    ])
    .prop_map(|s| Value::String(s.to_string()));
    let leaf = prop_oneof![
        tricky,
        "[a-z0-9 .:/-]{0,12}".prop_map(Value::String),
        any::<i32>().prop_map(|n| Value::from(i64::from(n))),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z][a-zA-Z0-9_.-]{0,8}", inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

#[test]
fn yaml_round_trips() -> Result<(), String> {
    let strategy = prop::collection::btree_map("[a-z]{1,6}", json_value(), 1..6);
    let result = runner().run(&strategy, |fields: BTreeMap<String, Value>| {
        let object = Value::Object(fields.into_iter().collect());
        let text = to_yaml(&object);
        let back = decode_documents(&text)
            .map_err(|e| TestCaseError::fail(format!("our YAML does not parse: {e}\n{text}")))?;
        prop_assert_eq!(back.len(), 1, "{}", text);
        prop_assert_eq!(&back[0], &object, "{}", text);
        Ok(())
    });
    result.map_err(|e| e.to_string())
}

#[test]
fn resource_versions_only_grow() -> Result<(), String> {
    let command = prop::sample::select(vec![
        "kubectl create deployment web --image=nginx --replicas=2",
        "kubectl scale deployment web --replicas=4",
        "kubectl scale deployment web --replicas=0",
        "kubectl delete deployment web",
        "kubectl create configmap c --from-literal=a=b",
        "kubectl label configmap c x=y --overwrite",
        "kubectl delete configmap c",
        "kubectl run p --image=busybox --restart=Never -- sleep 5",
        "kubectl delete pod p --wait=false",
        "sleep 7",
    ]);
    let strategy = prop::collection::vec(command, 1..12);
    let result = runner().run(&strategy, |commands| {
        let mut cluster = Cluster::new_default(1);
        let mut seen: BTreeMap<String, u64> = BTreeMap::new();
        let mut last_revision = cluster.revision();
        for line in commands {
            cluster.exec(line);
            let revision = cluster.revision();
            prop_assert!(revision >= last_revision, "revision went back after {line}");
            last_revision = revision;
            let out = cluster.exec(
                "kubectl get deploy,rs,pods,cm -A -o jsonpath='{range .items[*]}{.metadata.uid} {.metadata.resourceVersion}{\"\\n\"}{end}'",
            );
            for row in out.stdout.lines() {
                let Some((uid, rv)) = row.split_once(' ') else { continue };
                let rv: u64 = rv.parse().unwrap_or(0);
                prop_assert!(rv <= revision, "object newer than the store after {line}");
                if let Some(before) = seen.insert(uid.to_string(), rv) {
                    prop_assert!(rv >= before, "{uid} went from {before} to {rv} after {line}");
                }
            }
        }
        Ok(())
    });
    result.map_err(|e| e.to_string())
}

/// What the pods bound to one node ask for, next to what the node offers: (cpu milli, memory
/// bytes, pod count) each.
#[derive(Debug, Default)]
struct Usage {
    requested: [i128; 3],
    allocatable: [i128; 3],
}

fn quantity(value: &Value, milli: bool) -> i128 {
    let q = value.as_str().and_then(|s| Quantity::parse(s).ok());
    q.map_or(0, |q| if milli { q.milli_value() } else { q.value() })
}

/// A container list's requests summed, as the scheduler's NodeResourcesFit counts them.
fn requests(containers: Option<&Value>) -> [i128; 2] {
    let mut sum = [0, 0];
    for c in containers.and_then(Value::as_array).into_iter().flatten() {
        let r = &c["resources"]["requests"];
        sum[0] += quantity(&r["cpu"], true);
        sum[1] += quantity(&r["memory"], false);
    }
    sum
}

/// Per node: the requests of its non-terminal pods (terminating ones still hold their share)
/// against its `status.allocatable`. Computed from the stored objects, not from the scheduler.
fn node_usage(cluster: &Cluster) -> BTreeMap<String, Usage> {
    let store = cluster.store();
    let mut usage = BTreeMap::new();
    for node in by_kind("", "Node")
        .map(|k| store.list(k, None))
        .into_iter()
        .flatten()
    {
        let a = &node["status"]["allocatable"];
        let name = node["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let allocatable = [
            quantity(&a["cpu"], true),
            quantity(&a["memory"], false),
            quantity(&a["pods"], false),
        ];
        usage.insert(
            name,
            Usage {
                allocatable,
                ..Usage::default()
            },
        );
    }
    for pod in by_kind("", "Pod")
        .map(|k| store.list(k, None))
        .into_iter()
        .flatten()
    {
        let phase = pod["status"]["phase"].as_str().unwrap_or_default();
        let node = pod["spec"]["nodeName"].as_str().unwrap_or_default();
        if matches!(phase, "Succeeded" | "Failed") {
            continue;
        }
        let Some(u) = usage.get_mut(node) else {
            continue;
        };
        let app = requests(pod["spec"].get("containers"));
        let init = requests(pod["spec"].get("initContainers"));
        u.requested[0] += app[0].max(init[0]);
        u.requested[1] += app[1].max(init[1]);
        u.requested[2] += 1;
    }
    usage
}

fn check_allocatable(cluster: &Cluster, after: &str) -> Result<(), TestCaseError> {
    for (node, u) in node_usage(cluster) {
        for (i, what) in ["cpu (m)", "memory", "pods"].iter().enumerate() {
            prop_assert!(
                u.requested[i] <= u.allocatable[i],
                "node {node} over its allocatable {what} after {after}: {} > {}",
                u.requested[i],
                u.allocatable[i]
            );
        }
    }
    Ok(())
}

#[test]
fn no_node_over_allocatable() -> Result<(), String> {
    let command = prop::sample::select(vec![
        "kubeplay node add s1 --cpu=1 --memory=1Gi --pods=4",
        "kubeplay node add s2 --cpu=2 --memory=2Gi --pods=6",
        "kubeplay node remove s1",
        "kubeplay node stop s2",
        "kubeplay node start s2",
        "kubectl cordon s1",
        "kubectl uncordon s1",
        "kubectl create deployment a --image=nginx --replicas=3",
        "kubectl set resources deployment a --requests=cpu=400m,memory=300Mi",
        "kubectl set resources deployment a --requests=cpu=100m,memory=900Mi",
        "kubectl scale deployment a --replicas=8",
        "kubectl scale deployment a --replicas=1",
        "kubectl create deployment b --image=httpd --replicas=2",
        "kubectl set resources deployment b --requests=cpu=1,memory=64Mi",
        "kubectl scale deployment b --replicas=6",
        "kubectl delete pods -l app=a --wait=false",
        "kubectl delete deployment b",
        "sleep 10",
        "sleep 90",
    ]);
    let strategy = prop::collection::vec(command, 1..14);
    let result = runner().run(&strategy, |commands| {
        let mut cluster = Cluster::new_default(1);
        // The default nodes are roomy; cordoned, they leave the small ones to fill up.
        for node in [
            "kubeplay-control-plane",
            "kubeplay-worker",
            "kubeplay-worker2",
        ] {
            cluster.exec(&format!("kubectl cordon {node}"));
        }
        for line in &commands {
            cluster.exec(line);
            check_allocatable(&cluster, line)?;
        }
        cluster.run_until_settled(60_000, 600_000);
        check_allocatable(&cluster, "settling")?;
        Ok(())
    });
    result.map_err(|e| e.to_string())
}

/// Text made of the characters the little languages give meaning to.
fn program() -> impl Strategy<Value = String> {
    let alphabet: Vec<char> = "{}()[]$|.,;:!~=<>-+*?^/\\\"' 0123abxyNRFpsgd&%\n\té한"
        .chars()
        .collect();
    prop::collection::vec(prop::sample::select(alphabet), 0..40)
        .prop_map(|chars| chars.into_iter().collect())
}

#[test]
fn little_languages_never_panic() -> Result<(), String> {
    let tools = [
        "sed",
        "sed -n",
        "sed -E",
        "awk",
        "grep",
        "grep -E",
        "cut -f",
        "cut -d: -f",
        "tr",
        "tr -d",
        "kubectl get nodes -o go-template=",
        "echo x",
        "for",
        "arith",
        "jq",
    ];
    let strategy = (prop::sample::select(tools.to_vec()), program());
    let cluster = std::cell::RefCell::new(Cluster::new_default(1));
    let result = runner().run(&strategy, |(tool, text)| {
        let mut cluster = cluster.borrow_mut();
        // Single-quoted, so the shell hands the text over as it is.
        let quoted = format!("'{}'", text.replace('\'', "'\\''"));
        let line = if tool.ends_with('=') {
            format!("{tool}{quoted}")
        } else if tool == "for" {
            format!("for i in {text}; do echo $i; done; echo")
        } else if tool == "jq" {
            format!(
                "kubectl get pods -A -o json | jq -c {quoted}; echo '{{\"a\":[1,\"x\",{{}}]}} 2' | jq -r {quoted}"
            )
        } else if tool == "arith" {
            format!("echo $(({}))", text.replace(['(', ')', '\''], ""))
        } else if tool == "echo x" {
            format!(
                "echo {}",
                text.replace(
                    [
                        '\'', '"', '\\', '`', '$', '\n', ';', '|', '&', '<', '>', '(', ')'
                    ],
                    ""
                )
            )
        } else {
            // The text as the program and again as an option.
            format!("kubectl get pods -A | {tool} {quoted}; echo | {tool} -{quoted}")
        };
        let _ = cluster.exec(&line);
        let out = cluster.exec("kubectl get ns default -o name");
        prop_assert_eq!(out.stdout, "namespace/default\n");
        Ok(())
    });
    result.map_err(|e| e.to_string())
}
