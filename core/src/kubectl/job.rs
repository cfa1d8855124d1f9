//! Commands that follow the cluster over time (`get -w`, `logs -f`, `rollout status`,
//! `wait`) as resumable jobs.
//!
//! A [`Job`] looks at the cluster after every instant the event loop settles and prints what
//! is new, until it ends by itself (the rollout finished, the timeout passed) or is
//! interrupted. The same job runs two ways:
//!
//! - in a terminal (`Cluster::start`), it becomes the shell's foreground job: the host lets
//!   time pass (`Cluster::advance`) and collects its output, and Ctrl-C
//!   (`Cluster::interrupt`) ends it;
//! - in a script (`Cluster::exec`, `kubeplay run`, transcripts), [`run_to_end`] lets virtual
//!   time run until the job ends, so the line prints everything at once, as a terminal would
//!   have shown it over time. A job that would never end by itself (a watch without
//!   `--request-timeout`) stops after a bounded amount of cluster time, with a note.

use crate::cluster::Output;
use crate::sim::Sim;
use crate::time::Time;

/// A command still running.
pub trait Job {
    /// Looks at the cluster as it is now, appends what the command prints to `out`, and
    /// returns the exit status once the command has ended.
    fn poll(&mut self, sim: &mut Sim, out: &mut Output) -> Option<i32>;

    /// When the command ends by itself at the latest (its timeout), so that time is not run
    /// past it.
    fn deadline(&self) -> Option<Time> {
        None
    }

    /// Releases what the command holds (its watches); called when it ends either way.
    fn stop(&mut self, sim: &mut Sim);

    /// A script's job stopped at [`run_to_end`]'s limit, where a real kubectl would have kept
    /// going until Ctrl-C: prints the sandbox's note saying so and returns the status.
    fn at_limit(&mut self, limit_millis: i64, out: &mut Output) -> i32;
}

/// Runs the cluster forward to `until`, polling `job` after every instant that settles.
/// Returns the job's exit status if it ended meanwhile (time then stops where it ended).
pub fn drive(job: &mut dyn Job, sim: &mut Sim, until: Time, out: &mut Output) -> Option<i32> {
    sim.settle();
    loop {
        if let Some(code) = job.poll(sim, out) {
            job.stop(sim);
            return Some(code);
        }
        let now = sim.now();
        if now >= until {
            return None;
        }
        let mut next = until;
        if let Some(t) = sim.next_timer() {
            next = next.min(t);
        }
        if let Some(t) = job.deadline() {
            next = next.min(t);
        }
        // Timers and deadlines are in the future once an instant has settled; never stand still.
        if next <= now {
            next = now.plus_millis(1).min(until);
        }
        sim.advance_to(next);
    }
}

/// Runs a job in a script: until it ends, or for at most `limit_millis` of cluster time (then
/// stopped, with the job's note).
pub fn run_to_end(mut job: Box<dyn Job>, sim: &mut Sim, limit_millis: i64) -> Output {
    let mut out = Output::default();
    let until = sim.now().plus_millis(limit_millis);
    out.exit_code = match drive(job.as_mut(), sim, until, &mut out) {
        Some(code) => code,
        None => {
            job.stop(sim);
            job.at_limit(limit_millis, &mut out)
        }
    };
    out
}

/// How long a command that would follow the cluster until Ctrl-C (`get -w` without
/// `--request-timeout`) runs in a script.
pub const SCRIPT_LIMIT_MILLIS: i64 = 60 * crate::time::SECOND;
