//! A container's main process, and commands run beside it (`kubectl exec`, exec probes and
//! hooks).
//!
//! The command line comes from the image's ENTRYPOINT/CMD and the pod's `command`/`args`
//! (with `$(VAR)` expanded), as the runtime assembles it. A shell (`sh -c "..."`) or a
//! utility (`sleep 3600`) runs on the shell [`Machine`], over virtual time; an image's own
//! program (`nginx`, `redis-server`, `stress`) runs as a simulated [`Program`]. A program
//! the image does not have fails to start with the runtime's own error.

use serde_json::Value;

use super::apps::Program;
use super::fs::{Disks, View};
use super::images::Image;
use super::logs::Log;
use super::sh::machine::{Machine, Stop};
use super::sh::{Info, Proc, Signal, Stream, Sys, commands};
use crate::api::meta;
use crate::network::Net;
use crate::time::Time;

const SHELLS: &[&str] = &["sh", "bash", "ash", "dash"];

#[derive(Clone, Debug)]
pub enum Main {
    Script(Machine),
    Program(Program),
}

#[derive(Clone, Debug)]
pub struct Process {
    pub main: Main,
    /// PID 1's command line.
    pub argv: Vec<String>,
    pub started: Time,
    /// The environment the runtime gave the container (what `exec` sees too).
    pub env: Vec<(String, String)>,
    pub info: Info,
    pub view: View,
    /// Set once the process has exited by itself: when, and with what code.
    pub exited: Option<(Time, i32)>,
    /// When the script next runs (it sleeps until then); `None` if it never will by itself.
    wake: Option<Time>,
    image: Option<Image>,
    /// The main script's own environment (its `export`s last across its sleeps).
    script_env: Vec<(String, String)>,
}

/// The result of a command run beside the main process.
#[derive(Clone, Debug, Default)]
pub struct ExecResult {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
    /// Both streams as written, interleaved (what probes and hooks report).
    pub combined: String,
    /// Written to PID 1's output (`> /proc/1/fd/1`): goes to the container log.
    pub to_main: String,
    pub signals: Vec<Signal>,
    /// How long the command slept on the way.
    pub slept_ms: i64,
    /// It would never have ended by itself (`sleep infinity`, `tail -f`).
    pub endless: bool,
    /// The program could not be started: the runtime's error.
    pub start_error: Option<String>,
}

/// The command line the runtime starts: `command` replaces ENTRYPOINT (and drops CMD),
/// `args` replaces CMD; `$(VAR)` references to the container's variables are expanded.
pub fn command_line(
    container: &Value,
    image: Option<&Image>,
    env: &[(String, String)],
) -> Vec<String> {
    let words = |p: &str| -> Option<Vec<String>> {
        container.pointer(p).and_then(Value::as_array).map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
    };
    let (entry, cmd): (Vec<String>, Vec<String>) = match (words("/command"), words("/args")) {
        (Some(c), args) => (c, args.unwrap_or_default()),
        (None, Some(args)) => (
            image.map(|i| strings(i.entrypoint)).unwrap_or_default(),
            args,
        ),
        (None, None) => image
            .map(|i| (strings(i.entrypoint), strings(i.cmd)))
            .unwrap_or_default(),
    };
    let lookup = |name: &str| {
        env.iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    entry
        .into_iter()
        .chain(cmd)
        .map(|w| super::env::expand(&w, &lookup))
        .collect()
}

fn strings(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| (*w).to_string()).collect()
}

fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The runtime's error for a program that is not in the image.
pub fn not_found(program: &str) -> String {
    if program.contains('/') {
        format!("exec: \"{program}\": stat {program}: no such file or directory")
    } else {
        format!("exec: \"{program}\": executable file not found in $PATH")
    }
}

/// Whether `argv` starts the image's own server program.
fn is_program(argv: &[String], image: Option<&Image>) -> bool {
    let (Some(first), Some(image)) = (argv.first(), image) else {
        return false;
    };
    let Some(main) = image.binaries.first() else {
        return false;
    };
    let name = basename(first);
    image.app != super::images::App::None && (name == basename(main) || name == "httpd-foreground")
}

impl Process {
    /// Starts `argv` in the container; `Err` carries the runtime's message when the program
    /// does not exist.
    #[allow(clippy::too_many_arguments)]
    pub fn start(
        argv: &[String],
        image: Option<&Image>,
        version: &str,
        env: Vec<(String, String)>,
        info: Info,
        view: View,
        at: Time,
        log: &mut Log,
    ) -> Result<Process, String> {
        let Some(first) = argv.first() else {
            return Err("no command specified".into());
        };
        let flavour = info.flavour;
        if !commands::exists(first, flavour, info.binaries) {
            return Err(not_found(first));
        }
        let mut p = Process {
            main: Main::Script(Machine::program(&[], at)),
            argv: argv.to_vec(),
            started: at,
            script_env: env.clone(),
            env,
            info,
            view,
            exited: None,
            wake: Some(at),
            image: image.copied(),
        };
        p.become_program(argv, version, at, log);
        Ok(p)
    }

    /// Makes `argv` the main process (at start, or when a script `exec`s a program).
    fn become_program(&mut self, argv: &[String], version: &str, at: Time, log: &mut Log) {
        let image = self.image.as_ref();
        // An image's entrypoint script passes its arguments on (`exec "$@"`).
        let mut argv = argv.to_vec();
        if argv.len() > 1
            && argv
                .first()
                .is_some_and(|a| basename(a).ends_with("entrypoint.sh"))
        {
            argv.remove(0);
        }
        let first = argv.first().cloned().unwrap_or_default();
        if is_program(&argv, image)
            && let Some(image) = image
        {
            let program = Program::new(image, &argv, version.to_string(), at);
            for (t, stream, text) in program.startup_log(&self.info.hostname) {
                log.write(t, stream, &format!("{text}\n"));
            }
            self.main = Main::Program(program);
            self.wake = None;
            return;
        }
        let machine = if SHELLS.contains(&basename(&first)) {
            let dialect = commands::dialect_of(basename(&first), self.info.flavour);
            match argv.get(1).map(String::as_str) {
                Some("-c") => {
                    let script = argv.get(2).cloned().unwrap_or_default();
                    let mut args: Vec<String> = argv.get(3..).unwrap_or_default().to_vec();
                    if args.is_empty() {
                        args.push(first.clone());
                    }
                    Machine::script(&script, args, at, dialect)
                }
                // A shell with no script and no terminal reads an empty stdin and exits.
                _ => Machine::program(&["true".to_string()], at),
            }
        } else {
            Machine::program(&argv, at)
        };
        self.main = Main::Script(machine);
        self.wake = Some(at);
    }

    /// The processes `ps` lists.
    pub fn processes(&self) -> Vec<Proc> {
        let user = if self.info.uid == 0 {
            "root".to_string()
        } else {
            self.info.uid.to_string()
        };
        let list = match &self.main {
            Main::Program(p) => p.processes(),
            Main::Script(_) => vec![(1, self.argv.join(" "))],
        };
        list.into_iter()
            .map(|(pid, command)| Proc {
                pid,
                user: user.clone(),
                command,
            })
            .collect()
    }

    /// When the process next does something by itself.
    pub fn next_wake(&self) -> Option<Time> {
        if self.exited.is_some() {
            return None;
        }
        self.wake
    }

    /// Runs the script up to `until`, writing its output to `log`; notes the exit if it ends.
    pub fn advance(
        &mut self,
        until: Time,
        disks: &mut Disks,
        log: &mut Log,
        mut net: Option<&mut Net<'_>>,
    ) {
        for _ in 0..64 {
            if self.exited.is_some() || self.wake.is_none_or(|w| w > until) {
                return;
            }
            let mut info = self.info.clone();
            info.processes = vec![Proc {
                pid: 1,
                user: "root".into(),
                command: self.argv.join(" "),
            }];
            let mut env = std::mem::take(&mut self.script_env);
            let Main::Script(machine) = &mut self.main else {
                self.script_env = env;
                return;
            };
            let mut sys = Sys {
                disks,
                view: &self.view,
                env: &mut env,
                info: &info,
                now: machine.now,
                cwd: info.workdir.clone(),
                out: Vec::new(),
                signals: Vec::new(),
                net: net.as_mut().map(|n| n.reborrow()),
            };
            let stop = machine.run(&mut sys, until);
            let traps = machine.traps_term;
            let now = machine.now;
            for chunk in std::mem::take(&mut sys.out) {
                log.write(chunk.at, chunk.stream, &chunk.text);
            }
            drop(sys);
            self.script_env = env;
            match stop {
                Stop::Sleep(t) => {
                    self.wake = Some(t);
                    return;
                }
                Stop::Exit(code) => {
                    self.exited = Some((now, code));
                    self.wake = None;
                    return;
                }
                Stop::Forever => {
                    self.wake = None;
                    if traps && let Main::Script(m) = &mut self.main {
                        m.traps_term = true;
                    }
                    return;
                }
                Stop::Become(argv) => {
                    let version = self
                        .image
                        .as_ref()
                        .map(|i| i.version("latest"))
                        .unwrap_or_default();
                    let version = self
                        .info
                        .app
                        .as_ref()
                        .map(|(_, v)| v.clone())
                        .unwrap_or(version);
                    self.become_program(&argv, &version, now, log);
                }
            }
        }
    }

    /// How long after SIGTERM the process exits and with what code; `None` if it ignores
    /// SIGTERM. As PID 1 of its namespace, a process only receives the signals it handles: a
    /// shell or `sleep` without a `trap` ignores it and is killed when the grace period ends.
    pub fn on_sigterm(&self) -> Option<(i64, i32)> {
        match &self.main {
            Main::Program(p) => {
                let image = self.image.as_ref()?;
                let code = match p.app {
                    super::images::App::Stress | super::images::App::CpuStress => return None,
                    _ => 0,
                };
                p.stop_millis(image).map(|ms| (ms, code))
            }
            Main::Script(m) if m.traps_term => Some((10, 143)),
            Main::Script(_) => None,
        }
    }

    pub fn program(&self) -> Option<&Program> {
        match &self.main {
            Main::Program(p) => Some(p),
            Main::Script(_) => None,
        }
    }

    pub fn image(&self) -> Option<&Image> {
        self.image.as_ref()
    }

    /// Runs `argv` beside the main process, to its end, as `kubectl exec` and exec probes
    /// and hooks do. Sleeps inside it take no time here; their total is reported.
    pub fn exec(
        &self,
        argv: &[String],
        disks: &mut Disks,
        now: Time,
        tty: bool,
        net: Option<Net<'_>>,
    ) -> ExecResult {
        let mut result = ExecResult::default();
        let Some(first) = argv.first() else {
            result.start_error = Some("no command specified".into());
            return result;
        };
        if !commands::exists(first, self.info.flavour, self.info.binaries) {
            result.start_error = Some(not_found(first));
            return result;
        }
        let mut info = self.info.clone();
        info.processes = self.processes();
        let _ = tty;
        let mut machine =
            if SHELLS.contains(&basename(first)) && argv.get(1).map(String::as_str) == Some("-c") {
                let dialect = commands::dialect_of(basename(first), self.info.flavour);
                let mut args: Vec<String> = argv.get(3..).unwrap_or_default().to_vec();
                if args.is_empty() {
                    args.push(first.clone());
                }
                Machine::script(
                    argv.get(2).map(String::as_str).unwrap_or(""),
                    args,
                    now,
                    dialect,
                )
            } else {
                Machine::program(argv, now)
            };
        let mut env = self.env.clone();
        let mut sys = Sys {
            disks,
            view: &self.view,
            env: &mut env,
            info: &info,
            now,
            cwd: info.workdir.clone(),
            out: Vec::new(),
            signals: Vec::new(),
            net,
        };
        let (stop, slept) = machine.run_to_end(&mut sys);
        for chunk in &sys.out {
            match chunk.stream {
                Stream::Out => result.stdout.push_str(&chunk.text),
                Stream::Err => result.stderr.push_str(&chunk.text),
                Stream::Main => {
                    result.to_main.push_str(&chunk.text);
                    continue;
                }
            }
            result.combined.push_str(&chunk.text);
        }
        result.signals = std::mem::take(&mut sys.signals);
        result.slept_ms = slept;
        match stop {
            Stop::Exit(code) => result.status = code,
            Stop::Forever => result.endless = true,
            Stop::Become(_) | Stop::Sleep(_) => {}
        }
        result
    }
}

/// What `id` and file ownership see: the user the container runs as, from the pod's and the
/// container's security contexts.
pub fn identity(pod: &Value, container: &Value, busybox: bool) -> (u32, u32, Vec<u32>) {
    let get = |field: &str| -> Option<u32> {
        container
            .pointer(&format!("/securityContext/{field}"))
            .or_else(|| pod.pointer(&format!("/spec/securityContext/{field}")))
            .and_then(Value::as_u64)
            .map(|v| v as u32)
    };
    let uid = get("runAsUser").unwrap_or(0);
    let gid = get("runAsGroup").unwrap_or(0);
    let mut groups: Vec<u32> = Vec::new();
    if uid == 0 && gid == 0 {
        groups.push(0);
        if busybox {
            groups.push(10);
        }
    }
    if let Some(fs) = pod
        .pointer("/spec/securityContext/fsGroup")
        .and_then(Value::as_u64)
    {
        groups.push(fs as u32);
    }
    for g in pod
        .pointer("/spec/securityContext/supplementalGroups")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        if let Some(g) = g.as_u64() {
            groups.push(g as u32);
        }
    }
    if gid != 0 || uid != 0 {
        groups.push(gid);
    }
    groups.sort_unstable();
    groups.dedup();
    let _ = meta::name(pod);
    (uid, gid, groups)
}
