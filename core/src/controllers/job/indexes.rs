//! Completion indexes of Indexed Jobs: which index a pod works on, and sets of indexes as the
//! ordered intervals `status.completedIndexes` and `status.failedIndexes` are written in
//! (`0-2,4,6-7`; two neighbours are written `1,2`, not `1-2`).

use serde_json::Value;

use crate::api::meta;

/// The annotation (and, since v1.28, label) carrying a pod's completion index.
pub const COMPLETION_INDEX: &str = "batch.kubernetes.io/job-completion-index";

/// A pod's completion index, if it has a valid one.
pub fn of_pod(pod: &Value) -> Option<i64> {
    pod.pointer("/metadata/annotations")
        .and_then(|a| a.get(COMPLETION_INDEX))
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<i64>().ok())
        .filter(|i| *i >= 0)
}

/// A pod's index when it is below `completions` (pods outside the range do not count).
pub fn valid_index(pod: &Value, completions: i64) -> Option<i64> {
    of_pod(pod).filter(|i| *i < completions)
}

/// Ordered, non-overlapping, non-adjacent inclusive intervals of indexes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Intervals(Vec<(i64, i64)>);

impl Intervals {
    /// Parses `status.completedIndexes`; parts that do not parse are skipped and indexes at or
    /// above `completions` dropped, as upstream's `parseIndexesFromString` does.
    pub fn parse(s: &str, completions: i64) -> Intervals {
        let mut out: Vec<(i64, i64)> = Vec::new();
        for part in s.split(',').filter(|p| !p.is_empty()) {
            let mut limits = part.split('-');
            let Some(Ok(first)) = limits.next().map(str::parse::<i64>) else {
                continue;
            };
            if first >= completions {
                break;
            }
            let last = match limits.next().map(str::parse::<i64>) {
                None => first,
                Some(Ok(last)) => last.min(completions - 1),
                Some(Err(_)) => continue,
            };
            match out.last_mut() {
                Some(prev) if prev.1 == first - 1 => prev.1 = last,
                _ => out.push((first, last)),
            }
        }
        Intervals(out)
    }

    /// These intervals merged with `indexes` (in any order, repeats allowed).
    pub fn with(&self, indexes: impl IntoIterator<Item = i64>) -> Intervals {
        let mut all: Vec<(i64, i64)> = self.0.clone();
        all.extend(indexes.into_iter().map(|i| (i, i)));
        self.merged(all)
    }

    /// These intervals merged with `other`.
    pub fn union(&self, other: &Intervals) -> Intervals {
        let mut all = self.0.clone();
        all.extend(other.0.iter().copied());
        self.merged(all)
    }

    fn merged(&self, mut all: Vec<(i64, i64)>) -> Intervals {
        all.sort_unstable();
        let mut out: Vec<(i64, i64)> = Vec::new();
        for (first, last) in all {
            match out.last_mut() {
                Some(prev) if first <= prev.1 + 1 => prev.1 = prev.1.max(last),
                _ => out.push((first, last)),
            }
        }
        Intervals(out)
    }

    pub fn total(&self) -> i64 {
        self.0.iter().map(|(a, b)| b - a + 1).sum()
    }

    pub fn has(&self, i: i64) -> bool {
        self.0.iter().any(|(a, b)| (*a..=*b).contains(&i))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &(i64, i64)> {
        self.0.iter()
    }

    /// The first `count` indexes below `completions` not in these intervals.
    pub fn first_missing(&self, count: usize, completions: i64) -> Vec<i64> {
        (0..completions)
            .filter(|i| !self.has(*i))
            .take(count)
            .collect()
    }
}

impl std::fmt::Display for Intervals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (n, (first, last)) in self.0.iter().enumerate() {
            if n > 0 {
                f.write_str(",")?;
            }
            write!(f, "{first}")?;
            if last == &(first + 1) {
                write!(f, ",{last}")?;
            } else if last > first {
                write!(f, "-{last}")?;
            }
        }
        Ok(())
    }
}

/// Puts the completion index on a new pod, as annotation and label.
pub fn set_on_template(pod: &mut Value, index: i64) {
    let m = meta::metadata_mut(pod);
    for key in ["annotations", "labels"] {
        meta::child_object(m, key).insert(COMPLETION_INDEX.into(), Value::from(index.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_print_as_upstream() {
        let i = Intervals::default().with([0, 1, 2, 4, 6, 7, 9, 8]);
        assert_eq!(i.to_string(), "0-2,4,6-9");
        assert_eq!(Intervals::default().with([1, 2]).to_string(), "1,2");
        assert_eq!(i.total(), 8);
        assert!(i.has(4) && !i.has(5));
        assert_eq!(i.first_missing(3, 12), [3, 5, 10]);
        assert_eq!(Intervals::parse("0-2,4,6-9", 8).to_string(), "0-2,4,6,7");
        assert_eq!(Intervals::parse("x,3", 8).to_string(), "3");
    }
}
