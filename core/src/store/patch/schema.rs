//! How the fields of built-in kinds merge: upstream's `patchStrategy`/`patchMergeKey` struct
//! tags (strategic merge patch) and `listType`/`listMapKey`/`structType`/`mapType` markers
//! (server-side apply and managed fields), from k8s.io/api `types.go`, as one data table.
//!
//! The table is keyed by (Go type, JSON field name); each row names the field's own type, so
//! `PodSpec.containers` is written once and serves Pods, Deployments, Jobs and CronJobs alike.
//! A field without a row merges as upstream merges untagged fields: maps key by key, lists
//! replaced whole (SMP) or owned whole (SSA: atomic). Kinds the table does not know — custom
//! resources — have no schema at all, which is what upstream has for them too.

/// How server-side apply treats a list (`+listType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListType {
    /// Owned and replaced as one value (upstream's default for untagged lists).
    Atomic,
    /// A set of scalars (`+listType=set`).
    Set,
    /// Items identified by these key fields (`+listType=map` with `+listMapKey`s).
    Map(&'static [&'static str]),
}

/// What the table knows about one field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Meta {
    /// The field's type (for lists, the item type), to look its own fields up.
    pub ty: &'static str,
    /// Strategic merge: `Some(key)` for `patchStrategy:"merge"` (an empty key for lists of
    /// scalars merged as sets); `None` replaces lists whole.
    pub merge_key: Option<&'static str>,
    /// `patchStrategy` includes `retainKeys`.
    pub retain_keys: bool,
    /// `patchStrategy:"replace"` on a map-valued field.
    pub replace: bool,
    /// Server-side apply's view of a list.
    pub list: ListType,
    /// `+structType=atomic` / `+mapType=atomic`: owned and replaced as one value by apply.
    pub atomic: bool,
}

const fn ty(ty: &'static str) -> Meta {
    Meta {
        ty,
        merge_key: None,
        retain_keys: false,
        replace: false,
        list: ListType::Atomic,
        atomic: false,
    }
}

/// A list merged by `key` in both strategic merge patch and apply.
const fn keyed(item: &'static str, key: &'static str, keys: &'static [&'static str]) -> Meta {
    Meta {
        merge_key: Some(key),
        list: ListType::Map(keys),
        ..ty(item)
    }
}

/// Like [`keyed`], with `patchStrategy:"merge,retainKeys"`.
const fn keyed_retain(
    item: &'static str,
    key: &'static str,
    keys: &'static [&'static str],
) -> Meta {
    Meta {
        retain_keys: true,
        ..keyed(item, key, keys)
    }
}

/// A list of scalars merged as a set.
const SET: Meta = Meta {
    merge_key: Some(""),
    list: ListType::Set,
    ..ty("")
};

/// An atomic struct, map or list.
const ATOMIC: Meta = Meta {
    atomic: true,
    ..ty("")
};

const NAME: &[&str] = &["name"];
const TYPE: &[&str] = &["type"];

/// (type, field) → meta, sorted by type then field (binary-searched; a test keeps it sorted).
static FIELDS: &[(&str, &str, Meta)] = &[
    ("Affinity", "nodeAffinity", ty("NodeAffinity")),
    ("Container", "env", keyed("EnvVar", "name", NAME)),
    (
        "Container",
        "ports",
        keyed(
            "ContainerPort",
            "containerPort",
            &["containerPort", "protocol"],
        ),
    ),
    ("Container", "resources", ty("ResourceRequirements")),
    (
        "Container",
        "volumeDevices",
        keyed("VolumeDevice", "devicePath", &["devicePath"]),
    ),
    (
        "Container",
        "volumeMounts",
        keyed("VolumeMount", "mountPath", &["mountPath"]),
    ),
    ("CronJob", "spec", ty("CronJobSpec")),
    ("CronJobSpec", "jobTemplate", ty("JobTemplateSpec")),
    ("DaemonSet", "spec", ty("DaemonSetSpec")),
    ("DaemonSet", "status", ty("DaemonSetStatus")),
    ("DaemonSetSpec", "selector", ATOMIC),
    ("DaemonSetSpec", "template", ty("PodTemplateSpec")),
    ("DaemonSetStatus", "conditions", keyed("", "type", TYPE)),
    ("Deployment", "spec", ty("DeploymentSpec")),
    ("Deployment", "status", ty("DeploymentStatus")),
    ("DeploymentSpec", "selector", ATOMIC),
    (
        "DeploymentSpec",
        "strategy",
        Meta {
            retain_keys: true,
            ..ty("DeploymentStrategy")
        },
    ),
    ("DeploymentSpec", "template", ty("PodTemplateSpec")),
    ("DeploymentStatus", "conditions", keyed("", "type", TYPE)),
    ("EnvVar", "valueFrom", ty("EnvVarSource")),
    ("EnvVarSource", "configMapKeyRef", ATOMIC),
    ("EnvVarSource", "fieldRef", ATOMIC),
    ("EnvVarSource", "resourceFieldRef", ATOMIC),
    ("EnvVarSource", "secretKeyRef", ATOMIC),
    (
        "HorizontalPodAutoscaler",
        "status",
        ty("HorizontalPodAutoscalerStatus"),
    ),
    (
        "HorizontalPodAutoscalerStatus",
        "conditions",
        keyed("", "type", TYPE),
    ),
    ("Job", "spec", ty("JobSpec")),
    ("Job", "status", ty("JobStatus")),
    ("JobSpec", "selector", ATOMIC),
    ("JobSpec", "template", ty("PodTemplateSpec")),
    // Merged by type in strategic merge patch, but `+listType=atomic` for apply.
    (
        "JobStatus",
        "conditions",
        Meta {
            merge_key: Some("type"),
            ..ty("")
        },
    ),
    ("JobTemplateSpec", "spec", ty("JobSpec")),
    ("Namespace", "status", ty("NamespaceStatus")),
    ("NamespaceStatus", "conditions", keyed("", "type", TYPE)),
    ("Node", "spec", ty("NodeSpec")),
    ("Node", "status", ty("NodeStatus")),
    (
        "NodeAffinity",
        "requiredDuringSchedulingIgnoredDuringExecution",
        ATOMIC,
    ),
    ("NodeSpec", "podCIDRs", SET),
    ("NodeStatus", "addresses", keyed("", "type", TYPE)),
    ("NodeStatus", "conditions", keyed("", "type", TYPE)),
    ("ObjectMeta", "finalizers", SET),
    ("ObjectMeta", "ownerReferences", keyed("", "uid", &["uid"])),
    (
        "PersistentVolumeClaim",
        "status",
        ty("PersistentVolumeClaimStatus"),
    ),
    (
        "PersistentVolumeClaimStatus",
        "conditions",
        keyed("", "type", TYPE),
    ),
    ("Pod", "spec", ty("PodSpec")),
    ("Pod", "status", ty("PodStatus")),
    ("PodDisruptionBudget", "spec", ty("PodDisruptionBudgetSpec")),
    (
        "PodDisruptionBudget",
        "status",
        ty("PodDisruptionBudgetStatus"),
    ),
    (
        "PodDisruptionBudgetSpec",
        "selector",
        Meta {
            replace: true,
            ..ATOMIC
        },
    ),
    (
        "PodDisruptionBudgetStatus",
        "conditions",
        keyed("", "type", TYPE),
    ),
    ("PodSpec", "affinity", ty("Affinity")),
    ("PodSpec", "containers", keyed("Container", "name", NAME)),
    (
        "PodSpec",
        "ephemeralContainers",
        keyed("Container", "name", NAME),
    ),
    ("PodSpec", "hostAliases", keyed("", "ip", &["ip"])),
    ("PodSpec", "imagePullSecrets", keyed("", "name", NAME)),
    (
        "PodSpec",
        "initContainers",
        keyed("Container", "name", NAME),
    ),
    ("PodSpec", "nodeSelector", ATOMIC),
    ("PodSpec", "resourceClaims", keyed_retain("", "name", NAME)),
    ("PodSpec", "schedulingGates", keyed("", "name", NAME)),
    (
        "PodSpec",
        "topologySpreadConstraints",
        keyed(
            "TopologySpreadConstraint",
            "topologyKey",
            &["topologyKey", "whenUnsatisfiable"],
        ),
    ),
    ("PodSpec", "volumes", keyed_retain("", "name", NAME)),
    ("PodStatus", "conditions", keyed("", "type", TYPE)),
    // Merged by ip in strategic merge patch, but `+listType=atomic` for apply.
    (
        "PodStatus",
        "hostIPs",
        Meta {
            merge_key: Some("ip"),
            ..ty("")
        },
    ),
    ("PodStatus", "podIPs", keyed("", "ip", &["ip"])),
    ("PodTemplate", "template", ty("PodTemplateSpec")),
    ("PodTemplateSpec", "spec", ty("PodSpec")),
    ("ReplicaSet", "spec", ty("ReplicaSetSpec")),
    ("ReplicaSet", "status", ty("ReplicaSetStatus")),
    ("ReplicaSetSpec", "selector", ATOMIC),
    ("ReplicaSetSpec", "template", ty("PodTemplateSpec")),
    ("ReplicaSetStatus", "conditions", keyed("", "type", TYPE)),
    (
        "ReplicationController",
        "spec",
        ty("ReplicationControllerSpec"),
    ),
    (
        "ReplicationController",
        "status",
        ty("ReplicationControllerStatus"),
    ),
    ("ReplicationControllerSpec", "selector", ATOMIC),
    (
        "ReplicationControllerSpec",
        "template",
        ty("PodTemplateSpec"),
    ),
    (
        "ReplicationControllerStatus",
        "conditions",
        keyed("", "type", TYPE),
    ),
    (
        "ResourceRequirements",
        "claims",
        Meta {
            list: ListType::Map(NAME),
            ..ty("")
        },
    ),
    ("Service", "spec", ty("ServiceSpec")),
    ("Service", "status", ty("ServiceStatus")),
    ("ServiceAccount", "secrets", keyed("", "name", NAME)),
    (
        "ServiceSpec",
        "ports",
        keyed("ServicePort", "port", &["port", "protocol"]),
    ),
    ("ServiceSpec", "selector", ATOMIC),
    ("ServiceStatus", "conditions", keyed("", "type", TYPE)),
    ("StatefulSet", "spec", ty("StatefulSetSpec")),
    ("StatefulSet", "status", ty("StatefulSetStatus")),
    ("StatefulSetSpec", "selector", ATOMIC),
    ("StatefulSetSpec", "template", ty("PodTemplateSpec")),
    ("StatefulSetStatus", "conditions", keyed("", "type", TYPE)),
    ("TopologySpreadConstraint", "labelSelector", ATOMIC),
];

/// Kinds served with a Go type upstream (strategic merge patch works on them): the kinds
/// registry's; kinds that CRDs define are not.
pub fn is_built_in(kind: &crate::api::Kind) -> bool {
    crate::api::kinds::by_kind(kind.group, kind.kind).is_some()
}

/// A position in the type graph: the Go type whose fields are being merged, or none (no
/// schema: custom resources, fields the table does not describe).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schema(&'static str);

impl Schema {
    /// No knowledge: maps merge key by key, lists are replaced (or atomic).
    pub const NONE: Schema = Schema("");

    /// The schema of a built-in kind's object (its Go type has the kind's name).
    pub fn for_kind(kind: &crate::api::Kind) -> Schema {
        if is_built_in(kind) {
            Schema(kind.kind)
        } else {
            Schema::NONE
        }
    }

    /// `metadata`, whatever the kind (custom resources included).
    pub fn object_meta() -> Schema {
        Schema("ObjectMeta")
    }

    /// The Go type's name ("" when unknown).
    pub fn name(self) -> &'static str {
        self.0
    }

    /// What is known about field `name` of this type.
    pub fn field(self, name: &str) -> Meta {
        if self.0.is_empty() {
            return ty("");
        }
        if name == "metadata" {
            return ty("ObjectMeta");
        }
        match FIELDS.binary_search_by(|(t, f, _)| (*t, *f).cmp(&(self.0, name))) {
            Ok(i) => FIELDS.get(i).map_or(ty(""), |(_, _, m)| *m),
            Err(_) => ty(""),
        }
    }

    /// The schema of field `name`'s value (or of its items, for a list).
    pub fn child(self, name: &str) -> Schema {
        let meta = self.field(name);
        if meta.atomic {
            Schema::NONE
        } else {
            Schema(meta.ty)
        }
    }
}

impl Meta {
    /// A plain struct or map position (list items, the object itself).
    pub const fn granular() -> Meta {
        ty("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_for_binary_search() {
        for pair in FIELDS.windows(2) {
            if let [a, b] = pair {
                assert!(
                    (a.0, a.1) < (b.0, b.1),
                    "{}.{} before {}.{}",
                    a.0,
                    a.1,
                    b.0,
                    b.1
                );
            }
        }
    }

    #[test]
    fn pod_spec_is_shared_by_every_pod_template() {
        let kind = |g, k| crate::api::kinds::by_kind(g, k).unwrap();
        let deploy = Schema::for_kind(kind("apps", "Deployment"));
        let pod_spec = deploy.child("spec").child("template").child("spec");
        assert_eq!(pod_spec.field("containers").merge_key, Some("name"));
        let container = pod_spec.child("containers");
        assert_eq!(container.field("ports").merge_key, Some("containerPort"));
        assert_eq!(
            container.field("ports").list,
            ListType::Map(&["containerPort", "protocol"])
        );
        assert_eq!(container.field("args").merge_key, None);
        assert_eq!(container.field("args").list, ListType::Atomic);
        let job_pod = Schema::for_kind(kind("batch", "CronJob"))
            .child("spec")
            .child("jobTemplate")
            .child("spec")
            .child("template")
            .child("spec");
        assert_eq!(job_pod.field("volumes").merge_key, Some("name"));
        assert!(job_pod.field("volumes").retain_keys);
        assert_eq!(
            Schema::for_kind(kind("", "Pod"))
                .child("metadata")
                .field("finalizers")
                .list,
            ListType::Set
        );
    }

    #[test]
    fn custom_resources_have_no_schema() {
        let crontab = crate::api::Kind {
            group: "stable.example.com",
            kind: "CronTab",
            ..crate::api::kinds::KINDS[0]
        };
        assert_eq!(Schema::for_kind(&crontab), Schema::NONE);
        assert_eq!(Schema::NONE.field("containers").merge_key, None);
    }
}
