//! Conformance on the Kubernetes documentation's example manifests
//! (`shared/corpus/examples`): each file is applied with `kubectl apply -f` to a fresh default
//! cluster and must come out as a real v1.35 cluster (kind, IPv4) answers — applied cleanly,
//! or refused with kubectl's own error. Files that need another object first (custom
//! resources after their CRD) get it applied before.
//!
//! `EXPECTED_FAILURES` lists every file a real cluster refuses, with a piece of the error it
//! prints; every other file must apply without error. A file missing from the corpus is
//! skipped (the corpus is a sample), but a listed one that now applies cleanly fails the
//! test, so the list stays true.

use std::path::{Path, PathBuf};

use kubeplay_core::Cluster;

/// `shared/` sits beside the repository (`../../shared` from `core/`); a worktree one level
/// deeper finds it one level further up.
fn examples_dir() -> PathBuf {
    let core = Path::new(env!("CARGO_MANIFEST_DIR"));
    ["../../shared", "../../../shared"]
        .iter()
        .map(|up| core.join(up).join("corpus/examples"))
        .find(|p| p.is_dir())
        .unwrap_or_else(|| core.join("../../shared/corpus/examples"))
}

/// Files a real cluster refuses, and a part of what kubectl prints for each.
const EXPECTED_FAILURES: &[(&str, &str)] = &[
    // Not API objects: configuration files of the API server and of kind.
    (
        "admin/konnectivity/egress-selector-configuration.yaml",
        r#"error: resource mapping not found for name: "" namespace: "" from "admin/konnectivity/egress-selector-configuration.yaml": no matches for kind "EgressSelectorConfiguration" in version "apiserver.k8s.io/v1beta1"
ensure CRDs are installed first"#,
    ),
    (
        "pods/security/seccomp/kind.yaml",
        r#"no matches for kind "Cluster" in version "kind.x-k8s.io/v1alpha4""#,
    ),
    // PodSecurityPolicy was removed in v1.25.
    (
        "policy/baseline-psp.yaml",
        r#"error: resource mapping not found for name: "baseline" namespace: "" from "policy/baseline-psp.yaml": no matches for kind "PodSecurityPolicy" in version "policy/v1beta1"
ensure CRDs are installed first"#,
    ),
    (
        "policy/privileged-psp.yaml",
        r#"no matches for kind "PodSecurityPolicy" in version "policy/v1beta1""#,
    ),
    // A parameter resource whose CRD the example assumes but does not ship.
    (
        "validatingadmissionpolicy/replicalimit-param.yaml",
        r#"no matches for kind "ReplicaLimit" in version "rules.example.com/v1""#,
    ),
    // Pods for namespaces the tasks create first (`kubectl create namespace ...`).
    (
        "pods/qos/qos-pod-2.yaml",
        r#"Error from server (NotFound): error when creating "pods/qos/qos-pod-2.yaml": namespaces "qos-example" not found"#,
    ),
    (
        "pods/qos/qos-pod-3.yaml",
        r#"namespaces "qos-example" not found"#,
    ),
    (
        "pods/resource/cpu-request-limit.yaml",
        r#"namespaces "cpu-example" not found"#,
    ),
    (
        "pods/resource/memory-request-limit-2.yaml",
        r#"namespaces "mem-example" not found"#,
    ),
    (
        "pods/resource/memory-request-limit-3.yaml",
        r#"namespaces "mem-example" not found"#,
    ),
    // IPv6 on a single-stack IPv4 cluster (kind's default).
    (
        "service/networking/dual-stack-ipfamilies-ipv6.yaml",
        r#"The Service "my-service" is invalid: spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster"#,
    ),
    (
        "service/networking/dual-stack-prefer-ipv6-lb-svc.yaml",
        r#"spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster"#,
    ),
    // A template the task expands with `sed` first: `$ITEM` cannot be part of a name.
    (
        "application/job/job-tmpl.yaml",
        r#"The Job "process-item-$ITEM" is invalid: metadata.name: Invalid value: "process-item-$ITEM": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters"#,
    ),
    // A fragment with a literal `...` line, where the corpus has it.
    (
        "validatingadmissionpolicy/failure-policy-ignore.yaml",
        "error: error parsing validatingadmissionpolicy/failure-policy-ignore.yaml",
    ),
];

/// Files applied (in this order) before the file itself.
const PREREQUISITES: &[(&str, &[&str])] = &[(
    "customresourcedefinition/shirt-resources.yaml",
    &["customresourcedefinition/shirt-resource-definition.yaml"],
)];

fn all_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            all_files(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        {
            out.push(path);
        }
    }
}

/// Applies `rel` (after its prerequisites) to a fresh cluster; returns what kubectl printed
/// on stderr for the file itself, and whether it succeeded.
fn apply(root: &Path, rel: &str) -> (bool, String) {
    let mut cluster = Cluster::new_default(1);
    let before = PREREQUISITES
        .iter()
        .find(|(f, _)| *f == rel)
        .map(|(_, p)| *p)
        .unwrap_or_default();
    for file in before.iter().chain(std::iter::once(&rel)) {
        let text = std::fs::read_to_string(root.join(file)).unwrap_or_default();
        cluster.write_file(file, &text);
        let out = cluster.exec(&format!("kubectl apply -f {file}"));
        if *file == rel {
            return (out.success(), out.stderr);
        }
        assert!(
            out.success(),
            "prerequisite {file} of {rel}: {}",
            out.stderr
        );
    }
    (false, String::new())
}

#[test]
fn documentation_examples_apply_as_on_a_real_cluster() {
    let root = examples_dir();
    let mut files = Vec::new();
    all_files(&root, &mut files);
    files.sort();
    assert!(!files.is_empty(), "no examples under {}", root.display());
    let mut failures = Vec::new();
    let (mut accepted, mut refused) = (0, 0);
    for path in &files {
        let rel = path
            .strip_prefix(&root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        let (ok, stderr) = apply(&root, &rel);
        match EXPECTED_FAILURES.iter().find(|(f, _)| *f == rel) {
            None if ok => accepted += 1,
            None => failures.push(format!("{rel}: expected to apply, got:\n{stderr}")),
            Some((_, _)) if ok => failures.push(format!("{rel}: expected an error, applied")),
            Some((_, want)) if stderr.contains(want) => refused += 1,
            Some((_, want)) => failures.push(format!(
                "{rel}: expected an error containing {want:?}, got:\n{stderr}"
            )),
        }
    }
    println!(
        "{accepted} applied, {refused} refused as expected, {} wrong, of {} files",
        failures.len(),
        files.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
