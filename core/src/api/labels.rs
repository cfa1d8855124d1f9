//! Label selectors in their string form, as `labels.Parse` reads them (`app=web`, `tier!=db`,
//! `env in (a,b)`, `env notin (c)`, `canary`, `!canary`, `x>1`) and `Selector.String()` prints
//! them, and matching them against an object's labels.
//!
//! The object form (`matchLabels`/`matchExpressions`) lives in [`super::selector`]; it converts
//! to this form with [`super::selector::as_selector`].

use std::collections::BTreeSet;
use std::fmt;

use serde_json::{Map, Value};

use super::validation::field::{BadValue, ErrorList, FieldError, Path};
use super::validation::labels::{is_label_key, is_label_value};

/// `selection.Operator`, with upstream's spellings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator {
    DoesNotExist,
    Equals,
    DoubleEquals,
    In,
    NotEquals,
    NotIn,
    Exists,
    GreaterThan,
    LessThan,
}

impl Operator {
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::DoesNotExist => "!",
            Operator::Equals => "=",
            Operator::DoubleEquals => "==",
            Operator::In => "in",
            Operator::NotEquals => "!=",
            Operator::NotIn => "notin",
            Operator::Exists => "exists",
            Operator::GreaterThan => "gt",
            Operator::LessThan => "lt",
        }
    }

    /// An operator by its spelling; an unknown one is the `NotSupported` error
    /// `NewRequirement` reports at `<path>.operator`.
    pub fn parse(s: &str, path: &Path) -> Result<Operator, FieldError> {
        ALL_OPERATORS
            .iter()
            .copied()
            .find(|op| op.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = ALL_OPERATORS.iter().map(|op| op.as_str()).collect();
                FieldError::not_supported(&path.child("operator"), BadValue::named(s), &names)
            })
    }
}

/// Upstream's `validRequirementOperators`, in its order (binary operators, then unary).
const ALL_OPERATORS: [Operator; 9] = [
    Operator::In,
    Operator::NotIn,
    Operator::Equals,
    Operator::DoubleEquals,
    Operator::NotEquals,
    Operator::GreaterThan,
    Operator::LessThan,
    Operator::Exists,
    Operator::DoesNotExist,
];

/// One term of a selector: a key, an operator and its values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub key: String,
    pub operator: Operator,
    pub values: Vec<String>,
}

impl Requirement {
    /// `labels.NewRequirement`: checks the key, the values and their number for the operator.
    /// Errors are reported under `path` (upstream passes none when parsing a string).
    pub fn new(
        key: &str,
        operator: Operator,
        values: Vec<String>,
        path: &Path,
    ) -> Result<Requirement, ErrorList> {
        let mut errs = ErrorList::new();
        if let Some(e) = key_error(key, &path.child("key")) {
            errs.push(e);
        }
        let values_path = path.child("values");
        let count = values.len();
        match operator {
            Operator::In | Operator::NotIn if count == 0 => errs.push(FieldError::invalid(
                &values_path,
                list_value(&values),
                "for 'in', 'notin' operators, values set can't be empty",
            )),
            Operator::Equals | Operator::DoubleEquals | Operator::NotEquals if count != 1 => errs
                .push(FieldError::invalid(
                    &values_path,
                    list_value(&values),
                    "exact-match compatibility requires one single value",
                )),
            Operator::Exists | Operator::DoesNotExist if count != 0 => {
                errs.push(FieldError::invalid(
                    &values_path,
                    list_value(&values),
                    "values set must be empty for exists and does not exist",
                ))
            }
            Operator::GreaterThan | Operator::LessThan => {
                if count != 1 {
                    errs.push(FieldError::invalid(
                        &values_path,
                        list_value(&values),
                        "for 'Gt', 'Lt' operators, exactly one value is required",
                    ));
                }
                for (i, v) in values.iter().enumerate() {
                    if v.parse::<i64>().is_err() {
                        errs.push(FieldError::invalid(
                            &values_path.index(i),
                            v.as_str().into(),
                            "for 'Gt', 'Lt' operators, the value must be an integer",
                        ));
                    }
                }
            }
            _ => {}
        }
        for (i, v) in values.iter().enumerate() {
            let msgs = is_label_value(v);
            if !msgs.is_empty() {
                errs.push(FieldError::invalid(
                    &values_path.index(i).key(key),
                    v.as_str().into(),
                    &msgs.join("; "),
                ));
            }
        }
        if errs.is_empty() {
            Ok(Requirement {
                key: key.to_string(),
                operator,
                values,
            })
        } else {
            Err(errs)
        }
    }

    /// Whether `labels` (an object's `metadata.labels`) satisfy this requirement.
    pub fn matches(&self, labels: Option<&Map<String, Value>>) -> bool {
        let value = labels
            .and_then(|l| l.get(&self.key))
            .map(|v| v.as_str().unwrap_or(""));
        let has = |v: &str| self.values.iter().any(|x| x == v);
        match self.operator {
            Operator::In | Operator::Equals | Operator::DoubleEquals => value.is_some_and(has),
            Operator::NotIn | Operator::NotEquals => value.is_none_or(|v| !has(v)),
            Operator::Exists => value.is_some(),
            Operator::DoesNotExist => value.is_none(),
            Operator::GreaterThan | Operator::LessThan => {
                let (Some(Ok(actual)), [wanted]) =
                    (value.map(str::parse::<i64>), self.values.as_slice())
                else {
                    return false;
                };
                let Ok(wanted) = wanted.parse::<i64>() else {
                    return false;
                };
                if self.operator == Operator::GreaterThan {
                    actual > wanted
                } else {
                    actual < wanted
                }
            }
        }
    }
}

/// A JSON list of strings, the bad value of a wrong values list.
fn list_value(values: &[String]) -> BadValue {
    BadValue::Json(Value::from(values.to_vec()))
}

fn key_error(key: &str, path: &Path) -> Option<FieldError> {
    let msgs = is_label_key(key);
    (!msgs.is_empty()).then(|| FieldError::invalid(path, key.into(), &msgs.join("; ")))
}

impl fmt::Display for Requirement {
    /// `Requirement.String()`: `!k`, `k`, `k=v`, `k in (a,b)`, `k>1`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.operator == Operator::DoesNotExist {
            f.write_str("!")?;
        }
        f.write_str(&self.key)?;
        let op = match self.operator {
            Operator::Equals => "=",
            Operator::DoubleEquals => "==",
            Operator::NotEquals => "!=",
            Operator::In => " in ",
            Operator::NotIn => " notin ",
            Operator::GreaterThan => ">",
            Operator::LessThan => "<",
            Operator::Exists | Operator::DoesNotExist => return Ok(()),
        };
        f.write_str(op)?;
        let set = matches!(self.operator, Operator::In | Operator::NotIn);
        if set {
            f.write_str("(")?;
        }
        let mut values: Vec<&str> = self.values.iter().map(String::as_str).collect();
        values.sort_unstable();
        f.write_str(&values.join(","))?;
        if set {
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// A parsed label selector: requirements that must all hold. `nothing` is upstream's
/// `labels.Nothing()` (what an absent object selector becomes), which matches no object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector {
    pub requirements: Vec<Requirement>,
    pub nothing: bool,
}

impl Selector {
    /// The selector that selects every object.
    pub fn everything() -> Selector {
        Selector::default()
    }

    pub fn nothing() -> Selector {
        Selector {
            requirements: Vec::new(),
            nothing: true,
        }
    }

    /// Requirements in the given order (upstream's `internalSelector` literal).
    pub fn from_requirements(requirements: Vec<Requirement>) -> Selector {
        Selector {
            requirements,
            nothing: false,
        }
    }

    /// `SelectorFromSet`: `key=value` for every label, sorted by key, unchecked.
    pub fn from_set(set: &Map<String, Value>) -> Selector {
        Selector::from_requirements(
            set.iter()
                .map(|(k, v)| Requirement {
                    key: k.clone(),
                    operator: Operator::Equals,
                    values: vec![v.as_str().unwrap_or("").to_string()],
                })
                .collect(),
        )
    }

    /// `ValidatedSelectorFromSet`: as [`Selector::from_set`], checking keys and values.
    pub fn validated_from_set(set: &Map<String, Value>) -> Result<Selector, ErrorList> {
        let mut requirements = Vec::new();
        for (k, v) in set {
            let value = v.as_str().unwrap_or("").to_string();
            requirements.push(Requirement::new(
                k,
                Operator::Equals,
                vec![value],
                &Path::none(),
            )?);
        }
        Ok(Selector::from_requirements(requirements))
    }

    pub fn is_empty(&self) -> bool {
        !self.nothing && self.requirements.is_empty()
    }

    pub fn matches_nothing(&self) -> bool {
        self.nothing
    }

    /// Whether an object with these labels is selected.
    pub fn matches_labels(&self, labels: Option<&Map<String, Value>>) -> bool {
        !self.nothing && self.requirements.iter().all(|r| r.matches(labels))
    }

    /// Whether an object (its `metadata.labels`) is selected.
    pub fn matches(&self, obj: &Value) -> bool {
        self.matches_labels(super::meta::labels(obj))
    }

    /// `RequiresExactMatch`: the single value a key must have, if the selector pins one.
    pub fn requires_exact_match(&self, key: &str) -> Option<&str> {
        let r = self.requirements.iter().find(|r| r.key == key)?;
        match (r.operator, r.values.as_slice()) {
            (Operator::Equals | Operator::DoubleEquals | Operator::In, [one]) => Some(one),
            _ => None,
        }
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.requirements.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    Error,
    EndOfString,
    ClosedPar,
    Comma,
    DoesNotExist,
    DoubleEquals,
    Equals,
    GreaterThan,
    Identifier,
    In,
    LessThan,
    NotEquals,
    NotIn,
    OpenPar,
}

fn keyword(s: &str) -> Option<Token> {
    Some(match s {
        ")" => Token::ClosedPar,
        "," => Token::Comma,
        "!" => Token::DoesNotExist,
        "==" => Token::DoubleEquals,
        "=" => Token::Equals,
        ">" => Token::GreaterThan,
        "in" => Token::In,
        "<" => Token::LessThan,
        "!=" => Token::NotEquals,
        "notin" => Token::NotIn,
        "(" => Token::OpenPar,
        _ => return None,
    })
}

fn is_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_special(b: u8) -> bool {
    matches!(b, b'=' | b'!' | b'(' | b')' | b',' | b'>' | b'<')
}

/// `bytes[start..end]` as text (cut only at ASCII symbols or blanks, so never inside a
/// character).
fn text(bytes: &[u8], start: usize, end: usize) -> String {
    String::from_utf8_lossy(bytes.get(start..end).unwrap_or_default()).into_owned()
}

/// Splits a selector into tokens as upstream's lexer does (bytes, so any non-special,
/// non-blank run is an identifier).
fn lex(s: &str) -> Vec<(Token, String)> {
    let bytes = s.as_bytes();
    let mut pos = 0;
    let mut out = Vec::new();
    loop {
        while bytes.get(pos).copied().is_some_and(is_whitespace) {
            pos += 1;
        }
        let Some(&first) = bytes.get(pos) else {
            out.push((Token::EndOfString, String::new()));
            return out;
        };
        let start = pos;
        if is_special(first) {
            // The longest run of special characters that is still a known symbol.
            let mut last: Option<(Token, usize)> = None;
            while let Some(&b) = bytes.get(pos) {
                if !is_special(b) {
                    break;
                }
                pos += 1;
                match keyword(&text(bytes, start, pos)) {
                    Some(tok) => last = Some((tok, pos)),
                    None if last.is_some() => {
                        pos -= 1;
                        break;
                    }
                    None => {}
                }
            }
            match last {
                Some((tok, end)) => {
                    pos = end;
                    out.push((tok, text(bytes, start, end)));
                }
                None => out.push((
                    Token::Error,
                    format!(
                        "error expected: keyword found '{}'",
                        text(bytes, start, pos)
                    ),
                )),
            }
        } else {
            while bytes
                .get(pos)
                .is_some_and(|&b| !is_special(b) && !is_whitespace(b))
            {
                pos += 1;
            }
            let word = text(bytes, start, pos);
            let tok = keyword(&word).unwrap_or(Token::Identifier);
            out.push((tok, word));
        }
    }
}

/// Whether the parser reads `in`/`notin` as plain words (in value position).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    KeyAndOperator,
    Values,
}

struct Parser {
    items: Vec<(Token, String)>,
    position: usize,
}

impl Parser {
    fn lookahead(&self, context: Context) -> (Token, String) {
        let (tok, lit) = self
            .items
            .get(self.position)
            .cloned()
            .unwrap_or((Token::EndOfString, String::new()));
        match tok {
            Token::In | Token::NotIn if context == Context::Values => (Token::Identifier, lit),
            _ => (tok, lit),
        }
    }

    fn consume(&mut self, context: Context) -> (Token, String) {
        let item = self.lookahead(context);
        self.position += 1;
        item
    }

    fn parse(&mut self) -> Result<Vec<Requirement>, String> {
        let mut requirements = Vec::new();
        loop {
            let (tok, lit) = self.lookahead(Context::Values);
            match tok {
                Token::Identifier | Token::DoesNotExist => {
                    let r = self
                        .requirement()
                        .map_err(|e| format!("unable to parse requirement: {e}"))?;
                    requirements.push(r);
                    let (t, l) = self.consume(Context::Values);
                    match t {
                        Token::EndOfString => return Ok(requirements),
                        Token::Comma => {
                            let (t2, l2) = self.lookahead(Context::Values);
                            if t2 != Token::Identifier && t2 != Token::DoesNotExist {
                                return Err(format!(
                                    "found '{l2}', expected: identifier after ','"
                                ));
                            }
                        }
                        _ => return Err(format!("found '{l}', expected: ',' or 'end of string'")),
                    }
                }
                Token::EndOfString => return Ok(requirements),
                _ => {
                    return Err(format!(
                        "found '{lit}', expected: !, identifier, or 'end of string'"
                    ));
                }
            }
        }
    }

    fn requirement(&mut self) -> Result<Requirement, String> {
        let (key, operator) = self.key_and_operator()?;
        let operator = match operator {
            Some(op) => {
                return Requirement::new(&key, op, Vec::new(), &Path::none())
                    .map_err(|e| aggregate(&e));
            }
            None => self.operator()?,
        };
        let values: BTreeSet<String> = match operator {
            Operator::In | Operator::NotIn => self.values()?,
            _ => self.exact_value()?,
        };
        Requirement::new(&key, operator, values.into_iter().collect(), &Path::none())
            .map_err(|e| aggregate(&e))
    }

    fn key_and_operator(&mut self) -> Result<(String, Option<Operator>), String> {
        let (mut tok, mut lit) = self.consume(Context::Values);
        let mut operator = None;
        if tok == Token::DoesNotExist {
            operator = Some(Operator::DoesNotExist);
            (tok, lit) = self.consume(Context::Values);
        }
        if tok != Token::Identifier {
            return Err(format!("found '{lit}', expected: identifier"));
        }
        if let Some(e) = key_error(&lit, &Path::none()) {
            return Err(e.to_string());
        }
        let (next, _) = self.lookahead(Context::Values);
        if matches!(next, Token::EndOfString | Token::Comma) && operator.is_none() {
            operator = Some(Operator::Exists);
        }
        Ok((lit, operator))
    }

    fn operator(&mut self) -> Result<Operator, String> {
        let (tok, lit) = self.consume(Context::KeyAndOperator);
        Ok(match tok {
            Token::In => Operator::In,
            Token::Equals => Operator::Equals,
            Token::DoubleEquals => Operator::DoubleEquals,
            Token::GreaterThan => Operator::GreaterThan,
            Token::LessThan => Operator::LessThan,
            Token::NotIn => Operator::NotIn,
            Token::NotEquals => Operator::NotEquals,
            _ => {
                return Err(format!(
                    "found '{lit}', expected: in, notin, =, ==, !=, gt, lt"
                ));
            }
        })
    }

    fn values(&mut self) -> Result<BTreeSet<String>, String> {
        let (tok, lit) = self.consume(Context::Values);
        if tok != Token::OpenPar {
            return Err(format!("found '{lit}' expected: '('"));
        }
        let (tok, lit) = self.lookahead(Context::Values);
        match tok {
            Token::Identifier | Token::Comma => {
                let set = self.identifiers()?;
                let (closing, _) = self.consume(Context::Values);
                if closing != Token::ClosedPar {
                    return Err(format!("found '{lit}', expected: ')'"));
                }
                Ok(set)
            }
            Token::ClosedPar => {
                self.consume(Context::Values);
                Ok(BTreeSet::from([String::new()]))
            }
            _ => Err(format!("found '{lit}', expected: ',', ')' or identifier")),
        }
    }

    fn identifiers(&mut self) -> Result<BTreeSet<String>, String> {
        let mut set = BTreeSet::new();
        loop {
            let (tok, lit) = self.consume(Context::Values);
            match tok {
                Token::Identifier => {
                    set.insert(lit);
                    let (next, next_lit) = self.lookahead(Context::Values);
                    match next {
                        Token::Comma => continue,
                        Token::ClosedPar => return Ok(set),
                        _ => return Err(format!("found '{next_lit}', expected: ',' or ')'")),
                    }
                }
                Token::Comma => {
                    // `(,` `,,` and `,)` stand for empty values.
                    if set.is_empty() {
                        set.insert(String::new());
                    }
                    let (next, _) = self.lookahead(Context::Values);
                    if next == Token::ClosedPar {
                        set.insert(String::new());
                        return Ok(set);
                    }
                    if next == Token::Comma {
                        set.insert(String::new());
                    }
                }
                _ => return Err(format!("found '{lit}', expected: ',', or identifier")),
            }
        }
    }

    fn exact_value(&mut self) -> Result<BTreeSet<String>, String> {
        let (tok, _) = self.lookahead(Context::Values);
        if matches!(tok, Token::EndOfString | Token::Comma) {
            return Ok(BTreeSet::from([String::new()]));
        }
        let (tok, lit) = self.consume(Context::Values);
        if tok == Token::Identifier {
            Ok(BTreeSet::from([lit]))
        } else {
            Err(format!("found '{lit}', expected: identifier"))
        }
    }
}

/// An error list as one message, as `ErrorList.ToAggregate().Error()` words it.
fn aggregate(errs: &ErrorList) -> String {
    super::validation::field::aggregate_message(errs)
}

/// `labels.Parse`: the requirements sorted by key, or upstream's error message.
pub fn parse(selector: &str) -> Result<Selector, String> {
    let mut parser = Parser {
        items: lex(selector),
        position: 0,
    };
    let mut requirements = parser.parse()?;
    requirements.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(Selector::from_requirements(requirements))
}

/// `labels.ConvertSelectorToLabelsMap`: the plain `k=v,k2=v2` list some kubectl flags take.
pub fn convert_selector_to_labels_map(selector: &str) -> Result<Map<String, Value>, String> {
    let mut map = Map::new();
    if selector.is_empty() {
        return Ok(map);
    }
    for label in selector.split(',') {
        let parts: Vec<&str> = label.split('=').collect();
        let [key, value] = parts.as_slice() else {
            return Err(format!("invalid selector: [{}]", parts.join(" ")));
        };
        let (key, value) = (key.trim(), value.trim());
        if let Some(e) = key_error(key, &Path::none()) {
            return Err(e.to_string());
        }
        let msgs = is_label_value(value);
        if !msgs.is_empty() {
            return Err(FieldError::invalid(
                &Path::none().key(key),
                value.into(),
                &msgs.join("; "),
            )
            .to_string());
        }
        map.insert(key.to_string(), Value::from(value));
    }
    Ok(map)
}

/// `labels.Set.String()`: sorted `k=v` pairs joined by commas.
pub fn set_string(set: &Map<String, Value>) -> String {
    Selector::from_set(set).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_and_prints() {
        let s = parse("x in (b,a), y!=z ,!w").unwrap();
        assert_eq!(s.to_string(), "!w,x in (a,b),y!=z");
        assert!(s.matches(&json!({"metadata": {"labels": {"x": "a", "y": "q"}}})));
        assert!(!s.matches(&json!({"metadata": {"labels": {"x": "a", "w": ""}}})));
    }

    #[test]
    fn errors_in_upstream_words() {
        assert_eq!(
            parse("x=a||y=b").unwrap_err(),
            "unable to parse requirement: values[0][x]: Invalid value: \"a||y\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
        );
        assert_eq!(
            parse("a in (xyz),").unwrap_err(),
            "found '', expected: identifier after ','"
        );
        assert!(parse("x<a").is_err());
    }
}
