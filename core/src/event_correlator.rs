//! client-go's event correlator, the part of `record.EventRecorder` that decides what becomes
//! of an event before it is written: ten distinct messages of one reason about one object
//! within ten minutes fold into a single `(combined from similar events): ...` event, and a
//! source may write 25 events about one object at once, then one every five minutes (the
//! spam filter), so an object that keeps failing does not flood the namespace.

use std::collections::{BTreeMap, BTreeSet};

use crate::time::{SECOND, Time};

/// Distinct messages before similar events are combined (`defaultAggregateMaxEvents`).
const MAX_SIMILAR: usize = 10;
/// How long similar events are remembered (`defaultAggregateIntervalInSeconds`).
const SIMILAR_WINDOW_MS: i64 = 600 * SECOND;
/// The spam filter's token bucket: 25 at once, one more every 300 s.
const SPAM_BURST: f64 = 25.0;
const SPAM_REFILL_MS: f64 = 300.0 * SECOND as f64;

pub const COMBINED_PREFIX: &str = "(combined from similar events): ";

/// What the correlator says to do with an event.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Write it as it is.
    AsIs,
    /// Write it as the combined event of its kind (message prefixed).
    Combined,
    /// Drop it (spam).
    Skip,
}

/// What makes events similar: source, object uid, whether a warning, reason.
type SimilarKey = (String, String, bool, String);

#[derive(Default)]
pub struct Correlator {
    /// Distinct messages seen per kind of event, and when last.
    similar: BTreeMap<SimilarKey, (BTreeSet<String>, Time)>,
    /// (source, object uid) → tokens left and when counted.
    spam: BTreeMap<(String, String), (f64, Time)>,
}

impl Correlator {
    /// Looks at one event: `source` (component and host), the object's uid, whether it is a
    /// warning, its reason and message.
    pub fn observe(
        &mut self,
        now: Time,
        source: &str,
        uid: &str,
        warning: bool,
        reason: &str,
        message: &str,
    ) -> Verdict {
        let key = (
            source.to_string(),
            uid.to_string(),
            warning,
            reason.to_string(),
        );
        let entry = self
            .similar
            .entry(key)
            .or_insert_with(|| (BTreeSet::new(), now));
        if now.since(entry.1) > SIMILAR_WINDOW_MS {
            entry.0.clear();
        }
        entry.0.insert(message.to_string());
        entry.1 = now;
        let verdict = if entry.0.len() < MAX_SIMILAR {
            Verdict::AsIs
        } else {
            // Keep the set below the limit: every further one is combined.
            entry.0.pop_first();
            Verdict::Combined
        };
        let bucket = self
            .spam
            .entry((source.to_string(), uid.to_string()))
            .or_insert((SPAM_BURST, now));
        let refill = now.since(bucket.1) as f64 / SPAM_REFILL_MS;
        *bucket = ((bucket.0 + refill).min(SPAM_BURST), now);
        if bucket.0 < 1.0 {
            return Verdict::Skip;
        }
        bucket.0 -= 1.0;
        verdict
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_distinct_messages_combine() {
        let mut c = Correlator::default();
        let t = Time::GENESIS;
        let verdicts: Vec<Verdict> = (0..12)
            .map(|i| c.observe(t, "rs", "u1", true, "FailedCreate", &format!("m{i}")))
            .collect();
        assert!(verdicts[..9].iter().all(|v| *v == Verdict::AsIs));
        assert!(verdicts[9..].iter().all(|v| *v == Verdict::Combined));
        // Another object, or ten minutes later, starts afresh.
        assert_eq!(
            c.observe(t, "rs", "u2", true, "FailedCreate", "m"),
            Verdict::AsIs
        );
        let later = t.plus_millis(SIMILAR_WINDOW_MS + 1);
        assert_eq!(
            c.observe(later, "rs", "u1", true, "FailedCreate", "x"),
            Verdict::AsIs
        );
    }

    #[test]
    fn spam_filter_allows_a_burst_then_one_per_five_minutes() {
        let mut c = Correlator::default();
        let t = Time::GENESIS;
        let passed = (0..30)
            .filter(|_| c.observe(t, "kubelet", "p", true, "BackOff", "same") != Verdict::Skip)
            .count();
        assert_eq!(passed, 25);
        let later = t.plus_millis(300 * SECOND);
        assert_ne!(
            c.observe(later, "kubelet", "p", true, "BackOff", "same"),
            Verdict::Skip
        );
        assert_eq!(
            c.observe(later, "kubelet", "p", true, "BackOff", "same"),
            Verdict::Skip
        );
    }
}
