//! CEL as admission policies use it: the environment (the standard library with the strings
//! and lists extensions), objects as CEL values (JSON integers as `int`, as unstructured
//! objects give them), and errors in cel-go's words (`no such key: replicas`), which is what
//! `kubectl` shows a learner.
//!
//! The interpreter is the `cel` crate, with `matches()` on `regex-lite`; Kubernetes' own
//! libraries (`quantity()`, `url()`, `isSorted()`, the authorizer) are not provided, and
//! expressions are not
//! type-checked against the object's schema, so a misspelled field shows up at evaluation
//! (`no such key`) rather than as a policy warning.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

use cel::common::types::{CelBool, CelString};
use cel::{Context, Env, ExecutionError, Program, Value};

/// The shared environment: building one registers every function, so it is built once.
fn env() -> Arc<Env> {
    static ENV: OnceLock<Arc<Env>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Env::stdlib();
        // Both only fail on a name registered twice, which cannot happen on a fresh stdlib.
        let _ = cel::extensions::strings(&mut env);
        let _ = cel::extensions::lists(&mut env);
        let _ =
            cel::add_member_overload!(env, fn matches: (CelString, CelString) -> Result<CelBool>);
        let _ = cel::add_overload!(env, fn matches: (CelString, CelString) -> Result<CelBool>,
            id = "matches");
        Arc::new(env)
    })
    .clone()
}

/// `string.matches(regex)`: whether the string contains a match (RE2 syntax, unanchored).
fn matches(this: &CelString<'_>, re: &CelString<'_>) -> Result<CelBool, ExecutionError> {
    regex_lite::Regex::new(re.inner())
        .map(|r| CelBool::from(r.is_match(this.inner())))
        .map_err(|e| ExecutionError::FunctionError {
            function: "matches".into(),
            message: format!("error parsing regexp: {e}"),
        })
}

/// A JSON value as CEL sees an unstructured object.
pub fn value(json: &serde_json::Value) -> Value {
    match json {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(0.0)),
        },
        serde_json::Value::String(s) => Value::String(Arc::new(s.clone())),
        serde_json::Value::Array(items) => Value::List(Arc::new(items.iter().map(value).collect())),
        serde_json::Value::Object(map) => {
            let map: HashMap<String, Value> =
                map.iter().map(|(k, v)| (k.clone(), value(v))).collect();
            Value::from(map)
        }
    }
}

/// The variables an expression sees (`object`, `oldObject`, `params`, `request`,
/// `namespaceObject`, `variables`).
pub struct Activation {
    vars: Vec<(&'static str, Value)>,
}

impl Activation {
    pub fn new() -> Activation {
        Activation { vars: Vec::new() }
    }

    pub fn set(&mut self, name: &'static str, v: Value) {
        self.vars.retain(|(n, _)| *n != name);
        self.vars.push((name, v));
    }
}

/// Why an expression gave no value: it does not compile, or it failed at evaluation.
#[derive(Debug)]
pub enum Failure {
    Compile(String),
    Eval(String),
}

/// A compiled expression, or why it does not compile.
type Compiled = Result<Rc<Program>, String>;

thread_local! {
    /// Expressions compiled so far: a policy's expressions run on every matching write, and
    /// parsing them is most of the cost. Bounded, as policies can be rewritten at will.
    static PROGRAMS: RefCell<HashMap<String, Compiled>> = RefCell::new(HashMap::new());
}

const MAX_CACHED: usize = 512;

fn compile(env: &Env, expression: &str) -> Compiled {
    PROGRAMS.with(|cache| {
        if let Some(hit) = cache.borrow().get(expression) {
            return hit.clone();
        }
        let compiled = env
            .compile(expression)
            .map(Rc::new)
            .map_err(|e| compile_message(&e.to_string()));
        let mut cache = cache.borrow_mut();
        if cache.len() >= MAX_CACHED {
            cache.clear();
        }
        cache.insert(expression.to_string(), compiled.clone());
        compiled
    })
}

/// Compiles (once) and evaluates one expression.
pub fn eval(expression: &str, activation: &Activation) -> Result<Value, Failure> {
    let env = env();
    let program = compile(&env, expression).map_err(Failure::Compile)?;
    let mut ctx = Context::with_env(env);
    for (name, v) in &activation.vars {
        ctx.add_variable_from_value(*name, v.clone());
    }
    program
        .execute(&ctx)
        .map_err(|e| Failure::Eval(eval_message(&e)))
}

/// cel-go prints the source lines of a syntax error indented by one space.
fn compile_message(message: &str) -> String {
    message.replace("\n| ", "\n | ")
}

/// An evaluation error as cel-go words it.
fn eval_message(err: &ExecutionError) -> String {
    match err {
        ExecutionError::NoSuchKey(key) => format!("no such key: {key}"),
        ExecutionError::UndeclaredReference(name) => {
            format!("undeclared reference to '{name}' (in container '')")
        }
        ExecutionError::DivisionByZero(_) => "division by zero".into(),
        ExecutionError::RemainderByZero(_) => "modulus by zero".into(),
        ExecutionError::NoSuchOverload(_) => "no such overload".into(),
        ExecutionError::FunctionError { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

/// A CEL string result, if it is one.
pub fn as_string(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s.as_str()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(expr: &str, object: serde_json::Value) -> Result<Value, Failure> {
        let mut a = Activation::new();
        a.set("object", value(&object));
        eval(expr, &a)
    }

    #[test]
    fn evaluates_against_json_objects() {
        let deploy = json!({"metadata": {"name": "web", "labels": {"env": "prod"}}, "spec": {"replicas": 7}});
        let cases = [
            ("object.spec.replicas <= 5", Value::Bool(false)),
            (
                "object.spec.replicas > 5 && has(object.metadata.labels)",
                Value::Bool(true),
            ),
            (
                "'env' in object.metadata.labels ? object.metadata.labels['env'] : 'dev'",
                Value::String(Arc::new("prod".into())),
            ),
            (
                "'max ' + string(object.spec.replicas)",
                Value::String(Arc::new("max 7".into())),
            ),
            (
                "[1, 2, 3].all(x, x > 0) && 'Web'.lowerAscii() == 'web'",
                Value::Bool(true),
            ),
        ];
        for (expr, want) in cases {
            assert_eq!(run(expr, deploy.clone()).ok(), Some(want), "{expr}");
        }
    }

    #[test]
    fn errors_read_as_cel_go_words_them() {
        let deploy = json!({"spec": {"replicas": 7}});
        match run("object.replicas > 1", deploy.clone()) {
            Err(Failure::Eval(m)) => assert_eq!(m, "no such key: replicas"),
            other => panic!("{other:?}"),
        }
        match run("object.spec.", deploy) {
            Err(Failure::Compile(m)) => {
                assert!(m.starts_with("ERROR: <input>:1:13: Syntax error"), "{m}")
            }
            other => panic!("{other:?}"),
        }
    }
}
