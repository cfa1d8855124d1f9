//! The utilities an image ships, run against the container's files and environment.
//!
//! Which programs exist depends on the image: busybox-based images (busybox, alpine) have
//! busybox's applets and wording (`cat: can't open 'x': No such file or directory`),
//! Debian-based ones coreutils' (`cat: x: No such file or directory`) and no `ps`, distroless
//! ones nothing but their program. Programs an image has that are not simulated say so.

use super::machine::{Dialect, Machine};
use super::{Signal, Stream, Sys, network};
use crate::api::cron::zone::{Civil, Zone};
use crate::kubelet::fs::{self, Errno, Node};
use crate::kubelet::images::Flavour;
use crate::time::{SECOND, Time};

/// A command's standard streams.
#[derive(Clone, Debug, Default)]
pub struct Io {
    pub stdin: String,
    pub out: String,
    pub err: String,
}

/// What a command does to time, besides its status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Wait {
    None,
    /// Takes this long (`sleep 5`).
    Millis(i64),
    /// Never returns (`sleep infinity`, `tail -f`).
    Forever,
    /// Runs another program in its place (`exec`, or a server started in the foreground).
    Become(Vec<String>),
    /// The shell exits with this status.
    Exit(i32),
    /// `wait`: until the background jobs end.
    Background,
}

/// Builtins every shell has, whatever the image ships.
const SHELL_BUILTINS: &[&str] = &[
    "echo", "printf", "test", "[", "[[", "true", "false", ":", "pwd", "kill", "type", "command",
    "times", "alias", "getopts", "let", "source", ".",
];

/// Whether `argv[0]` can be run here: a builtin of the interpreting shell, or a program the
/// image has.
pub fn locate(argv: &[String], sys: &Sys<'_>, shell: bool) -> bool {
    let name = argv.first().map(String::as_str).unwrap_or("");
    (shell && SHELL_BUILTINS.contains(&name)) || exists(name, sys.info.flavour, sys.info.binaries)
}

/// Whether the image has the program `name` (a bare name looked up in PATH, or a path).
pub fn exists(name: &str, flavour: Flavour, binaries: &[&str]) -> bool {
    let base = match name.rsplit_once('/') {
        Some((dir, base)) => {
            let dirs = [
                "",
                "/bin",
                "/usr/bin",
                "/usr/local/bin",
                "/sbin",
                "/usr/sbin",
                "/usr/local/sbin",
            ];
            if !dirs.contains(&dir) && !binaries.contains(&name) {
                return false;
            }
            base
        }
        None => name,
    };
    !base.is_empty()
        && (flavour.userland().contains(&base)
            || binaries.contains(&base)
            || binaries.contains(&name))
}

fn busybox(sys: &Sys<'_>) -> bool {
    sys.info.flavour.is_busybox()
}

/// Runs one program (not a shell builtin that changes the shell: the machine handles those).
pub fn run(argv: &[String], io: &mut Io, sys: &mut Sys<'_>) -> (i32, Wait) {
    let full = argv.first().map(String::as_str).unwrap_or("");
    let name = full.rsplit('/').next().unwrap_or(full).to_string();
    let args: Vec<String> = argv.get(1..).unwrap_or_default().to_vec();
    let done = |code: i32| (code, Wait::None);
    match name.as_str() {
        "echo" => done(echo(&args, io)),
        "printf" => done(printf(&args, io)),
        "true" | ":" => done(0),
        "false" => done(1),
        "test" => done(test(&args, sys)),
        "[" | "[[" => {
            let close = if name == "[" { "]" } else { "]]" };
            let mut a = args.clone();
            if a.last().map(String::as_str) != Some(close) {
                io.err.push_str(&format!("{name}: missing {close}\n"));
                return done(2);
            }
            a.pop();
            done(test(&a, sys))
        }
        "pwd" => {
            io.out.push_str(&format!("{}\n", sys.cwd));
            done(0)
        }
        "cat" => done(cat(&args, io, sys)),
        "ls" => done(ls(&args, io, sys)),
        "env" | "printenv" => done(printenv(&name, &args, io, sys)),
        "hostname" => {
            if args.iter().any(|a| a == "-i") {
                io.out.push_str(&format!("{}\n", sys.info.pod_ip));
            } else {
                io.out.push_str(&format!("{}\n", sys.info.hostname));
            }
            done(0)
        }
        "id" => done(id(&args, io, sys)),
        "whoami" => {
            if let Some(name) = name_of(sys, "/etc/passwd", sys.info.uid) {
                io.out.push_str(&format!("{name}\n"));
                done(0)
            } else if busybox(sys) {
                io.err
                    .push_str(&format!("whoami: unknown uid {}\n", sys.info.uid));
                done(1)
            } else {
                io.err.push_str(&format!(
                    "whoami: cannot find name for user ID {}\n",
                    sys.info.uid
                ));
                done(1)
            }
        }
        "date" => done(date(&args, io, sys)),
        "ps" => done(ps(io, sys)),
        "touch" => done(touch(&args, io, sys)),
        "rm" => done(rm(&args, io, sys)),
        "mkdir" => done(mkdir(&args, io, sys)),
        "rmdir" => done(rmdir(&args, io, sys)),
        "cp" | "mv" => done(copy(&name, &args, io, sys)),
        "tee" => done(tee(&args, io, sys)),
        "sleep" => sleep(&args, io, sys),
        "head" | "tail" => head_tail(&name, &args, io, sys),
        "wc" => done(wc(&args, io, sys)),
        "grep" => done(grep(&args, io, sys)),
        "sort" => {
            let text = input(&args, io, sys);
            let mut lines: Vec<&str> = text.lines().collect();
            if args.iter().any(|a| a == "-n") {
                lines.sort_by_key(|l| l.trim().parse::<i64>().unwrap_or(0));
            } else {
                lines.sort_unstable();
            }
            if args.iter().any(|a| a == "-r") {
                lines.reverse();
            }
            for l in lines {
                io.out.push_str(&format!("{l}\n"));
            }
            done(0)
        }
        "uniq" => {
            let text = input(&args, io, sys);
            let mut last: Option<&str> = None;
            for l in text.lines() {
                if last != Some(l) {
                    io.out.push_str(&format!("{l}\n"));
                }
                last = Some(l);
            }
            done(0)
        }
        "uname" => done(uname(&args, io, sys)),
        "basename" => {
            let a = args.first().cloned().unwrap_or_default();
            let b = a
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string();
            let b = match args.get(1) {
                Some(suffix) => b.strip_suffix(suffix.as_str()).unwrap_or(&b).to_string(),
                None => b,
            };
            io.out.push_str(&format!("{b}\n"));
            done(0)
        }
        "dirname" => {
            let a = args.first().cloned().unwrap_or_default();
            let d = match a.trim_end_matches('/').rsplit_once('/') {
                Some(("", _)) => "/".to_string(),
                Some((d, _)) => d.to_string(),
                None => ".".to_string(),
            };
            io.out.push_str(&format!("{d}\n"));
            done(0)
        }
        "seq" => {
            let nums: Vec<i64> = args.iter().filter_map(|a| a.parse().ok()).collect();
            let (first, step, last) = match nums.as_slice() {
                [l] => (1, 1, *l),
                [f, l] => (*f, 1, *l),
                [f, s, l] => (*f, *s, *l),
                _ => (1, 1, 0),
            };
            let mut i = first;
            let mut n = 0;
            while step != 0 && ((step > 0 && i <= last) || (step < 0 && i >= last)) && n < 100_000 {
                io.out.push_str(&format!("{i}\n"));
                i += step;
                n += 1;
            }
            done(0)
        }
        "expr" => {
            let text = args.join(" ");
            let value = super::machine::arith(&text, &|_| None);
            io.out.push_str(&format!("{value}\n"));
            done(i32::from(value == 0))
        }
        "which" => {
            let mut code = 0;
            for a in &args {
                if exists(a, sys.info.flavour, sys.info.binaries) {
                    let dir = if sys.info.binaries.contains(&a.as_str()) {
                        "/usr/sbin"
                    } else if busybox(sys) {
                        "/bin"
                    } else {
                        "/usr/bin"
                    };
                    io.out.push_str(&format!("{dir}/{a}\n"));
                } else {
                    code = 1;
                }
            }
            done(code)
        }
        "kill" | "killall" => done(kill(&name, &args, io, sys)),
        "nproc" => {
            io.out.push_str("8\n");
            done(0)
        }
        "yes" => {
            let word = if args.is_empty() {
                "y".to_string()
            } else {
                args.join(" ")
            };
            for _ in 0..100 {
                io.out.push_str(&format!("{word}\n"));
            }
            (0, Wait::Forever)
        }
        "sh" | "ash" | "bash" | "dash" => shell(full, &args, io, sys),
        "nginx" => nginx(&args, io, sys),
        "perl" => perl(&args, io),
        "redis-cli" if args.iter().any(|a| a.eq_ignore_ascii_case("ping")) => {
            io.out.push_str("PONG\n");
            done(0)
        }
        n if network::COMMANDS.contains(&n) => network::run(argv, io, sys),
        "python" | "python3" => python(&args, io, sys),
        n if !sys.info.server.is_empty() && sys.info.server.rsplit('/').next() == Some(n) => {
            // The image's server started in the foreground: the process becomes that server.
            (0, Wait::Become(argv.to_vec()))
        }
        _ => {
            io.err.push_str(&format!(
                "{name}: exists in this image but is not simulated in this sandbox yet\n"
            ));
            done(1)
        }
    }
}

fn error_style(sys: &Sys<'_>, tool: &str, path: &str, e: Errno) -> String {
    if busybox(sys) {
        match tool {
            "cat" => match e {
                Errno::IsDir => "cat: read error: Is a directory\n".to_string(),
                _ => format!("cat: can't open '{path}': {}\n", e.text()),
            },
            "ls" => format!("ls: {path}: {}\n", e.text()),
            "rm" => format!("rm: can't remove '{path}': {}\n", e.text()),
            "touch" => format!("touch: {path}: {}\n", e.text()),
            "mkdir" => format!("mkdir: can't create directory '{path}': {}\n", e.text()),
            "rmdir" => format!("rmdir: '{path}': {}\n", e.text()),
            _ => format!("{tool}: {path}: {}\n", e.text()),
        }
    } else {
        match tool {
            "ls" => format!("ls: cannot access '{path}': {}\n", e.text()),
            "rm" => format!("rm: cannot remove '{path}': {}\n", e.text()),
            "touch" => format!("touch: cannot touch '{path}': {}\n", e.text()),
            "mkdir" => format!("mkdir: cannot create directory '{path}': {}\n", e.text()),
            "rmdir" => format!("rmdir: failed to remove '{path}': {}\n", e.text()),
            _ => format!("{tool}: {path}: {}\n", e.text()),
        }
    }
}

fn echo(args: &[String], io: &mut Io) -> i32 {
    let mut newline = true;
    let mut escapes = false;
    let mut words = args;
    while let Some(first) = words.first() {
        match first.as_str() {
            "-n" => newline = false,
            "-e" => escapes = true,
            "-ne" | "-en" => {
                newline = false;
                escapes = true;
            }
            _ => break,
        }
        words = words.get(1..).unwrap_or_default();
    }
    let mut text = words.join(" ");
    if escapes {
        text = unescape(&text);
    }
    io.out.push_str(&text);
    if newline {
        io.out.push('\n');
    }
    0
}

fn unescape(s: &str) -> String {
    s.replace("\\n", "\n")
        .replace("\\t", "\t")
        .replace("\\\\", "\\")
}

fn printf(args: &[String], io: &mut Io) -> i32 {
    let Some(format) = args.first() else {
        io.err
            .push_str("printf: usage: printf format [arguments]\n");
        return 2;
    };
    let format = unescape(format);
    let mut rest = args.get(1..).unwrap_or_default().iter();
    loop {
        let mut consumed = false;
        let mut chars = format.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '%' {
                io.out.push(c);
                continue;
            }
            // Skip flags and width.
            let mut spec = String::new();
            while let Some(&n) = chars.peek() {
                if n.is_ascii_digit() || n == '-' || n == '.' {
                    spec.push(n);
                    chars.next();
                } else {
                    break;
                }
            }
            match chars.next() {
                Some('%') => io.out.push('%'),
                Some('s' | 'd' | 'i' | 'c' | 'u' | 'x' | 'f') => {
                    consumed = true;
                    let value = rest.next().cloned().unwrap_or_default();
                    let width: usize = spec
                        .trim_start_matches('-')
                        .split('.')
                        .next()
                        .and_then(|w| w.parse().ok())
                        .unwrap_or(0);
                    if spec.starts_with('-') {
                        io.out.push_str(&format!("{value:<width$}"));
                    } else {
                        io.out.push_str(&format!("{value:>width$}"));
                    }
                }
                Some(other) => {
                    io.out.push('%');
                    io.out.push(other);
                }
                None => io.out.push('%'),
            }
        }
        if !consumed || rest.len() == 0 {
            return 0;
        }
    }
}

/// `test` / `[`: file tests, string and integer comparisons, `!`, `-a`, `-o`.
fn test(args: &[String], sys: &Sys<'_>) -> i32 {
    i32::from(!test_expr(args, sys))
}

fn test_expr(args: &[String], sys: &Sys<'_>) -> bool {
    if let Some(i) = args.iter().position(|a| a == "-o") {
        return test_expr(args.get(..i).unwrap_or_default(), sys)
            || test_expr(args.get(i + 1..).unwrap_or_default(), sys);
    }
    if let Some(i) = args.iter().position(|a| a == "-a") {
        return test_expr(args.get(..i).unwrap_or_default(), sys)
            && test_expr(args.get(i + 1..).unwrap_or_default(), sys);
    }
    let path = |p: &str| fs::absolute(&sys.cwd, p);
    match args {
        [] => false,
        [s] => !s.is_empty(),
        [not, rest @ ..] if not == "!" => !test_expr(rest, sys),
        [op, arg] => match op.as_str() {
            "-z" => arg.is_empty(),
            "-n" => !arg.is_empty(),
            "-e" | "-r" | "-w" => sys.view.get(sys.disks, &path(arg)).is_some(),
            "-f" => matches!(sys.view.get(sys.disks, &path(arg)), Some(Node::File(_))),
            "-d" => matches!(sys.view.get(sys.disks, &path(arg)), Some(Node::Dir)),
            "-s" => {
                matches!(sys.view.get(sys.disks, &path(arg)), Some(Node::File(t)) if !t.is_empty())
            }
            "-x" => exists(arg, sys.info.flavour, sys.info.binaries),
            _ => false,
        },
        [a, op, b] => {
            let (x, y) = (
                a.trim().parse::<i64>().unwrap_or(0),
                b.trim().parse::<i64>().unwrap_or(0),
            );
            match op.as_str() {
                "=" | "==" => a == b,
                "!=" => a != b,
                "-eq" => x == y,
                "-ne" => x != y,
                "-lt" => x < y,
                "-le" => x <= y,
                "-gt" => x > y,
                "-ge" => x >= y,
                _ => false,
            }
        }
        _ => false,
    }
}

/// The files named in `args` (not options), or standard input.
fn input(args: &[String], io: &mut Io, sys: &Sys<'_>) -> String {
    let files: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if files.is_empty() {
        return io.stdin.clone();
    }
    let mut text = String::new();
    for f in files {
        match sys.view.read(sys.disks, &fs::absolute(&sys.cwd, f)) {
            Ok(t) => text.push_str(&t),
            Err(e) => io.err.push_str(&error_style(sys, "cat", f, e)),
        }
    }
    text
}

fn cat(args: &[String], io: &mut Io, sys: &Sys<'_>) -> i32 {
    let files: Vec<&String> = args
        .iter()
        .filter(|a| !a.starts_with('-') || a.as_str() == "-")
        .collect();
    if files.is_empty() {
        io.out.push_str(&io.stdin.clone());
        return 0;
    }
    let mut code = 0;
    for f in files {
        if f == "-" {
            io.out.push_str(&io.stdin.clone());
            continue;
        }
        match sys.view.read(sys.disks, &fs::absolute(&sys.cwd, f)) {
            Ok(t) => io.out.push_str(&t),
            Err(e) => {
                io.err.push_str(&error_style(sys, "cat", f, e));
                code = 1;
            }
        }
    }
    code
}

fn ls(args: &[String], io: &mut Io, sys: &Sys<'_>) -> i32 {
    let flags: String = args
        .iter()
        .filter(|a| a.starts_with('-') && a.len() > 1)
        .map(|a| a.trim_start_matches('-'))
        .collect();
    let long = flags.contains('l');
    let all = flags.contains('a');
    let almost = flags.contains('A');
    let mut paths: Vec<String> = args
        .iter()
        .filter(|a| !a.starts_with('-') || a.len() == 1)
        .cloned()
        .collect();
    if paths.is_empty() {
        paths.push(".".into());
    }
    let gnu = !busybox(sys);
    let mut code = 0;
    let several = paths.len() > 1;
    let mut first = true;
    let (now, _) = utc(sys.now);
    let stamp = format!(
        "{} {:>2} {:02}:{:02}",
        month_name(now.month),
        now.day,
        now.hour,
        now.minute
    );
    let line = |name: &str, node: &Node| -> String {
        let (mode, size, links) = match node {
            Node::Dir => ("drwxr-xr-x", 4096, 2),
            Node::File(t) => ("-rw-r--r--", t.len(), 1),
        };
        if gnu {
            format!("{mode} {links} root root {size} {stamp} {name}\n")
        } else {
            format!("{mode}    {links} root     root      {size:>8} {stamp} {name}\n")
        }
    };
    for p in &paths {
        let abs = fs::absolute(&sys.cwd, p);
        match sys.view.get(sys.disks, &abs) {
            None => {
                io.err.push_str(&error_style(sys, "ls", p, Errno::NoEntry));
                code = if gnu { 2 } else { 1 };
            }
            Some(node @ Node::File(_)) => {
                if long {
                    io.out.push_str(&line(p, &node));
                } else {
                    io.out.push_str(&format!("{p}\n"));
                }
            }
            Some(Node::Dir) => {
                let mut entries = sys.view.list(sys.disks, &abs).unwrap_or_default();
                entries.retain(|(n, _)| all || almost || !n.starts_with('.'));
                if several {
                    if !first {
                        io.out.push('\n');
                    }
                    io.out.push_str(&format!("{p}:\n"));
                }
                first = false;
                if long && gnu {
                    io.out.push_str(&format!("total {}\n", entries.len() * 4));
                }
                if all {
                    for dot in [".", ".."] {
                        if long {
                            io.out.push_str(&line(dot, &Node::Dir));
                        } else {
                            io.out.push_str(&format!("{dot}\n"));
                        }
                    }
                }
                for (name, is_dir) in entries {
                    if long {
                        let node = if is_dir {
                            Node::Dir
                        } else {
                            sys.view
                                .get(sys.disks, &fs::join(&abs, &name))
                                .unwrap_or(Node::Dir)
                        };
                        io.out.push_str(&line(&name, &node));
                    } else {
                        io.out.push_str(&format!("{name}\n"));
                    }
                }
            }
        }
    }
    code
}

fn printenv(name: &str, args: &[String], io: &mut Io, sys: &Sys<'_>) -> i32 {
    let names: Vec<&String> = args
        .iter()
        .filter(|a| !a.starts_with('-') && !a.contains('='))
        .collect();
    if names.is_empty() || name == "env" {
        for (k, v) in sys.env.iter() {
            io.out.push_str(&format!("{k}={v}\n"));
        }
        return 0;
    }
    let mut code = 0;
    for n in names {
        match sys.getenv(n) {
            Some(v) => io.out.push_str(&format!("{v}\n")),
            None => code = 1,
        }
    }
    code
}

/// The name `/etc/passwd` (or `/etc/group`) gives an id, as `id` and `whoami` look it up.
pub fn name_of(sys: &Sys<'_>, file: &str, id: u32) -> Option<String> {
    let text = sys.view.read(sys.disks, file).ok()?;
    text.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        let _password = fields.next()?;
        (fields.next()?.parse::<u32>().ok()? == id).then(|| name.to_string())
    })
}

fn id(args: &[String], io: &mut Io, sys: &Sys<'_>) -> i32 {
    let info = sys.info;
    let named = |file: &str, id: u32| match name_of(sys, file, id) {
        Some(name) => format!("{id}({name})"),
        None => id.to_string(),
    };
    if args.iter().any(|a| a == "-u") {
        io.out.push_str(&format!("{}\n", info.uid));
        return 0;
    }
    if args.iter().any(|a| a == "-g") {
        io.out.push_str(&format!("{}\n", info.gid));
        return 0;
    }
    let groups: Vec<String> = if info.groups.is_empty() {
        vec![named("/etc/group", info.gid)]
    } else {
        info.groups
            .iter()
            .map(|g| named("/etc/group", *g))
            .collect()
    };
    io.out.push_str(&format!(
        "uid={} gid={} groups={}\n",
        named("/etc/passwd", info.uid),
        named("/etc/group", info.gid),
        groups.join(",")
    ));
    0
}

/// `date` in the C locale, UTC: `Thu Jan  1 09:01:00 UTC 2026`, or `+FORMAT`.
fn date(args: &[String], io: &mut Io, sys: &Sys<'_>) -> i32 {
    let text = match args.iter().find(|a| a.starts_with('+')) {
        Some(f) => strftime(f.trim_start_matches('+'), sys.now),
        None => strftime("%a %b %e %H:%M:%S UTC %Y", sys.now),
    };
    io.out.push_str(&format!("{text}\n"));
    0
}

/// A moment of virtual time on a UTC wall clock, and its milliseconds.
pub fn utc(t: Time) -> (Civil, i64) {
    (
        Zone::Utc.civil(t.0.div_euclid(SECOND)),
        t.0.rem_euclid(SECOND),
    )
}

pub fn month_name(month: i64) -> &'static str {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    MONTHS
        .get((month - 1).clamp(0, 11) as usize)
        .copied()
        .unwrap_or("Jan")
}

pub fn weekday_name(weekday: i64) -> &'static str {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    DAYS.get(weekday.clamp(0, 6) as usize)
        .copied()
        .unwrap_or("Sun")
}

pub fn strftime(format: &str, t: Time) -> String {
    let (p, millis) = utc(t);
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('Y') => out.push_str(&format!("{:04}", p.year)),
            Some('m') => out.push_str(&format!("{:02}", p.month)),
            Some('d') => out.push_str(&format!("{:02}", p.day)),
            Some('e') => out.push_str(&format!("{:>2}", p.day)),
            Some('H') => out.push_str(&format!("{:02}", p.hour)),
            Some('M') => out.push_str(&format!("{:02}", p.minute)),
            Some('S') => out.push_str(&format!("{:02}", p.second)),
            Some('T') => out.push_str(&format!("{:02}:{:02}:{:02}", p.hour, p.minute, p.second)),
            Some('F') => out.push_str(&format!("{:04}-{:02}-{:02}", p.year, p.month, p.day)),
            Some('s') => out.push_str(&(t.0 / 1000).to_string()),
            Some('a') => out.push_str(weekday_name(p.weekday)),
            Some('b') => out.push_str(month_name(p.month)),
            Some('Z') => out.push_str("UTC"),
            Some('N') => out.push_str(&format!("{:09}", millis * 1_000_000)),
            Some('%') => out.push('%'),
            Some(o) => {
                out.push('%');
                out.push(o);
            }
            None => out.push('%'),
        }
    }
    out
}

fn ps(io: &mut Io, sys: &Sys<'_>) -> i32 {
    let mut procs = sys.info.processes.clone();
    let next = procs.iter().map(|p| p.pid).max().unwrap_or(1) + 6;
    procs.push(super::Proc {
        pid: next,
        user: if sys.info.uid == 0 {
            "root".into()
        } else {
            sys.info.uid.to_string()
        },
        command: "ps".into(),
    });
    if busybox(sys) {
        io.out.push_str("PID   USER     TIME  COMMAND\n");
        for p in procs {
            io.out
                .push_str(&format!("{:>5} {:<8}  0:00 {}\n", p.pid, p.user, p.command));
        }
    } else {
        io.out.push_str("    PID TTY          TIME CMD\n");
        for p in procs {
            let cmd = p
                .command
                .split_whitespace()
                .next()
                .unwrap_or("")
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string();
            io.out
                .push_str(&format!("{:>7} ?        00:00:00 {cmd}\n", p.pid));
        }
    }
    0
}

fn paths_of(args: &[String]) -> Vec<&String> {
    args.iter().filter(|a| !a.starts_with('-')).collect()
}

fn touch(args: &[String], io: &mut Io, sys: &mut Sys<'_>) -> i32 {
    let mut code = 0;
    for p in paths_of(args) {
        let abs = fs::absolute(&sys.cwd, p);
        if let Err(e) = sys.view.write(sys.disks, &abs, "", true) {
            io.err.push_str(&error_style(sys, "touch", p, e));
            code = 1;
        }
    }
    code
}

fn rm(args: &[String], io: &mut Io, sys: &mut Sys<'_>) -> i32 {
    let flags: String = args
        .iter()
        .filter(|a| a.starts_with('-'))
        .map(|a| a.trim_start_matches('-'))
        .collect();
    let force = flags.contains('f');
    let recursive = flags.contains('r') || flags.contains('R');
    let mut code = 0;
    for p in paths_of(args) {
        let abs = fs::absolute(&sys.cwd, p);
        let result = match sys.view.get(sys.disks, &abs) {
            Some(Node::Dir) if !recursive => Err(Errno::IsDir),
            _ => sys.view.remove(sys.disks, &abs, recursive),
        };
        match result {
            Ok(()) => {}
            Err(Errno::NoEntry) if force => {}
            Err(e) => {
                io.err.push_str(&error_style(sys, "rm", p, e));
                code = 1;
            }
        }
    }
    code
}

fn mkdir(args: &[String], io: &mut Io, sys: &mut Sys<'_>) -> i32 {
    let parents = args.iter().any(|a| a == "-p");
    let mut code = 0;
    for p in paths_of(args) {
        let abs = fs::absolute(&sys.cwd, p);
        if let Err(e) = sys.view.mkdir(sys.disks, &abs, parents) {
            io.err.push_str(&error_style(sys, "mkdir", p, e));
            code = 1;
        }
    }
    code
}

fn rmdir(args: &[String], io: &mut Io, sys: &mut Sys<'_>) -> i32 {
    let mut code = 0;
    for p in paths_of(args) {
        let abs = fs::absolute(&sys.cwd, p);
        let result = match sys.view.get(sys.disks, &abs) {
            Some(Node::File(_)) => Err(Errno::NotDir),
            _ => sys.view.remove(sys.disks, &abs, false),
        };
        if let Err(e) = result {
            io.err.push_str(&error_style(sys, "rmdir", p, e));
            code = 1;
        }
    }
    code
}

fn copy(name: &str, args: &[String], io: &mut Io, sys: &mut Sys<'_>) -> i32 {
    let paths = paths_of(args);
    let (Some(src), Some(dst)) = (paths.first(), paths.get(1)) else {
        io.err.push_str(&format!("{name}: missing file operand\n"));
        return 1;
    };
    let src_abs = fs::absolute(&sys.cwd, src);
    let mut dst_abs = fs::absolute(&sys.cwd, dst);
    let text = match sys.view.read(sys.disks, &src_abs) {
        Ok(t) => t,
        Err(e) => {
            io.err.push_str(&error_style(sys, name, src, e));
            return 1;
        }
    };
    if sys.view.get(sys.disks, &dst_abs) == Some(Node::Dir) {
        let base = src_abs.rsplit('/').next().unwrap_or("").to_string();
        dst_abs = fs::join(&dst_abs, &base);
    }
    if let Err(e) = sys.view.write(sys.disks, &dst_abs, &text, false) {
        io.err.push_str(&error_style(sys, name, dst, e));
        return 1;
    }
    if name == "mv"
        && let Err(e) = sys.view.remove(sys.disks, &src_abs, false)
    {
        io.err.push_str(&error_style(sys, name, src, e));
        return 1;
    }
    0
}

fn tee(args: &[String], io: &mut Io, sys: &mut Sys<'_>) -> i32 {
    let append = args.iter().any(|a| a == "-a");
    let text = io.stdin.clone();
    io.out.push_str(&text);
    let mut code = 0;
    for p in paths_of(args) {
        let abs = fs::absolute(&sys.cwd, p);
        if let Err(e) = sys.view.write(sys.disks, &abs, &text, append) {
            io.err.push_str(&error_style(sys, "tee", p, e));
            code = 1;
        }
    }
    code
}

/// `sleep 5`, `sleep 1.5`, `sleep 2m`, `sleep infinity`.
fn sleep(args: &[String], io: &mut Io, sys: &Sys<'_>) -> (i32, Wait) {
    let Some(arg) = args.first() else {
        if busybox(sys) {
            io.err.push_str("BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: sleep [N]...\n");
        } else {
            io.err
                .push_str("sleep: missing operand\nTry 'sleep --help' for more information.\n");
        }
        return (1, Wait::None);
    };
    let mut total = 0.0;
    for a in args {
        if matches!(a.as_str(), "infinity" | "inf" | "Infinity") {
            return (0, Wait::Forever);
        }
        let (number, unit) = match a.find(|c: char| c.is_ascii_alphabetic()) {
            Some(i) => a.split_at(i),
            None => (a.as_str(), "s"),
        };
        let multiplier = match unit {
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "d" => 86_400.0,
            _ => -1.0,
        };
        match number.parse::<f64>() {
            Ok(n) if multiplier > 0.0 && n >= 0.0 && n.is_finite() => total += n * multiplier,
            _ => {
                if busybox(sys) {
                    io.err.push_str(&format!("sleep: invalid number '{arg}'\n"));
                } else {
                    io.err.push_str(&format!("sleep: invalid time interval '{a}'\nTry 'sleep --help' for more information.\n"));
                }
                return (1, Wait::None);
            }
        }
    }
    (0, Wait::Millis((total * 1000.0) as i64))
}

fn head_tail(name: &str, args: &[String], io: &mut Io, sys: &Sys<'_>) -> (i32, Wait) {
    let mut n: usize = 10;
    let mut follow = false;
    let mut files = Vec::new();
    let mut i = 0;
    while let Some(a) = args.get(i) {
        i += 1;
        if a == "-n" {
            n = args
                .get(i)
                .and_then(|v| v.trim_start_matches('+').parse().ok())
                .unwrap_or(10);
            i += 1;
        } else if a == "-f" || a == "-F" {
            follow = true;
        } else if let Some(num) = a.strip_prefix('-').and_then(|v| v.parse().ok()) {
            n = num;
        } else {
            files.push(a.clone());
        }
    }
    let text = if files.is_empty() {
        io.stdin.clone()
    } else {
        let mut t = String::new();
        for f in &files {
            match sys.view.read(sys.disks, &fs::absolute(&sys.cwd, f)) {
                Ok(x) => t.push_str(&x),
                Err(e) => {
                    io.err.push_str(&if busybox(sys) {
                        format!("{name}: can't open '{f}': {}\n", e.text())
                    } else {
                        format!("{name}: cannot open '{f}' for reading: {}\n", e.text())
                    });
                    return (1, Wait::None);
                }
            }
        }
        t
    };
    let lines: Vec<&str> = text.lines().collect();
    let chosen: &[&str] = if name == "head" {
        lines.get(..n.min(lines.len())).unwrap_or_default()
    } else {
        lines
            .get(lines.len().saturating_sub(n)..)
            .unwrap_or_default()
    };
    for l in chosen {
        io.out.push_str(&format!("{l}\n"));
    }
    if follow {
        (0, Wait::Forever)
    } else {
        (0, Wait::None)
    }
}

fn wc(args: &[String], io: &mut Io, sys: &Sys<'_>) -> i32 {
    let text = input(args, io, sys);
    let lines = text.matches('\n').count();
    let words = text.split_whitespace().count();
    let bytes = text.len();
    let flags: String = args
        .iter()
        .filter(|a| a.starts_with('-'))
        .map(|a| a.trim_start_matches('-'))
        .collect();
    let out = match flags.as_str() {
        "l" => lines.to_string(),
        "w" => words.to_string(),
        "c" => bytes.to_string(),
        _ if busybox(sys) => format!("{lines:>9} {words:>9} {bytes:>9}"),
        _ => format!("{lines:>7} {words:>7} {bytes:>7}"),
    };
    io.out.push_str(&format!("{out}\n"));
    0
}

/// `grep` with a pattern of literals, `.`, `*`, `^` and `$`.
fn grep(args: &[String], io: &mut Io, sys: &Sys<'_>) -> i32 {
    let flags: String = args
        .iter()
        .filter(|a| a.starts_with('-') && a.len() > 1)
        .map(|a| a.trim_start_matches('-'))
        .collect();
    let mut rest = args.iter().filter(|a| !a.starts_with('-') || a.len() == 1);
    let Some(pattern) = rest.next() else {
        io.err
            .push_str("Usage: grep [OPTION]... PATTERNS [FILE]...\n");
        return 2;
    };
    let files: Vec<String> = rest.cloned().collect();
    let text = input(&files, io, sys);
    let ignore = flags.contains('i');
    let pattern = if ignore {
        pattern.to_lowercase()
    } else {
        pattern.clone()
    };
    let mut count = 0;
    for (n, line) in text.lines().enumerate() {
        let l = if ignore {
            line.to_lowercase()
        } else {
            line.to_string()
        };
        let hit = regex_match(&pattern, &l) != flags.contains('v');
        if hit {
            count += 1;
            if flags.contains('q') {
                return 0;
            }
            if !flags.contains('c') {
                if flags.contains('n') {
                    io.out.push_str(&format!("{}:{line}\n", n + 1));
                } else {
                    io.out.push_str(&format!("{line}\n"));
                }
            }
        }
    }
    if flags.contains('c') {
        io.out.push_str(&format!("{count}\n"));
    }
    i32::from(count == 0)
}

/// A tiny regular expression matcher (Kernighan and Pike's): literals, `.`, `*`, `^`, `$`.
pub fn regex_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    if p.first() == Some(&'^') {
        return match_here(p.get(1..).unwrap_or_default(), &t);
    }
    (0..=t.len()).any(|i| match_here(&p, t.get(i..).unwrap_or_default()))
}

fn match_here(p: &[char], t: &[char]) -> bool {
    match (p.first(), p.get(1)) {
        (None, _) => true,
        (Some(c), Some('*')) => {
            let rest = p.get(2..).unwrap_or_default();
            let mut i = 0;
            loop {
                if match_here(rest, t.get(i..).unwrap_or_default()) {
                    return true;
                }
                match t.get(i) {
                    Some(x) if *c == '.' || x == c => i += 1,
                    _ => return false,
                }
            }
        }
        (Some('$'), None) => t.is_empty(),
        (Some(c), _) => match t.first() {
            Some(x) if *c == '.' || x == c => match_here(
                p.get(1..).unwrap_or_default(),
                t.get(1..).unwrap_or_default(),
            ),
            _ => false,
        },
    }
}

fn uname(args: &[String], io: &mut Io, sys: &Sys<'_>) -> i32 {
    let kernel = "6.8.0-79-generic";
    let flags: String = args.iter().map(|a| a.trim_start_matches('-')).collect();
    let text = if flags.contains('a') {
        format!(
            "Linux {} {kernel} #79-Ubuntu SMP PREEMPT_DYNAMIC x86_64 GNU/Linux",
            sys.info.hostname
        )
    } else {
        let mut parts = Vec::new();
        if flags.contains('s') || flags.is_empty() {
            parts.push("Linux".to_string());
        }
        if flags.contains('n') {
            parts.push(sys.info.hostname.clone());
        }
        if flags.contains('r') {
            parts.push(kernel.to_string());
        }
        if flags.contains('m') {
            parts.push("x86_64".to_string());
        }
        parts.join(" ")
    };
    io.out.push_str(&format!("{text}\n"));
    0
}

/// `kill [-SIG] PID...`, `killall [-SIG] NAME`: signals recorded for the kubelet to deliver.
fn kill(name: &str, args: &[String], io: &mut Io, sys: &mut Sys<'_>) -> i32 {
    let mut signal = 15;
    let mut targets = Vec::new();
    let mut i = 0;
    while let Some(a) = args.get(i) {
        i += 1;
        if a == "-s" {
            signal = args.get(i).map_or(15, |s| signal_number(s));
            i += 1;
        } else if let Some(s) = a.strip_prefix('-') {
            signal = signal_number(s);
        } else {
            targets.push(a.clone());
        }
    }
    let mut code = 0;
    for t in targets {
        let pids: Vec<u32> = if name == "killall" {
            sys.info
                .processes
                .iter()
                .filter(|p| {
                    p.command
                        .split_whitespace()
                        .next()
                        .is_some_and(|c| c.rsplit('/').next() == Some(t.as_str()))
                })
                .map(|p| p.pid)
                .collect()
        } else {
            t.parse::<u32>().ok().into_iter().collect()
        };
        let alive: Vec<u32> = pids
            .into_iter()
            .filter(|p| sys.info.processes.iter().any(|x| x.pid == *p))
            .collect();
        if alive.is_empty() {
            if name == "killall" {
                io.err
                    .push_str(&format!("killall: {t}: no process killed\n"));
            } else {
                io.err
                    .push_str(&format!("sh: can't kill pid {t}: No such process\n"));
            }
            code = 1;
            continue;
        }
        if signal != 0 {
            for pid in alive {
                sys.signals.push(Signal { pid, signal });
            }
        }
    }
    code
}

fn signal_number(s: &str) -> i32 {
    match s.trim_start_matches("SIG") {
        "0" => 0,
        "HUP" | "1" => 1,
        "INT" | "2" => 2,
        "QUIT" | "3" => 3,
        "KILL" | "9" => 9,
        "USR1" | "10" => 10,
        "TERM" | "15" => 15,
        other => other.parse().unwrap_or(15),
    }
}

/// A shell started as a command: `sh -c 'script' [name args...]`, `sh script.sh`, or `sh`
/// reading its standard input.
fn shell(full: &str, args: &[String], io: &mut Io, sys: &mut Sys<'_>) -> (i32, Wait) {
    let name = full.rsplit('/').next().unwrap_or(full);
    let dialect = dialect_of(name, sys.info.flavour);
    let (script, mut argv0) = match args.first().map(String::as_str) {
        Some("-c") => match args.get(1) {
            Some(s) => (s.clone(), args.get(2..).unwrap_or_default().to_vec()),
            None => {
                io.err
                    .push_str(&format!("{full}: -c: option requires an argument\n"));
                return (2, Wait::None);
            }
        },
        Some(file) if !file.starts_with('-') => {
            match sys.view.read(sys.disks, &fs::absolute(&sys.cwd, file)) {
                Ok(text) => (text, args.to_vec()),
                Err(_) => {
                    io.err.push_str(&format!(
                        "{full}: can't open '{file}': No such file or directory\n"
                    ));
                    return (
                        if dialect == Dialect::Busybox { 2 } else { 127 },
                        Wait::None,
                    );
                }
            }
        }
        _ => (io.stdin.clone(), Vec::new()),
    };
    if argv0.is_empty() {
        argv0.push(full.to_string());
    }
    let mut sub = Machine::script(&script, argv0, sys.now, dialect);
    let saved = std::mem::take(&mut sys.out);
    let result = sub.finish(sys);
    let produced = std::mem::replace(&mut sys.out, saved);
    for chunk in produced {
        match chunk.stream {
            Stream::Out => io.out.push_str(&chunk.text),
            Stream::Err => io.err.push_str(&chunk.text),
            Stream::Main => sys.out.push(chunk),
        }
    }
    result
}

/// Which shell a name runs in an image: busybox's everywhere busybox is the userland; on
/// Debian, `sh` is dash and `bash` is bash.
pub fn dialect_of(name: &str, flavour: Flavour) -> Dialect {
    if name == "bash" {
        Dialect::Bash
    } else if flavour.is_busybox() {
        Dialect::Busybox
    } else {
        Dialect::Dash
    }
}

/// `nginx -v`, `nginx -t`, `nginx -s quit|stop|reload`, or a foreground nginx.
fn nginx(args: &[String], io: &mut Io, sys: &mut Sys<'_>) -> (i32, Wait) {
    let version = sys
        .info
        .app
        .as_ref()
        .filter(|(n, _)| *n == "nginx")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    match args.first().map(String::as_str) {
        Some("-v") => {
            io.err
                .push_str(&format!("nginx version: nginx/{version}\n"));
            (0, Wait::None)
        }
        Some("-V") => {
            io.err.push_str(&format!("nginx version: nginx/{version}\nbuilt by gcc 12.2.0 (Debian 12.2.0-14+deb12u1) \nbuilt with OpenSSL 3.0.15 3 Sep 2024\nTLS SNI support enabled\n"));
            (0, Wait::None)
        }
        Some("-t") => {
            io.err.push_str("nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: configuration file /etc/nginx/nginx.conf test is successful\n");
            (0, Wait::None)
        }
        Some("-s") => {
            let signal = match args.get(1).map(String::as_str) {
                Some("stop") => 15,
                Some("quit") => 3,
                Some("reload") => 1,
                Some("reopen") => 10,
                _ => {
                    io.err.push_str("nginx: invalid option: \"-s\"\n");
                    return (1, Wait::None);
                }
            };
            let master = sys
                .info
                .processes
                .iter()
                .find(|p| p.command.starts_with("nginx: master"))
                .map(|p| p.pid);
            match master {
                Some(pid) => {
                    if signal != 1 && signal != 10 {
                        sys.signals.push(Signal { pid, signal });
                    }
                    io.err.push_str(&format!(
                        "{} [notice] {}#{}: signal process started\n",
                        log_time(sys.now),
                        40,
                        40
                    ));
                    (0, Wait::None)
                }
                None => {
                    io.err.push_str(&format!("{} [error] 40#40: open() \"/run/nginx.pid\" failed (2: No such file or directory)\nnginx: [error] open() \"/run/nginx.pid\" failed (2: No such file or directory)\n", log_time(sys.now)));
                    (1, Wait::None)
                }
            }
        }
        _ => {
            if sys
                .info
                .processes
                .iter()
                .any(|p| p.command.starts_with("nginx: master"))
            {
                let t = log_time(sys.now);
                io.err.push_str(&format!("{t} [emerg] 40#40: bind() to 0.0.0.0:80 failed (98: Address already in use)\nnginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)\n"));
                (1, Wait::None)
            } else {
                let mut argv = vec!["nginx".to_string()];
                argv.extend(args.iter().cloned());
                (0, Wait::Become(argv))
            }
        }
    }
}

/// `python3 -c SCRIPT` (a small subset, see [`super::python`]) or `python3 FILE`.
fn python(args: &[String], io: &mut Io, sys: &Sys<'_>) -> (i32, Wait) {
    match args.first().map(String::as_str) {
        Some("-c") => super::python::run_c(args.get(1).map(String::as_str).unwrap_or(""), io, sys),
        Some(file) if !file.starts_with('-') => {
            let abs = fs::absolute(&sys.cwd, file);
            match sys.view.read(sys.disks, &abs) {
                Ok(text) => super::python::run_c(&text, io, sys),
                Err(_) => {
                    io.err.push_str(&format!(
                        "python3: can't open file '{abs}': [Errno 2] No such file or directory\n"
                    ));
                    (2, Wait::None)
                }
            }
        }
        _ => {
            io.err.push_str(
                "python3: this way of running Python is not simulated in this sandbox yet\n",
            );
            (1, Wait::None)
        }
    }
}

/// `perl -e`: the docs' pi Job (`perl -Mbignum=bpi -wle 'print bpi(2000)'`) prints π to
/// that many digits, taking about 4 ms a digit; other scripts are not simulated.
fn perl(args: &[String], io: &mut Io) -> (i32, Wait) {
    let script = args
        .iter()
        .position(|a| a.starts_with('-') && a.contains('e') && !a.starts_with("-M"))
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_default();
    let digits = script
        .split("bpi(")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .and_then(|d| d.trim().parse::<usize>().ok());
    match digits {
        Some(n) => {
            let n = n.clamp(1, 20_000);
            io.out.push_str(&pi_digits(n));
            io.out.push('\n');
            (0, Wait::Millis(n as i64 * 4))
        }
        None => {
            io.err
                .push_str("perl: exists in this image but is not simulated in this sandbox yet\n");
            (1, Wait::None)
        }
    }
}

/// π to `n` significant digits (`3.14159...`, as bignum's `bpi(n)` prints it), by Gibbons'
/// unbounded spigot over base-10⁹ limbs.
pub fn pi_digits(n: usize) -> String {
    // Machin's formula with fixed-point integers: π = 16·atan(1/5) − 4·atan(1/239).
    let guard = 10;
    let limbs = (n + guard) / 9 + 2;
    let atan = |x: u64| -> Vec<u64> {
        // Σ (−1)^k / ((2k+1)·x^(2k+1)), as a number with `limbs` base-10⁹ fraction limbs.
        let mut sum = vec![0u64; limbs + 1];
        let mut term = vec![0u64; limbs + 1];
        term[0] = 1;
        divide(&mut term, x);
        let mut k: u64 = 0;
        let mut positive = true;
        loop {
            let mut t = term.clone();
            divide(&mut t, 2 * k + 1);
            if t.iter().all(|d| *d == 0) {
                break;
            }
            if positive {
                add(&mut sum, &t);
            } else {
                sub(&mut sum, &t);
            }
            divide(&mut term, x * x);
            positive = !positive;
            k += 1;
        }
        sum
    };
    let mut a = atan(5);
    multiply(&mut a, 16);
    let mut b = atan(239);
    multiply(&mut b, 4);
    sub(&mut a, &b);
    let mut text = format!("{}.", a.first().copied().unwrap_or(3));
    for limb in a.iter().skip(1) {
        text.push_str(&format!("{limb:09}"));
    }
    // `n` significant digits, truncated as bignum's digits are printed (the last one rounded).
    let keep: String = text.chars().take(n + 1).collect();
    let next = text
        .chars()
        .nth(n + 1)
        .and_then(|c| c.to_digit(10))
        .unwrap_or(0);
    if next >= 5 { round_up(&keep) } else { keep }
}

const BASE9: u64 = 1_000_000_000;

fn divide(x: &mut [u64], d: u64) {
    let mut rem = 0u64;
    for limb in x.iter_mut() {
        let cur = rem * BASE9 + *limb;
        *limb = cur / d;
        rem = cur % d;
    }
}

fn multiply(x: &mut [u64], m: u64) {
    let mut carry = 0u64;
    for limb in x.iter_mut().rev() {
        let cur = *limb * m + carry;
        *limb = cur % BASE9;
        carry = cur / BASE9;
    }
    if let Some(first) = x.first_mut() {
        *first += carry * BASE9;
    }
}

fn add(x: &mut [u64], y: &[u64]) {
    let mut carry = 0u64;
    for (a, b) in x.iter_mut().zip(y).rev() {
        let cur = *a + *b + carry;
        *a = cur % BASE9;
        carry = cur / BASE9;
    }
    if let Some(first) = x.first_mut() {
        *first += carry * BASE9;
    }
}

fn sub(x: &mut [u64], y: &[u64]) {
    let mut borrow = 0u64;
    for (a, b) in x.iter_mut().zip(y).rev() {
        let need = *b + borrow;
        if *a >= need {
            *a -= need;
            borrow = 0;
        } else {
            *a = *a + BASE9 - need;
            borrow = 1;
        }
    }
}

fn round_up(digits: &str) -> String {
    let mut chars: Vec<char> = digits.chars().collect();
    for c in chars.iter_mut().rev() {
        match c.to_digit(10) {
            Some(9) => *c = '0',
            Some(d) => {
                *c = char::from_digit(d + 1, 10).unwrap_or('0');
                break;
            }
            None => {}
        }
    }
    chars.into_iter().collect()
}

/// nginx's error log time format: `2026/01/01 09:00:00`.
pub fn log_time(t: Time) -> String {
    let (p, _) = utc(t);
    format!(
        "{:04}/{:02}/{:02} {:02}:{:02}:{:02}",
        p.year, p.month, p.day, p.hour, p.minute, p.second
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes() {
        assert!(regex_match("^nginx", "nginx: master"));
        assert!(regex_match("a.c", "xxabcxx"));
        assert!(regex_match("ab*c$", "ac"));
        assert!(!regex_match("^b", "abc"));
    }

    #[test]
    fn pi() {
        assert_eq!(pi_digits(10), "3.141592654");
        assert!(
            pi_digits(2000).starts_with("3.14159265358979323846264338327950288419716939937510")
        );
        assert_eq!(pi_digits(2000).len(), 2001);
        // The last digits of 2000-digit π (as `bpi(2000)` ends).
        // The Feynman point: six nines from the 762nd decimal.
        assert_eq!(pi_digits(2000).get(763..769), Some("999999"));
    }

    #[test]
    fn date_formats() {
        let t = Time::GENESIS;
        assert_eq!(
            strftime("%a %b %e %H:%M:%S UTC %Y", t),
            "Thu Jan  1 09:00:00 UTC 2026"
        );
    }
}
