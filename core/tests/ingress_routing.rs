//! Ingress routing (`network::ingress::route`) as ingress-nginx matches: hosts (exact before
//! wildcard, one label), path types and their precedence, several Ingresses merged (oldest
//! first), default backends, classes, regex mode with rewrite-target, and TLS.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kubeplay_core::api::yaml::decode_documents;
use kubeplay_core::controllers::kind;
use kubeplay_core::network::ingress::{RouteResult, ServicePortRef, route};
use kubeplay_core::store::Store;
use kubeplay_core::time::Time;
use serde_json::json;

fn store() -> Store {
    let mut s = Store::new(3);
    s.create(
        kind("", "Namespace"),
        json!({"metadata": {"name": "default"}}),
    )
    .unwrap();
    s
}

/// Creates the Ingresses of a manifest, one second apart (creation order matters).
fn apply(s: &mut Store, yaml: &str) {
    for mut doc in decode_documents(yaml).unwrap() {
        if doc.pointer("/metadata/namespace").is_none() {
            doc["metadata"]["namespace"] = json!("default");
        }
        let now = s.now();
        s.set_now(Time(now.0 + 1000));
        s.create(kind("networking.k8s.io", "Ingress"), doc).unwrap();
    }
}

/// (host, path) → "service path" or "404".
fn check(s: &Store, table: &[(&str, &str, &str)]) {
    for (host, path, want) in table {
        let got = match route(s, "nginx", host, path) {
            RouteResult::Routed(r) => format!("{} {}", r.service, r.path),
            RouteResult::NoMatch => "404".to_string(),
        };
        assert_eq!(got, *want, "{host}{path}");
    }
}

fn ingress(name: &str, host: Option<&str>, paths: &[(&str, &str, &str)]) -> String {
    let mut y = format!(
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {name}\nspec:\n  rules:\n"
    );
    match host {
        Some(h) => y.push_str(&format!("  - host: \"{h}\"\n    http:\n      paths:\n")),
        None => y.push_str("  - http:\n      paths:\n"),
    }
    for (path, path_type, svc) in paths {
        y.push_str(&format!(
            "      - path: {path}\n        pathType: {path_type}\n        backend:\n          service:\n            name: {svc}\n            port:\n              number: 80\n"
        ));
    }
    y
}

#[test]
fn path_types_and_precedence() {
    let mut s = store();
    apply(
        &mut s,
        &ingress(
            "shop",
            Some("shop.example.com"),
            &[
                ("/", "Prefix", "home"),
                ("/api", "Prefix", "api"),
                ("/api/v2", "Prefix", "api-v2"),
                ("/api/exact", "Exact", "exact"),
                ("/docs", "Exact", "docs-exact"),
                ("/docs", "Prefix", "docs"),
                ("/slash/", "Prefix", "slash"),
                ("/legacy", "ImplementationSpecific", "legacy"),
            ],
        ),
    );
    check(
        &s,
        &[
            ("shop.example.com", "/", "home /"),
            ("shop.example.com", "/anything", "home /anything"),
            ("shop.example.com", "/api", "api /api"),
            ("shop.example.com", "/api/", "api /api/"),
            ("shop.example.com", "/api/users", "api /api/users"),
            // Element-wise: /apis is not under /api.
            ("shop.example.com", "/apis", "home /apis"),
            // Longest prefix wins.
            ("shop.example.com", "/api/v2/x", "api-v2 /api/v2/x"),
            ("shop.example.com", "/api/v2", "api-v2 /api/v2"),
            ("shop.example.com", "/api/exact", "exact /api/exact"),
            ("shop.example.com", "/api/exact/more", "api /api/exact/more"),
            // Exact beats Prefix on the same path; the Prefix keeps what is below.
            ("shop.example.com", "/docs", "docs-exact /docs"),
            ("shop.example.com", "/docs/intro", "docs /docs/intro"),
            // A Prefix written with its slash does not take the bare path (nginx).
            ("shop.example.com", "/slash/x", "slash /slash/x"),
            ("shop.example.com", "/slash", "home /slash"),
            // ImplementationSpecific is Prefix in ingress-nginx.
            ("shop.example.com", "/legacy/a", "legacy /legacy/a"),
            ("shop.example.com", "/legacyx", "home /legacyx"),
            // Host names compare case-insensitively; unknown hosts reach the catch-all.
            ("SHOP.example.com", "/api", "api /api"),
            ("other.example.com", "/api", "404"),
        ],
    );
}

#[test]
fn hosts_exact_wildcard_and_catch_all() {
    let mut s = store();
    apply(
        &mut s,
        &[
            ingress("wild", Some("*.example.com"), &[("/", "Prefix", "wild")]),
            ingress("exact", Some("www.example.com"), &[("/", "Prefix", "www")]),
            ingress("any", None, &[("/health", "Exact", "health")]),
        ]
        .join("---\n"),
    );
    check(
        &s,
        &[
            ("www.example.com", "/", "www /"),
            ("shop.example.com", "/", "wild /"),
            // One label only.
            ("a.b.example.com", "/", "404"),
            ("example.com", "/", "404"),
            ("a.b.example.com", "/health", "health /health"),
            ("10.0.0.1", "/health", "health /health"),
            // A host with a server does not fall back to the catch-all's rules.
            ("www.example.com", "/health", "www /health"),
        ],
    );
}

#[test]
fn ingresses_merge_oldest_first_and_default_backends() {
    let mut s = store();
    apply(
        &mut s,
        &[
            ingress("first", Some("app.example.com"), &[("/a", "Prefix", "first-a")]),
            ingress(
                "second",
                Some("app.example.com"),
                &[("/a", "Prefix", "second-a"), ("/b", "Prefix", "second-b"), ("/a", "Exact", "second-exact")],
            ),
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: fallback\nspec:\n  defaultBackend:\n    service:\n      name: catch\n      port:\n        name: web\n".to_string(),
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: own-default\nspec:\n  defaultBackend:\n    service:\n      name: own\n      port:\n        number: 8080\n  rules:\n  - host: own.example.com\n    http:\n      paths:\n      - path: /x\n        pathType: Prefix\n        backend:\n          service:\n            name: x\n            port:\n              number: 80\n".to_string(),
        ]
        .join("---\n"),
    );
    check(
        &s,
        &[
            // Same path and type: the older Ingress keeps it.
            ("app.example.com", "/a/1", "first-a /a/1"),
            ("app.example.com", "/a", "second-exact /a"),
            ("app.example.com", "/b", "second-b /b"),
            // Nothing matches on a known host: ingress-nginx's default backend.
            ("app.example.com", "/c", "404"),
            // An Ingress with only a default backend takes the catch-all server.
            ("nowhere.example.com", "/c", "catch /c"),
            // An Ingress's default backend is its hosts' fallback.
            ("own.example.com", "/x/y", "x /x/y"),
            ("own.example.com", "/z", "own /z"),
        ],
    );
    match route(&s, "nginx", "nowhere.example.com", "/") {
        RouteResult::Routed(r) => {
            assert_eq!(r.port, ServicePortRef::Name("web".into()));
            assert_eq!(r.ingress, "default/fallback");
            assert_eq!(r.rule, "default backend");
        }
        other => panic!("{other:?}"),
    }
    match route(&s, "nginx", "app.example.com", "/b/q") {
        RouteResult::Routed(r) => {
            assert_eq!(r.ingress, "default/second");
            assert_eq!(r.rule, "app.example.com/b (Prefix)");
            assert_eq!(r.port, ServicePortRef::Number(80));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn classes() {
    let mut s = store();
    let with_class = |name: &str, class: &str, svc: &str| {
        ingress(
            name,
            Some(&format!("{name}.example.com")),
            &[("/", "Prefix", svc)],
        )
        .replace("spec:\n", &format!("spec:\n  ingressClassName: {class}\n"))
    };
    apply(
        &mut s,
        &[
            with_class("mine", "nginx", "mine"),
            with_class("theirs", "traefik", "theirs"),
            ingress(
                "classless",
                Some("classless.example.com"),
                &[("/", "Prefix", "classless")],
            ),
            ingress(
                "annotated",
                Some("annotated.example.com"),
                &[("/", "Prefix", "annotated")],
            )
            .replacen(
                "  name: annotated\n",
                "  name: annotated\n  annotations:\n    kubernetes.io/ingress.class: haproxy\n",
                1,
            ),
        ]
        .join("---\n"),
    );
    check(
        &s,
        &[
            ("mine.example.com", "/", "mine /"),
            ("theirs.example.com", "/", "404"),
            // kind's ingress-nginx watches Ingresses without a class.
            ("classless.example.com", "/", "classless /"),
            ("annotated.example.com", "/", "404"),
        ],
    );
}

#[test]
fn regex_mode_and_rewrites() {
    let mut s = store();
    apply(
        &mut s,
        &[
            ingress(
                "rewrite",
                Some("rw.example.com"),
                &[("/something(/|$)(.*)", "ImplementationSpecific", "rewritten")],
            )
            .replacen(
                "  name: rewrite\n",
                "  name: rewrite\n  annotations:\n    nginx.ingress.kubernetes.io/use-regex: \"true\"\n    nginx.ingress.kubernetes.io/rewrite-target: /$2\n",
                1,
            ),
            // Another Ingress on the same host: its paths become regexes too.
            ingress("plain", Some("rw.example.com"), &[("/static", "Prefix", "static"), ("/", "Prefix", "root")]),
        ]
        .join("---\n"),
    );
    check(
        &s,
        &[
            ("rw.example.com", "/something", "rewritten /"),
            ("rw.example.com", "/something/new/x", "rewritten /new/x"),
            ("rw.example.com", "/SOMETHING/up", "rewritten /up"),
            // Regex `^/static` also takes /staticfiles (no element-wise matching any more).
            ("rw.example.com", "/staticfiles", "static /staticfiles"),
            ("rw.example.com", "/Static/a", "static /Static/a"),
            ("rw.example.com", "/other", "root /other"),
        ],
    );
}

#[test]
fn tls_and_ssl_redirect() {
    let mut s = store();
    apply(
        &mut s,
        &[
            ingress("secure", Some("secure.example.com"), &[("/", "Prefix", "secure")])
                .replace("spec:\n", "spec:\n  tls:\n  - hosts:\n    - secure.example.com\n    secretName: secure-tls\n"),
            ingress("relaxed", Some("relaxed.example.com"), &[("/", "Prefix", "relaxed")])
                .replace("spec:\n", "spec:\n  tls:\n  - hosts:\n    - relaxed.example.com\n")
                .replacen("  name: relaxed\n", "  name: relaxed\n  annotations:\n    nginx.ingress.kubernetes.io/ssl-redirect: \"false\"\n", 1),
            ingress("open", Some("open.example.com"), &[("/", "Prefix", "open")]),
        ]
        .join("---\n"),
    );
    let flags = |host: &str| match route(&s, "nginx", host, "/") {
        RouteResult::Routed(r) => (r.tls, r.ssl_redirect),
        RouteResult::NoMatch => panic!("{host}"),
    };
    assert_eq!(flags("secure.example.com"), (true, true));
    assert_eq!(flags("relaxed.example.com"), (true, false));
    assert_eq!(flags("open.example.com"), (false, false));
}
