//! Sessions that need manifest files (which transcripts cannot write): CustomResourceDefinitions
//! and their custom resources, strict decoding of built-in kinds, removed APIs and how kubectl
//! reports several failures of one file. Each case is a list of `(command, expected output)`.

use kubeplay_core::Cluster;

const CRD: &str = "\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names:
    plural: crontabs
    kind: CronTab
    shortNames: [ct]
    categories: [all]
  versions:
  - name: v1
    served: true
    storage: true
    additionalPrinterColumns:
    - {name: Spec, type: string, jsonPath: .spec.cronSpec}
    - {name: Replicas, type: integer, jsonPath: .spec.replicas}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [cronSpec]
            properties:
              cronSpec: {type: string}
              image: {type: string}
              replicas: {type: integer, minimum: 1, maximum: 10}
";

/// Runs `steps` on a fresh cluster with `files` written; each output must match exactly.
fn session(files: &[(&str, &str)], steps: &[(&str, &str)]) {
    let mut cluster = Cluster::new_default(1);
    for (path, text) in files {
        cluster.write_file(path, text);
    }
    for (command, expected) in steps {
        let out = cluster.exec(command);
        assert_eq!(
            format!("{}{}", out.stdout, out.stderr),
            *expected,
            "\n$ {command}"
        );
    }
}

#[test]
fn a_crd_serves_its_kind_until_deleted() {
    let cr = "apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata:\n  name: c1\nspec:\n  cronSpec: '* * * * */5'\n  replicas: 3\n";
    let bad = "apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata:\n  name: c2\nspec:\n  replicas: 15\n";
    let unknown = "apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata:\n  name: c3\nspec:\n  cronSpec: x\n  colour: red\n";
    session(
        &[
            ("crd.yaml", CRD),
            ("cr.yaml", cr),
            ("bad.yaml", bad),
            ("unknown.yaml", unknown),
        ],
        &[
            (
                "kubectl apply -f cr.yaml",
                "error: resource mapping not found for name: \"c1\" namespace: \"\" from \"cr.yaml\": no matches for kind \"CronTab\" in version \"stable.example.com/v1\"\nensure CRDs are installed first\n",
            ),
            (
                "kubectl apply -f crd.yaml",
                "customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created\n",
            ),
            (
                "kubectl get crd",
                "NAME                          CREATED AT\ncrontabs.stable.example.com   2026-01-01T09:01:00Z\n",
            ),
            (
                "kubectl apply -f cr.yaml",
                "crontab.stable.example.com/c1 created\n",
            ),
            ("sleep 90", ""),
            (
                "kubectl get ct",
                "NAME   SPEC          REPLICAS   AGE\nc1     * * * * */5   3          90s\n",
            ),
            (
                "kubectl get all",
                "NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\nservice/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   2m30s\n\nNAME                            SPEC          REPLICAS   AGE\ncrontab.stable.example.com/c1   * * * * */5   3          90s\n",
            ),
            (
                "kubectl apply -f bad.yaml",
                "The CronTab \"c2\" is invalid: \n* spec.cronSpec: Required value\n* spec.replicas: Invalid value: 15: spec.replicas in body should be less than or equal to 10\n",
            ),
            (
                "kubectl apply -f unknown.yaml",
                "Error from server (BadRequest): error when creating \"unknown.yaml\": CronTab in version \"v1\" cannot be handled as a CronTab: strict decoding error: unknown field \"spec.colour\"\n",
            ),
            (
                "kubectl api-resources --api-group=stable.example.com",
                "NAME       SHORTNAMES   APIVERSION              NAMESPACED   KIND\ncrontabs   ct           stable.example.com/v1   true         CronTab\n",
            ),
            (
                "kubectl delete crd crontabs.stable.example.com",
                "customresourcedefinition.apiextensions.k8s.io \"crontabs.stable.example.com\" deleted\n",
            ),
            (
                "kubectl get crontabs",
                "error: the server doesn't have a resource type \"crontabs\"\n",
            ),
        ],
    );
}

#[test]
fn built_in_kinds_are_decoded_strictly() {
    let typo = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replica: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: nginx\n        imagee: nginx\n";
    let wrong_type = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  labels: [a]\n";
    session(
        &[("typo.yaml", typo), ("type.yaml", wrong_type)],
        &[
            (
                "kubectl apply -f typo.yaml",
                "Error from server (BadRequest): error when creating \"typo.yaml\": Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replica\", unknown field \"spec.template.spec.containers[0].imagee\"\n",
            ),
            (
                "kubectl create -f type.yaml",
                "Error from server (BadRequest): error when creating \"type.yaml\": ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string\n",
            ),
        ],
    );
}

#[test]
fn several_failures_of_one_file_are_reported_at_the_end() {
    let mixed = "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: psp\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n---\napiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: ing\n  namespace: foo\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n  namespace: nope\n";
    let hpa = "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 5\n  targetCPUUtilizationPercentage: 50\n";
    session(
        &[("mixed.yaml", mixed), ("hpa.yaml", hpa)],
        &[
            (
                "kubectl apply -f mixed.yaml",
                "configmap/cm created\n[resource mapping not found for name: \"psp\" namespace: \"\" from \"mixed.yaml\": no matches for kind \"PodSecurityPolicy\" in version \"policy/v1beta1\"\nensure CRDs are installed first, resource mapping not found for name: \"ing\" namespace: \"foo\" from \"mixed.yaml\": no matches for kind \"Ingress\" in version \"extensions/v1beta1\"\nensure CRDs are installed first]\nError from server (NotFound): error when creating \"mixed.yaml\": namespaces \"nope\" not found\n",
            ),
            (
                "kubectl create -f mixed.yaml",
                "Error from server (AlreadyExists): error when creating \"mixed.yaml\": configmaps \"cm\" already exists\nError from server (NotFound): error when creating \"mixed.yaml\": namespaces \"nope\" not found\n[resource mapping not found for name: \"psp\" namespace: \"\" from \"mixed.yaml\": no matches for kind \"PodSecurityPolicy\" in version \"policy/v1beta1\"\nensure CRDs are installed first, resource mapping not found for name: \"ing\" namespace: \"foo\" from \"mixed.yaml\": no matches for kind \"Ingress\" in version \"extensions/v1beta1\"\nensure CRDs are installed first]\n",
            ),
            (
                "kubectl apply -f hpa.yaml",
                "horizontalpodautoscaler.autoscaling/web created\n",
            ),
        ],
    );
}
