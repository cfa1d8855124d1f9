//! jq's filter language, read into an [`Expr`] tree: paths (`.a.b`, `.[0]`, `.[]`, `..`),
//! pipes and commas, literals, string interpolation, array and object construction,
//! arithmetic, comparisons, `and`/`or`/`not`, `//`, `if`, `try`, `reduce`, `as $x`,
//! assignments (`=`, `|=`), `@format`s and calls of built-in functions. `def` is refused.

use serde_json::Value;

/// A jq filter.
#[derive(Clone, Debug)]
pub enum Expr {
    Identity,
    Recurse,
    Literal(Value),
    /// A string with `\(...)` parts, and the `@format` applied to them (if any).
    Str(Vec<Part>, Option<String>),
    /// `@base64` on its own: the format applied to `.`.
    Format(String),
    Field(Box<Expr>, String, bool),
    Index(Box<Expr>, Box<Expr>, bool),
    Slice(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>, bool),
    Iterate(Box<Expr>, bool),
    Array(Option<Box<Expr>>),
    Object(Vec<(Key, Option<Expr>)>),
    Pipe(Box<Expr>, Box<Expr>),
    Comma(Box<Expr>, Box<Expr>),
    Neg(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Alternative(Box<Expr>, Box<Expr>),
    Assign(Box<Expr>, Box<Expr>),
    Update(Box<Expr>, Box<Expr>),
    If(Vec<(Expr, Expr)>, Option<Box<Expr>>),
    Try(Box<Expr>, Option<Box<Expr>>),
    Reduce(Box<Expr>, String, Box<Expr>, Box<Expr>),
    Bind(Box<Expr>, String, Box<Expr>),
    Var(String),
    Call(String, Vec<Expr>),
}

#[derive(Clone, Debug)]
pub enum Part {
    Text(String),
    Interp(Expr),
}

/// An object constructor's key: `a`, `"a"`, `$a` (key and value), `(expr)`.
#[derive(Clone, Debug)]
pub enum Key {
    Name(String),
    Var(String),
    Computed(Expr),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Dot,
    DotDot,
    Field(String),
    Var(String),
    Ident(String),
    Format(String),
    Num(f64),
    Str(Vec<StrTok>),
    Op(&'static str),
}

#[derive(Clone, Debug, PartialEq)]
enum StrTok {
    Text(String),
    Interp(String),
}

/// Reads `text` as a filter; errors are worded as jq's compile errors.
pub fn parse(text: &str) -> Result<Expr, String> {
    parse_at(text, 0)
}

/// Reads `text` found `depth` terms deep (an interpolation's filter).
fn parse_at(text: &str, depth: usize) -> Result<Expr, String> {
    let mut p = Parser {
        tokens: lex(text)?,
        pos: 0,
        depth,
    };
    let expr = p.pipe()?;
    match p.peek() {
        None => Ok(expr),
        Some(t) => Err(unexpected(Some(t))),
    }
}

fn unexpected(tok: Option<&Tok>) -> String {
    let what = match tok {
        None => "end of file".to_string(),
        Some(Tok::Op(op)) => format!("'{op}'"),
        Some(Tok::Ident(name)) => name.clone(),
        Some(Tok::Field(name)) => format!("FIELD .{name}"),
        Some(Tok::Num(n)) => format!("LITERAL {n}"),
        Some(other) => format!("{other:?}"),
    };
    format!("syntax error, unexpected {what} (Unix shell quoting issues?)")
}

const OPS: &[&str] = &[
    "|=", "+=", "-=", "*=", "/=", "//=", "==", "!=", "<=", ">=", "//", "|", ",", "+", "-", "*",
    "/", "%", "=", "<", ">", "(", ")", "[", "]", "{", "}", ":", ";", "?",
];

fn lex(text: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let ident_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    while let Some(&c) = chars.get(i) {
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '#' {
            while chars.get(i).is_some_and(|c| *c != '\n') {
                i += 1;
            }
            continue;
        }
        if c == '"' {
            let (s, next) = lex_string(&chars, i + 1)?;
            out.push(Tok::Str(s));
            i = next;
            continue;
        }
        if c == '.' {
            if chars.get(i + 1) == Some(&'.') {
                out.push(Tok::DotDot);
                i += 2;
                continue;
            }
            let start = i + 1;
            let mut j = start;
            while chars.get(j).is_some_and(|c| ident_char(*c)) {
                j += 1;
            }
            if j > start && !chars[start].is_ascii_digit() {
                out.push(Tok::Field(chars[start..j].iter().collect()));
                i = j;
                continue;
            }
            if chars.get(i + 1).is_some_and(char::is_ascii_digit) {
                // `.5`: a number
            } else {
                out.push(Tok::Dot);
                i += 1;
                continue;
            }
        }
        if c.is_ascii_digit() || c == '.' {
            let mut j = i;
            while chars
                .get(j)
                .is_some_and(|c| c.is_ascii_digit() || *c == '.' || *c == 'e' || *c == 'E')
            {
                j += 1;
            }
            let s: String = chars[i..j].iter().collect();
            let n = s
                .parse::<f64>()
                .map_err(|_| format!("syntax error, unexpected INVALID_CHARACTER \"{s}\""))?;
            out.push(Tok::Num(n));
            i = j;
            continue;
        }
        if c == '$' || c == '@' || ident_char(c) {
            let start = if c == '$' || c == '@' { i + 1 } else { i };
            let mut j = start;
            while chars
                .get(j)
                .is_some_and(|c| ident_char(*c) || (*c == ':' && chars.get(j + 1) == Some(&':')))
            {
                j += if chars[j] == ':' { 2 } else { 1 };
            }
            let name: String = chars[start..j].iter().collect();
            out.push(match c {
                '$' => Tok::Var(name),
                '@' => Tok::Format(name),
                _ => Tok::Ident(name),
            });
            i = j;
            continue;
        }
        let rest: String = chars[i..chars.len().min(i + 3)].iter().collect();
        let Some(op) = OPS.iter().find(|op| rest.starts_with(*op)) else {
            return Err(
                "syntax error, unexpected INVALID_CHARACTER (Unix shell quoting issues?)".into(),
            );
        };
        out.push(Tok::Op(op));
        i += op.chars().count();
    }
    Ok(out)
}

/// A string literal from after its opening quote: its parts and where it ends.
fn lex_string(chars: &[char], mut i: usize) -> Result<(Vec<StrTok>, usize), String> {
    let mut parts = Vec::new();
    let mut text = String::new();
    loop {
        let Some(&c) = chars.get(i) else {
            return Err("syntax error, unexpected end of file, expecting QQSTRING_TEXT or QQSTRING_INTERP_START or QQSTRING_END (Unix shell quoting issues?)".into());
        };
        i += 1;
        match c {
            '"' => break,
            '\\' => {
                let Some(&e) = chars.get(i) else { continue };
                i += 1;
                match e {
                    'n' => text.push('\n'),
                    't' => text.push('\t'),
                    'r' => text.push('\r'),
                    '"' | '\\' | '/' => text.push(e),
                    'u' => {
                        let hex: String = chars.get(i..i + 4).unwrap_or_default().iter().collect();
                        i += 4;
                        text.push(
                            u32::from_str_radix(&hex, 16)
                                .ok()
                                .and_then(char::from_u32)
                                .unwrap_or('\u{fffd}'),
                        );
                    }
                    '(' => {
                        if !text.is_empty() {
                            parts.push(StrTok::Text(std::mem::take(&mut text)));
                        }
                        let start = i;
                        let mut depth = 1;
                        let mut in_string = false;
                        while let Some(&c) = chars.get(i) {
                            match c {
                                '"' => in_string = !in_string,
                                '\\' if in_string => i += 1,
                                '(' if !in_string => depth += 1,
                                ')' if !in_string => {
                                    depth -= 1;
                                    if depth == 0 {
                                        break;
                                    }
                                }
                                _ => {}
                            }
                            i += 1;
                        }
                        parts.push(StrTok::Interp(
                            chars.get(start..i).unwrap_or_default().iter().collect(),
                        ));
                        i += 1;
                    }
                    other => {
                        return Err(format!(
                            "syntax error: invalid escape \\{other} in a string literal"
                        ));
                    }
                }
            }
            c => text.push(c),
        }
    }
    if !text.is_empty() || parts.is_empty() {
        parts.push(StrTok::Text(text));
    }
    Ok((parts, i))
}

struct Parser {
    tokens: Vec<Tok>,
    pos: usize,
    /// How many terms are open: deep nesting is refused before the stack runs out.
    depth: usize,
}

/// Nesting deeper than this is refused (a pasted `[[[[...` must not exhaust the stack).
const MAX_NESTING: usize = 128;

fn bx(e: Expr) -> Box<Expr> {
    Box::new(e)
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn eat_op(&mut self, op: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Op(o)) if *o == op) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_ident(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Ident(w)) if w == word) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect_op(&mut self, op: &str) -> Result<(), String> {
        if self.eat_op(op) {
            Ok(())
        } else {
            Err(unexpected(self.peek()))
        }
    }

    fn expect_ident(&mut self, word: &str) -> Result<(), String> {
        if self.eat_ident(word) {
            Ok(())
        } else {
            Err(unexpected(self.peek()))
        }
    }

    /// `a | b`, `term as $x | body` (lowest precedence, right-associative).
    fn pipe(&mut self) -> Result<Expr, String> {
        if self.eat_ident("def") {
            return Err("kubeplay's jq has no `def`: only built-in functions".into());
        }
        let left = self.comma()?;
        if self.eat_ident("as") {
            let Some(Tok::Var(name)) = self.next() else {
                return Err(unexpected(self.tokens.get(self.pos - 1)));
            };
            self.expect_op("|")?;
            let body = self.pipe()?;
            return Ok(Expr::Bind(bx(left), name, bx(body)));
        }
        if self.eat_op("|") {
            let right = self.pipe()?;
            return Ok(Expr::Pipe(bx(left), bx(right)));
        }
        Ok(left)
    }

    fn comma(&mut self) -> Result<Expr, String> {
        let mut left = self.alternative()?;
        while self.eat_op(",") {
            let right = self.alternative()?;
            left = Expr::Comma(bx(left), bx(right));
        }
        Ok(left)
    }

    fn alternative(&mut self) -> Result<Expr, String> {
        let left = self.assignment()?;
        if self.eat_op("//") {
            let right = self.alternative()?;
            return Ok(Expr::Alternative(bx(left), bx(right)));
        }
        Ok(left)
    }

    fn assignment(&mut self) -> Result<Expr, String> {
        let left = self.or()?;
        for (op, arith) in [
            ("=", None),
            ("|=", None),
            ("+=", Some(BinOp::Add)),
            ("-=", Some(BinOp::Sub)),
            ("*=", Some(BinOp::Mul)),
            ("/=", Some(BinOp::Div)),
        ] {
            if self.eat_op(op) {
                let right = self.alternative()?;
                return Ok(match (op, arith) {
                    ("=", _) => Expr::Assign(bx(left), bx(right)),
                    (_, Some(arith)) => Expr::Update(
                        bx(left),
                        bx(Expr::Binary(arith, bx(Expr::Identity), bx(right))),
                    ),
                    _ => Expr::Update(bx(left), bx(right)),
                });
            }
        }
        Ok(left)
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while self.eat_ident("or") {
            left = Expr::Or(bx(left), bx(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.comparison()?;
        while self.eat_ident("and") {
            left = Expr::And(bx(left), bx(self.comparison()?));
        }
        Ok(left)
    }

    fn comparison(&mut self) -> Result<Expr, String> {
        let left = self.additive()?;
        for (op, bin) in [
            ("==", BinOp::Eq),
            ("!=", BinOp::Ne),
            ("<=", BinOp::Le),
            (">=", BinOp::Ge),
            ("<", BinOp::Lt),
            (">", BinOp::Gt),
        ] {
            if self.eat_op(op) {
                return Ok(Expr::Binary(bin, bx(left), bx(self.additive()?)));
            }
        }
        Ok(left)
    }

    fn additive(&mut self) -> Result<Expr, String> {
        let mut left = self.multiplicative()?;
        loop {
            let op = if self.eat_op("+") {
                BinOp::Add
            } else if self.eat_op("-") {
                BinOp::Sub
            } else {
                return Ok(left);
            };
            left = Expr::Binary(op, bx(left), bx(self.multiplicative()?));
        }
    }

    fn multiplicative(&mut self) -> Result<Expr, String> {
        let mut left = self.unary()?;
        loop {
            let op = if self.eat_op("*") {
                BinOp::Mul
            } else if self.eat_op("/") {
                BinOp::Div
            } else if self.eat_op("%") {
                BinOp::Rem
            } else {
                return Ok(left);
            };
            left = Expr::Binary(op, bx(left), bx(self.unary()?));
        }
    }

    fn unary(&mut self) -> Result<Expr, String> {
        if self.eat_op("-") {
            return Ok(Expr::Neg(bx(self.postfix()?)));
        }
        self.postfix()
    }

    /// A term and its suffixes: `.a`, `[i]`, `[]`, `[a:b]`, `?`.
    fn postfix(&mut self) -> Result<Expr, String> {
        let mut e = self.term()?;
        loop {
            match self.peek() {
                Some(Tok::Field(name)) => {
                    let name = name.clone();
                    self.pos += 1;
                    let opt = self.eat_op("?");
                    e = Expr::Field(bx(e), name, opt);
                }
                Some(Tok::Dot)
                    if matches!(
                        self.tokens.get(self.pos + 1),
                        Some(Tok::Str(_) | Tok::Op("["))
                    ) =>
                {
                    self.pos += 1;
                    if let Some(Tok::Str(parts)) = self.peek().cloned() {
                        self.pos += 1;
                        let opt = self.eat_op("?");
                        e = Expr::Index(bx(e), bx(self.string_expr(parts, None)?), opt);
                    }
                }
                Some(Tok::Op("[")) => {
                    self.pos += 1;
                    e = self.bracket_suffix(e)?;
                }
                Some(Tok::Op("?")) => {
                    self.pos += 1;
                    e = Expr::Try(bx(e), None);
                }
                _ => return Ok(e),
            }
        }
    }

    /// After `[`: `]`, `i]`, `a:b]`, `:b]`, `a:]`.
    fn bracket_suffix(&mut self, base: Expr) -> Result<Expr, String> {
        if self.eat_op("]") {
            let opt = self.eat_op("?");
            return Ok(Expr::Iterate(bx(base), opt));
        }
        let from = if self.eat_op(":") {
            None
        } else {
            Some(self.pipe()?)
        };
        if from.is_some() && !self.eat_op(":") {
            self.expect_op("]")?;
            let opt = self.eat_op("?");
            return Ok(Expr::Index(
                bx(base),
                bx(from.unwrap_or(Expr::Identity)),
                opt,
            ));
        }
        let to = if self.peek() == Some(&Tok::Op("]")) {
            None
        } else {
            Some(bx(self.pipe()?))
        };
        self.expect_op("]")?;
        let opt = self.eat_op("?");
        Ok(Expr::Slice(bx(base), from.map(bx), to, opt))
    }

    /// A term; every nested expression passes through here, so this is where nesting is
    /// counted.
    fn term(&mut self) -> Result<Expr, String> {
        self.depth += 1;
        let result = if self.depth > MAX_NESTING {
            Err("the filter nests too deeply".into())
        } else {
            self.term_inner()
        };
        self.depth -= 1;
        result
    }

    fn term_inner(&mut self) -> Result<Expr, String> {
        let Some(tok) = self.next() else {
            return Err(unexpected(None));
        };
        match tok {
            Tok::Dot => {
                // `.[...]` and `."key"` are suffixes of `.` itself.
                if let Some(Tok::Str(parts)) = self.peek().cloned() {
                    self.pos += 1;
                    let opt = self.eat_op("?");
                    return Ok(Expr::Index(
                        bx(Expr::Identity),
                        bx(self.string_expr(parts, None)?),
                        opt,
                    ));
                }
                Ok(Expr::Identity)
            }
            Tok::DotDot => Ok(Expr::Recurse),
            Tok::Field(name) => {
                let opt = self.eat_op("?");
                Ok(Expr::Field(bx(Expr::Identity), name, opt))
            }
            Tok::Num(n) => Ok(Expr::Literal(super::eval::number(n))),
            Tok::Str(parts) => self.string_expr(parts, None),
            Tok::Format(name) => {
                if let Some(Tok::Str(parts)) = self.peek().cloned() {
                    self.pos += 1;
                    return self.string_expr(parts, Some(name));
                }
                Ok(Expr::Format(name))
            }
            Tok::Var(name) => Ok(Expr::Var(name)),
            Tok::Op("(") => {
                let e = self.pipe()?;
                self.expect_op(")")?;
                Ok(e)
            }
            Tok::Op("[") => {
                if self.eat_op("]") {
                    return Ok(Expr::Array(None));
                }
                let e = self.pipe()?;
                self.expect_op("]")?;
                Ok(Expr::Array(Some(bx(e))))
            }
            Tok::Op("{") => self.object(),
            Tok::Ident(word) => self.word(word),
            other => Err(unexpected(Some(&other))),
        }
    }

    fn word(&mut self, word: String) -> Result<Expr, String> {
        match word.as_str() {
            "null" => Ok(Expr::Literal(Value::Null)),
            "true" => Ok(Expr::Literal(Value::Bool(true))),
            "false" => Ok(Expr::Literal(Value::Bool(false))),
            "if" => {
                let mut branches = Vec::new();
                let cond = self.pipe()?;
                self.expect_ident("then")?;
                branches.push((cond, self.pipe()?));
                let mut otherwise = None;
                loop {
                    if self.eat_ident("elif") {
                        let cond = self.pipe()?;
                        self.expect_ident("then")?;
                        branches.push((cond, self.pipe()?));
                    } else if self.eat_ident("else") {
                        otherwise = Some(bx(self.pipe()?));
                        self.expect_ident("end")?;
                        break;
                    } else {
                        self.expect_ident("end")?;
                        break;
                    }
                }
                Ok(Expr::If(branches, otherwise))
            }
            "try" => {
                let body = self.postfix()?;
                let handler = if self.eat_ident("catch") {
                    Some(bx(self.postfix()?))
                } else {
                    None
                };
                Ok(Expr::Try(bx(body), handler))
            }
            "reduce" => {
                let source = self.postfix()?;
                self.expect_ident("as")?;
                let Some(Tok::Var(name)) = self.next() else {
                    return Err(unexpected(self.tokens.get(self.pos - 1)));
                };
                self.expect_op("(")?;
                let init = self.pipe()?;
                self.expect_op(";")?;
                let update = self.pipe()?;
                self.expect_op(")")?;
                Ok(Expr::Reduce(bx(source), name, bx(init), bx(update)))
            }
            "not" => Ok(Expr::Call("not".into(), Vec::new())),
            _ => {
                let mut args = Vec::new();
                if self.eat_op("(") {
                    loop {
                        args.push(self.pipe()?);
                        if self.eat_op(")") {
                            break;
                        }
                        self.expect_op(";")?;
                    }
                }
                Ok(Expr::Call(word, args))
            }
        }
    }

    fn object(&mut self) -> Result<Expr, String> {
        let mut entries = Vec::new();
        if self.eat_op("}") {
            return Ok(Expr::Object(entries));
        }
        loop {
            let key = match self.next() {
                Some(Tok::Ident(name)) => Key::Name(name),
                Some(Tok::Field(name)) => Key::Name(name),
                Some(Tok::Var(name)) => Key::Var(name),
                Some(Tok::Str(parts)) => match parts.as_slice() {
                    [StrTok::Text(t)] => Key::Name(t.clone()),
                    _ => Key::Computed(self.string_expr(parts, None)?),
                },
                Some(Tok::Op("(")) => {
                    let e = self.pipe()?;
                    self.expect_op(")")?;
                    Key::Computed(e)
                }
                other => return Err(unexpected(other.as_ref())),
            };
            let value = if self.eat_op(":") {
                Some(self.object_value()?)
            } else {
                None
            };
            entries.push((key, value));
            if self.eat_op("}") {
                return Ok(Expr::Object(entries));
            }
            self.expect_op(",")?;
        }
    }

    /// An object value: a pipe without top-level commas (`{a: 1, b: 2}`).
    fn object_value(&mut self) -> Result<Expr, String> {
        let left = self.alternative()?;
        if self.eat_op("|") {
            return Ok(Expr::Pipe(bx(left), bx(self.object_value()?)));
        }
        Ok(left)
    }
    fn string_expr(&self, parts: Vec<StrTok>, format: Option<String>) -> Result<Expr, String> {
        let mut out = Vec::new();
        for part in parts {
            out.push(match part {
                StrTok::Text(t) => Part::Text(t),
                StrTok::Interp(src) => Part::Interp(parse_at(&src, self.depth + 1)?),
            });
        }
        if format.is_none()
            && let [Part::Text(t)] = out.as_slice()
        {
            return Ok(Expr::Literal(Value::String(t.clone())));
        }
        Ok(Expr::Str(out, format))
    }
}
