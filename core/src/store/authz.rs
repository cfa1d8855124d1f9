//! The API server's authorization step: a request from a client that named itself
//! ([`Store::set_requester`], kubectl as the current user) is checked against RBAC before it is
//! served, and refused with upstream's `Forbidden` status. A request the store makes while
//! serving another (admission reading a namespace, a patch becoming an update) is not checked
//! again; neither are the event loop's components, which have no requester.

use serde_json::Value;

use super::Store;
use crate::api::{Kind, Result, meta};
use crate::auth::{Attributes, UserInfo, forbidden, rbac};

impl Store {
    /// Names the user whose requests follow (`None`: the cluster's own components).
    pub fn set_requester(&mut self, user: Option<UserInfo>) {
        self.requester = user;
    }

    pub fn requester(&self) -> Option<&UserInfo> {
        self.requester.as_ref()
    }

    /// Takes the requester away (the event loop runs its components without one).
    pub fn take_requester(&mut self) -> Option<UserInfo> {
        self.requester.take()
    }

    /// Whether the requester may do what `attrs` describe; Forbidden if not.
    pub fn authorize(&self, attrs: &Attributes) -> Result<()> {
        match &self.requester {
            None => Ok(()),
            Some(user) => authorize_user(self, user, attrs),
        }
    }

    /// [`Store::authorize`] for a request on objects of `kind` (`verb` `kind` in `namespace`,
    /// `name` or all).
    pub fn authorize_kind(
        &self,
        verb: &str,
        kind: &Kind,
        subresource: &str,
        namespace: &str,
        name: &str,
    ) -> Result<()> {
        if self.requester.is_none() {
            return Ok(());
        }
        self.authorize(&attributes(verb, kind, subresource, namespace, name))
    }

    /// A `list` of `kind` in one namespace or all (`None`).
    pub fn authorize_list(&self, kind: &Kind, namespace: Option<&str>) -> Result<()> {
        self.authorize_kind("list", kind, "", namespace.unwrap_or(""), "")
    }

    /// Serves a write: authorizes the requester for `verb` on the object, then runs `serve`
    /// with no requester, so that what the write does inside is not checked again.
    pub(super) fn serve<T>(
        &mut self,
        verb: &str,
        kind: &Kind,
        subresource: &str,
        (namespace, name): (&str, &str),
        serve: impl FnOnce(&mut Store) -> Result<T>,
    ) -> Result<T> {
        let Some(user) = self.requester.take() else {
            return serve(self);
        };
        let attrs = attributes(verb, kind, subresource, namespace, name);
        let result = authorize_user(self, &user, &attrs).and_then(|()| serve(self));
        self.requester = Some(user);
        result
    }

    /// An object as stored, without authorization: the API server's own reads.
    pub(crate) fn lookup(&self, kind: &Kind, namespace: &str, name: &str) -> Option<&Value> {
        let ns = if kind.namespaced { namespace } else { "" };
        self.objects
            .get(&super::type_key(kind))
            .and_then(|objs| objs.get(ns))
            .and_then(|names| names.get(name))
            .map(|v| &**v)
    }
}

/// The namespace a write on `obj` is made in (the URL's), for its authorization.
pub(super) fn namespace_of<'a>(kind: &Kind, obj: &'a Value) -> &'a str {
    match meta::namespace(obj) {
        "" if kind.namespaced => "default",
        ns => ns,
    }
}

fn attributes(
    verb: &str,
    kind: &Kind,
    subresource: &str,
    namespace: &str,
    name: &str,
) -> Attributes {
    let namespace = if kind.namespaced { namespace } else { "" };
    Attributes::resource(verb, kind.group, kind.plural, subresource, namespace, name)
}

fn authorize_user(store: &Store, user: &UserInfo, attrs: &Attributes) -> Result<()> {
    let decision = rbac::authorize(store, user, attrs);
    if decision.allowed {
        Ok(())
    } else {
        Err(forbidden::status(user, attrs, &decision.reason))
    }
}
