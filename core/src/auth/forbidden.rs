//! The API server's `Forbidden` answer (`responsewriters.Forbidden` and `forbiddenMessage`,
//! wrapped by `errors.NewForbidden`): `pods is forbidden: User "alice" cannot list resource
//! "pods" in API group "" in the namespace "default"`, with `"NAME"` after the resource for a
//! named object, `at the cluster scope` without a namespace, `path "/x"` for non-resource
//! URLs, and the authorizer's reason after a colon when it gave one.

use super::{Attributes, UserInfo};
use crate::api::Status;
use crate::api::validation::field::go_quote;

/// The `Forbidden` status for `user` denied `attrs`, with the authorizer's `reason`.
pub fn status(user: &UserInfo, attrs: &Attributes, reason: &str) -> Status {
    let mut why = match attrs {
        Attributes::NonResource { verb, path } => format!(
            "User {} cannot {verb} path {}",
            go_quote(&user.name),
            go_quote(path)
        ),
        Attributes::Resource {
            verb,
            group,
            resource,
            subresource,
            namespace,
            ..
        } => {
            let mut what = resource.clone();
            if !subresource.is_empty() {
                what = format!("{what}/{subresource}");
            }
            let scope = if namespace.is_empty() {
                "at the cluster scope".to_string()
            } else {
                format!("in the namespace {}", go_quote(namespace))
            };
            format!(
                "User {} cannot {verb} resource {} in API group {} {scope}",
                go_quote(&user.name),
                go_quote(&what),
                go_quote(group)
            )
        }
    };
    if !reason.is_empty() {
        why = format!("{why}: {reason}");
    }
    let message = match attrs {
        Attributes::NonResource { .. } => format!("forbidden: {why}"),
        Attributes::Resource {
            group,
            resource,
            name,
            ..
        } => {
            let qualified = if group.is_empty() {
                resource.clone()
            } else {
                format!("{resource}.{group}")
            };
            if name.is_empty() {
                format!("{qualified} is forbidden: {why}")
            } else {
                format!("{qualified} {} is forbidden: {why}", go_quote(name))
            }
        }
    };
    Status::forbidden(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alice() -> UserInfo {
        UserInfo::authenticated("alice", &[])
    }

    #[test]
    fn words_each_scope_as_upstream() {
        let list = Attributes::resource("list", "", "pods", "", "default", "");
        assert_eq!(
            status(&alice(), &list, "").message,
            "pods is forbidden: User \"alice\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\""
        );
        let named = Attributes::resource("delete", "apps", "deployments", "", "dev", "web");
        assert_eq!(
            status(&alice(), &named, "").message,
            "deployments.apps \"web\" is forbidden: User \"alice\" cannot delete resource \"deployments\" in API group \"apps\" in the namespace \"dev\""
        );
        let logs = Attributes::resource("get", "", "pods", "log", "default", "web");
        assert_eq!(
            status(&alice(), &logs, "").message,
            "pods \"web\" is forbidden: User \"alice\" cannot get resource \"pods/log\" in API group \"\" in the namespace \"default\""
        );
        let nodes = Attributes::resource("list", "", "nodes", "", "", "");
        assert_eq!(
            status(
                &alice(),
                &nodes,
                "RBAC: role.rbac.authorization.k8s.io \"x\" not found"
            )
            .message,
            "nodes is forbidden: User \"alice\" cannot list resource \"nodes\" in API group \"\" at the cluster scope: RBAC: role.rbac.authorization.k8s.io \"x\" not found"
        );
        let path = Attributes::NonResource {
            verb: "get".into(),
            path: "/metrics".into(),
        };
        assert_eq!(
            status(&alice(), &path, "").message,
            "forbidden: User \"alice\" cannot get path \"/metrics\""
        );
    }
}
