//! Table tests of the filters, scores and preemption on small hand-made clusters, and a
//! property test of the whole scheduler in the event loop.

use serde_json::{Value, json};

use super::plugins::{self, NodeInfo};
use super::{Code, evaluate, preemption};
use crate::bootstrap::{Machine, node_object};
use crate::controllers::kind;
use crate::rng::Rng;
use crate::store::Store;
use crate::time::Time;

/// A store with namespaces `default` and `team` (labelled `team=a`) and their accounts.
fn store() -> Store {
    let mut s = Store::new(11);
    for (ns, labels) in [("default", json!({})), ("team", json!({"team": "a"}))] {
        s.create(
            kind("", "Namespace"),
            json!({"metadata": {"name": ns, "labels": labels}}),
        )
        .unwrap();
        s.create(
            kind("", "ServiceAccount"),
            json!({"metadata": {"name": "default", "namespace": ns}}),
        )
        .unwrap();
    }
    s
}

/// A node with `labels` (and its hostname label), 8 CPUs.
fn node(s: &mut Store, name: &str, labels: &[(&str, &str)]) {
    let mut machine = Machine::new(name, "172.18.0.9", "10.244.9.0/24", false);
    machine.labels = labels
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    s.create(kind("", "Node"), node_object(&machine, Time::GENESIS))
        .unwrap();
}

/// A pod in `namespace` with `labels`, on `node` (or pending with `""`), and `spec` merged in.
fn pod(s: &mut Store, namespace: &str, name: &str, node: &str, labels: Value, spec: Value) {
    let mut full = json!({"containers": [{"name": "c", "image": "nginx"}]});
    if let (Some(full), Some(extra)) = (full.as_object_mut(), spec.as_object()) {
        for (k, v) in extra {
            full.insert(k.clone(), v.clone());
        }
    }
    if !node.is_empty() {
        full["nodeName"] = json!(node);
    }
    s.create(
        kind("", "Pod"),
        json!({"metadata": {"name": name, "namespace": namespace, "labels": labels}, "spec": full}),
    )
    .unwrap();
}

fn get<'s>(s: &'s Store, namespace: &str, name: &str) -> &'s Value {
    s.get(kind("", "Pod"), namespace, name).unwrap()
}

/// Each node's verdict for the pod: `""` when it fits, else the first reason and whether
/// preemption could help (`!` when it cannot).
fn verdicts(s: &Store, namespace: &str, name: &str) -> Vec<(String, String)> {
    let nodes = NodeInfo::snapshot(s);
    let pod = get(s, namespace, name);
    let evaluation = evaluate(pod, &nodes, s, &preemption::Nominated::new());
    nodes
        .iter()
        .map(|n| {
            let verdict = match evaluation.rejected.get(n.name()) {
                None => String::new(),
                Some(r) => format!(
                    "{}{}",
                    if r.code == Code::UnschedulableAndUnresolvable {
                        "!"
                    } else {
                        ""
                    },
                    r.reasons.join(", ")
                ),
            };
            (n.name().to_string(), verdict)
        })
        .collect()
}

fn term(selector: Value, key: &str) -> Value {
    json!({"labelSelector": selector, "topologyKey": key})
}

fn required(which: &str, terms: Vec<Value>) -> Value {
    json!({"affinity": {which: {"requiredDuringSchedulingIgnoredDuringExecution": terms}}})
}

const HOST: &str = "kubernetes.io/hostname";
const ZONE: &str = "topology.kubernetes.io/zone";
const AFFINITY: &str = "!node(s) didn't match pod affinity rules";
const ANTI: &str = "node(s) didn't match pod anti-affinity rules";
const EXISTING: &str = "node(s) didn't satisfy existing pods anti-affinity rules";

/// Three nodes in two zones: n1, n2 in zone a; n3 in zone b.
fn zoned() -> Store {
    let mut s = store();
    node(&mut s, "n1", &[(ZONE, "a")]);
    node(&mut s, "n2", &[(ZONE, "a")]);
    node(&mut s, "n3", &[(ZONE, "b")]);
    s
}

type Running = Vec<(&'static str, &'static str, &'static str, Value, Value)>;

#[test]
fn inter_pod_affinity_filters_as_upstream() {
    let app = |v: &str| json!({"matchLabels": {"app": v}});
    // (case, pods running: namespace, name, node, labels, spec; the incoming pod's spec;
    //  expected verdicts on n1, n2, n3 — "!" marks UnschedulableAndUnresolvable)
    let cases: Vec<(&str, Running, Value, [&str; 3])> = vec![
        (
            "anti-affinity on hostname keeps it off the node with a match",
            vec![("default", "db", "n1", json!({"app": "db"}), json!({}))],
            required("podAntiAffinity", vec![term(app("db"), HOST)]),
            [ANTI, "", ""],
        ),
        (
            "anti-affinity on zone keeps it out of the whole zone",
            vec![("default", "db", "n1", json!({"app": "db"}), json!({}))],
            required("podAntiAffinity", vec![term(app("db"), ZONE)]),
            [ANTI, ANTI, ""],
        ),
        (
            "affinity on zone: any node of the partner's zone",
            vec![("default", "cache", "n2", json!({"app": "cache"}), json!({}))],
            required("podAffinity", vec![term(app("cache"), ZONE)]),
            ["", "", AFFINITY],
        ),
        (
            "a partner in another namespace does not count",
            vec![("default", "cache", "n2", json!({"app": "cache"}), json!({}))],
            required(
                "podAffinity",
                vec![
                    json!({"labelSelector": app("cache"), "topologyKey": ZONE, "namespaces": ["team"]}),
                ],
            ),
            [AFFINITY, AFFINITY, AFFINITY],
        ),
        (
            "a namespace selector picks the partner's namespace by its labels",
            vec![("team", "partner", "n3", json!({"app": "cache"}), json!({}))],
            required(
                "podAffinity",
                vec![json!({"labelSelector": app("cache"), "topologyKey": ZONE,
                            "namespaceSelector": {"matchLabels": {"team": "a"}}})],
            ),
            [AFFINITY, AFFINITY, ""],
        ),
        (
            "the first pod of a group with affinity to itself may go anywhere with the key",
            vec![],
            required("podAffinity", vec![term(app("web"), ZONE)]),
            ["", "", ""],
        ),
        (
            "once a group member runs, the others must join it",
            vec![("default", "first", "n3", json!({"app": "web"}), json!({}))],
            required("podAffinity", vec![term(app("web"), ZONE)]),
            [AFFINITY, AFFINITY, ""],
        ),
        (
            "an existing pod's anti-affinity keeps the incoming pod away (symmetry)",
            vec![(
                "default",
                "loner",
                "n3",
                json!({"app": "loner"}),
                required("podAntiAffinity", vec![term(app("web"), ZONE)]),
            )],
            json!({}),
            ["", "", EXISTING],
        ),
    ];
    for (what, running, spec, expected) in cases {
        let mut s = zoned();
        for (namespace, name, node, labels, extra) in running {
            pod(&mut s, namespace, name, node, labels, extra);
        }
        pod(
            &mut s,
            "default",
            "incoming",
            "",
            json!({"app": "web"}),
            spec,
        );
        let got: Vec<String> = verdicts(&s, "default", "incoming")
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        assert_eq!(got, expected, "{what}");
    }
}

#[test]
fn a_node_without_the_topology_key_fails_affinity() {
    let mut s = zoned();
    node(&mut s, "bare", &[]);
    pod(
        &mut s,
        "default",
        "cache",
        "n1",
        json!({"app": "cache"}),
        json!({}),
    );
    pod(
        &mut s,
        "default",
        "incoming",
        "",
        json!({"app": "web"}),
        required(
            "podAffinity",
            vec![term(json!({"matchLabels": {"app": "cache"}}), ZONE)],
        ),
    );
    let got = verdicts(&s, "default", "incoming");
    assert_eq!(
        got.iter()
            .find(|(n, _)| n == "bare")
            .map(|(_, v)| v.as_str()),
        Some("!node(s) didn't match pod affinity rules")
    );
}

fn spread(max_skew: i64, key: &str, when: &str, extra: Value) -> Value {
    let mut c = json!({"maxSkew": max_skew, "topologyKey": key, "whenUnsatisfiable": when,
                       "labelSelector": {"matchLabels": {"app": "web"}}});
    if let (Some(c), Some(extra)) = (c.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            c.insert(k.clone(), v.clone());
        }
    }
    json!({"topologySpreadConstraints": [c]})
}

/// Pods of app=web on `running` nodes (one per entry), and a pending `incoming` one with `spec`.
fn web_pods(s: &mut Store, running: &[&str], spec: Value) {
    for (i, n) in running.iter().enumerate() {
        let name = format!("w{i}");
        pod(s, "default", &name, n, json!({"app": "web"}), json!({}));
    }
    pod(s, "default", "incoming", "", json!({"app": "web"}), spec);
}

#[test]
fn topology_spread_filters_on_skew_min_domains_and_labels() {
    const SKEW: &str = "node(s) didn't match pod topology spread constraints";
    const MISSING: &str =
        "!node(s) didn't match pod topology spread constraints (missing required label)";
    // (pods of app=web already running per node, constraint, expected verdicts n1 n2 n3 bare)
    let cases: Vec<(&str, Vec<&str>, Value, [&str; 4])> = vec![
        (
            "zone a has 2, zone b 0: only zone b is within maxSkew 1",
            vec!["n1", "n2"],
            spread(1, ZONE, "DoNotSchedule", json!({})),
            [SKEW, SKEW, "", MISSING],
        ),
        (
            "maxSkew 2 allows zone a a third",
            vec!["n1", "n2"],
            spread(2, ZONE, "DoNotSchedule", json!({})),
            [SKEW, SKEW, "", MISSING],
        ),
        (
            "hostname: the emptiest nodes (0) set the minimum",
            vec!["n1", "n1", "n2"],
            spread(1, HOST, "DoNotSchedule", json!({})),
            [SKEW, SKEW, "", ""],
        ),
        (
            "minDomains above the domains that exist: the minimum is 0",
            vec!["n3"],
            spread(1, ZONE, "DoNotSchedule", json!({"minDomains": 3})),
            ["", "", SKEW, MISSING],
        ),
        (
            "ScheduleAnyway never filters",
            vec!["n1", "n2"],
            spread(1, ZONE, "ScheduleAnyway", json!({})),
            ["", "", "", ""],
        ),
    ];
    for (what, running, spec, expected) in cases {
        let mut s = zoned();
        node(&mut s, "bare", &[]);
        web_pods(&mut s, &running, spec);
        let got: Vec<(String, String)> = verdicts(&s, "default", "incoming");
        let order = ["n1", "n2", "n3", "bare"];
        for (node, want) in order.iter().zip(expected) {
            let have = got
                .iter()
                .find(|(n, _)| n == node)
                .map(|(_, v)| v.as_str())
                .unwrap_or("?");
            assert_eq!(have, want, "{what}: node {node}");
        }
    }
}

#[test]
fn topology_spread_ignores_other_namespaces_and_terminating_pods() {
    let mut s = zoned();
    pod(
        &mut s,
        "team",
        "other",
        "n1",
        json!({"app": "web"}),
        json!({}),
    );
    pod(
        &mut s,
        "default",
        "going",
        "n2",
        json!({"app": "web"}),
        json!({}),
    );
    s.delete(
        kind("", "Pod"),
        "default",
        "going",
        crate::store::DeleteOptions::default(),
    )
    .unwrap();
    pod(
        &mut s,
        "default",
        "incoming",
        "",
        json!({"app": "web"}),
        spread(1, HOST, "DoNotSchedule", json!({})),
    );
    assert!(
        verdicts(&s, "default", "incoming")
            .iter()
            .all(|(_, v)| v.is_empty())
    );
}

/// The plugin scores of the feasible nodes for a pod, by node.
fn scores(s: &Store, name: &str, plugin: usize) -> Vec<(String, i64)> {
    let nodes = NodeInfo::snapshot(s);
    let pod = get(s, "default", name);
    let evaluation = evaluate(pod, &nodes, s, &preemption::Nominated::new());
    evaluation
        .feasible
        .iter()
        .map(|(i, sc)| (nodes[*i].name().to_string(), sc[plugin]))
        .collect()
}

#[test]
fn preferred_affinity_scores_are_weighted_and_normalized() {
    let mut s = zoned();
    pod(
        &mut s,
        "default",
        "cache",
        "n1",
        json!({"app": "cache"}),
        json!({}),
    );
    pod(
        &mut s,
        "default",
        "noisy",
        "n3",
        json!({"app": "noisy"}),
        json!({}),
    );
    let preferred = |selector: &str, weight: i64| json!({"weight": weight, "podAffinityTerm": {"labelSelector": {"matchLabels": {"app": selector}}, "topologyKey": ZONE}});
    pod(
        &mut s,
        "default",
        "incoming",
        "",
        json!({"app": "web"}),
        json!({"affinity": {
            "podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [preferred("cache", 80)]},
            "podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [preferred("noisy", 20)]}
        }}),
    );
    // Raw: zone a +80, zone b -20; normalized between them.
    assert_eq!(
        scores(&s, "incoming", 4),
        vec![("n1".into(), 100), ("n2".into(), 100), ("n3".into(), 0)]
    );
    // A pod without preferences of its own is drawn to pods whose affinity names it.
    pod(
        &mut s,
        "default",
        "fan",
        "n3",
        json!({"app": "fan"}),
        required(
            "podAffinity",
            vec![term(json!({"matchLabels": {"app": "star"}}), ZONE)],
        ),
    );
    pod(
        &mut s,
        "default",
        "star",
        "",
        json!({"app": "star"}),
        json!({}),
    );
    assert_eq!(
        scores(&s, "star", 4),
        vec![("n1".into(), 0), ("n2".into(), 0), ("n3".into(), 100)]
    );
}

#[test]
fn schedule_anyway_spread_prefers_the_emptier_domain() {
    let mut s = zoned();
    web_pods(
        &mut s,
        &["n1", "n2"],
        spread(1, ZONE, "ScheduleAnyway", json!({})),
    );
    let got = scores(&s, "incoming", 3);
    // Zone a holds 2 (weight ln(4)), zone b none: n3 best.
    assert_eq!(
        got,
        vec![("n1".into(), 0), ("n2".into(), 0), ("n3".into(), 100)]
    );
}

/// A PriorityClass `p<value>` (created once).
fn class(s: &mut Store, value: i64, never: bool) -> String {
    let name = format!("p{value}{}", if never { "-never" } else { "" });
    let policy = if never {
        "Never"
    } else {
        "PreemptLowerPriority"
    };
    let _ = s.create(
        kind("scheduling.k8s.io", "PriorityClass"),
        json!({"metadata": {"name": name}, "value": value, "preemptionPolicy": policy}),
    );
    name
}

/// A pod of priority `priority` requesting `cpu`, running on `node` since second `started`
/// (or pending with `""`).
fn prioritized(
    s: &mut Store,
    name: &str,
    node: &str,
    priority: i64,
    cpu: &str,
    labels: Value,
    started: i64,
) {
    let class = class(s, priority, false);
    pod(
        s,
        "default",
        name,
        node,
        labels,
        json!({"priorityClassName": class,
               "containers": [{"name": "c", "image": "nginx", "resources": {"requests": {"cpu": cpu}}}]}),
    );
    if !node.is_empty() {
        let mut p = get(s, "default", name).clone();
        p["status"]["startTime"] = json!(Time::GENESIS.plus_millis(started * 1000).rfc3339());
        p["status"]["phase"] = json!("Running");
        s.update_status(kind("", "Pod"), &p).unwrap();
    }
}

/// What preemption does for pending pod `name`: the node and victims, or its message.
fn preempt_for(s: &Store, name: &str) -> Result<(String, Vec<String>), String> {
    let nodes = NodeInfo::snapshot(s);
    let pod = get(s, "default", name);
    let nominated = preemption::Nominated::new();
    let evaluation = evaluate(pod, &nodes, s, &nominated);
    let Ok(cycle) = evaluation.cycle else {
        return Err("prefilter".into());
    };
    match preemption::preempt(
        &cycle,
        &nodes,
        &evaluation.rejected,
        &nominated,
        &mut Rng::new(1),
        Time::GENESIS.plus_millis(100_000),
    ) {
        preemption::Outcome::Nominated { node, victims } => Ok((
            node,
            victims
                .iter()
                .map(|v| crate::api::meta::name(v).to_string())
                .collect(),
        )),
        other => Err(other.message().unwrap_or_default()),
    }
}

#[test]
fn preemption_evicts_the_fewest_lowest_pods_and_prefers_cheap_nodes() {
    let mut s = store();
    node(&mut s, "n1", &[]);
    node(&mut s, "n2", &[]);
    // n1: two pods of priority 10 (3 CPUs each); n2: one of 5 (4 CPUs) and one of 20 (3).
    prioritized(&mut s, "a", "n1", 10, "3", json!({"app": "a"}), 1);
    prioritized(&mut s, "b", "n1", 10, "3", json!({"app": "b"}), 2);
    prioritized(&mut s, "c", "n2", 5, "4", json!({"app": "c"}), 3);
    prioritized(&mut s, "d", "n2", 20, "3", json!({"app": "d"}), 4);
    // 4 CPUs: on n1 one pod of 10 must go, on n2 the pod of 5 is enough (lower priority).
    prioritized(&mut s, "high", "", 100, "4", json!({}), 0);
    assert_eq!(preempt_for(&s, "high"), Ok(("n2".into(), vec!["c".into()])));
    // 6 CPUs: n1 loses both of its pods (two victims of 10), n2 loses `c` and `d` (its
    // highest victim is 20): n1 wins on the lower highest priority.
    prioritized(&mut s, "higher", "", 100, "6", json!({}), 0);
    assert_eq!(
        preempt_for(&s, "higher"),
        Ok(("n1".into(), vec!["a".into(), "b".into()]))
    );
}

#[test]
fn preemption_respects_disruption_budgets_and_policy() {
    let mut s = store();
    node(&mut s, "n1", &[]);
    node(&mut s, "n2", &[]);
    prioritized(&mut s, "a", "n1", 10, "6", json!({"app": "guarded"}), 1);
    prioritized(&mut s, "b", "n2", 10, "6", json!({"app": "free"}), 2);
    let mut budget = s
        .create(
            kind("policy", "PodDisruptionBudget"),
            json!({"metadata": {"name": "guard", "namespace": "default"},
                   "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "guarded"}}}}),
        )
        .unwrap();
    budget["status"] = json!({"disruptionsAllowed": 0, "observedGeneration": 1});
    s.update_status(kind("policy", "PodDisruptionBudget"), &budget)
        .unwrap();
    // Both nodes need one victim; n1's would break its budget.
    prioritized(&mut s, "high", "", 100, "4", json!({}), 0);
    assert_eq!(preempt_for(&s, "high"), Ok(("n2".into(), vec!["b".into()])));
    // Nothing of lower priority anywhere: no victims.
    prioritized(&mut s, "low", "", 10, "4", json!({}), 0);
    assert_eq!(
        preempt_for(&s, "low"),
        Err("0/2 nodes are available: 2 No preemption victims found for incoming pod.".into())
    );
    // More than a node holds: not even without its pods (and nothing for preemption to fix).
    prioritized(&mut s, "huge", "", 100, "20", json!({}), 0);
    assert_eq!(
        preempt_for(&s, "huge"),
        Err("0/2 nodes are available: 2 Preemption is not helpful for scheduling.".into())
    );
    let never = class(&mut s, 100, true);
    pod(
        &mut s,
        "default",
        "polite",
        "",
        json!({}),
        json!({"priorityClassName": never,
               "containers": [{"name": "c", "image": "nginx", "resources": {"requests": {"cpu": "4"}}}]}),
    );
    assert_eq!(
        preempt_for(&s, "polite"),
        Err(preemption::POLICY_NEVER.into())
    );
}

#[test]
fn nominated_pods_keep_their_room() {
    let mut s = store();
    node(&mut s, "n1", &[]);
    prioritized(&mut s, "big", "", 100, "6", json!({}), 0);
    prioritized(&mut s, "small", "", 10, "4", json!({}), 0);
    let nodes = NodeInfo::snapshot(&s);
    let big = get(&s, "default", "big");
    let mut nominated = preemption::Nominated::new();
    nominated.insert("n1".into(), vec![big]);
    let small = get(&s, "default", "small");
    let evaluation = evaluate(small, &nodes, &s, &nominated);
    assert_eq!(
        evaluation.rejected.get("n1").map(|r| r.reasons.clone()),
        Some(vec!["Insufficient cpu".to_string()])
    );
    // The nominated pod itself is not in its own way.
    let evaluation = evaluate(big, &nodes, &s, &nominated);
    assert!(evaluation.rejected.is_empty());
}

#[test]
fn default_normalize_matches_upstream() {
    let mut v = vec![0, 2, 4];
    plugins::default_normalize(&mut v, false);
    assert_eq!(v, vec![0, 50, 100]);
    let mut v = vec![0, 1, 2];
    plugins::default_normalize(&mut v, true);
    assert_eq!(v, vec![100, 50, 0]);
    let mut v = vec![0, 0];
    plugins::default_normalize(&mut v, true);
    assert_eq!(v, vec![100, 100]);
}

/// Whatever pods come, with whatever requests, priorities and required (anti-)affinities, once
/// the cluster has settled no node holds more than it can allocate and no required
/// anti-affinity is broken; without priorities (nothing preempted), every required affinity
/// holds too (or the pod is the first of its own group).
#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::{HOST, ZONE};
    use crate::api::{meta, quantity};
    use crate::bootstrap::{Machine, node_object};
    use crate::controllers::kind;
    use crate::scheduler::plugins::inter_pod_affinity::{Term, required_terms};
    use crate::store::Store;

    #[derive(Clone, Debug)]
    struct PodPlan {
        app: u8,
        cpu_millis: u32,
        memory_mi: u32,
        /// 0 none, 1 anti-affinity, 2 affinity; to pods of `target`, over `zone` or hostname.
        affinity: u8,
        target: u8,
        zone: bool,
        priority: u8,
    }

    fn plan() -> impl Strategy<Value = PodPlan> {
        (
            0u8..3,
            0u32..3000,
            0u32..3000,
            0u8..3,
            0u8..3,
            any::<bool>(),
            0u8..3,
        )
            .prop_map(
                |(app, cpu_millis, memory_mi, affinity, target, zone, priority)| PodPlan {
                    app,
                    cpu_millis,
                    memory_mi,
                    affinity,
                    target,
                    zone,
                    priority,
                },
            )
    }

    fn manifest(i: usize, p: &PodPlan, priorities: bool) -> Value {
        let mut spec = json!({"containers": [{"name": "c", "image": "nginx", "resources": {"requests": {
            "cpu": format!("{}m", p.cpu_millis), "memory": format!("{}Mi", p.memory_mi)}}}]});
        let term = json!({"labelSelector": {"matchLabels": {"app": format!("a{}", p.target)}},
                          "topologyKey": if p.zone { ZONE } else { HOST }});
        match p.affinity {
            1 => {
                spec["affinity"] = json!({"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}})
            }
            2 => {
                spec["affinity"] = json!({"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}})
            }
            _ => {}
        }
        if priorities && p.priority > 0 {
            spec["priorityClassName"] = json!(format!("level{}", p.priority));
        }
        json!({"metadata": {"name": format!("p{i}"), "namespace": "default",
                            "labels": {"app": format!("a{}", p.app)}}, "spec": spec})
    }

    fn label<'a>(node: &'a Value, key: &str) -> Option<&'a str> {
        meta::labels(node)
            .and_then(|l| l.get(key))
            .and_then(Value::as_str)
    }

    /// Bound pods that are still there, with their node objects.
    fn placed(store: &Store) -> Vec<(&Value, &Value)> {
        store
            .list(kind("", "Pod"), Some("default"))
            .filter(|p| !matches!(meta::str_at(p, "/status/phase"), "Succeeded" | "Failed"))
            .filter_map(|p| {
                let node = store
                    .get(kind("", "Node"), "", meta::str_at(p, "/spec/nodeName"))
                    .ok()?;
                Some((p, node))
            })
            .collect()
    }

    fn same_domain(a: &Value, b: &Value, term: &Term<'_>) -> bool {
        matches!((label(a, term.topology_key), label(b, term.topology_key)), (Some(x), Some(y)) if x == y)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]
        #[test]
        fn no_node_is_overcommitted_and_required_affinities_hold(
            plans in proptest::collection::vec(plan(), 1..16),
            priorities in any::<bool>(),
            seed in 0u64..1000,
        ) {
            let mut sim = crate::bootstrap::default_cluster(seed);
            for (name, zone, octet) in [("z-a1", "a", 10), ("z-a2", "a", 11), ("z-b1", "b", 12)] {
                let mut machine = Machine::new(name, &format!("172.18.0.{octet}"), &format!("10.244.{octet}.0/24"), false);
                machine.cpu = "4".into();
                machine.pods = "6".into();
                machine.labels = vec![(ZONE.into(), zone.into())];
                sim.store.create(kind("", "Node"), node_object(&machine, sim.now())).unwrap();
            }
            for level in 1..3 {
                sim.store.create(kind("scheduling.k8s.io", "PriorityClass"),
                    json!({"metadata": {"name": format!("level{level}")}, "value": level * 100})).unwrap();
            }
            for (i, p) in plans.iter().enumerate() {
                sim.store.create(kind("", "Pod"), manifest(i, p, priorities)).unwrap();
                sim.advance(1000);
            }
            sim.advance(120_000);
            let store = &sim.store;
            // Resources: every node within its allocatable.
            for node in store.list(kind("", "Node"), None) {
                let on_node: Vec<&Value> = store.list(kind("", "Pod"), None)
                    .filter(|p| meta::str_at(p, "/spec/nodeName") == meta::name(node))
                    .filter(|p| !matches!(meta::str_at(p, "/status/phase"), "Succeeded" | "Failed"))
                    .collect();
                let allocatable = |r: &str| quantity::parse_milli(meta::str_at(node, &format!("/status/allocatable/{r}"))).unwrap_or(0);
                let requested = |r: &str| -> i128 {
                    on_node.iter().flat_map(|p| p["spec"]["containers"].as_array().cloned().unwrap_or_default())
                        .filter_map(|c| c.pointer(&format!("/resources/requests/{r}")).and_then(Value::as_str).and_then(quantity::parse_milli))
                        .sum()
                };
                prop_assert!(requested("cpu") <= allocatable("cpu"), "cpu over on {}", meta::name(node));
                prop_assert!(requested("memory") <= allocatable("memory"), "memory over on {}", meta::name(node));
                prop_assert!(on_node.len() as i128 * 1000 <= allocatable("pods"), "pods over on {}", meta::name(node));
            }
            let placed = placed(store);
            // Not vacuous: a first pod without affinity always finds room.
            prop_assert!(plans[0].affinity != 0 || !placed.is_empty(), "nothing was placed");
            for (pod, node) in &placed {
                for term in required_terms(pod, "podAntiAffinity") {
                    for (other, other_node) in &placed {
                        prop_assert!(
                            meta::uid(pod) == meta::uid(other)
                                || !(term.matches(other, store) && same_domain(node, other_node, &term)),
                            "{} and {} share a {} domain", meta::name(pod), meta::name(other), term.topology_key
                        );
                    }
                }
                let terms = required_terms(pod, "podAffinity");
                if priorities || terms.is_empty() || terms.iter().all(|t| t.matches(pod, store)) {
                    continue;
                }
                let partnered = placed.iter().any(|(other, other_node)| {
                    meta::uid(pod) != meta::uid(other)
                        && terms.iter().all(|t| t.matches(other, store) && same_domain(node, other_node, t))
                });
                prop_assert!(partnered, "{} runs without its partner", meta::name(pod));
            }
        }
    }
}
