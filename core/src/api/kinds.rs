//! The kinds registry: every resource type the API server serves, as data.
//!
//! One row per resource: group, version, kind, plural, singular, short names and scope. It drives
//! discovery (`kubectl api-resources`), name resolution (`po`, `deploy`, `deployments.apps`,
//! `pods.v1.`) and the resource part of error messages (`deployments.apps "web" not found`).

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
}

impl Kind {
    /// `apps/v1`, or `v1` for the core group.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
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
    ($($group:literal $version:literal $kind:ident $plural:literal $singular:literal [$($short:literal),*] $ns:literal;)*) => {
        /// Every served resource, in the order `kubectl api-resources` lists them (core group
        /// first, then groups alphabetically).
        pub static KINDS: &[Kind] = &[$(Kind {
            group: $group,
            version: $version,
            kind: stringify!($kind),
            plural: $plural,
            singular: $singular,
            short_names: &[$($short),*],
            namespaced: $ns,
        }),*];
    };
}

kinds! {
    "" "v1" Binding "bindings" "binding" [] true;
    "" "v1" ComponentStatus "componentstatuses" "componentstatus" ["cs"] false;
    "" "v1" ConfigMap "configmaps" "configmap" ["cm"] true;
    "" "v1" Endpoints "endpoints" "endpoints" ["ep"] true;
    "" "v1" Event "events" "event" ["ev"] true;
    "" "v1" LimitRange "limitranges" "limitrange" ["limits"] true;
    "" "v1" Namespace "namespaces" "namespace" ["ns"] false;
    "" "v1" Node "nodes" "node" ["no"] false;
    "" "v1" PersistentVolumeClaim "persistentvolumeclaims" "persistentvolumeclaim" ["pvc"] true;
    "" "v1" PersistentVolume "persistentvolumes" "persistentvolume" ["pv"] false;
    "" "v1" Pod "pods" "pod" ["po"] true;
    "" "v1" PodTemplate "podtemplates" "podtemplate" [] true;
    "" "v1" ReplicationController "replicationcontrollers" "replicationcontroller" ["rc"] true;
    "" "v1" ResourceQuota "resourcequotas" "resourcequota" ["quota"] true;
    "" "v1" Secret "secrets" "secret" [] true;
    "" "v1" ServiceAccount "serviceaccounts" "serviceaccount" ["sa"] true;
    "" "v1" Service "services" "service" ["svc"] true;
    "admissionregistration.k8s.io" "v1" ValidatingAdmissionPolicy "validatingadmissionpolicies" "validatingadmissionpolicy" [] false;
    "admissionregistration.k8s.io" "v1" ValidatingAdmissionPolicyBinding "validatingadmissionpolicybindings" "validatingadmissionpolicybinding" [] false;
    "apiextensions.k8s.io" "v1" CustomResourceDefinition "customresourcedefinitions" "customresourcedefinition" ["crd", "crds"] false;
    "apps" "v1" ControllerRevision "controllerrevisions" "controllerrevision" [] true;
    "apps" "v1" DaemonSet "daemonsets" "daemonset" ["ds"] true;
    "apps" "v1" Deployment "deployments" "deployment" ["deploy"] true;
    "apps" "v1" ReplicaSet "replicasets" "replicaset" ["rs"] true;
    "apps" "v1" StatefulSet "statefulsets" "statefulset" ["sts"] true;
    "autoscaling" "v2" HorizontalPodAutoscaler "horizontalpodautoscalers" "horizontalpodautoscaler" ["hpa"] true;
    "batch" "v1" CronJob "cronjobs" "cronjob" ["cj"] true;
    "batch" "v1" Job "jobs" "job" [] true;
    "coordination.k8s.io" "v1" Lease "leases" "lease" [] true;
    "discovery.k8s.io" "v1" EndpointSlice "endpointslices" "endpointslice" [] true;
    "events.k8s.io" "v1" Event "events" "event" ["ev"] true;
    "flowcontrol.apiserver.k8s.io" "v1" FlowSchema "flowschemas" "flowschema" [] false;
    "flowcontrol.apiserver.k8s.io" "v1" PriorityLevelConfiguration "prioritylevelconfigurations" "prioritylevelconfiguration" [] false;
    "networking.k8s.io" "v1" IngressClass "ingressclasses" "ingressclass" [] false;
    "networking.k8s.io" "v1" Ingress "ingresses" "ingress" ["ing"] true;
    "networking.k8s.io" "v1" NetworkPolicy "networkpolicies" "networkpolicy" ["netpol"] true;
    "policy" "v1" PodDisruptionBudget "poddisruptionbudgets" "poddisruptionbudget" ["pdb"] true;
    "rbac.authorization.k8s.io" "v1" ClusterRoleBinding "clusterrolebindings" "clusterrolebinding" [] false;
    "rbac.authorization.k8s.io" "v1" ClusterRole "clusterroles" "clusterrole" [] false;
    "rbac.authorization.k8s.io" "v1" RoleBinding "rolebindings" "rolebinding" [] true;
    "rbac.authorization.k8s.io" "v1" Role "roles" "role" [] true;
    "scheduling.k8s.io" "v1" PriorityClass "priorityclasses" "priorityclass" ["pc"] false;
    "storage.k8s.io" "v1" StorageClass "storageclasses" "storageclass" ["sc"] false;
}

/// Looks a kind up by `apiVersion` and `kind`, as written in a manifest.
pub fn by_api_version(api_version: &str, kind: &str) -> Option<&'static Kind> {
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    KINDS
        .iter()
        .find(|k| k.group == group && k.version == version && k.kind == kind)
}

/// Looks a kind up by its kind name in a group (the group of a core-group kind is "").
pub fn by_kind(group: &str, kind: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.group == group && k.kind == kind)
}

/// Resolves what a user typed as a resource type, as kubectl's REST mapper does: a plural,
/// singular, short name or kind (case-insensitive), optionally qualified as `NAME.GROUP` or
/// `NAME.VERSION.GROUP` (`deployments.apps`, `pods.v1.`). When several groups serve the same
/// name, the first in discovery order wins (core `events` before `events.k8s.io`).
pub fn resolve(typed: &str) -> Option<&'static Kind> {
    let lower = typed.to_ascii_lowercase();
    let matches_name = |k: &Kind, name: &str| {
        k.plural == name
            || k.singular == name
            || k.short_names.contains(&name)
            || k.kind.eq_ignore_ascii_case(name)
    };
    if let Some(k) = KINDS.iter().find(|k| matches_name(k, &lower)) {
        return Some(k);
    }
    let (name, qualifier) = lower.split_once('.')?;
    KINDS.iter().find(|k| {
        matches_name(k, name)
            && (qualifier == k.group
                || qualifier
                    .split_once('.')
                    .is_some_and(|(v, g)| v == k.version && g == k.group))
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
