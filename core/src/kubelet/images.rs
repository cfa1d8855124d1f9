//! The image catalogue: what the simulated registry holds and how each image's main process
//! behaves once started.
//!
//! A reference (`nginx`, `nginx:1.27`, `docker.io/library/redis:7-alpine`) resolves to a
//! catalogue entry when its repository is known and its tag is one the repository publishes
//! (named tags, or versions starting with a digit). Anything else fails to pull, as a typo does
//! on a real cluster.

use crate::rng::fnv1a32;

/// How an image's default process behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Process {
    /// A server that runs until stopped; on SIGTERM it exits within `stop_ms`.
    Server { port: u16, stop_ms: i64 },
    /// A shell image whose default command (`sh`) exits at once with nothing to read.
    Shell,
}

/// The userland an image ships, which sets the programs `kubectl exec` finds and how they
/// word their errors.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Flavour {
    /// busybox applets (the busybox image).
    #[default]
    Busybox,
    /// Alpine: busybox applets plus `apk`.
    Alpine,
    /// Debian or Ubuntu: bash, dash as `sh`, coreutils; no `ps` in slim images.
    Debian,
    /// No shell and no utilities: only the image's own program.
    Distroless,
}

const BUSYBOX_APPLETS: &[&str] = &[
    "sh",
    "ash",
    "echo",
    "printf",
    "cat",
    "ls",
    "env",
    "printenv",
    "hostname",
    "id",
    "whoami",
    "pwd",
    "date",
    "ps",
    "touch",
    "rm",
    "mkdir",
    "rmdir",
    "cp",
    "mv",
    "tee",
    "sleep",
    "true",
    "false",
    "test",
    "[",
    "head",
    "tail",
    "wc",
    "grep",
    "sort",
    "uniq",
    "uname",
    "basename",
    "dirname",
    "seq",
    "expr",
    "which",
    "kill",
    "killall",
    "nproc",
    "yes",
    "wget",
    "nc",
    "nslookup",
    "ping",
    "ping6",
    "traceroute",
    "telnet",
    "vi",
    "top",
    "free",
    "df",
    "du",
    "mount",
    "stat",
    "find",
    "sed",
    "awk",
    "xargs",
    "chmod",
    "chown",
    "ln",
    "readlink",
    "uptime",
    "tar",
    "gzip",
];

const ALPINE_APPLETS: &[&str] = &[
    "sh",
    "ash",
    "echo",
    "printf",
    "cat",
    "ls",
    "env",
    "printenv",
    "hostname",
    "id",
    "whoami",
    "pwd",
    "date",
    "ps",
    "touch",
    "rm",
    "mkdir",
    "rmdir",
    "cp",
    "mv",
    "tee",
    "sleep",
    "true",
    "false",
    "test",
    "[",
    "head",
    "tail",
    "wc",
    "grep",
    "sort",
    "uniq",
    "uname",
    "basename",
    "dirname",
    "seq",
    "expr",
    "which",
    "kill",
    "killall",
    "nproc",
    "yes",
    "wget",
    "nc",
    "nslookup",
    "ping",
    "ping6",
    "traceroute",
    "vi",
    "top",
    "free",
    "df",
    "du",
    "mount",
    "stat",
    "find",
    "sed",
    "awk",
    "xargs",
    "chmod",
    "chown",
    "ln",
    "readlink",
    "uptime",
    "tar",
    "gzip",
    "apk",
];

const DEBIAN_USERLAND: &[&str] = &[
    "sh", "dash", "bash", "echo", "printf", "cat", "ls", "env", "printenv", "hostname", "id",
    "whoami", "pwd", "date", "touch", "rm", "mkdir", "rmdir", "cp", "mv", "tee", "sleep", "true",
    "false", "test", "[", "head", "tail", "wc", "grep", "sort", "uniq", "uname", "basename",
    "dirname", "seq", "expr", "which", "nproc", "yes", "df", "du", "mount", "stat", "find", "sed",
    "awk", "xargs", "chmod", "chown", "ln", "readlink", "tar", "gzip", "apt", "apt-get",
];

impl Flavour {
    /// Programs of the userland, by name.
    pub fn userland(self) -> &'static [&'static str] {
        match self {
            Flavour::Busybox => BUSYBOX_APPLETS,
            Flavour::Alpine => ALPINE_APPLETS,
            Flavour::Debian => DEBIAN_USERLAND,
            Flavour::Distroless => &[],
        }
    }

    pub fn is_busybox(self) -> bool {
        matches!(self, Flavour::Busybox | Flavour::Alpine)
    }
}

/// What an image's main program does, simulated in [`super::apps`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum App {
    /// No program of its own: a shell or utility image.
    #[default]
    None,
    Nginx,
    Httpd,
    Redis,
    Mysql,
    Postgres,
    Mongo,
    Memcached,
    /// A control-plane or add-on server that listens and logs little.
    Component,
    Etcd,
    CoreDns,
    Pause,
    /// `registry.k8s.io/e2e-test-images/agnhost`: its `liveness` mode serves `/healthz` with
    /// 200 for ten seconds, then 500.
    Agnhost,
    /// `registry.k8s.io/serve_hostname`: answers every request with its hostname (port 9376).
    ServeHostname,
    /// `hashicorp/http-echo`: answers every request with its `-text` (port 5678).
    HttpEcho,
    /// `polinux/stress`: allocates `--vm-bytes` of memory per `--vm` worker.
    Stress,
    /// `vish/stress`: burns `-cpus` CPUs.
    CpuStress,
    /// `registry.k8s.io/hpa-example`: Apache with PHP, answering `OK!` after a CPU-heavy loop
    /// (the HorizontalPodAutoscaler walkthrough's php-apache).
    PhpApache,
    /// `registry.k8s.io/ingress-nginx/controller`: nginx on 80 and 443 (routing by the
    /// cluster's Ingresses), the admission webhook on 8443, health on 10254.
    IngressNginx,
}

#[derive(Clone, Copy, Debug)]
pub struct Image {
    pub repository: &'static str,
    /// Compressed size, which sets how long the first pull takes.
    pub size_bytes: u64,
    pub process: Process,
    /// Named tags besides versions (which are accepted when they start with a digit).
    pub named_tags: &'static [&'static str],
    pub flavour: Flavour,
    pub app: App,
    /// Programs besides the userland (`nginx`, `redis-cli`).
    pub binaries: &'static [&'static str],
    /// The image config's ENV, in order.
    pub env: &'static [(&'static str, &'static str)],
    /// ENTRYPOINT and CMD, as the runtime starts them when the pod gives no command.
    pub entrypoint: &'static [&'static str],
    pub cmd: &'static [&'static str],
    pub workdir: &'static str,
    /// The version `latest` (or a named tag) stands for, for logs and `-v` output.
    pub latest_version: &'static str,
}

const SERVER_STOP_MS: i64 = 300;
const DEBIAN_PATH: (&str, &str) = (
    "PATH",
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
);
const BUSYBOX_PATH: (&str, &str) = (
    "PATH",
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
);
const DISTROLESS_PATH: (&str, &str) = (
    "PATH",
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
);

/// The fields most entries share; entries override what differs.
const BASE: Image = Image {
    repository: "",
    size_bytes: 10_000_000,
    process: Process::Shell,
    named_tags: &["latest"],
    flavour: Flavour::Debian,
    app: App::None,
    binaries: &[],
    env: &[DEBIAN_PATH],
    entrypoint: &[],
    cmd: &["bash"],
    workdir: "/",
    latest_version: "",
};

/// A control-plane or add-on image: no shell, one program serving on `port`.
const fn component(
    repository: &'static str,
    size: u64,
    port: u16,
    binary: &'static [&'static str],
) -> Image {
    // The first program is the one the image starts.
    let entrypoint: &'static [&'static str] = match binary {
        [first, ..] => std::slice::from_ref(first),
        [] => &[],
    };
    Image {
        repository,
        size_bytes: size,
        process: Process::Server {
            port,
            stop_ms: SERVER_STOP_MS,
        },
        named_tags: &[],
        flavour: Flavour::Distroless,
        app: App::Component,
        binaries: binary,
        env: &[DISTROLESS_PATH],
        entrypoint,
        cmd: &[],
        workdir: "/",
        latest_version: "",
    }
}

pub static CATALOGUE: &[Image] = &[
    Image {
        repository: "nginx",
        size_bytes: 72_223_946,
        process: Process::Server {
            port: 80,
            stop_ms: SERVER_STOP_MS,
        },
        named_tags: &[
            "latest",
            "alpine",
            "stable",
            "mainline",
            "stable-alpine",
            "mainline-alpine",
            "alpine-slim",
        ],
        app: App::Nginx,
        binaries: &["nginx", "curl", "/docker-entrypoint.sh"],
        env: &[
            DEBIAN_PATH,
            ("NGINX_VERSION", "{version}"),
            ("NJS_VERSION", "0.9.4"),
            ("NJS_RELEASE", "1~trixie"),
            ("PKG_RELEASE", "1~trixie"),
            ("DYNPKG_RELEASE", "1~trixie"),
        ],
        entrypoint: &["/docker-entrypoint.sh"],
        cmd: &["nginx", "-g", "daemon off;"],
        latest_version: "1.29.4",
        ..BASE
    },
    Image {
        repository: "httpd",
        size_bytes: 58_193_640,
        process: Process::Server {
            port: 80,
            stop_ms: SERVER_STOP_MS,
        },
        named_tags: &["latest", "alpine"],
        app: App::Httpd,
        binaries: &["httpd", "httpd-foreground", "apachectl"],
        env: &[
            (
                "PATH",
                "/usr/local/apache2/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            ),
            ("HTTPD_PREFIX", "/usr/local/apache2"),
            ("HTTPD_VERSION", "{version}"),
        ],
        cmd: &["httpd-foreground"],
        workdir: "/usr/local/apache2",
        latest_version: "2.4.66",
        ..BASE
    },
    Image {
        repository: "registry.k8s.io/hpa-example",
        size_bytes: 176_000_000,
        process: Process::Server {
            port: 80,
            stop_ms: SERVER_STOP_MS,
        },
        app: App::PhpApache,
        binaries: &["apache2-foreground", "apache2", "apachectl", "php"],
        env: &[
            DEBIAN_PATH,
            ("PHP_INI_DIR", "/usr/local/etc/php"),
            ("PHP_VERSION", "5.6.14"),
        ],
        cmd: &["apache2-foreground"],
        workdir: "/var/www/html",
        latest_version: "5.6.14",
        ..BASE
    },
    Image {
        repository: "busybox",
        size_bytes: 2_155_706,
        process: Process::Shell,
        named_tags: &["latest", "musl", "glibc", "uclibc", "stable"],
        flavour: Flavour::Busybox,
        env: &[BUSYBOX_PATH],
        cmd: &["sh"],
        latest_version: "1.37.0",
        ..BASE
    },
    Image {
        repository: "registry.k8s.io/busybox",
        size_bytes: 1_144_547,
        process: Process::Shell,
        flavour: Flavour::Busybox,
        env: &[BUSYBOX_PATH],
        cmd: &["sh"],
        latest_version: "1.24.0",
        ..BASE
    },
    Image {
        repository: "alpine",
        size_bytes: 3_653_068,
        process: Process::Shell,
        named_tags: &["latest", "edge"],
        flavour: Flavour::Alpine,
        env: &[BUSYBOX_PATH],
        cmd: &["/bin/sh"],
        latest_version: "3.23.2",
        ..BASE
    },
    Image {
        repository: "ubuntu",
        size_bytes: 29_750_000,
        process: Process::Shell,
        named_tags: &["latest", "noble", "jammy", "focal"],
        binaries: &["ps", "kill", "top", "free"],
        latest_version: "24.04",
        ..BASE
    },
    Image {
        repository: "debian",
        size_bytes: 48_500_000,
        process: Process::Shell,
        named_tags: &[
            "latest",
            "bookworm",
            "bookworm-slim",
            "trixie",
            "trixie-slim",
            "stable-slim",
        ],
        latest_version: "13",
        ..BASE
    },
    Image {
        repository: "redis",
        size_bytes: 45_000_000,
        process: Process::Server {
            port: 6379,
            stop_ms: SERVER_STOP_MS,
        },
        named_tags: &["latest", "alpine"],
        app: App::Redis,
        binaries: &["redis-server", "redis-cli", "docker-entrypoint.sh"],
        env: &[
            DEBIAN_PATH,
            (
                "REDIS_DOWNLOAD_URL",
                "https://github.com/redis/redis/archive/refs/tags/{version}.tar.gz",
            ),
        ],
        entrypoint: &["docker-entrypoint.sh"],
        cmd: &["redis-server"],
        workdir: "/data",
        latest_version: "8.2.3",
        ..BASE
    },
    Image {
        repository: "mysql",
        size_bytes: 170_000_000,
        process: Process::Server {
            port: 3306,
            stop_ms: 2000,
        },
        named_tags: &["latest", "lts", "oracle"],
        app: App::Mysql,
        binaries: &["mysqld", "mysql", "mysqladmin", "docker-entrypoint.sh"],
        env: &[
            DEBIAN_PATH,
            ("MYSQL_MAJOR", "innovation"),
            ("MYSQL_VERSION", "{version}-1.el9"),
        ],
        entrypoint: &["docker-entrypoint.sh"],
        cmd: &["mysqld"],
        latest_version: "9.5.0",
        ..BASE
    },
    Image {
        repository: "postgres",
        size_bytes: 154_000_000,
        process: Process::Server {
            port: 5432,
            stop_ms: 1000,
        },
        named_tags: &["latest", "alpine"],
        app: App::Postgres,
        binaries: &["postgres", "psql", "pg_isready", "docker-entrypoint.sh"],
        env: &[
            (
                "PATH",
                "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/18/bin",
            ),
            ("PG_MAJOR", "18"),
            ("PG_VERSION", "{version}-1.pgdg13+1"),
            ("PGDATA", "/var/lib/postgresql/18/docker"),
        ],
        entrypoint: &["docker-entrypoint.sh"],
        cmd: &["postgres"],
        latest_version: "18.1",
        ..BASE
    },
    Image {
        repository: "mongo",
        size_bytes: 280_000_000,
        process: Process::Server {
            port: 27017,
            stop_ms: 1000,
        },
        named_tags: &["latest"],
        app: App::Mongo,
        binaries: &["mongod", "mongosh", "docker-entrypoint.sh"],
        env: &[DEBIAN_PATH, ("MONGO_VERSION", "{version}")],
        entrypoint: &["docker-entrypoint.sh"],
        cmd: &["mongod"],
        latest_version: "8.2.3",
        ..BASE
    },
    Image {
        repository: "memcached",
        size_bytes: 30_000_000,
        process: Process::Server {
            port: 11211,
            stop_ms: SERVER_STOP_MS,
        },
        named_tags: &["latest", "alpine"],
        app: App::Memcached,
        binaries: &["memcached", "docker-entrypoint.sh"],
        env: &[DEBIAN_PATH, ("MEMCACHED_VERSION", "{version}")],
        entrypoint: &["docker-entrypoint.sh"],
        cmd: &["memcached"],
        latest_version: "1.6.39",
        ..BASE
    },
    Image {
        repository: "python",
        size_bytes: 400_000_000,
        process: Process::Shell,
        named_tags: &["latest", "slim", "alpine"],
        binaries: &["python", "python3", "pip"],
        env: &[
            DEBIAN_PATH,
            ("LANG", "C.UTF-8"),
            ("PYTHON_VERSION", "{version}"),
        ],
        cmd: &["python3"],
        latest_version: "3.14.2",
        ..BASE
    },
    Image {
        repository: "bash",
        size_bytes: 5_800_000,
        process: Process::Shell,
        named_tags: &["latest", "devel"],
        flavour: Flavour::Alpine,
        binaries: &["bash", "docker-entrypoint.sh"],
        env: &[BUSYBOX_PATH, ("_BASH_VERSION", "{version}")],
        entrypoint: &["docker-entrypoint.sh"],
        cmd: &["bash"],
        latest_version: "5.3.3",
        ..BASE
    },
    Image {
        repository: "perl",
        size_bytes: 336_000_000,
        process: Process::Shell,
        named_tags: &["latest", "slim", "threaded", "stable"],
        binaries: &["perl"],
        env: &[DEBIAN_PATH, ("PERL_VERSION", "{version}")],
        cmd: &["perl5.42.0", "-de0"],
        workdir: "/usr/src/app",
        latest_version: "5.42.0",
        ..BASE
    },
    Image {
        repository: "node",
        size_bytes: 390_000_000,
        process: Process::Shell,
        named_tags: &["latest", "lts", "slim", "alpine"],
        binaries: &["node", "npm", "npx", "docker-entrypoint.sh"],
        env: &[
            DEBIAN_PATH,
            ("NODE_VERSION", "{version}"),
            ("YARN_VERSION", "1.22.22"),
        ],
        entrypoint: &["docker-entrypoint.sh"],
        cmd: &["node"],
        latest_version: "25.2.1",
        ..BASE
    },
    Image {
        repository: "registry.k8s.io/pause",
        size_bytes: 320_000,
        process: Process::Server {
            port: 0,
            stop_ms: 0,
        },
        named_tags: &["latest"],
        flavour: Flavour::Distroless,
        app: App::Pause,
        binaries: &["/pause"],
        env: &[DISTROLESS_PATH],
        entrypoint: &["/pause"],
        cmd: &[],
        ..BASE
    },
    Image {
        app: App::CoreDns,
        process: Process::Server {
            port: 53,
            stop_ms: 5000,
        },
        entrypoint: &["/coredns"],
        ..component(
            "registry.k8s.io/coredns/coredns",
            18_000_000,
            53,
            &["/coredns"],
        )
    },
    Image {
        app: App::Etcd,
        ..component(
            "registry.k8s.io/etcd",
            57_000_000,
            2379,
            &[
                "etcd",
                "etcdctl",
                "/usr/local/bin/etcd",
                "/usr/local/bin/etcdctl",
            ],
        )
    },
    component(
        "registry.k8s.io/kube-apiserver",
        27_000_000,
        6443,
        &["kube-apiserver"],
    ),
    component(
        "registry.k8s.io/kube-controller-manager",
        26_000_000,
        10257,
        &["kube-controller-manager"],
    ),
    component(
        "registry.k8s.io/kube-scheduler",
        20_000_000,
        10259,
        &["kube-scheduler"],
    ),
    component(
        "registry.k8s.io/kube-proxy",
        31_000_000,
        10256,
        &["kube-proxy", "/usr/local/bin/kube-proxy"],
    ),
    component(
        "docker.io/kindest/kindnetd",
        16_000_000,
        0,
        &["/bin/kindnetd"],
    ),
    component(
        "docker.io/kindest/local-path-provisioner",
        21_000_000,
        0,
        &["local-path-provisioner"],
    ),
    component(
        "registry.k8s.io/metrics-server/metrics-server",
        19_000_000,
        10250,
        &["/metrics-server"],
    ),
    Image {
        named_tags: &["latest"],
        ..component("registry.k8s.io/goproxy", 5_000_000, 8080, &["/goproxy"])
    },
    Image {
        app: App::IngressNginx,
        flavour: Flavour::Alpine,
        env: &[BUSYBOX_PATH],
        // The real image starts it under `dumb-init --`, which is not simulated.
        entrypoint: &["/nginx-ingress-controller"],
        ..component(
            "registry.k8s.io/ingress-nginx/controller",
            105_000_000,
            80,
            &[
                "/nginx-ingress-controller",
                "/usr/bin/dumb-init",
                "/wait-shutdown",
                "nginx",
            ],
        )
    },
    Image {
        app: App::Agnhost,
        flavour: Flavour::Alpine,
        env: &[BUSYBOX_PATH],
        entrypoint: &["/agnhost"],
        named_tags: &["latest"],
        process: Process::Shell,
        ..component(
            "registry.k8s.io/e2e-test-images/agnhost",
            51_000_000,
            8080,
            &["/agnhost"],
        )
    },
    Image {
        repository: "registry.k8s.io/serve_hostname",
        size_bytes: 2_000_000,
        process: Process::Server {
            port: 9376,
            stop_ms: SERVER_STOP_MS,
        },
        named_tags: &["latest"],
        flavour: Flavour::Distroless,
        app: App::ServeHostname,
        binaries: &["/serve_hostname"],
        env: &[DISTROLESS_PATH],
        entrypoint: &["/serve_hostname"],
        cmd: &[],
        latest_version: "1.4",
        ..BASE
    },
    Image {
        repository: "hashicorp/http-echo",
        size_bytes: 3_300_000,
        process: Process::Server {
            port: 5678,
            stop_ms: SERVER_STOP_MS,
        },
        named_tags: &["latest"],
        flavour: Flavour::Distroless,
        app: App::HttpEcho,
        binaries: &["/http-echo"],
        env: &[DISTROLESS_PATH],
        entrypoint: &["/http-echo"],
        cmd: &[],
        latest_version: "1.0.0",
        ..BASE
    },
    Image {
        repository: "registry.k8s.io/e2e-test-images/jessie-dnsutils",
        size_bytes: 112_000_000,
        process: Process::Shell,
        named_tags: &[],
        binaries: &["nslookup", "dig", "host", "ping", "ps"],
        cmd: &["bash"],
        latest_version: "1.3",
        ..BASE
    },
    Image {
        repository: "curlimages/curl",
        size_bytes: 11_000_000,
        process: Process::Shell,
        named_tags: &["latest"],
        flavour: Flavour::Alpine,
        binaries: &["curl", "/entrypoint.sh"],
        env: &[BUSYBOX_PATH],
        entrypoint: &["/entrypoint.sh"],
        cmd: &["curl"],
        latest_version: "8.17.0",
        ..BASE
    },
    Image {
        repository: "polinux/stress",
        size_bytes: 4_200_000,
        process: Process::Shell,
        flavour: Flavour::Alpine,
        app: App::Stress,
        binaries: &["stress"],
        env: &[BUSYBOX_PATH],
        cmd: &["stress"],
        latest_version: "1.0.4",
        ..BASE
    },
    Image {
        repository: "vish/stress",
        size_bytes: 2_500_000,
        process: Process::Shell,
        flavour: Flavour::Distroless,
        app: App::CpuStress,
        binaries: &["/stress"],
        env: &[DISTROLESS_PATH],
        entrypoint: &["/stress"],
        cmd: &["-logtostderr"],
        ..BASE
    },
];

impl Image {
    /// The version a tag stands for: the tag itself when it is a full version, else the
    /// catalogue's newest (`nginx:1.27` → `1.27.5`-like tags keep their numbers).
    pub fn version(&self, tag: &str) -> String {
        let numeric: String = tag
            .split('-')
            .next()
            .unwrap_or("")
            .trim_start_matches('v')
            .to_string();
        let dots = numeric.matches('.').count();
        if numeric.starts_with(|c: char| c.is_ascii_digit()) {
            return match dots {
                0 => format!("{numeric}.0.0"),
                1 => format!("{numeric}.0"),
                _ => numeric,
            };
        }
        self.latest_version.to_string()
    }
}

/// An image reference split as the container runtime reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// Fully qualified: `docker.io/library/nginx:latest`.
    pub full: String,
    /// As the catalogue names it: `nginx`, `registry.k8s.io/etcd`.
    pub repository: String,
    pub tag: String,
}

/// Normalises `nginx` to `docker.io/library/nginx:latest`, as containerd reports images.
pub fn parse(image: &str) -> Reference {
    // A digest (`name:tag@sha256:...`) pins the content; the tag still names it.
    let image = image.split('@').next().unwrap_or(image);
    let (name, tag) = match image.rsplit_once(':') {
        Some((n, t)) if !t.contains('/') => (n, t),
        _ => (image, "latest"),
    };
    let first = name.split('/').next().unwrap_or("");
    let has_registry =
        name.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    let full_name = if has_registry {
        name.to_string()
    } else if name.contains('/') {
        format!("docker.io/{name}")
    } else {
        format!("docker.io/library/{name}")
    };
    let repository = full_name
        .strip_prefix("docker.io/library/")
        .unwrap_or(&full_name)
        .to_string();
    Reference {
        full: format!("{full_name}:{tag}"),
        repository,
        tag: tag.to_string(),
    }
}

/// The catalogue entry an image reference pulls, or `None` if the registry has no such image.
pub fn lookup(reference: &Reference) -> Option<&'static Image> {
    CATALOGUE.iter().find(|i| {
        (i.repository == reference.repository
            || format!("docker.io/{}", i.repository) == reference.repository)
            && (i.named_tags.contains(&reference.tag.as_str())
                || reference
                    .tag
                    .starts_with(|c: char| c.is_ascii_digit() || c == 'v'))
    })
}

/// Whether the node image ships this image, as kind's node image ships the control plane's
/// and its add-ons' images, so they are "already present on machine".
pub fn preloaded(reference: &Reference) -> bool {
    const SHIPPED: &[&str] = &[
        "registry.k8s.io/pause",
        "registry.k8s.io/etcd",
        "registry.k8s.io/coredns/coredns",
        "registry.k8s.io/kube-apiserver",
        "registry.k8s.io/kube-controller-manager",
        "registry.k8s.io/kube-scheduler",
        "registry.k8s.io/kube-proxy",
    ];
    SHIPPED.contains(&reference.repository.as_str())
        || reference.repository.starts_with("docker.io/kindest/")
}

/// A stable fake digest for an image, in `sha256:<64 hex>` form.
pub fn digest(reference: &Reference) -> String {
    let mut hex = String::new();
    let mut seed = reference.full.clone();
    while hex.len() < 64 {
        let h = fnv1a32(seed.as_bytes());
        hex.push_str(&format!("{h:08x}"));
        seed.push('.');
    }
    format!("sha256:{hex}")
}

/// How long pulling takes: a registry round trip plus the layers at about 25 MB/s.
pub fn pull_millis(image: &Image) -> i64 {
    300 + (image.size_bytes / 25_000) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_references() {
        assert_eq!(parse("nginx").full, "docker.io/library/nginx:latest");
        assert_eq!(parse("nginx:1.27").tag, "1.27");
        assert_eq!(
            parse("bitnami/redis").full,
            "docker.io/bitnami/redis:latest"
        );
        assert_eq!(
            parse("registry.k8s.io/etcd:3.6.4-0").repository,
            "registry.k8s.io/etcd"
        );
        assert_eq!(
            parse("localhost:5000/app").full,
            "localhost:5000/app:latest"
        );
        let pinned = parse(
            "registry.k8s.io/ingress-nginx/controller:v1.15.1@sha256:594ceea76b01c592858f803f9ff4d2cb40542cae2060410b2c95f75907d659e1",
        );
        assert_eq!(
            pinned.full,
            "registry.k8s.io/ingress-nginx/controller:v1.15.1"
        );
        assert!(lookup(&pinned).is_some());
    }

    #[test]
    fn known_images_resolve_and_typos_do_not() {
        assert!(lookup(&parse("nginx")).is_some());
        assert!(lookup(&parse("nginx:1.14.2")).is_some());
        assert!(lookup(&parse("nginx:nope")).is_none());
        assert!(lookup(&parse("ngnix")).is_none());
    }
}
