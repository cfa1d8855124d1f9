//! `kubectl -o yaml`: renders a JSON value as YAML, byte for byte like kubectl.
//!
//! kubectl prints YAML by marshalling the object to JSON and handing that JSON
//! to `sigs.k8s.io/yaml.JSONToYAML`, which parses it with go-yaml v2
//! (`go.yaml.in/yaml/v2`, the same code as `gopkg.in/yaml.v2` v2.4) into
//! `map[interface{}]interface{}` values and marshals those with go-yaml v2 again.
//! This module reproduces that round trip for a [`serde_json::Value`]:
//!
//! * map keys are ordered by go-yaml's "natural" key order (`sorter.go`), not by
//!   byte order: non-letters before letters, digit runs compared as numbers;
//! * numbers print as go-yaml prints the int64/uint64/float64 it would have
//!   decoded from Go's JSON text for that number (`1e+06`, `1.5`, `1000000`);
//! * strings get go-yaml's scalar style: plain when that reads back as the same
//!   string under YAML 1.1 (`resolve.go`), double quotes when it would read back
//!   as a bool, number, null or timestamp, single quotes when plain is merely
//!   not allowed, double quotes again when escapes are needed, and literal block
//!   scalars (`|`, `|-`, `|+`) for strings containing a newline;
//! * the writing itself follows libyaml's emitter as ported in `emitterc.go`:
//!   2-space indent, block sequences not indented under their key, `{}`/`[]`
//!   for empty containers, plain and quoted scalars folded at spaces once past
//!   column 80, keys longer than 128 bytes or multi-line written as `? key`.
//!
//! kubectl fails with "control characters are not allowed" for strings that
//! contain U+007F, U+0080..U+009F (except U+0085), U+FFFE or U+FFFF, and for map
//! keys containing U+0085; `to_yaml` cannot fail, so those get go-yaml's
//! escaped rendering instead.

use serde_json::{Map, Number, Value};

/// go-yaml's indentation step.
const BEST_INDENT: usize = 2;
/// Column after which go-yaml folds plain and quoted scalars at a space.
const BEST_WIDTH: usize = 80;
/// Longest scalar (in bytes) that may be written as an implicit `key:`.
const MAX_SIMPLE_KEY_LEN: usize = 128;

/// Renders `value` exactly as `kubectl -o yaml` (go-yaml v2) would.
pub fn to_yaml(value: &Value) -> String {
    let mut emitter = Emitter {
        out: String::new(),
        column: 0,
        indent: None,
        whitespace: true,
        indention: true,
    };
    emitter.node(value, Ctx::Other);
    // The document end only finishes the last line.
    emitter.write_indent();
    emitter.out
}

// ------------------------------------------------------------------ emitter --

/// Where a node sits, as far as it changes how go-yaml writes it.
#[derive(Clone, Copy, PartialEq)]
enum Ctx {
    /// The root node or a sequence item.
    Other,
    /// A mapping value, or a key written after `? ` (block sequences here are
    /// not indented relative to the key).
    InMapping,
    /// An implicit `key:` (no folding, no block scalars).
    SimpleKey,
}

/// Scalar styles go-yaml chooses between (it never picks folded `>` itself).
#[derive(Clone, Copy, PartialEq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// The state of libyaml's emitter that influences the bytes written.
struct Emitter {
    out: String,
    /// Current column, counted in characters as libyaml does.
    column: usize,
    /// Indentation of the current block; `None` before the root node.
    indent: Option<usize>,
    /// The last thing written was whitespace (so no separating space is needed).
    whitespace: bool,
    /// Only indentation has been written on the current line so far.
    indention: bool,
}

impl Emitter {
    fn node(&mut self, value: &Value, ctx: Ctx) {
        match value {
            Value::Null => self.scalar("null", Style::Plain, ctx),
            Value::Bool(b) => self.scalar(if *b { "true" } else { "false" }, Style::Plain, ctx),
            Value::Number(n) => self.scalar(&number_text(n), Style::Plain, ctx),
            Value::String(s) => self.string(s, ctx),
            Value::Array(items) if items.is_empty() => self.empty_flow("[", "]"),
            Value::Object(map) if map.is_empty() => self.empty_flow("{", "}"),
            Value::Array(items) => self.block_sequence(items, ctx),
            Value::Object(map) => self.block_mapping(map),
        }
    }

    /// A string scalar, after the JSON round trip kubectl puts it through.
    fn string(&mut self, s: &str, ctx: Ctx) {
        let s = fold_raw_nel(s);
        self.scalar(&s, requested_style(&s), ctx);
    }

    fn empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.write_indicator(close, false, false, false);
    }

    fn block_sequence(&mut self, items: &[Value], ctx: Ctx) {
        let saved = self.indent;
        // `key:` followed by a sequence keeps the sequence at the key's indent.
        let indentless = ctx != Ctx::Other && !self.indention;
        self.indent = Some(match saved {
            None => 0,
            Some(i) if indentless => i,
            Some(i) => i + BEST_INDENT,
        });
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.node(item, Ctx::Other);
        }
        self.indent = saved;
    }

    fn block_mapping(&mut self, map: &Map<String, Value>) {
        let saved = self.indent;
        self.indent = Some(saved.map_or(0, |i| i + BEST_INDENT));
        // Keys of ASCII letters only (most of an object's) come out of the map in go-yaml's
        // order already: letters compare as bytes there, and a prefix sorts first.
        if map
            .keys()
            .all(|k| k.bytes().all(|b| b.is_ascii_alphabetic()))
        {
            for (key, value) in map {
                self.entry(key, value);
            }
        } else {
            let entries: Vec<(Vec<char>, String, &Value)> = map
                .iter()
                .map(|(k, v)| {
                    let key = fold_raw_nel(k);
                    (key.chars().collect(), key, v)
                })
                .collect();
            for (_, key, value) in merge_sort(entries, &|a, b| go_key_less(&a.0, &b.0)) {
                self.entry(&key, value);
            }
        }
        self.indent = saved;
    }

    /// One `key: value` of a block mapping.
    fn entry(&mut self, key: &str, value: &Value) {
        self.write_indent();
        let simple = key.len() <= MAX_SIMPLE_KEY_LEN && !key.chars().any(is_break);
        if simple {
            self.scalar(key, requested_style(key), Ctx::SimpleKey);
            self.write_indicator(":", false, false, false);
        } else {
            // A "complex" key: `? key` on its own line(s), then `: value`.
            self.write_indicator("?", true, false, true);
            self.scalar(key, requested_style(key), Ctx::InMapping);
            self.write_indent();
            self.write_indicator(":", true, false, true);
        }
        self.node(value, Ctx::InMapping);
    }

    fn scalar(&mut self, text: &str, requested: Style, ctx: Ctx) {
        let chars: Vec<char> = text.chars().collect();
        let simple_key = ctx == Ctx::SimpleKey;
        let style = select_style(requested, &analyze(&chars), simple_key);
        // Continuation lines of a scalar are indented one step deeper.
        let saved = self.indent;
        self.indent = Some(saved.map_or(BEST_INDENT, |i| i + BEST_INDENT));
        let allow_breaks = !simple_key;
        match style {
            Style::Plain => self.write_plain_or_single(&chars, allow_breaks, false),
            Style::Single => self.write_plain_or_single(&chars, allow_breaks, true),
            Style::Double => self.write_double_quoted(&chars, allow_breaks),
            Style::Literal => self.write_literal(&chars),
        }
        self.indent = saved;
    }

    // --- low-level writers (emitterc.go: put, write, write_indent, ...) ---

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    /// Writes a line-break character of the value: `\n` as a newline, the
    /// other breaks (U+2028 and friends) as themselves.
    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }

    /// Starts a new line if needed, then pads to the current indentation.
    fn write_indent(&mut self) {
        let indent = self.indent.unwrap_or(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(&mut self, indicator: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        indicator.chars().for_each(|c| self.put(c));
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
    }

    /// Plain (`quoted == false`) and single-quoted scalars. Both fold at a
    /// single space once past the best width; a plain scalar never starts or
    /// ends with a space, so the first/last-character guard only matters for
    /// quoted ones.
    fn write_plain_or_single(&mut self, chars: &[char], allow_breaks: bool, quoted: bool) {
        if quoted {
            self.write_indicator("'", true, false, false);
        } else if !self.whitespace {
            self.put(' ');
        }
        let (mut spaces, mut breaks) = (false, false);
        let last = chars.len().saturating_sub(1);
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_is_space = chars.get(i + 1) == Some(&' ');
                let fold = allow_breaks && !spaces && self.column > BEST_WIDTH;
                if fold && i > 0 && i < last && !next_is_space {
                    self.write_indent(); // the space becomes the line break
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if quoted && c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        if quoted {
            self.write_indicator("'", false, false, false);
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double_quoted(&mut self, chars: &[char], allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        // libyaml's BOM test looks at the start of the value, not at the
        // current character: a leading BOM gets every character escaped.
        let starts_with_bom = chars.first() == Some(&'\u{FEFF}');
        let last = chars.len().saturating_sub(1);
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if !is_printable(c) || starts_with_bom || is_break(c) || c == '"' || c == '\\' {
                self.write_escape(c);
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i > 0 && i < last {
                    self.write_indent();
                    // A following space would be eaten by folding: escape the break.
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_escape(&mut self, c: char) {
        self.put('\\');
        let short = match c {
            '\0' => Some('0'),
            '\u{7}' => Some('a'),
            '\u{8}' => Some('b'),
            '\t' => Some('t'),
            '\n' => Some('n'),
            '\u{b}' => Some('v'),
            '\u{c}' => Some('f'),
            '\r' => Some('r'),
            '\u{1b}' => Some('e'),
            '"' => Some('"'),
            '\\' => Some('\\'),
            '\u{85}' => Some('N'),
            '\u{a0}' => Some('_'),
            '\u{2028}' => Some('L'),
            '\u{2029}' => Some('P'),
            _ => None,
        };
        if let Some(s) = short {
            self.put(s);
            return;
        }
        let code = u32::from(c);
        let hex = if code <= 0xFF {
            format!("x{code:02X}")
        } else if code <= 0xFFFF {
            format!("u{code:04X}")
        } else {
            format!("U{code:08X}")
        };
        hex.chars().for_each(|h| self.put(h));
    }

    fn write_literal(&mut self, chars: &[char]) {
        self.write_indicator("|", true, false, false);
        // Indentation indicator when the content starts with a space or break.
        if chars.first().is_some_and(|&c| c == ' ' || is_break(c)) {
            self.write_indicator("2", false, false, false);
        }
        // Chomping: `-` strips (no final break), `+` keeps (two or more breaks,
        // or the value is a single break), nothing clips (exactly one).
        let mut tail = chars.iter().rev();
        let last_is_break = tail.next().is_some_and(|&c| is_break(c));
        let chomp = match tail.next() {
            _ if !last_is_break => Some("-"),
            None => Some("+"),
            Some(&c) if is_break(c) => Some("+"),
            Some(_) => None,
        };
        if let Some(chomp) = chomp {
            self.write_indicator(chomp, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for &c in chars {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

// --------------------------------------------------------- style decisions --

/// What libyaml's `yaml_emitter_analyze_scalar` finds out about a scalar.
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

fn analyze(chars: &[char]) -> Analysis {
    if chars.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let starts_with = |p: &[char]| chars.starts_with(p);
    let mut indicators = starts_with(&['-', '-', '-']) || starts_with(&['.', '.', '.']);
    let (mut line_breaks, mut special) = (false, false);
    let (mut leading_space, mut leading_break) = (false, false);
    let (mut trailing_space, mut trailing_break) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_whitespace = true;
    let last = chars.len().saturating_sub(1);
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_whitespace = chars.get(i + 1).is_none_or(|&n| n == ' ' || n == '\t');
        // Characters that cannot start (or appear in) a plain block scalar.
        indicators |= match c {
            '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%'
            | '@' | '`' => i == 0,
            '?' | '-' => i == 0 && followed_by_whitespace,
            ':' => followed_by_whitespace,
            _ => false,
        } || (c == '#' && preceded_by_whitespace);
        special |= !is_printable(c);
        if c == ' ' {
            leading_space |= i == 0;
            trailing_space |= i == last;
            break_space |= previous_break;
            (previous_space, previous_break) = (true, false);
        } else if is_break(c) {
            line_breaks = true;
            leading_break |= i == 0;
            trailing_break |= i == last;
            space_break |= previous_space;
            (previous_space, previous_break) = (false, true);
        } else {
            (previous_space, previous_break) = (false, false);
        }
        preceded_by_whitespace = c == ' ' || c == '\t' || c == '\0' || is_break(c);
    }
    let edges = leading_space || leading_break || trailing_space || trailing_break;
    Analysis {
        multiline: line_breaks,
        block_plain_allowed: !(edges
            || break_space
            || space_break
            || special
            || line_breaks
            || indicators),
        single_quoted_allowed: !(break_space || space_break || special),
        block_allowed: !(trailing_space || space_break || special),
    }
}

/// The style go-yaml's encoder asks for (`encode.go`, `stringv`).
fn requested_style(s: &str) -> Style {
    if s.contains('\n') {
        Style::Literal
    } else if resolves_to_non_string(s) || is_base60_float(s) {
        Style::Double
    } else {
        Style::Plain
    }
}

/// The style the emitter settles on (`yaml_emitter_select_scalar_style`).
fn select_style(requested: Style, a: &Analysis, simple_key: bool) -> Style {
    let mut style = requested;
    if simple_key && a.multiline {
        style = Style::Double;
    }
    if style == Style::Plain && !a.block_plain_allowed {
        style = Style::Single;
    }
    if style == Style::Single && !a.single_quoted_allowed {
        style = Style::Double;
    }
    if style == Style::Literal && (!a.block_allowed || simple_key) {
        style = Style::Double;
    }
    style
}

/// libyaml's `is_printable`: note that tab, CR, DEL, C1 controls and every
/// character outside the BMP (emoji) are *not* printable.
fn is_printable(c: char) -> bool {
    matches!(c, '\n' | ' '..='~' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        && c != '\u{FEFF}'
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

// ------------------------------------------------------- JSON round trip --

/// Go's JSON encoder writes U+0085 (NEL) unescaped, and go-yaml's scanner then
/// treats it as a line break inside the double-quoted JSON string and folds
/// it: spaces before the break are dropped, spaces after it are skipped, a
/// single break becomes a space and further breaks become newlines.
fn fold_raw_nel(s: &str) -> String {
    if !s.contains('\u{85}') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != ' ' && c != '\u{85}' {
            out.push(c);
            continue;
        }
        // A run of raw spaces and NELs.
        let (mut spaces, mut first_break, mut more_breaks) = (0, false, 0);
        let mut current = Some(c);
        while let Some(b) = current {
            match (b, first_break) {
                (' ', false) => spaces += 1,
                (' ', true) => {}
                (_, false) => first_break = true,
                (_, true) => more_breaks += 1,
            }
            current = chars.next_if(|&n| n == ' ' || n == '\u{85}');
        }
        match (first_break, more_breaks) {
            (false, _) => out.extend(std::iter::repeat_n(' ', spaces)),
            (true, 0) => out.push(' '),
            (true, n) => out.extend(std::iter::repeat_n('\n', n)),
        }
    }
    out
}

/// The text go-yaml prints for a JSON number, after the round trip through
/// Go's JSON encoder and go-yaml's resolver (int64, then uint64, then float64).
fn number_text(n: &Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    let f = n.as_f64().unwrap_or(0.0);
    // encoding/json writes whole numbers below 1e21 without exponent; such
    // text resolves as an integer again when it fits 64 bits.
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e21 {
        let (digits, exp) = shortest_digits(f);
        let zeros = usize::try_from(exp + 1)
            .unwrap_or(0)
            .saturating_sub(digits.len());
        let text = format!(
            "{}{}{}",
            if f < 0.0 { "-" } else { "" },
            digits,
            "0".repeat(zeros)
        );
        if let Ok(i) = text.parse::<i64>() {
            return i.to_string();
        }
        if let Ok(u) = text.parse::<u64>() {
            return u.to_string();
        }
    }
    go_format_g(f)
}

/// Shortest round-trip decimal digits of |f| and the decimal exponent of the
/// first digit (1.5e3 -> ("15", 3)), as Go's strconv picks them: when two
/// shortest candidates are exactly as close to the value, Go takes the even
/// one where Rust's formatter rounds up.
fn shortest_digits(f: f64) -> (String, i32) {
    let split = |sci: String| -> (String, i32) {
        let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
        (mantissa.replace('.', ""), exp.parse().unwrap_or(0))
    };
    let (digits, exp) = split(format!("{:e}", f.abs()));
    // The exact expansion (an f64 has at most 767 significant digits).
    let (exact, exact_exp) = split(format!("{:.800e}", f.abs()));
    let (Some(head), Some(tail)) = (exact.get(..digits.len()), exact.get(digits.len()..)) else {
        return (digits, exp);
    };
    let tie = tail
        .strip_prefix('5')
        .is_some_and(|t| t.bytes().all(|b| b == b'0'));
    let even = head.bytes().last().is_some_and(|b| b.is_multiple_of(2)); // b'0' is even
    if tie && even && exact_exp == exp && head != digits {
        let (first, rest) = (head.get(..1).unwrap_or("0"), head.get(1..).unwrap_or(""));
        if format!("{first}.{rest}e{exp}").parse::<f64>() == Ok(f.abs()) {
            return (head.to_owned(), exp);
        }
    }
    (digits, exp)
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)` with go-yaml's names for the
/// special values.
fn go_format_g(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    let sign = if f.is_sign_negative() { "-" } else { "" };
    if f == 0.0 {
        return format!("{sign}0");
    }
    let (digits, exp) = shortest_digits(f);
    if !(-4..6).contains(&exp) {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        let dot = if rest.is_empty() { "" } else { "." };
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{dot}{rest}e{esign}{:02}", exp.unsigned_abs());
    }
    if exp < 0 {
        let zeros = "0".repeat(usize::try_from(-exp - 1).unwrap_or(0));
        return format!("{sign}0.{zeros}{digits}");
    }
    let point = usize::try_from(exp + 1).unwrap_or(0);
    if point >= digits.len() {
        return format!("{sign}{digits}{}", "0".repeat(point - digits.len()));
    }
    let (int, frac) = digits.split_at(point);
    format!("{sign}{int}.{frac}")
}

// ------------------------------------------------- YAML 1.1 resolution --

/// Would go-yaml read `s`, written plain, back as something other than a
/// string (bool, null, int, float, timestamp)? Mirrors `resolve.go`.
fn resolves_to_non_string(s: &str) -> bool {
    const WORDS: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no",
        "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "~", "null", "Null", "NULL",
        ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf",
        "-.Inf", "-.INF",
    ];
    let Some(first) = s.bytes().next() else {
        return true; // the empty plain scalar is null
    };
    if WORDS.contains(&s) {
        return true;
    }
    match first {
        b'.' => is_go_float(s),
        b'0'..=b'9' | b'+' | b'-' => {
            let plain = s.replace('_', "");
            is_timestamp(s) || is_go_int(&plain) || is_go_float(&plain)
        }
        _ => false,
    }
}

/// `strconv.ParseInt(s, 0, 64)` or `strconv.ParseUint(s, 0, 64)` succeeds.
fn is_go_int(s: &str) -> bool {
    let (sign, body) = match s.as_bytes().first() {
        Some(&c @ (b'+' | b'-')) => (Some(c), s.get(1..).unwrap_or("")),
        _ => (None, s),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = match (lower.len() >= 3, lower.strip_prefix('0')) {
        (true, Some(rest)) if rest.starts_with('b') => (2, rest.get(1..)),
        (true, Some(rest)) if rest.starts_with('o') => (8, rest.get(1..)),
        (true, Some(rest)) if rest.starts_with('x') => (16, rest.get(1..)),
        (_, Some(rest)) => (8, Some(rest)),
        (_, None) if body.is_empty() => return false,
        (_, None) => (10, Some(lower.as_str())),
    };
    let mut value: u64 = 0;
    for c in digits.unwrap_or("").chars() {
        let next = c.to_digit(radix).and_then(|d| {
            value
                .checked_mul(u64::from(radix))?
                .checked_add(u64::from(d))
        });
        match next {
            Some(v) => value = v,
            None => return false,
        }
    }
    match sign {
        None => true,
        Some(b'-') => value <= 1 << 63,
        Some(_) => value < 1 << 63,
    }
}

/// Matches go-yaml's float pattern `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
/// and parses without overflowing (Go reports overflow as an error).
fn is_go_float(s: &str) -> bool {
    let b = s.as_bytes();
    let digits_from = |i: usize| b.iter().skip(i).take_while(|c| c.is_ascii_digit()).count();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let int_digits = digits_from(i);
    i += int_digits;
    if b.get(i) == Some(&b'.') {
        let frac_digits = digits_from(i + 1);
        if int_digits == 0 && frac_digits == 0 {
            return false;
        }
        i += 1 + frac_digits;
    } else if int_digits == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1 + usize::from(matches!(b.get(i + 1), Some(b'+' | b'-')));
        let exp_digits = digits_from(i);
        if exp_digits == 0 {
            return false;
        }
        i += exp_digits;
    }
    i == b.len() && s.parse::<f64>().is_ok_and(f64::is_finite)
}

/// YAML 1.1 sexagesimal floats like `1:20` or `190:20:30.15`, which go-yaml
/// quotes for other parsers' sake:
/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    i += 1;
    while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        let run = b
            .iter()
            .skip(i + 1)
            .take_while(|c| c.is_ascii_digit())
            .count();
        let first_ok = b.get(i + 1).is_some_and(|c| *c <= b'5');
        if !(run == 1 || (run == 2 && first_ok)) {
            return false;
        }
        i += 1 + run;
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// go-yaml's timestamp check: Go's `time.Parse` with the layouts
/// `2006-1-2T15:4:5.999999999Z07:00` (also with `t`), `2006-1-2 15:4:5.999999999`
/// and `2006-1-2`, after a quick check for exactly four leading digits and `-`.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let (Some(year), Some(b'-')) = (b.get(..4), b.get(4)) else {
        return false;
    };
    if !year.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let year = year.iter().fold(0, |acc, d| acc * 10 + u32::from(d - b'0'));
    let mut rest = b.get(5..).unwrap_or(&[]);
    let Some(month) = go_getnum(&mut rest).filter(|m| (1..=12).contains(m)) else {
        return false;
    };
    if !skip_byte(&mut rest, b'-') {
        return false;
    }
    let Some(day) = go_getnum(&mut rest) else {
        return false;
    };
    let days_in_month = match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let time_ok = rest.is_empty()
        || rest.first().is_some_and(|&c| c == b'T' || c == b't')
            && time_and_zone(rest.get(1..), true)
        || rest.first() == Some(&b' ')
            && time_and_zone(
                rest.get(rest.iter().take_while(|&&c| c == b' ').count()..),
                false,
            );
    time_ok && (1..=days_in_month).contains(&day)
}

/// `15:4:5.999999999` and, with `zone`, `Z07:00`, consuming all of `rest`.
fn time_and_zone(rest: Option<&[u8]>, zone: bool) -> bool {
    let mut r = rest.unwrap_or(&[]);
    let hms = [24, 60, 60].iter().enumerate().all(|(k, &limit)| {
        (k == 0 || skip_byte(&mut r, b':')) && go_getnum(&mut r).is_some_and(|v| v < limit)
    });
    if !hms {
        return false;
    }
    // Optional fraction: `.` or `,` and at least one digit (any number of them).
    if matches!(r.first(), Some(b'.' | b',')) && r.get(1).is_some_and(u8::is_ascii_digit) {
        let n = r.iter().skip(1).take_while(|c| c.is_ascii_digit()).count();
        r = r.get(1 + n..).unwrap_or(&[]);
    }
    if zone && !skip_byte(&mut r, b'Z') {
        // `±hh:mm`, hours up to 24 and minutes up to 60 accepted.
        let two = |x: Option<&[u8]>| match x {
            Some(&[a, b]) if a.is_ascii_digit() && b.is_ascii_digit() => {
                Some((a - b'0') * 10 + (b - b'0'))
            }
            _ => None,
        };
        let ok = matches!(r.first(), Some(b'+' | b'-'))
            && r.get(3) == Some(&b':')
            && two(r.get(1..3)).is_some_and(|h| h <= 24)
            && two(r.get(4..6)).is_some_and(|m| m <= 60);
        if !ok {
            return false;
        }
        r = r.get(6..).unwrap_or(&[]);
    }
    r.is_empty()
}

/// Go's `getnum(s, false)`: one or two digits.
fn go_getnum(r: &mut &[u8]) -> Option<u32> {
    let digit = |i: usize| {
        r.get(i)
            .filter(|c| c.is_ascii_digit())
            .map(|c| u32::from(c - b'0'))
    };
    let first = digit(0)?;
    let (value, used) = match digit(1) {
        Some(second) => (first * 10 + second, 2),
        None => (first, 1),
    };
    *r = r.get(used..).unwrap_or(&[]);
    Some(value)
}

fn skip_byte(r: &mut &[u8], expected: u8) -> bool {
    match r.split_first() {
        Some((&c, rest)) if c == expected => {
            *r = rest;
            true
        }
        _ => false,
    }
}

// ---------------------------------------------------------- key ordering --

/// A stable merge sort that only needs `less`. go-yaml's key order is not
/// transitive for some key sets (`v1beta1` < `v2` < `v10` < `v1beta1`), where
/// kubectl's own output order is random; `slice::sort_by` may panic on such
/// an order, this cannot.
fn merge_sort<T>(mut items: Vec<T>, less: &impl Fn(&T, &T) -> bool) -> Vec<T> {
    if items.len() <= 1 {
        return items;
    }
    let right = items.split_off(items.len() / 2);
    let mut left = merge_sort(items, less).into_iter().peekable();
    let mut right = merge_sort(right, less).into_iter().peekable();
    let mut out = Vec::with_capacity(left.len() + right.len());
    loop {
        let take_right = match (left.peek(), right.peek()) {
            (Some(l), Some(r)) => less(r, l),
            (None, Some(_)) => true,
            (_, None) => false,
        };
        match if take_right {
            right.next()
        } else {
            left.next()
        } {
            Some(item) => out.push(item),
            None => return out,
        }
    }
}

/// go-yaml's `keyList.Less` for string keys: compare rune by rune; at the first
/// difference letters sort after non-letters (and by code point among
/// themselves), otherwise digit runs compare by numeric value, then by run
/// length, then by the differing rune. A proper prefix sorts first.
fn go_key_less(ar: &[char], br: &[char]) -> bool {
    let Some(i) = ar.iter().zip(br).position(|(x, y)| x != y) else {
        return ar.len() < br.len();
    };
    let (Some(&ca), Some(&cb)) = (ar.get(i), br.get(i)) else {
        return false;
    };
    let (al, bl) = (ca.is_alphabetic(), cb.is_alphabetic());
    if al && bl {
        return ca < cb;
    }
    if al || bl {
        return bl;
    }
    // Leading zeros matter only when the run started before position i with a
    // non-zero digit; go-yaml then seeds both numbers with 1.
    let seed = if ca == '0' || cb == '0' {
        let before = ar.get(..i).unwrap_or(&[]);
        i64::from(
            before
                .iter()
                .rev()
                .take_while(|c| c.is_ascii_digit())
                .any(|&c| c != '0'),
        )
    } else {
        0
    };
    let run = |r: &[char]| -> (i64, usize) {
        let digits: Vec<char> = r
            .iter()
            .skip(i)
            .take_while(|c| c.is_ascii_digit())
            .copied()
            .collect();
        let value = digits.iter().fold(seed, |acc, &d| {
            acc.wrapping_mul(10)
                .wrapping_add(i64::from(u32::from(d) - u32::from('0')))
        });
        (value, digits.len())
    };
    let ((an, alen), (bn, blen)) = (run(ar), run(br));
    if an != bn {
        return an < bn;
    }
    if alen != blen {
        return alen < blen;
    }
    ca < cb
}

#[cfg(test)]
mod tests {
    use super::to_yaml;

    #[test]
    fn small_values() {
        let v = serde_json::json!({"a": [], "b": {}, "c": [1, [2]], "d": "x\ny"});
        assert_eq!(
            to_yaml(&v),
            "a: []\nb: {}\nc:\n- 1\n- - 2\nd: |-\n  x\n  y\n"
        );
        assert_eq!(to_yaml(&serde_json::json!("yes")), "\"yes\"\n");
        assert_eq!(to_yaml(&serde_json::json!(1234567.5)), "1.2345675e+06\n");
    }
}
