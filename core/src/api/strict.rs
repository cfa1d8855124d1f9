//! Strict decoding of built-in kinds: what the API server's JSON decoder says about a request
//! body before anything else looks at it.
//!
//! kubectl v1.35 sends `fieldValidation=Strict`, so the server rejects unknown fields and wrong
//! value types with a `BadRequest`:
//! `Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown
//! field "spec.replica"`, or `...: json: cannot unmarshal string into Go struct field
//! DeploymentSpec.spec.replicas of type int32`.
//!
//! The schema is k8s-openapi's: the object (kept as a `Value` in the store) is decoded into the
//! k8s-openapi type through [`De`], a deserializer over `&Value` that walks along with the typed
//! `Deserialize` impls. Because those impls name each struct and its fields
//! (`deserialize_struct(name, fields)`), `De` sees every key the type does not know (with its
//! full path, `containers[0]` included, as upstream's `sigs.k8s.io/json` reports it) and every
//! value of the wrong JSON type (with the innermost Go struct and the field path, indices
//! left out, as Go's `UnmarshalTypeError` prints them). A round-trip diff (decode, re-encode,
//! compare keys) would find unknown keys too, but would lose list indices, treat `null` as
//! missing and could not word type errors; walking along gives all three.
//!
//! Go semantics kept on purpose: `null` is accepted anywhere (it leaves the zero value), a
//! number is accepted where a quantity is expected (`cpu: 1`), an integral float fits an
//! integer field, and a type error stops decoding (strict errors are reported only when the
//! body is otherwise decodable).

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeOwned, Expected, IntoDeserializer, Visitor};
use serde_json::Value;

use super::error::{Cause, Status};
use super::kinds::Kind;

/// Why a body could not be decoded as its kind (the part after "cannot be handled as a X: ").
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Unknown or duplicate fields: `strict decoding error: unknown field "spec.x", ...`.
    Strict(Vec<String>),
    /// A value the type cannot hold: `json: cannot unmarshal ...`, or a quantity's own error.
    Type(String),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Strict(errors) => {
                write!(f, "strict decoding error: {}", errors.join(", "))
            }
            DecodeError::Type(message) => f.write_str(message),
        }
    }
}

/// A failed decode, with the field path of what each error is about
/// (`spec.template.spec.containers[0].image`; empty when unknown), one per strict error or the
/// one type error: the page's editor points at them in the manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub error: DecodeError,
    pub fields: Vec<String>,
}

/// Decodes `obj` as the built-in `kind` strictly. Kinds without a k8s-openapi type (custom
/// resources) pass: their schema is the CRD's.
pub fn decode(kind: &Kind, obj: &Value) -> Result<(), DecodeError> {
    decode_located(kind, obj).map_err(|l| l.error)
}

/// [`decode`], saying where each error is.
pub fn decode_located(kind: &Kind, obj: &Value) -> Result<(), Located> {
    use k8s_openapi::api as a;
    use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1 as apiext;
    let v = kind.version;
    match (kind.group, kind.kind) {
        ("", "Binding") => as_type::<a::core::v1::Binding>(obj, v),
        ("", "ComponentStatus") => as_type::<a::core::v1::ComponentStatus>(obj, v),
        ("", "ConfigMap") => as_type::<a::core::v1::ConfigMap>(obj, v),
        ("", "Endpoints") => as_type::<a::core::v1::Endpoints>(obj, v),
        ("", "Event") => as_type::<a::core::v1::Event>(obj, v),
        ("", "LimitRange") => as_type::<a::core::v1::LimitRange>(obj, v),
        ("", "Namespace") => as_type::<a::core::v1::Namespace>(obj, v),
        ("", "Node") => as_type::<a::core::v1::Node>(obj, v),
        ("", "PersistentVolumeClaim") => as_type::<a::core::v1::PersistentVolumeClaim>(obj, v),
        ("", "PersistentVolume") => as_type::<a::core::v1::PersistentVolume>(obj, v),
        ("", "Pod") => as_type::<a::core::v1::Pod>(obj, v),
        ("", "PodTemplate") => as_type::<a::core::v1::PodTemplate>(obj, v),
        ("", "ReplicationController") => as_type::<a::core::v1::ReplicationController>(obj, v),
        ("", "ResourceQuota") => as_type::<a::core::v1::ResourceQuota>(obj, v),
        ("", "Secret") => as_type::<a::core::v1::Secret>(obj, v),
        ("", "ServiceAccount") => as_type::<a::core::v1::ServiceAccount>(obj, v),
        ("", "Service") => as_type::<a::core::v1::Service>(obj, v),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy") => {
            as_type::<a::admissionregistration::v1::ValidatingAdmissionPolicy>(obj, v)
        }
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding") => {
            as_type::<a::admissionregistration::v1::ValidatingAdmissionPolicyBinding>(obj, v)
        }
        ("apiextensions.k8s.io", "CustomResourceDefinition") => {
            as_type::<apiext::CustomResourceDefinition>(obj, v)
        }
        ("apps", "ControllerRevision") => as_type::<a::apps::v1::ControllerRevision>(obj, v),
        ("apps", "DaemonSet") => as_type::<a::apps::v1::DaemonSet>(obj, v),
        ("apps", "Deployment") => as_type::<a::apps::v1::Deployment>(obj, v),
        ("apps", "ReplicaSet") => as_type::<a::apps::v1::ReplicaSet>(obj, v),
        ("apps", "StatefulSet") => as_type::<a::apps::v1::StatefulSet>(obj, v),
        ("autoscaling", "HorizontalPodAutoscaler") if v == "v1" => {
            as_type::<a::autoscaling::v1::HorizontalPodAutoscaler>(obj, v)
        }
        ("autoscaling", "HorizontalPodAutoscaler") => {
            as_type::<a::autoscaling::v2::HorizontalPodAutoscaler>(obj, v)
        }
        ("batch", "CronJob") => as_type::<a::batch::v1::CronJob>(obj, v),
        ("batch", "Job") => as_type::<a::batch::v1::Job>(obj, v),
        ("coordination.k8s.io", "Lease") => as_type::<a::coordination::v1::Lease>(obj, v),
        ("discovery.k8s.io", "EndpointSlice") => as_type::<a::discovery::v1::EndpointSlice>(obj, v),
        ("events.k8s.io", "Event") => as_type::<a::events::v1::Event>(obj, v),
        ("flowcontrol.apiserver.k8s.io", "FlowSchema") => {
            as_type::<a::flowcontrol::v1::FlowSchema>(obj, v)
        }
        ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration") => {
            as_type::<a::flowcontrol::v1::PriorityLevelConfiguration>(obj, v)
        }
        ("networking.k8s.io", "IngressClass") => as_type::<a::networking::v1::IngressClass>(obj, v),
        ("networking.k8s.io", "Ingress") => as_type::<a::networking::v1::Ingress>(obj, v),
        ("networking.k8s.io", "NetworkPolicy") => {
            as_type::<a::networking::v1::NetworkPolicy>(obj, v)
        }
        ("policy", "PodDisruptionBudget") => as_type::<a::policy::v1::PodDisruptionBudget>(obj, v),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding") => {
            as_type::<a::rbac::v1::ClusterRoleBinding>(obj, v)
        }
        ("rbac.authorization.k8s.io", "ClusterRole") => as_type::<a::rbac::v1::ClusterRole>(obj, v),
        ("rbac.authorization.k8s.io", "RoleBinding") => as_type::<a::rbac::v1::RoleBinding>(obj, v),
        ("rbac.authorization.k8s.io", "Role") => as_type::<a::rbac::v1::Role>(obj, v),
        ("scheduling.k8s.io", "PriorityClass") => {
            as_type::<a::scheduling::v1::PriorityClass>(obj, v)
        }
        ("storage.k8s.io", "StorageClass") => as_type::<a::storage::v1::StorageClass>(obj, v),
        _ => Ok(()),
    }
}

/// The API server's answer to a body that does not decode as `kind`: `BadRequest`, worded by
/// upstream's `transformDecodeError`.
/// The status carries one cause per error, naming its field path (kubectl prints only the
/// message; the causes are for pointing at the fields).
pub fn check(kind: &Kind, obj: &Value) -> Result<(), Status> {
    decode_located(kind, obj).map_err(|located| {
        let mut status = cannot_handle(kind, &located.error);
        status.causes = cause_list(&located);
        status
    })
}

/// One [`Cause`] per error: the field path and that error's own words.
fn cause_list(located: &Located) -> Vec<Cause> {
    let messages = match &located.error {
        DecodeError::Strict(messages) => messages.clone(),
        DecodeError::Type(message) => vec![message.clone()],
    };
    messages
        .into_iter()
        .zip(located.fields.iter())
        .map(|(message, field)| Cause {
            field: field.clone(),
            message,
        })
        .collect()
}

/// `<Kind> in version "<v>" cannot be handled as a <Kind>: <why>`.
pub fn cannot_handle(kind: &Kind, why: &DecodeError) -> Status {
    Status::bad_request(format!(
        "{k} in version \"{v}\" cannot be handled as a {k}: {why}",
        k = kind.kind,
        v = kind.version
    ))
}

/// Upstream's cap on collected strict errors.
const MAX_STRICT_ERRORS: usize = 100;

fn as_type<T: DeserializeOwned>(obj: &Value, version: &'static str) -> Result<(), Located> {
    let ctx = Ctx {
        strict: RefCell::new(Vec::new()),
        failed_at: RefCell::new(None),
        version,
    };
    let root = Frame {
        seg: Seg::Root,
        parent: None,
    };
    let de = De {
        v: obj,
        at: &root,
        ctx: &ctx,
    };
    let result = T::deserialize(de);
    let field = ctx.failed_at.into_inner().unwrap_or_default();
    let error = match result {
        Ok(_) => {
            let (messages, fields): (Vec<String>, Vec<String>) =
                ctx.strict.into_inner().into_iter().unzip();
            if messages.is_empty() {
                return Ok(());
            }
            return Err(Located {
                error: DecodeError::Strict(messages),
                fields,
            });
        }
        Err(Fail::Type(message) | Fail::Other(message)) => DecodeError::Type(message),
        Err(Fail::Probe(go_type)) => DecodeError::Type(format!(
            "json: cannot unmarshal value into Go value of type {go_type}"
        )),
    };
    Err(Located {
        error,
        fields: vec![field],
    })
}

/// Strict errors collected along the walk, and the API version (the Go package of the
/// kind's own structs: `v1`, `v2`).
struct Ctx {
    /// Each strict error's message and field path.
    strict: RefCell<Vec<(String, String)>>,
    /// The field path of the value a type error is about (the first recorded: the innermost).
    failed_at: RefCell<Option<String>>,
    version: &'static str,
}

impl Ctx {
    fn strict_error(&self, message: String, path: String) {
        let mut errors = self.strict.borrow_mut();
        if errors.len() < MAX_STRICT_ERRORS && !errors.iter().any(|(m, _)| *m == message) {
            errors.push((message, path));
        }
    }

    /// Remembers where a type error arose, unless an inner value already did.
    fn fail_at(&self, at: &Frame<'_, '_>) {
        let mut failed_at = self.failed_at.borrow_mut();
        if failed_at.is_none() {
            *failed_at = Some(at.path());
        }
    }
}

/// One step of the path from the root to a value.
#[derive(Clone, Copy)]
enum Seg<'de> {
    Root,
    /// A struct field, with the Go name of the struct that holds it.
    Field(&'de str, &'static str),
    Index(usize),
    Key(&'de str),
}

/// The path to a value, as a list running from the value back to the root (it lives on the
/// stack of the walk, so building it costs nothing until an error needs it).
struct Frame<'de, 'p> {
    seg: Seg<'de>,
    parent: Option<&'p Frame<'de, 'p>>,
}

impl Frame<'_, '_> {
    fn segments(&self) -> Vec<Seg<'_>> {
        let mut out = Vec::new();
        let mut at = Some(self);
        while let Some(frame) = at {
            out.push(frame.seg);
            at = frame.parent;
        }
        out.reverse();
        out
    }

    /// `spec.template.spec.containers[0].image`: the strict errors' path.
    fn strict_path(&self, last: &str) -> String {
        let mut s = self.path();
        if !s.is_empty() {
            s.push('.');
        }
        s.push_str(last);
        s
    }

    /// The path of this value itself (empty at the root), as [`Frame::strict_path`] writes it.
    fn path(&self) -> String {
        let mut s = String::new();
        for seg in self.segments() {
            match seg {
                Seg::Root => {}
                Seg::Field(name, _) | Seg::Key(name) => {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(name);
                }
                Seg::Index(i) => s.push_str(&format!("[{i}]")),
            }
        }
        s
    }

    /// `DeploymentSpec.spec.replicas`: Go's `UnmarshalTypeError` struct and field path (struct
    /// fields only: no indices, no map keys); `None` at the top level.
    fn go_field(&self) -> Option<String> {
        let mut fields = Vec::new();
        let mut holder = "";
        for seg in self.segments() {
            if let Seg::Field(name, strukt) = seg {
                fields.push(name);
                holder = strukt;
            }
        }
        (!fields.is_empty()).then(|| format!("{holder}.{}", fields.join(".")))
    }
}

/// How decoding failed.
#[derive(Debug)]
enum Fail {
    /// A finished `json: cannot unmarshal ...` message.
    Type(String),
    /// Raised by the type probe: the Go type that was asked for.
    Probe(String),
    /// Any other message (a visitor's own complaint).
    Other(String),
}

impl fmt::Display for Fail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fail::Type(m) | Fail::Probe(m) | Fail::Other(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Fail {}

impl de::Error for Fail {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Fail::Other(msg.to_string())
    }
}

/// Go package of a k8s-openapi struct: the meta types live in `v1`, the rest in the kind's
/// own version package (core types embedded in apps/v1 and batch/v1 are `v1` too).
fn go_struct(name: &str, version: &str) -> String {
    const META: &[&str] = &[
        "ObjectMeta",
        "OwnerReference",
        "ManagedFieldsEntry",
        "LabelSelector",
        "LabelSelectorRequirement",
        "Condition",
        "ListMeta",
    ];
    let package = if META.contains(&name) || !version.starts_with('v') {
        "v1"
    } else {
        version
    };
    format!("{package}.{name}")
}

/// The Go description of a JSON value in a type error: `string`, `number`, `bool`, `array`,
/// `object`.
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
        Value::Null => "null",
    }
}

/// The deserializer: a value and where it is.
struct De<'de, 'p> {
    v: &'de Value,
    at: &'p Frame<'de, 'p>,
    ctx: &'p Ctx,
}

impl<'de, 'p> De<'de, 'p> {
    fn child(&self, v: &'de Value, at: &'p Frame<'de, 'p>) -> De<'de, 'p> {
        De {
            v,
            at,
            ctx: self.ctx,
        }
    }

    /// `json: cannot unmarshal <what> into Go struct field <S.path> of type <go_type>`.
    fn type_error(&self, what: &str, go_type: &str) -> Fail {
        self.ctx.fail_at(self.at);
        Fail::Type(match self.at.go_field() {
            Some(field) => {
                format!(
                    "json: cannot unmarshal {what} into Go struct field {field} of type {go_type}"
                )
            }
            None => format!("json: cannot unmarshal {what} into Go value of type {go_type}"),
        })
    }

    /// A failure of this value's own check, remembered as being here.
    fn here<T>(&self, result: Result<T, Fail>) -> Result<T, Fail> {
        if result.is_err() {
            self.ctx.fail_at(self.at);
        }
        result
    }

    fn wrong_type(&self, go_type: &str) -> Fail {
        self.type_error(json_kind(self.v), go_type)
    }

    /// An integer field: Go accepts any number literal that parses as an integer in range.
    fn int<V: Visitor<'de>>(
        &self,
        min: i64,
        max: i64,
        go_type: &str,
        visitor: V,
    ) -> Result<V::Value, Fail> {
        match self.v {
            Value::Null => visitor.visit_i64(0),
            Value::Number(n) => {
                let int = n.as_i64().or_else(|| {
                    n.as_f64()
                        .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                        .map(|f| f as i64)
                });
                match int.filter(|i| (min..=max).contains(i)) {
                    Some(i) => visitor.visit_i64(i),
                    None => Err(self.type_error(&format!("number {n}"), go_type)),
                }
            }
            _ => Err(self.wrong_type(go_type)),
        }
    }

    /// The Go type of what `deserialize` asks for, found by letting it ask a probe.
    fn probe<T: de::DeserializeSeed<'de>>(seed: T) -> String {
        match seed.deserialize(Probe) {
            Err(Fail::Probe(go_type)) => go_type,
            _ => "interface {}".into(),
        }
    }
}

impl<'de, 'p> de::Deserializer<'de> for De<'de, 'p> {
    type Error = Fail;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fail> {
        // Only types with their own JSON shape come here: IntOrString, raw JSON, schema unions.
        let expecting = format!("{}", &visitor as &dyn Expected);
        if expecting == "IntOrString" {
            match self.v {
                Value::String(_) | Value::Null => {}
                Value::Number(_) => {
                    return self.int(i32::MIN.into(), i32::MAX.into(), "int32", visitor);
                }
                _ => return Err(self.wrong_type("int32")),
            }
        }
        self.v
            .deserialize_any(visitor)
            .map_err(|e| Fail::Other(e.to_string()))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fail> {
        match self.v {
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Null => visitor.visit_bool(false),
            _ => Err(self.wrong_type("bool")),
        }
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fail> {
        self.int(i32::MIN.into(), i32::MAX.into(), "int32", visitor)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fail> {
        self.int(i64::MIN, i64::MAX, "int64", visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fail> {
        match self.v {
            Value::Number(n) => visitor.visit_f64(n.as_f64().unwrap_or(0.0)),
            Value::Null => visitor.visit_f64(0.0),
            _ => Err(self.wrong_type("float64")),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fail> {
        match self.v {
            Value::String(s) if format!("{}", &visitor as &dyn Expected).contains("base64") => {
                // A `[]byte` field: Go's decoder skips line breaks and names the first bad byte.
                let cleaned = self.here(base64_text(s))?;
                visitor.visit_string(cleaned)
            }
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Null => visitor.visit_str(""),
            _ => {
                let expecting = format!("{}", &visitor as &dyn Expected);
                let go_type = if expecting.contains("base64") {
                    "[]uint8"
                } else {
                    "string"
                };
                Err(self.wrong_type(go_type))
            }
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fail> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fail> {
        match self.v {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Fail> {
        match (name, self.v) {
            // resource.Quantity parses its own JSON: a string or a bare number.
            ("Quantity", Value::Number(n)) => {
                let text = n.to_string();
                self.here(check_quantity(&text))?;
                visitor
                    .visit_newtype_struct(text.into_deserializer())
                    .map_err(|e: de::value::Error| Fail::Other(e.to_string()))
            }
            ("Quantity", Value::String(s)) => {
                self.here(check_quantity(s))?;
                visitor.visit_newtype_struct(self)
            }
            ("Quantity", Value::Null) => visitor.visit_newtype_struct(self),
            ("Quantity", _) => self.here(Err(Fail::Type(QUANTITY_FORMAT.into()))),
            // Free-form JSON: nothing inside is checked, as upstream does not.
            ("RawExtension" | "JSON" | "FieldsV1", v) => visitor
                .visit_newtype_struct(v)
                .map_err(|e| Fail::Other(e.to_string())),
            ("Time" | "MicroTime", Value::String(_) | Value::Null) => {
                visitor.visit_newtype_struct(self)
            }
            ("Time" | "MicroTime", _) => Err(self.wrong_type("string")),
            _ => visitor.visit_newtype_struct(self),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fail> {
        match self.v {
            Value::Array(items) => visitor.visit_seq(Seq {
                de: &self,
                items: items.iter(),
                index: 0,
            }),
            Value::Null => visitor.visit_seq(Seq {
                de: &self,
                items: [].iter(),
                index: 0,
            }),
            _ => {
                let element = match visitor.visit_seq(ProbeSeq) {
                    Err(Fail::Probe(t)) => t,
                    _ => "interface {}".into(),
                };
                Err(self.wrong_type(&format!("[]{element}")))
            }
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fail> {
        match self.v {
            Value::Object(map) => visitor.visit_map(Entries {
                de: &self,
                iter: map.iter(),
                next: None,
                fields: None,
                strukt: "",
            }),
            Value::Null => visitor.visit_map(Entries {
                de: &self,
                iter: EMPTY.iter(),
                next: None,
                fields: None,
                strukt: "",
            }),
            _ => {
                let value = match visitor.visit_map(ProbeMap { done: false }) {
                    Err(Fail::Probe(t)) => t,
                    _ => "interface {}".into(),
                };
                let go_type = if value == "resource.Quantity" {
                    "v1.ResourceList".to_string()
                } else {
                    format!("map[string]{value}")
                };
                Err(self.wrong_type(&go_type))
            }
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Fail> {
        let map = match self.v {
            Value::Object(map) => map,
            Value::Null => &*EMPTY,
            _ => return Err(self.wrong_type(&go_struct(name, self.ctx.version))),
        };
        visitor.visit_map(Entries {
            de: &self,
            iter: map.iter(),
            next: None,
            fields: Some(fields),
            strukt: name,
        })
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fail> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        i8 i16 u8 u16 u32 u64 i128 u128 f32 char bytes byte_buf unit unit_struct tuple
        tuple_struct enum identifier
    }
}

static EMPTY: std::sync::LazyLock<serde_json::Map<String, Value>> =
    std::sync::LazyLock::new(serde_json::Map::new);

const QUANTITY_FORMAT: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

fn check_quantity(s: &str) -> Result<(), Fail> {
    if super::quantity::parse_milli(s).is_some() {
        Ok(())
    } else {
        Err(Fail::Type(QUANTITY_FORMAT.into()))
    }
}

/// Standard base64 with padding, line breaks ignored, as Go's `base64.StdEncoding` decodes
/// `[]byte` fields; the text without line breaks, or Go's error.
fn base64_text(s: &str) -> Result<String, Fail> {
    let corrupt = |at: usize| Fail::Type(format!("illegal base64 data at input byte {at}"));
    let mut cleaned = String::with_capacity(s.len());
    let mut padding = 0;
    for (i, c) in s.char_indices() {
        match c {
            '\r' | '\n' => continue,
            '=' => padding += 1,
            c if padding == 0 && (c.is_ascii_alphanumeric() || c == '+' || c == '/') => {}
            _ => return Err(corrupt(i)),
        }
        cleaned.push(c);
    }
    if !cleaned.len().is_multiple_of(4) || padding > 2 {
        return Err(corrupt(
            s.trim_end_matches(['\r', '\n'])
                .len()
                .saturating_sub(padding),
        ));
    }
    Ok(cleaned)
}

/// The elements of an array, each at its index.
struct Seq<'de, 'p, 'd> {
    de: &'d De<'de, 'p>,
    items: std::slice::Iter<'de, Value>,
    index: usize,
}

impl<'de> de::SeqAccess<'de> for Seq<'de, '_, '_> {
    type Error = Fail;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Fail> {
        let Some(item) = self.items.next() else {
            return Ok(None);
        };
        let frame = Frame {
            seg: Seg::Index(self.index),
            parent: Some(self.de.at),
        };
        self.index += 1;
        seed.deserialize(self.de.child(item, &frame)).map(Some)
    }
}

/// The entries of an object: a struct's known fields (unknown ones are reported and skipped)
/// or a map's keys.
struct Entries<'de, 'p, 'd> {
    de: &'d De<'de, 'p>,
    iter: serde_json::map::Iter<'de>,
    next: Option<(&'de str, &'de Value)>,
    /// The struct's fields; `None` for a map.
    fields: Option<&'static [&'static str]>,
    strukt: &'static str,
}

impl<'de> de::MapAccess<'de> for Entries<'de, '_, '_> {
    type Error = Fail;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Fail> {
        for (key, value) in self.iter.by_ref() {
            if let Some(fields) = self.fields
                && !fields.contains(&key.as_str())
            {
                let path = self.de.at.strict_path(key);
                self.de
                    .ctx
                    .strict_error(format!("unknown field {path:?}"), path);
                continue;
            }
            self.next = Some((key, value));
            let key: de::value::BorrowedStrDeserializer<'de, Fail> =
                de::value::BorrowedStrDeserializer::new(key);
            return seed.deserialize(key).map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Fail> {
        let Some((key, value)) = self.next.take() else {
            return Err(Fail::Other("value without a key".into()));
        };
        let seg = if self.fields.is_some() {
            Seg::Field(key, self.strukt)
        } else {
            Seg::Key(key)
        };
        let frame = Frame {
            seg,
            parent: Some(self.de.at),
        };
        seed.deserialize(self.de.child(value, &frame))
    }
}

/// A deserializer that only answers "which Go type do you want?" by failing with it.
struct Probe;

impl<'de> de::Deserializer<'de> for Probe {
    type Error = Fail;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fail> {
        let expecting = format!("{}", &visitor as &dyn Expected);
        Err(Fail::Probe(match expecting.as_str() {
            "IntOrString" => "intstr.IntOrString".into(),
            other => format!("v1.{other}"),
        }))
    }
    fn deserialize_bool<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Fail> {
        Err(Fail::Probe("bool".into()))
    }
    fn deserialize_i32<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Fail> {
        Err(Fail::Probe("int32".into()))
    }
    fn deserialize_i64<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Fail> {
        Err(Fail::Probe("int64".into()))
    }
    fn deserialize_f64<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Fail> {
        Err(Fail::Probe("float64".into()))
    }
    fn deserialize_str<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Fail> {
        Err(Fail::Probe("string".into()))
    }
    fn deserialize_string<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Fail> {
        Err(Fail::Probe("string".into()))
    }
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fail> {
        visitor.visit_some(self)
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _: V,
    ) -> Result<V::Value, Fail> {
        Err(Fail::Probe(match name {
            "Quantity" => "resource.Quantity".into(),
            "RawExtension" => "runtime.RawExtension".into(),
            other => format!("v1.{other}"),
        }))
    }
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fail> {
        match visitor.visit_seq(ProbeSeq) {
            Err(Fail::Probe(t)) => Err(Fail::Probe(format!("[]{t}"))),
            _ => Err(Fail::Probe("[]interface {}".into())),
        }
    }
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fail> {
        match visitor.visit_map(ProbeMap { done: false }) {
            Err(Fail::Probe(t)) => Err(Fail::Probe(format!("map[string]{t}"))),
            _ => Err(Fail::Probe("map[string]interface {}".into())),
        }
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Fail> {
        Err(Fail::Probe(go_struct(name, "v1")))
    }

    serde::forward_to_deserialize_any! {
        i8 i16 u8 u16 u32 u64 i128 u128 f32 char bytes byte_buf unit unit_struct tuple
        tuple_struct enum identifier ignored_any
    }
}

/// A one-element sequence whose element is the probe.
struct ProbeSeq;

impl<'de> de::SeqAccess<'de> for ProbeSeq {
    type Error = Fail;
    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Fail> {
        Err(Fail::Probe(De::probe(seed)))
    }
}

/// A one-entry map whose value is the probe.
struct ProbeMap {
    done: bool,
}

impl<'de> de::MapAccess<'de> for ProbeMap {
    type Error = Fail;
    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Fail> {
        if self.done {
            return Ok(None);
        }
        self.done = true;
        let key: de::value::StrDeserializer<'_, Fail> = "k".into_deserializer();
        seed.deserialize(key).map(Some)
    }
    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Fail> {
        Err(Fail::Probe(De::probe(seed)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::kinds::by_kind;
    use serde_json::json;

    fn check(group: &str, kind: &str, obj: Value) -> Result<(), String> {
        let k = by_kind(group, kind).ok_or("no kind")?;
        decode(k, &obj).map_err(|e| e.to_string())
    }

    fn deployment(spec_extra: Value, container_extra: Value) -> Value {
        let mut container = json!({"name": "nginx", "image": "nginx"});
        for (k, v) in container_extra.as_object().into_iter().flatten() {
            container[k] = v.clone();
        }
        let mut d = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "labels": {"app": "web"}, "creationTimestamp": null},
            "spec": {
                "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [container]}},
            },
        });
        for (k, v) in spec_extra.as_object().into_iter().flatten() {
            d["spec"][k] = v.clone();
        }
        d
    }

    #[test]
    fn a_valid_object_decodes() {
        assert_eq!(
            check(
                "apps",
                "Deployment",
                deployment(
                    json!({"replicas": 2}),
                    json!({"resources": {"limits": {"cpu": 1, "memory": "64Mi"}}})
                )
            ),
            Ok(())
        );
    }

    #[test]
    fn unknown_fields_are_listed_with_their_paths() {
        for (spec, container, expected) in [
            (
                json!({"replica": 2}),
                json!({}),
                r#"strict decoding error: unknown field "spec.replica""#,
            ),
            (
                json!({}),
                json!({"imagee": "x"}),
                r#"strict decoding error: unknown field "spec.template.spec.containers[0].imagee""#,
            ),
            (
                json!({"a": 1, "b": {"c": 1}}),
                json!({}),
                r#"strict decoding error: unknown field "spec.a", unknown field "spec.b""#,
            ),
        ] {
            assert_eq!(
                check("apps", "Deployment", deployment(spec, container)),
                Err(expected.to_string())
            );
        }
    }

    #[test]
    fn wrong_types_are_worded_as_go_does() {
        for (spec, container, expected) in [
            (
                json!({"replicas": "3"}),
                json!({}),
                "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32",
            ),
            (
                json!({"replicas": 1.5}),
                json!({}),
                "json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32",
            ),
            (
                json!({}),
                json!({"ports": 80}),
                "json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.ports of type []v1.ContainerPort",
            ),
            (
                json!({}),
                json!({"args": "run"}),
                "json: cannot unmarshal string into Go struct field Container.spec.template.spec.containers.args of type []string",
            ),
            (
                json!({}),
                json!({"env": [{"name": "A", "value": 1}]}),
                "json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string",
            ),
            (
                json!({"template": "x"}),
                json!({}),
                "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.template of type v1.PodTemplateSpec",
            ),
            (
                json!({}),
                json!({"resources": {"limits": ["1"]}}),
                "json: cannot unmarshal array into Go struct field ResourceRequirements.spec.template.spec.containers.resources.limits of type v1.ResourceList",
            ),
            (
                json!({}),
                json!({"resources": {"limits": {"cpu": "lots"}}}),
                QUANTITY_FORMAT,
            ),
        ] {
            assert_eq!(
                check("apps", "Deployment", deployment(spec, container)),
                Err(expected.to_string())
            );
        }
    }

    #[test]
    fn labels_must_be_a_map_of_strings() {
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "labels": ["a"]}});
        assert_eq!(
            check("", "ConfigMap", cm),
            Err("json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string".into())
        );
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"n": 1}});
        assert_eq!(
            check("", "ConfigMap", cm),
            Err(
                "json: cannot unmarshal number into Go struct field ConfigMap.data of type string"
                    .into()
            )
        );
    }

    #[test]
    fn int_or_string_and_nulls_are_accepted() {
        let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s", "annotations": null},
            "spec": {"ports": [{"port": 80, "targetPort": "http"}, {"port": 81, "targetPort": 8081}], "selector": null}});
        assert_eq!(check("", "Service", svc), Ok(()));
        let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
            "spec": {"ports": [{"port": 80, "targetPort": true}]}});
        assert_eq!(
            check("", "Service", svc),
            Err("json: cannot unmarshal bool into Go struct field ServicePort.spec.ports.targetPort of type int32".into())
        );
    }
}
