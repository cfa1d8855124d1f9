//! `kubeplay`: the sandbox cluster in a terminal.
//!
//! - `kubeplay` starts an interactive prompt on the default cluster; time passes as it does on
//!   the wall clock between commands, so pods come up while you type.
//! - `kubeplay run FILE` (or `-` for stdin) runs a script of shell lines and prints what a
//!   terminal would; time passes only through `sleep` and waiting commands, so the output is
//!   the same on every run. `--echo` prints each `$ line` first; `--fail-fast` stops at the
//!   first failing line. The exit status is non-zero if any line failed.
//!
//! This crate is the only place that touches the disk, stdin and the wall clock.

use std::io::{BufRead, Read, Write};
use std::process::ExitCode;
use std::time::Instant;

use kubeplay_core::{Cluster, Output};

const USAGE: &str = "usage: kubeplay [run [--echo] [--fail-fast] [--seed N] FILE|-]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.split_first() {
        None => interactive(),
        Some((cmd, rest)) if cmd == "run" => match RunOptions::parse(rest) {
            Ok(opts) => run_script(&opts),
            Err(e) => {
                eprintln!("kubeplay: {e}\n{USAGE}");
                ExitCode::from(2)
            }
        },
        Some((flag, _)) if flag == "-h" || flag == "--help" => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some((other, _)) => {
            eprintln!("kubeplay: unknown command {other:?}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

struct RunOptions {
    path: String,
    echo: bool,
    fail_fast: bool,
    seed: u64,
}

impl RunOptions {
    fn parse(args: &[String]) -> Result<RunOptions, String> {
        let mut opts = RunOptions {
            path: String::new(),
            echo: false,
            fail_fast: false,
            seed: 1,
        };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "--echo" => opts.echo = true,
                "--fail-fast" => opts.fail_fast = true,
                "--seed" => {
                    opts.seed = it
                        .next()
                        .and_then(|s| s.parse().ok())
                        .ok_or("--seed needs a number")?;
                }
                path if opts.path.is_empty() => opts.path = path.to_string(),
                extra => return Err(format!("unexpected argument {extra:?}")),
            }
        }
        if opts.path.is_empty() {
            return Err("run needs a script (FILE, or - for stdin)".into());
        }
        Ok(opts)
    }
}

/// The OpenAPI schemas `kubectl explain` renders. Built into the CLI (its size does not
/// matter, unlike the page's wasm, which fetches the same file when first needed).
const EXPLAIN_DATA: &str = include_str!("../../static/explain/v1.35.json");

/// kubectl's `--help` texts, built in for the same reason.
const HELP_TEXTS: &str = include_str!("../../static/help/kubectl-v1.35.txt");

/// A cluster whose `kubectl apply -f` can also read files from the disk, relative to `base`,
/// and whose `kubectl explain` has its data.
fn cluster_reading_files(seed: u64, base: std::path::PathBuf) -> Cluster {
    let mut cluster = Cluster::new_default(seed);
    Cluster::load_help_texts(HELP_TEXTS);
    if let Err(e) = cluster.load_explain_data(EXPLAIN_DATA) {
        eprintln!("kubeplay: {e}");
    }
    cluster.set_file_reader(Box::new(move |path| {
        std::fs::read_to_string(base.join(path)).ok()
    }));
    cluster
}

fn print(out: &Output) {
    print!("{}", out.stdout);
    eprint!("{}", out.stderr);
    let _ = std::io::stdout().flush();
}

fn run_script(opts: &RunOptions) -> ExitCode {
    let (script, base) = if opts.path == "-" {
        let mut s = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut s) {
            eprintln!("kubeplay: reading stdin: {e}");
            return ExitCode::from(2);
        }
        (s, std::path::PathBuf::from("."))
    } else {
        match std::fs::read_to_string(&opts.path) {
            Ok(s) => {
                let base = std::path::Path::new(&opts.path)
                    .parent()
                    .map(|p| p.to_path_buf())
                    .unwrap_or_default();
                (s, base)
            }
            Err(e) => {
                eprintln!("kubeplay: {}: {e}", opts.path);
                return ExitCode::from(2);
            }
        }
    };
    let mut cluster = cluster_reading_files(opts.seed, base);
    let mut failed = false;
    // Each command with its continuation lines and here-document bodies.
    for line in kubeplay_core::kubectl::shell::split_commands(&script) {
        let line = line.as_str();
        if line.trim().is_empty() {
            continue;
        }
        if opts.echo {
            println!("$ {line}");
        }
        let mut out = cluster.exec(line);
        // Interleave as a terminal shows it: this line's stdout and stderr before the next.
        print(&out);
        if cluster.pending_edit().is_some() {
            out = run_editor(&mut cluster);
        }
        if !out.success() {
            failed = true;
            if opts.fail_fast {
                break;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn interactive() -> ExitCode {
    let mut cluster = cluster_reading_files(1, std::path::PathBuf::from("."));
    let mut last = Instant::now();
    // Lines come from a reader thread, so that a running `kubectl get -w` can be stopped.
    let (lines, typed) = std::sync::mpsc::channel::<std::io::Result<String>>();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            if lines.send(line).is_err() {
                return;
            }
        }
    });
    loop {
        print!("{}", cluster.prompt());
        let _ = std::io::stdout().flush();
        let line = match typed.recv() {
            Err(_) => {
                println!();
                return ExitCode::SUCCESS;
            }
            Ok(Err(e)) => {
                eprintln!("kubeplay: {e}");
                return ExitCode::FAILURE;
            }
            Ok(Ok(line)) => line,
        };
        // The cluster lives in wall-clock time here: what happened while you typed happens now.
        let elapsed = last.elapsed().as_millis() as i64;
        last = Instant::now();
        cluster.advance(elapsed);
        let line = line.trim_end();
        if line == "exit" || line == "logout" {
            return ExitCode::SUCCESS;
        }
        print(&cluster.start(line));
        if cluster.job_running() {
            follow_job(&mut cluster, &typed, &mut last);
        }
        if cluster.pending_edit().is_some() {
            run_editor(&mut cluster);
        }
    }
}

/// Lets wall-clock time pass for the foreground job (`kubectl get -w`...), printing what it
/// prints, until it ends or the user presses Enter. (Ctrl-C would end kubeplay itself: catching
/// it needs a signal handler, which this dependency-free binary does not install.)
fn follow_job(
    cluster: &mut Cluster,
    typed: &std::sync::mpsc::Receiver<std::io::Result<String>>,
    last: &mut Instant,
) {
    eprintln!("(kubeplay: press Enter to stop this command, as Ctrl-C would)");
    while cluster.job_running() {
        match typed.recv_timeout(std::time::Duration::from_millis(100)) {
            Ok(_) | Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                print(&cluster.interrupt());
                println!("^C");
                break;
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
        }
        let elapsed = last.elapsed().as_millis() as i64;
        *last = Instant::now();
        cluster.advance(elapsed);
        print(&cluster.take_output());
    }
}

/// `kubectl edit`: opens the text in `$KUBE_EDITOR`, `$EDITOR` or `vi` (as kubectl does) in a
/// temporary file, hands back what was saved, and again while kubectl re-opens it (errors).
fn run_editor(cluster: &mut Cluster) -> Output {
    let editor = std::env::var("KUBE_EDITOR")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".to_string());
    let mut last = Output::default();
    while let Some(edit) = cluster.pending_edit() {
        let name = edit
            .path()
            .rsplit('/')
            .next()
            .unwrap_or("kubectl-edit.yaml");
        let path = std::env::temp_dir().join(format!("kubeplay-{}-{name}", std::process::id()));
        let text = edit.text().to_string();
        let saved = std::fs::write(&path, &text)
            .and_then(|()| {
                std::process::Command::new("sh")
                    .arg("-c")
                    .arg(format!("{editor} \"$1\""))
                    .arg("sh")
                    .arg(&path)
                    .status()
            })
            .and_then(|status| {
                if status.success() {
                    std::fs::read_to_string(&path)
                } else {
                    Err(std::io::Error::other(format!(
                        "editor exited with {status}"
                    )))
                }
            });
        let _ = std::fs::remove_file(&path);
        last = match saved {
            Ok(text) => cluster.finish_edit(&text),
            Err(e) => {
                eprintln!("error: there was a problem with the editor \"{editor}\": {e}");
                cluster.cancel_edit();
                Output::error("", 1)
            }
        };
        print(&last);
    }
    last
}
