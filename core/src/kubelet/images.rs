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

#[derive(Clone, Copy, Debug)]
pub struct Image {
    pub repository: &'static str,
    /// Compressed size, which sets how long the first pull takes.
    pub size_bytes: u64,
    pub process: Process,
    /// Named tags besides versions (which are accepted when they start with a digit).
    pub named_tags: &'static [&'static str],
}

const SERVER_STOP_MS: i64 = 300;

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
    },
    Image {
        repository: "httpd",
        size_bytes: 58_193_640,
        process: Process::Server {
            port: 80,
            stop_ms: SERVER_STOP_MS,
        },
        named_tags: &["latest", "alpine"],
    },
    Image {
        repository: "busybox",
        size_bytes: 2_155_706,
        process: Process::Shell,
        named_tags: &["latest", "musl", "glibc", "uclibc", "stable"],
    },
    Image {
        repository: "alpine",
        size_bytes: 3_653_068,
        process: Process::Shell,
        named_tags: &["latest", "edge"],
    },
    Image {
        repository: "ubuntu",
        size_bytes: 29_750_000,
        process: Process::Shell,
        named_tags: &["latest", "noble", "jammy", "focal"],
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
            "stable-slim",
        ],
    },
    Image {
        repository: "redis",
        size_bytes: 45_000_000,
        process: Process::Server {
            port: 6379,
            stop_ms: SERVER_STOP_MS,
        },
        named_tags: &["latest", "alpine"],
    },
    Image {
        repository: "mysql",
        size_bytes: 170_000_000,
        process: Process::Server {
            port: 3306,
            stop_ms: 2000,
        },
        named_tags: &["latest", "lts", "oracle"],
    },
    Image {
        repository: "postgres",
        size_bytes: 154_000_000,
        process: Process::Server {
            port: 5432,
            stop_ms: 1000,
        },
        named_tags: &["latest", "alpine"],
    },
    Image {
        repository: "mongo",
        size_bytes: 280_000_000,
        process: Process::Server {
            port: 27017,
            stop_ms: 1000,
        },
        named_tags: &["latest"],
    },
    Image {
        repository: "memcached",
        size_bytes: 30_000_000,
        process: Process::Server {
            port: 11211,
            stop_ms: SERVER_STOP_MS,
        },
        named_tags: &["latest", "alpine"],
    },
    Image {
        repository: "python",
        size_bytes: 400_000_000,
        process: Process::Shell,
        named_tags: &["latest", "slim", "alpine"],
    },
    Image {
        repository: "bash",
        size_bytes: 5_800_000,
        process: Process::Shell,
        named_tags: &["latest", "devel"],
    },
    Image {
        repository: "perl",
        size_bytes: 336_000_000,
        process: Process::Shell,
        named_tags: &["latest", "slim", "threaded", "stable"],
    },
    Image {
        repository: "node",
        size_bytes: 390_000_000,
        process: Process::Shell,
        named_tags: &["latest", "lts", "slim", "alpine"],
    },
    Image {
        repository: "registry.k8s.io/pause",
        size_bytes: 320_000,
        process: Process::Server {
            port: 0,
            stop_ms: 0,
        },
        named_tags: &["latest"],
    },
    Image {
        repository: "registry.k8s.io/coredns/coredns",
        size_bytes: 18_000_000,
        process: Process::Server {
            port: 53,
            stop_ms: 5000,
        },
        named_tags: &[],
    },
    Image {
        repository: "registry.k8s.io/etcd",
        size_bytes: 57_000_000,
        process: Process::Server {
            port: 2379,
            stop_ms: SERVER_STOP_MS,
        },
        named_tags: &[],
    },
    Image {
        repository: "registry.k8s.io/kube-apiserver",
        size_bytes: 27_000_000,
        process: Process::Server {
            port: 6443,
            stop_ms: SERVER_STOP_MS,
        },
        named_tags: &[],
    },
    Image {
        repository: "registry.k8s.io/kube-controller-manager",
        size_bytes: 26_000_000,
        process: Process::Server {
            port: 10257,
            stop_ms: SERVER_STOP_MS,
        },
        named_tags: &[],
    },
    Image {
        repository: "registry.k8s.io/kube-scheduler",
        size_bytes: 20_000_000,
        process: Process::Server {
            port: 10259,
            stop_ms: SERVER_STOP_MS,
        },
        named_tags: &[],
    },
    Image {
        repository: "registry.k8s.io/kube-proxy",
        size_bytes: 31_000_000,
        process: Process::Server {
            port: 10256,
            stop_ms: SERVER_STOP_MS,
        },
        named_tags: &[],
    },
    Image {
        repository: "docker.io/kindest/kindnetd",
        size_bytes: 16_000_000,
        process: Process::Server {
            port: 0,
            stop_ms: SERVER_STOP_MS,
        },
        named_tags: &[],
    },
    Image {
        repository: "docker.io/kindest/local-path-provisioner",
        size_bytes: 21_000_000,
        process: Process::Server {
            port: 0,
            stop_ms: SERVER_STOP_MS,
        },
        named_tags: &[],
    },
];

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
    let (name, tag) = match image.rsplit_once(':') {
        Some((n, t)) if !t.contains('/') => (n, t),
        _ => (image, "latest"),
    };
    let name = name.split('@').next().unwrap_or(name);
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
    reference.repository.starts_with("registry.k8s.io/")
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
    }

    #[test]
    fn known_images_resolve_and_typos_do_not() {
        assert!(lookup(&parse("nginx")).is_some());
        assert!(lookup(&parse("nginx:1.14.2")).is_some());
        assert!(lookup(&parse("nginx:nope")).is_none());
        assert!(lookup(&parse("ngnix")).is_none());
    }
}
