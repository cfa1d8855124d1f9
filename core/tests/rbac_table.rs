//! RBAC decisions on the default cluster, as a table: (user, groups, verb, resource,
//! namespace) → allowed. The expectations follow from upstream's bootstrap policy and RBAC
//! semantics (a RoleBinding grants only in its namespace, `view` excludes secrets, `edit`
//! cannot touch roles, `admin` can, `system:masters` may do anything, service accounts are in
//! `system:serviceaccounts[:NS]`), not from this implementation. Asked through
//! `kubectl auth can-i --as --as-group`, as the cluster admin may impersonate anyone.

use kubeplay_core::Cluster;

const SETUP: &[&str] = &[
    "kubectl create namespace dev",
    "kubectl create rolebinding alice-edit --clusterrole=edit --user=alice -n dev",
    "kubectl create rolebinding team-view --clusterrole=view --group=developers -n default",
    "kubectl create rolebinding ops-admin --clusterrole=admin --group=ops -n dev",
    "kubectl create clusterrolebinding bob-nodes --clusterrole=system:node-proxier --user=bob",
    "kubectl create rolebinding dev-sas --clusterrole=view --group=system:serviceaccounts:dev -n dev",
];

/// (user, groups, verb, resource, namespace, allowed)
type Row = (
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static str,
    &'static str,
    bool,
);

const TABLE: &[Row] = &[
    // alice: edit in dev only.
    ("alice", &[], "create", "deployments.apps", "dev", true),
    ("alice", &[], "delete", "pods", "dev", true),
    ("alice", &[], "get", "secrets", "dev", true),
    (
        "alice",
        &[],
        "create",
        "roles.rbac.authorization.k8s.io",
        "dev",
        false,
    ),
    ("alice", &[], "create", "deployments.apps", "default", false),
    ("alice", &[], "list", "pods", "kube-system", false),
    ("alice", &[], "list", "nodes", "", false),
    // the developers group: view in default.
    ("carol", &["developers"], "list", "pods", "default", true),
    ("carol", &["developers"], "get", "pods/log", "default", true),
    ("carol", &["developers"], "get", "secrets", "default", false),
    ("carol", &["developers"], "create", "pods", "default", false),
    ("carol", &["developers"], "list", "pods", "dev", false),
    // ops: admin in dev, which may manage Roles and RoleBindings there.
    (
        "dave",
        &["ops"],
        "create",
        "roles.rbac.authorization.k8s.io",
        "dev",
        true,
    ),
    (
        "dave",
        &["ops"],
        "create",
        "rolebindings.rbac.authorization.k8s.io",
        "dev",
        true,
    ),
    ("dave", &["ops"], "delete", "namespaces", "", false),
    // bob: node-proxier cluster-wide (list/watch services and endpointslices, get nodes).
    ("bob", &[], "list", "services", "default", true),
    (
        "bob",
        &[],
        "watch",
        "endpointslices.discovery.k8s.io",
        "kube-system",
        true,
    ),
    ("bob", &[], "get", "nodes", "", true),
    ("bob", &[], "delete", "nodes", "", false),
    ("bob", &[], "get", "services", "default", false),
    // system:masters bypasses RBAC.
    ("root", &["system:masters"], "delete", "nodes", "", true),
    (
        "root",
        &["system:masters"],
        "escalate",
        "clusterroles.rbac.authorization.k8s.io",
        "",
        true,
    ),
    // service accounts: the group of their namespace.
    (
        "system:serviceaccount:dev:builder",
        &[],
        "list",
        "configmaps",
        "dev",
        true,
    ),
    (
        "system:serviceaccount:default:builder",
        &[],
        "list",
        "configmaps",
        "dev",
        false,
    ),
    // everyone authenticated: discovery and self-reviews only.
    ("eve", &[], "list", "namespaces", "", false),
    ("eve", &[], "get", "configmaps", "kube-public", false),
];

#[test]
fn rbac_decisions_follow_the_bootstrap_policy_and_bindings() {
    let mut cluster = Cluster::new_default(1);
    for line in SETUP {
        let out = cluster.exec(line);
        assert!(out.success(), "{line}: {}", out.stderr);
    }
    let mut wrong = Vec::new();
    for (user, groups, verb, resource, namespace, allowed) in TABLE {
        let mut line = format!("kubectl auth can-i {verb} {resource} --as={user}");
        for g in *groups {
            line.push_str(&format!(" --as-group={g}"));
        }
        if namespace.is_empty() {
            line.push_str(" -A");
        } else {
            line.push_str(&format!(" -n {namespace}"));
        }
        let out = cluster.exec(&line);
        let answer = out.stdout.trim();
        let expected = if *allowed { "yes" } else { "no" };
        if answer != expected || out.success() != *allowed {
            wrong.push(format!(
                "{line}: {answer} (exit {}), want {expected}",
                out.exit_code
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
