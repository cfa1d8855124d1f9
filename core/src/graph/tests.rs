use super::*;
use crate::Cluster;

/// A namespace with one of everything the picture connects.
const APP: &str = r#"apiVersion: v1
kind: ConfigMap
metadata: {name: web-config}
data: {MODE: demo}
---
apiVersion: v1
kind: Secret
metadata: {name: web-tls}
stringData: {key: value}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx
        envFrom: [{configMapRef: {name: web-config}}]
        volumeMounts: [{name: tls, mountPath: /tls}]
      volumes:
      - name: tls
        secret: {secretName: web-tls}
---
apiVersion: v1
kind: Pod
metadata: {name: writer}
spec:
  containers:
  - name: busybox
    image: busybox
    command: [sh, -c, "sleep 3600"]
    volumeMounts: [{name: data, mountPath: /data}]
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: data}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /cart, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: nginx}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: report, image: busybox, command: [sh, -c, "echo done"]}]
"#;

/// A picture built without earlier places.
trait GraphOnce {
    fn graph_once(&self, options: &Options) -> Graph;
}

impl GraphOnce for Cluster {
    fn graph_once(&self, options: &Options) -> Graph {
        self.graph(options, &mut Memory::default())
    }
}

fn cluster_with_app() -> Cluster {
    let mut cluster = Cluster::new_default(1);
    cluster.write_file("app.yaml", APP);
    let out = cluster.exec("kubectl apply -f app.yaml");
    assert!(out.success(), "{}", out.stderr);
    cluster.advance(90_000);
    cluster
}

fn has_edge<'a>(graph: &'a Graph, from: &str, to: &str, relation: Relation) -> Option<&'a Edge> {
    graph
        .edges
        .iter()
        .find(|e| e.relation == relation && e.from.starts_with(from) && e.to.starts_with(to))
}

#[test]
fn every_relation_becomes_an_edge() {
    let cluster = cluster_with_app();
    let graph = cluster.graph_once(&Options::default());
    let table = [
        (
            "Deployment/default/web",
            "ReplicaSet/default/web-",
            Relation::Owns,
        ),
        (
            "ReplicaSet/default/web-",
            "Pod/default/web-",
            Relation::Owns,
        ),
        ("StatefulSet/default/db", "Pod/default/db-0", Relation::Owns),
        (
            "CronJob/default/report",
            "Job/default/report-",
            Relation::Owns,
        ),
        ("Job/default/report-", "Pod/default/report-", Relation::Owns),
        ("Service/default/web", "Pod/default/web-", Relation::Routes),
        (
            "Ingress/default/web",
            "Service/default/web",
            Relation::Ingress,
        ),
        (
            "Pod/default/writer",
            "PersistentVolumeClaim/default/data",
            Relation::Mounts,
        ),
        (
            "PersistentVolumeClaim/default/data",
            "PersistentVolume//pvc-",
            Relation::Binds,
        ),
        (
            "Pod/default/web-",
            "ConfigMap/default/web-config",
            Relation::Uses,
        ),
        ("Pod/default/web-", "Secret/default/web-tls", Relation::Uses),
    ];
    for (from, to, relation) in table {
        assert!(
            has_edge(&graph, from, to, relation).is_some(),
            "no {relation:?} edge {from} -> {to} in {:#?}",
            graph
                .edges
                .iter()
                .map(|e| (&e.from, &e.to, e.relation))
                .collect::<Vec<_>>()
        );
    }
    let ingress = has_edge(&graph, "Ingress/", "Service/", Relation::Ingress).unwrap();
    assert_eq!(ingress.label, "shop.example.com/cart");
    let env = has_edge(&graph, "Pod/default/web-", "ConfigMap/", Relation::Uses).unwrap();
    assert_eq!(env.label, "env");
    let routes = graph
        .edges
        .iter()
        .filter(|e| e.relation == Relation::Routes && e.from == "Service/default/web")
        .count();
    assert_eq!(routes, 2, "both web pods are endpoints");
    // Every edge joins two drawn boxes, at their sides.
    for e in &graph.edges {
        let (a, b) = (
            graph.rect_of(&e.from).unwrap(),
            graph.rect_of(&e.to).unwrap(),
        );
        let on_edge = |r: Rect, (x, y): (f64, f64)| {
            x >= r.x - 0.01 && x <= r.x + r.w + 0.01 && y >= r.y - 0.01 && y <= r.y + r.h + 0.01
        };
        assert!(on_edge(a, e.from_point) && on_edge(b, e.to_point), "{e:?}");
    }
}

#[test]
fn boxes_show_the_printers_text_and_sit_in_their_bands() {
    let mut cluster = cluster_with_app();
    let graph = cluster.graph_once(&Options::default());
    let table = cluster.exec("kubectl get pods --no-headers").stdout;
    for pod in graph.pods() {
        let row = table
            .lines()
            .find(|l| l.split_whitespace().next() == Some(pod.name.as_str()))
            .unwrap_or_else(|| panic!("{} not in\n{table}", pod.name));
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(
            (cols[1], cols[2]),
            (pod.ready.as_str(), pod.status.as_str())
        );
    }
    let band_of = |kind: &str| {
        let obj = graph.objects.iter().find(|o| o.kind == kind).unwrap();
        graph
            .bands
            .iter()
            .find(|b| obj.rect.y >= b.rect.y && obj.rect.y < b.rect.y + b.rect.h)
            .unwrap()
            .kind
    };
    assert_eq!(band_of("Ingress"), BandKind::Network);
    assert_eq!(band_of("Deployment"), BandKind::Workloads);
    assert_eq!(band_of("Job"), BandKind::Controllers);
    assert_eq!(band_of("PersistentVolume"), BandKind::ConfigStorage);
    let web = graph
        .objects
        .iter()
        .find(|o| o.id == "Deployment/default/web")
        .unwrap();
    assert_eq!((web.summary.as_str(), web.health), ("2/2", Health::Ok));
    // No two boxes overlap.
    let rects: Vec<Rect> = graph
        .objects
        .iter()
        .map(|o| o.rect)
        .chain(graph.pods().map(|p| p.rect))
        .collect();
    for (i, a) in rects.iter().enumerate() {
        for b in &rects[i + 1..] {
            let apart =
                a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
            assert!(apart, "{a:?} overlaps {b:?}");
        }
    }
}

#[test]
fn filters_hide_namespaces_kinds_and_system_objects() {
    let cluster = cluster_with_app();
    let all = cluster.graph_once(&Options::default());
    assert!(all.pods().all(|p| p.namespace == "default"));
    assert!(!all.objects.iter().any(|o| o.name == "kube-root-ca.crt"));
    let system = cluster.graph_once(&Options {
        include_system: true,
        ..Options::default()
    });
    assert!(system.pods().any(|p| p.namespace == "kube-system"));
    let hidden = cluster.graph_once(&Options {
        hidden_kinds: [
            "ConfigMap",
            "Secret",
            "PersistentVolumeClaim",
            "PersistentVolume",
        ]
        .map(String::from)
        .into(),
        ..Options::default()
    });
    assert_eq!(hidden.bands.len(), 3, "the config and storage band goes");
    assert!(hidden.edges.iter().all(|e| e.relation != Relation::Uses));
    let other = cluster.graph_once(&Options {
        namespace: Some("kube-public".into()),
        ..Options::default()
    });
    assert_eq!(other.pods().count(), 0);
    assert_eq!(other.nodes.len(), 3, "nodes are always drawn");
    assert!(all.namespaces.contains(&"kube-system".to_string()));
}

#[test]
fn a_pending_pod_shows_the_schedulers_reasons_per_node() {
    let mut cluster = Cluster::new_default(1);
    cluster.write_file(
        "huge.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: huge}\nspec:\n  containers:\n  - name: huge\n    image: nginx\n    resources: {requests: {cpu: \"500\"}}\n",
    );
    let out = cluster.exec("kubectl apply -f huge.yaml");
    assert!(out.success(), "{}", out.stderr);
    cluster.advance(1000);
    let graph = cluster.graph_once(&Options::default());
    let lane = graph.nodes.last().unwrap();
    assert_eq!((lane.name.as_str(), lane.status.as_str()), ("", "Pending"));
    let pod = &lane.pods[0];
    assert_eq!(pod.state, PodState::Pending);
    assert_eq!(pod.reasons.len(), 3, "{:?}", pod.reasons);
    assert!(
        pod.reasons
            .iter()
            .any(|r| r == "kubeplay-worker: Insufficient cpu"),
        "{:?}",
        pod.reasons
    );
    assert!(pod.rect.h > layout::POD_H, "the box grows for its reasons");
    let chain = cluster
        .inspect(&ObjectRef::new("Pod", "default", "huge"))
        .owners;
    assert_eq!(chain.len(), 1);
    assert_eq!(
        chain[0].made_by, "kubectl-client-side-apply",
        "not the scheduler's status write"
    );
}

/// What the next step of the stability property adds.
#[derive(Clone, Debug)]
enum Add {
    Deployment(u8),
    ConfigMap,
    Service,
    Pod,
    Wait,
}

fn positions(graph: &Graph) -> BTreeMap<String, (f64, f64)> {
    graph
        .objects
        .iter()
        .map(|o| (o.id.clone(), (o.rect.x, o.rect.y)))
        .chain(graph.pods().map(|p| (p.id.clone(), (p.rect.x, p.rect.y))))
        .chain(
            graph
                .nodes
                .iter()
                .map(|n| (n.id.clone(), (n.rect.x, n.rect.y))),
        )
        .collect()
}

#[cfg(not(target_arch = "wasm32"))]
mod stability {
    use proptest::prelude::*;

    use super::*;

    fn add() -> impl Strategy<Value = Add> {
        prop_oneof![
            (1u8..4).prop_map(Add::Deployment),
            Just(Add::ConfigMap),
            Just(Add::Service),
            Just(Add::Pod),
            Just(Add::Wait),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10))]
        /// Adding objects (and letting their controllers make theirs) never moves a box that
        /// was already drawn: boxes only appear after the existing ones.
        #[test]
        fn adding_objects_never_moves_existing_boxes(adds in proptest::collection::vec(add(), 1..10)) {
            let mut cluster = Cluster::new_default(7);
            let options = Options::default();
            let mut memory = Memory::default();
            let mut before = positions(&cluster.graph(&options, &mut memory));
            for (i, add) in adds.iter().enumerate() {
                let line = match add {
                    Add::Deployment(n) => format!("kubectl create deployment d{i} --image=nginx --replicas={n}"),
                    Add::ConfigMap => format!("kubectl create configmap c{i} --from-literal=a=b"),
                    Add::Service => format!("kubectl create service clusterip s{i} --tcp=80"),
                    Add::Pod => format!("kubectl run p{i} --image=nginx"),
                    Add::Wait => "sleep 5".to_string(),
                };
                let out = cluster.exec(&line);
                prop_assert!(out.success(), "{}", out.stderr);
                for _ in 0..3 {
                    cluster.advance(700);
                    let after = positions(&cluster.graph(&options, &mut memory));
                    for (id, at) in &before {
                        if let Some(now) = after.get(id) {
                            prop_assert_eq!(now, at, "{} moved after {:?}", id, add);
                        }
                    }
                    before = after;
                }
            }
        }
    }
}

#[test]
fn a_new_pod_in_the_same_second_goes_after_the_existing_ones() {
    let mut cluster = Cluster::new_default(1);
    let pod = |name: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:\n  nodeName: kubeplay-worker\n  containers: [{{name: c, image: nginx}}]\n"
        )
    };
    cluster.write_file("zz.yaml", &pod("zz"));
    cluster.write_file("aa.yaml", &pod("aa"));
    assert!(cluster.exec("kubectl apply -f zz.yaml").success());
    cluster.advance(100);
    let mut memory = Memory::default();
    let first = cluster.graph(&Options::default(), &mut memory);
    // Same node, same creation second, and a name that sorts first: still placed after `zz`.
    assert!(cluster.exec("kubectl apply -f aa.yaml").success());
    cluster.advance(100);
    let second = cluster.graph(&Options::default(), &mut memory);
    let place = |g: &Graph, name: &str| g.pods().find(|p| p.name == name).unwrap().rect;
    assert_eq!(place(&second, "zz"), place(&first, "zz"));
    assert!(place(&second, "aa").y > place(&second, "zz").y);
}

#[test]
fn step_stops_at_the_next_change_and_equals_advancing_as_far() {
    let mut stepped = Cluster::new_default(1);
    let mut advanced = Cluster::new_default(1);
    for c in [&mut stepped, &mut advanced] {
        c.exec("kubectl create deployment web --image=nginx --replicas=2");
    }
    let mut seen = Vec::new();
    for _ in 0..30 {
        let step = stepped.step(60_000);
        if step.changes.is_empty() {
            assert_eq!(
                step.advanced_ms, 60_000,
                "nothing happened: the whole limit passed"
            );
            break;
        }
        assert!(step.advanced_ms < 60_000, "{step:?}");
        assert!(step.changes.iter().all(|c| c.kind != "Lease"));
        seen.extend(step.changes.iter().map(|c| c.kind));
        advanced.advance(step.advanced_ms);
        assert_eq!(stepped.now(), advanced.now());
    }
    assert!(seen.contains(&"Pod"), "{seen:?}");
    let yaml = "kubectl get pods -o yaml";
    assert_eq!(stepped.exec(yaml), advanced.exec(yaml));
}

#[test]
fn run_until_settled_stops_when_nothing_changes() {
    let mut cluster = Cluster::new_default(1);
    cluster.exec("kubectl create deployment web --image=nginx --replicas=3");
    let (ms, settled) = cluster.run_until_settled(120_000, 3_600_000);
    assert!(
        settled && (120_000..3_600_000).contains(&ms),
        "{ms} {settled}"
    );
    let pods = cluster.exec("kubectl get pods --no-headers").stdout;
    assert_eq!(
        pods.lines().filter(|l| l.contains(" Running ")).count(),
        3,
        "{pods}"
    );
    // A pod that keeps crashing never settles; the limit bounds the run.
    // Its back-off stops at 5 minutes, so 6 quiet minutes never come.
    cluster.exec("kubectl run crash --image=busybox -- sh -c 'exit 1'");
    assert_eq!(
        cluster.run_until_settled(360_000, 1_800_000),
        (1_800_000, false)
    );
}

#[test]
fn the_timeline_lists_events_newest_first_with_their_objects() {
    let mut cluster = Cluster::new_default(1);
    cluster.exec("kubectl create deployment web --image=nginx --replicas=1");
    cluster.advance(30_000);
    let rows = cluster.events(&Options::default(), 100);
    assert!(rows.windows(2).all(|w| w[0].at >= w[1].at), "{rows:#?}");
    assert!(rows.iter().all(|r| r.object.namespace == "default"));
    let scaled = rows
        .iter()
        .find(|r| r.reason == "ScalingReplicaSet")
        .unwrap();
    assert_eq!(
        scaled.object,
        ObjectRef::new("Deployment", "default", "web")
    );
    assert_eq!(scaled.source, "deployment-controller");
    let started = rows.iter().find(|r| r.reason == "Started").unwrap();
    assert_eq!(started.object.kind, "Pod");
    assert!(started.source.starts_with("kubelet, kubeplay-worker"));
    assert_eq!(cluster.events(&Options::default(), 2).len(), 2);
}

#[test]
fn the_inspector_explains_a_pod_without_touching_the_cluster() {
    let mut cluster = Cluster::new_default(1);
    cluster.exec("kubectl create deployment web --image=nginx --replicas=1");
    cluster.advance(30_000);
    let graph = cluster.graph_once(&Options::default());
    let pod = ObjectRef::from_id(&graph.pods().next().unwrap().id).unwrap();
    let revision = cluster.revision();
    let seen = cluster.inspect(&pod);
    assert_eq!(cluster.revision(), revision, "inspecting writes nothing");
    assert!(seen.yaml.stdout.contains("kind: Pod\n"), "{:?}", seen.yaml);
    assert!(
        seen.describe
            .stdout
            .starts_with(&format!("Name:             {}\n", pod.name))
    );
    assert!(seen.events.iter().any(|e| e.reason == "Scheduled"));
    let chain: Vec<(&str, &str)> = seen
        .owners
        .iter()
        .map(|l| (l.object.kind.as_str(), l.made_by.as_str()))
        .collect();
    assert_eq!(
        chain,
        [
            ("Pod", "replicaset-controller"),
            ("ReplicaSet", "deployment-controller"),
            ("Deployment", "kubectl-create"),
        ]
    );
    assert_eq!(seen.containers, ["nginx"]);
    let why = seen.scheduling.unwrap();
    assert!(
        why.success() && why.stdout.contains("kubeplay-worker"),
        "{why:?}"
    );
    let logs = cluster.logs(&pod, "nginx");
    assert!(logs.success() && !logs.stdout.is_empty(), "{logs:?}");
    let node = cluster.inspect(&ObjectRef::new("Node", "", "kubeplay-worker"));
    assert!(
        node.describe
            .stdout
            .starts_with("Name:               kubeplay-worker\n")
    );
    assert_eq!(node.owners.len(), 1);
    let missing = cluster.inspect(&ObjectRef::new("Pod", "default", "nope"));
    assert!(!missing.yaml.success() && missing.owners.is_empty());
}

#[test]
fn object_ids_round_trip() {
    for id in [
        "Pod/default/web-1",
        "PersistentVolume//pvc-1",
        "Node//kubeplay-worker",
    ] {
        assert_eq!(ObjectRef::from_id(id).unwrap().id(), id);
    }
    assert_eq!(ObjectRef::from_id("Pod/x"), None);
    assert_eq!(ObjectRef::from_id("/default/x"), None);
}
