//! Who makes a request and whether they may: the API server's authentication results
//! ([`UserInfo`]), the attributes of a request ([`Attributes`]), upstream's RBAC authorizer
//! ([`rbac`]), the `Forbidden` wording ([`forbidden`]) and the bootstrap policy a v1.35 API
//! server creates at start ([`policy`]).
//!
//! The store authorizes every request of a client that named itself
//! ([`crate::store::Store::set_requester`]): kubectl as the current context's user. The
//! controllers, scheduler and kubelets run as the event loop's own components with no requester
//! and are not checked (their system identities hold these rights through the bootstrap policy
//! anyway; skipping the check keeps the loop fast).

pub mod forbidden;
pub mod policy;
pub mod rbac;

/// The privileged group the API server allows everything, before any authorizer runs.
pub const SYSTEM_MASTERS: &str = "system:masters";
pub const AUTHENTICATED: &str = "system:authenticated";
pub const UNAUTHENTICATED: &str = "system:unauthenticated";
pub const ANONYMOUS: &str = "system:anonymous";
const SERVICE_ACCOUNT_PREFIX: &str = "system:serviceaccount:";

/// An authenticated user, as `user.Info` (name and groups; x509 and impersonation give no
/// uid or extra).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserInfo {
    pub name: String,
    pub groups: Vec<String>,
}

impl UserInfo {
    /// A user as an authenticator returns it: its groups, then `system:authenticated`.
    pub fn authenticated(name: &str, groups: &[&str]) -> UserInfo {
        let mut groups: Vec<String> = groups.iter().map(|g| g.to_string()).collect();
        if !groups.iter().any(|g| g == AUTHENTICATED) {
            groups.push(AUTHENTICATED.into());
        }
        UserInfo {
            name: name.into(),
            groups,
        }
    }

    /// A request without credentials, with anonymous requests enabled (kubeadm's default).
    pub fn anonymous() -> UserInfo {
        UserInfo {
            name: ANONYMOUS.into(),
            groups: vec![UNAUTHENTICATED.into()],
        }
    }

    /// The namespace and name of a service account user (`system:serviceaccount:NS:NAME`).
    pub fn service_account(&self) -> Option<(&str, &str)> {
        split_service_account(&self.name)
    }
}

/// `serviceaccount.SplitUsername`: `system:serviceaccount:NS:NAME`, both parts non-empty.
pub fn split_service_account(name: &str) -> Option<(&str, &str)> {
    let rest = name.strip_prefix(SERVICE_ACCOUNT_PREFIX)?;
    let (namespace, name) = rest.split_once(':')?;
    (!namespace.is_empty() && !name.is_empty() && !name.contains(':')).then_some((namespace, name))
}

/// The groups every service account of a namespace is in.
pub fn service_account_groups(namespace: &str) -> Vec<String> {
    vec![
        "system:serviceaccounts".into(),
        format!("system:serviceaccounts:{namespace}"),
    ]
}

/// What a request asks to do, as the authorizers see it (`authorizer.Attributes`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attributes {
    /// A request on an API resource (`GET /api/v1/namespaces/default/pods/web/log`).
    Resource {
        verb: String,
        group: String,
        resource: String,
        subresource: String,
        /// Empty for cluster-scoped resources and requests across all namespaces.
        namespace: String,
        /// Empty for lists and creations.
        name: String,
    },
    /// A request on a path outside the resource tree (`GET /healthz`).
    NonResource { verb: String, path: String },
}

impl Attributes {
    pub fn resource(
        verb: &str,
        group: &str,
        resource: &str,
        subresource: &str,
        namespace: &str,
        name: &str,
    ) -> Attributes {
        Attributes::Resource {
            verb: verb.into(),
            group: group.into(),
            resource: resource.into(),
            subresource: subresource.into(),
            namespace: namespace.into(),
            name: name.into(),
        }
    }

    pub fn verb(&self) -> &str {
        match self {
            Attributes::Resource { verb, .. } | Attributes::NonResource { verb, .. } => verb,
        }
    }
}

/// An authorizer's answer: allowed or not, and why not (the text upstream appends to a
/// `Forbidden` message, e.g. a binding's missing role).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub reason: String,
}
