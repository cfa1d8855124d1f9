//! "Why is my pod Pending? Why is it on that node?" — the scheduler's cycle for one pod, run
//! without acting: every node's filter verdict (the first plugin that said no, and whether
//! preemption could help), and the feasible nodes' scores plugin by plugin.
//!
//! It is computed from the cluster as it is now, through the same functions the scheduler
//! uses, so it shows what the scheduler would decide if it tried again this instant. A bound
//! pod is evaluated as if it were not yet on its node. Read by the page and by the sandbox
//! command `kubeplay why`.

use serde_json::Value;

use super::plugins::{self, NodeInfo, SCORE_PLUGINS};
use super::{Code, evaluate, fit_error, preemption};
use crate::api::meta;
use crate::controllers::kind;
use crate::rng::Rng;
use crate::store::Store;

/// The scheduler's view of one pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    pub namespace: String,
    pub name: String,
    /// The node the pod is bound to, if it is.
    pub node: Option<String>,
    /// A mirror of a static pod: its kubelet runs it on its own node, never the scheduler.
    pub static_pod: bool,
    /// The node preemption reserved for it, if any (`status.nominatedNodeName`).
    pub nominated_node: Option<String>,
    /// A PreFilter rejection that applies to every node (then `nodes` is empty).
    pub pre_filter: Option<String>,
    /// What the scheduler would report if no node fits now (its FailedScheduling text).
    pub message: Option<String>,
    /// Every node, in name order.
    pub nodes: Vec<NodeExplanation>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeExplanation {
    pub node: String,
    pub verdict: NodeVerdict,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeVerdict {
    /// A filter ruled the node out.
    Rejected {
        plugin: &'static str,
        reasons: Vec<String>,
        /// For a pending pod that may preempt, and a rejection preemption could fix: what
        /// preempting lower-priority pods here would do.
        preemption: Option<Preemption>,
    },
    /// The node passed every filter; its scores, and whether it ranks first.
    Feasible {
        scores: Vec<PluginScore>,
        total: i64,
        best: bool,
    },
}

/// What preemption would do on a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Preemption {
    /// Evict these pods (`namespace/name`), most important first.
    Victims(Vec<String>),
    /// It cannot free the node, for these reasons.
    Cannot(Vec<String>),
}

/// One score plugin's normalized score (0–100) and its weight in the total.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PluginScore {
    pub plugin: &'static str,
    pub score: i64,
    pub weight: i64,
}

/// Explains the scheduling of pod `namespace/name`; `None` if there is no such pod.
pub fn explain(store: &Store, namespace: &str, name: &str) -> Option<Explanation> {
    let stored = store.get(kind("", "Pod"), namespace, name).ok()?;
    let bound = meta::str_at(stored, "/spec/nodeName");
    let mut nodes = NodeInfo::snapshot(store);
    if let Some(info) = nodes.iter_mut().find(|n| n.name() == bound) {
        info.remove(stored);
    }
    // The pod as the scheduler saw it, before it had a node.
    let mut unbound = stored.clone();
    if let Some(spec) = unbound.get_mut("spec").and_then(Value::as_object_mut) {
        spec.remove("nodeName");
    }
    let pod = if bound.is_empty() { stored } else { &unbound };
    let pending: Vec<&Value> = store
        .list(kind("", "Pod"), None)
        .filter(|p| meta::str_at(p, "/spec/nodeName").is_empty())
        .collect();
    let nominated = preemption::nominated_pods(&pending);
    let evaluation = evaluate(pod, &nodes, store, &nominated);
    let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let mut explanation = Explanation {
        namespace: namespace.to_string(),
        name: name.to_string(),
        node: non_empty(bound),
        static_pod: stored
            .pointer("/metadata/annotations/kubernetes.io~1config.mirror")
            .is_some(),
        nominated_node: non_empty(meta::str_at(pod, "/status/nominatedNodeName")),
        pre_filter: None,
        message: None,
        nodes: Vec::new(),
    };
    let cycle = match evaluation.cycle {
        Ok(cycle) => cycle,
        Err(rejection) => {
            let reason = rejection.reasons.first().cloned().unwrap_or_default();
            explanation.message = Some(fit_error::pre_filter_error(nodes.len(), &reason));
            explanation.pre_filter = Some(reason);
            return Some(explanation);
        }
    };
    let best = evaluation
        .feasible
        .iter()
        .map(|(_, s)| plugins::total(s))
        .max();
    let may_preempt = bound.is_empty() && meta::str_at(pod, "/spec/preemptionPolicy") != "Never";
    for (index, info) in nodes.iter().enumerate() {
        let verdict = match evaluation.rejected.get(info.name()) {
            Some(rejection) => NodeVerdict::Rejected {
                plugin: rejection.plugin,
                reasons: rejection.reasons.clone(),
                preemption: (may_preempt && rejection.code == Code::Unschedulable).then(|| {
                    match preemption::victims_on(&cycle, info, &nominated, store.now()) {
                        Ok(victims) => Preemption::Victims(
                            victims
                                .iter()
                                .map(|v| format!("{}/{}", meta::namespace(v), meta::name(v)))
                                .collect(),
                        ),
                        Err(status) => Preemption::Cannot(status.reasons),
                    }
                }),
            },
            None => {
                let scores = evaluation
                    .feasible
                    .iter()
                    .find(|(i, _)| *i == index)
                    .map(|(_, s)| *s)
                    .unwrap_or_default();
                let total = plugins::total(&scores);
                NodeVerdict::Feasible {
                    scores: scores
                        .iter()
                        .zip(SCORE_PLUGINS)
                        .map(|(score, (plugin, weight))| PluginScore {
                            plugin,
                            score: *score,
                            weight,
                        })
                        .collect(),
                    total,
                    best: Some(total) == best,
                }
            }
        };
        explanation.nodes.push(NodeExplanation {
            node: info.name().to_string(),
            verdict,
        });
    }
    if evaluation.feasible.is_empty() && !nodes.is_empty() {
        // A dry run of preemption, only for its words (its random tie-break does not matter).
        let outcome = preemption::preempt(
            &cycle,
            &nodes,
            &evaluation.rejected,
            &nominated,
            &mut Rng::new(0),
            store.now(),
        );
        let post = outcome.message().map(|m| fit_error::post_filter(&m));
        explanation.message = Some(fit_error::message(
            nodes.len(),
            evaluation.rejected.values(),
            None,
            post.as_deref(),
        ));
    }
    Some(explanation)
}

impl Explanation {
    /// The explanation as `kubeplay why` prints it: a sandbox view, labelled as such.
    pub fn to_text(&self) -> String {
        let pod = format!("{}/{}", self.namespace, self.name);
        let mut out = format!(
            "Sandbox view (not kubectl output): the scheduler's verdict on each node for pod {pod}, as it would decide now.\n"
        );
        match (&self.node, &self.nominated_node) {
            (Some(node), _) if self.static_pod => out.push_str(&format!(
                "A static pod: the kubelet of {node} runs it there, the scheduler never placed it. Were it scheduled now:\n"
            )),
            (Some(node), _) => out.push_str(&format!(
                "The pod is bound to {node}; the nodes are judged as if it were not there yet.\n"
            )),
            (None, Some(node)) => out.push_str(&format!(
                "The pod is Pending, nominated to {node} (preemption is making room there).\n"
            )),
            (None, None) => out.push_str("The pod is Pending.\n"),
        }
        if let Some(message) = &self.message {
            out.push_str(&format!("The scheduler would say: {message}\n"));
        }
        if let Some(reason) = &self.pre_filter {
            out.push_str(&format!(
                "Every node is ruled out before filtering: {reason}\n"
            ));
        }
        for node in &self.nodes {
            out.push('\n');
            match &node.verdict {
                NodeVerdict::Rejected {
                    plugin,
                    reasons,
                    preemption,
                } => {
                    out.push_str(&format!(
                        "{}: rejected by {plugin}: {}\n",
                        node.node,
                        reasons.join(", ")
                    ));
                    match preemption {
                        Some(Preemption::Victims(victims)) => out.push_str(&format!(
                            "  preemption would make room by evicting {}\n",
                            victims.join(", ")
                        )),
                        Some(Preemption::Cannot(why)) => out.push_str(&format!(
                            "  preemption cannot help here: {}\n",
                            why.join(", ")
                        )),
                        None => {}
                    }
                }
                NodeVerdict::Feasible {
                    scores,
                    total,
                    best,
                } => {
                    out.push_str(&format!(
                        "{}: passes every filter; score {total}{}\n",
                        node.node,
                        if *best { " (the highest)" } else { "" }
                    ));
                    let width = scores.iter().map(|s| s.plugin.len()).max().unwrap_or(0);
                    for s in scores {
                        out.push_str(&format!(
                            "  {:<width$}  {:>3} x {} = {:>3}\n",
                            s.plugin,
                            s.score,
                            s.weight,
                            s.score * s.weight
                        ));
                    }
                }
            }
        }
        out
    }
}
