//! The files an image brings (the lower layer of a container's root file system): the
//! directory skeleton of its distribution, `/etc/os-release`, `/etc/passwd`, and what its
//! program needs (nginx's welcome page and configuration).

use super::images::{App, Flavour, Image};

type Files = &'static [(&'static str, Option<&'static str>)];

const NGINX_INDEX: &str = "<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href=\"http://nginx.org/\">nginx.org</a>.<br/>
Commercial support is available at
<a href=\"http://nginx.com/\">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
";

const NGINX_50X: &str = "<!DOCTYPE html>
<html>
<head>
<title>Error</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>An error occurred.</h1>
<p>Sorry, the page you are looking for is currently unavailable.<br/>
Please try again later.</p>
<p>If you are the system administrator of this resource then you should check
the error log for details.</p>
<p><em>Faithfully yours, nginx.</em></p>
</body>
</html>
";

const NGINX_DEFAULT_CONF: &str = "server {
    listen       80;
    listen  [::]:80;
    server_name  localhost;

    #access_log  /var/log/nginx/host.access.log  main;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }

    #error_page  404              /404.html;

    # redirect server error pages to the static page /50x.html
    #
    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }
}
";

const NGINX_CONF: &str = "
user  nginx;
worker_processes  auto;

error_log  /var/log/nginx/error.log notice;
pid        /run/nginx.pid;


events {
    worker_connections  1024;
}


http {
    include       /etc/nginx/mime.types;
    default_type  application/octet-stream;

    log_format  main  '$remote_addr - $remote_user [$time_local] \"$request\" '
                      '$status $body_bytes_sent \"$http_referer\" '
                      '\"$http_user_agent\" \"$http_x_forwarded_for\"';

    access_log  /var/log/nginx/access.log  main;

    sendfile        on;
    #tcp_nopush     on;

    keepalive_timeout  65;

    #gzip  on;

    include /etc/nginx/conf.d/*.conf;
}
";

const DEBIAN_OS_RELEASE: &str = "PRETTY_NAME=\"Debian GNU/Linux 13 (trixie)\"
NAME=\"Debian GNU/Linux\"
VERSION_ID=\"13\"
VERSION=\"13 (trixie)\"
VERSION_CODENAME=trixie
DEBIAN_VERSION_FULL=13.2
ID=debian
HOME_URL=\"https://www.debian.org/\"
SUPPORT_URL=\"https://www.debian.org/support\"
BUG_REPORT_URL=\"https://bugs.debian.org/\"
";

const ALPINE_OS_RELEASE: &str = "NAME=\"Alpine Linux\"
ID=alpine
VERSION_ID=3.23.2
PRETTY_NAME=\"Alpine Linux v3.23\"
HOME_URL=\"https://alpinelinux.org/\"
BUG_REPORT_URL=\"https://gitlab.alpinelinux.org/alpine/aports/-/issues\"
";

const DEBIAN_PASSWD: &str = "root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
";

const BUSYBOX_PASSWD: &str = "root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
";

static BUSYBOX: Files = &[
    ("/bin", None),
    ("/dev", None),
    ("/etc", None),
    (
        "/etc/group",
        Some("root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nwheel:x:10:root\nnobody:x:65534:\n"),
    ),
    ("/etc/passwd", Some(BUSYBOX_PASSWD)),
    ("/home", None),
    ("/lib", None),
    ("/lib64", None),
    ("/proc", None),
    ("/root", None),
    ("/sys", None),
    ("/tmp", None),
    ("/usr", None),
    ("/usr/sbin", None),
    ("/var", None),
    ("/var/spool", None),
    ("/var/www", None),
];

static ALPINE: Files = &[
    ("/bin", None),
    ("/dev", None),
    ("/etc", None),
    ("/etc/alpine-release", Some("3.23.2\n")),
    (
        "/etc/group",
        Some("root:x:0:root\nbin:x:1:root,bin,daemon\nwheel:x:10:root\nnobody:x:65534:\n"),
    ),
    ("/etc/os-release", Some(ALPINE_OS_RELEASE)),
    ("/etc/passwd", Some(BUSYBOX_PASSWD)),
    ("/home", None),
    ("/lib", None),
    ("/media", None),
    ("/mnt", None),
    ("/opt", None),
    ("/proc", None),
    ("/root", None),
    ("/run", None),
    ("/sbin", None),
    ("/srv", None),
    ("/sys", None),
    ("/tmp", None),
    ("/usr", None),
    ("/var", None),
];

static DEBIAN: Files = &[
    ("/bin", None),
    ("/boot", None),
    ("/dev", None),
    ("/etc", None),
    ("/etc/debian_version", Some("13.2\n")),
    (
        "/etc/group",
        Some("root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nnogroup:x:65534:\n"),
    ),
    ("/etc/os-release", Some(DEBIAN_OS_RELEASE)),
    ("/etc/passwd", Some(DEBIAN_PASSWD)),
    ("/home", None),
    ("/lib", None),
    ("/lib64", None),
    ("/media", None),
    ("/mnt", None),
    ("/opt", None),
    ("/proc", None),
    ("/root", None),
    ("/run", None),
    ("/sbin", None),
    ("/srv", None),
    ("/sys", None),
    ("/tmp", None),
    ("/usr", None),
    ("/usr/local", None),
    ("/usr/share", None),
    ("/var", None),
    ("/var/log", None),
];

static NGINX: Files = &[
    ("/bin", None),
    ("/boot", None),
    ("/dev", None),
    ("/docker-entrypoint.d", None),
    (
        "/docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
        Some("#!/bin/sh\n"),
    ),
    (
        "/docker-entrypoint.d/15-local-resolvers.envsh",
        Some("#!/bin/sh\n"),
    ),
    (
        "/docker-entrypoint.d/20-envsubst-on-templates.sh",
        Some("#!/bin/sh\n"),
    ),
    (
        "/docker-entrypoint.d/30-tune-worker-processes.sh",
        Some("#!/bin/sh\n"),
    ),
    (
        "/docker-entrypoint.sh",
        Some("#!/bin/sh\n# vim:sw=4:ts=4:et\n\nset -e\n"),
    ),
    ("/etc", None),
    ("/etc/debian_version", Some("13.2\n")),
    (
        "/etc/group",
        Some("root:x:0:\ndaemon:x:1:\nnginx:x:101:\nnogroup:x:65534:\n"),
    ),
    ("/etc/nginx", None),
    ("/etc/nginx/conf.d", None),
    ("/etc/nginx/conf.d/default.conf", Some(NGINX_DEFAULT_CONF)),
    (
        "/etc/nginx/mime.types",
        Some(
            "types {\n    text/html                                        html htm shtml;\n    text/css                                         css;\n}\n",
        ),
    ),
    ("/etc/nginx/nginx.conf", Some(NGINX_CONF)),
    ("/etc/os-release", Some(DEBIAN_OS_RELEASE)),
    (
        "/etc/passwd",
        Some(
            "root:x:0:0:root:/root:/bin/bash\nnginx:x:101:101:nginx user:/nonexistent:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
        ),
    ),
    ("/home", None),
    ("/lib", None),
    ("/lib64", None),
    ("/media", None),
    ("/mnt", None),
    ("/opt", None),
    ("/proc", None),
    ("/root", None),
    ("/run", None),
    ("/sbin", None),
    ("/srv", None),
    ("/sys", None),
    ("/tmp", None),
    ("/usr", None),
    ("/usr/share", None),
    ("/usr/share/nginx", None),
    ("/usr/share/nginx/html", None),
    ("/usr/share/nginx/html/50x.html", Some(NGINX_50X)),
    ("/usr/share/nginx/html/index.html", Some(NGINX_INDEX)),
    ("/var", None),
    ("/var/cache", None),
    ("/var/cache/nginx", None),
    ("/var/log", None),
    ("/var/log/nginx", None),
];

static DISTROLESS: Files = &[
    ("/dev", None),
    ("/etc", None),
    (
        "/etc/os-release",
        Some(
            "PRETTY_NAME=\"Distroless\"\nNAME=\"Debian GNU/Linux\"\nID=\"debian\"\nVERSION_ID=\"12\"\nVERSION=\"Debian GNU/Linux 12 (bookworm)\"\nHOME_URL=\"https://github.com/GoogleContainerTools/distroless\"\n",
        ),
    ),
    (
        "/etc/passwd",
        Some(
            "root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n",
        ),
    ),
    ("/home", None),
    ("/proc", None),
    ("/root", None),
    ("/sys", None),
    ("/tmp", None),
    ("/usr", None),
    ("/var", None),
];

/// The image's files (an unknown image gets a bare skeleton).
pub fn files(image: Option<&Image>) -> Files {
    let Some(image) = image else {
        return DISTROLESS;
    };
    if image.app == App::Nginx {
        return NGINX;
    }
    match image.flavour {
        Flavour::Busybox => BUSYBOX,
        Flavour::Alpine => ALPINE,
        Flavour::Debian => DEBIAN,
        Flavour::Distroless => DISTROLESS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nginx_welcome_page_is_the_real_size() {
        assert_eq!(NGINX_INDEX.len(), 615);
    }

    #[test]
    fn lists_are_sorted_for_listing() {
        for list in [BUSYBOX, ALPINE, DEBIAN, NGINX, DISTROLESS] {
            assert!(list.windows(2).all(|w| w[0].0 < w[1].0));
        }
    }
}
