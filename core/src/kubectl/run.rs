//! `kubectl run`: one Pod built on the client from flags — image, labels (`run=NAME` by
//! default), env, port, restart policy, command or args after `--` — and, with `--expose`, a
//! ClusterIP Service in front of it. Attaching (`-i`, `-t`, `--rm`) is [`super::run_attach`].

use serde_json::{Map, Value, json};

use super::args::{self, Flag, switch, value};
use super::create::send;
use super::run_attach;
use super::shell::Shell;
use crate::cluster::Output;
use crate::sim::Sim;

pub(crate) const FLAGS: &[Flag] = &[
    value("image", None),
    value("restart", None),
    value("labels", Some('l')),
    value("env", None),
    value("port", None),
    switch("expose", None),
    switch("command", None),
    value("image-pull-policy", None),
    value("annotations", None),
    value("dry-run", None),
    value("output", Some('o')),
    switch("rm", None),
    switch("stdin", Some('i')),
    switch("tty", Some('t')),
    switch("attach", None),
    switch("privileged", None),
    value("overrides", None),
    value("field-manager", None),
    value("pod-running-timeout", None),
    value("timeout", None),
];

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let parsed = args::parse(words, FLAGS, "kubectl run")?;
    let Some(name) = parsed.args.first() else {
        return Err(
            "error: NAME is required for run\nSee 'kubectl run -h' for help and examples".into(),
        );
    };
    let Some(image) = parsed.get("image").filter(|i| !i.is_empty()) else {
        return Err(
            "error: --image is required\nSee 'kubectl run -h' for help and examples".into(),
        );
    };
    // Applying overrides needs the generated object merged with a patch of the user's choice
    // (--override-type); until that exists, refuse rather than silently drop them.
    if parsed.get("overrides").is_some() {
        return Err("error: kubeplay does not support --overrides yet: write the Pod as YAML and use `kubectl apply -f`".into());
    }
    let (stdin, tty) = (parsed.switch("stdin"), parsed.switch("tty"));
    let attach = stdin || parsed.switch("attach");
    if tty && !stdin {
        return Err("error: -i/--stdin is required for containers with -t/--tty=true\nSee 'kubectl run -h' for help and examples".into());
    }
    if parsed.switch("rm") && !attach {
        return Err("error: --rm should only be used for attached containers\nSee 'kubectl run -h' for help and examples".into());
    }
    if attach && parsed.get("dry-run").is_some_and(|d| d != "none") {
        return Err("error: --dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)\nSee 'kubectl run -h' for help and examples".into());
    }
    // Every word after NAME is the container's (before `--` or after it), as kubectl takes
    // `args[1:]`.
    let command: Vec<String> = parsed
        .args
        .iter()
        .skip(1)
        .cloned()
        .chain(parsed.after_dash.clone().unwrap_or_default())
        .collect();
    if stdin && run_attach::is_interactive_shell(&command, image) {
        return Err(format!(
            "error: \"kubectl run {name} -it\" would open an interactive shell in the container, which this sandbox does not simulate; give the command to run after --, or start the pod without -it and use \"kubectl exec {name} -- COMMAND\""
        ));
    }
    if parsed.switch("expose") && parsed.get("port").is_none() {
        return Err("error: --port must be set when exposing a service\nSee 'kubectl run -h' for help and examples".into());
    }
    // An interactive pod is restarted only on failure unless told otherwise.
    let restart = parsed
        .get("restart")
        .unwrap_or(if stdin { "OnFailure" } else { "Always" });
    if !matches!(restart, "Always" | "OnFailure" | "Never") {
        return Err(format!("error: invalid restart policy: {restart}"));
    }
    let labels = match parsed.get("labels") {
        Some(spec) => key_values(spec, "labels")?,
        None => Map::from_iter([("run".to_string(), json!(name))]),
    };
    let mut container = Map::new();
    if !command.is_empty() {
        let key = if parsed.switch("command") {
            "command"
        } else {
            "args"
        };
        container.insert(key.into(), json!(command));
    }
    let env: Vec<Value> = parsed
        .all("env")
        .iter()
        .map(|e| match e.split_once('=') {
            Some((k, v)) => Ok(json!({"name": k, "value": v})),
            None => Err(format!("error: invalid env: {e}")),
        })
        .collect::<Result<_, _>>()?;
    if !env.is_empty() {
        container.insert("env".into(), Value::Array(env));
    }
    container.insert("image".into(), json!(image));
    if let Some(policy) = parsed.get("image-pull-policy") {
        container.insert("imagePullPolicy".into(), json!(policy));
    }
    container.insert("name".into(), json!(name));
    let port = parsed
        .get("port")
        .map(|p| {
            p.parse::<i64>().map_err(|_| {
                format!("error: invalid argument \"{p}\" for \"--port\" flag: strconv.ParseInt: parsing \"{p}\": invalid syntax\nSee 'kubectl run --help' for usage.")
            })
        })
        .transpose()?;
    if let Some(p) = port {
        container.insert("ports".into(), json!([{"containerPort": p}]));
    }
    container.insert("resources".into(), json!({}));
    if stdin {
        container.insert("stdin".into(), json!(true));
        container.insert("stdinOnce".into(), json!(true));
    }
    if tty {
        container.insert("tty".into(), json!(true));
    }
    if parsed.switch("privileged") {
        container.insert("securityContext".into(), json!({"privileged": true}));
    }
    let mut metadata = Map::new();
    if let Some(spec) = parsed.get("annotations") {
        metadata.insert(
            "annotations".into(),
            Value::Object(key_values(spec, "annotations")?),
        );
    }
    metadata.insert("labels".into(), Value::Object(labels.clone()));
    metadata.insert("name".into(), json!(name));
    let pod = json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": metadata,
        "spec": {
            "containers": [container],
            "dnsPolicy": "ClusterFirst",
            "restartPolicy": restart,
        },
        "status": {},
    });
    let mut out = Output::default();
    if let (true, Some(port)) = (parsed.switch("expose"), port) {
        let service = json!({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": name},
            "spec": {
                "ports": [{"port": port, "protocol": "TCP", "targetPort": port}],
                "selector": labels,
            },
            "status": {"loadBalancer": {}},
        });
        let shown = send(service, &parsed, shell, sim)?;
        out.stdout.push_str(&shown.stdout);
        if matches!(parsed.get("output"), Some("yaml")) {
            out.stdout.push_str("---\n");
        }
    }
    let shown = send(pod, &parsed, shell, sim)?;
    if !attach {
        out.stdout.push_str(&shown.stdout);
        return Ok(out);
    }
    let namespace = super::namespace_of(&parsed, shell);
    let timeout_ms = parsed
        .get("pod-running-timeout")
        .and_then(|t| crate::api::cron::go_duration_millis(t).ok())
        .unwrap_or(60_000);
    let attached = run_attach::follow(
        &run_attach::Attach {
            namespace: &namespace,
            name,
            stdin,
            tty,
            remove: parsed.switch("rm"),
            restart,
            timeout_ms,
        },
        shell,
        sim,
    )?;
    out.stdout.push_str(&attached.stdout);
    out.stderr.push_str(&attached.stderr);
    out.exit_code = attached.exit_code;
    Ok(out)
}

/// `k=v,k2=v2`, as `--labels` and `--annotations` take them.
fn key_values(spec: &str, what: &str) -> Result<Map<String, Value>, String> {
    spec.split(',')
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok((k.to_string(), json!(v))),
            _ => Err(format!("error: invalid {what} format: {kv}")),
        })
        .collect()
}
