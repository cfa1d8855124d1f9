//! Background jobs: `COMMAND &`, `jobs`, `kill %N`, `fg`. A command that follows the cluster
//! (`kubectl port-forward`, `proxy`, `get -w`, `logs -f`...) keeps running while the prompt
//! comes back; what it prints appears before the next command's output, as a real terminal
//! interleaves it. In a terminal bash announces a job (`[1] 24601` on stderr) and its end
//! (`[1]+  Done ...` before the next prompt); a script says neither, as non-interactive bash.

use super::{Command, Shell};
use crate::cluster::Output;
use crate::kubectl::job::{self, Job};
use crate::sim::Sim;

/// A job running in the background.
pub(super) struct Background {
    number: usize,
    pid: u32,
    /// The command as typed, for `jobs` and the notices.
    text: String,
    job: Box<dyn Job>,
}

/// Process ids handed to background jobs start here (a fresh terminal's neighbourhood).
const FIRST_PID: u32 = 24601;

impl Shell {
    /// Runs `command` in the background: a command that follows the cluster leaves a job
    /// behind; any other runs to its end now (its output printed at once).
    pub(super) fn run_background(&mut self, command: Command, sim: &mut Sim) -> Output {
        if command.stdin.is_some() || command.stdout.is_some() || command.stderr.is_some() {
            return Output::error(
                "kubeplay: redirections of a background job are not supported in this sandbox\n",
                1,
            );
        }
        let text = command.words.join(" ");
        let mut errors = String::new();
        let words = self.expand(&command.words, sim, &mut errors);
        self.backgrounding = true;
        let mut out = self.command(&words, sim);
        self.backgrounding = false;
        out.stderr.insert_str(0, &errors);
        let number = self.background.iter().map(|b| b.number).max().unwrap_or(0) + 1;
        self.last_pid = self.last_pid.max(FIRST_PID - 1) + 1;
        let pid = self.last_pid;
        if self.terminal {
            out.stderr.insert_str(0, &format!("[{number}] {pid}\n"));
        }
        match self.started.take() {
            Some(job) => self.background.push(Background {
                number,
                pid,
                text,
                job,
            }),
            None if self.terminal => {
                out.stderr
                    .push_str(&notice(number, "+", &end_state(out.exit_code), &text));
            }
            None => {}
        }
        // `$?` after `&` is 0: the job started.
        out.exit_code = 0;
        out
    }

    /// Looks at every background job now: what they printed, and (in a terminal) a notice
    /// for each that ended.
    pub(super) fn poll_background(&mut self, sim: &mut Sim) -> Output {
        let mut out = Output::default();
        let mut still = Vec::new();
        let count = self.background.len();
        for (i, mut bg) in std::mem::take(&mut self.background).into_iter().enumerate() {
            match bg.job.poll(sim, &mut out) {
                None => still.push(bg),
                Some(code) => {
                    bg.job.stop(sim);
                    if self.terminal {
                        let mark = if i + 1 == count { "+" } else { "-" };
                        out.stderr
                            .push_str(&notice(bg.number, mark, &end_state(code), &bg.text));
                    }
                }
            }
        }
        self.background = still;
        out
    }

    /// `jobs`: the background jobs and their state.
    pub(super) fn jobs(&mut self, sim: &mut Sim) -> Output {
        let mut out = self.poll_background(sim);
        let count = self.background.len();
        for (i, bg) in self.background.iter().enumerate() {
            out.stdout.push_str(&notice(
                bg.number,
                mark(i, count),
                "Running",
                &format!("{} &", bg.text),
            ));
        }
        out
    }

    /// `kill [%N | PID]...`: ends background jobs.
    pub(super) fn kill(&mut self, args: &[String], sim: &mut Sim) -> Output {
        let mut out = Output::default();
        let targets: Vec<&String> = args.iter().filter(|a| !is_signal(a)).collect();
        if targets.is_empty() {
            return Output::error(
                "kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n",
                2,
            );
        }
        for target in targets {
            let Some(index) = self.find_job(target) else {
                out.stderr.push_str(&no_such_job(target));
                out.exit_code = 1;
                continue;
            };
            let count = self.background.len();
            let mut bg = self.background.remove(index);
            bg.job.stop(sim);
            if self.terminal {
                out.stderr.push_str(&notice(
                    bg.number,
                    mark(index, count),
                    "Terminated",
                    &bg.text,
                ));
            }
        }
        out
    }

    /// `fg [%N]`: the job (the latest by default) becomes the foreground job again (in a
    /// script it runs to its end).
    pub(super) fn fg(&mut self, args: &[String], sim: &mut Sim) -> Output {
        let index = match args.first() {
            None if !self.background.is_empty() => Some(self.background.len() - 1),
            None => return Output::error("bash: fg: current: no such job\n", 1),
            Some(target) => self.find_job(target),
        };
        let Some(index) = index else {
            let target = args.first().map_or("", String::as_str);
            return Output::error(format!("bash: fg: {target}: no such job\n"), 1);
        };
        let bg = self.background.remove(index);
        let shown = format!("{}\n", bg.text);
        if !self.terminal {
            let mut out = job::run_to_end(bg.job, sim, job::SCRIPT_LIMIT_MILLIS);
            out.stdout.insert_str(0, &shown);
            return out;
        }
        self.started = Some(bg.job);
        Output::ok(shown)
    }

    /// `%N`, `%%`, `%+`, `%-` or a pid.
    fn find_job(&self, target: &str) -> Option<usize> {
        let count = self.background.len();
        match target {
            "%%" | "%+" | "%" => count.checked_sub(1),
            "%-" => count.checked_sub(2),
            t if t.starts_with('%') => {
                let n: usize = t[1..].parse().ok()?;
                self.background.iter().position(|b| b.number == n)
            }
            t => {
                let pid: u32 = t.parse().ok()?;
                self.background.iter().position(|b| b.pid == pid)
            }
        }
    }
}

fn is_signal(arg: &str) -> bool {
    arg.starts_with('-') && arg.len() > 1
}

fn no_such_job(target: &str) -> String {
    if target.starts_with('%') {
        format!("bash: kill: {target}: no such job\n")
    } else if target.parse::<u32>().is_ok() {
        format!("bash: kill: ({target}) - No such process\n")
    } else {
        format!("bash: kill: {target}: arguments must be process or job IDs\n")
    }
}

/// `+` marks the current job (the latest), `-` the one before.
fn mark(index: usize, count: usize) -> &'static str {
    if index + 1 == count {
        "+"
    } else if index + 2 == count {
        "-"
    } else {
        " "
    }
}

fn end_state(code: i32) -> String {
    if code == 0 {
        "Done".into()
    } else {
        format!("Exit {code}")
    }
}

/// bash's job line: `[1]+  Running                 kubectl proxy &`.
fn notice(number: usize, mark: &str, state: &str, text: &str) -> String {
    format!("[{number}]{mark}  {state:<24}{text}\n")
}

#[cfg(test)]
mod tests {
    use crate::cluster::Cluster;

    #[test]
    fn a_terminal_announces_lists_and_kills_background_jobs() {
        let mut c = Cluster::new_default(1);
        let started = c.start("kubectl get pods -w &");
        assert_eq!(started.stderr, "[1] 24601\n");
        assert!(!c.job_running());
        let jobs = c.start("jobs");
        assert_eq!(
            jobs.stdout,
            "[1]+  Running                 kubectl get pods -w &\n"
        );
        let killed = c.start("kill %1");
        assert_eq!(
            killed.stderr,
            "[1]+  Terminated              kubectl get pods -w\n"
        );
        assert_eq!(c.start("jobs").stdout, "");
        assert_eq!(c.start("kill %1").stderr, "bash: kill: %1: no such job\n");
    }

    #[test]
    fn a_command_that_does_not_follow_the_cluster_just_runs() {
        let mut c = Cluster::new_default(1);
        let out = c.start("echo hi &");
        assert_eq!(out.stdout, "hi\n");
        assert_eq!(
            out.stderr,
            "[1] 24601\n[1]+  Done                    echo hi\n"
        );
        // A script says nothing about jobs.
        let quiet = c.exec("echo hi &");
        assert_eq!((quiet.stdout.as_str(), quiet.stderr.as_str()), ("hi\n", ""));
    }

    #[test]
    fn fg_brings_a_job_back_to_the_foreground() {
        let mut c = Cluster::new_default(1);
        c.start("kubectl get pods -w &");
        let out = c.start("fg");
        assert_eq!(out.stdout, "kubectl get pods -w\n");
        assert!(c.job_running());
        assert_eq!(c.interrupt().exit_code, 130);
        assert_eq!(c.start("fg").stderr, "bash: fg: current: no such job\n");
    }
}
