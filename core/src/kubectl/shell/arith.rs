//! `$(( ... ))`: bash's integer arithmetic for the forms scripts use — `+ - * / %`, unary
//! minus, parentheses, comparisons (`< <= > >= == !=`, giving 1 or 0) and variables by name
//! (`i`, `$i`; unset or not a number counts as 0), on 64-bit integers that wrap as bash's do.

/// The value of an expression, or bash's complaint about it.
pub fn evaluate(expression: &str, var: &dyn Fn(&str) -> Option<String>) -> Result<i64, String> {
    let tokens = tokens(expression).ok_or_else(|| syntax(expression))?;
    let mut parser = Parser {
        tokens: &tokens,
        at: 0,
        var,
        text: expression,
    };
    if tokens.is_empty() {
        return Ok(0);
    }
    let value = parser.comparison()?;
    if parser.at < tokens.len() {
        return Err(syntax(expression));
    }
    Ok(value)
}

fn syntax(expression: &str) -> String {
    format!("bash: {}: syntax error in expression", expression.trim())
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Number(i64),
    Name(String),
    Op(&'static str),
}

fn tokens(text: &str) -> Option<Vec<Token>> {
    const OPS: &[&str] = &[
        "<=", ">=", "==", "!=", "+", "-", "*", "/", "%", "(", ")", "<", ">",
    ];
    let mut out = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        if let Some(op) = OPS.iter().find(|op| rest.starts_with(**op)) {
            out.push(Token::Op(op));
            rest = &rest[op.len()..];
        } else {
            let start = rest.trim_start_matches('$');
            let end = start
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(start.len());
            if end == 0 {
                return None;
            }
            let word = &start[..end];
            out.push(if word.chars().all(|c| c.is_ascii_digit()) {
                Token::Number(word.parse().ok()?)
            } else if word.starts_with(|c: char| c.is_ascii_digit()) {
                return None;
            } else {
                Token::Name(word.to_string())
            });
            rest = &start[end..];
        }
        rest = rest.trim_start();
    }
    Some(out)
}

struct Parser<'a> {
    tokens: &'a [Token],
    at: usize,
    var: &'a dyn Fn(&str) -> Option<String>,
    text: &'a str,
}

impl Parser<'_> {
    fn eat(&mut self, ops: &[&'static str]) -> Option<&'static str> {
        match self.tokens.get(self.at) {
            Some(Token::Op(op)) if ops.contains(op) => {
                self.at += 1;
                Some(op)
            }
            _ => None,
        }
    }

    fn comparison(&mut self) -> Result<i64, String> {
        let left = self.sum()?;
        match self.eat(&["<=", ">=", "==", "!=", "<", ">"]) {
            None => Ok(left),
            Some(op) => {
                let right = self.sum()?;
                let holds = match op {
                    "<=" => left <= right,
                    ">=" => left >= right,
                    "==" => left == right,
                    "!=" => left != right,
                    "<" => left < right,
                    _ => left > right,
                };
                Ok(i64::from(holds))
            }
        }
    }

    fn sum(&mut self) -> Result<i64, String> {
        let mut value = self.product()?;
        while let Some(op) = self.eat(&["+", "-"]) {
            let right = self.product()?;
            value = if op == "+" {
                value.wrapping_add(right)
            } else {
                value.wrapping_sub(right)
            };
        }
        Ok(value)
    }

    fn product(&mut self) -> Result<i64, String> {
        let mut value = self.unary()?;
        while let Some(op) = self.eat(&["*", "/", "%"]) {
            let right = self.unary()?;
            if op != "*" && right == 0 {
                return Err(format!(
                    "bash: {}: division by 0 (error token is \"{right}\")",
                    self.text.trim()
                ));
            }
            value = match op {
                "*" => value.wrapping_mul(right),
                "/" => value.wrapping_div(right),
                _ => value.wrapping_rem(right),
            };
        }
        Ok(value)
    }

    fn unary(&mut self) -> Result<i64, String> {
        if self.eat(&["-"]).is_some() {
            return Ok(self.unary()?.wrapping_neg());
        }
        if self.eat(&["+"]).is_some() {
            return self.unary();
        }
        match self.tokens.get(self.at).cloned() {
            Some(Token::Number(n)) => {
                self.at += 1;
                Ok(n)
            }
            Some(Token::Name(name)) => {
                self.at += 1;
                Ok((self.var)(&name)
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0))
            }
            Some(Token::Op("(")) => {
                self.at += 1;
                let value = self.comparison()?;
                self.eat(&[")"]).ok_or_else(|| syntax(self.text))?;
                Ok(value)
            }
            _ => Err(syntax(self.text)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(text: &str) -> Result<i64, String> {
        evaluate(text, &|name| (name == "i").then(|| "41".to_string()))
    }

    #[test]
    fn integer_arithmetic_as_bash_does_it() {
        assert_eq!(eval("1+2*3"), Ok(7));
        assert_eq!(eval("(1+2)*3"), Ok(9));
        assert_eq!(eval("i+1"), Ok(42));
        assert_eq!(eval("$i + 1"), Ok(42));
        assert_eq!(eval("unset * 5"), Ok(0));
        assert_eq!(eval("-7 / 2"), Ok(-3));
        assert_eq!(eval("7 % 3"), Ok(1));
        assert_eq!(eval("3 > 2"), Ok(1));
        assert_eq!(eval(""), Ok(0));
        assert_eq!(
            eval("1/0"),
            Err("bash: 1/0: division by 0 (error token is \"0\")".into())
        );
        assert!(eval("1 +").is_err());
        assert!(eval("2 3").is_err());
        assert!(eval("(1").is_err());
    }
}
