//! Splitting one line into words and operators, as a POSIX shell does for the forms kubectl
//! lines use: single quotes keep everything (`$'...'` reads `\n` and `\t`), double quotes allow
//! `\"` and `\\`, a backslash escapes one character, `#` at the start of a word starts a
//! comment. Operators are the list
//! separators (`;`, `&&`, `||`, `&`), the pipe and the redirections (`<`, `<<`, `<<-`, `>`, `>>`).
//!
//! Expansions are left in the word for the shell to do when the command runs (a variable set
//! earlier on the line must be seen): a `$` outside single quotes is kept behind a marker
//! character saying whether it was inside double quotes ([`LIVE`], [`LIVE_QUOTED`]), with
//! `$(...)`, `${...}` and backquotes kept whole; `<(...)` becomes a word behind
//! [`PROCESS`]. See `expand.rs`.

/// Marks a `$` (or backquote) to expand, outside double quotes (its result is split into words).
pub const LIVE: char = '\u{E000}';
/// Marks a `$` (or backquote) to expand inside double quotes (one word).
pub const LIVE_QUOTED: char = '\u{E001}';
/// Marks a process substitution `<(...)`: the word is the command inside.
pub const PROCESS: char = '\u{E002}';

/// Copies a `$(...)`, `${...}` or backquoted text whose opening has been read (and pushed to
/// `word`) up to its closing `close`, nesting on `open`, keeping quotes as written.
fn copy_balanced(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    word: &mut String,
    open: Option<char>,
    close: char,
) -> Result<(), LexError> {
    let mut depth = 0usize;
    while let Some(c) = chars.next() {
        word.push(c);
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    word.push(n);
                }
            }
            '\'' if close != '`' => {
                for n in chars.by_ref() {
                    word.push(n);
                    if n == '\'' {
                        break;
                    }
                }
            }
            c if Some(c) == open => depth += 1,
            c if c == close => {
                if depth == 0 {
                    return Ok(());
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    Err(LexError::OpenQuote(close))
}

/// Reads what follows a live `$` (already pushed with its marker): a `(...)` or `{...}` whole.
fn copy_expansion(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    word: &mut String,
) -> Result<(), LexError> {
    match chars.peek() {
        Some('(') => {
            chars.next();
            word.push('(');
            copy_balanced(chars, word, Some('('), ')')
        }
        Some('{') => {
            chars.next();
            word.push('{');
            copy_balanced(chars, word, None, '}')
        }
        _ => Ok(()),
    }
}

/// One word or operator of a shell line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Token {
    Word(String),
    Op(&'static str),
}

/// Why a line could not be split.
#[derive(Debug, PartialEq, Eq)]
pub enum LexError {
    /// A quote is still open at the end of the line: the command continues on the next line.
    OpenQuote(char),
    /// A redirection form this shell does not have.
    Unsupported(&'static str),
}

impl LexError {
    /// bash's message when the input ends with the quote still open.
    pub fn message(&self) -> String {
        match self {
            LexError::OpenQuote(q) => {
                format!("unexpected EOF while looking for matching `{q}'")
            }
            LexError::Unsupported(what) => {
                format!(
                    "redirections like `{what}` other than 2>&1 are not supported in this sandbox"
                )
            }
        }
    }
}

/// An alternative set of a word: where it stands in the word and what it stands for.
type Brace = Option<(usize, Vec<String>)>;

/// Ends the word being read (if any), brace-expanded into several.
fn end_word(tokens: &mut Vec<Token>, word: &mut String, in_word: &mut bool, brace: &mut Brace) {
    if !*in_word {
        return;
    }
    let word = std::mem::take(word);
    match brace.take() {
        Some((at, alternatives)) => {
            let (before, after) = word.split_at(at.min(word.len()));
            tokens.extend(
                alternatives
                    .iter()
                    .map(|a| Token::Word(format!("{before}{a}{after}"))),
            );
        }
        None => tokens.push(Token::Word(word)),
    }
    *in_word = false;
}

pub fn tokenize(line: &str) -> Result<Vec<Token>, LexError> {
    let mut tokens = Vec::new();
    let mut chars = line.chars().peekable();
    let mut word = String::new();
    let mut in_word = false;
    // An unquoted `{a,b}` or `{1..3}` in the word being read.
    let mut brace: Brace = None;
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => end_word(&mut tokens, &mut word, &mut in_word, &mut brace),
            '#' if !in_word => break,
            '$' if chars.peek() == Some(&'\'') => {
                // ANSI-C quoting (`$'a\nb'`), as kubectl's own examples use for YAML patches.
                chars.next();
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some('\\') => match chars.next() {
                            Some('n') => word.push('\n'),
                            Some('t') => word.push('\t'),
                            Some(ch @ ('\\' | '\'' | '"')) => word.push(ch),
                            Some(ch) => {
                                word.push('\\');
                                word.push(ch);
                            }
                            None => return Err(LexError::OpenQuote('\'')),
                        },
                        Some(ch) => word.push(ch),
                        None => return Err(LexError::OpenQuote('\'')),
                    }
                }
            }
            '$' => {
                in_word = true;
                word.push(LIVE);
                word.push('$');
                copy_expansion(&mut chars, &mut word)?;
            }
            '`' => {
                in_word = true;
                word.push(LIVE);
                word.push('`');
                copy_balanced(&mut chars, &mut word, None, '`')?;
            }
            '<' if chars.peek() == Some(&'(') => {
                chars.next();
                end_word(&mut tokens, &mut word, &mut in_word, &mut brace);
                in_word = true;
                word.push(PROCESS);
                copy_balanced(&mut chars, &mut word, Some('('), ')')?;
                word.pop();
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => word.push(ch),
                        None => return Err(LexError::OpenQuote('\'')),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(ch @ ('"' | '\\' | '$' | '`')) => word.push(ch),
                            Some(ch) => {
                                word.push('\\');
                                word.push(ch);
                            }
                            None => return Err(LexError::OpenQuote('"')),
                        },
                        Some('$') => {
                            word.push(LIVE_QUOTED);
                            word.push('$');
                            copy_expansion(&mut chars, &mut word)?;
                        }
                        Some('`') => {
                            word.push(LIVE_QUOTED);
                            word.push('`');
                            copy_balanced(&mut chars, &mut word, None, '`')?;
                        }
                        Some(ch) => word.push(ch),
                        None => return Err(LexError::OpenQuote('"')),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(ch) = chars.next() {
                    word.push(ch);
                }
            }
            // `2>`, `2>>`, `2>&1`, `1>`, `&>`: the standard error (or output) redirections.
            '>' if in_word && brace.is_none() && (word == "1" || word == "2") => {
                let fd = std::mem::take(&mut word);
                in_word = false;
                let op = match (fd.as_str(), chars.peek()) {
                    ("2", Some('&')) => {
                        chars.next();
                        match chars.next() {
                            Some('1') => "2>&1",
                            _ => return Err(LexError::Unsupported("2>&")),
                        }
                    }
                    ("2", Some('>')) => {
                        chars.next();
                        "2>>"
                    }
                    ("2", _) => "2>",
                    (_, Some('>')) => {
                        chars.next();
                        ">>"
                    }
                    _ => ">",
                };
                tokens.push(Token::Op(op));
            }
            '&' if chars.peek() == Some(&'>') => {
                end_word(&mut tokens, &mut word, &mut in_word, &mut brace);
                chars.next();
                tokens.push(Token::Op("&>"));
            }
            ';' | '&' | '|' | '<' | '>' => {
                end_word(&mut tokens, &mut word, &mut in_word, &mut brace);
                let next = chars.peek().copied();
                let op = match (c, next) {
                    ('&', Some('&')) => "&&",
                    ('|', Some('|')) => "||",
                    ('>', Some('>')) => ">>",
                    ('<', Some('<')) => "<<",
                    ('|', _) => "|",
                    (';', _) => ";",
                    ('<', _) => "<",
                    ('>', _) => ">",
                    _ => "&",
                };
                if op.len() == 2 {
                    chars.next();
                }
                let op = if op == "<<" && chars.peek() == Some(&'-') {
                    chars.next();
                    "<<-"
                } else {
                    op
                };
                tokens.push(Token::Op(op));
            }
            '{' if brace.is_none() => {
                in_word = true;
                let body: String = chars.clone().take_while(|&n| n != '}').collect();
                match brace_alternatives(&body)
                    .filter(|_| chars.clone().nth(body.chars().count()) == Some('}'))
                {
                    Some(alternatives) => {
                        for _ in 0..=body.chars().count() {
                            chars.next();
                        }
                        brace = Some((word.len(), alternatives));
                    }
                    None => word.push(c),
                }
            }
            _ => {
                in_word = true;
                word.push(c);
            }
        }
    }
    end_word(&mut tokens, &mut word, &mut in_word, &mut brace);
    Ok(tokens)
}

/// Brace expansion's alternatives for the text between `{` and `}`: a list `a,b,c` or a
/// sequence `1..3` / `a..e` (also descending); `None` when it is neither, so the braces stay
/// literal, as bash leaves `{}` or `{x}`.
fn brace_alternatives(body: &str) -> Option<Vec<String>> {
    if body.is_empty() || body.contains(|c: char| c.is_whitespace() || "'\"$`{\\".contains(c)) {
        return None;
    }
    if let Some((from, to)) = body.split_once("..") {
        if let (Ok(a), Ok(b)) = (from.parse::<i64>(), to.parse::<i64>()) {
            // A long sequence is surely a mistake; keep it literal rather than flood memory.
            if (a - b).abs() > 10_000 {
                return None;
            }
            let range: Vec<i64> = if a <= b {
                (a..=b).collect()
            } else {
                (b..=a).rev().collect()
            };
            return Some(range.iter().map(i64::to_string).collect());
        }
        let (mut x, mut y) = (from.chars(), to.chars());
        return match (x.next(), x.next(), y.next(), y.next()) {
            (Some(a), None, Some(b), None)
                if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() =>
            {
                let range: Vec<char> = if a <= b {
                    (a..=b).collect()
                } else {
                    (b..=a).rev().collect()
                };
                Some(range.iter().map(char::to_string).collect())
            }
            _ => None,
        };
    }
    body.contains(',')
        .then(|| body.split(',').map(str::to_string).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<Token> {
        tokenize(line).unwrap_or_default()
    }

    fn w(s: &str) -> Token {
        Token::Word(s.into())
    }

    #[test]
    fn brace_expansion() {
        assert_eq!(
            words("po nginx{1..3}"),
            ["po", "nginx1", "nginx2", "nginx3"].map(w)
        );
        assert_eq!(words("{a,b}.yaml"), ["a.yaml", "b.yaml"].map(w));
        assert_eq!(words("x{c..a}"), ["xc", "xb", "xa"].map(w));
        // Not brace expressions: kept as written.
        assert_eq!(
            words("--template={{.spec.clusterIP}} {} {x} '{a,b}' {a b}"),
            [
                "--template={{.spec.clusterIP}}",
                "{}",
                "{x}",
                "{a,b}",
                "{a",
                "b}"
            ]
            .map(w)
        );
    }

    #[test]
    fn quotes_escapes_and_comments() {
        assert_eq!(
            words(r#"kubectl label po web 'a b'="c d" x\ y # done"#),
            ["kubectl", "label", "po", "web", "a b=c d", "x y"].map(w)
        );
        assert_eq!(
            words("a && b || c; d"),
            vec![
                w("a"),
                Token::Op("&&"),
                w("b"),
                Token::Op("||"),
                w("c"),
                Token::Op(";"),
                w("d")
            ]
        );
        assert_eq!(tokenize("echo 'open"), Err(LexError::OpenQuote('\'')));
        assert_eq!(
            words(r"kubectl patch -p $'spec:\n  x: 1'"),
            ["kubectl", "patch", "-p", "spec:\n  x: 1"].map(w)
        );
    }

    #[test]
    fn redirections_and_here_documents() {
        assert_eq!(
            words("cat <<EOF | kubectl apply -f -"),
            vec![
                w("cat"),
                Token::Op("<<"),
                w("EOF"),
                Token::Op("|"),
                w("kubectl"),
                w("apply"),
                w("-f"),
                w("-")
            ]
        );
        assert_eq!(
            words("cat <<-'END' >>out.yaml"),
            vec![
                w("cat"),
                Token::Op("<<-"),
                w("END"),
                Token::Op(">>"),
                w("out.yaml")
            ]
        );
    }
}
