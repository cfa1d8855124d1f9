//! Behaviour of schedules as CronJob users meet them; robfig's own cases run from the corpus in
//! `core/tests/cron_corpus.rs`.

use super::*;
use crate::time::Time;

fn at(s: &str) -> i64 {
    Time::parse_rfc3339(s).map_or(0, |t| t.0)
}

fn next(spec: &str, after: &str) -> Option<String> {
    let schedule = parse_standard(spec).ok()?;
    schedule
        .next(at(after), &Zone::Utc)
        .map(|t| Time(t).rfc3339())
}

#[test]
fn five_fields_names_steps_and_macros() {
    let cases = [
        (
            "*/1 * * * *",
            "2026-01-01T09:00:00Z",
            "2026-01-01T09:01:00Z",
        ),
        (
            "*/15 * * * *",
            "2026-01-01T09:00:30Z",
            "2026-01-01T09:15:00Z",
        ),
        ("0 3 * * *", "2026-01-01T09:00:00Z", "2026-01-02T03:00:00Z"),
        (
            "0 0 * JAN,JUL MON",
            "2026-01-01T09:00:00Z",
            "2026-01-05T00:00:00Z",
        ),
        (
            "30 6-16/4 * * 1-5",
            "2026-01-02T11:00:00Z",
            "2026-01-02T14:30:00Z",
        ),
        ("@hourly", "2026-01-01T09:00:00Z", "2026-01-01T10:00:00Z"),
        ("@daily", "2026-01-01T09:00:00Z", "2026-01-02T00:00:00Z"),
        ("@midnight", "2026-01-01T09:00:00Z", "2026-01-02T00:00:00Z"),
        ("@weekly", "2026-01-01T09:00:00Z", "2026-01-04T00:00:00Z"),
        ("@monthly", "2026-01-01T09:00:00Z", "2026-02-01T00:00:00Z"),
        ("@yearly", "2026-01-01T09:00:00Z", "2027-01-01T00:00:00Z"),
        ("@annually", "2026-01-01T09:00:00Z", "2027-01-01T00:00:00Z"),
        ("@every 90s", "2026-01-01T09:00:00Z", "2026-01-01T09:01:30Z"),
        // Day of month OR day of week when neither is `*`.
        (
            "0 0 13 * FRI",
            "2026-01-01T09:00:00Z",
            "2026-01-02T00:00:00Z",
        ),
        (
            "0 0 ? * FRI",
            "2026-01-01T09:00:00Z",
            "2026-01-02T00:00:00Z",
        ),
    ];
    for (spec, after, want) in cases {
        assert_eq!(next(spec, after).as_deref(), Some(want), "{spec}");
    }
    assert_eq!(next("0 0 30 2 *", "2026-01-01T09:00:00Z"), None);
}

#[test]
fn time_zones_move_the_instants() {
    let seoul = cronjob_schedule("0 3 * * *", Some("Asia/Seoul")).unwrap();
    assert_eq!(
        seoul.next(at("2026-01-01T09:00:00Z"), &Zone::Utc),
        Some(at("2026-01-01T18:00:00Z"))
    );
    // 02:30 does not exist in New York on 2026-03-08: that day is skipped.
    let ny = cronjob_schedule("30 2 * * *", Some("America/New_York")).unwrap();
    assert_eq!(
        ny.next(at("2026-03-07T08:00:00Z"), &Zone::Utc),
        Some(at("2026-03-09T06:30:00Z"))
    );
}

#[test]
fn validation_messages_are_upstreams() {
    assert_eq!(validate_schedule("*/1 * * * *"), Ok(()));
    assert_eq!(
        validate_schedule("@every 5m"),
        Ok(()),
        "ParseStandard accepts @every"
    );
    let err = |s: &str| validate_schedule(s).unwrap_err();
    assert_eq!(
        err("61 * * * *"),
        "end of range (61) above maximum (59): 61"
    );
    assert_eq!(
        err("* * * *"),
        "expected exactly 5 fields, found 4: [* * * *]"
    );
    assert_eq!(err(""), "empty spec string");
    assert_eq!(err("@often"), "unrecognized descriptor: @often");
    assert_eq!(
        err("5 j * * *"),
        "failed to parse int from j: strconv.Atoi: parsing \"j\": invalid syntax"
    );
    assert_eq!(
        err("*/0 * * * *"),
        "step of range should be a positive number: */0"
    );
    assert_eq!(
        err("@every 5"),
        "failed to parse duration @every 5: time: missing unit in duration \"5\""
    );
    assert_eq!(
        schedule_errors("CRON_TZ=UTC * * * * *"),
        ["cannot use TZ or CRON_TZ in schedule, use timeZone field instead"]
    );
    assert_eq!(
        schedule_errors("TZ=Mars/Olympus * * * * *"),
        [
            "provided bad location Mars/Olympus: unknown time zone Mars/Olympus",
            "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"
        ]
    );
    assert_eq!(validate_time_zone("Europe/Paris"), Vec::<String>::new());
    assert_eq!(
        validate_time_zone("Europe/Pariss"),
        ["unknown time zone Europe/Pariss"]
    );
    assert_eq!(
        validate_time_zone("Local"),
        ["timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"]
    );
    assert_eq!(
        validate_time_zone("America/Argentina/Buenos Aires"),
        ["unknown time zone America/Argentina/Buenos Aires"]
    );
    assert_eq!(
        validate_time_zone(""),
        ["timeZone must be nil or non-empty string"]
    );
}
