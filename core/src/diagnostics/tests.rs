//! Positions and messages of the editor's checks.

use proptest::prelude::*;

use super::Severity;
use crate::Cluster;

fn check(text: &str) -> Vec<(u32, u32, String)> {
    let mut cluster = Cluster::new_default(1);
    cluster
        .check_manifest(text)
        .into_iter()
        .map(|d| (d.line, d.column, d.message))
        .collect()
}

#[test]
fn a_clean_manifest_has_no_problems() {
    assert_eq!(check(crate::templates::TEMPLATES[1].text), vec![]);
    assert_eq!(check(""), vec![]);
}

/// A Deployment with one line to vary (`{line}` stands for it), its containers in a list.
fn deployment(replicas: &str, container_b: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: a
        image: nginx
      - name: b
        {container_b}: nginx
"
    )
}

#[test]
fn a_syntax_error_is_where_the_parser_stopped_in_go_yaml_words() {
    // Both messages as the real kubectl v1.35 prints them for these files.
    assert_eq!(
        check("kind: Pod\nmetadata:\n  name: x\n   bad: 1\n"),
        vec![(4, 7, "error: error parsing editor.yaml: error converting YAML to JSON: yaml: line 4: mapping values are not allowed in this context".into())]
    );
    // The reason is the parser's own when its words differ from go-yaml's (here go-yaml says
    // "did not find expected ',' or ']'"); the line is go-yaml's.
    let found = check("kind: Pod\nmetadata:\n  name: [x\n");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, 3, "{found:?}");
    assert!(
        found[0]
            .2
            .contains("error converting YAML to JSON: yaml: line 3: "),
        "{found:?}"
    );
}

#[test]
fn an_unknown_field_in_a_list_item_is_at_its_key() {
    assert_eq!(
        check(&deployment("2", "imagee")),
        vec![(
            19,
            9,
            "strict decoding error: unknown field \"spec.template.spec.containers[1].imagee\""
                .into()
        )]
    );
}

#[test]
fn a_wrong_type_is_at_its_field() {
    assert_eq!(
        check(&deployment("two", "image")),
        vec![(6, 3, "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32".into())]
    );
}

#[test]
fn validation_errors_are_at_their_fields_in_kubectls_words() {
    let text = deployment("-1", "imagePullPolicy");
    assert_eq!(
        check(&text),
        vec![
            (6, 3, "spec.replicas: Invalid value: -1: must be greater than or equal to 0".into()),
            // A field that is missing: at the list item that should have it.
            (18, 9, "spec.template.spec.containers[1].image: Required value".into()),
            (19, 9, "spec.template.spec.containers[1].imagePullPolicy: Unsupported value: \"nginx\": supported values: \"Always\", \"IfNotPresent\", \"Never\"".into()),
        ]
    );
    // The same words the terminal prints for the file.
    let mut cluster = Cluster::new_default(1);
    cluster.write_file("editor.yaml", &text);
    let out = cluster.exec("kubectl apply -f editor.yaml --dry-run=server");
    assert_eq!(out.exit_code, 1);
    for (_, _, message) in check(&text) {
        assert!(out.stderr.contains(&message), "{message} in {}", out.stderr);
    }
}

#[test]
fn each_document_is_checked_at_its_own_place() {
    let text = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: a
---
# nothing here
---
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: c
---
kind: Nope
apiVersion: v9
---
metadata: {}
";
    assert_eq!(
        check(text),
        vec![
            (14, 5, "spec.containers[0].image: Required value".into()),
            (16, 1, "error: resource mapping not found for name: \"\" namespace: \"\" from \"editor.yaml\": no matches for kind \"Nope\" in version \"v9\"\nensure CRDs are installed first".into()),
            (19, 1, "error: error validating \"editor.yaml\": error validating data: [apiVersion not set, kind not set]; if you choose to ignore these errors, turn validation off with --validate=false".into()),
        ]
    );
}

#[test]
fn an_existing_object_is_checked_as_an_update_and_nothing_changes() {
    let mut cluster = Cluster::new_default(1);
    cluster.write_file("editor.yaml", &deployment("2", "image"));
    assert!(cluster.exec("kubectl apply -f editor.yaml").success());
    let revision = cluster.revision();
    let changed = deployment("2", "image").replace("app: web", "app: other");
    let found = cluster.check_manifest(&changed);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].line, found[0].severity), (7, Severity::Error));
    assert!(
        found[0]
            .message
            .starts_with("spec.selector: Invalid value:"),
        "{found:?}"
    );
    assert!(
        found[0].message.ends_with("field is immutable"),
        "{found:?}"
    );
    assert_eq!(cluster.revision(), revision);
    // Created without kubectl apply: the warning kubectl prints, at the document.
    assert!(cluster.exec("kubectl create configmap plain").success());
    let found =
        cluster.check_manifest("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].line, found[0].severity), (1, Severity::Warning));
    assert!(
        found[0]
            .message
            .starts_with("Warning: resource configmaps/plain is missing"),
        "{found:?}"
    );
}

#[test]
fn not_in_a_namespace_that_exists_is_at_the_name() {
    let found =
        check("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  namespace: nowhere\n  name: a\n");
    assert_eq!(found, vec![(5, 3, "Error from server (NotFound): error when creating \"editor.yaml\": namespaces \"nowhere\" not found".into())]);
}

thread_local! {
    /// One cluster for every case: checking never changes it.
    static SHARED: std::cell::RefCell<Cluster> = std::cell::RefCell::new(Cluster::new_default(1));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any text at all gets an answer, and every position is inside the text.
    #[test]
    fn any_text_is_checked_without_panicking(
        text in prop_oneof![
            "\\PC{0,200}",
            proptest::collection::vec(
                prop_oneof![
                    Just("apiVersion: v1\n"), Just("kind: Pod\n"), Just("---\n"), Just("  "),
                    Just("metadata:\n"), Just("spec:\n"), Just("- "), Just("name: x\n"),
                    Just("containers:\n"), Just("[{"), Just("}]"), Just("&a "), Just("*a\n"),
                    Just("\"x"), Just("# c\n"), Just("<<: *a\n"), Just("image: 1\n"), Just(":"),
                ],
                0..40,
            ).prop_map(|parts| parts.concat()),
        ]
    ) {
        let lines = u32::try_from(text.lines().count()).unwrap() + 1;
        for d in SHARED.with(|c| c.borrow_mut().check_manifest(&text)) {
            prop_assert!(d.line >= 1 && d.line <= lines, "{d:?} in {text:?}");
            prop_assert!(d.column >= 1);
        }
    }
}

#[test]
fn kubectl_edits_text_checks_clean() {
    let mut cluster = Cluster::new_default(1);
    cluster.write_file("editor.yaml", &deployment("2", "image"));
    assert!(cluster.exec("kubectl apply -f editor.yaml").success());
    cluster.exec("kubectl edit deployment web");
    let text = cluster.pending_edit().unwrap().text().to_string();
    assert_eq!(cluster.check_edit(&text), vec![], "{text}");
    // The controllers write the status meanwhile: the file's resourceVersion is stale, which
    // apply would call a conflict, and the edit's patch does not carry.
    cluster.advance(30_000);
    assert_eq!(cluster.check_edit(&text), vec![], "{text}");
    assert!(
        cluster.check_manifest(&text)[0]
            .message
            .starts_with("Error from server (Conflict)")
    );
    let found = cluster.check_edit(&text.replace("replicas: 2", "replicas: -1"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]
            .message
            .starts_with("spec.replicas: Invalid value: -1"),
        "{found:?}"
    );
}
