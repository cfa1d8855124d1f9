//! InterPodAffinity: where a pod may go, and prefers to go, given the pods already running.
//!
//! Filter (required terms): every `podAffinity` term must find a matching pod in the node's
//! topology domain (unless no pod anywhere matches and the pod matches its own terms — the
//! first pod of a group that wants to be together); no `podAntiAffinity` term may find one;
//! and no pod already running may have an anti-affinity term that matches the incoming pod in
//! that domain (symmetry). As upstream, PreFilter counts matches per topology pair
//! (`topologyKey`, node label value) once per cycle, so Filter only looks labels up.
//!
//! Score (preferred terms, and the terms of existing pods that name the incoming pod): each
//! matching pair adds or takes away the term's weight (an existing pod's required affinity
//! counts as weight 1); a node scores the sum over its labels, normalized between the lowest
//! and the highest (0 stays in the range).
//!
//! `matchLabelKeys`/`mismatchLabelKeys` are not read here: the API server merges them into the
//! term's `labelSelector` when the pod is created, as upstream's pod strategy does.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::NodeInfo;
use crate::api::{meta, selector};
use crate::controllers::kind;
use crate::scheduler::{Code, Rejection};
use crate::store::Store;

pub const NAME: &str = "InterPodAffinity";
pub const AFFINITY_REASON: &str = "node(s) didn't match pod affinity rules";
pub const ANTI_AFFINITY_REASON: &str = "node(s) didn't match pod anti-affinity rules";
pub const EXISTING_ANTI_AFFINITY_REASON: &str =
    "node(s) didn't satisfy existing pods anti-affinity rules";

/// What an existing pod's required affinity term weighs in scoring (`hardPodAffinityWeight`).
const HARD_POD_AFFINITY_WEIGHT: i64 = 1;

/// Whether the pod has any inter-pod affinity or anti-affinity (upstream's `PodsWithAffinity`).
pub fn has_pod_affinity(pod: &Value) -> bool {
    pod.pointer("/spec/affinity")
        .is_some_and(|a| a.get("podAffinity").is_some() || a.get("podAntiAffinity").is_some())
}

/// One `PodAffinityTerm`, as read from the pod that carries it.
#[derive(Clone, Debug)]
pub struct Term<'a> {
    /// Namespaces named in the term (the owner's own when neither these nor a namespace
    /// selector are given).
    namespaces: Vec<&'a str>,
    /// `None` selects no namespace; `{}` every namespace.
    namespace_selector: Option<&'a Value>,
    /// `None` (no labelSelector) matches no pod.
    selector: Option<&'a Value>,
    pub topology_key: &'a str,
    pub weight: i64,
}

impl<'a> Term<'a> {
    fn read(owner: &'a Value, term: &'a Value, weight: i64) -> Term<'a> {
        let mut namespaces: Vec<&str> = term
            .get("namespaces")
            .and_then(Value::as_array)
            .map(|l| l.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let namespace_selector = term.get("namespaceSelector").filter(|s| !s.is_null());
        if namespaces.is_empty() && namespace_selector.is_none() {
            namespaces.push(meta::namespace(owner));
        }
        Term {
            namespaces,
            namespace_selector,
            selector: term.get("labelSelector").filter(|s| !s.is_null()),
            topology_key: meta::str_at(term, "/topologyKey"),
            weight,
        }
    }

    /// `AffinityTerm.Matches`: the pod is in one of the term's namespaces (named, or selected
    /// by their labels) and its labels match the selector.
    pub fn matches(&self, pod: &Value, store: &Store) -> bool {
        let namespace = meta::namespace(pod);
        let in_namespace = self.namespaces.contains(&namespace)
            || self
                .namespace_selector
                .is_some_and(|s| selector::matches(Some(s), namespace_labels(store, namespace)));
        in_namespace && selector::matches(self.selector, meta::labels(pod))
    }
}

fn namespace_labels<'s>(store: &'s Store, namespace: &str) -> Option<&'s Map<String, Value>> {
    store
        .get(kind("", "Namespace"), "", namespace)
        .ok()
        .and_then(meta::labels)
}

/// The pod's `requiredDuringSchedulingIgnoredDuringExecution` terms of `which`
/// (`podAffinity` or `podAntiAffinity`).
pub fn required_terms<'a>(pod: &'a Value, which: &str) -> Vec<Term<'a>> {
    pod.pointer(&format!(
        "/spec/affinity/{which}/requiredDuringSchedulingIgnoredDuringExecution"
    ))
    .and_then(Value::as_array)
    .map(|terms| terms.iter().map(|t| Term::read(pod, t, 1)).collect())
    .unwrap_or_default()
}

/// The pod's preferred terms of `which`, with their weights.
pub fn preferred_terms<'a>(pod: &'a Value, which: &str) -> Vec<Term<'a>> {
    pod.pointer(&format!(
        "/spec/affinity/{which}/preferredDuringSchedulingIgnoredDuringExecution"
    ))
    .and_then(Value::as_array)
    .map(|terms| {
        terms
            .iter()
            .filter_map(|t| {
                let weight = t.get("weight").and_then(Value::as_i64).unwrap_or(0);
                Some(Term::read(pod, t.get("podAffinityTerm")?, weight))
            })
            .collect()
    })
    .unwrap_or_default()
}

fn label<'n>(node: &'n Value, key: &str) -> Option<&'n str> {
    meta::labels(node)
        .and_then(|l| l.get(key))
        .and_then(Value::as_str)
}

/// Matched pods per topology pair (`topologyKey`, the node's value for it).
type Counts<'a> = BTreeMap<(&'a str, &'a str), i64>;

fn bump<'a>(counts: &mut Counts<'a>, node: &'a Value, key: &'a str, delta: i64) {
    if let Some(value) = label(node, key) {
        let entry = counts.entry((key, value)).or_default();
        *entry += delta;
        if *entry == 0 {
            counts.remove(&(key, value));
        }
    }
}

/// PreFilter's counts for one scheduling cycle.
#[derive(Clone)]
pub struct FilterState<'a> {
    pod: &'a Value,
    store: &'a Store,
    affinity: Vec<Term<'a>>,
    anti_affinity: Vec<Term<'a>>,
    /// Existing pods whose required anti-affinity terms match the incoming pod.
    existing_anti: Counts<'a>,
    /// Existing pods that match all of the incoming pod's required affinity terms.
    affinity_counts: Counts<'a>,
    /// Existing pods that match one of its required anti-affinity terms (once per term).
    anti_counts: Counts<'a>,
}

/// PreFilter: `None` when there is nothing to check (the pod has no required terms, and no
/// running pod's anti-affinity names it) — upstream's `Skip`.
pub fn pre_filter<'a>(
    pod: &'a Value,
    nodes: &[NodeInfo<'a>],
    store: &'a Store,
) -> Option<FilterState<'a>> {
    let mut state = FilterState {
        pod,
        store,
        affinity: required_terms(pod, "podAffinity"),
        anti_affinity: required_terms(pod, "podAntiAffinity"),
        existing_anti: Counts::new(),
        affinity_counts: Counts::new(),
        anti_counts: Counts::new(),
    };
    let has_own_terms = !state.affinity.is_empty() || !state.anti_affinity.is_empty();
    for info in nodes {
        for other in &info.affinity_pods {
            state.count_existing_anti(other, info.node, 1);
        }
        if has_own_terms {
            for other in &info.pods {
                state.count_own_terms(other, info.node, 1);
            }
        }
    }
    (has_own_terms || !state.existing_anti.is_empty()).then_some(state)
}

impl<'a> FilterState<'a> {
    fn count_existing_anti(&mut self, other: &'a Value, node: &'a Value, delta: i64) {
        for term in required_terms(other, "podAntiAffinity") {
            if term.matches(self.pod, self.store) {
                bump(&mut self.existing_anti, node, term.topology_key, delta);
            }
        }
    }

    fn count_own_terms(&mut self, other: &'a Value, node: &'a Value, delta: i64) {
        if matches_all(&self.affinity, other, self.store) {
            for term in &self.affinity {
                bump(&mut self.affinity_counts, node, term.topology_key, delta);
            }
        }
        for term in &self.anti_affinity {
            if term.matches(other, self.store) {
                bump(&mut self.anti_counts, node, term.topology_key, delta);
            }
        }
    }

    /// `updateWithPod`: the counts as if `other` were added to (`delta` 1) or removed from
    /// (-1) `node`.
    pub fn update_with_pod(&mut self, other: &'a Value, node: &'a Value, delta: i64) {
        if has_pod_affinity(other) {
            self.count_existing_anti(other, node, delta);
        }
        self.count_own_terms(other, node, delta);
    }

    /// Filter: the three checks in upstream's order, with upstream's codes (an affinity that
    /// finds no partner cannot be helped by preempting pods; an anti-affinity can).
    pub fn filter(&self, node: &Value) -> Option<Rejection> {
        if !self.satisfies_affinity(node) {
            return Some(Rejection::new(
                NAME,
                Code::UnschedulableAndUnresolvable,
                AFFINITY_REASON,
            ));
        }
        let anti_hit = self.anti_affinity.iter().any(|term| {
            label(node, term.topology_key).is_some_and(|value| {
                self.anti_counts
                    .get(&(term.topology_key, value))
                    .is_some_and(|n| *n > 0)
            })
        });
        if anti_hit {
            return Some(Rejection::new(
                NAME,
                Code::Unschedulable,
                ANTI_AFFINITY_REASON,
            ));
        }
        let existing_hit = !self.existing_anti.is_empty()
            && meta::labels(node).is_some_and(|labels| {
                labels.iter().any(|(key, value)| {
                    value.as_str().is_some_and(|v| {
                        self.existing_anti
                            .get(&(key.as_str(), v))
                            .is_some_and(|n| *n > 0)
                    })
                })
            });
        existing_hit
            .then(|| Rejection::new(NAME, Code::Unschedulable, EXISTING_ANTI_AFFINITY_REASON))
    }

    /// Every term finds a matching pod in the node's domain (the node must carry every
    /// topology key) — or this is the first pod of a group with affinity to itself: nothing
    /// matches anywhere yet, and the pod matches its own terms.
    fn satisfies_affinity(&self, node: &Value) -> bool {
        let mut all_found = true;
        for term in &self.affinity {
            let Some(value) = label(node, term.topology_key) else {
                return false;
            };
            if self
                .affinity_counts
                .get(&(term.topology_key, value))
                .is_none_or(|n| *n <= 0)
            {
                all_found = false;
            }
        }
        all_found
            || (self.affinity_counts.is_empty()
                && matches_all(&self.affinity, self.pod, self.store))
    }
}

/// `podMatchesAllAffinityTerms`: false for no terms.
fn matches_all(terms: &[Term<'_>], pod: &Value, store: &Store) -> bool {
    !terms.is_empty() && terms.iter().all(|t| t.matches(pod, store))
}

/// PreScore's sums: weight per topology key and value.
pub struct ScoreState<'a> {
    topology: BTreeMap<&'a str, BTreeMap<&'a str, i64>>,
}

/// PreScore: `None` when nothing can make a difference (no preferred terms of the pod's own and
/// no pod with affinity anywhere).
pub fn pre_score<'a>(
    pod: &'a Value,
    feasible: &[&NodeInfo<'a>],
    all: &[NodeInfo<'a>],
    store: &'a Store,
) -> Option<ScoreState<'a>> {
    if feasible.is_empty() {
        return None;
    }
    let affinity = preferred_terms(pod, "podAffinity");
    let anti_affinity = preferred_terms(pod, "podAntiAffinity");
    let has_own = !affinity.is_empty() || !anti_affinity.is_empty();
    if !has_own && all.iter().all(|n| n.affinity_pods.is_empty()) {
        return None;
    }
    let mut state = ScoreState {
        topology: BTreeMap::new(),
    };
    for info in all {
        // Unless the pod has preferences of its own, only pods with affinity can matter.
        let pods = if has_own {
            &info.pods
        } else {
            &info.affinity_pods
        };
        if meta::labels(info.node).is_none_or(|l| l.is_empty()) {
            continue;
        }
        for other in pods {
            state.add_terms(&affinity, other, info.node, 1, store);
            state.add_terms(&anti_affinity, other, info.node, -1, store);
            if other.pointer("/spec/affinity/podAffinity").is_some() {
                let mut hard = required_terms(other, "podAffinity");
                for term in &mut hard {
                    term.weight = HARD_POD_AFFINITY_WEIGHT;
                }
                state.add_terms(&hard, pod, info.node, 1, store);
                state.add_terms(
                    &preferred_terms(other, "podAffinity"),
                    pod,
                    info.node,
                    1,
                    store,
                );
            }
            if other.pointer("/spec/affinity/podAntiAffinity").is_some() {
                let terms = preferred_terms(other, "podAntiAffinity");
                state.add_terms(&terms, pod, info.node, -1, store);
            }
        }
    }
    (!state.topology.is_empty()).then_some(state)
}

impl<'a> ScoreState<'a> {
    /// `processTerm` for each term: if `target` matches it, the node's domain gains (or
    /// loses, `sign` -1) the term's weight.
    fn add_terms(
        &mut self,
        terms: &[Term<'a>],
        target: &Value,
        node: &'a Value,
        sign: i64,
        store: &Store,
    ) {
        for term in terms {
            if let Some(value) = label(node, term.topology_key)
                && term.matches(target, store)
            {
                *self
                    .topology
                    .entry(term.topology_key)
                    .or_default()
                    .entry(value)
                    .or_default() += sign * term.weight;
            }
        }
    }

    /// The raw score: the sums of the domains the node is in.
    pub fn score(&self, node: &Value) -> i64 {
        self.topology
            .iter()
            .filter_map(|(key, values)| label(node, key).and_then(|v| values.get(v)))
            .sum()
    }
}

/// NormalizeScore: 100 × (score − lowest) / (highest − lowest) over the feasible nodes; all
/// alike gives 0.
pub fn normalize(scores: &mut [i64]) {
    let max = scores.iter().copied().max().unwrap_or(0);
    let min = scores.iter().copied().min().unwrap_or(0);
    let spread = max - min;
    for score in scores.iter_mut() {
        *score = if spread > 0 {
            (100.0 * ((*score - min) as f64 / spread as f64)) as i64
        } else {
            0
        };
    }
}
