//! `kubectl explain` over the shipped data (`static/explain/v1.35.json`, read here with
//! std::fs as the CLI and the page would load it): every served kind can be explained, before
//! loading explain says so, and custom resources explain from their CRD's schema.

#![allow(clippy::expect_used)]

use std::path::Path;

use kubeplay_core::Cluster;
use kubeplay_core::api::kinds::{ALSO_SERVED, KINDS};
use kubeplay_core::api::openapi::OpenApi;

fn data() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../static/explain/v1.35.json");
    std::fs::read_to_string(path).expect("static/explain/v1.35.json")
}

#[test]
fn every_served_kind_has_a_schema_and_explains() {
    let openapi = OpenApi::parse(&data()).expect("explain data parses");
    assert_eq!(openapi.version(), "v1.35.0");
    let mut cluster = Cluster::new_default(1);
    cluster.load_explain_data(&data()).expect("loads");
    for kind in KINDS.iter().chain(ALSO_SERVED) {
        assert!(
            openapi
                .kind_schema(kind.group, kind.version, kind.kind)
                .is_some(),
            "no schema for {}/{} {}",
            kind.group,
            kind.version,
            kind.kind
        );
        let line = format!(
            "kubectl explain {}.{} --api-version={}",
            kind.plural,
            "metadata",
            kind.api_version()
        );
        let out = cluster.exec(&line);
        assert!(out.success(), "{line}: {}", out.stderr);
        assert!(
            out.stdout.contains(&format!(
                "KIND:       {}\nVERSION:    {}\n",
                kind.kind, kind.version
            )),
            "{line}:\n{}",
            out.stdout
        );
        assert!(
            out.stdout.contains("FIELD: metadata <ObjectMeta>\n"),
            "{line}"
        );
    }
}

#[test]
fn before_the_data_arrives_explain_says_so() {
    let mut cluster = Cluster::new_default(1);
    assert!(!cluster.has_explain_data());
    let out = cluster.exec("kubectl explain pods");
    assert_eq!(out.exit_code, 1);
    assert_eq!(
        out.stderr,
        "error: explain data is still loading; try again in a moment\n"
    );
    // Errors that need no data come first, as they do in kubectl.
    let out = cluster.exec("kubectl explain nothing");
    assert_eq!(
        out.stderr,
        "error: the server doesn't have a resource type \"nothing\"\n"
    );
    cluster.load_explain_data(&data()).expect("loads");
    assert!(cluster.has_explain_data());
    assert!(cluster.exec("kubectl explain pods").success());
    assert!(cluster.load_explain_data("not json").is_err());
}

const CRD: &str = r#"kubectl apply -f - <<EOF
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        description: A CronTab runs a command on a schedule.
        properties:
          spec:
            type: object
            required: [cronSpec]
            properties:
              cronSpec: {type: string, description: The schedule in cron format.}
              mode: {type: string, enum: [Once, Repeat]}
EOF"#;

#[test]
fn custom_resources_explain_from_their_schema() {
    let mut cluster = Cluster::new_default(1);
    cluster.load_explain_data(&data()).expect("loads");
    assert!(cluster.exec(CRD).success());
    let out = cluster.exec("kubectl explain ct");
    assert!(out.success(), "{}", out.stderr);
    assert!(out.stdout.starts_with(
        "GROUP:      stable.example.com\nKIND:       CronTab\nVERSION:    v1\n\nDESCRIPTION:\n    A CronTab runs a command on a schedule.\n    \nFIELDS:\n  apiVersion\t<string>\n"
    ), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("  metadata\t<ObjectMeta>\n    Standard object's metadata.")
    );
    assert!(
        out.stdout
            .ends_with("  spec\t<Object>\n    <no description>\n\n\n")
    );
    let out = cluster.exec("kubectl explain crontabs.stable.example.com.spec --recursive");
    assert!(
        out.stdout.ends_with(
            "FIELDS:\n  cronSpec\t<string> -required-\n  mode\t<string>\n  enum: Once, Repeat\n\n"
        ),
        "{}",
        out.stdout
    );
    let out = cluster.exec("kubectl explain ct.metadata.name");
    assert!(
        out.stdout.contains("FIELD: name <string>\n"),
        "{}",
        out.stdout
    );
    let out = cluster.exec("kubectl explain ct.spec.nope");
    assert_eq!(out.stderr, "error: field \"nope\" does not exist\n");
}
