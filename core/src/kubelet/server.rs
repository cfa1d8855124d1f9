//! The kubelet's own API, which the API server proxies to: a container's log
//! (`pods/log`, upstream's `validateContainerLogStatus` wording for containers without one)
//! and running a command in a container (`pods/exec`).

use super::Kubelet;
use super::logs::Query;
use super::process::ExecResult;
use super::runtime::State;
use crate::controllers::ObjectKey;
use crate::time::Time;

/// Why a log could not be read (the API server answers 400 Bad Request with it).
pub type LogError = String;

impl Kubelet {
    /// A container's log: its current instance, or with `previous` the one before it.
    pub fn container_log(
        &self,
        key: &ObjectKey,
        container: &str,
        previous: bool,
        query: &Query,
    ) -> Result<String, LogError> {
        let pod = &key.name;
        let Some(c) = self.pods.get(key).and_then(|p| p.find(container)) else {
            return Err(format!(
                "container \"{container}\" in pod \"{pod}\" is waiting to start: ContainerCreating"
            ));
        };
        let last_is_current = c
            .last_terminated
            .as_ref()
            .is_some_and(|t| t.container_id == c.container_id);
        if previous {
            return match &c.last_terminated {
                None => Err(format!(
                    "previous terminated container \"{container}\" in pod \"{pod}\" not found"
                )),
                Some(_) if last_is_current => Ok(c.log.read(query)),
                Some(_) => Ok(c
                    .previous_log
                    .as_ref()
                    .map(|l| l.read(query))
                    .unwrap_or_default()),
            };
        }
        match &c.state {
            State::Running { .. } | State::Terminated(_) => Ok(c.log.read(query)),
            _ if c.last_terminated.is_some() => {
                if last_is_current {
                    Ok(c.log.read(query))
                } else {
                    Ok(c.previous_log
                        .as_ref()
                        .map(|l| l.read(query))
                        .unwrap_or_default())
                }
            }
            State::Waiting { reason, .. } => Err(match *reason {
                "ErrImagePull" => format!(
                    "container \"{container}\" in pod \"{pod}\" is waiting to start: image can't be pulled"
                ),
                "ImagePullBackOff" => format!(
                    "container \"{container}\" in pod \"{pod}\" is waiting to start: trying and failing to pull image"
                ),
                r => format!("container \"{container}\" in pod \"{pod}\" is waiting to start: {r}"),
            }),
            State::Pulling { .. } => Err(format!(
                "container \"{container}\" in pod \"{pod}\" is waiting to start: {}",
                c.default_reason
            )),
        }
    }

    /// Log lines written after `after`, for following a container's log.
    pub fn container_log_since(
        &self,
        key: &ObjectKey,
        container: &str,
        after: Time,
        query: &Query,
    ) -> String {
        self.pods
            .get(key)
            .and_then(|p| p.find(container))
            .map(|c| c.log.since_exclusive(after, query))
            .unwrap_or_default()
    }

    /// Whether the container is running now (a followed log keeps going while it is).
    pub fn container_running(&self, key: &ObjectKey, container: &str) -> bool {
        self.pods
            .get(key)
            .and_then(|p| p.find(container))
            .is_some_and(|c| c.is_running())
    }

    /// Runs `argv` in a running container, as `kubectl exec` does. `Err` is the kubelet's
    /// refusal (the container is not running).
    pub fn exec(
        &mut self,
        key: &ObjectKey,
        container: &str,
        argv: &[String],
        tty: bool,
        now: Time,
        store: &crate::store::Store,
    ) -> Result<ExecResult, String> {
        let Some(pod) = self.pods.get(key) else {
            return Err("pod does not exist".into());
        };
        let Some(c) = pod.find(container) else {
            return Err(format!("container not found (\"{container}\")"));
        };
        if !c.is_running() {
            return Err(format!("container not found (\"{container}\")"));
        }
        let Some(process) = c.process.as_ref() else {
            return Err(format!("container not found (\"{container}\")"));
        };
        let node = store
            .get(
                crate::controllers::kind("", "Pod"),
                &key.namespace,
                &key.name,
            )
            .map(|p| crate::api::meta::str_at(p, "/spec/nodeName").to_string())
            .unwrap_or_default();
        let net = crate::network::Net {
            world: crate::network::World {
                store,
                pods: &self.pods,
                now,
            },
            plane: &mut self.plane,
            origin: crate::network::Origin::Pod {
                pod: key.clone(),
                ip: pod.ip.clone(),
                node,
            },
        };
        let result = process.exec(argv, &mut self.disks, now, tty, Some(net));
        self.deliver_server_logs();
        let Some(pod) = self.pods.get_mut(key) else {
            return Err("pod does not exist".into());
        };
        let Some(c) = pod.find_mut(container) else {
            return Err(format!("container not found (\"{container}\")"));
        };
        if !result.to_main.is_empty() {
            c.log.write(now, super::sh::Stream::Out, &result.to_main);
        }
        let signals = result.signals.clone();
        pod.signal(container, &signals, now);
        Ok(result)
    }

    /// A request from a pod's first running container (`from`), or from outside the cluster
    /// (`None`), worked out without being made (see [`crate::network::probe`]).
    pub fn probe_request(
        &self,
        store: &crate::store::Store,
        now: Time,
        from: Option<&ObjectKey>,
        to: &str,
    ) -> Result<crate::network::probe::Probe, String> {
        let world = crate::network::World {
            store,
            pods: &self.pods,
            now,
        };
        let Some(key) = from else {
            let origin = crate::network::Origin::Outside;
            return crate::network::probe::probe(world, &self.plane, &self.disks, origin, None, to);
        };
        let name = format!("pod/{}", key.name);
        let pod = self.pods.get(key).ok_or(format!("{name} is not running"))?;
        let process = pod
            .containers
            .iter()
            .filter(|c| c.is_running())
            .find_map(|c| c.process.as_ref())
            .ok_or(format!("{name} has no running container"))?;
        let read = |path: &str| process.view.read(&self.disks, path).unwrap_or_default();
        let resolver = (
            crate::network::dns::ResolvConf::parse(&read("/etc/resolv.conf")),
            read("/etc/hosts"),
        );
        let node = store
            .lookup(
                crate::controllers::kind("", "Pod"),
                &key.namespace,
                &key.name,
            )
            .map(|p| crate::api::meta::str_at(p, "/spec/nodeName").to_string())
            .unwrap_or_default();
        let origin = crate::network::Origin::Pod {
            pod: key.clone(),
            ip: pod.ip.clone(),
            node,
        };
        crate::network::probe::probe(world, &self.plane, &self.disks, origin, Some(resolver), to)
    }
}
