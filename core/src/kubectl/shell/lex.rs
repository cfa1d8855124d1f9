//! Splitting one line into words and operators, as a POSIX shell does for the forms kubectl
//! lines use: single quotes keep everything (`$'...'` reads `\n` and `\t`), double quotes allow
//! `\"` and `\\`, a backslash escapes one character, `#` at the start of a word starts a
//! comment. Operators are the list
//! separators (`;`, `&&`, `||`, `&`), the pipe and the redirections (`<`, `<<`, `<<-`, `>`, `>>`).

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
}

impl LexError {
    /// bash's message when the input ends with the quote still open.
    pub fn message(&self) -> String {
        match self {
            LexError::OpenQuote(q) => {
                format!("unexpected EOF while looking for matching `{q}'")
            }
        }
    }
}

pub fn tokenize(line: &str) -> Result<Vec<Token>, LexError> {
    let mut tokens = Vec::new();
    let mut chars = line.chars().peekable();
    let mut word = String::new();
    let mut in_word = false;
    let end_word = |tokens: &mut Vec<Token>, word: &mut String, in_word: &mut bool| {
        if *in_word {
            tokens.push(Token::Word(std::mem::take(word)));
            *in_word = false;
        }
    };
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => end_word(&mut tokens, &mut word, &mut in_word),
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
            ';' | '&' | '|' | '<' | '>' => {
                end_word(&mut tokens, &mut word, &mut in_word);
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
            _ => {
                in_word = true;
                word.push(c);
            }
        }
    }
    end_word(&mut tokens, &mut word, &mut in_word);
    Ok(tokens)
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
