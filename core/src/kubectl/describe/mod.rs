//! `kubectl describe`: a detailed, human-readable account of objects and what happened to
//! them, as kubectl v1.35's describers print it.
//!
//! Layout: this module resolves what to describe (`TYPE NAME`, `TYPE/NAME`, `TYPE` with `-l`
//! or `-A`, a name prefix, `-f FILE`) and joins the descriptions; [`writer`] aligns the text as
//! Go's tabwriter does; [`fields`] holds the formats all describers share and [`events`] the
//! closing `Events:` table. One file per group of kinds writes the descriptions; kinds without
//! a describer of their own get the generic one ([`generic`]), as upstream does.

mod config;
mod containers;
mod events;
mod fields;
mod generic;
mod network;
mod node;
mod pod;
mod policy;
mod storage;
pub mod template;
mod volumes;
mod workloads;
pub mod writer;

pub(crate) use fields::go_list;
pub(crate) use policy::rule_rows;

use std::cell::OnceCell;
use std::collections::BTreeMap;

use serde_json::Value;

use super::args::{self, Flag, switch, value};
use super::get::{self, parse_selector};
use super::shell::Shell;
use super::{errors, namespace_of};
use crate::api::{Kind, Reason, kinds, meta, yaml};
use crate::cluster::Output;
use crate::sim::Sim;
use crate::store::Store;
use crate::time::Time;
use events::{EventIndex, describe_events};
use writer::PrefixWriter;

pub(crate) const FLAGS: &[Flag] = &[
    value("selector", Some('l')),
    switch("all-namespaces", Some('A')),
    switch("show-events", None),
    value("chunk-size", None),
    value("filename", Some('f')),
    switch("recursive", Some('R')),
    value("kustomize", Some('k')),
];

/// What every describer may read: the API server, the time, and per-command indexes built on
/// first use (events by involved object, pods by node), so describing many objects reads
/// each list once.
pub struct Ctx<'a> {
    pub store: &'a Store,
    pub now: Time,
    show_events: bool,
    events: OnceCell<EventIndex<'a>>,
    pods_by_node: OnceCell<BTreeMap<&'a str, Vec<&'a Value>>>,
}

impl<'a> Ctx<'a> {
    pub fn new(store: &'a Store, show_events: bool) -> Ctx<'a> {
        Ctx {
            store,
            now: store.now(),
            show_events,
            events: OnceCell::new(),
            pods_by_node: OnceCell::new(),
        }
    }

    /// Objects of a built-in kind, in one namespace or all (`None`).
    pub fn list(
        &self,
        group: &str,
        kind: &str,
        namespace: Option<&str>,
    ) -> impl Iterator<Item = &'a Value> + 'a {
        self.store
            .list(crate::controllers::kind(group, kind), namespace)
    }

    /// One object of a built-in kind, if it exists.
    pub fn get(&self, group: &str, kind: &str, namespace: &str, name: &str) -> Option<&'a Value> {
        self.store
            .get(crate::controllers::kind(group, kind), namespace, name)
            .ok()
    }

    /// The `Events:` section about `obj`, unless `--show-events=false`.
    pub fn events_section(&self, obj: &Value, w: &mut PrefixWriter) {
        if !self.show_events {
            return;
        }
        let index = self.events.get_or_init(|| EventIndex::build(self.store));
        describe_events(&index.about(obj), self.now, w);
    }

    /// The pods bound to `node`, in list order (namespace, name).
    pub fn pods_on_node(&self, node: &str) -> &[&'a Value] {
        let index = self.pods_by_node.get_or_init(|| {
            let mut by_node: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
            for pod in self.list("", "Pod", None) {
                let node = meta::str_at(pod, "/spec/nodeName");
                if !node.is_empty() {
                    by_node.entry(node).or_default().push(pod);
                }
            }
            by_node
        });
        index.get(node).map(Vec::as_slice).unwrap_or_default()
    }
}

/// The description of one object, by its kind's describer.
pub fn describe_object(ctx: &Ctx<'_>, kind: &Kind, obj: &Value) -> String {
    match (kind.group, kind.kind) {
        ("", "Pod") => pod::describe(ctx, obj),
        ("", "Node") => node::describe(ctx, obj),
        ("", "Namespace") => config::namespace(ctx, obj),
        ("", "ConfigMap") => config::config_map(ctx, obj),
        ("", "Secret") => config::secret(obj),
        ("", "ServiceAccount") => config::service_account(ctx, obj),
        ("", "LimitRange") => config::limit_range(obj),
        ("", "ResourceQuota") => config::resource_quota(obj),
        ("", "Service") => network::service(ctx, obj),
        ("", "Endpoints") => network::endpoints(ctx, obj),
        ("", "ReplicationController") => workloads::replication_controller(ctx, obj),
        ("", "PersistentVolume") => storage::persistent_volume(ctx, obj),
        ("", "PersistentVolumeClaim") => storage::persistent_volume_claim(ctx, obj),
        ("apps", "Deployment") => workloads::deployment(ctx, obj),
        ("apps", "ReplicaSet") => workloads::replica_set(ctx, obj),
        ("apps", "DaemonSet") => workloads::daemon_set(ctx, obj),
        ("apps", "StatefulSet") => workloads::stateful_set(ctx, obj),
        ("batch", "Job") => workloads::job(ctx, obj),
        ("batch", "CronJob") => workloads::cron_job(ctx, obj),
        ("discovery.k8s.io", "EndpointSlice") => network::endpoint_slice(ctx, obj),
        ("networking.k8s.io", "Ingress") => network::ingress(ctx, obj),
        ("networking.k8s.io", "IngressClass") => network::ingress_class(ctx, obj),
        ("networking.k8s.io", "NetworkPolicy") => network::network_policy(obj),
        ("storage.k8s.io", "StorageClass") => storage::storage_class(ctx, obj),
        ("autoscaling", "HorizontalPodAutoscaler") => policy::horizontal_pod_autoscaler(ctx, obj),
        ("policy", "PodDisruptionBudget") => policy::pod_disruption_budget(ctx, obj),
        ("scheduling.k8s.io", "PriorityClass") => policy::priority_class(ctx, obj),
        ("rbac.authorization.k8s.io", "Role" | "ClusterRole") => policy::role(obj),
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => {
            policy::role_binding(obj)
        }
        _ => generic::describe(ctx, obj),
    }
}

/// One object to describe.
struct Target<'a> {
    kind: &'static Kind,
    obj: &'a Value,
}

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let parsed = args::parse(words, FLAGS, "kubectl describe")?;
    let show_events = bool_flag(&parsed, "show-events", true)?;
    let all_namespaces = bool_flag(&parsed, "all-namespaces", false)?;
    if let Some(size) = parsed.get("chunk-size")
        && size.parse::<i64>().is_err()
    {
        return Err(format!(
            "error: invalid argument \"{size}\" for \"--chunk-size\" flag: strconv.ParseInt: parsing \"{size}\": invalid syntax\nSee 'kubectl describe --help' for usage."
        ));
    }
    if parsed.is_set("kustomize") {
        return Err("error: \"kubectl describe -k\" is not available in this sandbox yet".into());
    }
    let namespace = namespace_of(&parsed, shell);
    let files = parsed.all("filename");
    if parsed.args.is_empty() && files.is_empty() {
        return Err("error: You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.".into());
    }
    let selector = parsed.get("selector").map(parse_selector).transpose()?;
    let store = &sim.store;
    let ctx = Ctx::new(store, show_events);
    let mut out = Output::default();
    let mut targets: Vec<Target<'_>> = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    let mut requested: Vec<&'static Kind> = Vec::new();

    if !files.is_empty() {
        if !parsed.args.is_empty() {
            return Err("error: when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well".into());
        }
        for file in files {
            let text = shell
                .read_file(file)
                .ok_or_else(|| format!("error: the path \"{file}\" does not exist"))?;
            let docs = yaml::decode_documents(&text)
                .map_err(|e| crate::kubectl::manifests::parse_error(file, &e))?;
            for doc in docs {
                let api_version = meta::str_at(&doc, "/apiVersion");
                let kind_name = meta::str_at(&doc, "/kind");
                let Some(kind) = kinds::by_api_version(api_version, kind_name) else {
                    failures.push(format!(
                        "error: resource mapping not found for name: \"{}\" namespace: \"{}\" from \"{file}\": no matches for kind \"{kind_name}\" in version \"{api_version}\"\nensure CRDs are installed first",
                        meta::name(&doc),
                        meta::namespace(&doc)
                    ));
                    continue;
                };
                let ns = match meta::namespace(&doc) {
                    "" => namespace.as_str(),
                    ns => ns,
                };
                match store.get(kind, ns, meta::name(&doc)) {
                    Ok(obj) => targets.push(Target { kind, obj }),
                    Err(status) => failures.push(errors::render(&status)),
                }
            }
        }
    } else {
        let requests = get::requests(&parsed.args, store)?;
        requested.extend(requests.iter().map(|r| r.kind));
        let named = requests.iter().any(|r| !r.names.is_empty());
        if named && selector.is_some() {
            return Err("error: name cannot be provided when a selector is specified".into());
        }
        if named && all_namespaces && requests.iter().any(|r| r.kind.namespaced) {
            return Err(
                "error: a resource cannot be retrieved by name across all namespaces".into(),
            );
        }
        let mut not_found = false;
        for req in &requests {
            if req.names.is_empty() {
                let scope = (!all_namespaces).then_some(namespace.as_str());
                for obj in store.list(req.kind, scope) {
                    if selector.as_ref().is_none_or(|s| s.matches(obj)) {
                        targets.push(Target {
                            kind: req.kind,
                            obj,
                        });
                    }
                }
                continue;
            }
            for name in &req.names {
                match store.get(req.kind, &namespace, name) {
                    Ok(obj) => targets.push(Target {
                        kind: req.kind,
                        obj,
                    }),
                    Err(status) => {
                        not_found |= status.reason == Reason::NotFound;
                        failures.push(errors::render(&status));
                    }
                }
            }
        }
        // `TYPE NAME` with no object of that name: every object whose name starts with it.
        if let ([kind_arg, prefix], [req], true) =
            (parsed.args.as_slice(), requests.as_slice(), not_found)
            && !kind_arg.contains('/')
        {
            let matches: Vec<&Value> = store
                .list(req.kind, Some(namespace.as_str()))
                .filter(|o| meta::name(o).starts_with(prefix.as_str()))
                .collect();
            if !matches.is_empty() {
                for obj in matches {
                    out.stdout.push_str(&describe_object(&ctx, req.kind, obj));
                    out.stdout.push('\n');
                }
                deprecation_warning(&mut out, &[req.kind]);
                return Ok(out);
            }
        }
    }

    let mut kinds_seen: Vec<&Kind> = targets.iter().map(|t| t.kind).collect();
    kinds_seen.extend(requested);
    deprecation_warning(&mut out, &kinds_seen);
    for (i, target) in targets.iter().enumerate() {
        if i > 0 {
            out.stdout.push_str("\n\n");
        }
        out.stdout
            .push_str(&describe_object(&ctx, target.kind, target.obj));
    }
    // One failure prints as `checkErr` prints it; several as `MultipleErrors`, one a line
    // and without the `error: ` prefix.
    for failure in &failures {
        let line = match failures.len() {
            1 => failure.as_str(),
            _ => failure.strip_prefix("error: ").unwrap_or(failure),
        };
        out.stderr.push_str(line);
        out.stderr.push('\n');
    }
    if !failures.is_empty() {
        out.exit_code = 1;
    } else if targets.is_empty() {
        out.stderr = if all_namespaces {
            "No resources found\n".into()
        } else {
            format!("No resources found in {namespace} namespace.\n")
        };
    }
    Ok(out)
}

/// A boolean flag's value, with pflag's error for a value `strconv.ParseBool` refuses.
fn bool_flag(parsed: &args::Parsed, name: &str, default: bool) -> Result<bool, String> {
    match parsed.get(name) {
        None => Ok(default),
        Some("1" | "t" | "T" | "true" | "TRUE" | "True") => Ok(true),
        Some("0" | "f" | "F" | "false" | "FALSE" | "False") => Ok(false),
        Some(other) => Err(format!(
            "error: invalid argument \"{other}\" for \"--{name}\" flag: strconv.ParseBool: parsing \"{other}\": invalid syntax\nSee 'kubectl describe --help' for usage."
        )),
    }
}

/// The API server warns about reading v1 Endpoints; kubectl prints the warning once.
fn deprecation_warning(out: &mut Output, kinds_seen: &[&Kind]) {
    if kinds_seen
        .iter()
        .any(|k| k.group.is_empty() && k.kind == "Endpoints")
    {
        out.stderr.push_str(
            "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n",
        );
    }
}
