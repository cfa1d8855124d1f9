//! The terminal's foreground job: a command that follows the cluster over time (`kubectl get
//! -w`...) keeps running while the host lets time pass, its output flowing through the rest of
//! its pipeline as it comes; when it ends, the rest of its line (and of a pasted script) runs.
//! Ctrl-C ends it and drops the rest of the line, as bash does (status 130).
//!
//! The stages after the job in a pipeline see its output a piece at a time (each piece is
//! what one stretch of time printed), which is exact for line filters such as `grep` and
//! approximate for `wc` or `sort`, which see each piece separately.

use super::{Command, List, Shell};
use crate::cluster::Output;
use crate::kubectl::job::{self, Job};
use crate::sim::Sim;

/// The foreground job and what its line does after it.
pub(crate) struct Foreground {
    job: Box<dyn Job>,
    /// The job's own `>`/`>>` file; its output is appended there.
    redirect: Option<String>,
    /// The commands after it in its pipeline (words, and each one's output file).
    downstream: Vec<(Vec<String>, Option<String>)>,
    /// The last status of the downstream commands (the pipeline's status).
    downstream_status: i32,
    /// The operator after the job's pipeline and the pipelines after that.
    pub(super) op: Option<&'static str>,
    pub(super) rest_list: List,
    /// Lines of the input after the job's line.
    pub(super) rest_input: String,
}

impl Shell {
    /// How a command follows the cluster: in a terminal, `job` becomes the foreground job (its
    /// first look printed now); in a script it runs to its end at once, or for at most
    /// `script_limit_millis` of cluster time.
    pub fn follow(
        &mut self,
        mut job: Box<dyn Job>,
        sim: &mut Sim,
        script_limit_millis: i64,
    ) -> Output {
        if !self.terminal && !self.backgrounding {
            return job::run_to_end(job, sim, script_limit_millis);
        }
        let mut out = Output::default();
        sim.settle();
        match job.poll(sim, &mut out) {
            Some(code) => {
                job.stop(sim);
                out.exit_code = code;
            }
            None => self.started = Some(job),
        }
        out
    }

    /// Whether a foreground job runs (the terminal shows no prompt meanwhile).
    pub fn job_running(&self) -> bool {
        self.foreground.is_some()
    }

    /// Makes `job` the foreground job; `first` is what its command printed so far. Returns
    /// what reaches the terminal of it, and the pipeline's status so far.
    pub(super) fn start_foreground(
        &mut self,
        job: Box<dyn Job>,
        first: Output,
        redirect: Option<(String, bool)>,
        downstream: impl Iterator<Item = Command>,
        sim: &mut Sim,
    ) -> (Output, i32) {
        let mut truncate = |target: &Option<(String, bool)>| {
            target.as_ref().map(|(path, append)| {
                let file = self.files.entry(path.clone()).or_default();
                if !append {
                    file.clear();
                }
                path.clone()
            })
        };
        let redirect = truncate(&redirect);
        let downstream: Vec<(Vec<String>, Option<String>)> = downstream
            .map(|c| {
                let target = truncate(&c.stdout);
                (c.words, target)
            })
            .collect();
        let mut fg = Foreground {
            job,
            redirect,
            downstream,
            downstream_status: 0,
            op: None,
            rest_list: Vec::new(),
            rest_input: String::new(),
        };
        let shown = self.pipe(&mut fg, first, sim);
        let status = if fg.downstream.is_empty() {
            0
        } else {
            fg.downstream_status
        };
        self.foreground = Some(fg);
        (shown, status)
    }

    /// Sends a piece of the job's output through its redirection and the rest of its pipeline;
    /// returns what reaches the terminal.
    fn pipe(&mut self, fg: &mut Foreground, piece: Output, sim: &mut Sim) -> Output {
        let mut shown = Output {
            stderr: piece.stderr,
            ..Output::default()
        };
        let mut text = piece.stdout;
        if let Some(path) = &fg.redirect {
            self.files.entry(path.clone()).or_default().push_str(&text);
            text.clear();
        }
        for (words, target) in &fg.downstream {
            if text.is_empty() {
                break;
            }
            self.stdin = Some(std::mem::take(&mut text));
            let result = self.command(words, sim);
            self.stdin = None;
            shown.stderr.push_str(&result.stderr);
            fg.downstream_status = result.exit_code;
            text = result.stdout;
            if let Some(path) = target {
                self.files.entry(path.clone()).or_default().push_str(&text);
                text.clear();
            }
        }
        shown.stdout = text;
        shown
    }

    /// Lets `millis` of cluster time pass with the foreground job following it; when the job
    /// ends, the rest of its line runs (and may start another job).
    pub fn advance(&mut self, sim: &mut Sim, millis: i64) {
        let until = sim.now().plus_millis(millis);
        self.terminal = true;
        while let Some(mut fg) = self.foreground.take() {
            let mut piece = Output::default();
            let ended = job::drive(fg.job.as_mut(), sim, until, &mut piece);
            let shown = self.pipe(&mut fg, piece, sim);
            self.collect(shown);
            let Some(code) = ended else {
                self.foreground = Some(fg);
                break;
            };
            let status = if fg.downstream.is_empty() {
                code
            } else {
                fg.downstream_status
            };
            self.job_output.exit_code = status;
            let after = self.continue_list(status, fg.op, fg.rest_list, sim);
            self.job_output.exit_code = after.exit_code;
            self.collect(after);
            if let Some(next) = &mut self.foreground {
                next.rest_input = fg.rest_input;
                continue;
            }
            let after = self.run_lines(&fg.rest_input, sim);
            if !fg.rest_input.is_empty() {
                self.job_output.exit_code = after.exit_code;
                self.collect(after);
            }
        }
        self.terminal = false;
        sim.advance_to(until);
    }

    fn collect(&mut self, out: Output) {
        self.job_output.stdout.push_str(&out.stdout);
        self.job_output.stderr.push_str(&out.stderr);
    }

    /// What the foreground job and the rest of its line printed since the last call; the
    /// status is the line's once the job has ended.
    pub fn take_output(&mut self) -> Output {
        std::mem::take(&mut self.job_output)
    }

    /// Ctrl-C: ends the foreground job and drops the rest of its line. Returns what was not
    /// yet taken, with status 130 (128 + SIGINT), as bash reports it.
    pub fn interrupt(&mut self, sim: &mut Sim) -> Output {
        if let Some(mut fg) = self.foreground.take() {
            fg.job.stop(sim);
        }
        let mut out = self.take_output();
        out.exit_code = 130;
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::cluster::Cluster;
    use crate::time::SECOND;

    #[test]
    fn a_watch_stays_in_the_foreground_until_ctrl_c() {
        let mut c = Cluster::new_default(1);
        let first = c.start("kubectl get deploy -w");
        assert_eq!(first.stdout, "");
        assert!(c.job_running());
        // Another line is refused while the job runs.
        assert_eq!(c.start("kubectl get pods").exit_code, 1);
        c.advance(SECOND);
        assert_eq!(c.take_output().stdout, "");
        let stopped = c.interrupt();
        assert_eq!((stopped.exit_code, stopped.stdout.as_str()), (130, ""));
        assert!(!c.job_running());
    }

    #[test]
    fn changes_arrive_as_time_passes_and_flow_through_the_pipeline() {
        let mut c = Cluster::new_default(1);
        c.exec("kubectl create deployment web --image=nginx");
        let first = c.start("kubectl get pods -w | grep Running");
        assert_eq!(first.stdout, "");
        assert!(c.job_running());
        c.advance(10 * SECOND);
        let out = c.take_output();
        assert_eq!(out.stdout.lines().count(), 1, "{}", out.stdout);
        assert!(out.stdout.contains("1/1     Running"), "{}", out.stdout);
        c.interrupt();
    }

    #[test]
    fn the_rest_of_the_line_runs_when_the_job_ends() {
        let mut c = Cluster::new_default(1);
        c.exec("kubectl create deployment web --image=nginx");
        let first = c.start("kubectl rollout status deploy/web && echo done\necho next");
        assert!(
            first
                .stdout
                .starts_with("Waiting for deployment \"web\" rollout")
        );
        assert!(c.job_running());
        c.advance(30 * SECOND);
        assert!(!c.job_running());
        let out = c.take_output();
        assert!(
            out.stdout
                .ends_with("deployment \"web\" successfully rolled out\ndone\nnext\n"),
            "{}",
            out.stdout
        );
        assert_eq!(out.exit_code, 0);
        assert!(c.start("echo ok").success());
    }

    #[test]
    fn a_request_timeout_ends_the_watch() {
        let mut c = Cluster::new_default(1);
        c.start("kubectl get ns -w --request-timeout=5s || echo failed; echo after");
        assert!(c.job_running());
        c.advance(4 * SECOND);
        assert!(c.job_running());
        c.advance(2 * SECOND);
        assert!(!c.job_running());
        let out = c.take_output();
        assert_eq!(out.stdout, "after\n");
    }

    #[test]
    fn wait_and_logs_follow_are_jobs_too() {
        let mut c = Cluster::new_default(1);
        c.exec("kubectl create deployment web --image=nginx");
        c.start("kubectl wait --for=condition=Available deploy/web");
        assert!(c.job_running());
        c.advance(20 * SECOND);
        assert!(!c.job_running());
        assert_eq!(
            c.take_output().stdout,
            "deployment.apps/web condition met\n"
        );
        c.exec("kubectl run once --image=busybox --restart=Never -- sh -c 'sleep 2; echo bye'");
        c.advance(5 * SECOND);
        c.start("kubectl logs -f once");
        let out = c.take_output();
        assert!(!c.job_running(), "{out:?}");
        c.exec(
            "kubectl run talker --image=busybox -- sh -c 'while true; do echo hi; sleep 1; done'",
        );
        c.advance(5 * SECOND);
        c.start("kubectl logs -f talker --tail=1");
        assert!(c.job_running());
        c.advance(3 * SECOND);
        assert_eq!(c.take_output().stdout, "hi\nhi\nhi\n");
        assert_eq!(c.interrupt().exit_code, 130);
    }

    #[test]
    fn scripts_run_jobs_to_their_end() {
        let mut c = Cluster::new_default(1);
        let out = c.exec("kubectl get ns -w --watch-only");
        assert_eq!(out.stdout, "");
        assert_eq!(
            out.stderr,
            "kubeplay: stopped watching after 60s of cluster time (kubectl would watch until Ctrl-C; --request-timeout chooses how long)\n"
        );
        assert!(!c.job_running());
    }
}
