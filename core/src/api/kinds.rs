//! The kinds registry: every resource type the API server serves, as data.
//!
//! One row per resource: group, version, kind, plural, singular, short names, scope, verbs and
//! categories. It drives discovery (`kubectl api-resources`), name resolution (`po`, `deploy`,
//! `deployments.apps`, `pods.v1.`) and the resource part of error messages (`deployments.apps
//! "web" not found`). Kinds defined by CustomResourceDefinitions join at run time, per cluster
//! (`api::crds`); `ALSO_SERVED` lists older versions still served next to the stored one.

/// One resource type served by the API server.
#[derive(Debug, PartialEq, Eq)]
pub struct Kind {
    /// API group; empty for the core group.
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    pub plural: &'static str,
    pub singular: &'static str,
    pub short_names: &'static [&'static str],
    pub namespaced: bool,
    /// The verbs discovery lists (`kubectl api-resources -o wide`), in discovery's order.
    pub verbs: &'static [&'static str],
    /// Categories (`all`, `api-extensions`): what `kubectl get all` expands to.
    pub categories: &'static [&'static str],
}

/// What most resources support.
pub const ALL_VERBS: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
const NO_COLLECTION: &[&str] = &[
    "create", "delete", "get", "list", "patch", "update", "watch",
];
const CREATE_ONLY: &[&str] = &["create"];
const READ_ONLY: &[&str] = &["get", "list"];

impl Kind {
    /// `apps/v1`, or `v1` for the core group.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// Whether an unqualified, lowercased name names this kind: its plural, singular, a short
    /// name or the kind itself.
    pub fn answers_to(&self, lower: &str) -> bool {
        self.plural == lower
            || self.singular == lower
            || self.short_names.contains(&lower)
            || self.kind.eq_ignore_ascii_case(lower)
    }

    /// The group-qualified plural used in API messages: `pods`, `deployments.apps`.
    pub fn qualified_resource(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }
}

macro_rules! kinds {
    ($($group:literal $version:literal $kind:ident $plural:literal $singular:literal [$($short:literal),*] $ns:literal $verbs:ident [$($category:literal),*];)*) => {
        /// Every served resource in its preferred version, core group first, then groups
        /// alphabetically (`kubectl api-resources` sorts by group, then name).
        pub static KINDS: &[Kind] = &[$(Kind {
            group: $group,
            version: $version,
            kind: stringify!($kind),
            plural: $plural,
            singular: $singular,
            short_names: &[$($short),*],
            namespaced: $ns,
            verbs: $verbs,
            categories: &[$($category),*],
        }),*];
    };
}

kinds! {
    "" "v1" Binding "bindings" "binding" [] true CREATE_ONLY [];
    "" "v1" ComponentStatus "componentstatuses" "componentstatus" ["cs"] false READ_ONLY [];
    "" "v1" ConfigMap "configmaps" "configmap" ["cm"] true ALL_VERBS [];
    "" "v1" Endpoints "endpoints" "endpoints" ["ep"] true ALL_VERBS [];
    "" "v1" Event "events" "event" ["ev"] true ALL_VERBS [];
    "" "v1" LimitRange "limitranges" "limitrange" ["limits"] true ALL_VERBS [];
    "" "v1" Namespace "namespaces" "namespace" ["ns"] false NO_COLLECTION [];
    "" "v1" Node "nodes" "node" ["no"] false ALL_VERBS [];
    "" "v1" PersistentVolumeClaim "persistentvolumeclaims" "persistentvolumeclaim" ["pvc"] true ALL_VERBS [];
    "" "v1" PersistentVolume "persistentvolumes" "persistentvolume" ["pv"] false ALL_VERBS [];
    "" "v1" Pod "pods" "pod" ["po"] true ALL_VERBS ["all"];
    "" "v1" PodTemplate "podtemplates" "podtemplate" [] true ALL_VERBS [];
    "" "v1" ReplicationController "replicationcontrollers" "replicationcontroller" ["rc"] true ALL_VERBS ["all"];
    "" "v1" ResourceQuota "resourcequotas" "resourcequota" ["quota"] true ALL_VERBS [];
    "" "v1" Secret "secrets" "secret" [] true ALL_VERBS [];
    "" "v1" ServiceAccount "serviceaccounts" "serviceaccount" ["sa"] true ALL_VERBS [];
    "" "v1" Service "services" "service" ["svc"] true ALL_VERBS ["all"];
    "admissionregistration.k8s.io" "v1" ValidatingAdmissionPolicy "validatingadmissionpolicies" "validatingadmissionpolicy" [] false ALL_VERBS ["api-extensions"];
    "admissionregistration.k8s.io" "v1" ValidatingAdmissionPolicyBinding "validatingadmissionpolicybindings" "validatingadmissionpolicybinding" [] false ALL_VERBS ["api-extensions"];
    "apiextensions.k8s.io" "v1" CustomResourceDefinition "customresourcedefinitions" "customresourcedefinition" ["crd", "crds"] false ALL_VERBS ["api-extensions"];
    "apiregistration.k8s.io" "v1" APIService "apiservices" "apiservice" [] false ALL_VERBS ["api-extensions"];
    "apps" "v1" ControllerRevision "controllerrevisions" "controllerrevision" [] true ALL_VERBS [];
    "apps" "v1" DaemonSet "daemonsets" "daemonset" ["ds"] true ALL_VERBS ["all"];
    "apps" "v1" Deployment "deployments" "deployment" ["deploy"] true ALL_VERBS ["all"];
    "apps" "v1" ReplicaSet "replicasets" "replicaset" ["rs"] true ALL_VERBS ["all"];
    "apps" "v1" StatefulSet "statefulsets" "statefulset" ["sts"] true ALL_VERBS ["all"];
    "autoscaling" "v2" HorizontalPodAutoscaler "horizontalpodautoscalers" "horizontalpodautoscaler" ["hpa"] true ALL_VERBS ["all"];
    "batch" "v1" CronJob "cronjobs" "cronjob" ["cj"] true ALL_VERBS ["all"];
    "batch" "v1" Job "jobs" "job" [] true ALL_VERBS ["all"];
    "coordination.k8s.io" "v1" Lease "leases" "lease" [] true ALL_VERBS [];
    "discovery.k8s.io" "v1" EndpointSlice "endpointslices" "endpointslice" [] true ALL_VERBS [];
    "events.k8s.io" "v1" Event "events" "event" ["ev"] true ALL_VERBS [];
    "flowcontrol.apiserver.k8s.io" "v1" FlowSchema "flowschemas" "flowschema" [] false ALL_VERBS [];
    "flowcontrol.apiserver.k8s.io" "v1" PriorityLevelConfiguration "prioritylevelconfigurations" "prioritylevelconfiguration" [] false ALL_VERBS [];
    "networking.k8s.io" "v1" IngressClass "ingressclasses" "ingressclass" [] false ALL_VERBS [];
    "networking.k8s.io" "v1" Ingress "ingresses" "ingress" ["ing"] true ALL_VERBS [];
    "networking.k8s.io" "v1" NetworkPolicy "networkpolicies" "networkpolicy" ["netpol"] true ALL_VERBS [];
    "policy" "v1" PodDisruptionBudget "poddisruptionbudgets" "poddisruptionbudget" ["pdb"] true ALL_VERBS [];
    "rbac.authorization.k8s.io" "v1" ClusterRoleBinding "clusterrolebindings" "clusterrolebinding" [] false ALL_VERBS [];
    "rbac.authorization.k8s.io" "v1" ClusterRole "clusterroles" "clusterrole" [] false ALL_VERBS [];
    "rbac.authorization.k8s.io" "v1" RoleBinding "rolebindings" "rolebinding" [] true ALL_VERBS [];
    "rbac.authorization.k8s.io" "v1" Role "roles" "role" [] true ALL_VERBS [];
    "scheduling.k8s.io" "v1" PriorityClass "priorityclasses" "priorityclass" ["pc"] false ALL_VERBS [];
    "storage.k8s.io" "v1" StorageClass "storageclasses" "storageclass" ["sc"] false ALL_VERBS [];
}

/// Older versions v1.35 still serves for a kind stored in another version; requests in them
/// are converted by `api::versions`.
pub static ALSO_SERVED: &[Kind] = &[Kind {
    group: "autoscaling",
    version: "v1",
    kind: "HorizontalPodAutoscaler",
    plural: "horizontalpodautoscalers",
    singular: "horizontalpodautoscaler",
    short_names: &["hpa"],
    namespaced: true,
    verbs: ALL_VERBS,
    categories: &["all"],
}];

/// Looks a kind up by `apiVersion` and `kind`, as written in a manifest.
pub fn by_api_version(api_version: &str, kind: &str) -> Option<&'static Kind> {
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    KINDS
        .iter()
        .chain(ALSO_SERVED)
        .find(|k| k.group == group && k.version == version && k.kind == kind)
}

/// Looks a kind up by its kind name in a group (the group of a core-group kind is "").
pub fn by_kind(group: &str, kind: &str) -> Option<&'static Kind> {
    // The kind first: most differ in length, so the comparison ends before any byte is read
    // (controllers look kinds up on every reconcile).
    KINDS.iter().find(|k| k.kind == kind && k.group == group)
}

/// Resolves what a user typed as a resource type, as kubectl's REST mapper does: a plural,
/// singular, short name or kind (case-insensitive), optionally qualified as `NAME.GROUP` or
/// `NAME.VERSION.GROUP` (`deployments.apps`, `pods.v1.`). When several groups serve the same
/// name, the first in discovery order wins (core `events` before `events.k8s.io`).
pub fn resolve(typed: &str) -> Option<&'static Kind> {
    resolve_among(KINDS.iter(), typed)
}

/// [`resolve`] among the given kinds (the CRD-defined ones, for the store).
pub fn resolve_among(
    kinds: impl Iterator<Item = &'static Kind> + Clone,
    typed: &str,
) -> Option<&'static Kind> {
    let lower = typed.to_ascii_lowercase();
    if let Some(k) = kinds.clone().find(|k| k.answers_to(&lower)) {
        return Some(k);
    }
    // `NAME.GROUP` or `NAME.VERSION.GROUP`; groups have dots of their own, so every split
    // point is tried.
    let mut split = lower.match_indices('.').map(|(i, _)| i);
    split.find_map(|i| {
        let (name, qualifier) = (&lower[..i], &lower[i + 1..]);
        kinds.clone().find(|k| {
            k.answers_to(name)
                && (qualifier == k.group
                    || qualifier
                        .split_once('.')
                        .is_some_and(|(v, g)| v == k.version && g == k.group)
                    || (qualifier.strip_suffix('.') == Some(k.version) && k.group.is_empty()))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_names_as_kubectl_does() {
        for (typed, plural, group) in [
            ("po", "pods", ""),
            ("pods", "pods", ""),
            ("Pod", "pods", ""),
            ("deploy", "deployments", "apps"),
            ("deployments.apps", "deployments", "apps"),
            ("deployment.v1.apps", "deployments", "apps"),
            ("pods.v1.", "pods", ""),
            ("svc", "services", ""),
            ("ev", "events", ""),
            ("events.events.k8s.io", "events", "events.k8s.io"),
            ("no", "nodes", ""),
        ] {
            assert_eq!(
                resolve(typed).map(|k| (k.plural, k.group)),
                Some((plural, group)),
                "{typed}"
            );
        }
        assert!(resolve("foo").is_none());
        assert!(resolve("deployments.batch").is_none());
    }

    #[test]
    fn qualified_resource_names() {
        assert_eq!(
            resolve("deploy").map(Kind::qualified_resource).as_deref(),
            Some("deployments.apps")
        );
        assert_eq!(
            resolve("po").map(Kind::qualified_resource).as_deref(),
            Some("pods")
        );
    }
}
