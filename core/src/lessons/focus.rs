//! `focus:` links in lessons, which point the page's graph at objects:
//! `focus:KIND/NAME`, `focus:KIND/NAMESPACE/NAME` and `focus:KIND?SELECTOR` (a label
//! selector, in `default` unless `&namespace=NS`), and the objects such a link points at now.

use serde::Serialize;

use crate::graph::ObjectRef;
use crate::store::Store;

/// What a `focus:` link points at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum FocusTarget {
    /// One object. `kind` is as written (a resource name or short name); `namespace` is
    /// `default` unless given (the page ignores it for cluster-scoped kinds).
    Object {
        kind: String,
        namespace: String,
        name: String,
    },
    /// The objects of a kind whose labels match `selector`, in `namespace`.
    Selector {
        kind: String,
        namespace: String,
        selector: String,
    },
}

/// Reads a link's target; `None` when it is not a well-formed `focus:` link.
pub fn parse_focus(href: &str) -> Option<FocusTarget> {
    let rest = href.trim().strip_prefix("focus:")?;
    let word = |s: &str| !s.is_empty() && !s.contains(char::is_whitespace);
    if let Some((kind, query)) = rest.split_once('?') {
        if !word(kind) || kind.contains('/') {
            return None;
        }
        let (selector, namespace) = match query.rsplit_once("&namespace=") {
            Some((selector, ns)) if word(ns) => (selector, ns),
            Some(_) => return None,
            None => (query, "default"),
        };
        let selector = decode(selector)?;
        crate::api::labels::parse(&selector).ok()?;
        if selector.trim().is_empty() {
            return None;
        }
        return Some(FocusTarget::Selector {
            kind: kind.to_string(),
            namespace: namespace.to_string(),
            selector,
        });
    }
    let parts: Vec<&str> = rest.split('/').collect();
    let (kind, namespace, name) = match parts.as_slice() {
        [kind, name] => (*kind, "default", *name),
        [kind, ns, name] => (*kind, *ns, *name),
        _ => return None,
    };
    (word(kind) && word(namespace) && word(name)).then(|| FocusTarget::Object {
        kind: kind.to_string(),
        namespace: namespace.to_string(),
        name: name.to_string(),
    })
}

/// The objects a link points at, as the graph names them: the one object it names (whether
/// or not it exists yet), or those its selector matches now, by namespace and name. Empty
/// for a kind the cluster does not serve.
pub fn targets(store: &Store, target: &FocusTarget) -> Vec<ObjectRef> {
    let (kind, namespace) = match target {
        FocusTarget::Object {
            kind, namespace, ..
        }
        | FocusTarget::Selector {
            kind, namespace, ..
        } => (kind, namespace),
    };
    let Some(kind) = store.resolve(kind) else {
        return Vec::new();
    };
    let namespace = if kind.namespaced {
        namespace.as_str()
    } else {
        ""
    };
    match target {
        FocusTarget::Object { name, .. } => vec![ObjectRef::new(kind.kind, namespace, name)],
        FocusTarget::Selector { selector, .. } => {
            let Ok(selector) = crate::api::labels::parse(selector) else {
                return Vec::new();
            };
            let scope = kind.namespaced.then_some(namespace);
            store
                .list(kind, scope)
                .filter(|obj| selector.matches(obj))
                .map(|obj| ObjectRef::new(kind.kind, namespace, crate::api::meta::name(obj)))
                .collect()
        }
    }
}

/// Undoes percent-encoding (a Markdown link's destination cannot hold a space or `(`).
fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(kind: &str, namespace: &str, name: &str) -> Option<FocusTarget> {
        Some(FocusTarget::Object {
            kind: kind.into(),
            namespace: namespace.into(),
            name: name.into(),
        })
    }

    #[test]
    fn forms() {
        assert_eq!(
            parse_focus("focus:deployment/web"),
            object("deployment", "default", "web")
        );
        assert_eq!(
            parse_focus("focus:deployment/kube-system/coredns"),
            object("deployment", "kube-system", "coredns")
        );
        assert_eq!(
            parse_focus("focus:pod?app=web"),
            Some(FocusTarget::Selector {
                kind: "pod".into(),
                namespace: "default".into(),
                selector: "app=web".into()
            })
        );
        assert_eq!(
            parse_focus("focus:po?tier%20in%20(a,b),app&namespace=dev"),
            Some(FocusTarget::Selector {
                kind: "po".into(),
                namespace: "dev".into(),
                selector: "tier in (a,b),app".into()
            })
        );
    }

    #[test]
    fn targets_are_the_named_object_or_the_matching_ones() {
        let mut cluster = crate::Cluster::new_default(1);
        cluster.exec("kubectl create deployment web --image=nginx --replicas=2");
        cluster.run_until_settled(1_000, 60_000);
        let store = cluster.store();
        let find = |href: &str| parse_focus(href).map(|t| targets(store, &t));

        let refs = find("focus:deploy/web").unwrap_or_default();
        assert_eq!(refs, vec![ObjectRef::new("Deployment", "default", "web")]);
        let refs = find("focus:no/kubeplay-worker").unwrap_or_default();
        assert_eq!(refs, vec![ObjectRef::new("Node", "", "kubeplay-worker")]);

        let pods = find("focus:pod?app=web").unwrap_or_default();
        assert_eq!(pods.len(), 2);
        assert!(
            pods.iter()
                .all(|p| p.kind == "Pod" && p.name.starts_with("web-"))
        );
        let dns = find("focus:pod?k8s-app=kube-dns&namespace=kube-system").unwrap_or_default();
        assert_eq!(dns.len(), 2, "{dns:?}");
        assert_eq!(
            find("focus:pod?app=web&namespace=kube-system"),
            Some(vec![])
        );
        assert_eq!(find("focus:widget/x"), Some(vec![]));
    }

    #[test]
    fn not_focus_links() {
        for href in [
            "https://kubernetes.io",
            "focus:",
            "focus:deployment",
            "focus:a/b/c/d",
            "focus:deployment/",
            "focus:pod?",
            "focus:pod?app=web&namespace=",
            "focus:pod?app==!x",
            "focus:pod?app=%zz",
        ] {
            assert_eq!(parse_focus(href), None, "{href}");
        }
    }
}
