//! Runs compiled shell instructions over virtual time.
//!
//! A [`Machine`] is a program counter, the last status, shell variables and the `for` loops
//! in progress. [`Machine::run`] executes instructions until the script exits, sleeps past
//! the time asked for, blocks for good (`sleep infinity`, `tail -f`, `wait` on them) or turns
//! into another program (`exec nginx`). Sleeping only moves the machine's own clock, so the
//! same machine serves a container's main process (resumed as time passes) and a one-off
//! `kubectl exec` (run to the end at once).

use std::collections::BTreeMap;

use super::commands::{self, Io, Wait};
use super::parse::{self, Op, Pipeline, RedirKind, Seg, Word};
use super::{Stream, Sys};
use crate::time::Time;

/// How many instructions may run without time passing before the script counts as spinning
/// (a `while true` without `sleep`): a real one would burn a CPU; this one stops running.
const SPIN_LIMIT: usize = 20_000;
/// How deep `$(..)` may nest.
const MAX_DEPTH: usize = 8;

/// Which shell interprets the script, for its error wording.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Dialect {
    /// busybox `sh`/`ash`: `sh: foo: not found`.
    #[default]
    Busybox,
    /// Debian's `/bin/sh`: `sh: 1: foo: not found`.
    Dash,
    /// `bash: line 1: foo: command not found`.
    Bash,
}

/// Why [`Machine::run`] returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stop {
    /// Sleeping; the next instruction runs at this time.
    Sleep(Time),
    Exit(i32),
    /// Blocked for good, or spinning without ever sleeping.
    Forever,
    /// Replaced itself with this program (`exec nginx -g 'daemon off;'`).
    Become(Vec<String>),
}

#[derive(Clone, Debug)]
struct ForFrame {
    var: String,
    items: Vec<String>,
    next: usize,
}

#[derive(Clone, Debug)]
pub struct Machine {
    code: Vec<Op>,
    pc: usize,
    pub status: i32,
    vars: BTreeMap<String, String>,
    /// `$0`, `$1`...
    args: Vec<String>,
    fors: Vec<ForFrame>,
    /// The time of the next instruction.
    pub now: Time,
    dialect: Dialect,
    /// Background jobs: when the last one ends (`None`: one never does).
    background_until: Option<Option<Time>>,
    /// Whether a `trap` handles SIGTERM (a shell as PID 1 ignores it otherwise).
    pub traps_term: bool,
    depth: usize,
    /// Whether a shell interprets the words (its builtins exist even where the image has no
    /// such program); `false` for a command run directly (`exec`, a container's command).
    shell: bool,
}

/// What one instruction did to the flow of the script.
enum Flow {
    Next,
    Wait(i64),
    Forever,
    Become(Vec<String>),
    Exit(i32),
}

impl Machine {
    pub fn new(code: Vec<Op>, args: Vec<String>, start: Time, dialect: Dialect) -> Machine {
        Machine {
            code,
            pc: 0,
            status: 0,
            vars: BTreeMap::new(),
            args,
            fors: Vec::new(),
            now: start,
            dialect,
            background_until: None,
            traps_term: false,
            depth: 0,
            shell: true,
        }
    }

    /// A machine running one program directly, without a shell (no builtins, no expansion).
    pub fn program(argv: &[String], start: Time) -> Machine {
        let mut m = Machine::new(parse::argv(argv), argv.to_vec(), start, Dialect::Busybox);
        m.shell = false;
        m
    }

    /// A machine for `script` run by a shell named `arg0`; a syntax error becomes a machine
    /// that prints it and exits 2, as the shell would.
    pub fn script(script: &str, args: Vec<String>, start: Time, dialect: Dialect) -> Machine {
        match parse::parse(script) {
            Ok(code) => Machine::new(code, args, start, dialect),
            Err(e) => {
                let name = args.first().cloned().unwrap_or_else(|| "sh".into());
                let message = match dialect {
                    Dialect::Busybox => format!("{name}: {e}"),
                    Dialect::Dash => format!("{name}: 1: {e}"),
                    Dialect::Bash => format!("{name}: -c: line 1: {e}"),
                };
                let code = vec![Op::Run(Pipeline {
                    commands: vec![parse::Simple {
                        assigns: Vec::new(),
                        words: vec![Word::literal("__kubeplay_fail"), Word::literal(&message)],
                        redirs: Vec::new(),
                    }],
                    background: false,
                })];
                Machine::new(code, args, start, dialect)
            }
        }
    }

    /// Runs until the script exits, blocks, or would next run after `until`.
    pub fn run(&mut self, sys: &mut Sys<'_>, until: Time) -> Stop {
        let mut spin = 0;
        loop {
            if self.now > until {
                return Stop::Sleep(self.now);
            }
            let Some(op) = self.code.get(self.pc).cloned() else {
                return Stop::Exit(self.status);
            };
            self.pc += 1;
            sys.now = self.now;
            let flow = match op {
                Op::Run(p) => self.pipeline(&p, sys),
                Op::Jump(t) => {
                    self.pc = t;
                    Flow::Next
                }
                Op::JumpIfFail(t) => {
                    if self.status != 0 {
                        self.pc = t;
                    }
                    Flow::Next
                }
                Op::JumpIfOk(t) => {
                    if self.status == 0 {
                        self.pc = t;
                    }
                    Flow::Next
                }
                Op::Not => {
                    self.status = i32::from(self.status == 0);
                    Flow::Next
                }
                Op::SetStatus(s) => {
                    self.status = s;
                    Flow::Next
                }
                Op::ForInit(var, words) => {
                    let mut items = Vec::new();
                    for w in &words {
                        items.extend(self.expand(w, sys));
                    }
                    self.fors.push(ForFrame {
                        var,
                        items,
                        next: 0,
                    });
                    Flow::Next
                }
                Op::ForNext(exit) => {
                    match self.fors.last_mut() {
                        Some(frame) if frame.next < frame.items.len() => {
                            let value = frame.items.get(frame.next).cloned().unwrap_or_default();
                            frame.next += 1;
                            let var = frame.var.clone();
                            self.vars.insert(var, value);
                        }
                        _ => {
                            self.fors.pop();
                            self.pc = exit;
                        }
                    }
                    Flow::Next
                }
                Op::ForPop => {
                    self.fors.pop();
                    Flow::Next
                }
                Op::Exit(w) => {
                    let code = w.map(|w| self.expand_one(&w, sys));
                    Flow::Exit(code.and_then(|c| c.parse().ok()).unwrap_or(self.status))
                }
            };
            match flow {
                Flow::Next => {
                    spin += 1;
                    if spin > SPIN_LIMIT {
                        return Stop::Forever;
                    }
                }
                Flow::Wait(ms) => {
                    spin = 0;
                    self.now = self.now.plus_millis(ms.max(0));
                }
                Flow::Forever => return Stop::Forever,
                Flow::Become(argv) => return Stop::Become(argv),
                Flow::Exit(code) => {
                    self.status = code;
                    self.pc = self.code.len();
                    return Stop::Exit(code);
                }
            }
        }
    }

    /// Runs to the end at once, as `kubectl exec` and probes do; returns the exit status and
    /// how long the script slept on the way.
    pub fn run_to_end(&mut self, sys: &mut Sys<'_>) -> (Stop, i64) {
        let start = self.now;
        let far = start.plus_millis(400 * 24 * 3600 * 1000);
        let stop = self.run(sys, far);
        (stop, self.now.since(start))
    }

    /// Runs a script nested in another (`sh -c` or `eval` inside a script) to its end: its
    /// status, and what it does to the outer script's time.
    pub fn finish(&mut self, sys: &mut Sys<'_>) -> (i32, Wait) {
        let (stop, slept) = self.run_to_end(sys);
        match stop {
            Stop::Exit(code) if slept > 0 => (code, Wait::Millis(slept)),
            Stop::Exit(code) => (code, Wait::None),
            Stop::Forever => (0, Wait::Forever),
            Stop::Become(argv) => (0, Wait::Become(argv)),
            Stop::Sleep(_) => (0, Wait::None),
        }
    }

    fn lookup(&self, name: &str, sys: &Sys<'_>) -> Option<String> {
        match name {
            "?" => return Some(self.status.to_string()),
            "$" => return Some(if self.depth == 0 { "1" } else { "7" }.to_string()),
            "#" => return Some(self.args.len().saturating_sub(1).to_string()),
            "@" | "*" => {
                return Some(self.args.get(1..).unwrap_or_default().join(" "));
            }
            "!" => return Some(String::new()),
            _ => {}
        }
        if let Ok(n) = name.parse::<usize>() {
            return self.args.get(n).cloned();
        }
        self.vars
            .get(name)
            .cloned()
            .or_else(|| sys.getenv(name).map(str::to_string))
    }

    /// Expands a word into fields: parameters, command substitution and arithmetic, with
    /// unquoted results split on white space and unquoted wildcards matched against files.
    pub fn expand(&mut self, word: &Word, sys: &mut Sys<'_>) -> Vec<String> {
        let mut fields: Vec<String> = Vec::new();
        let mut current = String::new();
        let mut started = false;
        let mut globbable = false;
        for seg in &word.0 {
            let (text, quoted) = match seg {
                Seg::Lit(s, q) => {
                    if !q && (s.contains('*') || s.contains('?')) {
                        globbable = true;
                    }
                    current.push_str(s);
                    started = true;
                    continue;
                }
                Seg::Param(name, q) if name == "@" && *q => {
                    // "$@": each argument its own field.
                    let args: Vec<String> = self.args.get(1..).unwrap_or_default().to_vec();
                    for (i, a) in args.iter().enumerate() {
                        if i > 0 {
                            fields.push(std::mem::take(&mut current));
                        }
                        current.push_str(a);
                        started = true;
                    }
                    continue;
                }
                Seg::Param(name, q) => (self.lookup(name, sys).unwrap_or_default(), *q),
                Seg::Default(name, default, colon, q) => {
                    let value = self.lookup(name, sys);
                    let use_default = match &value {
                        None => true,
                        Some(v) => *colon && v.is_empty(),
                    };
                    if use_default {
                        let d = parse::word(default)
                            .map(|w| self.expand_one(&w, sys))
                            .unwrap_or_else(|| default.clone());
                        (d, *q)
                    } else {
                        (value.unwrap_or_default(), *q)
                    }
                }
                Seg::Subst(src, q) => (self.substitute(src, sys), *q),
                Seg::Arith(expr, q) => (arith(expr, &|n| self.lookup(n, sys)).to_string(), *q),
            };
            if quoted {
                current.push_str(&text);
                started = true;
                continue;
            }
            // Field splitting on white space.
            let starts_blank = text.starts_with(char::is_whitespace);
            let ends_blank = text.ends_with(char::is_whitespace);
            let parts: Vec<&str> = text.split_whitespace().collect();
            if parts.is_empty() {
                if starts_blank && started {
                    fields.push(std::mem::take(&mut current));
                    started = false;
                }
                continue;
            }
            for (i, part) in parts.iter().enumerate() {
                if (i > 0 || starts_blank) && started {
                    fields.push(std::mem::take(&mut current));
                }
                current.push_str(part);
                started = true;
            }
            if ends_blank {
                fields.push(std::mem::take(&mut current));
                started = false;
            }
        }
        if started {
            fields.push(current);
        }
        if globbable {
            let mut out = Vec::new();
            for f in fields {
                out.extend(glob(&f, sys));
            }
            return out;
        }
        fields
    }

    /// Expands a word into one string (assignments, redirection targets).
    pub fn expand_one(&mut self, word: &Word, sys: &mut Sys<'_>) -> String {
        let mut out = String::new();
        for seg in &word.0 {
            let single = Word(vec![match seg {
                Seg::Lit(s, _) => Seg::Lit(s.clone(), true),
                Seg::Param(n, _) => Seg::Param(n.clone(), true),
                Seg::Default(n, d, c, _) => Seg::Default(n.clone(), d.clone(), *c, true),
                Seg::Subst(s, _) => Seg::Subst(s.clone(), true),
                Seg::Arith(s, _) => Seg::Arith(s.clone(), true),
            }]);
            out.push_str(&self.expand(&single, sys).join(" "));
        }
        out
    }

    /// `$(..)`: runs the inner script at once and returns its output without trailing
    /// newlines; what it writes to stderr still shows.
    fn substitute(&mut self, src: &str, sys: &mut Sys<'_>) -> String {
        if self.depth >= MAX_DEPTH {
            return String::new();
        }
        let mut sub = Machine::script(src, self.args.clone(), self.now, self.dialect);
        sub.vars = self.vars.clone();
        sub.depth = self.depth + 1;
        let saved = std::mem::take(&mut sys.out);
        sub.run_to_end(sys);
        let produced = std::mem::replace(&mut sys.out, saved);
        let mut stdout = String::new();
        for chunk in produced {
            match chunk.stream {
                Stream::Out => stdout.push_str(&chunk.text),
                _ => sys.out.push(chunk),
            }
        }
        sys.now = self.now;
        stdout.trim_end_matches('\n').to_string()
    }

    fn pipeline(&mut self, p: &Pipeline, sys: &mut Sys<'_>) -> Flow {
        let mut stdin = String::new();
        let mut flow = Flow::Next;
        let last = p.commands.len().saturating_sub(1);
        for (i, cmd) in p.commands.iter().enumerate() {
            let mut argv = Vec::new();
            for w in &cmd.words {
                argv.extend(self.expand(w, sys));
            }
            let assigns: Vec<(String, String)> = cmd
                .assigns
                .iter()
                .map(|(k, w)| (k.clone(), self.expand_one(w, sys)))
                .collect();
            let mut io = Io {
                stdin: std::mem::take(&mut stdin),
                ..Io::default()
            };
            // Where fd 1 and 2 go: the terminal, the next command, or a file.
            let mut targets: [Target; 3] = [Target::Terminal, Target::Terminal, Target::Terminal];
            targets[1] = if i < last {
                Target::Pipe
            } else {
                Target::Terminal
            };
            targets[2] = Target::Terminal;
            let mut redirect_error = None;
            for r in &cmd.redirs {
                let fd = usize::from(r.fd.min(2));
                match r.kind {
                    RedirKind::Dup(to) => {
                        let copy = targets
                            .get(usize::from(to.min(2)))
                            .cloned()
                            .unwrap_or(Target::Terminal);
                        if let Some(t) = targets.get_mut(fd) {
                            *t = copy;
                        }
                    }
                    RedirKind::In => {
                        let path = self.expand_one(&r.target, sys);
                        let abs = super::super::fs::absolute(&sys.cwd, &path);
                        match sys.view.read(sys.disks, &abs) {
                            Ok(text) => io.stdin = text,
                            Err(e) => redirect_error = Some(self.redirect_message(&path, e, false)),
                        }
                    }
                    RedirKind::Out | RedirKind::Append => {
                        let path = self.expand_one(&r.target, sys);
                        let target = match path.as_str() {
                            "/dev/null" => Target::Null,
                            "/dev/stdout" | "/proc/self/fd/1" => Target::Terminal,
                            "/dev/stderr" | "/proc/self/fd/2" => Target::TerminalErr,
                            "/proc/1/fd/1" | "/proc/1/fd/2" => Target::MainProcess,
                            _ => {
                                let abs = super::super::fs::absolute(&sys.cwd, &path);
                                let append = r.kind == RedirKind::Append;
                                // The shell opens (and truncates) the file before the command runs.
                                match sys.view.write(sys.disks, &abs, "", true) {
                                    Ok(()) if !append => {
                                        let _ = sys.view.write(sys.disks, &abs, "", false);
                                        Target::File(abs)
                                    }
                                    Ok(()) => Target::File(abs),
                                    Err(e) => {
                                        redirect_error =
                                            Some(self.redirect_message(&path, e, true));
                                        Target::Null
                                    }
                                }
                            }
                        };
                        if let Some(t) = targets.get_mut(fd) {
                            *t = target;
                        }
                    }
                }
            }
            let wait = if let Some(message) = redirect_error {
                sys.write(Stream::Err, &message);
                self.status = 1;
                Wait::None
            } else if argv.is_empty() {
                for (k, v) in &assigns {
                    self.set_var(k, v, sys);
                }
                Wait::None
            } else {
                let (status, wait) = self.command(&argv, &assigns, &mut io, sys);
                self.status = status;
                wait
            };
            let out_target = targets.get(1).cloned().unwrap_or(Target::Terminal);
            let err_target = targets.get(2).cloned().unwrap_or(Target::Terminal);
            deliver(&io.out, &out_target, Stream::Out, &mut stdin, sys);
            deliver(&io.err, &err_target, Stream::Err, &mut stdin, sys);
            if i == last {
                flow = match wait {
                    _ if p.background => {
                        let end = match wait {
                            Wait::Millis(ms) => Some(self.now.plus_millis(ms)),
                            Wait::Forever | Wait::Become(_) => None,
                            _ => Some(self.now),
                        };
                        self.background_until = Some(match (self.background_until, end) {
                            (Some(None), _) | (_, None) => None,
                            (Some(Some(a)), Some(b)) => Some(a.max(b)),
                            (None, Some(b)) => Some(b),
                        });
                        self.status = 0;
                        Flow::Next
                    }
                    Wait::None => Flow::Next,
                    Wait::Millis(ms) => Flow::Wait(ms),
                    Wait::Forever => Flow::Forever,
                    Wait::Become(argv) => Flow::Become(argv),
                    Wait::Exit(code) => Flow::Exit(code),
                    Wait::Background => match self.background_until.take() {
                        None => Flow::Next,
                        Some(None) => Flow::Forever,
                        Some(Some(t)) => Flow::Wait(t.since(self.now).max(0)),
                    },
                };
            }
        }
        flow
    }

    fn set_var(&mut self, name: &str, value: &str, sys: &mut Sys<'_>) {
        if sys.getenv(name).is_some() {
            sys.setenv(name, value);
        } else {
            self.vars.insert(name.to_string(), value.to_string());
        }
    }

    fn redirect_message(&self, path: &str, e: super::super::fs::Errno, create: bool) -> String {
        let name = self.args.first().cloned().unwrap_or_else(|| "sh".into());
        use super::super::fs::Errno;
        match self.dialect {
            Dialect::Busybox => match (create, e) {
                (true, Errno::NoEntry) => {
                    format!("{name}: can't create {path}: nonexistent directory\n")
                }
                (true, _) => format!("{name}: can't create {path}: {}\n", e.text()),
                (false, _) => format!("{name}: can't open '{path}': {}\n", e.text()),
            },
            Dialect::Dash => match (create, e) {
                (true, Errno::NoEntry) => {
                    format!("{name}: 1: cannot create {path}: Directory nonexistent\n")
                }
                (true, _) => format!("{name}: 1: cannot create {path}: {}\n", e.text()),
                (false, _) => format!("{name}: 1: cannot open {path}: {}\n", e.text()),
            },
            Dialect::Bash => format!("{name}: line 1: {path}: {}\n", e.text()),
        }
    }

    /// Builtins that change the shell itself, then utilities.
    fn command(
        &mut self,
        argv: &[String],
        assigns: &[(String, String)],
        io: &mut Io,
        sys: &mut Sys<'_>,
    ) -> (i32, Wait) {
        let name = argv.first().map(String::as_str).unwrap_or("");
        let args = argv.get(1..).unwrap_or_default();
        match name {
            _ if !self.shell => {}
            "exit" => {
                let code = args
                    .first()
                    .and_then(|a| a.parse::<i32>().ok())
                    .unwrap_or(self.status);
                return (code & 0xff, Wait::Exit(code & 0xff));
            }
            "__kubeplay_fail" => {
                io.err
                    .push_str(&format!("{}\n", args.first().cloned().unwrap_or_default()));
                return (2, Wait::Exit(2));
            }
            "export" => {
                for a in args {
                    match a.split_once('=') {
                        Some((k, v)) => sys.setenv(k, v),
                        None => {
                            let v = self.vars.remove(a).unwrap_or_default();
                            if sys.getenv(a).is_none() {
                                sys.setenv(a, &v);
                            }
                        }
                    }
                }
                return (0, Wait::None);
            }
            "unset" => {
                for a in args {
                    self.vars.remove(a);
                    sys.env.retain(|(k, _)| k != a);
                }
                return (0, Wait::None);
            }
            "cd" => {
                let target = args
                    .first()
                    .cloned()
                    .or_else(|| sys.getenv("HOME").map(str::to_string))
                    .unwrap_or_else(|| "/".into());
                let abs = super::super::fs::absolute(&sys.cwd, &target);
                return match sys.view.get(sys.disks, &abs) {
                    Some(super::super::fs::Node::Dir) => {
                        sys.cwd = abs;
                        (0, Wait::None)
                    }
                    _ => {
                        let shell = self.args.first().cloned().unwrap_or_else(|| "sh".into());
                        let message = match self.dialect {
                            Dialect::Busybox => format!(
                                "{shell}: cd: can't cd to {target}: No such file or directory\n"
                            ),
                            Dialect::Dash => format!("{shell}: 1: cd: can't cd to {target}\n"),
                            Dialect::Bash => format!(
                                "{shell}: line 1: cd: {target}: No such file or directory\n"
                            ),
                        };
                        io.err.push_str(&message);
                        (
                            if self.dialect == Dialect::Dash { 2 } else { 1 },
                            Wait::None,
                        )
                    }
                };
            }
            "trap" => {
                let signals = args.get(1..).unwrap_or_default();
                let handled = args.first().is_some_and(|a| a != "-");
                if signals
                    .iter()
                    .any(|s| matches!(s.trim_start_matches("SIG"), "TERM" | "15" | "INT"))
                {
                    self.traps_term = handled;
                }
                return (0, Wait::None);
            }
            "set" | "shopt" | "local" | "readonly" | "ulimit" | "umask" | "hash" => {
                return (0, Wait::None);
            }
            "shift" => {
                let n = args
                    .first()
                    .and_then(|a| a.parse::<usize>().ok())
                    .unwrap_or(1);
                if self.args.len() > n {
                    self.args.drain(1..=n);
                }
                return (0, Wait::None);
            }
            "read" => {
                let line = io.stdin.lines().next().unwrap_or("").to_string();
                for (i, var) in args.iter().filter(|a| !a.starts_with('-')).enumerate() {
                    let value = if i == 0 { line.clone() } else { String::new() };
                    self.set_var(var, &value, sys);
                }
                return (i32::from(io.stdin.is_empty()), Wait::None);
            }
            "wait" => return (0, Wait::Background),
            "exec" => {
                if args.is_empty() {
                    return (0, Wait::None);
                }
                return if commands::locate(args, sys, false) {
                    (0, Wait::Become(args.to_vec()))
                } else {
                    let shell = self.args.first().cloned().unwrap_or_else(|| "sh".into());
                    let cmd = args.first().cloned().unwrap_or_default();
                    let message = match self.dialect {
                        Dialect::Busybox => {
                            format!("{shell}: exec: line 1: {cmd}: not found\n")
                        }
                        Dialect::Dash => format!("{shell}: 1: exec: {cmd}: not found\n"),
                        Dialect::Bash => format!("{shell}: line 1: exec: {cmd}: not found\n"),
                    };
                    io.err.push_str(&message);
                    (127, Wait::Exit(127))
                };
            }
            "eval" => {
                let script = args.join(" ");
                let mut sub = Machine::script(&script, self.args.clone(), self.now, self.dialect);
                sub.vars = std::mem::take(&mut self.vars);
                sub.depth = self.depth + 1;
                let result = sub.finish(sys);
                self.vars = std::mem::take(&mut sub.vars);
                sys.now = self.now;
                return result;
            }
            _ => {}
        }
        // `NAME=value cmd`: the assignments hold for that command only.
        let saved = sys.env.clone();
        for (k, v) in assigns {
            sys.setenv(k, v);
        }
        let result = if commands::locate(argv, sys, self.shell) {
            commands::run(argv, io, sys)
        } else {
            let shell = self.args.first().cloned().unwrap_or_else(|| "sh".into());
            let message = match self.dialect {
                Dialect::Busybox => format!("{shell}: {name}: not found\n"),
                Dialect::Dash => format!("{shell}: 1: {name}: not found\n"),
                Dialect::Bash => format!("{shell}: line 1: {name}: command not found\n"),
            };
            io.err.push_str(&message);
            (127, Wait::None)
        };
        if !assigns.is_empty() {
            *sys.env = saved;
        }
        result
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Target {
    Terminal,
    TerminalErr,
    Pipe,
    Null,
    File(String),
    /// The container's main process's output (`> /proc/1/fd/1`): lands in its log.
    MainProcess,
}

fn deliver(text: &str, target: &Target, stream: Stream, pipe: &mut String, sys: &mut Sys<'_>) {
    if text.is_empty() {
        return;
    }
    match target {
        Target::Terminal => sys.write(stream, text),
        Target::TerminalErr => sys.write(Stream::Err, text),
        Target::Pipe => pipe.push_str(text),
        Target::Null => {}
        Target::File(path) => {
            let _ = sys.view.write(sys.disks, path, text, true);
        }
        Target::MainProcess => sys.write(Stream::Main, text),
    }
}

/// Matches `*` and `?` in the last part of a path against the directory's entries; no match
/// leaves the pattern as it is, as POSIX shells do.
fn glob(pattern: &str, sys: &Sys<'_>) -> Vec<String> {
    let (dir, name) = match pattern.rsplit_once('/') {
        Some((d, n)) => (
            if d.is_empty() {
                "/".to_string()
            } else {
                d.to_string()
            },
            n,
        ),
        None => (String::new(), pattern),
    };
    if dir.contains(['*', '?']) {
        return vec![pattern.to_string()];
    }
    let listing_dir = if dir.is_empty() {
        sys.cwd.clone()
    } else {
        super::super::fs::absolute(&sys.cwd, &dir)
    };
    let Ok(entries) = sys.view.list(sys.disks, &listing_dir) else {
        return vec![pattern.to_string()];
    };
    let matches: Vec<String> = entries
        .into_iter()
        .map(|(n, _)| n)
        .filter(|n| (!n.starts_with('.') || name.starts_with('.')) && wildcard(name, n))
        .map(|n| {
            if dir.is_empty() {
                n
            } else if dir == "/" {
                format!("/{n}")
            } else {
                format!("{dir}/{n}")
            }
        })
        .collect();
    if matches.is_empty() {
        vec![pattern.to_string()]
    } else {
        matches
    }
}

/// Shell wildcard match with `*` and `?`.
pub fn wildcard(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('?') => {
                pi += 1;
                ti += 1;
            }
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(c) if Some(c) == t.get(ti) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..).unwrap_or_default().iter().all(|c| *c == '*')
}

/// `$((..))`: integer arithmetic with + - * / % comparisons and parentheses; names are
/// variables (unset or non-numeric count as 0).
pub fn arith(expr: &str, lookup: &dyn Fn(&str) -> Option<String>) -> i64 {
    let tokens = arith_tokens(expr);
    let mut pos = 0;
    arith_expr(&tokens, &mut pos, 0, lookup)
}

fn arith_tokens(expr: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let chars: Vec<char> = expr.chars().collect();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_alphanumeric() || c == '_' || c == '$' {
            let start = i;
            while chars
                .get(i)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '$')
            {
                i += 1;
            }
            tokens.push(
                chars
                    .get(start..i)
                    .unwrap_or_default()
                    .iter()
                    .collect::<String>()
                    .trim_start_matches('$')
                    .to_string(),
            );
        } else {
            let two: String = chars.get(i..i + 2).unwrap_or_default().iter().collect();
            if ["<=", ">=", "==", "!=", "&&", "||"].contains(&two.as_str()) {
                tokens.push(two);
                i += 2;
            } else {
                tokens.push(c.to_string());
                i += 1;
            }
        }
    }
    tokens
}

fn precedence(op: &str) -> Option<u8> {
    Some(match op {
        "||" => 1,
        "&&" => 2,
        "==" | "!=" => 3,
        "<" | ">" | "<=" | ">=" => 4,
        "+" | "-" => 5,
        "*" | "/" | "%" => 6,
        _ => return None,
    })
}

fn arith_expr(
    t: &[String],
    pos: &mut usize,
    min: u8,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> i64 {
    let mut left = arith_atom(t, pos, lookup);
    while let Some(op) = t.get(*pos) {
        let Some(p) = precedence(op) else { break };
        if p < min {
            break;
        }
        let op = op.clone();
        *pos += 1;
        let right = arith_expr(t, pos, p + 1, lookup);
        left = match op.as_str() {
            "+" => left.wrapping_add(right),
            "-" => left.wrapping_sub(right),
            "*" => left.wrapping_mul(right),
            "/" => left.checked_div(right).unwrap_or(0),
            "%" => left.checked_rem(right).unwrap_or(0),
            "<" => i64::from(left < right),
            ">" => i64::from(left > right),
            "<=" => i64::from(left <= right),
            ">=" => i64::from(left >= right),
            "==" => i64::from(left == right),
            "!=" => i64::from(left != right),
            "&&" => i64::from(left != 0 && right != 0),
            _ => i64::from(left != 0 || right != 0),
        };
    }
    left
}

fn arith_atom(t: &[String], pos: &mut usize, lookup: &dyn Fn(&str) -> Option<String>) -> i64 {
    let Some(tok) = t.get(*pos).cloned() else {
        return 0;
    };
    *pos += 1;
    match tok.as_str() {
        "(" => {
            let v = arith_expr(t, pos, 0, lookup);
            if t.get(*pos).is_some_and(|c| c == ")") {
                *pos += 1;
            }
            v
        }
        "-" => -arith_atom(t, pos, lookup),
        "!" => i64::from(arith_atom(t, pos, lookup) == 0),
        _ => tok
            .parse::<i64>()
            .ok()
            .or_else(|| lookup(&tok).and_then(|v| v.trim().parse().ok()))
            .unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic() {
        let vars = |n: &str| (n == "i").then(|| "4".to_string());
        assert_eq!(arith("1 + 2 * 3", &vars), 7);
        assert_eq!(arith("(i + 1) % 3", &vars), 2);
        assert_eq!(arith("$i >= 4 && 1", &vars), 1);
    }

    #[test]
    fn wildcards() {
        assert!(wildcard("*.conf", "default.conf"));
        assert!(wildcard("a?c", "abc"));
        assert!(!wildcard("*.conf", "nginx.txt"));
    }
}
