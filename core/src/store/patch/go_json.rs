//! Reading a request body as the API server's Go JSON decoder does, so that a malformed patch
//! is refused in Go's words (`invalid character '}' looking for beginning of object key
//! string`, `unexpected end of JSON input`) rather than in serde's.

use serde_json::Value;

/// Parses `text`, or returns `encoding/json`'s syntax error message.
pub fn parse(text: &str) -> Result<Value, String> {
    check(text.as_bytes())?;
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// Go's `quoteChar`: how a byte appears in a syntax error.
fn quote(c: u8) -> String {
    match c {
        b'\'' => "'\\''".into(),
        b'"' => "'\"'".into(),
        b'\n' => "'\\n'".into(),
        b'\r' => "'\\r'".into(),
        b'\t' => "'\\t'".into(),
        c if c.is_ascii_graphic() || c == b' ' => format!("'{}'", c as char),
        c => format!("'\\x{c:02x}'"),
    }
}

fn invalid(c: u8, context: &str) -> String {
    format!("invalid character {} {context}", quote(c))
}

const EOF: &str = "unexpected end of JSON input";

/// A small scanner in the shape of Go's `scanner.go`: it only reports the first error.
fn check(s: &[u8]) -> Result<(), String> {
    let mut i = skip_ws(s, 0);
    i = value(s, i)?;
    i = skip_ws(s, i);
    match s.get(i) {
        None => Ok(()),
        Some(&c) => Err(invalid(c, "after top-level value")),
    }
}

fn skip_ws(s: &[u8], mut i: usize) -> usize {
    while matches!(s.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

fn value(s: &[u8], i: usize) -> Result<usize, String> {
    match s.get(i) {
        None => Err(EOF.into()),
        Some(b'{') => object(s, i + 1),
        Some(b'[') => array(s, i + 1),
        Some(b'"') => string(s, i + 1),
        Some(b'-' | b'0'..=b'9') => number(s, i),
        Some(b't') => literal(s, i, "true"),
        Some(b'f') => literal(s, i, "false"),
        Some(b'n') => literal(s, i, "null"),
        Some(&c) => Err(invalid(c, "looking for beginning of value")),
    }
}

fn object(s: &[u8], i: usize) -> Result<usize, String> {
    let mut i = skip_ws(s, i);
    if s.get(i) == Some(&b'}') {
        return Ok(i + 1);
    }
    loop {
        match s.get(i) {
            None => return Err(EOF.into()),
            Some(b'"') => i = string(s, i + 1)?,
            Some(&c) => return Err(invalid(c, "looking for beginning of object key string")),
        }
        i = skip_ws(s, i);
        match s.get(i) {
            None => return Err(EOF.into()),
            Some(b':') => {}
            Some(&c) => return Err(invalid(c, "after object key")),
        }
        i = skip_ws(s, i + 1);
        i = value(s, i)?;
        i = skip_ws(s, i);
        match s.get(i) {
            None => return Err(EOF.into()),
            Some(b',') => i = skip_ws(s, i + 1),
            Some(b'}') => return Ok(i + 1),
            Some(&c) => return Err(invalid(c, "after object key:value pair")),
        }
    }
}

fn array(s: &[u8], i: usize) -> Result<usize, String> {
    let mut i = skip_ws(s, i);
    if s.get(i) == Some(&b']') {
        return Ok(i + 1);
    }
    loop {
        i = value(s, i)?;
        i = skip_ws(s, i);
        match s.get(i) {
            None => return Err(EOF.into()),
            Some(b',') => i = skip_ws(s, i + 1),
            Some(b']') => return Ok(i + 1),
            Some(&c) => return Err(invalid(c, "after array element")),
        }
    }
}

fn string(s: &[u8], mut i: usize) -> Result<usize, String> {
    loop {
        match s.get(i) {
            None => return Err(EOF.into()),
            Some(b'"') => return Ok(i + 1),
            Some(b'\\') => match s.get(i + 1) {
                None => return Err(EOF.into()),
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                Some(b'u') => {
                    for k in 0..4 {
                        match s.get(i + 2 + k) {
                            None => return Err(EOF.into()),
                            Some(c) if c.is_ascii_hexdigit() => {}
                            Some(&c) => {
                                return Err(invalid(c, "in \\u hexadecimal character escape"));
                            }
                        }
                    }
                    i += 6;
                }
                Some(&c) => return Err(invalid(c, "in string escape code")),
            },
            Some(&c) if c < 0x20 => return Err(invalid(c, "in string literal")),
            Some(_) => i += 1,
        }
    }
}

fn number(s: &[u8], mut i: usize) -> Result<usize, String> {
    if s.get(i) == Some(&b'-') {
        i += 1;
        match s.get(i) {
            None => return Err(EOF.into()),
            Some(b'0'..=b'9') => {}
            Some(&c) => return Err(invalid(c, "in numeric literal")),
        }
    }
    if s.get(i) == Some(&b'0') {
        i += 1;
    } else {
        while matches!(s.get(i), Some(b'0'..=b'9')) {
            i += 1;
        }
    }
    if s.get(i) == Some(&b'.') {
        i += 1;
        match s.get(i) {
            None => return Err(EOF.into()),
            Some(b'0'..=b'9') => {}
            Some(&c) => return Err(invalid(c, "after decimal point in numeric literal")),
        }
        while matches!(s.get(i), Some(b'0'..=b'9')) {
            i += 1;
        }
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(s.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        match s.get(i) {
            None => return Err(EOF.into()),
            Some(b'0'..=b'9') => {}
            Some(&c) => return Err(invalid(c, "in exponent of numeric literal")),
        }
        while matches!(s.get(i), Some(b'0'..=b'9')) {
            i += 1;
        }
    }
    Ok(i)
}

fn literal(s: &[u8], i: usize, word: &str) -> Result<usize, String> {
    for (k, want) in word.bytes().enumerate().skip(1) {
        match s.get(i + k) {
            None => return Err(EOF.into()),
            Some(&c) if c == want => {}
            Some(&c) => {
                return Err(invalid(
                    c,
                    &format!("in literal {word} (expecting {})", quote(want)),
                ));
            }
        }
    }
    Ok(i + word.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_syntax_errors() {
        for (input, want) in [
            ("{\"spec\":", "unexpected end of JSON input"),
            ("", "unexpected end of JSON input"),
            (
                "{spec: 1}",
                "invalid character 's' looking for beginning of object key string",
            ),
            ("{\"a\" 1}", "invalid character '1' after object key"),
            (
                "{\"a\":1 \"b\":2}",
                "invalid character '\"' after object key:value pair",
            ),
            ("[1 2]", "invalid character '2' after array element"),
            ("{} x", "invalid character 'x' after top-level value"),
            (
                "{\"a\":'b'}",
                "invalid character '\\'' looking for beginning of value",
            ),
            (
                "{\"a\":tru}",
                "invalid character '}' in literal true (expecting 'e')",
            ),
            (
                "{\"a\":1.}",
                "invalid character '}' after decimal point in numeric literal",
            ),
        ] {
            assert_eq!(parse(input).err().as_deref(), Some(want), "{input}");
        }
        assert!(parse("{\"a\":[1,-2.5e3,true,null,\"x\\n\"]}").is_ok());
    }
}
