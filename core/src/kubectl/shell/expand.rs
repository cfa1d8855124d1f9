//! Expansions, done as each command runs (so `NS=dev; kubectl -n $NS get po` sees `NS`):
//! variables (`$NS`, `${NS}`, `${NS:-default}`, `$?`), arithmetic (`$((i+1))`, in
//! `arith.rs`), command substitution (`$(...)` and
//! backquotes, run in this shell, trailing newlines dropped) and process substitution
//! (`<(...)`, whose output becomes a file `/dev/fd/63` that `source` or `cat` can read).
//! Outside double quotes a result is split into words at white space, and a word that
//! expands to nothing disappears, as in bash. Also here: variable assignments (`NAME=value`,
//! alone or before a command) and alias expansion of a command's first word.

use super::Shell;
use super::lex::{LIVE, LIVE_QUOTED, PROCESS, Token, tokenize};
use crate::cluster::Output;
use crate::sim::Sim;

/// Whether `word` (as the lexer left it) is `NAME=value` with a literal name.
fn assignment(word: &str) -> Option<(&str, &str)> {
    let (name, value) = word.split_once('=')?;
    let mut chars = name.chars();
    let first = chars.next()?;
    ((first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_'))
    .then_some((name, value))
}

impl Shell {
    /// The words of a command after assignments, alias and expansions; assignments alone set
    /// shell variables. Errors of substitutions go to `err`.
    pub(super) fn expand(
        &mut self,
        words: &[String],
        sim: &mut Sim,
        err: &mut String,
    ) -> Vec<String> {
        let mut rest = words;
        let mut assignments = Vec::new();
        while let Some((first, more)) = rest.split_first() {
            let Some((name, value)) = assignment(first) else {
                break;
            };
            let value = self.expand_word(value, false, sim, err).join(" ");
            assignments.push((name.to_string(), value));
            rest = more;
        }
        if rest.is_empty() {
            // `NAME=value` alone sets a shell variable; before a command it is that command's
            // environment, which no command here reads.
            self.vars.extend(assignments);
            return Vec::new();
        }
        let mut out = Vec::new();
        for word in rest {
            out.extend(self.expand_word(word, true, sim, err));
        }
        self.expand_alias(out, err)
    }

    /// Replaces the first word by its alias, once (an alias naming itself stops there).
    fn expand_alias(&self, mut words: Vec<String>, err: &mut String) -> Vec<String> {
        let Some(text) = words.first().and_then(|w| self.aliases.get(w)) else {
            return words;
        };
        match tokenize(text) {
            Ok(tokens) if tokens.iter().all(|t| matches!(t, Token::Word(_))) => {
                let mut expanded: Vec<String> = tokens
                    .into_iter()
                    .filter_map(|t| match t {
                        Token::Word(w) => Some(w.replace([LIVE, LIVE_QUOTED], "")),
                        Token::Op(_) => None,
                    })
                    .collect();
                expanded.extend(words.drain(1..));
                expanded
            }
            _ => {
                err.push_str(&format!(
                    "bash: {}: aliases with functions, pipes or lists are not supported in this sandbox\n",
                    words.first().map_or("", String::as_str)
                ));
                Vec::new()
            }
        }
    }

    /// One word's expansion: its fields (several when an unquoted result has spaces, none when
    /// an unquoted expansion alone gives nothing).
    fn expand_word(
        &mut self,
        word: &str,
        split: bool,
        sim: &mut Sim,
        err: &mut String,
    ) -> Vec<String> {
        if let Some(command) = word.strip_prefix(PROCESS) {
            let out = self.substitute(command, sim, err);
            self.process_files += 1;
            let path = format!("/dev/fd/{}", 62 + self.process_files);
            self.files.insert(path.clone(), out);
            return vec![path];
        }
        let mut fields: Vec<String> = Vec::new();
        let mut current = String::new();
        // Whether the current field holds anything written (even an empty quoted string).
        let mut solid = !word.contains([LIVE, LIVE_QUOTED]) || word.is_empty();
        let mut chars = word.chars().peekable();
        while let Some(c) = chars.next() {
            if c != LIVE && c != LIVE_QUOTED {
                current.push(c);
                solid = true;
                continue;
            }
            let quoted = c == LIVE_QUOTED;
            let value = match chars.next() {
                Some('`') => {
                    let inner: String = chars.by_ref().take_while(|&c| c != '`').collect();
                    self.substitute(&inner, sim, err)
                }
                Some('$') => match chars.peek().copied() {
                    Some('(') => {
                        chars.next();
                        let inner = take_balanced(&mut chars, '(', ')');
                        match arithmetic(&inner) {
                            Some(expression) => {
                                let vars = |name: &str| self.var(name);
                                match super::arith::evaluate(expression, &vars) {
                                    Ok(n) => n.to_string(),
                                    Err(e) => {
                                        err.push_str(&e);
                                        err.push('\n');
                                        self.status = 1;
                                        String::new()
                                    }
                                }
                            }
                            None => self.substitute(&inner, sim, err),
                        }
                    }
                    Some('{') => {
                        chars.next();
                        let inner: String = chars.by_ref().take_while(|&c| c != '}').collect();
                        match inner.split_once(":-") {
                            Some((name, default)) => self
                                .var(name)
                                .filter(|v| !v.is_empty())
                                .unwrap_or_else(|| default.to_string()),
                            None => self.var(&inner).unwrap_or_default(),
                        }
                    }
                    Some('?') => {
                        chars.next();
                        self.status.to_string()
                    }
                    Some(n) if n.is_ascii_alphabetic() || n == '_' => {
                        let mut name = String::new();
                        while let Some(&n) = chars.peek() {
                            if !(n.is_ascii_alphanumeric() || n == '_') {
                                break;
                            }
                            name.push(n);
                            chars.next();
                        }
                        self.var(&name).unwrap_or_default()
                    }
                    Some(n) if n.is_ascii_digit() => {
                        // Positional parameters: a line typed at the prompt has none.
                        chars.next();
                        String::new()
                    }
                    _ => {
                        current.push('$');
                        solid = true;
                        continue;
                    }
                },
                _ => continue,
            };
            if quoted || !split {
                current.push_str(&value);
                solid = true;
                continue;
            }
            // Field splitting: white space inside the value separates words.
            let starts_with_space = value.starts_with(char::is_whitespace);
            let ends_with_space = value.ends_with(char::is_whitespace);
            let mut pieces = value.split_whitespace().peekable();
            if starts_with_space && (solid || !current.is_empty()) {
                fields.push(std::mem::take(&mut current));
                solid = false;
            }
            while let Some(piece) = pieces.next() {
                current.push_str(piece);
                solid = true;
                if pieces.peek().is_some() {
                    fields.push(std::mem::take(&mut current));
                }
            }
            if ends_with_space && !current.is_empty() {
                fields.push(std::mem::take(&mut current));
                solid = false;
            }
        }
        if solid || !current.is_empty() {
            fields.push(current);
        }
        fields
    }

    /// An unquoted here-document's body as bash reads it: `$VAR`, `${...}`, `$(...)` and
    /// backquotes expanded without field splitting; `\$`, `` \` `` and `\\` stand for themselves.
    pub(super) fn expand_here_doc(
        &mut self,
        body: &str,
        sim: &mut Sim,
        err: &mut String,
    ) -> String {
        let mut marked = String::with_capacity(body.len());
        let mut chars = body.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' if matches!(chars.peek(), Some('$' | '`' | '\\')) => {
                    marked.extend(chars.next());
                }
                '$' | '`' => {
                    marked.push(LIVE_QUOTED);
                    marked.push(c);
                }
                _ => marked.push(c),
            }
        }
        self.expand_word(&marked, false, sim, err).concat()
    }

    /// `alias [NAME[=VALUE]...]`: defines aliases, or prints them as bash does.
    pub(super) fn alias(&mut self, args: &[String]) -> Output {
        let show =
            |name: &str, value: &str| format!("alias {name}='{}'\n", value.replace('\'', "'\\''"));
        if args.is_empty() {
            return Output::ok(
                self.aliases
                    .iter()
                    .map(|(n, v)| show(n, v))
                    .collect::<String>(),
            );
        }
        let mut out = Output::default();
        for arg in args {
            match arg.split_once('=') {
                Some((name, value)) => {
                    self.aliases.insert(name.to_string(), value.to_string());
                }
                None => match self.aliases.get(arg) {
                    Some(value) => out.stdout.push_str(&show(arg, value)),
                    None => {
                        out.stderr
                            .push_str(&format!("bash: alias: {arg}: not found\n"));
                        out.exit_code = 1;
                    }
                },
            }
        }
        out
    }

    /// `unalias NAME...`.
    pub(super) fn unalias(&mut self, args: &[String]) -> Output {
        let mut out = Output::default();
        for arg in args {
            if arg == "-a" {
                self.aliases.clear();
            } else if self.aliases.remove(arg).is_none() {
                out.stderr
                    .push_str(&format!("bash: unalias: {arg}: not found\n"));
                out.exit_code = 1;
            }
        }
        out
    }

    /// `export NAME[=VALUE]...` (variables here are all visible to the shell's commands) and
    /// `unset NAME...`.
    pub(super) fn export(&mut self, args: &[String], unset: bool) -> Output {
        for arg in args.iter().filter(|a| !a.starts_with('-')) {
            match arg.split_once('=') {
                _ if unset => {
                    self.vars.remove(arg);
                }
                Some((name, value)) => {
                    self.vars.insert(name.to_string(), value.to_string());
                }
                None => {
                    self.vars.entry(arg.clone()).or_default();
                }
            }
        }
        Output::default()
    }

    fn var(&self, name: &str) -> Option<String> {
        self.vars.get(name).cloned()
    }

    /// `$(command)`: what it prints, without trailing newlines; its errors reach the terminal.
    /// It runs in a subshell: assignments inside do not last, and nothing waits in a terminal.
    fn substitute(&mut self, command: &str, sim: &mut Sim, err: &mut String) -> String {
        if self.nesting >= super::MAX_NESTING {
            err.push_str("bash: maximum nesting level exceeded\n");
            return String::new();
        }
        self.nesting += 1;
        let vars = self.vars.clone();
        let terminal = std::mem::replace(&mut self.terminal, false);
        let stdin = self.stdin.take();
        let out: Output = self.run_lines(command, sim);
        self.stdin = stdin;
        self.terminal = terminal;
        self.vars = vars;
        self.nesting -= 1;
        err.push_str(&out.stderr);
        out.stdout.trim_end_matches('\n').to_string()
    }
}

/// The text up to the `close` matching an `open` already read (quotes kept as written).
/// The expression of `$(( ... ))`, given what `$( ... )` held: `( ... )` whose first
/// parenthesis closes at its end.
fn arithmetic(inner: &str) -> Option<&str> {
    let body = inner.strip_prefix('(')?.strip_suffix(')')?;
    let mut depth = 0i32;
    for c in body.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return None;
        }
    }
    (depth == 0).then_some(body)
}

fn take_balanced(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    open: char,
    close: char,
) -> String {
    let mut depth = 0usize;
    let mut text = String::new();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                text.push(c);
                for n in chars.by_ref() {
                    text.push(n);
                    if n == '\'' {
                        break;
                    }
                }
                continue;
            }
            c if c == open => depth += 1,
            c if c == close => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            _ => {}
        }
        text.push(c);
    }
    text
}

#[cfg(test)]
mod tests {
    use crate::cluster::Cluster;

    fn run(c: &mut Cluster, line: &str) -> String {
        let out = c.exec(line);
        format!("{}{}", out.stdout, out.stderr)
    }

    #[test]
    fn variables_and_quotes() {
        let mut c = Cluster::new_default(1);
        let table = [
            (
                "NS=kube-system; echo $NS ${NS} \"$NS\" '$NS'",
                "kube-system kube-system kube-system $NS\n",
            ),
            ("export X=\"a  b\"; echo [$X] \"[$X]\"", "[a b] [a  b]\n"),
            ("echo ${MISSING:-fallback} x${MISSING}y", "fallback xy\n"),
            ("false; echo $?", "1\n"),
            ("echo $ 5", "$ 5\n"),
        ];
        for (line, expected) in table {
            assert_eq!(run(&mut c, line), expected, "{line}");
        }
        assert_eq!(
            run(&mut c, "NS=kube-system\nkubectl get deploy -n $NS -o name"),
            "deployment.apps/coredns\n"
        );
    }

    #[test]
    fn command_substitution() {
        let mut c = Cluster::new_default(1);
        assert!(
            run(
                &mut c,
                "POD=$(kubectl get pods -n kube-system -l k8s-app=kube-dns -o jsonpath='{.items[0].metadata.name}'); echo $POD"
            )
            .starts_with("coredns-")
        );
        assert_eq!(
            run(&mut c, "kubectl get ns $(echo default kube-system) -o name"),
            "namespace/default\nnamespace/kube-system\n"
        );
        assert_eq!(
            run(&mut c, "echo \"`echo 'a  b'`\" $(echo 'a  b')"),
            "a  b a b\n"
        );
        assert_eq!(run(&mut c, "echo $(echo) | wc -l"), "1\n");
    }

    #[test]
    fn aliases_and_sourcing_completion() {
        let mut c = Cluster::new_default(1);
        assert_eq!(run(&mut c, "alias kg='kubectl get'"), "");
        assert_eq!(run(&mut c, "kg ns default -o name"), "namespace/default\n");
        assert_eq!(run(&mut c, "alias kg"), "alias kg='kubectl get'\n");
        assert_eq!(run(&mut c, "source <(kubectl completion bash)"), "");
        assert_eq!(run(&mut c, "complete -o default -F __start_kubectl k"), "");
        assert_eq!(
            run(
                &mut c,
                "alias kx='f() { kubectl config current-context; }; f'; kx"
            ),
            "bash: kx: aliases with functions, pipes or lists are not supported in this sandbox\n"
        );
    }
}
