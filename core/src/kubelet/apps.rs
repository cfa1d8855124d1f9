//! The programs catalogue images run, simulated: what each prints when it starts, which ports
//! it listens on, how it answers HTTP and gRPC health checks, how long it takes to stop, and
//! how much CPU and memory it uses.
//!
//! nginx serves the container's `/usr/share/nginx/html` as the real one does (200, 403 for a
//! directory without index, 404 with its error log line) and writes its access log; agnhost's
//! `liveness` mode fails after ten seconds as in the docs; `polinux/stress` allocates what its
//! `--vm-bytes` asks for (so a memory limit below it means an OOM kill).

use super::fs::{Disks, Node, View};
use super::images::{App, Image};
use super::sh::Stream;
use super::sh::commands::{log_time, month_name, utc, weekday_name};
use crate::time::{SECOND, Time};

/// A program running as a container's main process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    pub app: App,
    pub argv: Vec<String>,
    pub version: String,
    pub started: Time,
    /// Bytes `stress --vm N --vm-bytes B` allocates (N × B).
    pub alloc_bytes: u64,
    /// CPUs `vish/stress -cpus N` burns, in millicores.
    pub burn_millis: i64,
}

/// An HTTP GET as a server receives it.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// `GET` or `HEAD`.
    pub method: &'a str,
    pub port: u16,
    pub path: &'a str,
    /// The client's address, as the server logs it.
    pub client: &'a str,
    /// The Host header.
    pub host: &'a str,
    pub user_agent: &'a str,
    pub now: Time,
    /// The serving container's hostname (echo servers answer with it).
    pub hostname: &'a str,
}

/// An HTTP answer: a status and a body; `None` status means the connection was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub body: String,
}

impl Program {
    pub fn new(image: &Image, argv: &[String], version: String, started: Time) -> Program {
        let mut p = Program {
            app: image.app,
            argv: argv.to_vec(),
            version,
            started,
            alloc_bytes: 0,
            burn_millis: 0,
        };
        if image.app == App::Stress {
            let workers = flag_value(argv, "--vm")
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0);
            let bytes = flag_value(argv, "--vm-bytes")
                .and_then(|v| stress_bytes(&v))
                .unwrap_or(256 * 1024 * 1024);
            p.alloc_bytes = workers * bytes;
        }
        if image.app == App::CpuStress {
            let cpus = flag_value(argv, "-cpus")
                .and_then(|v| v.parse::<i64>().ok())
                .unwrap_or(1);
            p.burn_millis = cpus * 1000;
        }
        p
    }

    /// The ports the program accepts connections on.
    pub fn ports(&self, image: &Image) -> Vec<u16> {
        match (self.app, image.process) {
            (App::Redis, _) => vec![
                flag_value(&self.argv, "--port")
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(6379),
            ],
            (App::Agnhost, _) => {
                let (flag, default) = match self.agnhost_mode() {
                    "netexec" => ("--http-port", 8080),
                    "serve-hostname" => ("--port", 9376),
                    _ => ("--port", 8080),
                };
                vec![
                    flag_value(&self.argv, flag)
                        .and_then(|p| p.parse().ok())
                        .unwrap_or(default),
                ]
            }
            (App::HttpEcho, _) => vec![
                flag_value(&self.argv, "-listen")
                    .and_then(|l| l.rsplit(':').next().and_then(|p| p.parse().ok()))
                    .unwrap_or(5678),
            ],
            (App::Etcd, _) => vec![2379, 2380, 2381],
            (App::CoreDns, _) => vec![53, 8080, 8181, 9153],
            (App::IngressNginx, _) => vec![80, 443, 8443, 10254],
            (App::Stress | App::CpuStress | App::Pause, _) => vec![],
            (_, super::images::Process::Server { port, .. }) if port != 0 => vec![port],
            _ => vec![],
        }
    }

    /// How long the program takes to exit after SIGTERM (`None`: it ignores SIGTERM).
    pub fn stop_millis(&self, image: &Image) -> Option<i64> {
        match (self.app, image.process) {
            (App::Stress | App::CpuStress, _) => Some(20),
            (_, super::images::Process::Server { stop_ms, .. }) => Some(stop_ms),
            _ => Some(100),
        }
    }

    /// What the program prints when it starts, with the time of each line.
    pub fn startup_log(&self, hostname: &str) -> Vec<(Time, Stream, String)> {
        let t = self.started;
        let at = |ms: i64| t.plus_millis(ms);
        let mut lines = Vec::new();
        let mut out = |ms: i64, stream: Stream, text: String| lines.push((at(ms), stream, text));
        match self.app {
            App::Nginx => {
                let e = "/docker-entrypoint.sh";
                for (ms, line) in [
                    (2, format!("{e}: /docker-entrypoint.d/ is not empty, will attempt to perform configuration")),
                    (2, format!("{e}: Looking for shell scripts in /docker-entrypoint.d/")),
                    (3, format!("{e}: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh")),
                    (5, "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf".to_string()),
                    (8, "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf".to_string()),
                    (8, format!("{e}: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh")),
                    (9, format!("{e}: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh")),
                    (11, format!("{e}: Launching /docker-entrypoint.d/30-tune-worker-processes.sh")),
                    (12, format!("{e}: Configuration complete; ready for start up")),
                ] {
                    out(ms, Stream::Out, line);
                }
                let lt = log_time(at(15));
                let gcc = if self.version.as_str() >= "1.29" {
                    "gcc 14.2.0 (Debian 14.2.0-19)"
                } else {
                    "gcc 12.2.0 (Debian 12.2.0-14)"
                };
                for line in [
                    "using the \"epoll\" event method".to_string(),
                    format!("nginx/{}", self.version),
                    format!("built by {gcc} "),
                    "OS: Linux 6.8.0-79-generic".to_string(),
                    "getrlimit(RLIMIT_NOFILE): 1048576:1048576".to_string(),
                    "start worker processes".to_string(),
                ] {
                    out(15, Stream::Err, format!("{lt} [notice] 1#1: {line}"));
                }
                for pid in 29..37 {
                    out(
                        15,
                        Stream::Err,
                        format!("{lt} [notice] 1#1: start worker process {pid}"),
                    );
                }
            }
            App::Httpd => {
                let stamp = apache_time(at(20));
                out(
                    20,
                    Stream::Err,
                    format!(
                        "AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using {hostname}. Set the 'ServerName' directive globally to suppress this message"
                    ),
                );
                out(
                    20,
                    Stream::Err,
                    format!(
                        "AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using {hostname}. Set the 'ServerName' directive globally to suppress this message"
                    ),
                );
                out(
                    21,
                    Stream::Err,
                    format!(
                        "[{stamp}] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/{} (Unix) configured -- resuming normal operations",
                        self.version
                    ),
                );
                out(
                    21,
                    Stream::Err,
                    format!(
                        "[{stamp}] [core:notice] [pid 1:tid 1] AH00094: Command line: 'httpd -D FOREGROUND'"
                    ),
                );
            }
            App::Redis => {
                let rt = |ms: i64, role: char, mark: char, text: &str| {
                    let (p, millis) = utc(at(ms));
                    format!(
                        "1:{role} {:02} {} {} {:02}:{:02}:{:02}.{:03} {mark} {text}",
                        p.day,
                        month_name(p.month),
                        p.year,
                        p.hour,
                        p.minute,
                        p.second,
                        millis
                    )
                };
                out(
                    1,
                    Stream::Out,
                    rt(1, 'C', '*', "oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo"),
                );
                out(
                    1,
                    Stream::Out,
                    rt(
                        1,
                        'C',
                        '*',
                        &format!(
                            "Redis version={}, bits=64, commit=00000000, modified=1, pid=1, just started",
                            self.version
                        ),
                    ),
                );
                out(
                    1,
                    Stream::Out,
                    rt(
                        1,
                        'C',
                        '#',
                        "Warning: no config file specified, using the default config. In order to specify a config file use redis-server /path/to/redis.conf",
                    ),
                );
                out(
                    2,
                    Stream::Out,
                    rt(2, 'M', '*', "monotonic clock: POSIX clock_gettime"),
                );
                out(
                    2,
                    Stream::Out,
                    rt(2, 'M', '*', "Running mode=standalone, port=6379."),
                );
                out(3, Stream::Out, rt(3, 'M', '*', "Server initialized"));
                out(
                    3,
                    Stream::Out,
                    rt(3, 'M', '*', "Ready to accept connections tcp"),
                );
            }
            App::Postgres => {
                out(5, Stream::Out, "The files belonging to this database system will be owned by user \"postgres\".".into());
                out(
                    900,
                    Stream::Out,
                    "PostgreSQL init process complete; ready for start up.".into(),
                );
                let (p, millis) = utc(at(950));
                let ts = format!(
                    "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03} UTC",
                    p.year, p.month, p.day, p.hour, p.minute, p.second, millis
                );
                out(
                    950,
                    Stream::Err,
                    format!(
                        "{ts} [1] LOG:  starting PostgreSQL {} on x86_64-pc-linux-gnu, compiled by gcc (Debian 14.2.0-19) 14.2.0, 64-bit",
                        self.version
                    ),
                );
                out(
                    950,
                    Stream::Err,
                    format!("{ts} [1] LOG:  listening on IPv4 address \"0.0.0.0\", port 5432"),
                );
                out(
                    960,
                    Stream::Err,
                    format!("{ts} [1] LOG:  database system is ready to accept connections"),
                );
            }
            App::Memcached | App::Component | App::Pause | App::Mysql | App::Mongo => {}
            App::IngressNginx => {
                out(
                    5,
                    Stream::Out,
                    format!(
                        "-------------------------------------------------------------------------------\n\
                         NGINX Ingress controller\n  Release:       v{}\n  Build:         dbb11b92d\n\
                         \x20 Repository:    https://github.com/kubernetes/ingress-nginx\n\
                         \x20 nginx version: nginx/1.27.1\n\n\
                         -------------------------------------------------------------------------------",
                        self.version.trim_start_matches('v')
                    ),
                );
            }
            App::CoreDns => {
                out(10, Stream::Out, ".:53".into());
                out(10, Stream::Out, "[INFO] plugin/reload: Running configuration SHA512 = 1b226df79860026c6a52e67daa10d7f0d57ec5b023288ec00c5e05f93523c894564e15b91770d3a07ae1cfbe861d15b37d4a0027e69c546ab112970993a3b03b".into());
                out(
                    10,
                    Stream::Out,
                    format!("CoreDNS-{}", self.version.trim_start_matches('v')),
                );
                out(10, Stream::Out, "linux/amd64, go1.25.2, 1db4568".into());
            }
            App::Etcd => {
                out(
                    10,
                    Stream::Err,
                    format!(
                        "{{\"level\":\"info\",\"ts\":\"{}\",\"caller\":\"etcdmain/etcd.go:64\",\"msg\":\"Running: \",\"args\":[\"etcd\"]}}",
                        at(10).rfc3339()
                    ),
                );
                out(
                    300,
                    Stream::Err,
                    format!(
                        "{{\"level\":\"info\",\"ts\":\"{}\",\"caller\":\"etcdserver/server.go:2055\",\"msg\":\"published local member to cluster through raft\"}}",
                        at(300).rfc3339()
                    ),
                );
                out(
                    310,
                    Stream::Err,
                    format!(
                        "{{\"level\":\"info\",\"ts\":\"{}\",\"caller\":\"embed/serve.go:103\",\"msg\":\"ready to serve client requests\"}}",
                        at(310).rfc3339()
                    ),
                );
            }
            App::PhpApache => {
                let stamp = apache_time(at(40));
                let fqdn = format!(
                    "AH00558: apache2: Could not reliably determine the server's fully qualified domain name, using {hostname}. Set the 'ServerName' directive globally to suppress this message"
                );
                out(30, Stream::Err, fqdn.clone());
                out(35, Stream::Err, fqdn);
                out(
                    40,
                    Stream::Err,
                    format!(
                        "[{stamp}] [mpm_prefork:notice] [pid 1] AH00163: Apache/2.4.10 (Debian) PHP/5.6.14 configured -- resuming normal operations"
                    ),
                );
                out(
                    40,
                    Stream::Err,
                    format!(
                        "[{stamp}] [core:notice] [pid 1] AH00094: Command line: 'apache2 -D FOREGROUND'"
                    ),
                );
            }
            App::Agnhost => {
                if self.argv.iter().any(|a| a == "liveness") {
                    out(
                        5,
                        Stream::Err,
                        format!(
                            "I{} 1 liveness.go:43] Started liveness server on port 8080",
                            klog_time(at(5))
                        ),
                    );
                }
            }
            App::Stress => {
                let workers = flag_value(&self.argv, "--vm").unwrap_or_else(|| "0".into());
                out(
                    1,
                    Stream::Out,
                    format!("stress: info: [1] dispatching hogs: 0 cpu, 0 io, {workers} vm, 0 hdd"),
                );
            }
            App::CpuStress => {
                out(
                    1,
                    Stream::Err,
                    format!(
                        "I{} 1 main.go:26] Allocating \"0\" memory, in \"4Ki\" chunks, with a 1ms sleep between allocations",
                        klog_time(at(1))
                    ),
                );
                out(
                    1,
                    Stream::Err,
                    format!("I{} 1 main.go:29] Allocated \"0\" memory", klog_time(at(1))),
                );
                out(
                    2,
                    Stream::Err,
                    format!(
                        "I{} 1 main.go:39] Spawning a thread to consume CPU",
                        klog_time(at(2))
                    ),
                );
            }
            App::HttpEcho => {
                let (p, _) = utc(at(2));
                let listen = flag_value(&self.argv, "-listen").unwrap_or_else(|| ":5678".into());
                out(
                    2,
                    Stream::Err,
                    format!(
                        "{:04}/{:02}/{:02} {:02}:{:02}:{:02} [INFO] server is listening on {listen}",
                        p.year, p.month, p.day, p.hour, p.minute, p.second
                    ),
                );
            }
            App::ServeHostname | App::None => {}
        }
        lines
    }

    /// The processes `ps` shows for the program (PID 1 first).
    pub fn processes(&self) -> Vec<(u32, String)> {
        match self.app {
            App::Nginx => {
                let mut procs = vec![(1, format!("nginx: master process {}", self.argv.join(" ")))];
                for pid in 29..37 {
                    procs.push((pid, "nginx: worker process".to_string()));
                }
                procs
            }
            App::Stress => vec![(1, self.argv.join(" ")), (7, self.argv.join(" "))],
            _ => vec![(1, self.argv.join(" "))],
        }
    }

    /// An HTTP GET on `port` at `path`, and the log lines the server writes for it.
    pub fn http_get(
        &self,
        image: &Image,
        req: &Request<'_>,
        files: (&View, &Disks),
    ) -> (Option<Response>, Vec<(Stream, String)>) {
        let Request {
            method,
            port,
            path,
            client,
            host,
            user_agent,
            now,
            hostname,
        } = *req;
        if !self.ports(image).contains(&port) {
            return (None, Vec::new());
        }
        let mut log = Vec::new();
        let path_only = path.split('?').next().unwrap_or("/");
        let response = match self.app {
            App::Nginx => {
                let (view, disks) = files;
                let root = "/usr/share/nginx/html";
                let target = super::fs::normalize(&format!("{root}/{path_only}"));
                let (status, body) = match view.get(disks, &target) {
                    Some(Node::File(text)) => (200, text),
                    Some(Node::Dir) => match view.read(
                        disks,
                        &format!("{}/index.html", target.trim_end_matches('/')),
                    ) {
                        Ok(text) => (200, text),
                        Err(_) => {
                            log.push((Stream::Err, format!("{} [error] 29#29: *1 directory index of \"{}/\" is forbidden, client: {client}, server: localhost, request: \"{method} {path} HTTP/1.1\", host: \"{host}\"", log_time(now), target.trim_end_matches('/'))));
                            (403, nginx_error_page(403, "Forbidden", &self.version))
                        }
                    },
                    None => {
                        log.push((Stream::Err, format!("{} [error] 29#29: *1 open() \"{target}\" failed (2: No such file or directory), client: {client}, server: localhost, request: \"{method} {path} HTTP/1.1\", host: \"{host}\"", log_time(now))));
                        (404, nginx_error_page(404, "Not Found", &self.version))
                    }
                };
                let sent = if method == "HEAD" { 0 } else { body.len() };
                log.push((Stream::Out, format!("{client} - - [{}] \"{method} {path} HTTP/1.1\" {status} {sent} \"-\" \"{user_agent}\" \"-\"", access_time(now))));
                Response { status, body }
            }
            App::Httpd => {
                let (status, body) = if path_only == "/" || path_only == "/index.html" {
                    (
                        200,
                        "<html><body><h1>It works!</h1></body></html>\n".to_string(),
                    )
                } else {
                    (404, "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n".to_string())
                };
                log.push((
                    Stream::Out,
                    format!(
                        "{client} - - [{}] \"{method} {path} HTTP/1.1\" {status} {}",
                        access_time(now),
                        if method == "HEAD" { 0 } else { body.len() }
                    ),
                ));
                Response { status, body }
            }
            App::PhpApache => {
                // index.php burns CPU in a loop, then says OK.
                let (status, body) = if path_only == "/" || path_only == "/index.php" {
                    (200, "OK!".to_string())
                } else {
                    (404, "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n".to_string())
                };
                log.push((
                    Stream::Out,
                    format!(
                        "{client} - - [{}] \"{method} {path} HTTP/1.1\" {status} {} \"-\" \"{user_agent}\"",
                        access_time(now),
                        body.len()
                    ),
                ));
                Response { status, body }
            }
            App::Agnhost if self.agnhost_mode() == "serve-hostname" => Response {
                status: 200,
                body: hostname.to_string(),
            },
            App::Agnhost if self.agnhost_mode() == "netexec" => {
                let query = path.split_once('?').map_or("", |(_, q)| q);
                let param = |name: &str| {
                    query
                        .split('&')
                        .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
                        .unwrap_or("")
                        .to_string()
                };
                let body = match path_only {
                    "/hostname" => hostname.to_string(),
                    "/echo" => param("msg"),
                    "/clientip" => format!("{client}:{}", 40000 + now.since(self.started).rem_euclid(20000)),
                    "/healthz" => String::new(),
                    _ => format!("NOW: {}", go_time(now, now.since(self.started))),
                };
                Response { status: 200, body }
            }
            App::ServeHostname => Response {
                status: 200,
                body: hostname.to_string(),
            },
            App::HttpEcho => Response {
                status: 200,
                body: format!("{}\n", flag_value(&self.argv, "-text").unwrap_or_default()),
            },
            App::Agnhost => {
                // `agnhost liveness`: /healthz answers 200 for the first 10 s, then 500.
                let alive = now.since(self.started) < 10 * SECOND;
                match (path_only, alive) {
                    ("/healthz", true) => Response {
                        status: 200,
                        body: "ok".into(),
                    },
                    ("/healthz", false) => Response {
                        status: 500,
                        body: format!("error: {:.6}", now.since(self.started) as f64 / 1000.0),
                    },
                    _ => Response {
                        status: 404,
                        body: "404 page not found\n".into(),
                    },
                }
            }
            // metrics-server is ready once it has scraped the kubelets; on a kind cluster their
            // serving certificates carry no IP SANs, so without --kubelet-insecure-tls every
            // scrape fails and it never becomes ready (the well-known kind gotcha).
            App::Component if path_only == "/readyz" && self.is_metrics_server() && !self.argv.iter().any(|a| a == "--kubelet-insecure-tls") => Response {
                status: 500,
                body: "[+]ping ok\n[+]log ok\n[+]poststarthook/max-in-flight-filter ok\n[-]metric-storage-ready failed: reason withheld\nreadyz check failed\n".into(),
            },
            // Until a request path reaches it with the cluster's Ingresses, nginx on 80/443
            // answers as with no Ingress at all: its default backend's 404.
            App::IngressNginx if port == 80 || port == 443 => Response {
                status: 404,
                body: ingress_nginx_page(404, "Not Found"),
            },
            App::Component | App::Etcd | App::CoreDns | App::IngressNginx => match path_only {
                "/healthz" | "/livez" | "/readyz" | "/health" | "/ready" => Response {
                    status: 200,
                    body: "ok".into(),
                },
                _ => Response {
                    status: 404,
                    body: "404 page not found\n".into(),
                },
            },
            // Not an HTTP server: the connection is closed on the first bytes.
            _ => {
                return (
                    Some(Response {
                        status: 0,
                        body: String::new(),
                    }),
                    log,
                );
            }
        };
        (Some(response), log)
    }

    /// Whether a gRPC health check on `port` answers SERVING.
    pub fn grpc_serving(&self, image: &Image, port: u16) -> Option<bool> {
        if !self.ports(image).contains(&port) {
            return None;
        }
        Some(matches!(self.app, App::Etcd | App::Component))
    }

    /// Memory in use at `now`, in bytes.
    pub fn memory_bytes(&self, now: Time, seed: u32) -> u64 {
        let jitter = u64::from(seed % 512) * 1024;
        let mib = 1024 * 1024;
        match self.app {
            App::Nginx => 2 * mib + 600 * 1024 + jitter,
            App::Httpd => 6 * mib + jitter,
            App::Redis => 3 * mib + jitter,
            App::Postgres => 24 * mib + jitter,
            App::Mysql => 380 * mib + jitter,
            App::Mongo => 160 * mib + jitter,
            App::Memcached => 2 * mib + jitter,
            App::Etcd => 40 * mib + jitter,
            App::CoreDns => 13 * mib + jitter,
            App::IngressNginx => 44 * mib + jitter,
            App::Component => self.component().1 * mib + jitter,
            App::Pause => 300 * 1024,
            App::Agnhost | App::ServeHostname | App::HttpEcho => 5 * mib + jitter,
            App::PhpApache => 9 * mib + jitter,
            App::Stress => {
                // The worker touches its pages at about 1 GiB/s.
                let elapsed = now.since(self.started).max(0) as u64;
                let touched = elapsed.saturating_mul(1024 * 1024 * 1024 / 1000);
                STRESS_BASE + touched.min(self.alloc_bytes)
            }
            App::CpuStress => mib + jitter,
            App::None => 400 * 1024 + jitter / 4,
        }
    }

    /// When the program's memory first passes `limit`, if it ever does.
    pub fn oom_at(&self, limit: u64) -> Option<Time> {
        if self.app != App::Stress || STRESS_BASE + self.alloc_bytes <= limit {
            return None;
        }
        let needed = limit.saturating_sub(STRESS_BASE);
        let ms = needed / (1024 * 1024 * 1024 / 1000) + 1;
        Some(self.started.plus_millis(ms as i64))
    }

    /// CPU in use, in millicores (before any limit).
    pub fn cpu_millis(&self, seed: u32) -> i64 {
        match self.app {
            App::Stress => 1 + i64::from(seed % 2),
            App::CpuStress => self.burn_millis,
            App::Etcd => 18 + i64::from(seed % 10),
            App::Component => self.component().0 + i64::from(seed % 3),
            App::CoreDns => 2 + i64::from(seed % 2),
            App::IngressNginx => 1 + i64::from(seed % 3),
            App::Mysql | App::Mongo | App::Postgres => 3 + i64::from(seed % 3),
            App::Nginx
            | App::Httpd
            | App::Redis
            | App::Memcached
            | App::Agnhost
            | App::ServeHostname
            | App::HttpEcho
            | App::PhpApache => i64::from(seed % 2),
            App::Pause | App::None => 0,
        }
    }
}

/// ingress-nginx's own error pages (404 when no Ingress rule matches, 503 when the matched
/// Service has no ready endpoint): nginx's, without a version (`server_tokens off`).
pub fn ingress_nginx_page(code: u16, text: &str) -> String {
    error_page(code, text, "nginx")
}

/// What the stress process itself takes besides what it allocates (docs: 150M → ~155Mi).
const STRESS_BASE: u64 = 5 * 1024 * 1024;

impl Program {
    /// agnhost's subcommand (`netexec`, `serve-hostname`, `liveness`...).
    fn agnhost_mode(&self) -> &str {
        self.argv
            .iter()
            .skip(1)
            .find(|a| !a.starts_with('-'))
            .map(String::as_str)
            .unwrap_or("")
    }

    /// The headers the server sends with `response`, in its order.
    pub fn response_headers(
        &self,
        image: &Image,
        response: &Response,
        now: Time,
    ) -> Vec<(String, String)> {
        let date = http_date(now);
        let length = response.body.len().to_string();
        let h = |k: &str, v: &str| (k.to_string(), v.to_string());
        match self.app {
            App::Nginx => {
                let mut headers = vec![
                    h("Server", &format!("nginx/{}", self.version)),
                    h("Date", &date),
                    h("Content-Type", "text/html"),
                    h("Content-Length", &length),
                ];
                if response.status == 200 {
                    headers.push(h("Last-Modified", &http_date(self.started)));
                }
                headers.push(h("Connection", "keep-alive"));
                if response.status == 200 {
                    headers.push(h(
                        "ETag",
                        &format!(
                            "\"{:x}-{:x}\"",
                            self.started.since(Time::GENESIS) / 1000 + 1_767_258_000,
                            response.body.len()
                        ),
                    ));
                    headers.push(h("Accept-Ranges", "bytes"));
                }
                headers
            }
            App::Httpd => vec![
                h("Date", &date),
                h("Server", &format!("Apache/{} (Unix)", self.version)),
                h("Content-Length", &length),
                h("Content-Type", "text/html"),
            ],
            App::HttpEcho => vec![
                h("X-App-Name", "http-echo"),
                h("X-App-Version", &self.version),
                h("Date", &date),
                h("Content-Length", &length),
                h("Content-Type", "text/plain; charset=utf-8"),
            ],
            _ => {
                let _ = image;
                vec![
                    h("Date", &date),
                    h("Content-Length", &length),
                    h("Content-Type", "text/plain; charset=utf-8"),
                ]
            }
        }
    }

    /// Whether this is metrics-server (whose readiness depends on reaching the kubelets).
    pub fn is_metrics_server(&self) -> bool {
        self.argv
            .first()
            .is_some_and(|a| a.rsplit('/').next() == Some("metrics-server"))
    }

    /// A control-plane or add-on program's typical idle (CPU millicores, memory MiB).
    fn component(&self) -> (i64, u64) {
        let name = self.argv.first().map(String::as_str).unwrap_or("");
        match name.rsplit('/').next().unwrap_or(name) {
            "kube-apiserver" => (38, 236),
            "kube-controller-manager" => (14, 48),
            "kube-scheduler" => (3, 21),
            "kube-proxy" => (1, 14),
            "kindnetd" => (1, 9),
            "local-path-provisioner" => (1, 8),
            "metrics-server" => (4, 19),
            _ => (2, 16),
        }
    }
}

/// The reason phrase of an HTTP status.
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Temporarily Unavailable",
        504 => "Gateway Time-out",
        _ => "",
    }
}

/// An HTTP `Date`: `Thu, 01 Jan 2026 09:00:05 GMT`.
pub fn http_date(t: Time) -> String {
    let (p, _) = utc(t);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        weekday_name(p.weekday),
        p.day,
        month_name(p.month),
        p.year,
        p.hour,
        p.minute,
        p.second
    )
}

/// Go's default time format with the monotonic clock reading, as `fmt` prints `time.Now()`:
/// `2026-01-01 09:00:05.123 +0000 UTC m=+5.000000001`.
fn go_time(t: Time, uptime_ms: i64) -> String {
    let (p, millis) = utc(t);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}000000 +0000 UTC m=+{}.{:03}000001",
        p.year,
        p.month,
        p.day,
        p.hour,
        p.minute,
        p.second,
        millis,
        uptime_ms / 1000,
        uptime_ms % 1000
    )
}

fn nginx_error_page(code: u16, text: &str, version: &str) -> String {
    error_page(code, text, &format!("nginx/{version}"))
}

/// nginx's error page, signed `server`.
fn error_page(code: u16, text: &str, server: &str) -> String {
    format!(
        "<html>\r\n<head><title>{code} {text}</title></head>\r\n<body>\r\n<center><h1>{code} {text}</h1></center>\r\n<hr><center>{server}</center>\r\n</body>\r\n</html>\r\n"
    )
}

/// The value after `flag` in `argv` (`--vm-bytes 250M` or `--vm-bytes=250M`).
pub fn flag_value(argv: &[String], flag: &str) -> Option<String> {
    let mut it = argv.iter();
    while let Some(a) = it.next() {
        if a == flag {
            return it.next().cloned();
        }
        if let Some(v) = a.strip_prefix(&format!("{flag}=")) {
            return Some(v.to_string());
        }
    }
    None
}

/// stress's size suffixes: `B`, `K`, `M`, `G` (powers of 1024).
fn stress_bytes(v: &str) -> Option<u64> {
    let (number, unit) = v.split_at(v.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(v.len()));
    let n: u64 = number.parse().ok()?;
    let m = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" => 1024,
        "M" => 1024 * 1024,
        "G" => 1024 * 1024 * 1024,
        _ => return None,
    };
    Some(n * m)
}

/// Common log format time: `01/Jan/2026:09:00:05 +0000`.
pub fn access_time(t: Time) -> String {
    let (p, _) = utc(t);
    format!(
        "{:02}/{}/{:04}:{:02}:{:02}:{:02} +0000",
        p.day,
        month_name(p.month),
        p.year,
        p.hour,
        p.minute,
        p.second
    )
}

/// Apache's error log time: `Thu Jan 01 09:00:05.123456 2026`.
fn apache_time(t: Time) -> String {
    let (p, millis) = utc(t);
    format!(
        "{} {} {:02} {:02}:{:02}:{:02}.{:06} {}",
        weekday_name(p.weekday),
        month_name(p.month),
        p.day,
        p.hour,
        p.minute,
        p.second,
        millis * 1000,
        p.year
    )
}

/// klog's header time: `0101 09:00:05.123456`.
pub fn klog_time(t: Time) -> String {
    let (p, millis) = utc(t);
    format!(
        "{:02}{:02} {:02}:{:02}:{:02}.{:06}",
        p.month,
        p.day,
        p.hour,
        p.minute,
        p.second,
        millis * 1000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stress_sizes() {
        assert_eq!(stress_bytes("250M"), Some(250 * 1024 * 1024));
        assert_eq!(stress_bytes("1G"), Some(1024 * 1024 * 1024));
        assert_eq!(stress_bytes("x"), None);
    }

    #[test]
    fn stress_beyond_its_limit_is_killed_soon_after_start() {
        let image = super::super::images::CATALOGUE
            .iter()
            .find(|i| i.repository == "polinux/stress")
            .copied()
            .unwrap();
        let argv: Vec<String> = [
            "stress",
            "--vm",
            "1",
            "--vm-bytes",
            "250M",
            "--vm-hang",
            "1",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let p = Program::new(&image, &argv, "1.0.4".into(), Time::GENESIS);
        let limit = 100 * 1024 * 1024;
        let at = p.oom_at(limit).unwrap();
        assert!(at.since(Time::GENESIS) > 50 && at.since(Time::GENESIS) < 200);
        assert_eq!(p.oom_at(300 * 1024 * 1024), None);
    }
}
