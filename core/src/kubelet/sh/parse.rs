//! Shell text → a flat list of instructions.
//!
//! The grammar is the part of POSIX `sh` that container commands use: simple commands with
//! assignments and redirections, pipelines, `!`, `&&`/`||`, `;`/newline/`&` lists, `if`,
//! `while`, `until`, `for`, `{ }` and `( )` groups, parameter (`$X`, `${X:-d}`), command
//! (`$(..)`, backquotes) and arithmetic (`$((..))`) expansion. Control structures compile to
//! jumps, so that a running script is just a program counter and can stop at any `sleep` and
//! resume later, as a process does across virtual time.

/// One piece of a word, remembering whether it was quoted (quoted expansions are not split).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    Lit(String, bool),
    Param(String, bool),
    /// `${NAME:-word}` / `${NAME-word}`: (name, default text, whether `:` was given, quoted).
    Default(String, String, bool, bool),
    /// `$(..)` or backquotes: the inner source, parsed when expanded.
    Subst(String, bool),
    /// `$((..))`: the expression text.
    Arith(String, bool),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Word(pub Vec<Seg>);

impl Word {
    pub fn literal(text: &str) -> Word {
        Word(vec![Seg::Lit(text.to_string(), true)])
    }

    /// The word's text if it has no expansions and no quotes (reserved words must be bare).
    fn bare(&self) -> Option<&str> {
        match self.0.as_slice() {
            [Seg::Lit(s, false)] => Some(s),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedirKind {
    /// `>`: truncate.
    Out,
    /// `>>`.
    Append,
    /// `<`.
    In,
    /// `N>&M`: make fd N a copy of fd M.
    Dup(u8),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redir {
    pub fd: u8,
    pub kind: RedirKind,
    pub target: Word,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Simple {
    pub assigns: Vec<(String, Word)>,
    pub words: Vec<Word>,
    pub redirs: Vec<Redir>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pipeline {
    pub commands: Vec<Simple>,
    /// Started with `&`: the shell does not wait for it.
    pub background: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    Run(Pipeline),
    Jump(usize),
    JumpIfFail(usize),
    JumpIfOk(usize),
    /// Negate the last status (`!`).
    Not,
    SetStatus(i32),
    /// Start a `for` loop over the expanded words.
    ForInit(String, Vec<Word>),
    /// Next item of the innermost `for`, or pop it and jump to the target when done.
    ForNext(usize),
    /// Leave the innermost `for` (for `break`).
    ForPop,
    Exit(Option<Word>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Word(Word),
    /// `;`, `&`, `&&`, `||`, `|`, `(`, `)`, newline as `\n`.
    Op(&'static str),
    Redir(u8, RedirKind),
}

/// Splits shell text into tokens.
fn lex(src: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = src.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    let mut segs: Vec<Seg> = Vec::new();
    let mut lit = String::new();
    let mut in_word = false;
    let flush_lit = |lit: &mut String, segs: &mut Vec<Seg>, quoted: bool| {
        if !lit.is_empty() {
            segs.push(Seg::Lit(std::mem::take(lit), quoted));
        }
    };
    macro_rules! end_word {
        () => {
            if in_word {
                flush_lit(&mut lit, &mut segs, false);
                toks.push(Tok::Word(Word(std::mem::take(&mut segs))));
                in_word = false;
            }
        };
    }
    while let Some(&c) = chars.get(i) {
        match c {
            ' ' | '\t' | '\r' => {
                end_word!();
                i += 1;
            }
            '\n' => {
                end_word!();
                toks.push(Tok::Op("\n"));
                i += 1;
            }
            '#' if !in_word => {
                while chars.get(i).is_some_and(|c| *c != '\n') {
                    i += 1;
                }
            }
            '\\' => {
                in_word = true;
                match chars.get(i + 1) {
                    Some('\n') => {}
                    Some(&n) => {
                        flush_lit(&mut lit, &mut segs, false);
                        segs.push(Seg::Lit(n.to_string(), true));
                    }
                    None => {}
                }
                i += 2;
            }
            '\'' => {
                in_word = true;
                flush_lit(&mut lit, &mut segs, false);
                let start = i + 1;
                let Some(len) = chars
                    .get(start..)
                    .and_then(|r| r.iter().position(|c| *c == '\''))
                else {
                    return Err("unterminated quoted string".into());
                };
                let text: String = chars
                    .get(start..start + len)
                    .unwrap_or_default()
                    .iter()
                    .collect();
                segs.push(Seg::Lit(text, true));
                i = start + len + 1;
            }
            '"' => {
                in_word = true;
                flush_lit(&mut lit, &mut segs, false);
                i += 1;
                let mut q = String::new();
                loop {
                    match chars.get(i) {
                        None => return Err("unterminated quoted string".into()),
                        Some('"') => {
                            i += 1;
                            break;
                        }
                        Some('\\') => {
                            match chars.get(i + 1) {
                                Some(&n @ ('"' | '\\' | '$' | '`')) => q.push(n),
                                Some('\n') => {}
                                Some(&n) => {
                                    q.push('\\');
                                    q.push(n);
                                }
                                None => return Err("unterminated quoted string".into()),
                            }
                            i += 2;
                        }
                        Some('$') | Some('`') => {
                            if !q.is_empty() {
                                segs.push(Seg::Lit(std::mem::take(&mut q), true));
                            }
                            i = dollar(&chars, i, true, &mut segs)?;
                        }
                        Some(&c) => {
                            q.push(c);
                            i += 1;
                        }
                    }
                }
                if !q.is_empty() || segs.is_empty() {
                    segs.push(Seg::Lit(q, true));
                }
            }
            '$' | '`' => {
                in_word = true;
                flush_lit(&mut lit, &mut segs, false);
                i = dollar(&chars, i, false, &mut segs)?;
            }
            ';' | '&' | '|' | '(' | ')' => {
                end_word!();
                let next = chars.get(i + 1).copied();
                let op = match (c, next) {
                    ('&', Some('&')) => "&&",
                    ('|', Some('|')) => "||",
                    (';', Some(';')) => return Err("syntax error: unexpected \";;\"".into()),
                    ('&', Some('>')) => {
                        // `&>file`: stdout and stderr to the file.
                        toks.push(Tok::Redir(1, RedirKind::Out));
                        i += 2;
                        let (w, next_i) = redirect_target(&chars, i)?;
                        toks.push(Tok::Word(w));
                        toks.push(Tok::Redir(2, RedirKind::Dup(1)));
                        i = next_i;
                        continue;
                    }
                    (';', _) => ";",
                    ('&', _) => "&",
                    ('|', _) => "|",
                    ('(', _) => "(",
                    _ => ")",
                };
                i += op.len();
                toks.push(Tok::Op(op));
            }
            '>' | '<' => {
                // A number just before (`2>`) names the descriptor.
                let mut fd = if c == '<' { 0 } else { 1 };
                if in_word
                    && segs.is_empty()
                    && lit.len() == 1
                    && lit.chars().all(|d| d.is_ascii_digit())
                {
                    fd = lit.parse().unwrap_or(fd);
                    lit.clear();
                    in_word = false;
                } else {
                    end_word!();
                }
                let next = chars.get(i + 1).copied();
                let kind = match (c, next) {
                    ('>', Some('>')) => {
                        i += 2;
                        RedirKind::Append
                    }
                    ('>', Some('&')) | ('<', Some('&')) => {
                        let target = chars.get(i + 2).and_then(|d| d.to_digit(10));
                        i += 3;
                        match target {
                            Some(t) => RedirKind::Dup(t as u8),
                            None => return Err("syntax error: bad fd number".into()),
                        }
                    }
                    ('>', _) => {
                        i += 1;
                        RedirKind::Out
                    }
                    _ => {
                        i += 1;
                        RedirKind::In
                    }
                };
                toks.push(Tok::Redir(fd, kind));
                if !matches!(kind, RedirKind::Dup(_)) {
                    let (w, next_i) = redirect_target(&chars, i)?;
                    toks.push(Tok::Word(w));
                    i = next_i;
                }
            }
            _ => {
                in_word = true;
                lit.push(c);
                i += 1;
            }
        }
    }
    if in_word {
        flush_lit(&mut lit, &mut segs, false);
        toks.push(Tok::Word(Word(segs)));
    }
    Ok(toks)
}

/// The word after a redirection operator.
fn redirect_target(chars: &[char], mut i: usize) -> Result<(Word, usize), String> {
    while chars.get(i).is_some_and(|c| *c == ' ' || *c == '\t') {
        i += 1;
    }
    let start = i;
    while chars.get(i).is_some_and(|c| !" \t\n;&|()<>".contains(*c)) {
        i += 1;
    }
    if start == i {
        return Err("syntax error: unexpected newline".into());
    }
    let text: String = chars.get(start..i).unwrap_or_default().iter().collect();
    let toks = lex(&text)?;
    match toks.into_iter().next() {
        Some(Tok::Word(w)) => Ok((w, i)),
        _ => Err("syntax error: unexpected newline".into()),
    }
}

/// Reads an expansion starting at `chars[i]` (`$` or a backquote); returns the next index.
fn dollar(chars: &[char], i: usize, quoted: bool, segs: &mut Vec<Seg>) -> Result<usize, String> {
    let at = |k: usize| chars.get(k).copied();
    if at(i) == Some('`') {
        let start = i + 1;
        let len = chars
            .get(start..)
            .and_then(|r| r.iter().position(|c| *c == '`'))
            .ok_or("unterminated quoted string")?;
        let text: String = chars
            .get(start..start + len)
            .unwrap_or_default()
            .iter()
            .collect();
        segs.push(Seg::Subst(text, quoted));
        return Ok(start + len + 1);
    }
    match at(i + 1) {
        Some('(') if at(i + 2) == Some('(') => {
            let end = matching(chars, i + 1)?;
            // `$((expr))`: the text between the double parentheses.
            let text: String = chars
                .get(i + 3..end.saturating_sub(1))
                .unwrap_or_default()
                .iter()
                .collect();
            segs.push(Seg::Arith(text, quoted));
            Ok(end + 1)
        }
        Some('(') => {
            let end = matching(chars, i + 1)?;
            let text: String = chars.get(i + 2..end).unwrap_or_default().iter().collect();
            segs.push(Seg::Subst(text, quoted));
            Ok(end + 1)
        }
        Some('{') => {
            let close = chars
                .get(i + 2..)
                .and_then(|r| r.iter().position(|c| *c == '}'))
                .ok_or("syntax error: missing '}'")?;
            let inner: String = chars
                .get(i + 2..i + 2 + close)
                .unwrap_or_default()
                .iter()
                .collect();
            let op = inner.find([':', '-', '=', '+', '?']).filter(|p| *p > 0);
            match op {
                Some(p) => {
                    let name = inner.get(..p).unwrap_or("").to_string();
                    let rest = inner.get(p..).unwrap_or("");
                    let (colon, rest) = match rest.strip_prefix(':') {
                        Some(r) => (true, r),
                        None => (false, rest),
                    };
                    let default = rest.get(1..).unwrap_or("").to_string();
                    segs.push(Seg::Default(name, default, colon, quoted));
                }
                None => segs.push(Seg::Param(inner, quoted)),
            }
            Ok(i + 3 + close)
        }
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {
            let mut j = i + 1;
            while at(j).is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                j += 1;
            }
            let name: String = chars.get(i + 1..j).unwrap_or_default().iter().collect();
            segs.push(Seg::Param(name, quoted));
            Ok(j)
        }
        Some(c) if c.is_ascii_digit() || "?$#@*!".contains(c) => {
            segs.push(Seg::Param(c.to_string(), quoted));
            Ok(i + 2)
        }
        _ => {
            segs.push(Seg::Lit("$".into(), quoted));
            Ok(i + 1)
        }
    }
}

/// The index of the `)` matching the `(` at `open`, skipping quotes.
fn matching(chars: &[char], open: usize) -> Result<usize, String> {
    let mut depth = 0;
    let mut i = open;
    let mut quote: Option<char> = None;
    while let Some(&c) = chars.get(i) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth == 0 {
                    return Ok(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    Err("syntax error: unterminated $(".into())
}

/// Loop context while compiling: where `break` and `continue` go.
struct LoopCtx {
    is_for: bool,
    continue_to: usize,
    breaks: Vec<usize>,
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
    code: Vec<Op>,
    loops: Vec<LoopCtx>,
}

/// Parses a script into instructions, or the shell's syntax error.
pub fn parse(src: &str) -> Result<Vec<Op>, String> {
    let mut p = Parser {
        toks: lex(src)?,
        pos: 0,
        code: Vec::new(),
        loops: Vec::new(),
    };
    p.list(&[])?;
    if let Some(tok) = p.toks.get(p.pos) {
        return Err(unexpected(tok));
    }
    Ok(p.code)
}

/// One word from text (for `${X:-$Y}` defaults), or `None` if the text is not one word.
pub fn word(text: &str) -> Option<Word> {
    let mut toks = lex(text).ok()?.into_iter();
    match (toks.next(), toks.next()) {
        (Some(Tok::Word(w)), None) => Some(w),
        (None, None) => Some(Word::default()),
        _ => None,
    }
}

/// Instructions running one command given as words (what `exec` and a container's command do
/// without a shell: no re-splitting, no expansion).
pub fn argv(words: &[String]) -> Vec<Op> {
    vec![Op::Run(Pipeline {
        commands: vec![Simple {
            assigns: Vec::new(),
            words: words.iter().map(|w| Word::literal(w)).collect(),
            redirs: Vec::new(),
        }],
        background: false,
    })]
}

fn unexpected(tok: &Tok) -> String {
    let text = match tok {
        Tok::Op("\n") => "newline".to_string(),
        Tok::Op(op) => (*op).to_string(),
        Tok::Word(w) => w.bare().unwrap_or("word").to_string(),
        Tok::Redir(..) => "redirection".to_string(),
    };
    format!("syntax error: unexpected \"{text}\"")
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn peek_reserved(&self) -> Option<&str> {
        match self.peek() {
            Some(Tok::Word(w)) => w.bare(),
            _ => None,
        }
    }

    fn skip_newlines(&mut self) {
        while matches!(self.peek(), Some(Tok::Op("\n")) | Some(Tok::Op(";"))) {
            self.pos += 1;
        }
    }

    fn expect_reserved(&mut self, word: &str) -> Result<(), String> {
        self.skip_newlines();
        if self.peek_reserved() == Some(word) {
            self.pos += 1;
            Ok(())
        } else {
            Err(match self.peek() {
                Some(t) => unexpected(t),
                None => format!("syntax error: unexpected end of file (expecting \"{word}\")"),
            })
        }
    }

    fn emit(&mut self, op: Op) -> usize {
        self.code.push(op);
        self.code.len() - 1
    }

    fn patch(&mut self, at: usize, target: usize) {
        if let Some(Op::Jump(t) | Op::JumpIfFail(t) | Op::JumpIfOk(t) | Op::ForNext(t)) =
            self.code.get_mut(at)
        {
            *t = target;
        }
    }

    /// A list of and-or lists, until one of `stops` (reserved words) or `)` or the end.
    fn list(&mut self, stops: &[&str]) -> Result<(), String> {
        loop {
            self.skip_newlines();
            match self.peek() {
                None | Some(Tok::Op(")")) => return Ok(()),
                Some(Tok::Word(w)) if w.bare().is_some_and(|b| stops.contains(&b)) => return Ok(()),
                _ => {}
            }
            self.and_or()?;
            match self.peek() {
                Some(Tok::Op(";" | "\n")) => self.pos += 1,
                Some(Tok::Op("&")) => {
                    self.pos += 1;
                    // Mark the last pipeline as started in the background.
                    if let Some(Op::Run(p)) =
                        self.code.iter_mut().rev().find(|o| matches!(o, Op::Run(_)))
                    {
                        p.background = true;
                    }
                }
                _ => {}
            }
        }
    }

    fn and_or(&mut self) -> Result<(), String> {
        self.pipeline()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Op("&&")) => "&&",
                Some(Tok::Op("||")) => "||",
                _ => return Ok(()),
            };
            self.pos += 1;
            while matches!(self.peek(), Some(Tok::Op("\n"))) {
                self.pos += 1;
            }
            let jump = self.emit(if op == "&&" {
                Op::JumpIfFail(0)
            } else {
                Op::JumpIfOk(0)
            });
            self.pipeline()?;
            let end = self.code.len();
            self.patch(jump, end);
        }
    }

    fn pipeline(&mut self) -> Result<(), String> {
        let negate = if self.peek_reserved() == Some("!") {
            self.pos += 1;
            true
        } else {
            false
        };
        if let Some(word @ ("break" | "continue")) = self.peek_reserved()
            && !self.loops.is_empty()
        {
            let is_break = word == "break";
            self.pos += 1;
            if self
                .peek_reserved()
                .is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()))
            {
                self.pos += 1;
            }
            self.loop_jump(is_break);
            return Ok(());
        }
        let mut commands = Vec::new();
        loop {
            match self.peek_reserved() {
                Some("if" | "while" | "until" | "for" | "{") if commands.is_empty() => {
                    self.compound()?;
                    if negate {
                        self.emit(Op::Not);
                    }
                    return Ok(());
                }
                _ => {}
            }
            if matches!(self.peek(), Some(Tok::Op("("))) && commands.is_empty() {
                self.pos += 1;
                self.list(&[])?;
                match self.peek() {
                    Some(Tok::Op(")")) => self.pos += 1,
                    Some(t) => return Err(unexpected(t)),
                    None => {
                        return Err("syntax error: unexpected end of file (expecting \")\")".into());
                    }
                }
                if negate {
                    self.emit(Op::Not);
                }
                return Ok(());
            }
            commands.push(self.simple()?);
            if matches!(self.peek(), Some(Tok::Op("|"))) {
                self.pos += 1;
                continue;
            }
            break;
        }
        self.emit(Op::Run(Pipeline {
            commands,
            background: false,
        }));
        if negate {
            self.emit(Op::Not);
        }
        Ok(())
    }

    fn simple(&mut self) -> Result<Simple, String> {
        let mut cmd = Simple::default();
        loop {
            match self.peek().cloned() {
                Some(Tok::Word(w)) => {
                    self.pos += 1;
                    if cmd.words.is_empty()
                        && let Some((name, value)) = assignment(&w)
                    {
                        cmd.assigns.push((name, value));
                        continue;
                    }
                    cmd.words.push(w);
                }
                Some(Tok::Redir(fd, kind)) => {
                    self.pos += 1;
                    let target = match kind {
                        RedirKind::Dup(_) => Word::default(),
                        _ => match self.peek().cloned() {
                            Some(Tok::Word(w)) => {
                                self.pos += 1;
                                w
                            }
                            Some(t) => return Err(unexpected(&t)),
                            None => return Err("syntax error: unexpected newline".into()),
                        },
                    };
                    cmd.redirs.push(Redir { fd, kind, target });
                }
                _ => break,
            }
        }
        if cmd.words.is_empty() && cmd.assigns.is_empty() && cmd.redirs.is_empty() {
            return Err(match self.peek() {
                Some(t) => unexpected(t),
                None => "syntax error: unexpected end of file".into(),
            });
        }
        Ok(cmd)
    }

    fn compound(&mut self) -> Result<(), String> {
        let word = self.peek_reserved().unwrap_or("").to_string();
        self.pos += 1;
        match word.as_str() {
            "if" => self.if_clause(),
            "while" | "until" => self.while_clause(word == "until"),
            "for" => self.for_clause(),
            _ => {
                self.list(&["}"])?;
                self.expect_reserved("}")
            }
        }
    }

    fn if_clause(&mut self) -> Result<(), String> {
        let mut ends = Vec::new();
        loop {
            self.list(&["then"])?;
            self.expect_reserved("then")?;
            let skip = self.emit(Op::JumpIfFail(0));
            self.list(&["elif", "else", "fi"])?;
            ends.push(self.emit(Op::Jump(0)));
            let next = self.code.len();
            self.patch(skip, next);
            self.skip_newlines();
            match self.peek_reserved() {
                Some("elif") => {
                    self.pos += 1;
                }
                Some("else") => {
                    self.pos += 1;
                    self.list(&["fi"])?;
                    self.expect_reserved("fi")?;
                    break;
                }
                _ => {
                    self.expect_reserved("fi")?;
                    // No branch taken: the status of `if` is 0.
                    self.emit(Op::SetStatus(0));
                    break;
                }
            }
        }
        let end = self.code.len();
        for at in ends {
            self.patch(at, end);
        }
        Ok(())
    }

    fn while_clause(&mut self, until: bool) -> Result<(), String> {
        let top = self.code.len();
        self.list(&["do"])?;
        self.expect_reserved("do")?;
        let exit = self.emit(if until {
            Op::JumpIfOk(0)
        } else {
            Op::JumpIfFail(0)
        });
        self.loops.push(LoopCtx {
            is_for: false,
            continue_to: top,
            breaks: vec![exit],
        });
        self.list(&["done"])?;
        self.expect_reserved("done")?;
        self.emit(Op::Jump(top));
        let end = self.emit(Op::SetStatus(0));
        if let Some(ctx) = self.loops.pop() {
            for at in ctx.breaks {
                self.patch(at, end);
            }
        }
        Ok(())
    }

    fn for_clause(&mut self) -> Result<(), String> {
        let var = match self.peek().cloned() {
            Some(Tok::Word(w)) => {
                self.pos += 1;
                w.bare().unwrap_or("").to_string()
            }
            Some(t) => return Err(unexpected(&t)),
            None => return Err("syntax error: unexpected end of file".into()),
        };
        let mut items = Vec::new();
        while matches!(self.peek(), Some(Tok::Op("\n"))) {
            self.pos += 1;
        }
        if self.peek_reserved() == Some("in") {
            self.pos += 1;
            while let Some(Tok::Word(w)) = self.peek().cloned() {
                self.pos += 1;
                items.push(w);
            }
        } else {
            items.push(Word(vec![Seg::Param("@".into(), false)]));
        }
        self.expect_reserved("do")?;
        self.emit(Op::ForInit(var, items));
        let top = self.emit(Op::ForNext(0));
        self.loops.push(LoopCtx {
            is_for: true,
            continue_to: top,
            breaks: vec![top],
        });
        self.list(&["done"])?;
        self.expect_reserved("done")?;
        self.emit(Op::Jump(top));
        let end = self.code.len();
        if let Some(ctx) = self.loops.pop() {
            for at in ctx.breaks {
                self.patch(at, end);
            }
        }
        Ok(())
    }

    /// `break` and `continue` (one level) become jumps to the innermost loop's ends.
    fn loop_jump(&mut self, is_break: bool) {
        let Some(ctx) = self.loops.last() else {
            return;
        };
        let (is_for, target) = (ctx.is_for, ctx.continue_to);
        if is_break {
            if is_for {
                self.emit(Op::ForPop);
            }
            let at = self.emit(Op::Jump(0));
            if let Some(ctx) = self.loops.last_mut() {
                ctx.breaks.push(at);
            }
        } else {
            self.emit(Op::Jump(target));
        }
    }
}

/// `NAME=value` at the start of a command.
fn assignment(w: &Word) -> Option<(String, Word)> {
    let Some(Seg::Lit(first, false)) = w.0.first() else {
        return None;
    };
    let (name, rest) = first.split_once('=')?;
    let valid = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if !valid {
        return None;
    }
    let mut value = Vec::new();
    if !rest.is_empty() {
        value.push(Seg::Lit(rest.to_string(), false));
    }
    value.extend(w.0.iter().skip(1).cloned());
    Some((name.to_string(), Word(value)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_ops(src: &str) -> usize {
        parse(src).map(|c| c.len()).unwrap_or(usize::MAX)
    }

    #[test]
    fn lexes_quotes_and_expansions() {
        let toks = lex(r#"echo "a $X" 'b $Y' ${Z:-d} $(date) 2>&1 > /tmp/o"#).unwrap();
        assert_eq!(toks.len(), 8);
        assert!(matches!(&toks[1], Tok::Word(Word(s)) if s.len() == 2));
        assert_eq!(toks[5], Tok::Redir(2, RedirKind::Dup(1)));
    }

    #[test]
    fn control_structures_compile() {
        assert_eq!(
            run_ops("touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"),
            4
        );
        assert!(run_ops("while true; do echo hi; sleep 5; done") < usize::MAX);
        assert!(run_ops("for i in 1 2 3; do echo $i; done") < usize::MAX);
        assert!(
            run_ops("if [ -f /x ]; then echo y; elif true; then echo z; else echo n; fi")
                < usize::MAX
        );
        assert!(run_ops("until nslookup svc; do echo waiting; sleep 2; done") < usize::MAX);
        assert!(parse("while true; do echo").is_err());
        assert!(parse("echo 'open").is_err());
    }

    #[test]
    fn assignments_are_recognised() {
        let code = parse("A=1 B=\"x y\" env").unwrap();
        let Op::Run(p) = &code[0] else { panic!() };
        assert_eq!(p.commands[0].assigns.len(), 2);
        assert_eq!(p.commands[0].words.len(), 1);
    }
}
