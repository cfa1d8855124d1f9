//! Objects sent through the API server and what kubectl then prints: upstream's wording for
//! each rule, on create and on update.

use serde_json::{Value, json};

use crate::api::kinds;
use crate::kubectl::errors::render;
use crate::store::Store;

fn store() -> Store {
    let mut s = Store::new(7);
    let ns = kinds::by_kind("", "Namespace").unwrap();
    s.create(ns, json!({"metadata": {"name": "default"}}))
        .unwrap();
    let sa = kinds::by_kind("", "ServiceAccount").unwrap();
    s.create(
        sa,
        json!({"metadata": {"name": "default", "namespace": "default"}}),
    )
    .unwrap();
    s
}

fn kind(k: &str) -> &'static crate::api::Kind {
    let group = match k {
        "Deployment" | "ReplicaSet" | "DaemonSet" | "StatefulSet" => "apps",
        "Job" | "CronJob" => "batch",
        _ => "",
    };
    kinds::by_kind(group, k).unwrap()
}

/// What kubectl prints when creating `obj` fails (or "" when it succeeds).
fn create(s: &mut Store, k: &str, obj: Value) -> String {
    s.create(kind(k), obj)
        .err()
        .map(|e| render(&e))
        .unwrap_or_default()
}

fn update(s: &mut Store, k: &str, mut obj: Value) -> String {
    obj["metadata"]["namespace"] = json!("default");
    s.update(kind(k), obj)
        .err()
        .map(|e| render(&e))
        .unwrap_or_default()
}

fn pod(containers: Value) -> Value {
    json!({"metadata": {"name": "p"}, "spec": {"containers": containers}})
}

fn deployment(name: &str, selector: &str, label: &str) -> Value {
    json!({
        "metadata": {"name": name},
        "spec": {
            "selector": {"matchLabels": {"app": selector}},
            "template": {
                "metadata": {"labels": {"app": label}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx"}]},
            },
        },
    })
}

const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

#[test]
fn pods_need_containers_with_images_and_names() {
    let mut s = store();
    assert_eq!(
        create(&mut s, "Pod", pod(json!([]))),
        "The Pod \"p\" is invalid: spec.containers: Required value"
    );
    assert_eq!(
        create(&mut s, "Pod", pod(json!([{"name": "c"}]))),
        "The Pod \"p\" is invalid: spec.containers[0].image: Required value"
    );
    assert_eq!(
        create(
            &mut s,
            "Pod",
            pod(json!([{"image": "nginx"}, {"name": "Web", "image": "nginx"}]))
        ),
        format!(
            "The Pod \"p\" is invalid: \n* spec.containers[0].name: Required value\n* spec.containers[1].name: Invalid value: \"Web\": {LABEL_MSG}"
        )
    );
    assert_eq!(
        create(
            &mut s,
            "Pod",
            json!({"metadata": {"name": "p"}, "spec": {
                "initContainers": [{"name": "web", "image": "busybox"}],
                "containers": [{"name": "web", "image": "nginx"}],
            }})
        ),
        "The Pod \"p\" is invalid: spec.initContainers[0].name: Duplicate value: \"web\""
    );
    assert_eq!(
        create(
            &mut s,
            "Pod",
            pod(json!([{"name": "web", "image": "nginx"}]))
        ),
        ""
    );
}

#[test]
fn container_ports_env_and_resources() {
    let mut s = store();
    let out = create(
        &mut s,
        "Pod",
        pod(json!([{
            "name": "web", "image": "nginx",
            "ports": [{"containerPort": 0}, {"containerPort": 80, "protocol": "HTTP", "name": "web-http-port-long"}],
            "env": [{"name": "A=B", "value": "x"}, {"value": "y"}],
            "resources": {"requests": {"memory": "2Gi", "gpu": "1"}, "limits": {"memory": "1Gi", "cpu": "-1"}},
        }])),
    );
    let expected = [
        "The Pod \"p\" is invalid: ",
        "* spec.containers[0].ports[0].containerPort: Required value",
        "* spec.containers[0].ports[1].name: Invalid value: \"web-http-port-long\": must be no more than 15 characters",
        "* spec.containers[0].ports[1].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
        "* spec.containers[0].env[0].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='",
        "* spec.containers[0].env[1].name: Required value",
        "* spec.containers[0].resources.limits[cpu]: Invalid value: \"-1\": must be greater than or equal to 0",
        // Defaulting copies the limit into the missing request.
        "* spec.containers[0].resources.requests[cpu]: Invalid value: \"-1\": must be greater than or equal to 0",
        "* spec.containers[0].resources.requests[gpu]: Invalid value: \"gpu\": must be a standard resource type or fully qualified",
        "* spec.containers[0].resources.requests[gpu]: Invalid value: \"gpu\": must be a standard resource for containers",
        "* spec.containers[0].resources.requests: Invalid value: \"2Gi\": must be less than or equal to memory limit of 1Gi",
    ];
    assert_eq!(out, expected.join("\n"));
}

#[test]
fn volumes_mounts_probes_and_policies() {
    let mut s = store();
    let out = create(
        &mut s,
        "Pod",
        json!({"metadata": {"name": "p"}, "spec": {
            "dnsPolicy": "Cluster",
            // A volume without a source is defaulted to an emptyDir.
            "volumes": [{"name": "data", "emptyDir": {}, "hostPath": {"path": "/x"}}, {"name": "cache"}],
            "containers": [{
                "name": "web", "image": "nginx",
                "volumeMounts": [{"name": "data", "mountPath": "/d"}, {"name": "logs", "mountPath": "/d"}],
                "livenessProbe": {"httpGet": {"port": 70000}, "successThreshold": 2},
                "readinessProbe": {},
            }],
        }}),
    );
    let expected = [
        "The Pod \"p\" is invalid: ",
        "* spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type",
        "* spec.containers[0].volumeMounts[0].name: Not found: \"data\"",
        "* spec.containers[0].volumeMounts[1].name: Not found: \"logs\"",
        "* spec.containers[0].volumeMounts[1].mountPath: Invalid value: \"/d\": must be unique",
        "* spec.containers[0].livenessProbe.httpGet.port: Invalid value: 70000: must be between 1 and 65535, inclusive",
        "* spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1",
        "* spec.containers[0].readinessProbe: Required value: must specify a handler type",
        "* spec.dnsPolicy: Unsupported value: \"Cluster\": supported values: \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\"",
    ];
    assert_eq!(out, expected.join("\n"));
}

#[test]
fn metadata_names_labels_and_annotations() {
    let mut s = store();
    assert_eq!(
        create(
            &mut s,
            "Pod",
            json!({"metadata": {}, "spec": {"containers": [{"name": "a", "image": "b"}]}})
        ),
        "The Pod \"\" is invalid: metadata.name: Required value: name or generateName is required"
    );
    let out = create(
        &mut s,
        "ConfigMap",
        json!({"metadata": {"name": "c", "labels": {"app": "-web"}, "annotations": {"a/b/c": "x"}}}),
    );
    assert_eq!(
        out,
        "The ConfigMap \"c\" is invalid: \n* metadata.labels: Invalid value: \"-web\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n* metadata.annotations: Invalid value: \"a/b/c\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
    );
    let big = "x".repeat(256 * 1024);
    assert_eq!(
        create(
            &mut s,
            "ConfigMap",
            json!({"metadata": {"name": "big", "annotations": {"a": big}}})
        ),
        "The ConfigMap \"big\" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes"
    );
    assert_eq!(
        create(
            &mut s,
            "Service",
            json!({"metadata": {"name": "1web"}, "spec": {"ports": [{"port": 80}]}})
        ),
        "The Service \"1web\" is invalid: metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
    );
    // generateName prefixes may end in a dash; the generated name is checked too.
    let out = create(
        &mut s,
        "ConfigMap",
        json!({"metadata": {"generateName": "Web-"}}),
    );
    assert!(out.starts_with("The ConfigMap \"Web-"), "{out}");
    assert!(
        out.contains("* metadata.generateName: Invalid value: \"Web-\""),
        "{out}"
    );
    assert_eq!(
        create(
            &mut s,
            "ConfigMap",
            json!({"metadata": {"generateName": "web-"}})
        ),
        ""
    );
}

#[test]
fn workloads_need_a_matching_selector() {
    let mut s = store();
    assert_eq!(
        create(&mut s, "Deployment", deployment("web", "web", "api")),
        "The Deployment \"web\" is invalid: spec.template.metadata.labels: Invalid value: {\"app\":\"api\"}: `selector` does not match template `labels`"
    );
    let mut no_selector = deployment("web", "web", "web");
    no_selector["spec"]
        .as_object_mut()
        .unwrap()
        .remove("selector");
    assert_eq!(
        create(&mut s, "Deployment", no_selector),
        "The Deployment \"web\" is invalid: \n* spec.selector: Required value\n* spec.template.metadata.labels: Invalid value: {\"app\":\"web\"}: `selector` does not match template `labels`"
    );
    let mut zero = deployment("web", "web", "web");
    zero["spec"]["replicas"] = json!(-2);
    zero["spec"]["strategy"] = json!({"rollingUpdate": {"maxSurge": "0%", "maxUnavailable": 0}});
    zero["spec"]["template"]["spec"]["restartPolicy"] = json!("Never");
    assert_eq!(
        create(&mut s, "Deployment", zero),
        "The Deployment \"web\" is invalid: \n* spec.replicas: Invalid value: -2: must be greater than or equal to 0\n* spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"\n* spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"
    );
    let mut ds = deployment("agent", "agent", "other");
    ds["spec"].as_object_mut().unwrap().remove("selector");
    assert_eq!(
        create(&mut s, "DaemonSet", ds),
        "The DaemonSet \"agent\" is invalid: spec.template.metadata.labels: Invalid value: {\"app\":\"other\"}: `selector` does not match template `labels`"
    );
    let mut sts = deployment("db", "db", "db");
    sts["spec"]["template"]["spec"]["containers"][0]["volumeMounts"] =
        json!([{"name": "data", "mountPath": "/data"}]);
    sts["spec"]["volumeClaimTemplates"] = json!([{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]);
    assert_eq!(
        create(&mut s, "StatefulSet", sts),
        "",
        "claim templates are volumes"
    );
    assert_eq!(
        create(&mut s, "Deployment", deployment("web", "web", "web")),
        ""
    );
}

#[test]
fn workload_updates_keep_the_selector() {
    let mut s = store();
    assert_eq!(
        create(&mut s, "Deployment", deployment("web", "web", "web")),
        ""
    );
    assert_eq!(
        update(&mut s, "Deployment", deployment("web", "web2", "web2")),
        "The Deployment \"web\" is invalid: spec.selector: Invalid value: {\"matchLabels\":{\"app\":\"web2\"}}: field is immutable"
    );
    let mut scaled = deployment("web", "web", "web");
    scaled["spec"]["replicas"] = json!(5);
    assert_eq!(update(&mut s, "Deployment", scaled), "");

    let mut sts = deployment("db", "db", "db");
    sts["spec"]["serviceName"] = json!("db");
    assert_eq!(create(&mut s, "StatefulSet", sts.clone()), "");
    sts["spec"]["serviceName"] = json!("other");
    assert_eq!(
        update(&mut s, "StatefulSet", sts),
        "The StatefulSet \"db\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"
    );
}

#[test]
fn jobs_must_not_restart_always_and_keep_their_template() {
    let mut s = store();
    let job = |restart: Option<&str>, image: &str| {
        let mut spec = json!({"containers": [{"name": "pi", "image": image}]});
        if let Some(r) = restart {
            spec["restartPolicy"] = json!(r);
        }
        json!({"metadata": {"name": "pi"}, "spec": {"template": {"spec": spec}}})
    };
    assert_eq!(
        create(&mut s, "Job", job(None, "perl")),
        "The Job \"pi\" is invalid: spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\""
    );
    assert_eq!(
        create(&mut s, "Job", job(Some("Sometimes"), "perl")),
        // The pod template's own rule and the Job's both speak.
        "The Job \"pi\" is invalid: \n* spec.template.spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"\n* spec.template.spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"OnFailure\", \"Never\""
    );
    assert_eq!(create(&mut s, "Job", job(Some("Never"), "perl")), "");
    let mut changed = s.get(kind("Job"), "default", "pi").unwrap().clone();
    changed["spec"]["template"]["spec"]["containers"][0]["image"] = json!("perl:5");
    let out = update(&mut s, "Job", changed);
    assert!(
        out.starts_with("The Job \"pi\" is invalid: spec.template: Invalid value: {")
            && out.ends_with("}: field is immutable"),
        "{out}"
    );
    let cron = |schedule: &str, name: &str| json!({"metadata": {"name": name}, "spec": {"schedule": schedule, "jobTemplate": {"spec": {"template": {"spec": {"restartPolicy": "OnFailure", "containers": [{"name": "c", "image": "busybox"}]}}}}}});
    let out = create(&mut s, "CronJob", cron("every minute", "tick"));
    assert!(
        out.starts_with(
            "The CronJob \"tick\" is invalid: spec.schedule: Invalid value: \"every minute\": "
        ),
        "{out}"
    );
    assert_eq!(create(&mut s, "CronJob", cron("*/5 * * * *", "tick")), "");
    let long = "c".repeat(53);
    let cron = json!({"metadata": {"name": long}, "spec": {"schedule": "*/5 * * * *", "jobTemplate": {"spec": {"template": {"spec": {"restartPolicy": "OnFailure", "containers": [{"name": "c", "image": "busybox"}]}}}}}});
    assert_eq!(
        create(&mut s, "CronJob", cron),
        format!(
            "The CronJob \"{long}\" is invalid: metadata.name: Invalid value: \"{long}\": must be no more than 52 characters"
        )
    );
}

#[test]
fn services_ports_and_cluster_ip() {
    let mut s = store();
    assert_eq!(
        create(
            &mut s,
            "Service",
            json!({"metadata": {"name": "web"}, "spec": {"selector": {"app": "web"}}})
        ),
        "The Service \"web\" is invalid: spec.ports: Required value"
    );
    assert_eq!(
        create(
            &mut s,
            "Service",
            json!({"metadata": {"name": "web"}, "spec": {"clusterIP": "None"}})
        ),
        "",
        "a headless service needs no ports"
    );
    let svc = |ip: &str| json!({"metadata": {"name": "api"}, "spec": {"clusterIP": ip, "clusterIPs": [ip], "ports": [{"port": 80, "targetPort": "http-port-that-is-long"}]}});
    assert_eq!(
        create(&mut s, "Service", svc("10.96.0.20")),
        "The Service \"api\" is invalid: spec.ports[0].targetPort: Invalid value: \"http-port-that-is-long\": must be no more than 15 characters"
    );
    let ok = |ip: &str| json!({"metadata": {"name": "api"}, "spec": {"clusterIP": ip, "clusterIPs": [ip], "ports": [{"port": 80}]}});
    assert_eq!(create(&mut s, "Service", ok("10.96.0.20")), "");
    assert_eq!(
        update(&mut s, "Service", ok("10.96.0.21")),
        "The Service \"api\" is invalid: spec.clusterIPs[0]: Invalid value: [\"10.96.0.21\"]: may not change once set"
    );
}

#[test]
fn config_maps_and_secrets() {
    let mut s = store();
    let cm = |v: &str| json!({"metadata": {"name": "cfg"}, "immutable": true, "data": {"key": v}});
    assert_eq!(create(&mut s, "ConfigMap", cm("a")), "");
    assert_eq!(
        update(&mut s, "ConfigMap", cm("b")),
        "The ConfigMap \"cfg\" is invalid: data: Forbidden: field is immutable when `immutable` is set"
    );
    assert_eq!(
        create(
            &mut s,
            "Secret",
            json!({"metadata": {"name": "tls"}, "type": "kubernetes.io/tls", "stringData": {"..": "x"}})
        ),
        "The Secret \"tls\" is invalid: \n* data[..]: Invalid value: \"..\": must not be '..'\n* data[tls.crt]: Required value\n* data[tls.key]: Required value"
    );
}

#[test]
fn quantities_that_do_not_parse_are_bad_requests() {
    let mut s = store();
    assert_eq!(
        create(
            &mut s,
            "Pod",
            pod(json!([{"name": "c", "image": "i", "resources": {"limits": {"memory": "1GB"}}}]))
        ),
        "Error from server (BadRequest): Pod in version \"v1\" cannot be handled as a Pod: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    );
}

#[test]
fn pod_updates_may_change_only_images() {
    let mut s = store();
    let created = s
        .create(
            kind("Pod"),
            pod(json!([{"name": "c", "image": "busybox:1", "command": ["sleep"]}])),
        )
        .unwrap();
    // Clients update what they read, changing one thing.
    let changed = |f: &dyn Fn(&mut Value)| {
        let mut p = created.clone();
        f(&mut p);
        p.as_object_mut().unwrap().remove("status");
        p["metadata"]
            .as_object_mut()
            .unwrap()
            .remove("resourceVersion");
        p
    };
    let image = changed(&|p| p["spec"]["containers"][0]["image"] = json!("busybox:2"));
    assert_eq!(
        update(&mut s, "Pod", image.clone()),
        "",
        "image changes are allowed"
    );
    let command = changed(&|p| {
        p["spec"]["containers"][0]["image"] = json!("busybox:2");
        p["spec"]["containers"][0]["command"] = json!(["true"]);
    });
    let out = update(&mut s, "Pod", command);
    assert!(
        out.starts_with("The Pod \"p\" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n"),
        "{out}"
    );
    let added = changed(&|p| {
        p["spec"]["containers"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "d", "image": "x"}))
    });
    assert_eq!(
        update(&mut s, "Pod", added),
        "The Pod \"p\" is invalid: spec.containers: Forbidden: pod updates may not add or remove containers"
    );
    let mut renamed = image;
    renamed["metadata"]["uid"] = json!("not-the-uid");
    assert_eq!(
        update(&mut s, "Pod", renamed),
        "The Pod \"p\" is invalid: metadata.uid: Invalid value: \"not-the-uid\": field is immutable"
    );
}
