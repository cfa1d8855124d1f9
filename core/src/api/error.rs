//! API errors as the API server returns them: a `Status` with a reason, an HTTP code and a
//! message in upstream's words (`pods "x" not found`). kubectl turns them into its own lines in
//! one place (`kubectl::errors`).

use super::kinds::Kind;

/// `metav1.StatusReason`: why a request failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    NotFound,
    AlreadyExists,
    Conflict,
    Invalid,
    Forbidden,
    BadRequest,
    MethodNotAllowed,
    /// 429: try again later (the eviction API's answer when a disruption budget says no).
    TooManyRequests,
    /// `StatusReasonUnknown` (""): a failure the server gives no reason for, such as the
    /// eviction API's "more than one PodDisruptionBudget" (code 500).
    Unknown,
    UnsupportedMediaType,
    InternalError,
    Unauthorized,
    RequestEntityTooLarge,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NotFound => "NotFound",
            Reason::AlreadyExists => "AlreadyExists",
            Reason::Conflict => "Conflict",
            Reason::Invalid => "Invalid",
            Reason::Forbidden => "Forbidden",
            Reason::BadRequest => "BadRequest",
            Reason::MethodNotAllowed => "MethodNotAllowed",
            Reason::TooManyRequests => "TooManyRequests",
            Reason::Unknown => "",
            Reason::UnsupportedMediaType => "UnsupportedMediaType",
            Reason::InternalError => "InternalError",
            Reason::Unauthorized => "Unauthorized",
            Reason::RequestEntityTooLarge => "RequestEntityTooLarge",
        }
    }

    pub fn code(self) -> u16 {
        match self {
            Reason::NotFound => 404,
            Reason::AlreadyExists | Reason::Conflict => 409,
            Reason::Invalid => 422,
            Reason::Forbidden => 403,
            Reason::BadRequest => 400,
            Reason::MethodNotAllowed => 405,
            Reason::TooManyRequests => 429,
            Reason::Unknown => 500,
            Reason::UnsupportedMediaType => 415,
            Reason::InternalError => 500,
            Reason::Unauthorized => 401,
            Reason::RequestEntityTooLarge => 413,
        }
    }
}

/// One field error of an `Invalid` status (`spec.replicas: Invalid value: -1: must be ...`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cause {
    pub field: String,
    pub message: String,
}

/// A failed API request.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Status {
    pub reason: Reason,
    pub message: String,
    /// For `Invalid`: the object's kind and name, and one cause per field error.
    pub kind: String,
    pub name: String,
    pub causes: Vec<Cause>,
}

pub type Result<T, E = Status> = std::result::Result<T, E>;

impl Status {
    fn new(reason: Reason, message: String) -> Status {
        Status {
            reason,
            message,
            kind: String::new(),
            name: String::new(),
            causes: Vec::new(),
        }
    }

    pub fn not_found(kind: &Kind, name: &str) -> Status {
        Status::new(
            Reason::NotFound,
            format!("{} \"{name}\" not found", kind.qualified_resource()),
        )
    }

    pub fn namespace_not_found(namespace: &str) -> Status {
        Status::new(
            Reason::NotFound,
            format!("namespaces \"{namespace}\" not found"),
        )
    }

    pub fn already_exists(kind: &Kind, name: &str) -> Status {
        Status::new(
            Reason::AlreadyExists,
            format!("{} \"{name}\" already exists", kind.qualified_resource()),
        )
    }

    pub fn conflict(kind: &Kind, name: &str) -> Status {
        Status::new(
            Reason::Conflict,
            format!(
                "Operation cannot be fulfilled on {} \"{name}\": the object has been modified; \
                 please apply your changes to the latest version and try again",
                kind.qualified_resource()
            ),
        )
    }

    pub fn bad_request(message: impl Into<String>) -> Status {
        Status::new(Reason::BadRequest, message.into())
    }

    /// `NewGenericServerResponse(422, ...)`: refused without naming the object; the server's
    /// own reason is not passed on (a failed JSON patch reads only this).
    pub fn unprocessable() -> Status {
        Status::new(
            Reason::Invalid,
            "the server rejected our request due to an error in our request".into(),
        )
    }

    /// A failure that is not an API status (`Internal error occurred: ...`).
    pub fn internal(message: impl std::fmt::Display) -> Status {
        Status::new(
            Reason::InternalError,
            format!("Internal error occurred: {message}"),
        )
    }

    /// `NewUnsupportedMediaTypeError`: a patch type the resource does not take.
    pub fn unsupported_media_type(accepted: &[&str]) -> Status {
        Status::new(
            Reason::UnsupportedMediaType,
            format!(
                "the body of the request was in an unknown format - accepted media types include: {}",
                accepted.join(", ")
            ),
        )
    }

    /// `NewApplyConflict`: server-side apply refused because other managers own fields.
    pub fn apply_conflict(message: String) -> Status {
        Status::new(Reason::Conflict, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Status {
        Status::new(Reason::Forbidden, message.into())
    }

    pub fn too_many_requests(message: impl Into<String>) -> Status {
        Status::new(Reason::TooManyRequests, message.into())
    }

    /// A `Status` of `Failure` without a reason (code 500), as a handler returns when it
    /// declines to say more.
    pub fn failure(message: impl Into<String>) -> Status {
        Status::new(Reason::Unknown, message.into())
    }

    /// `apierrors.NewInvalid`: the message lists the causes as the API server words them
    /// (repeated causes once, several in brackets).
    pub fn invalid(kind: &Kind, name: &str, causes: Vec<Cause>) -> Status {
        let mut listed: Vec<String> = Vec::new();
        for c in &causes {
            let line = format!("{}: {}", c.field, c.message);
            if !listed.contains(&line) {
                listed.push(line);
            }
        }
        let joined = if listed.len() == 1 {
            listed.join("")
        } else {
            format!("[{}]", listed.join(", "))
        };
        let qualified_kind = if kind.group.is_empty() {
            kind.kind.to_string()
        } else {
            format!("{}.{}", kind.kind, kind.group)
        };
        Status {
            reason: Reason::Invalid,
            message: format!(
                "{qualified_kind} {} is invalid: {joined}",
                super::validation::field::go_quote(name)
            ),
            kind: kind.kind.to_string(),
            name: name.to_string(),
            causes,
        }
    }
}
