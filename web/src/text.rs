//! Every string the page shows, in one place.
//!
//! The page reads its words through [`texts`], so adding Korean later means adding one more
//! [`Texts`] value and a way to choose it; no component holds a literal sentence.

/// The page's words in one language.
pub struct Texts {
    pub product: &'static str,
    pub tagline: &'static str,
    /// Label before the virtual clock in the header.
    pub virtual_time: &'static str,
    /// Tooltip of the virtual clock.
    pub virtual_time_hint: &'static str,
    pub show_system_pods: &'static str,
    pub terminal_label: &'static str,
    pub input_label: &'static str,
    /// Printed at the top of the terminal, once.
    pub welcome: &'static [&'static str],
    pub graph_label: &'static str,
    /// Title of the lane of pods that no node has taken yet.
    pub pending_lane: &'static str,
    pub pending_lane_hint: &'static str,
    /// Shown in the graph pane when there is nothing but nodes.
    pub graph_empty_hint: &'static str,
}

const EN: Texts = Texts {
    product: "kubeplay",
    tagline: "a Kubernetes cluster in your browser tab",
    virtual_time: "cluster time",
    virtual_time_hint: "The cluster's virtual clock: it follows real time, and `sleep N` jumps ahead.",
    show_system_pods: "show system pods",
    terminal_label: "kubectl terminal",
    input_label: "command line",
    welcome: &[
        "Welcome to kubeplay: a three-node cluster running in this tab, with nothing to install.",
        "Try `kubectl get nodes`, `kubectl create deployment web --image=nginx --replicas=3`, then `kubectl get pods`.",
        "Type `help` for what the shell knows. Up and Down recall earlier lines.",
    ],
    graph_label: "cluster graph",
    pending_lane: "Pending",
    pending_lane_hint: "not scheduled to a node yet",
    graph_empty_hint: "No workloads yet: create a Deployment in the terminal and watch its pods appear here.",
};

/// The words to show.
pub fn texts() -> &'static Texts {
    &EN
}
