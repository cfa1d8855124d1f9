//! From the metrics' proposal to the replica count the HPA sets (upstream's
//! `normalizeDesiredReplicas` and `...WithBehaviors`): stabilization over the recent
//! recommendations, then the rate limits and the min/max bounds. Each step says which
//! `AbleToScale` and `ScalingLimited` condition it leaves.
//!
//! Without `spec.behavior`, the classic rules: the highest recommendation of the last
//! 5 min (`--horizontal-pod-autoscaler-downscale-stabilization`) and at most double (or 4)
//! per step. With it, the scale-up and scale-down rules: each direction's stabilization
//! window, and its policies (`Pods` or `Percent` per `periodSeconds`, combined by
//! `selectPolicy`) applied to the replicas at the start of each period, which the scale
//! events recorded here tell.

use serde_json::Value;

use crate::api::meta;
use crate::time::{SECOND, Time};

/// `--horizontal-pod-autoscaler-downscale-stabilization`.
pub const DOWNSCALE_STABILIZATION: i64 = 300 * SECOND;

/// A condition to set on the HPA: type, status, reason, message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cond {
    pub type_: &'static str,
    pub status: bool,
    pub reason: &'static str,
    pub message: String,
}

impl Cond {
    pub fn new(type_: &'static str, status: bool, reason: &'static str, message: &str) -> Cond {
        Cond {
            type_,
            status,
            reason,
            message: message.to_string(),
        }
    }
}

/// A rescale the controller made: how many pods it added or removed, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ScaleEvent {
    change: i32,
    at: Time,
    outdated: bool,
}

/// What the controller remembers per HPA between syncs (in memory, as upstream does).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    recommendations: Vec<(i32, Time)>,
    scale_up: Vec<ScaleEvent>,
    scale_down: Vec<ScaleEvent>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Select {
    Max,
    Min,
    Disabled,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Policy {
    percent: bool,
    value: i32,
    period: i64,
}

/// One direction's rules of `spec.behavior` (defaulted by the API server).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Rules {
    window: i64,
    select: Select,
    policies: Vec<Policy>,
}

impl Rules {
    fn of(rules: Option<&Value>, default_window: i64) -> Rules {
        let rules = rules.cloned().unwrap_or(Value::Null);
        Rules {
            window: meta::at(&rules, "/stabilizationWindowSeconds")
                .and_then(Value::as_i64)
                .map_or(default_window, |s| s * SECOND),
            select: match meta::str_at(&rules, "/selectPolicy") {
                "Min" => Select::Min,
                "Disabled" => Select::Disabled,
                _ => Select::Max,
            },
            policies: meta::array_at(&rules, "/policies")
                .iter()
                .map(|p| Policy {
                    percent: meta::str_at(p, "/type") == "Percent",
                    value: meta::at(p, "/value").and_then(Value::as_i64).unwrap_or(0) as i32,
                    period: meta::at(p, "/periodSeconds")
                        .and_then(Value::as_i64)
                        .unwrap_or(0)
                        * SECOND,
                })
                .collect(),
        }
    }

    fn longest_period(&self) -> i64 {
        self.policies.iter().map(|p| p.period).max().unwrap_or(0)
    }
}

/// The bounds and the current state a normalization works with.
#[derive(Clone, Copy, Debug)]
pub struct Bounds {
    pub current: i32,
    pub min: i32,
    pub max: i32,
}

impl History {
    /// Remembers the current scale as the first recommendation (`recordInitialRecommendation`).
    pub fn start(&mut self, current: i32, now: Time) {
        if self.recommendations.is_empty() {
            self.recommendations.push((current, now));
        }
    }

    /// Records a recommendation, reusing the slot of one that has left every window.
    fn record(&mut self, desired: i32, now: Time, stale: impl Fn(Time) -> bool) {
        match self.recommendations.iter().rposition(|(_, at)| stale(*at)) {
            Some(i) => {
                if let Some(slot) = self.recommendations.get_mut(i) {
                    *slot = (desired, now);
                }
            }
            None => self.recommendations.push((desired, now)),
        }
    }

    /// `normalizeDesiredReplicas`: no `behavior`.
    pub fn normalize(&mut self, desired: i32, b: Bounds, now: Time) -> (i32, Vec<Cond>) {
        let cutoff = now.plus_millis(-DOWNSCALE_STABILIZATION);
        let stabilized = self
            .recommendations
            .iter()
            .filter(|(_, at)| *at >= cutoff)
            .map(|(r, _)| *r)
            .fold(desired, i32::max);
        self.record(desired, now, |at| at < cutoff);
        let mut conds = vec![if stabilized != desired {
            Cond::new(
                "AbleToScale",
                true,
                "ScaleDownStabilized",
                "recent recommendations were higher than current one, applying the highest recent recommendation",
            )
        } else {
            ready_for_new_scale()
        }];
        let scale_up_limit = (2 * b.current).max(4);
        let (max, limit_reason, limit_message) = if b.max > scale_up_limit {
            (
                scale_up_limit,
                "ScaleUpLimit",
                "the desired replica count is increasing faster than the maximum scale rate",
            )
        } else {
            (
                b.max,
                "TooManyReplicas",
                "the desired replica count is more than the maximum replica count",
            )
        };
        let (result, reason, message) = if stabilized < b.min {
            (
                b.min,
                "TooFewReplicas",
                "the desired replica count is less than the minimum replica count",
            )
        } else if stabilized > max {
            (max, limit_reason, limit_message)
        } else {
            within_range(stabilized)
        };
        conds.push(Cond::new(
            "ScalingLimited",
            result != stabilized,
            reason,
            message,
        ));
        (result, conds)
    }

    /// `normalizeDesiredReplicasWithBehaviors`.
    pub fn normalize_with_behavior(
        &mut self,
        behavior: &Value,
        desired: i32,
        b: Bounds,
        now: Time,
    ) -> (i32, Vec<Cond>) {
        let up = Rules::of(behavior.get("scaleUp"), 0);
        let down = Rules::of(behavior.get("scaleDown"), DOWNSCALE_STABILIZATION);
        let up_cutoff = now.plus_millis(-up.window);
        let down_cutoff = now.plus_millis(-down.window);
        let (mut up_rec, mut down_rec) = (desired, desired);
        for (r, at) in &self.recommendations {
            if *at > up_cutoff {
                up_rec = up_rec.min(*r);
            }
            if *at > down_cutoff {
                down_rec = down_rec.max(*r);
            }
        }
        let stabilized = b.current.max(up_rec).min(down_rec);
        self.record(desired, now, |at| at < up_cutoff && at < down_cutoff);
        let mut conds = vec![if stabilized == desired {
            ready_for_new_scale()
        } else if desired >= b.current {
            Cond::new(
                "AbleToScale",
                true,
                "ScaleUpStabilized",
                "recent recommendations were lower than current one, applying the lowest recent recommendation",
            )
        } else {
            Cond::new(
                "AbleToScale",
                true,
                "ScaleDownStabilized",
                "recent recommendations were higher than current one, applying the highest recent recommendation",
            )
        }];
        let (result, reason, message) = self.rate_limited(&up, &down, stabilized, b, now);
        conds.push(Cond::new(
            "ScalingLimited",
            result != stabilized,
            reason,
            message,
        ));
        (result, conds)
    }

    /// `convertDesiredReplicasWithBehaviorRate`.
    fn rate_limited(
        &self,
        up: &Rules,
        down: &Rules,
        desired: i32,
        b: Bounds,
        now: Time,
    ) -> (i32, &'static str, &'static str) {
        if desired > b.current {
            let limit = self.limit(up, b.current, now, true).max(b.current);
            let (allowed, reason, message) = if b.max > limit {
                (
                    limit,
                    "ScaleUpLimit",
                    "the desired replica count is increasing faster than the maximum scale rate",
                )
            } else {
                (
                    b.max,
                    "TooManyReplicas",
                    "the desired replica count is more than the maximum replica count",
                )
            };
            if desired > allowed {
                return (allowed, reason, message);
            }
        } else if desired < b.current {
            let limit = self.limit(down, b.current, now, false).min(b.current);
            let (allowed, reason, message) = if b.min < limit {
                (
                    limit,
                    "ScaleDownLimit",
                    "the desired replica count is decreasing faster than the maximum scale rate",
                )
            } else {
                (
                    b.min,
                    "TooFewReplicas",
                    "the desired replica count is less than the minimum replica count",
                )
            };
            if desired < allowed {
                return (allowed, reason, message);
            }
        }
        within_range(desired)
    }

    /// The furthest the rules let the scale go now (`calculateScaleUpLimitWithScalingRules`
    /// and `calculateScaleDownLimitWithBehaviors`).
    fn limit(&self, rules: &Rules, current: i32, now: Time, up: bool) -> i32 {
        if rules.select == Select::Disabled {
            return current;
        }
        // Max picks the biggest change: the highest limit up, the lowest down.
        let biggest = rules.select == Select::Max;
        let mut result: Option<i32> = None;
        for p in &rules.policies {
            let added = changes_within(&self.scale_up, p.period, now);
            let removed = changes_within(&self.scale_down, p.period, now);
            let start = current - added + removed;
            let proposed = match (up, p.percent) {
                (true, false) => start + p.value,
                (true, true) => {
                    (f64::from(start) * (1.0 + f64::from(p.value) / 100.0)).ceil() as i32
                }
                (false, false) => start - p.value,
                (false, true) => (f64::from(start) * (1.0 - f64::from(p.value) / 100.0)) as i32,
            };
            result = Some(match result {
                None => proposed,
                Some(r) if up == biggest => r.max(proposed),
                Some(r) => r.min(proposed),
            });
        }
        result.unwrap_or(if up == biggest { i32::MIN } else { i32::MAX })
    }

    /// `storeScaleEvent`: remembers a rescale for the rate limits (only with `behavior`).
    pub fn store_scale_event(&mut self, behavior: &Value, previous: i32, new: i32, now: Time) {
        let up = new > previous;
        let rules = Rules::of(behavior.get(if up { "scaleUp" } else { "scaleDown" }), 0);
        let cutoff = now.plus_millis(-rules.longest_period());
        let events = if up {
            &mut self.scale_up
        } else {
            &mut self.scale_down
        };
        for e in events.iter_mut() {
            if e.at < cutoff {
                e.outdated = true;
            }
        }
        let event = ScaleEvent {
            change: (new - previous).abs(),
            at: now,
            outdated: false,
        };
        match events.iter().rposition(|e| e.outdated) {
            Some(i) => {
                if let Some(slot) = events.get_mut(i) {
                    *slot = event;
                }
            }
            None => events.push(event),
        }
    }
}

fn changes_within(events: &[ScaleEvent], period: i64, now: Time) -> i32 {
    let cutoff = now.plus_millis(-period);
    events
        .iter()
        .filter(|e| e.at > cutoff)
        .map(|e| e.change)
        .sum()
}

fn ready_for_new_scale() -> Cond {
    Cond::new(
        "AbleToScale",
        true,
        "ReadyForNewScale",
        "recommended size matches current size",
    )
}

fn within_range(desired: i32) -> (i32, &'static str, &'static str) {
    (
        desired,
        "DesiredWithinRange",
        "the desired count is within the acceptable range",
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn at(s: i64) -> Time {
        Time(s * SECOND)
    }

    fn bounds(current: i32) -> Bounds {
        Bounds {
            current,
            min: 1,
            max: 10,
        }
    }

    #[test]
    fn without_behavior_a_scale_down_waits_five_minutes() {
        let mut h = History::default();
        h.start(5, at(0));
        let (r, conds) = h.normalize(2, bounds(5), at(15));
        assert_eq!(r, 5);
        assert_eq!(conds[0].reason, "ScaleDownStabilized");
        // Every recommendation since was 2; the 5 leaves the window after 300 s.
        for s in (30..300).step_by(15) {
            assert_eq!(h.normalize(2, bounds(5), at(s)).0, 5, "at {s}s");
        }
        assert_eq!(h.normalize(2, bounds(5), at(316)).0, 2);
    }

    #[test]
    fn without_behavior_a_step_at_most_doubles() {
        let mut h = History::default();
        h.start(1, at(0));
        let (r, conds) = h.normalize(9, bounds(1), at(15));
        assert_eq!(r, 4);
        assert_eq!(conds[1].reason, "ScaleUpLimit");
        assert!(conds[1].status);
    }

    #[test]
    fn pods_policy_limits_each_period() {
        let behavior = json!({
            "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max",
                        "policies": [{"type": "Pods", "value": 2, "periodSeconds": 60}]},
            "scaleDown": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max",
                          "policies": [{"type": "Percent", "value": 50, "periodSeconds": 60}]},
        });
        let mut h = History::default();
        h.start(1, at(0));
        let (r, _) = h.normalize_with_behavior(&behavior, 8, bounds(1), at(15));
        assert_eq!(r, 3);
        h.store_scale_event(&behavior, 1, 3, at(15));
        // Within the same minute, the 2 pods are used up.
        let (r, conds) = h.normalize_with_behavior(&behavior, 8, bounds(3), at(30));
        assert_eq!((r, conds[1].reason), (3, "ScaleUpLimit"));
        // A minute later, 2 more.
        assert_eq!(
            h.normalize_with_behavior(&behavior, 8, bounds(3), at(76)).0,
            5
        );
        // Down: half per minute.
        assert_eq!(
            h.normalize_with_behavior(&behavior, 1, bounds(8), at(200))
                .0,
            4
        );
    }
}
