//! The small shell in front of kubectl, so that cheat-sheet lines work as written.
//!
//! Input may hold several lines (a pasted script): each line is split into words
//! ([`lex`]), here-documents take the lines that follow (`<<EOF` ... `EOF`), a line with an open
//! quote or a trailing backslash continues on the next. A line is a list of pipelines joined by
//! `;`, `&&` and `||`; a pipeline is commands joined by `|`, each with its redirections (`<`,
//! `<<`, `>`, `>>`). Besides `kubectl` (and the alias `k`) it knows a few builtins
//! ([`builtins`]); anything else is "command not found", as in a real shell. Files live in memory.

mod arith;
mod awk;
mod background;
mod builtins;
mod expand;
mod files;
mod foreground;
mod jq;
pub(crate) mod lex;
mod loops;
mod regex;
mod sed;
mod text;

use std::collections::BTreeMap;

use crate::cluster::Output;
use crate::sim::Sim;
use lex::{Token, tokenize};

/// Reads a file from outside the shell (the CLI's disk).
pub type FileReader = Box<dyn Fn(&str) -> Option<String>>;

/// The shell's state: history and the in-memory files `kubectl apply -f` can read.
#[derive(Default)]
pub struct Shell {
    pub history: Vec<String>,
    pub files: BTreeMap<String, String>,
    /// Files from outside (the CLI's disk), consulted after `files`.
    file_reader: Option<FileReader>,
    /// The kubeconfig (`~/.kube/config`): contexts, users, the current context.
    pub kubeconfig: crate::kubectl::config::kubeconfig::Kubeconfig,
    /// The context of the kubectl command running now when it named one (`--context`).
    pub context_override: Option<String>,
    /// Standard input of the command running now (a here-document or the previous pipe stage);
    /// `kubectl ... -f -` reads it.
    stdin: Option<String>,
    /// Whether commands that follow the cluster stay running as the foreground job (a
    /// terminal) rather than run to their end at once (a script).
    terminal: bool,
    /// A job the command running now has just started (see [`Shell::follow`]).
    started: Option<Box<dyn crate::kubectl::job::Job>>,
    /// The foreground job and what the line does after it.
    foreground: Option<foreground::Foreground>,
    /// What the foreground job (and the rest of its line) printed, not yet taken by the host.
    job_output: Output,
    /// A `kubectl edit` waiting for the host's editor.
    pub pending_edit: Option<crate::kubectl::edit::PendingEdit>,
    /// Edits started so far (numbers their temporary files).
    pub edits: u32,
    /// Shell variables (`NS=dev`, `export NS=dev`).
    vars: BTreeMap<String, String>,
    /// `alias k=kubectl`.
    aliases: BTreeMap<String, String>,
    /// The last pipeline's status (`$?`).
    status: i32,
    /// Process substitutions so far (`<(...)` files are `/dev/fd/63`, `/dev/fd/64`...).
    process_files: u32,
    /// How deep `source` and `$(...)` are nested now.
    nesting: u32,
    /// Jobs started with `&`, oldest first.
    background: Vec<background::Background>,
    /// The command running now was started with `&`: a job it starts stays running.
    backgrounding: bool,
    /// The last process id handed to a background job.
    last_pid: u32,
    /// What background jobs printed while the running pipeline used them (a forwarder's
    /// `Handling connection`): it goes to the terminal, not into the pipeline.
    background_said: Output,
}

/// How deep `source` files and command substitutions may nest.
const MAX_NESTING: u32 = 64;

/// Where a command's standard input comes from.
enum Input {
    /// A here-document's body, and whether it is expanded (its delimiter was not quoted).
    HereDoc(String, bool),
    File(String),
}

/// One command of a pipeline, with its redirections.
#[derive(Default)]
pub(super) struct Command {
    words: Vec<String>,
    stdin: Option<Input>,
    /// `> path` (false) or `>> path` (true).
    stdout: Option<(String, bool)>,
    /// `2> path` / `2>> path`.
    stderr: Option<(String, bool)>,
    /// `2>&1` (or `&>`): standard error goes where standard output goes.
    stderr_to_stdout: bool,
}

/// A pipeline and the operator that follows it (`;`, `&&`, `||`, or none at the end).
pub(super) type List = Vec<(Vec<Command>, Option<&'static str>)>;

impl Shell {
    pub fn set_file_reader(&mut self, reader: FileReader) {
        self.file_reader = Some(reader);
    }

    /// A file's contents; `-` is standard input.
    pub fn read_file(&self, path: &str) -> Option<String> {
        if path == "-" {
            return self.stdin.clone();
        }
        self.files
            .get(path)
            .cloned()
            .or_else(|| self.file_reader.as_ref().and_then(|r| r(path)))
    }

    /// The context commands use: `--context`'s, else the kubeconfig's current one.
    pub fn current_context(&self) -> &str {
        self.context_override
            .as_deref()
            .unwrap_or(&self.kubeconfig.current_context)
    }

    /// The namespace commands default to: the context's, else `default`.
    pub fn current_namespace(&self) -> &str {
        match self.kubeconfig.namespace_of(self.current_context()) {
            "" => "default",
            ns => ns,
        }
    }

    /// `kubeplay:NAMESPACE$ `, with the context in brackets when it is not kind's own
    /// (`kubeplay[alice@kind-kubeplay]:default$ `).
    pub fn prompt(&self) -> String {
        let context = self.current_context();
        if context == crate::kubectl::config::kubeconfig::KIND_CONTEXT {
            format!("kubeplay:{}$ ", self.current_namespace())
        } else {
            format!("kubeplay[{context}]:{}$ ", self.current_namespace())
        }
    }

    /// Runs what was typed or pasted (one line or several) and returns everything it printed.
    /// With `terminal`, a command that follows the cluster (`get -w`...) may stay running as
    /// the foreground job; what comes after it runs when it ends.
    pub fn run(&mut self, input: &str, sim: &mut Sim, terminal: bool) -> Output {
        if self.job_running() {
            return Output::error(
                "kubeplay: a command is still running (Ctrl-C stops it)\n",
                1,
            );
        }
        if !input.trim().is_empty() {
            self.history.push(input.trim_end_matches('\n').to_string());
        }
        self.terminal = terminal;
        let out = self.run_lines(input, sim);
        self.terminal = false;
        out
    }

    /// Runs lines until they end or one leaves a foreground job (the rest then waits for it).
    fn run_lines(&mut self, input: &str, sim: &mut Sim) -> Output {
        let mut lines = input.lines();
        let mut out = Output::default();
        while let Some(first) = lines.next() {
            if loops::opens(first) {
                let mut text = first.to_string();
                while !loops::closed(&text) {
                    match lines.next() {
                        Some(next) => {
                            text.push('\n');
                            text.push_str(next);
                        }
                        None => break,
                    }
                }
                let (body, after) = loops::split(&text).unwrap_or((&text, ""));
                let mut result = self.run_for(body, sim);
                self.status = result.exit_code;
                // What follows `done` on the line: `; more`, `&& more`, `|| more`.
                let after = after.trim_start();
                let ok = result.exit_code == 0;
                let next = if let Some(more) = after.strip_prefix("&&") {
                    ok.then_some(more)
                } else if let Some(more) = after.strip_prefix("||") {
                    (!ok).then_some(more)
                } else {
                    Some(after.trim_start_matches(';'))
                };
                if let Some(more) = next.filter(|m| !m.trim().is_empty()) {
                    let rest = self.run_lines(more, sim);
                    result.stdout.push_str(&rest.stdout);
                    result.stderr.push_str(&rest.stderr);
                    result.exit_code = rest.exit_code;
                }
                out.stdout.push_str(&result.stdout);
                out.stderr.push_str(&result.stderr);
                out.exit_code = result.exit_code;
                if self.foreground.is_some() {
                    break;
                }
                continue;
            }
            let result = match read_command_line(first, &mut lines) {
                Ok(list) => self.continue_list(0, None, list, sim),
                Err(message) => Output::error(format!("bash: {message}\n"), 2),
            };
            out.stdout.push_str(&result.stdout);
            out.stderr.push_str(&result.stderr);
            out.exit_code = result.exit_code;
            if let Some(fg) = &mut self.foreground {
                fg.rest_input = lines.collect::<Vec<_>>().join("\n");
                break;
            }
        }
        out
    }

    /// Runs the pipelines of `list`, the first only if `op` (what followed a pipeline that
    /// ended with `status`) lets it run: `&&` after success, `||` after failure.
    fn continue_list(
        &mut self,
        status: i32,
        op: Option<&'static str>,
        list: List,
        sim: &mut Sim,
    ) -> Output {
        let mut out = Output {
            exit_code: status,
            ..Output::default()
        };
        let runs = |op: Option<&str>, status: i32| match op {
            Some("&&") => status == 0,
            Some("||") => status != 0,
            _ => true,
        };
        let mut run_next = runs(op, status);
        let mut items = list.into_iter();
        while let Some((pipeline, op)) = items.next() {
            if run_next {
                let result = if op == Some("&") {
                    match pipeline.into_iter().next() {
                        Some(command) => self.run_background(command, sim),
                        None => Output::default(),
                    }
                } else {
                    let mut result = self.run_pipeline(pipeline, sim);
                    // What background jobs printed while the pipeline ran reached the terminal
                    // first; then what they printed since, and which of them ended.
                    let said = std::mem::take(&mut self.background_said);
                    result.stdout.insert_str(0, &said.stdout);
                    result.stderr.insert_str(0, &said.stderr);
                    let polled = self.poll_background(sim);
                    result.stdout.push_str(&polled.stdout);
                    result.stderr.push_str(&polled.stderr);
                    result
                };
                out.stdout.push_str(&result.stdout);
                out.stderr.push_str(&result.stderr);
                out.exit_code = result.exit_code;
                self.status = result.exit_code;
                if let Some(fg) = &mut self.foreground {
                    fg.op = op;
                    fg.rest_list = items.collect();
                    return out;
                }
            }
            run_next = runs(op, out.exit_code);
        }
        out
    }

    /// Runs the commands of a pipeline one after another, each reading what the one before
    /// printed; the pipeline's status is the last command's.
    fn run_pipeline(&mut self, pipeline: Vec<Command>, sim: &mut Sim) -> Output {
        let mut piped: Option<String> = None;
        let mut out = Output::default();
        let mut commands = pipeline.into_iter();
        while let Some(command) = commands.next() {
            let stdin = match command.stdin {
                Some(Input::HereDoc(text, false)) => Some(text),
                Some(Input::HereDoc(text, true)) => {
                    let mut errors = String::new();
                    let body = self.expand_here_doc(&text, sim, &mut errors);
                    out.stderr.push_str(&errors);
                    Some(body)
                }
                Some(Input::File(path)) => match self.read_file(&path) {
                    Some(text) => Some(text),
                    None => {
                        out.stderr
                            .push_str(&format!("bash: {path}: No such file or directory\n"));
                        out.exit_code = 1;
                        piped = Some(String::new());
                        continue;
                    }
                },
                None => piped.take(),
            };
            self.stdin = stdin;
            let mut expansion_errors = String::new();
            let words = self.expand(&command.words, sim, &mut expansion_errors);
            out.stderr.push_str(&expansion_errors);
            let result = self.command(&words, sim);
            self.stdin = None;
            if let Some(job) = self.started.take() {
                // The command keeps running: the rest of the pipeline reads its output as it
                // comes.
                let (first, status) =
                    self.start_foreground(job, result, command.stdout, commands, sim);
                out.stdout = first.stdout;
                out.stderr.push_str(&first.stderr);
                out.exit_code = status;
                return out;
            }
            let mut result = result;
            if command.stderr_to_stdout {
                let errors = std::mem::take(&mut result.stderr);
                result.stdout.push_str(&errors);
            }
            match command.stderr {
                Some((path, append)) => self.write_to(path, append, &result.stderr),
                None => out.stderr.push_str(&result.stderr),
            }
            out.exit_code = result.exit_code;
            piped = Some(match command.stdout {
                Some((path, append)) => {
                    self.write_to(path, append, &result.stdout);
                    String::new()
                }
                None => result.stdout,
            });
        }
        out.stdout = piped.unwrap_or_default();
        out
    }

    fn command(&mut self, words: &[String], sim: &mut Sim) -> Output {
        let Some((name, rest)) = words.split_first() else {
            return Output::default();
        };
        let stdin = self.stdin.clone();
        let stdin = stdin.as_deref();
        match name.as_str() {
            "kubectl" | "k" => match rest.split_first() {
                // The terminal completes commands itself: nothing to load into it.
                Some((sub, _)) if sub == "completion" => Output::default(),
                _ => super::run(rest, self, sim),
            },
            "alias" => self.alias(rest),
            "unalias" => self.unalias(rest),
            "export" => self.export(rest, false),
            "unset" => self.export(rest, true),
            // `source <(kubectl completion bash)`: runs the file's lines here.
            "source" | "." => match rest.first() {
                None => Output::error("bash: source: filename argument required\n", 2),
                // A file that sources itself stops here rather than recursing for ever.
                Some(_) if self.nesting >= MAX_NESTING => Output::error(
                    format!("bash: {name}: maximum nesting level exceeded ({MAX_NESTING})\n"),
                    1,
                ),
                Some(path) => match self.read_file(path) {
                    Some(text) => {
                        self.nesting += 1;
                        let out = self.run_lines(&text, sim);
                        self.nesting -= 1;
                        out
                    }
                    None => Output::error(format!("bash: {path}: No such file or directory\n"), 1),
                },
            },
            // bash's programmable completion setup: this terminal completes by itself.
            "complete" => Output::default(),
            "xargs" => self.xargs(rest, stdin, sim),
            "base64" => builtins::base64(rest, stdin),
            "kubeplay" => {
                let namespace = self.current_namespace().to_string();
                crate::sandbox::run(rest, sim, &namespace)
            }
            "sleep" => builtins::sleep(rest, sim),
            "jobs" => self.jobs(sim),
            "kill" => self.kill(rest, sim),
            "fg" => self.fg(rest, sim),
            "curl" => {
                // The learner's machine has curl. What a forwarder prints about the
                // connection goes to the terminal, not into curl's pipe, ahead of the reply.
                let words: Vec<&str> = rest.iter().map(String::as_str).collect();
                let (stdout, stderr, exit_code) = crate::network::outside::curl(&words, sim);
                let said = self.poll_background(sim);
                self.background_said.stdout.push_str(&said.stdout);
                self.background_said.stderr.push_str(&said.stderr);
                Output {
                    stdout,
                    stderr,
                    exit_code,
                }
            }
            "seq" => builtins::seq(rest),
            "echo" => builtins::echo(rest),
            "cat" => builtins::cat(rest, stdin, |p| self.read_file(p)),
            "grep" => builtins::grep(rest, stdin, |p| self.read_file(p)),
            "head" => builtins::head_or_tail(rest, stdin, true),
            "tail" => builtins::head_or_tail(rest, stdin, false),
            "wc" => builtins::wc(rest, stdin),
            "sort" => builtins::sort(rest, stdin),
            "uniq" => text::uniq(rest, stdin),
            "cut" => text::cut(rest, stdin),
            "tr" => text::tr(rest, stdin),
            "sed" => sed::sed(rest, stdin, |p| self.read_file(p)),
            "awk" => awk::awk(rest, stdin, |p| self.read_file(p)),
            "jq" => jq::jq(rest, stdin, |p| self.read_file(p)),
            "ls" => files::ls(rest, &self.files),
            "rm" => files::rm(rest, &mut self.files),
            "clear" | "true" => Output::default(),
            "false" => Output::error("", 1),
            "help" => Output::ok(HELP),
            other => Output::error(format!("bash: {other}: command not found\n"), 127),
        }
    }
}

impl Shell {
    /// A redirection's file (`/dev/null` swallows everything).
    fn write_to(&mut self, path: String, append: bool, text: &str) {
        if path == "/dev/null" {
            return;
        }
        let file = self.files.entry(path).or_default();
        if !append {
            file.clear();
        }
        file.push_str(text);
    }

    /// `xargs [-n N] [-I REPLACE] [COMMAND...]`: runs the command (`echo` by default) with
    /// the words of standard input as arguments, all at once or N at a time, or once per line
    /// with REPLACE standing for it.
    fn xargs(&mut self, args: &[String], stdin: Option<&str>, sim: &mut Sim) -> Output {
        let input = stdin.unwrap_or_default().to_string();
        let mut per_call = usize::MAX;
        let mut replace: Option<String> = None;
        let mut rest = args;
        loop {
            match rest {
                [flag, n, more @ ..] if flag == "-n" => {
                    per_call = n.parse().unwrap_or(1).max(1);
                    rest = more;
                }
                [flag, r, more @ ..] if flag == "-I" => {
                    replace = Some(r.clone());
                    rest = more;
                }
                [flag, more @ ..] if flag.starts_with("-n") && flag.len() > 2 => {
                    per_call = flag[2..].parse().unwrap_or(1).max(1);
                    rest = more;
                }
                [flag, more @ ..] if flag.starts_with("-I") && flag.len() > 2 => {
                    replace = Some(flag[2..].to_string());
                    rest = more;
                }
                _ => break,
            }
        }
        let command: Vec<String> = if rest.is_empty() {
            vec!["echo".to_string()]
        } else {
            rest.to_vec()
        };
        let calls: Vec<Vec<String>> = match &replace {
            Some(r) => input
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|line| {
                    command
                        .iter()
                        .map(|w| w.replace(r.as_str(), line.trim()))
                        .collect()
                })
                .collect(),
            None => {
                let words: Vec<String> = input.split_whitespace().map(str::to_string).collect();
                if words.is_empty() {
                    vec![command.clone()]
                } else {
                    words
                        .chunks(per_call.min(words.len()))
                        .map(|chunk| {
                            command
                                .iter()
                                .cloned()
                                .chain(chunk.iter().cloned())
                                .collect()
                        })
                        .collect()
                }
            }
        };
        let mut out = Output::default();
        self.stdin = None;
        for words in calls {
            let result = self.command(&words, sim);
            out.stdout.push_str(&result.stdout);
            out.stderr.push_str(&result.stderr);
            if result.exit_code != 0 {
                out.exit_code = 123;
            }
        }
        out
    }
}

/// Splits a script into its command lines as the shell reads them: each with its continuation
/// lines (trailing backslash, open quote) and here-document bodies, so that a script runner
/// can echo and run one command at a time.
pub fn split_commands(script: &str) -> Vec<String> {
    let mut commands = Vec::new();
    let mut lines = script.lines();
    while let Some(first) = lines.next() {
        let mut text = first.to_string();
        let tokens = loop {
            if text.ends_with('\\')
                && !text.ends_with("\\\\")
                && let Some(next) = lines.next()
            {
                text.push('\n');
                text.push_str(next);
                continue;
            }
            match tokenize(&text) {
                Ok(tokens) => break tokens,
                Err(lex::LexError::Unsupported(_)) => break Vec::new(),
                Err(_) => match lines.next() {
                    Some(next) => {
                        text.push('\n');
                        text.push_str(next);
                    }
                    None => break Vec::new(),
                },
            }
        };
        let mut tokens = tokens.into_iter();
        while let Some(token) = tokens.next() {
            if let Token::Op(op @ ("<<" | "<<-")) = token
                && let Some(Token::Word(delimiter)) = tokens.next()
            {
                for line in lines.by_ref() {
                    text.push('\n');
                    text.push_str(line);
                    let line = if op == "<<-" {
                        line.trim_start_matches('\t')
                    } else {
                        line
                    };
                    if line == delimiter {
                        break;
                    }
                }
            }
        }
        commands.push(text);
    }
    commands
}

/// Reads one command line starting at `first`, taking continuation lines and here-document
/// bodies from `rest`, and parses it into a list of pipelines.
fn read_command_line<'a>(
    first: &str,
    rest: &mut impl Iterator<Item = &'a str>,
) -> Result<List, String> {
    let mut line = first.to_string();
    let tokens = loop {
        if line.ends_with('\\') && !line.ends_with("\\\\") {
            // A trailing backslash joins the next line; at the end of the input it is dropped.
            line.pop();
            if let Some(next) = rest.next() {
                line.push_str(next);
                continue;
            }
        }
        match tokenize(&line) {
            Ok(tokens) => break tokens,
            Err(e @ lex::LexError::Unsupported(_)) => return Err(e.message()),
            Err(e) => match rest.next() {
                Some(next) => {
                    line.push('\n');
                    line.push_str(next);
                }
                None => return Err(e.message()),
            },
        }
    };
    parse(tokens, quoted_here_doc_delimiters(&line), rest)
}

/// For each `<<` of the line in order, whether its delimiter was quoted (`<<'EOF'`, `<<"EOF"`,
/// `<<\EOF`): bash then takes the body literally, else it expands `$` and backquotes in it.
fn quoted_here_doc_delimiters(line: &str) -> Vec<bool> {
    line.split("<<")
        .skip(1)
        .map(|after| {
            after
                .trim_start_matches('-')
                .trim_start()
                .starts_with(['\'', '"', '\\'])
        })
        .collect()
}

/// Turns tokens into pipelines; `<<` takes its body from the following lines.
fn parse<'a>(
    tokens: Vec<Token>,
    quoted: Vec<bool>,
    rest: &mut impl Iterator<Item = &'a str>,
) -> Result<List, String> {
    let mut quoted = quoted.into_iter();
    let mut list: List = Vec::new();
    let mut pipeline: Vec<Command> = Vec::new();
    let mut command = Command::default();
    let mut tokens = tokens.into_iter();
    while let Some(token) = tokens.next() {
        match token {
            Token::Word(w) => command.words.push(w),
            Token::Op("2>&1") => command.stderr_to_stdout = true,
            Token::Op(op @ ("<" | "<<" | "<<-" | ">" | ">>" | "2>" | "2>>" | "&>")) => {
                let Some(Token::Word(target)) = tokens.next() else {
                    return Err("syntax error near unexpected token `newline'".into());
                };
                match op {
                    "<" => command.stdin = Some(Input::File(target)),
                    ">" | ">>" => command.stdout = Some((target, op == ">>")),
                    "2>" | "2>>" => command.stderr = Some((target, op == "2>>")),
                    "&>" => {
                        command.stdout = Some((target, false));
                        command.stderr_to_stdout = true;
                    }
                    _ => {
                        let body = here_doc(&target, op == "<<-", rest);
                        let expand = !quoted.next().unwrap_or(false);
                        command.stdin = Some(Input::HereDoc(body, expand));
                    }
                }
            }
            Token::Op("&") => {
                if command.words.is_empty() {
                    return Err("syntax error near unexpected token `&'".into());
                }
                if !pipeline.is_empty() {
                    return Err(
                        "background pipelines ('... | ... &') are not supported in this sandbox"
                            .into(),
                    );
                }
                pipeline.push(std::mem::take(&mut command));
                list.push((std::mem::take(&mut pipeline), Some("&")));
            }
            Token::Op(op) => {
                if command.words.is_empty() {
                    return Err(format!("syntax error near unexpected token `{op}'"));
                }
                pipeline.push(std::mem::take(&mut command));
                if op != "|" {
                    list.push((std::mem::take(&mut pipeline), Some(op)));
                }
            }
        }
    }
    if !command.words.is_empty() {
        pipeline.push(command);
    } else if !pipeline.is_empty() {
        return Err("syntax error: unexpected end of file".into());
    }
    if !pipeline.is_empty() {
        list.push((pipeline, None));
    }
    Ok(list)
}

/// The body of a here-document: the lines up to the one that is exactly `delimiter` (with
/// leading tabs removed for `<<-`). Like bash, a missing delimiter ends the body at the end of
/// the input. Variables and `$(...)` in the body are expanded when the command runs.
fn here_doc<'a>(
    delimiter: &str,
    strip_tabs: bool,
    rest: &mut impl Iterator<Item = &'a str>,
) -> String {
    let mut body = String::new();
    for line in rest {
        let line = if strip_tabs {
            line.trim_start_matches('\t')
        } else {
            line
        };
        if line == delimiter {
            break;
        }
        body.push_str(line);
        body.push('\n');
    }
    body
}

const HELP: &str = "\
kubeplay: a Kubernetes v1.35 cluster simulated in your browser.

  kubectl ... (or k ...)   talk to the cluster, as with a real one
  sleep N                  let N seconds of cluster time pass (at once: time here is virtual)
  echo, cat, grep, sed,    the usual, enough for cheat-sheet lines: pipes (|), here-documents
  awk, cut, tr, head,      (<<EOF), redirections (< > >>) to files kept in memory, variables
  tail, sort, uniq, wc,    (NS=dev, export, $NS), $(...), $((i+1)), {1..3}, source,
  xargs, base64, seq, ls,  alias k=kubectl, for NAME in WORDS; do ...; done
  rm, jq, clear
  curl URL                 a request from your machine: node addresses with NodePorts,
                           LoadBalancer IPs, localhost ports of kubectl port-forward/proxy
  COMMAND &, jobs,         run a command in the background (port-forward, proxy, get -w),
  kill %N, fg              list, stop, or bring it back
  kubeplay ...             sandbox commands: add, stop, start and remove nodes
                           (`kubeplay help` lists them)
  help                     this text

The cluster: one control-plane node and two workers, as `kind` creates them.
";
