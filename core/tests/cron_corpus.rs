#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

//! robfig/cron v3's own test cases (`shared/corpus/cron.tsv`) against our parser and `Next`:
//! field ranges and lists, whole specs with and without seconds, descriptors, activation and
//! next-fire times, DST changes in America/New_York included. Kept out of `core/src` because it
//! reads files.

mod corpus;

use kubeplay_core::api::cron::parse::{self, Bounds, Fields, STAR_BIT};
use kubeplay_core::api::cron::{Schedule, Spec, Zone, parse_standard};
use kubeplay_core::time::Time;

struct Row {
    test: String,
    parser: String,
    spec: String,
    valid: bool,
    from: String,
    expected: String,
    error: String,
}

fn rows() -> Vec<Row> {
    let text = std::fs::read_to_string(corpus::dir().join("cron.tsv")).expect("read cron.tsv");
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            let cell = |i: usize| cells.get(i).copied().unwrap_or("").to_string();
            Row {
                test: cell(0),
                parser: cell(1),
                spec: serde_json::from_str(&cell(2)).expect("spec_json"),
                valid: cell(3) == "true",
                from: cell(4),
                expected: cell(5),
                error: cell(6),
            }
        })
        .collect()
}

/// `bounds A-B` in the parser column.
fn bounds(parser: &str) -> Bounds {
    let range = parser.rsplit(' ').next().unwrap_or("");
    let (min, max) = range.split_once('-').expect("bounds");
    Bounds {
        min: min.parse().expect("min"),
        max: max.parse().expect("max"),
        names: &[],
    }
}

/// `bits [1, 2, 3] +starBit`.
fn expected_bits(expected: &str) -> u64 {
    let list = expected
        .trim_start_matches("bits [")
        .split(']')
        .next()
        .unwrap_or("");
    let mut bits = list
        .split(',')
        .filter_map(|n| n.trim().parse::<u32>().ok())
        .fold(0u64, |b, n| b | 1 << n);
    if expected.ends_with("+starBit") {
        bits |= STAR_BIT;
    }
    bits
}

const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// robfig's `getTime`: `[TZ=zone ]` then `Mon Jul 9 15:45[:05] 2012` (in the zone) or
/// `2012-03-11T01:00:00-0500`. Returns the instant in milliseconds and the time's zone.
fn parse_time(value: &str) -> (i64, Zone) {
    let (zone, value) = match value.strip_prefix("TZ=") {
        Some(rest) => {
            let (name, v) = rest.split_once(' ').expect("zone and time");
            (Some(Zone::load(name).expect("zone")), v)
        }
        None => (None, value),
    };
    if value.as_bytes().get(4) == Some(&b'-') {
        let (body, offset) = value.split_at(value.len() - 5);
        let with_colon = format!("{body}{}:{}", &offset[..3], &offset[3..]);
        let t = Time::parse_rfc3339(&with_colon).expect("time").0;
        let sign = if offset.starts_with('-') { -1 } else { 1 };
        let secs = sign
            * (offset[1..3].parse::<i32>().unwrap() * 3600
                + offset[3..].parse::<i32>().unwrap() * 60);
        let zone = zone.unwrap_or(if secs == 0 {
            Zone::Utc
        } else {
            Zone::Fixed(secs)
        });
        return (t, zone);
    }
    let words: Vec<&str> = value.split_whitespace().collect();
    let [_, month, day, clock, year] = words[..] else {
        panic!("time {value}")
    };
    let month = MONTH_NAMES.iter().position(|m| *m == month).expect("month") as i64 + 1;
    let hms: Vec<i64> = clock.split(':').map(|n| n.parse().unwrap()).collect();
    let zone = zone.unwrap_or(Zone::Utc);
    let t = zone.date(
        year.parse().unwrap(),
        month,
        day.parse().unwrap(),
        hms[0],
        hms[1],
        hms.get(2).copied().unwrap_or(0),
    );
    (t * 1000, zone)
}

fn parse_row(row: &Row) -> Result<Schedule, String> {
    if row.parser.starts_with("seconds") {
        parse::parse(&row.spec, Fields::WithSeconds)
    } else {
        parse_standard(&row.spec)
    }
}

/// The schedules robfig's `TestParseSchedule` builds by hand.
fn expected_schedule(expected: &str) -> Schedule {
    let all = |min: u32, max: u32| (min..=max).fold(STAR_BIT, |b, n| b | 1 << n);
    let location = if expected.contains("time.UTC") {
        Some(Zone::Utc)
    } else if expected.contains("tokyo") {
        Some(Zone::load("Asia/Tokyo").expect("tokyo"))
    } else {
        None
    };
    if expected.contains("ConstantDelaySchedule{5m}") {
        return Schedule::Every { secs: 300 };
    }
    let (second, minute, hour, dom, month) =
        if expected.contains("every5min") || expected.contains("Minute: 5") {
            (1, 1 << 5, all(0, 23), all(1, 31), all(1, 12))
        } else if expected.contains("midnight") {
            (1, 1, 1, all(1, 31), all(1, 12))
        } else if expected.contains("annual") {
            (1, 1, 1, 1 << 1, 1 << 1)
        } else {
            panic!("unknown expected schedule {expected}")
        };
    Schedule::Spec(Spec {
        second,
        minute,
        hour,
        dom,
        month,
        dow: all(0, 6),
        location,
    })
}

#[test]
fn robfig_cron_cases() {
    let rows = rows();
    let mut run = 0;
    let mut skipped = Vec::new();
    let mut failures = Vec::new();
    for row in &rows {
        let label = format!("{} {:?} {}", row.test, row.spec, row.from);
        if row.parser.starts_with("NewParser(Minute|Hour)") {
            // A parser without descriptors: CronJob never builds one.
            skipped.push(label);
            continue;
        }
        run += 1;
        if row.parser.starts_with("getRange") || row.parser.starts_with("getField") {
            let b = bounds(&row.parser);
            let got = if row.parser.starts_with("getRange") {
                parse::range_bits(&row.spec, b)
            } else {
                parse::field_bits(&row.spec, b)
            };
            match (got, row.valid) {
                (Ok(bits), true) if bits == expected_bits(&row.expected) => {}
                (Err(e), false) if e.contains(&row.error) => {}
                (got, _) => failures.push(format!(
                    "{label}: got {got:?}, want {}{}",
                    row.expected, row.error
                )),
            }
            continue;
        }
        let parsed = parse_row(row);
        if !row.valid {
            match parsed {
                Err(e) if e.contains(&row.error) => {}
                other => failures.push(format!(
                    "{label}: got {other:?}, want error {:?}",
                    row.error
                )),
            }
            continue;
        }
        let schedule = match parsed {
            Ok(s) => s,
            Err(e) => {
                failures.push(format!("{label}: {e}"));
                continue;
            }
        };
        if let Some(want) = row.expected.strip_prefix("schedule ") {
            let want = expected_schedule(want);
            if schedule != want {
                failures.push(format!("{label}: got {schedule:?}, want {want:?}"));
            }
        } else if let Some(fires) = row.expected.strip_prefix("fires at from_time: ") {
            let (t, zone) = parse_time(&row.from);
            let got = schedule.next(t - 1000, &zone) == Some(t);
            if got != (fires == "true") {
                failures.push(format!("{label}: fires {got}, want {fires}"));
            }
        } else if let Some(next) = row.expected.strip_prefix("next ") {
            let (t, zone) = parse_time(&row.from);
            let want = if next.starts_with("<zero time") {
                None
            } else {
                Some(parse_time(next).0)
            };
            let got = schedule.next(t, &zone);
            if got != want {
                let show = |t: Option<i64>| t.map(|ms| Time(ms).rfc3339());
                failures.push(format!(
                    "{label}: next {:?}, want {:?}",
                    show(got),
                    show(want)
                ));
            }
        } else {
            failures.push(format!("{label}: unknown expectation {:?}", row.expected));
        }
    }
    eprintln!(
        "cron.tsv: {run} rows run, {} skipped: {skipped:?}",
        skipped.len()
    );
    assert!(run >= 70, "only {run} rows ran");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
