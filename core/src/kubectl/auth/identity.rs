//! Who a kubectl command's requests come from: the context (`--context`, else the current
//! one), its cluster and user entries (`--user` overrides the user), the credentials the API
//! server authenticates from that entry, and impersonation (`--as`, `--as-group`), which the
//! API server allows only to a user who may `impersonate` the users, groups or service
//! accounts named.

use super::super::config::kubeconfig::{self, Credentials};
use super::super::errors;
use super::super::shell::Shell;
use crate::api::Status;
use crate::auth::{
    ANONYMOUS, AUTHENTICATED, Attributes, UNAUTHENTICATED, UserInfo, forbidden, rbac,
    service_account_groups, split_service_account,
};
use crate::cluster::Output;
use crate::store::Store;

/// The global flags that choose the identity, read from a command line before the command
/// parses it (cobra parses persistent flags anywhere on the line).
#[derive(Debug, Default)]
pub struct Globals {
    pub context: Option<String>,
    pub user: Option<String>,
    pub as_user: Option<String>,
    pub as_groups: Vec<String>,
}

impl Globals {
    pub fn scan(words: &[String]) -> Globals {
        let mut g = Globals::default();
        // Commands with a `--user` of their own (the subject of a binding, a context's user).
        let own_user = matches!(
            words.first().map(String::as_str),
            Some("create" | "set" | "config")
        );
        let mut i = 0;
        while let Some(word) = words.get(i) {
            i += 1;
            if word == "--" {
                break;
            }
            let Some(body) = word.strip_prefix("--") else {
                continue;
            };
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            if !matches!(name, "context" | "user" | "as" | "as-group") {
                continue;
            }
            let value = match inline {
                Some(v) => v,
                None => {
                    let v = words.get(i).cloned().unwrap_or_default();
                    i += 1;
                    v
                }
            };
            match name {
                "context" => g.context = Some(value),
                "user" if !own_user => g.user = Some(value),
                "as" => g.as_user = Some(value),
                "as-group" => g.as_groups.push(value),
                _ => {}
            }
        }
        g
    }
}

/// The user the API server sees for this command, or what kubectl prints when it cannot
/// make a request at all.
pub fn requester(globals: &Globals, shell: &Shell, store: &Store) -> Result<UserInfo, Output> {
    let config = &shell.kubeconfig;
    let fail = |message: String| Output::error(message, 1);
    let context = match &globals.context {
        Some(c) => c.clone(),
        None => config.current_context.clone(),
    };
    if !context.is_empty() && !config.contexts.contains_key(&context) {
        return Err(fail(format!(
            "Error in configuration: context was not found for specified context: {context}\n"
        )));
    }
    let cluster = config.context_field(&context, "cluster");
    if context.is_empty() || !config.clusters.contains_key(cluster) {
        return Err(fail(
            "The connection to the server localhost:8080 was refused - did you specify the right host or port?\n"
                .into(),
        ));
    }
    let user_entry = globals
        .user
        .clone()
        .unwrap_or_else(|| config.context_field(&context, "user").to_string());
    let authenticated = match kubeconfig::authenticate(config.users.get(&user_entry)) {
        Credentials::User(user) => user,
        Credentials::Unauthorized => {
            return Err(fail(
                "error: You must be logged in to the server (Unauthorized)\n".into(),
            ));
        }
        Credentials::Prompt => {
            return Err(Output {
                stdout: "Please enter Username: ".into(),
                stderr: "error: EOF\n".into(),
                exit_code: 1,
            });
        }
    };
    let Some(as_user) = &globals.as_user else {
        if !globals.as_groups.is_empty() {
            return Err(fail(format!(
                "error: requesting uid, groups or user-extra for {user_entry} without impersonating a user\n"
            )));
        }
        return Ok(authenticated);
    };
    impersonate(store, &authenticated, as_user, &globals.as_groups)
        .map_err(|status| Output::error(format!("{}\n", errors::render(&status)), 1))
}

/// The impersonation filter: each impersonated user, service account and group must be
/// allowed (`impersonate`) to the real user; the result is the impersonated user with the
/// groups asked for (a service account's own when none are), plus `system:authenticated`.
fn impersonate(
    store: &Store,
    real: &UserInfo,
    as_user: &str,
    as_groups: &[String],
) -> Result<UserInfo, Status> {
    let mut groups: Vec<String> = Vec::new();
    let mut checks: Vec<Attributes> = Vec::new();
    match split_service_account(as_user) {
        Some((namespace, name)) => {
            checks.push(Attributes::resource(
                "impersonate",
                "",
                "serviceaccounts",
                "",
                namespace,
                name,
            ));
            if as_groups.is_empty() {
                groups = service_account_groups(namespace);
            }
        }
        None => checks.push(Attributes::resource(
            "impersonate",
            "",
            "users",
            "",
            "",
            as_user,
        )),
    }
    for group in as_groups {
        checks.push(Attributes::resource(
            "impersonate",
            "",
            "groups",
            "",
            "",
            group,
        ));
        groups.push(group.clone());
    }
    for attrs in &checks {
        let decision = rbac::authorize(store, real, attrs);
        if !decision.allowed {
            return Err(forbidden::status(real, attrs, &decision.reason));
        }
    }
    if as_user == ANONYMOUS {
        if !groups.iter().any(|g| g == UNAUTHENTICATED) {
            groups.push(UNAUTHENTICATED.into());
        }
    } else if !groups
        .iter()
        .any(|g| g == AUTHENTICATED || g == UNAUTHENTICATED)
    {
        groups.push(AUTHENTICATED.into());
    }
    Ok(UserInfo {
        name: as_user.to_string(),
        groups,
    })
}
