#!/usr/bin/env bash
# Regenerates the oracle pairs for core/src/kubectl/printers/yaml.rs.
#
# Every case is run through the real kubectl (v1.35) twice, once with `-o json`
# and once with `-o yaml`, and stored as NAME.json / NAME.yaml. The Rust test in
# yaml.rs feeds NAME.json to `to_yaml` and expects NAME.yaml byte for byte.
#
# Arbitrary objects go through `kubectl label --local -f FILE kubeplay-noop-`,
# which works offline, keeps unknown fields and only adds `labels: {}`.
# Needs: the real kubectl (override with KUBECTL=...) and jq.
set -euo pipefail

K=${KUBECTL:-/work/shared/tools/real-kubectl}
OUT=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

rm -f "$OUT"/*.json "$OUT"/*.yaml

# store NAME ARGS... [-- COMMAND...]: run kubectl ARGS with -o json and -o yaml
# (the output flag goes before any `--`).
store() {
  local name=$1 args=() cmd=()
  shift
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do args+=("$1"); shift; done
  cmd=("$@")
  if "$K" "${args[@]}" -o json "${cmd[@]}" >"$TMP/out.json" 2>"$TMP/err" &&
    "$K" "${args[@]}" -o yaml "${cmd[@]}" >"$TMP/out.yaml" 2>>"$TMP/err"; then
    # go-yaml's key order is not transitive for some key sets (e.g. v1beta1,
    # v2, v10); kubectl then prints a random order. Keep only stable outputs.
    for _ in 1 2 3; do
      "$K" "${args[@]}" -o yaml "${cmd[@]}" 2>/dev/null | cmp -s - "$TMP/out.yaml" ||
        { echo "skipped $name: output is not deterministic" >&2; return 0; }
    done
    mv "$TMP/out.json" "$OUT/$name.json"
    mv "$TMP/out.yaml" "$OUT/$name.yaml"
  else
    echo "skipped $name: $(head -c 200 "$TMP/err")" >&2
  fi
}

# object NAME: an object (JSON or YAML) on stdin, passed through kubectl.
object() {
  cat >"$TMP/$1.in"
  store "$1" label --local -f "$TMP/$1.in" kubeplay-noop-
}

# strings NAME: JSON string literals on stdin, one per line. Each string is used
# as a map value, as the key of a one-entry map (so that key order does not
# matter) and as a list item of one ConfigMap-like object.
strings() {
  jq -a -s --arg name "$1" '{
      apiVersion: "v1", kind: "ConfigMap", metadata: {name: $name},
      values: (to_entries | map({key: ("v" + ("00" + (.key | tostring))[-3:]), value: .value}) | from_entries),
      keys: (to_entries | map({(.value): .key})),
      seq: .
    }' | object "$1"
}

# ---------------------------------------------------------------- scalars ---
strings str-bool <<'EOF'
"y"
"Y"
"yes"
"Yes"
"YES"
"yEs"
"n"
"N"
"no"
"No"
"NO"
"nO"
"true"
"True"
"TRUE"
"tRUE"
"false"
"False"
"FALSE"
"on"
"On"
"ON"
"oN"
"off"
"Off"
"OFF"
"t"
"f"
"yess"
"null"
"Null"
"NULL"
"nULL"
"~"
"~x"
""
"<<"
EOF

strings str-number <<'EOF'
"0"
"1"
"-1"
"+1"
"012"
"08"
"09.5"
"0x1F"
"0X1f"
"-0x1F"
"0xG"
"0x"
"0o17"
"0O17"
"0o8"
"0b101"
"0B11"
"-0b11"
"0b2"
"1_000"
"1__0"
"_1"
"1_"
"+_1"
"-_"
"1e3"
"1E3"
"1e+3"
"1e-3"
"1e"
"e3"
"1.5"
".5"
"-.5"
"+.5"
"1."
"1.2.3"
"1.5e10"
".5e3"
".e3"
"."
".."
".inf"
".Inf"
".INF"
".iNf"
"-.inf"
"+.INF"
".nan"
".NaN"
".Nan"
"-.nan"
"1e999"
".5e999"
"1e-400"
"9223372036854775807"
"9223372036854775808"
"-9223372036854775808"
"-9223372036854775809"
"18446744073709551615"
"18446744073709551616"
"99999999999999999999999"
"1:20"
"190:20:30.15"
"12:60"
"-1:30"
"+1:2:3"
"1:2:3.5_0"
"1:123"
"1:"
"1_0:20"
"10.0.0.1"
"1.0.0"
"3Gi"
"500m"
"0.5"
"1-2"
"+"
"-"
EOF

strings str-timestamp <<'EOF'
"2024-01-01"
"2024-1-1"
"2024-02-29"
"2023-02-29"
"2024-02-30"
"2024-04-31"
"2024-13-01"
"2024-00-10"
"2024-01-00"
"2024-001-01"
"12024-01-01"
"202-01-01"
"2024-01-01x"
"2024-01-01T10:00:00Z"
"2024-01-01t10:00:00Z"
"2024-01-01T10:00:00+09:00"
"2024-01-01T10:00:00-0900"
"2024-01-01T10:00:00"
"2024-01-01T1:2:3Z"
"2024-01-01T24:00:00Z"
"2024-01-01T10:60:00Z"
"2024-01-01T10:00:00.123456789Z"
"2024-01-01T10:00:00,5Z"
"2024-01-01T10:00:00.Z"
"2024-01-01T10:00:00+25:00"
"2024-01-01T10:00:00+24:60"
"2024-01-01T10:00:00z"
"2024-01-01 10:00:00"
"2024-01-01  10:00:00.123"
"2024-01-01 10:00"
"2024-01-01 10:00:00Z"
"2024-01-01T"
"2024-01-01 "
"2024-01-01\t10:00:00"
"10:00:00"
EOF

strings str-indicator <<'EOF'
"-a"
"- a"
"-\ta"
"--"
"---"
"---a"
"--- a"
"..."
"...a"
"?"
"?a"
"? a"
"a?"
":"
":a"
": a"
"::"
"a:"
"a:b"
"a: b"
"a :b"
"a:\tb"
"http://example.com:8080/path?q=1#frag"
"&a"
"*a"
"a*"
"!a"
"!!str"
"|"
"|a"
">"
">a"
"'a"
"it's"
"'"
"''"
"\"a"
"a\"b"
"\""
"%a"
"a%"
"@a"
"a@b"
"`a"
"a`"
"#a"
"a#b"
"a #b"
"a# b"
",a"
"a,b"
"a, b"
"[a]"
"a[b]"
"{a}"
"a{b}"
"]"
"}"
"="
"\\"
"a\\b"
"*/5 * * * *"
"$(VAR)"
"${VAR}"
"{{ .Values.x }}"
"/bin/sh"
"-c"
"--flag=value"
"key=value"
"a=b,c=d"
"foo.bar/baz"
"app.kubernetes.io/name"
"C:\\Windows"
EOF

strings str-space <<'EOF'
" "
"  "
" a"
"a "
" a "
"a  b"
"a   b"
"\t"
"a\tb"
"\ta"
"a\t"
" \t "
"a b c d e f"
EOF

strings str-unicode <<'EOF'
"한국어"
"안녕 하세요"
"쿠버네티스 파드가 Pending 상태로 남아 있는 이유"
"日本語テキスト"
"é"
"Ünïcödé"
"😀"
"a😀b"
"😀 smile"
"🇰🇷"
"\u00a0"
"\u00a0a"
"a\u00a0"
"\u00ad"
"\u200b"
"\u200d"
"\ufeffabc"
"a\ufeff"
"\ufeff"
"\ufffd"
"\ue000"
"\uffef"
"\u2028"
"a\u2028b"
"a \u2028 b"
"a\u2029b"
"\u0000"
"a\u0000b"
"\u0001"
"\u0007"
"\u0008"
"\u000b"
"\u000c"
"\u001b[31mred\u001b[0m"
"\u001f"
"<>&"
"\u0100\u0101"
"\u07ff"
"\u0800"
"\ud7ff"
"\uabcd"
EOF

strings str-newline <<'EOF'
"a\nb"
"a\nb\n"
"a\nb\n\n"
"a\nb\n\n\n"
"\n"
"\n\n"
"\na"
"\n\na\n"
" a\nb"
"  a\nb\n"
"a\n b"
"a \nb"
"a\n\n b"
"a\r\nb"
"a\rb"
"\r"
"a\n\tb"
"a\tb\nc"
"line1\nline2 with trailing  \n"
"#!/bin/sh\necho hello\nexit 0\n"
"key: value\nlist:\n- a\n- b\n"
"a\n"
"- a\n- b"
"a\u2028b\nc"
"\ufeffa\nb"
"😀\n😀"
"a\nb"
"\"quoted\"\n'single'"
"tab\there\nand\\backslash"
EOF

strings str-long <<'EOF'
"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat."
"word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word"
"spaces  between  words  spaces  between  words  spaces  between  words  spaces  between  words  spaces  between  words  spaces  between  words"
"many    spaces    many    spaces    many    spaces    many    spaces    many    spaces    many    spaces    many    spaces    many    spaces    many"
"@quoted because of the at sign, and long enough to be folded by the emitter at the best width of eighty columns, isn't it?"
"true but long: this value has a colon-space so it is single quoted and it is long enough to need folding at eighty columns"
"tab\tinside a long double quoted string that needs to be folded because it is longer than eighty columns, yes indeed it is"
"tab\tinside a long double quoted string  with double  spaces  that  needs  to  be  folded  because  it  is  longer  than  eighty"
"쿠버네티스 파드 쿠버네티스 파드 쿠버네티스 파드 쿠버네티스 파드 쿠버네티스 파드 쿠버네티스 파드 쿠버네티스 파드 쿠버네티스 파드 쿠버네티스 파드 쿠버네티스 파드"
"A long line in a literal block that is much longer than eighty columns but is never folded because literal blocks are not folded.\nsecond line\n"
"ends with space after a long run of text that goes past the eighty column limit for sure, definitely past it "
"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx x xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx  x"
"- xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx y"
"😀 emoji make this double quoted and it is long enough to be folded after the eighty column limit is reached"
"\ufeffbom prefixed strings escape every single character which makes them very long indeed"
"short words a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g h i j k l m n o p q r s t u v w x y z"
EOF

# NEL (U+0085) is written raw by Go's JSON encoder, and go-yaml folds it like a
# line break when it reads that JSON back; as a map key it makes kubectl fail,
# so these strings are only used as values and list items.
jq -a -s '{apiVersion: "v1", kind: "ConfigMap", metadata: {name: "nel"},
    values: (to_entries | map({key: ("v" + ("00" + (.key | tostring))[-3:]), value: .value}) | from_entries),
    seq: .}' <<'EOF' | object str-nel
"\u0085x"
"a\u0085b"
"a \u0085 \u0085\u0085  b\u0085c"
"\u0085"
"a\u0085b\nc"
EOF

# -------------------------------------------------------------- structure ---
object structure <<'EOF'
{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "structure"},
 "emptyMap": {}, "emptyList": [], "nullValue": null, "t": true, "f": false,
 "listOfLists": [[1, 2], [], [[3], [[]]], [{}], ["a", ["b", {"c": []}]]],
 "listOfMaps": [{"a": 1, "b": [1, 2], "c": {"d": {"e": "deep"}}}, {}, {"x": {}}, {"y": []}],
 "nested": {"a": {"b": {"c": {"d": {"e": {"f": ["g", {"h": "i"}]}}}}}},
 "mapOfLists": {"a": [[]], "b": [{"c": [{"d": []}]}]},
 "deepLong": {"a": {"b": {"c": {"d": {"e": "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore"}}}},
 "deepList": [[[["Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore"]]]],
 "deepLiteral": {"a": [{"b": "line one\nline two\n", "c": [" leading\nspace", "x\n\n"]}]},
 "multilineKeys": {"a\nb": 1, "c\n": [1], "long\nkey": {"x": 1}},
 "numbers": {"i": 1, "neg": -42, "zero": 0, "big": 9223372036854775807, "small": -9223372036854775808,
             "f": 1.5, "nf": -0.25, "e": 1e21, "e2": 1.5e300, "tiny": 0.000001, "tiny2": 1.5e-7,
             "whole": 1000000.0, "m": 1234567.5, "n": 123456.5, "p": 0.0001, "q": 0.00001, "r": 100000000000000000000.0,
             "s": 3.0e20, "u": 12345678901234567890, "v": 0.1, "w": 2.5e-5, "x": 1e-300, "y": 5e-324, "z": 1.7976931348623157e308,
             "tie1": 600000000000000.25, "tie2": 985125846085299.25, "tie3": 600000000000000.75, "tie4": 144344972306261.625,
             "tie6": 0.30000000000000004, "neg": -1234.5678e-20}}}
EOF

object keys <<'EOF'
{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "keys"},
 "symbols": {"b": 1, "B": 2, "a": 3, "A": 4, "_a": 5, "~a": 6, "-1": 7, ".": 8, "z": 9, "Z": 10, "é": 11, "한": 12,
             "a-b": 13, "a_b": 14, "a.b": 15, "ab": 16, "a": 17, "": 18, " ": 19, "😀": 20, "{": 21, "ẞ": 22, "ß": 23},
 "numbers": {"0": 1, "00": 2, "1": 3, "9": 4, "09": 5, "10": 6, "100": 7, "12": 8, "120": 9, "-1": 10, "007": 11, "70": 12},
 "suffixes": {"a1": 1, "a10": 2, "a2": 3, "a01": 4, "a001": 5, "a0": 6, "a00": 7, "a": 8, "a9": 9, "a11": 10},
 "itemKeys": {"item-10": 1, "item-9": 2, "item-100": 3, "item-09": 4, "item-1": 5, "item": 6, "item-": 7},
 "versions": {"v1": 1, "v1beta1": 2, "v1beta2": 3, "v1alpha1": 4, "v2beta1": 5},
 "mixed": {"a10b": 1, "a100": 2, "a9b": 3},
 "nodes": {"node1": 1, "node2": 2, "node10": 3, "node11": 4, "node20": 5, "node3": 6},
 "words": {"containerPort": 1, "containers": 2, "container": 3, "Container": 4, "container-1": 5, "container_2": 6, "containerB": 7},
 "quoted": {"n": 1, "y": 2, "on": 3, "off": 4, "yes": 5, "no": 6, "true": 7, "null": 8, "~": 9, "123": 10, "1.5": 11, "0x1": 12,
            "2024-01-01": 13, "1:30": 14, "- x": 15, "a: b": 16, "#": 17, "key with spaces": 18, "*": 19, "&": 20, "?": 21},
 "longKeys": {"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk": "exactly 128",
              "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk": "129",
              "a long key with many words in it that goes on and on well past the eighty column limit and past one hundred twenty eight bytes": {"nested": [1, 2]},
              "another long key with many words in it that goes on and on well past the eighty column limit and past the 128 bytes": [1, [2]],
              "long key with a list value, long key with a list value, long key with a list value, long key with a list value": ["a", "b"],
              "short": "v"}}
EOF

# --------------------------------------------------- kubectl-made objects ---
store cm-literals create configmap game --dry-run=client \
  --from-literal=enemies=aliens --from-literal=lives=3 --from-literal=enabled=true \
  --from-literal=empty= --from-literal=spaced=' padded ' --from-literal=ratio=0.5 \
  --from-literal=date=2024-01-01 --from-literal=yes=no --from-literal=on=off --from-literal=n=y
printf 'color.good=purple\ncolor.bad=yellow\nallow.textmode=true\nhow.nice.to.look=fairlyNice\n' >"$TMP/game.properties"
printf 'enemies=aliens\nlives=3\n\n\nsecret.code.passphrase=UUDDLRLRBABAS   \n' >"$TMP/ui.properties"
printf 'no trailing newline\nsecond line' >"$TMP/nonl.txt"
printf '  indented first line\nsecond\n' >"$TMP/indented.txt"
store cm-files create configmap files --dry-run=client \
  --from-file="$TMP/game.properties" --from-file=ui.properties="$TMP/ui.properties" \
  --from-file=nonl="$TMP/nonl.txt" --from-file=indented="$TMP/indented.txt"
store secret-generic create secret generic creds --dry-run=client \
  --from-literal=username=admin --from-literal=password='S!B\*d$zDsb=' --from-literal=token=
store secret-tls-like create secret docker-registry reg --dry-run=client \
  --docker-server=registry.example.com --docker-username=user --docker-password=pass --docker-email=a@b.c
store deployment create deployment web --image=nginx:1.27 --replicas=3 --port=80 --dry-run=client
store deployment-multi create deployment multi --image=nginx --image=busybox --dry-run=client
store service create service clusterip web --tcp=80:8080 --tcp=443:8443 --dry-run=client
store service-nodeport create service nodeport np --tcp=80:80 --node-port=30080 --dry-run=client
store service-headless create service clusterip headless --clusterip=None --dry-run=client
store job create job pi --image=perl:5.34 --dry-run=client -- perl -Mbignum=bpi -wle 'print bpi(2000)'
store cronjob create cronjob hello --image=busybox --schedule='*/5 * * * *' --dry-run=client -- /bin/sh -c 'date; echo Hello from the Kubernetes cluster'
store ingress create ingress simple --rule='foo.com/bar*=svc1:8080,tls=my-cert' --dry-run=client
store clusterrole create clusterrole log-reader --verb=get --non-resource-url='/logs/*' --non-resource-url=/healthz --dry-run=client
store pdb create poddisruptionbudget web-pdb --selector=app=web --min-available=50% --dry-run=client
store serviceaccount create serviceaccount builder --dry-run=client
store quota create quota q --hard=cpu=1,memory=1G,pods=2,services=3 --dry-run=client
store namespace create namespace my-ns --dry-run=client
store priorityclass create priorityclass high --value=1000 --description='high priority, for "important" pods' --dry-run=client

object pod-probes <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: probes
  labels: {app: web, "n": "y"}
  annotations:
    kubernetes.io/change-cause: "kubectl apply --filename=web.yaml --record=true"
    description: "A pod with probes, env and volumes; the description is long enough to be folded at eighty columns."
spec:
  containers:
  - name: web
    image: nginx:1.27
    args: ["--port", "8080", "--verbose=true", "-v", "2"]
    ports: [{containerPort: 8080, name: http, protocol: TCP}]
    env:
    - {name: A, value: "1"}
    - {name: B, value: "true"}
    - {name: C, value: ""}
    - name: POD_IP
      valueFrom: {fieldRef: {fieldPath: status.podIP}}
    - name: SCRIPT
      value: "#!/bin/sh\nset -e\necho start\n"
    resources:
      limits: {cpu: 500m, memory: 128Mi}
      requests: {cpu: "0.25", memory: 64Mi}
    livenessProbe:
      httpGet: {path: /healthz, port: 8080, httpHeaders: [{name: X-Custom, value: "yes"}]}
      initialDelaySeconds: 3
      periodSeconds: 3
    readinessProbe:
      exec: {command: [cat, /tmp/healthy]}
    startupProbe:
      tcpSocket: {port: http}
      failureThreshold: 30
    volumeMounts: [{name: data, mountPath: /data, readOnly: true}]
  volumes:
  - name: data
    emptyDir: {}
  nodeSelector: {disktype: ssd}
  tolerations: [{key: "key", operator: Equal, value: "value", effect: NoSchedule}]
EOF

object deployment-full <<'EOF'
{"apiVersion": "apps/v1", "kind": "Deployment",
 "metadata": {"name": "api", "namespace": "prod", "creationTimestamp": "2024-05-01T12:00:00Z", "generation": 3,
              "labels": {"app.kubernetes.io/name": "api", "app.kubernetes.io/version": "1.10"},
              "annotations": {"deployment.kubernetes.io/revision": "3",
                              "kubectl.kubernetes.io/last-applied-configuration": "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"annotations\":{},\"name\":\"api\",\"namespace\":\"prod\"},\"spec\":{\"replicas\":2}}\n"}},
 "spec": {"replicas": 2, "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600,
          "selector": {"matchLabels": {"app.kubernetes.io/name": "api"}},
          "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
          "template": {"metadata": {"labels": {"app.kubernetes.io/name": "api"}},
                       "spec": {"containers": [{"name": "api", "image": "ghcr.io/example/api:v1.10.0",
                                                "command": ["/app/api"], "args": ["--listen=:8080", "--log-level", "info"],
                                                "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                                                "resources": {}, "terminationMessagePath": "/dev/termination-log",
                                                "terminationMessagePolicy": "File", "imagePullPolicy": "IfNotPresent"}],
                                "restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
                                "securityContext": {}, "schedulerName": "default-scheduler"}}},
 "status": {"observedGeneration": 3, "replicas": 2, "updatedReplicas": 2, "readyReplicas": 2, "availableReplicas": 2,
            "conditions": [{"type": "Available", "status": "True", "lastUpdateTime": "2024-05-01T12:00:05Z",
                            "lastTransitionTime": "2024-05-01T12:00:05Z", "reason": "MinimumReplicasAvailable",
                            "message": "Deployment has minimum availability."},
                           {"type": "Progressing", "status": "True", "lastUpdateTime": "2024-05-01T12:00:05Z",
                            "lastTransitionTime": "2024-05-01T12:00:00Z", "reason": "NewReplicaSetAvailable",
                            "message": "ReplicaSet \"api-5d8f7c9b6d\" has successfully progressed."}]}}
EOF

object service-full <<'EOF'
{"apiVersion": "v1", "kind": "Service",
 "metadata": {"name": "api", "namespace": "prod", "uid": "4f1c2a9e-0b7d-4e63-9a51-1f0c2d3e4b5a", "resourceVersion": "12345"},
 "spec": {"type": "LoadBalancer", "clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"], "ipFamilies": ["IPv4"],
          "ipFamilyPolicy": "SingleStack", "externalTrafficPolicy": "Cluster", "sessionAffinity": "None",
          "ports": [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP", "nodePort": 31080},
                    {"name": "https", "port": 443, "targetPort": "https", "protocol": "TCP", "nodePort": 31443}],
          "selector": {"app": "api"}},
 "status": {"loadBalancer": {"ingress": [{"ip": "192.168.49.100", "ipMode": "VIP"}]}}}
EOF

echo "pairs: $(ls "$OUT"/*.yaml | wc -l)"
