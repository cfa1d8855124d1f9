//! Tab completion for the terminal, from the same tables the commands parse with: shell
//! commands, kubectl commands and subcommands, each command's flags (and the global ones),
//! resource types, and live names — objects of the type typed (in the line's `-n` namespace
//! or the current one), namespaces after `-n`, nodes for `cordon`/`drain`, pods for
//! `logs`/`exec`, files after `-f`, output formats after `-o`.

use super::args::{Flag, GLOBAL};
use super::shell::Shell;
use crate::api::{Kind, meta};
use crate::store::Store;

/// What Tab offers: replace `line[replace_from..cursor]` with one of `candidates` (sorted,
/// without duplicates). With one candidate, a terminal also adds a space unless it ends in
/// `/` or `=`; with several, it shows them (and may complete their common prefix).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completion {
    pub replace_from: usize,
    pub candidates: Vec<String>,
}

/// The kubectl commands offered (the implemented ones).
pub const COMMANDS: &[&str] = &[
    "annotate",
    "api-resources",
    "api-versions",
    "apply",
    "auth",
    "autoscale",
    "cluster-info",
    "config",
    "cordon",
    "create",
    "delete",
    "describe",
    "diff",
    "drain",
    "edit",
    "events",
    "exec",
    "explain",
    "expose",
    "get",
    "help",
    "label",
    "logs",
    "patch",
    "replace",
    "rollout",
    "run",
    "scale",
    "set",
    "taint",
    "top",
    "uncordon",
    "version",
    "wait",
];

/// Subcommands of the commands that have them.
fn subcommands(command: &str) -> &'static [&'static str] {
    match command {
        "rollout" => &["history", "pause", "restart", "resume", "status", "undo"],
        "auth" => &["can-i", "whoami"],
        "cluster-info" => &["dump"],
        "config" => &[
            "current-context",
            "delete-cluster",
            "delete-context",
            "delete-user",
            "get-clusters",
            "get-contexts",
            "get-users",
            "rename-context",
            "set-cluster",
            "set-context",
            "set-credentials",
            "unset",
            "use-context",
            "view",
        ],
        "set" => &["env", "image", "resources", "selector", "serviceaccount"],
        "top" => &["node", "pod"],
        "create" => &[
            "clusterrole",
            "clusterrolebinding",
            "configmap",
            "cronjob",
            "deployment",
            "ingress",
            "job",
            "namespace",
            "poddisruptionbudget",
            "priorityclass",
            "quota",
            "role",
            "rolebinding",
            "secret",
            "service",
            "serviceaccount",
        ],
        _ => &[],
    }
}

/// The flag tables of `kubectl COMMAND [SUB]` (the global flags come on top).
fn flag_tables(command: &str, sub: Option<&str>) -> Vec<&'static [Flag]> {
    use super::*;
    let sub = sub.unwrap_or("");
    match command {
        "get" => vec![get::FLAGS],
        "apply" => vec![apply::FLAGS],
        "delete" => vec![delete::FLAGS],
        "describe" => vec![describe::FLAGS],
        "drain" => vec![drain::FLAGS],
        "cordon" | "uncordon" => vec![cordon::FLAGS],
        "exec" => vec![exec::FLAGS],
        "explain" => vec![explain::FLAGS],
        "expose" => vec![expose::FLAGS],
        "label" | "annotate" => vec![label::FLAGS],
        "logs" => vec![logs::FLAGS],
        "patch" => vec![patch::FLAGS],
        "replace" => vec![replace::FLAGS],
        "run" => vec![run::FLAGS],
        "scale" => vec![scale::FLAGS],
        "autoscale" => vec![autoscale::FLAGS],
        "taint" => vec![taint::FLAGS],
        "wait" => vec![wait::FLAGS],
        "api-resources" => vec![api_resources::FLAGS],
        "diff" => vec![diff::FLAGS],
        "events" => vec![events::FLAGS],
        "cluster-info" if sub == "dump" => vec![cluster_info::dump::FLAGS],
        "top" => match sub {
            "node" | "nodes" | "no" => vec![top::NODE_FLAGS],
            _ => vec![top::POD_FLAGS],
        },
        "rollout" => {
            let own: &'static [Flag] = match sub {
                "status" => rollout::status::FLAGS,
                "history" => rollout::history::FLAGS,
                "undo" => rollout::undo::FLAGS,
                "pause" | "resume" | "restart" => rollout::pause::FLAGS,
                _ => &[],
            };
            vec![rollout::COMMON_FLAGS, own]
        }
        "set" => {
            let own: &'static [Flag] = match sub {
                "image" => set::image::FLAGS,
                "env" => set::env::FLAGS,
                "resources" => set::resources::FLAGS,
                "selector" => set::selector::SELECTOR_FLAGS,
                "serviceaccount" | "sa" => set::selector::SERVICE_ACCOUNT_FLAGS,
                _ => &[],
            };
            vec![set::COMMON_FLAGS, own]
        }
        "create" => {
            let own: &'static [Flag] = match sub {
                "deployment" | "deploy" => create::DEPLOYMENT_FLAGS,
                "namespace" | "ns" => create::NAMESPACE_FLAGS,
                "poddisruptionbudget" | "pdb" => create_pdb::FLAGS,
                "job" | "cronjob" | "cj" => create_batch::PRINT_FLAGS,
                _ => &[],
            };
            vec![create::GENERATOR_FLAGS, own]
        }
        _ => Vec::new(),
    }
}

/// The shell commands the first word of a command may be.
const SHELL_COMMANDS: &[&str] = &[
    "alias", "awk", "base64", "cat", "clear", "cut", "echo", "export", "false", "grep", "head",
    "help", "k", "kubeplay", "kubectl", "ls", "rm", "sed", "seq", "sleep", "sort", "source",
    "tail", "tr", "true", "uniq", "unset", "wc", "xargs",
];

/// Completes the word before `cursor` (a byte offset into `line`).
pub fn complete(line: &str, cursor: usize, shell: &Shell, store: &Store) -> Completion {
    let cursor = (0..=cursor.min(line.len()))
        .rev()
        .find(|&c| line.is_char_boundary(c))
        .unwrap_or(0);
    let before = &line[..cursor];
    // The command being typed starts after the last pipe or list operator.
    let start = before.rfind(['|', ';', '&']).map_or(0, |i| i + 1);
    let word_start = before
        .rfind(char::is_whitespace)
        .map_or(0, |i| i + 1)
        .max(start);
    let current = &before[word_start..];
    let words: Vec<String> = before[start..word_start]
        .split_whitespace()
        .map(|w| w.trim_matches(['\'', '"']).to_string())
        .collect();
    let mut completion = Completion {
        replace_from: word_start,
        candidates: Vec::new(),
    };
    let Some((first, rest)) = words.split_first() else {
        completion.candidates = matching(SHELL_COMMANDS.iter().map(|s| s.to_string()), current);
        return completion;
    };
    if first != "kubectl" && first != "k" {
        // Files for the text tools (`cat FILE`).
        if matches!(
            first.as_str(),
            "cat" | "grep" | "head" | "tail" | "wc" | "sort"
        ) {
            completion.candidates = matching(shell.files.keys().cloned(), current);
        }
        return completion;
    }
    let candidates = kubectl(rest, current, &mut completion.replace_from, shell, store);
    // After `--flag=`, candidates complete the value.
    let prefix = match current.find('=') {
        Some(i) if current.starts_with("--") => &current[i + 1..],
        _ => current,
    };
    completion.candidates = matching(candidates.into_iter(), prefix);
    completion
}

fn matching(candidates: impl Iterator<Item = String>, prefix: &str) -> Vec<String> {
    let mut out: Vec<String> = candidates.filter(|c| c.starts_with(prefix)).collect();
    out.sort();
    out.dedup();
    out
}

/// Candidates after `kubectl`: `words` are the complete words before the current one.
fn kubectl(
    words: &[String],
    current: &str,
    replace_from: &mut usize,
    shell: &Shell,
    store: &Store,
) -> Vec<String> {
    // Positional words, and the flags' values seen so far.
    let command = words
        .iter()
        .find(|w| !w.starts_with('-'))
        .map(String::as_str);
    let sub = command
        .filter(|c| !subcommands(c).is_empty())
        .and_then(|_| {
            words
                .iter()
                .filter(|w| !w.starts_with('-'))
                .nth(1)
                .map(String::as_str)
        });
    let tables = command.map(|c| flag_tables(c, sub)).unwrap_or_default();
    let flags: Vec<&Flag> = tables
        .iter()
        .flat_map(|t| t.iter())
        .chain(GLOBAL.iter())
        .collect();
    let find = |word: &str| -> Option<&Flag> {
        if let Some(long) = word.strip_prefix("--") {
            flags.iter().copied().find(|f| f.long == long)
        } else {
            let c = word.strip_prefix('-')?.chars().last()?;
            flags.iter().copied().find(|f| f.short == Some(c))
        }
    };
    let mut positional: Vec<&str> = Vec::new();
    let mut namespace = shell.current_namespace().to_string();
    let mut i = 0;
    while let Some(w) = words.get(i) {
        i += 1;
        if w.starts_with('-') && w.len() > 1 {
            let inline = w.split_once('=');
            let name = inline.map_or(w.as_str(), |(n, _)| n);
            let Some(flag) = find(name) else { continue };
            let value = match inline {
                Some((_, v)) => Some(v.to_string()),
                // `-nkube-system`
                None if !w.starts_with("--") && w.len() > 2 && flag.takes_value => {
                    w.get(2..).map(str::to_string)
                }
                None if flag.takes_value => {
                    i += 1;
                    words.get(i - 1).cloned()
                }
                None => None,
            };
            if flag.long == "namespace"
                && let Some(v) = value
            {
                namespace = v;
            }
        } else {
            positional.push(w);
        }
    }
    // A flag's value.
    let value_of = |flag: &Flag| -> Vec<String> {
        match flag.long {
            "namespace" => names(store, "namespaces", ""),
            "filename" => shell.files.keys().cloned().collect(),
            "output" => [
                "custom-columns=",
                "json",
                "jsonpath=",
                "name",
                "wide",
                "yaml",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            "container" => Vec::new(),
            _ => Vec::new(),
        }
    };
    if let Some(eq) = current.find('=').filter(|_| current.starts_with("--")) {
        *replace_from += eq + 1;
        return find(&current[..eq]).map(value_of).unwrap_or_default();
    }
    if let Some(flag) = words
        .last()
        .filter(|w| w.starts_with('-') && !w.contains('='))
        .and_then(|w| find(w))
        .filter(|f| f.takes_value)
    {
        let last = words.last().map_or("", String::as_str);
        // `-n` (not `-nvalue`): the current word is its value.
        if last.starts_with("--") || last.chars().count() == 2 {
            return value_of(flag);
        }
    }
    if current.starts_with('-') {
        let mut out: Vec<String> = flags.iter().map(|f| format!("--{}", f.long)).collect();
        if !current.starts_with("--") {
            out.extend(
                flags
                    .iter()
                    .filter_map(|f| f.short.map(|c| format!("-{c}"))),
            );
        }
        return out;
    }
    let Some(command) = command else {
        return COMMANDS.iter().map(|s| s.to_string()).collect();
    };
    let args: &[&str] = positional.get(1..).unwrap_or_default();
    let has_subcommands = !subcommands(command).is_empty();
    if has_subcommands && args.is_empty() {
        return subcommands(command).iter().map(|s| s.to_string()).collect();
    }
    let args = if has_subcommands {
        args.get(1..).unwrap_or_default()
    } else {
        args
    };
    // `TYPE/NAME`: names of that type.
    if let Some((typed, _)) = current.split_once('/') {
        return store
            .resolve(typed)
            .map(|kind| {
                names_of(store, kind, &namespace)
                    .into_iter()
                    .map(|n| format!("{typed}/{n}"))
                    .collect()
            })
            .unwrap_or_default();
    }
    match command {
        "logs" | "exec" | "attach" | "port-forward" if args.is_empty() => {
            names(store, "pods", &namespace)
        }
        "cordon" | "uncordon" | "drain" if args.is_empty() => names(store, "nodes", ""),
        "top" => match sub {
            Some("node" | "nodes" | "no") => names(store, "nodes", ""),
            _ => names(store, "pods", &namespace),
        },
        "get" | "describe" | "delete" | "edit" | "label" | "annotate" | "patch" | "scale"
        | "autoscale" | "explain" | "rollout" | "wait" | "taint" | "set" | "expose" => match args {
            [] => resource_types(store, command),
            [typed, ..] if command != "explain" && !typed.contains('/') => store
                .resolve(typed.split(',').next().unwrap_or(typed))
                .map(|kind| names_of(store, kind, &namespace))
                .unwrap_or_default(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Resource types as a command takes them: plural names (the workload kinds only for
/// `rollout`, scalable kinds for `scale`).
fn resource_types(store: &Store, command: &str) -> Vec<String> {
    let only: Option<&[&str]> = match command {
        "rollout" => Some(&["daemonsets", "deployments", "statefulsets"]),
        "scale" | "autoscale" => Some(&[
            "deployments",
            "replicasets",
            "replicationcontrollers",
            "statefulsets",
        ]),
        "taint" => Some(&["nodes"]),
        _ => None,
    };
    store
        .kinds()
        .map(|k| k.plural)
        .filter(|p| only.is_none_or(|o| o.contains(p)))
        .map(str::to_string)
        .collect()
}

fn names(store: &Store, plural: &str, namespace: &str) -> Vec<String> {
    store
        .resolve(plural)
        .map(|k| names_of(store, k, namespace))
        .unwrap_or_default()
}

fn names_of(store: &Store, kind: &'static Kind, namespace: &str) -> Vec<String> {
    let scope = kind.namespaced.then_some(namespace);
    store
        .list(kind, scope)
        .map(|o| meta::name(o).to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::cluster::Cluster;

    fn complete(cluster: &Cluster, line: &str) -> (usize, Vec<String>) {
        let c = cluster.complete(line, line.len());
        (c.replace_from, c.candidates)
    }

    #[test]
    fn commands_and_subcommands() {
        let c = Cluster::new_default(1);
        assert_eq!(
            complete(&c, "kub"),
            (0, vec!["kubectl".into(), "kubeplay".into()])
        );
        assert_eq!(
            complete(&c, "kubectl de"),
            (8, vec!["delete".into(), "describe".into()])
        );
        assert_eq!(complete(&c, "k rollout st"), (10, vec!["status".into()]));
        assert_eq!(
            complete(&c, "kubectl get pods | gr"),
            (19, vec!["grep".into()])
        );
    }

    #[test]
    fn flags_from_the_commands_tables() {
        let c = Cluster::new_default(1);
        let (from, flags) = complete(&c, "kubectl get pods --show-");
        assert_eq!(from, 17);
        assert_eq!(
            flags,
            ["--show-kind", "--show-labels", "--show-managed-fields"]
        );
        let (_, flags) = complete(&c, "kubectl rollout status deploy/web --ti");
        assert_eq!(flags, ["--timeout"]);
        let (_, flags) = complete(&c, "kubectl get -");
        assert!(flags.contains(&"-w".to_string()) && flags.contains(&"--watch".to_string()));
    }

    #[test]
    fn live_names() {
        let mut c = Cluster::new_default(1);
        c.exec("kubectl create deployment web --image=nginx");
        c.exec("kubectl create namespace dev");
        let (_, types) = complete(&c, "kubectl get dep");
        assert_eq!(types, ["deployments"]);
        assert_eq!(complete(&c, "kubectl get deploy w").1, ["web"]);
        assert_eq!(complete(&c, "kubectl describe deploy/").1, ["deploy/web"]);
        assert_eq!(
            complete(&c, "kubectl get deploy -n kube-system co").1,
            ["coredns"]
        );
        assert_eq!(complete(&c, "kubectl get pods -n d").1, ["default", "dev"]);
        assert_eq!(
            complete(&c, "kubectl get pods --namespace=dev"),
            (29, vec!["dev".into()])
        );
        assert_eq!(
            complete(&c, "kubectl cordon kubeplay-w").1,
            ["kubeplay-worker", "kubeplay-worker2"]
        );
        let (_, pods) = complete(&c, "kubectl logs web-");
        assert_eq!(pods.len(), 1);
        assert!(pods.iter().all(|p| p.starts_with("web-")));
        assert_eq!(complete(&c, "kubectl get pods -o ya").1, ["yaml"]);
    }

    #[test]
    fn files_after_dash_f() {
        let mut c = Cluster::new_default(1);
        c.write_file("web.yaml", "");
        c.write_file("db.yaml", "");
        assert_eq!(complete(&c, "kubectl apply -f w").1, ["web.yaml"]);
        assert_eq!(complete(&c, "cat d").1, ["db.yaml"]);
    }
}
