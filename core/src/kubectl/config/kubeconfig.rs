//! The client's kubeconfig: clusters, users (credentials) and contexts, and which context is
//! current. It lives in the shell, as `~/.kube/config` lives on a learner's machine; the
//! cluster never sees it, only the credentials kubectl sends from it.
//!
//! The default is what `kind create cluster --name kubeplay` writes (cluster, user and context
//! `kind-kubeplay`; the user's certificate says `CN=kubernetes-admin, O=kubeadm:cluster-admins`,
//! an administrator through kubeadm's `kubeadm:cluster-admins` ClusterRoleBinding), plus two
//! learner identities with certificates signed by the same CA and no rights of their own:
//! `alice` (`O=developers`) and `bob` (`O=qa`), with contexts `alice@kind-kubeplay` and
//! `bob@kind-kubeplay`. Certificate data is a stand-in (the sandbox has no PKI): PEM-shaped,
//! deterministic, recognised by the API server by its bytes.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::api::base64;
use crate::auth::UserInfo;
use crate::rng::Rng;

/// Where kubectl finds the file (named in some of its messages).
pub const PATH: &str = "/root/.kube/config";
pub const KIND_CONTEXT: &str = "kind-kubeplay";
const SERVER: &str = "https://127.0.0.1:6443";

/// The client certificates the cluster's CA issued: kubeconfig user, CN, O.
const ISSUED: &[(&str, &str, &[&str])] = &[
    (
        KIND_CONTEXT,
        "kubernetes-admin",
        &["kubeadm:cluster-admins"],
    ),
    ("alice", "alice", &["developers"]),
    ("bob", "bob", &["qa"]),
];

/// Entries as kubeconfig holds them: each a map of its fields (`server`, `client-key-data`,
/// `namespace`...), named.
pub type Entries = BTreeMap<String, Map<String, Value>>;

#[derive(Clone, Debug)]
pub struct Kubeconfig {
    pub clusters: Entries,
    pub users: Entries,
    pub contexts: Entries,
    pub current_context: String,
}

impl Default for Kubeconfig {
    fn default() -> Kubeconfig {
        let mut config = Kubeconfig {
            clusters: Entries::new(),
            users: Entries::new(),
            contexts: Entries::new(),
            current_context: KIND_CONTEXT.into(),
        };
        config.clusters.insert(
            KIND_CONTEXT.into(),
            object(json!({
                "certificate-authority-data": pem_data("ca", "CERTIFICATE"),
                "server": SERVER,
            })),
        );
        for (user, cn, _) in ISSUED {
            config.users.insert(
                user.to_string(),
                object(json!({
                    "client-certificate-data": pem_data(cn, "CERTIFICATE"),
                    "client-key-data": pem_data(cn, "RSA PRIVATE KEY"),
                })),
            );
            let context = if *user == KIND_CONTEXT {
                KIND_CONTEXT.to_string()
            } else {
                format!("{user}@{KIND_CONTEXT}")
            };
            config.contexts.insert(
                context,
                object(json!({"cluster": KIND_CONTEXT, "user": user})),
            );
        }
        config
    }
}

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// Base64 of a PEM block of deterministic bytes: what kubeconfig's `*-data` fields hold.
fn pem_data(subject: &str, label: &str) -> String {
    let seed = subject
        .bytes()
        .chain(label.bytes())
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
    let mut rng = Rng::new(seed);
    let bytes: Vec<u8> = (0..96).flat_map(|_| rng.next_u64().to_be_bytes()).collect();
    let body = base64::encode(&bytes);
    let mut pem = format!("-----BEGIN {label}-----\n");
    for chunk in body.as_bytes().chunks(64) {
        pem.push_str(&String::from_utf8_lossy(chunk));
        pem.push('\n');
    }
    pem.push_str(&format!("-----END {label}-----\n"));
    base64::encode(pem.as_bytes())
}

/// How a request's credentials authenticate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credentials {
    User(UserInfo),
    /// Credentials the API server does not accept (401).
    Unauthorized,
    /// No credentials for an `https` server: kubectl asks for a basic-auth user name on the
    /// terminal (and, with nothing typed, fails).
    Prompt,
}

/// What the API server makes of the credentials of kubeconfig user entry `user`: a client
/// certificate its CA issued names the user (CN) and groups (O); anything else is refused.
pub fn authenticate(entry: Option<&Map<String, Value>>) -> Credentials {
    let entry = entry.filter(|e| !e.is_empty());
    let Some(entry) = entry else {
        return Credentials::Prompt;
    };
    let cert = entry.get("client-certificate-data").and_then(Value::as_str);
    let key = entry.get("client-key-data").and_then(Value::as_str);
    for (_, cn, groups) in ISSUED {
        if cert == Some(pem_data(cn, "CERTIFICATE").as_str())
            && key == Some(pem_data(cn, "RSA PRIVATE KEY").as_str())
        {
            return Credentials::User(UserInfo::authenticated(cn, groups));
        }
    }
    Credentials::Unauthorized
}

impl Kubeconfig {
    /// The namespace of `context` (empty when it sets none).
    pub fn namespace_of(&self, context: &str) -> &str {
        self.contexts
            .get(context)
            .and_then(|c| c.get("namespace"))
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// A field of a context (`cluster`, `user`, `namespace`), empty when unset.
    pub fn context_field(&self, context: &str, field: &str) -> &str {
        self.contexts
            .get(context)
            .and_then(|c| c.get(field))
            .and_then(Value::as_str)
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_and_learner_identities_authenticate() {
        let config = Kubeconfig::default();
        let who = |user: &str| authenticate(config.users.get(user));
        assert_eq!(
            who(KIND_CONTEXT),
            Credentials::User(UserInfo::authenticated(
                "kubernetes-admin",
                &["kubeadm:cluster-admins"]
            ))
        );
        assert_eq!(
            who("alice"),
            Credentials::User(UserInfo::authenticated("alice", &["developers"]))
        );
        assert_eq!(who("nobody"), Credentials::Prompt);
        let forged = object(json!({"client-certificate-data": "eA==", "client-key-data": "eA=="}));
        assert_eq!(authenticate(Some(&forged)), Credentials::Unauthorized);
        let pem = base64::decode(
            config.users["alice"]["client-certificate-data"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
        assert!(
            String::from_utf8(pem)
                .unwrap()
                .starts_with("-----BEGIN CERTIFICATE-----\n")
        );
    }
}
