//! Ingress routing as the ingress-nginx controller does it: which Service (and path, after
//! rewriting) a request for `host` + `path` reaches, over every Ingress of one class.
//!
//! ingress-nginx turns Ingresses into nginx `server` blocks, one per host, and `location`s
//! inside them; this module builds the same table and matches as nginx would:
//!
//! - Ingresses are read oldest first; the first to define a host creates its server (and
//!   gives its `defaultBackend`, if any, as the server's fallback `/`); the first to define a
//!   path with a path type keeps it (later duplicates are ignored). An Ingress with a
//!   `defaultBackend` and no rules serves the catch-all server's `/`.
//! - Host: the exact name first, then wildcard hosts (`*.foo.com` matches exactly one label
//!   more, as ingress-nginx's `~^(?<subdomain>[\w-]+)\.foo\.com$`), then the catch-all server
//!   (rules without a host). Names compare case-insensitively.
//! - Paths: `ImplementationSpecific` is treated as `Prefix` (ingress-nginx's
//!   `SetDefaultNGINXPathType`). `Exact` is nginx's `location = /p`. `Prefix /p` becomes
//!   `location /p/` plus `location = /p` (unless an `Exact /p` exists), so `/p` and `/p/x`
//!   match and `/px` does not; a `Prefix /p/` written with its slash is only `/p/...` (nginx
//!   will not match `/p` to it, although the API's definition would). Exact locations win,
//!   then the longest prefix.
//! - Regex mode: when any location of a server has `nginx.ingress.kubernetes.io/use-regex:
//!   "true"` or a `rewrite-target`, every location of that server (from every Ingress with that
//!   host) becomes a case-insensitive regex `^path`, tried longest path first; the first that
//!   matches wins. `rewrite-target` then replaces the whole path, `$1`... standing for the
//!   location's capture groups.
//! - TLS: a host listed in a `tls` section of any Ingress of the class is served over TLS; a
//!   plain-HTTP request to it is redirected (308) unless the matched Ingress sets
//!   `nginx.ingress.kubernetes.io/ssl-redirect: "false"`.
//!
//! Which Ingresses belong to the class: `spec.ingressClassName` naming it, the legacy
//! `kubernetes.io/ingress.class` annotation naming it, or neither set — the kind deployment
//! of ingress-nginx runs with `--watch-ingress-without-class=true`.
//!
//! Not simulated: canary Ingresses, custom default backends by annotation, aliases,
//! permanent/temporal redirect annotations, nginx URI normalization (`//`, `%2F`).

use regex_lite::Regex;
use serde_json::Value;

use crate::api::{kinds, meta};
use crate::store::Store;

/// The annotation that makes a server's locations regular expressions.
pub const USE_REGEX: &str = "nginx.ingress.kubernetes.io/use-regex";
/// The annotation that rewrites the path sent to the backend.
pub const REWRITE_TARGET: &str = "nginx.ingress.kubernetes.io/rewrite-target";
/// The annotation that turns off the HTTP → HTTPS redirect of a TLS host.
pub const SSL_REDIRECT: &str = "nginx.ingress.kubernetes.io/ssl-redirect";
/// The IngressClass annotation that makes it the cluster's default.
pub const IS_DEFAULT_CLASS: &str = "ingressclass.kubernetes.io/is-default-class";
/// The legacy class annotation.
pub const LEGACY_CLASS: &str = "kubernetes.io/ingress.class";

/// A backend Service's port, as an Ingress names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServicePortRef {
    Number(i32),
    Name(String),
}

/// Where a request goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// The Ingress whose rule matched, "namespace/name".
    pub ingress: String,
    /// The rule, e.g. "foo.example.com/api (Prefix)" or "default backend".
    pub rule: String,
    pub namespace: String,
    pub service: String,
    pub port: ServicePortRef,
    /// The path sent to the backend (after `rewrite-target`).
    pub path: String,
    /// The host is served over TLS (listed in a `tls` section).
    pub tls: bool,
    /// A plain-HTTP request must be redirected to HTTPS (308) instead of proxied.
    pub ssl_redirect: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteResult {
    Routed(Route),
    /// ingress-nginx answers 404 from its default backend.
    NoMatch,
}

/// Routes a request. `class`: the IngressClass the controller serves ("nginx"). Host
/// without port, path with query stripped.
pub fn route(store: &Store, class: &str, host: &str, path: &str) -> RouteResult {
    let ingresses = ingresses_of_class(store, class);
    let servers = servers(&ingresses);
    let host = host.to_ascii_lowercase();
    let server = servers
        .iter()
        .find(|s| s.host == host)
        .or_else(|| {
            servers
                .iter()
                .filter(|s| s.host.starts_with("*."))
                .find(|s| wildcard_matches(&s.host, &host))
        })
        .or_else(|| servers.iter().find(|s| s.host == CATCH_ALL));
    let Some(server) = server else {
        return RouteResult::NoMatch;
    };
    let Some((location, rewritten)) = server.find(path) else {
        return RouteResult::NoMatch;
    };
    let Some(backend) = &location.backend else {
        return RouteResult::NoMatch;
    };
    let tls = server.host != CATCH_ALL
        && tls_hosts(&ingresses)
            .iter()
            .any(|t| covers(t, &server.host));
    let ssl_redirect =
        tls && meta::str_at(location.ingress, &annotation_ptr(SSL_REDIRECT)) != "false";
    RouteResult::Routed(Route {
        ingress: format!(
            "{}/{}",
            meta::namespace(location.ingress),
            meta::name(location.ingress)
        ),
        rule: location.rule.clone(),
        namespace: meta::namespace(location.ingress).to_string(),
        service: backend.service.clone(),
        port: backend.port.clone(),
        path: rewritten,
        tls,
        ssl_redirect,
    })
}

/// Whether the Ingress belongs to the class (see the module doc).
pub fn in_class(ing: &Value, class: &str) -> bool {
    match ing
        .pointer("/spec/ingressClassName")
        .and_then(Value::as_str)
    {
        Some(name) => name == class,
        None => match ing
            .pointer("/metadata/annotations")
            .and_then(|a| a.get(LEGACY_CLASS))
            .and_then(Value::as_str)
        {
            Some(name) => name == class,
            None => true,
        },
    }
}

/// The class's Ingresses, oldest first (then by namespace and name), without those being
/// deleted.
pub fn ingresses_of_class<'a>(store: &'a Store, class: &str) -> Vec<&'a Value> {
    let Some(kind) = kinds::by_kind("networking.k8s.io", "Ingress") else {
        return Vec::new();
    };
    let mut list: Vec<&Value> = store
        .list(kind, None)
        .filter(|ing| !meta::is_deleting(ing) && in_class(ing, class))
        .collect();
    // RFC 3339 stamps of one format sort as strings; the sort is stable over the store's
    // namespace/name order.
    list.sort_by(|a, b| {
        meta::str_at(a, "/metadata/creationTimestamp")
            .cmp(meta::str_at(b, "/metadata/creationTimestamp"))
    });
    list
}

const CATCH_ALL: &str = "_";

#[derive(Clone, Debug)]
struct Backend {
    service: String,
    port: ServicePortRef,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PathKind {
    Exact,
    Prefix,
}

#[derive(Clone, Debug)]
struct Location<'a> {
    /// The path as written in the Ingress (`/` for an empty one).
    path: String,
    kind: PathKind,
    /// None: ingress-nginx's own default backend (404).
    backend: Option<Backend>,
    /// The server's fallback `/` (replaced by a rule for `/` with the same type).
    fallback: bool,
    ingress: &'a Value,
    rule: String,
}

struct Server<'a> {
    host: String,
    locations: Vec<Location<'a>>,
}

fn annotation_ptr(key: &str) -> String {
    format!(
        "/metadata/annotations/{}",
        key.replace('~', "~0").replace('/', "~1")
    )
}

fn rewrite_target(ing: &Value) -> Option<&str> {
    ing.pointer(&annotation_ptr(REWRITE_TARGET))
        .and_then(Value::as_str)
}

fn uses_regex(ing: &Value) -> bool {
    meta::str_at(ing, &annotation_ptr(USE_REGEX)) == "true"
}

/// A service backend of an Ingress (`None` for a resource backend or a malformed one).
fn backend_of(b: &Value) -> Option<Backend> {
    let svc = b.get("service").filter(|s| s.is_object())?;
    let port = match svc.pointer("/port/number").and_then(Value::as_i64) {
        Some(n) if n != 0 => ServicePortRef::Number(i32::try_from(n).ok()?),
        _ => ServicePortRef::Name(meta::str_at(svc, "/port/name").to_string()),
    };
    Some(Backend {
        service: meta::str_at(svc, "/name").to_string(),
        port,
    })
}

/// The servers (one per host, and the catch-all) with their locations, as
/// `createServers` and `getBackendServers` build them.
fn servers<'a>(ingresses: &[&'a Value]) -> Vec<Server<'a>> {
    let fallback = |ing: &'a Value, backend: Option<Backend>| Location {
        path: "/".into(),
        kind: PathKind::Prefix,
        backend,
        fallback: true,
        ingress: ing,
        rule: "default backend".into(),
    };
    let catch_all_backend = ingresses.iter().find_map(|ing| {
        let rules = meta::array_at(ing, "/spec/rules");
        let backend = ing.pointer("/spec/defaultBackend").and_then(backend_of)?;
        rules.is_empty().then_some((*ing, backend))
    });
    let mut servers: Vec<Server<'a>> = Vec::new();
    let placeholder = &Value::Null;
    servers.push(Server {
        host: CATCH_ALL.into(),
        locations: vec![match catch_all_backend {
            Some((ing, backend)) => fallback(ing, Some(backend)),
            None => fallback(placeholder, None),
        }],
    });
    for ing in ingresses {
        let default_backend = ing.pointer("/spec/defaultBackend").and_then(backend_of);
        for rule in meta::array_at(ing, "/spec/rules") {
            let host = host_of(rule);
            if servers.iter().any(|s| s.host == host) {
                continue;
            }
            servers.push(Server {
                host,
                locations: vec![fallback(ing, default_backend.clone())],
            });
        }
    }
    for ing in ingresses {
        for rule in meta::array_at(ing, "/spec/rules") {
            let host = host_of(rule);
            let Some(server) = servers.iter_mut().find(|s| s.host == host) else {
                continue;
            };
            for p in meta::array_at(rule, "/http/paths") {
                let Some(backend) = p.get("backend").and_then(backend_of) else {
                    continue;
                };
                let path = match meta::str_at(p, "/path") {
                    "" => "/",
                    other => other,
                };
                let kind = match meta::str_at(p, "/pathType") {
                    "Exact" => PathKind::Exact,
                    _ => PathKind::Prefix,
                };
                let shown_host = match meta::str_at(rule, "/host") {
                    "" => "*",
                    h => h,
                };
                let rule_text = format!(
                    "{shown_host}{path} ({})",
                    match meta::str_at(p, "/pathType") {
                        "" => "ImplementationSpecific",
                        t => t,
                    }
                );
                let existing = server
                    .locations
                    .iter_mut()
                    .find(|l| l.path == path && l.kind == kind);
                match existing {
                    Some(loc) if loc.fallback => {
                        loc.backend = Some(backend);
                        loc.fallback = false;
                        loc.ingress = ing;
                        loc.rule = rule_text;
                    }
                    Some(_) => {}
                    None => server.locations.push(Location {
                        path: path.to_string(),
                        kind,
                        backend: Some(backend),
                        fallback: false,
                        ingress: ing,
                        rule: rule_text,
                    }),
                }
            }
        }
    }
    for server in &mut servers {
        // Longest path first (then reverse string order), as ingress-nginx sorts locations;
        // the order regex mode tries them in.
        server.locations.sort_by(|a, b| b.path.cmp(&a.path));
        server
            .locations
            .sort_by_key(|l| std::cmp::Reverse(l.path.len()));
    }
    servers
}

fn host_of(rule: &Value) -> String {
    match meta::str_at(rule, "/host") {
        "" => CATCH_ALL.to_string(),
        h => h.to_ascii_lowercase(),
    }
}

/// `*.foo.com` against a host: exactly one more label of word characters and dashes.
fn wildcard_matches(pattern: &str, host: &str) -> bool {
    let Some(suffix) = pattern.strip_prefix('*') else {
        return false;
    };
    host.strip_suffix(suffix).is_some_and(|label| {
        !label.is_empty()
            && label
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    })
}

/// Hosts of the `tls` sections.
fn tls_hosts(ingresses: &[&Value]) -> Vec<String> {
    ingresses
        .iter()
        .flat_map(|ing| meta::array_at(ing, "/spec/tls"))
        .flat_map(|t| meta::array_at(t, "/hosts"))
        .filter_map(Value::as_str)
        .map(str::to_ascii_lowercase)
        .collect()
}

/// Whether a TLS host entry covers a server name (equal, or a wildcard entry covering it).
fn covers(tls_host: &str, server: &str) -> bool {
    tls_host == server || wildcard_matches(tls_host, server)
}

impl<'a> Server<'a> {
    /// nginx's location choice for a path, and the path sent on.
    fn find(&self, path: &str) -> Option<(&Location<'a>, String)> {
        let regex_mode = self.locations.iter().any(|l| {
            uses_regex(l.ingress) || rewrite_target(l.ingress).is_some_and(|t| t != l.path)
        });
        if regex_mode {
            return self.find_regex(path);
        }
        let exact_paths: Vec<&str> = self
            .locations
            .iter()
            .filter(|l| l.kind == PathKind::Exact)
            .map(|l| l.path.as_str())
            .collect();
        // `location = ...` blocks: Exact rules, and the exact twin of each Prefix rule.
        let exact = self.locations.iter().find(|l| match l.kind {
            PathKind::Exact => l.path == path,
            PathKind::Prefix => {
                l.path != "/" && !exact_paths.contains(&l.path.as_str()) && l.path == path
            }
        });
        if let Some(loc) = exact {
            return Some((loc, path.to_string()));
        }
        self.locations
            .iter()
            .filter(|l| l.kind == PathKind::Prefix)
            .filter(|l| path.starts_with(&normalized_prefix(&l.path)))
            .max_by_key(|l| normalized_prefix(&l.path).len())
            .map(|l| (l, path.to_string()))
    }

    /// Regex mode: every location is `~* "^path"`, tried in order; the first match wins.
    fn find_regex(&self, path: &str) -> Option<(&Location<'a>, String)> {
        for loc in &self.locations {
            let Ok(re) = Regex::new(&format!("(?i)^{}", loc.path)) else {
                continue;
            };
            if !re.is_match(path) {
                continue;
            }
            let rewritten = match rewrite_target(loc.ingress) {
                Some(target) if target != loc.path => rewrite(&loc.path, target, path),
                _ => path.to_string(),
            };
            return Some((loc, rewritten));
        }
        None
    }
}

/// A Prefix path as its nginx location: ending in `/`.
fn normalized_prefix(path: &str) -> String {
    if path.ends_with('/') {
        path.to_string()
    } else {
        format!("{path}/")
    }
}

/// nginx's `rewrite "(?i)<path>" <target> break;`: when the path's regex matches, the
/// whole URI becomes the target with `$N` replaced by the N-th capture.
fn rewrite(location: &str, target: &str, path: &str) -> String {
    let Ok(re) = Regex::new(&format!("(?i){location}")) else {
        return path.to_string();
    };
    let Some(caps) = re.captures(path) else {
        return path.to_string();
    };
    let mut out = String::new();
    let mut chars = target.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            let mut digits = String::new();
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                digits.push(*d);
                chars.next();
            }
            let group = digits.parse::<usize>().ok().and_then(|n| caps.get(n));
            out.push_str(group.map_or("", |m| m.as_str()));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_take_one_label() {
        for (pattern, host, want) in [
            ("*.foo.com", "bar.foo.com", true),
            ("*.foo.com", "a-b_c.foo.com", true),
            ("*.foo.com", "baz.bar.foo.com", false),
            ("*.foo.com", "foo.com", false),
            ("*.foo.com", ".foo.com", false),
            ("foo.com", "foo.com", false),
        ] {
            assert_eq!(wildcard_matches(pattern, host), want, "{pattern} {host}");
        }
    }

    #[test]
    fn rewrites_use_capture_groups() {
        for (location, target, path, want) in [
            ("/something(/|$)(.*)", "/$2", "/something/new", "/new"),
            ("/something(/|$)(.*)", "/$2", "/something", "/"),
            ("/something(/|$)(.*)", "/$2", "/SOMETHING/x/y", "/x/y"),
            ("/api", "/", "/api/v1", "/"),
            ("/app(/|$)(.*)", "/base/$2$9", "/app/z", "/base/z"),
        ] {
            assert_eq!(rewrite(location, target, path), want, "{location} {path}");
        }
    }
}
