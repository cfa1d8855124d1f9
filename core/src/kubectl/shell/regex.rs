//! POSIX regular expressions as `grep`, `sed` and `awk` read them, turned into `regex-lite`
//! patterns: basic (BRE, where `\(`, `\)`, `\{`, `\}`, `\|`, `\+` and `\?` are the operators
//! and the bare characters are literal) or extended (ERE, already the modern syntax).
//! Bracket classes like `[[:digit:]]` pass through, since regex-lite knows them.

use regex_lite::{Regex, RegexBuilder};

/// The pattern compiled, or the tool's complaint (`grep: Unmatched ( or \(`-like text is
/// not reproduced: the message says what regex-lite found).
pub fn compile(pattern: &str, extended: bool, ignore_case: bool) -> Result<Regex, String> {
    let translated = if extended {
        pattern.to_string()
    } else {
        from_basic(pattern)
    };
    RegexBuilder::new(&translated)
        .case_insensitive(ignore_case)
        .build()
        .map_err(|e| {
            let first = e.to_string();
            let reason = first.lines().last().unwrap_or_default().trim().to_string();
            format!("invalid regular expression '{pattern}': {reason}")
        })
}

/// A basic regular expression in extended syntax.
fn from_basic(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 4);
    let mut chars = pattern.chars().peekable();
    let mut in_bracket = false;
    while let Some(c) = chars.next() {
        if in_bracket {
            out.push(c);
            if c == ']' {
                in_bracket = false;
            }
            continue;
        }
        match c {
            '[' => {
                in_bracket = true;
                out.push(c);
                // `[]...]` and `[^]...]`: a leading `]` is a member, not the end.
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push_str("\\]");
                    chars.next();
                }
            }
            '\\' => match chars.next() {
                Some(op @ ('(' | ')' | '{' | '}' | '|' | '+' | '?')) => out.push(op),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push_str("\\\\"),
            },
            '(' | ')' | '{' | '}' | '|' | '+' | '?' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_operators_are_escaped_the_other_way() {
        assert_eq!(from_basic(r"a\(b\)c+"), r"a(b)c\+");
        assert_eq!(from_basic(r"x\{2\}|y"), r"x{2}\|y");
        assert_eq!(from_basic(r"[(]\.*"), r"[(]\.*");
        assert_eq!(from_basic(r"[]a]"), r"[\]a]");
    }

    #[test]
    fn compiles_both_kinds() {
        let re = compile(r"image: \(.*\):v1", false, false).expect("compiles");
        assert!(re.is_match("  image: nginx:v1"));
        let re = compile("Running|Pending", true, false).expect("compiles");
        assert!(re.is_match("web Pending"));
        assert!(compile("Running|Pending", false, false).is_ok_and(|r| !r.is_match("Pending")));
        assert!(compile("RUN", false, true).is_ok_and(|r| r.is_match("Running")));
        assert!(compile("a(", true, false).is_err());
    }
}
