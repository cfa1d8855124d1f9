//! Field selectors (`metadata.name=web,status.phase!=Running`), as `fields.ParseSelector`
//! reads them and `Selector.String()` prints them: `=`, `==` and `!=` terms joined by commas,
//! with `\`, `,` and `=` in values escaped by a backslash.

use std::fmt;

/// One `field=value` (or `!=`) term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    pub field: String,
    pub value: String,
    /// `!=` rather than `=`/`==`.
    pub negated: bool,
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = if self.negated { "!=" } else { "=" };
        write!(f, "{}{op}{}", self.field, escape_value(&self.value))
    }
}

/// A parsed field selector: every term must hold. No terms selects everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector {
    pub terms: Vec<Term>,
}

impl Selector {
    /// `fields.SelectorFromSet`: `field=value` terms, unescaped and unchecked.
    pub fn from_set(set: &[(&str, &str)]) -> Selector {
        Selector {
            terms: set
                .iter()
                .map(|(f, v)| Term {
                    field: (*f).to_string(),
                    value: (*v).to_string(),
                    negated: false,
                })
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether an object whose fields read as `get` is selected (an absent field reads "").
    pub fn matches(&self, get: impl Fn(&str) -> Option<String>) -> bool {
        self.terms.iter().all(|t| {
            let actual = get(&t.field).unwrap_or_default();
            (actual == t.value) != t.negated
        })
    }

    /// `RequiresExactMatch`.
    pub fn requires_exact_match(&self, field: &str) -> Option<&str> {
        self.terms
            .iter()
            .find(|t| !t.negated && t.field == field)
            .map(|t| t.value.as_str())
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, t) in self.terms.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{t}")?;
        }
        Ok(())
    }
}

/// `fields.Set.String()`: sorted `field=value` pairs, values as they are.
pub fn set_string(set: &[(&str, &str)]) -> String {
    let mut pairs: Vec<String> = set.iter().map(|(f, v)| format!("{f}={v}")).collect();
    pairs.sort_unstable();
    pairs.join(",")
}

/// `fields.EscapeValue`.
pub fn escape_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | ',' | '=') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `fields.UnescapeValue`, with upstream's error messages.
pub fn unescape_value(s: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut in_slash = false;
    for c in s.chars() {
        if in_slash {
            if !matches!(c, '\\' | ',' | '=') {
                return Err(format!(
                    "invalid field selector: invalid escape sequence: \\{c}"
                ));
            }
            out.push(c);
            in_slash = false;
            continue;
        }
        match c {
            '\\' => in_slash = true,
            // Upstream prints the rune with %v: its code point.
            ',' | '=' => {
                return Err(format!(
                    "invalid field selector: unescaped character in value: {}",
                    u32::from(c)
                ));
            }
            _ => out.push(c),
        }
    }
    if in_slash {
        return Err("invalid field selector: invalid escape sequence: \\".into());
    }
    Ok(out)
}

/// Upstream's `splitTerms`: cuts at commas that are not escaped.
pub fn split_terms(selector: &str) -> Vec<&str> {
    if selector.is_empty() {
        return Vec::new();
    }
    let mut terms = Vec::new();
    let mut start = 0;
    let mut in_slash = false;
    for (i, c) in selector.char_indices() {
        if in_slash {
            in_slash = false;
        } else if c == '\\' {
            in_slash = true;
        } else if c == ',' {
            terms.push(selector.get(start..i).unwrap_or(""));
            start = i + 1;
        }
    }
    terms.push(selector.get(start..).unwrap_or(""));
    terms
}

/// Upstream's `splitTerm`: the first `!=`, `==` or `=` cuts a term into field, operator and
/// value.
pub fn split_term(term: &str) -> Option<(&str, &str, &str)> {
    for (i, _) in term.char_indices() {
        let rest = term.get(i..).unwrap_or("");
        for op in ["!=", "==", "="] {
            if rest.starts_with(op) {
                return Some((
                    term.get(..i).unwrap_or(""),
                    op,
                    rest.get(op.len()..).unwrap_or(""),
                ));
            }
        }
    }
    None
}

/// `fields.ParseSelector`: terms sorted as written text, or upstream's error message.
pub fn parse(selector: &str) -> Result<Selector, String> {
    let mut parts = split_terms(selector);
    parts.sort_unstable();
    let mut terms = Vec::new();
    for part in parts.into_iter().filter(|p| !p.is_empty()) {
        let Some((field, op, value)) = split_term(part) else {
            return Err(format!(
                "invalid selector: '{selector}'; can't understand '{part}'"
            ));
        };
        terms.push(Term {
            field: field.to_string(),
            value: unescape_value(value)?,
            negated: op == "!=",
        });
    }
    Ok(Selector { terms })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_escapes_and_prints() {
        let s = parse("x=a\\,b,y!=c").unwrap();
        assert_eq!(s.to_string(), "x=a\\,b,y!=c");
        assert!(s.matches(|f| Some(if f == "x" { "a,b" } else { "d" }.to_string())));
        assert_eq!(
            parse("x").unwrap_err(),
            "invalid selector: 'x'; can't understand 'x'"
        );
        assert_eq!(
            parse("x=a=b").unwrap_err(),
            "invalid field selector: unescaped character in value: 61"
        );
    }
}
