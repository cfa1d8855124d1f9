//! YAML syntax colouring for the editor, line by line.
//!
//! A forgiving scanner, not a parser: the text is often half-typed, so every line gets tokens
//! whatever it holds. It knows what a reader of a manifest looks for — keys, strings, numbers,
//! booleans and null, comments, document markers (`---`, `...`), anchors and aliases (`&a`,
//! `*a`), tags (`!!str`), list dashes and flow brackets — and block scalars (`key: |`), whose
//! more-indented lines that follow are string text. The only state carried from one line to
//! the next is that block scalar's indentation, so each line can be coloured (and cached) on
//! its own given the state before it.

/// What a piece of a line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    Key,
    String,
    Number,
    /// `true`, `false`, `null`, `~` (and YAML 1.1's yes/no/on/off spellings).
    Literal,
    Comment,
    /// `---` and `...`.
    Document,
    /// `&anchor` and `*alias`.
    Anchor,
    Tag,
    /// `-`, `:`, `,`, `[`, `]`, `{`, `}`, `|`, `>`.
    Punct,
    /// Spaces and anything else.
    Plain,
}

impl Class {
    /// The CSS class of a token (`tok-key`...); plain text has none.
    pub fn css(self) -> Option<&'static str> {
        Some(match self {
            Class::Key => "tok-key",
            Class::String => "tok-string",
            Class::Number => "tok-number",
            Class::Literal => "tok-literal",
            Class::Comment => "tok-comment",
            Class::Document => "tok-doc",
            Class::Anchor => "tok-anchor",
            Class::Tag => "tok-tag",
            Class::Punct => "tok-punct",
            Class::Plain => return None,
        })
    }
}

/// The state between lines: inside a block scalar whose lines are indented more than this.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct State {
    pub block_indent: Option<usize>,
}

/// One token: its class and its text (a slice of the line; the tokens of a line join to it).
pub type Token<'a> = (Class, &'a str);

/// The tokens of `line` (without its newline) and the state for the next line.
pub fn line(line: &str, state: State) -> (Vec<Token<'_>>, State) {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if let Some(block) = state.block_indent {
        if line.trim().is_empty() {
            return (plain_or_empty(line), state);
        }
        if indent > block {
            return (vec![(Class::String, line)], state);
        }
    }
    let mut out = Vec::new();
    let trimmed = line.trim_end();
    if trimmed == "---" || trimmed == "..." || line.starts_with("--- ") {
        let (marker, rest) = line.split_at(3);
        out.push((Class::Document, marker));
        let next = scan(rest, &mut out);
        return (out, next_state(next, indent));
    }
    let next = scan(line, &mut out);
    (out, next_state(next, indent))
}

fn plain_or_empty(line: &str) -> Vec<Token<'_>> {
    if line.is_empty() {
        Vec::new()
    } else {
        vec![(Class::Plain, line)]
    }
}

/// A line that ends with a block scalar indicator starts a block indented past the line.
fn next_state(opens_block: bool, indent: usize) -> State {
    State {
        block_indent: opens_block.then_some(indent),
    }
}

/// Tokens of the content of a line; returns whether it ends by opening a block scalar.
fn scan<'a>(s: &'a str, out: &mut Vec<Token<'a>>) -> bool {
    let mut rest = s;
    let mut opens_block = false;
    // Whether a key may start here (line start, after `- `, after `{` or `,` in flow).
    let mut key_allowed = true;
    while !rest.is_empty() {
        let c = rest.chars().next().unwrap_or(' ');
        let (class, len) = match c {
            ' ' | '\t' => (Class::Plain, rest.len() - rest.trim_start().len()),
            '#' => (Class::Comment, rest.len()),
            '-' if rest.len() == 1 || rest[1..].starts_with([' ', '\t']) => {
                key_allowed = true;
                (Class::Punct, 1)
            }
            '[' | ']' | '{' | '}' | ',' => {
                key_allowed = matches!(c, '{' | ',');
                (Class::Punct, 1)
            }
            ':' => (Class::Punct, 1),
            '|' | '>' if block_indicator(rest) => {
                opens_block = true;
                (Class::Punct, token_len(rest))
            }
            '&' | '*' => (Class::Anchor, token_len(rest)),
            '!' => (Class::Tag, token_len(rest)),
            '"' | '\'' => {
                let len = quoted_len(rest, c);
                let class = if key_allowed && is_key_end(&rest[len..]) {
                    Class::Key
                } else {
                    Class::String
                };
                key_allowed = false;
                (class, len)
            }
            _ => {
                let len = plain_len(rest);
                let word = &rest[..len];
                let class = if key_allowed && is_key_end(&rest[len..]) {
                    Class::Key
                } else {
                    scalar_class(word.trim_end())
                };
                key_allowed = false;
                (class, len.max(1))
            }
        };
        let len = len.clamp(1, rest.len());
        // Never split a character: widen to the next boundary.
        let len = (len..=rest.len())
            .find(|&i| rest.is_char_boundary(i))
            .unwrap_or(rest.len());
        let (token, after) = rest.split_at(len);
        out.push((class, token));
        rest = after;
    }
    opens_block
}

/// `|`, `>`, `|-`, `>+2`... followed by nothing but spaces and a comment.
fn block_indicator(s: &str) -> bool {
    let len = token_len(s);
    let (indicator, after) = s.split_at(len);
    indicator
        .chars()
        .skip(1)
        .all(|c| c == '-' || c == '+' || c.is_ascii_digit())
        && (after.trim().is_empty() || after.trim_start().starts_with('#'))
}

/// Up to the next space (or the end).
fn token_len(s: &str) -> usize {
    s.find([' ', '\t', ',', ']', '}']).unwrap_or(s.len()).max(1)
}

/// A quoted string up to its closing quote (`''` and `\"` escapes kept inside), or the line.
fn quoted_len(s: &str, quote: char) -> usize {
    let mut chars = s.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        if quote == '"' && c == '\\' {
            chars.next();
        } else if c == quote {
            if quote == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') {
                chars.next();
                continue;
            }
            return i + c.len_utf8();
        }
    }
    s.len()
}

/// A plain scalar: up to `: `, ` #`, or a flow character.
fn plain_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        match b {
            b':' if matches!(next, None | Some(b' ' | b'\t' | b',' | b']' | b'}')) => break,
            b'#' if i > 0 && matches!(bytes[i - 1], b' ' | b'\t') => break,
            b',' | b'[' | b']' | b'{' | b'}' => break,
            _ => i += 1,
        }
    }
    // Trailing spaces before a comment are not part of the scalar.
    let word = &s[..i.min(s.len())];
    word.trim_end().len().max(if i == 0 { 0 } else { 1 })
}

/// Whether what follows a scalar makes it a key: optional spaces, then `:` and a space or end.
fn is_key_end(after: &str) -> bool {
    let after = after.trim_start_matches([' ', '\t']);
    after == ":" || after.starts_with(": ") || after.starts_with(":\t")
}

/// The class of a plain scalar by its text, as a YAML reader resolves it.
fn scalar_class(word: &str) -> Class {
    match word {
        "true" | "false" | "True" | "False" | "TRUE" | "FALSE" | "null" | "Null" | "NULL" | "~"
        | "yes" | "no" | "on" | "off" | "Yes" | "No" | "On" | "Off" => Class::Literal,
        _ if is_number(word) => Class::Number,
        _ => Class::String,
    }
}

fn is_number(word: &str) -> bool {
    let w = word.strip_prefix(['-', '+']).unwrap_or(word);
    if w.is_empty() {
        return false;
    }
    if let Some(hex) = w.strip_prefix("0x") {
        return !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit());
    }
    if let Some(oct) = w.strip_prefix("0o") {
        return !oct.is_empty() && oct.chars().all(|c| c.is_digit(8));
    }
    matches!(w, ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN") || w.parse::<f64>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(text: &str) -> Vec<Vec<(Class, String)>> {
        let mut state = State::default();
        text.split('\n')
            .map(|l| {
                let (tokens, next) = line(l, state);
                state = next;
                assert_eq!(
                    tokens.iter().map(|t| t.1).collect::<String>(),
                    l,
                    "tokens join to the line"
                );
                tokens
                    .into_iter()
                    .filter(|(c, _)| *c != Class::Plain)
                    .map(|(c, t)| (c, t.to_string()))
                    .collect()
            })
            .collect()
    }

    fn tok(c: Class, t: &str) -> (Class, String) {
        (c, t.to_string())
    }

    #[test]
    fn keys_values_and_comments() {
        use Class::*;
        let got = classes(
            "---\nkind: Pod # a pod\nspec:\n  replicas: 3\n  - name: \"web\"\n    on: true\n...",
        );
        assert_eq!(got[0], vec![tok(Document, "---")]);
        assert_eq!(
            got[1],
            vec![
                tok(Key, "kind"),
                tok(Punct, ":"),
                tok(String, "Pod"),
                tok(Comment, "# a pod")
            ]
        );
        assert_eq!(got[2], vec![tok(Key, "spec"), tok(Punct, ":")]);
        assert_eq!(
            got[3],
            vec![tok(Key, "replicas"), tok(Punct, ":"), tok(Number, "3")]
        );
        assert_eq!(
            got[4],
            vec![
                tok(Punct, "-"),
                tok(Key, "name"),
                tok(Punct, ":"),
                tok(String, "\"web\"")
            ]
        );
        assert_eq!(
            got[5],
            vec![tok(Key, "on"), tok(Punct, ":"), tok(Literal, "true")]
        );
        assert_eq!(got[6], vec![tok(Document, "...")]);
    }

    #[test]
    fn anchors_tags_flow_and_block_scalars() {
        use Class::*;
        let got = classes(
            "base: &b {a: 1, b: [x, null]}\nother: *b\nn: !!str 1\ndata: |\n  key: not a key\n  # not a comment\nnext: 0x1F",
        );
        assert_eq!(
            got[0],
            vec![
                tok(Key, "base"),
                tok(Punct, ":"),
                tok(Anchor, "&b"),
                tok(Punct, "{"),
                tok(Key, "a"),
                tok(Punct, ":"),
                tok(Number, "1"),
                tok(Punct, ","),
                tok(Key, "b"),
                tok(Punct, ":"),
                tok(Punct, "["),
                tok(String, "x"),
                tok(Punct, ","),
                tok(Literal, "null"),
                tok(Punct, "]"),
                tok(Punct, "}"),
            ]
        );
        assert_eq!(
            got[1],
            vec![tok(Key, "other"), tok(Punct, ":"), tok(Anchor, "*b")]
        );
        assert_eq!(
            got[2],
            vec![
                tok(Key, "n"),
                tok(Punct, ":"),
                tok(Tag, "!!str"),
                tok(Number, "1")
            ]
        );
        assert_eq!(
            got[3],
            vec![tok(Key, "data"), tok(Punct, ":"), tok(Punct, "|")]
        );
        assert_eq!(got[4], vec![tok(String, "  key: not a key")]);
        assert_eq!(got[5], vec![tok(String, "  # not a comment")]);
        assert_eq!(
            got[6],
            vec![tok(Key, "next"), tok(Punct, ":"), tok(Number, "0x1F")]
        );
    }

    #[test]
    fn urls_korean_text_and_broken_lines_stay_whole() {
        use Class::*;
        let got = classes(
            "image: registry.k8s.io/pause:3.10\nmsg: '안녕 ''세상'''\nbad: \"open\n: :: - -x",
        );
        assert_eq!(
            got[0],
            vec![
                tok(Key, "image"),
                tok(Punct, ":"),
                tok(String, "registry.k8s.io/pause:3.10")
            ]
        );
        assert_eq!(
            got[1],
            vec![
                tok(Key, "msg"),
                tok(Punct, ":"),
                tok(String, "'안녕 ''세상'''")
            ]
        );
        assert_eq!(
            got[2],
            vec![tok(Key, "bad"), tok(Punct, ":"), tok(String, "\"open")]
        );
        assert!(!got[3].is_empty());
    }
}
