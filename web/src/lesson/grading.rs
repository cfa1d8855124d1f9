//! The root's side of lesson grading: which checks the lesson pane asked for, and their
//! results, evaluated again when the cluster changed (after every command) or its clock moved
//! a second (while time runs) — never more often, since a check can list many objects.

use std::rc::Rc;

use super::{Checks, Results};
use crate::session::Session;

#[derive(Default)]
pub struct Grading {
    checks: Rc<Checks>,
    results: Rc<Results>,
    /// The cluster revision and clock (to the second) `results` are for.
    at: Option<(u64, String)>,
}

impl Grading {
    /// Grade these from now on (empty: nothing).
    pub fn set(&mut self, checks: Rc<Checks>, session: &mut Session) {
        self.checks = checks;
        self.at = None;
        self.regrade(session);
    }

    pub fn results(&self) -> Rc<Results> {
        self.results.clone()
    }

    /// Evaluates again if the cluster changed since the last time; says whether the results
    /// changed.
    pub fn regrade(&mut self, session: &mut Session) -> bool {
        let cluster = session.cluster();
        let at = (cluster.revision(), cluster.now().rfc3339());
        if self.at.as_ref() == Some(&at) {
            return false;
        }
        self.at = Some(at);
        let results: Results = self
            .checks
            .iter()
            .map(|(id, checks)| (id.clone(), session.evaluate_checks(checks)))
            .collect();
        if *self.results == results {
            return false;
        }
        self.results = Rc::new(results);
        true
    }
}
