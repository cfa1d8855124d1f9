//! A container's log, as the runtime keeps it: each line with the time it was written and
//! its stream, bounded so that a chatty loop cannot grow it without end (the kubelet rotates
//! container logs at 10 MiB; the sandbox keeps the last [`MAX_LINES`] lines).

use std::collections::VecDeque;

use super::sh::Stream;
use super::sh::commands::utc;
use crate::time::Time;

/// Lines kept per container instance.
pub const MAX_LINES: usize = 2000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub at: Time,
    pub stream: Stream,
    pub text: String,
    /// False for a last line written without its newline (a CRI "partial" entry).
    pub newline: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Log {
    lines: VecDeque<Line>,
}

/// What `kubectl logs` asks for (`PodLogOptions`).
#[derive(Clone, Debug, Default)]
pub struct Query {
    pub tail: Option<usize>,
    pub since: Option<Time>,
    pub timestamps: bool,
    pub limit_bytes: Option<usize>,
}

impl Log {
    /// Appends `text`, split into lines, as written at `at`.
    pub fn write(&mut self, at: Time, stream: Stream, text: &str) {
        if text.is_empty() {
            return;
        }
        let stream = if stream == Stream::Main {
            Stream::Out
        } else {
            stream
        };
        let mut rest = text;
        while !rest.is_empty() {
            let (line, newline, next) = match rest.find('\n') {
                Some(i) => (
                    rest.get(..i).unwrap_or(""),
                    true,
                    rest.get(i + 1..).unwrap_or(""),
                ),
                None => (rest, false, ""),
            };
            self.lines.push_back(Line {
                at,
                stream,
                text: line.to_string(),
                newline,
            });
            rest = next;
        }
        while self.lines.len() > MAX_LINES {
            self.lines.pop_front();
        }
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The lines a query selects, rendered as `kubectl logs` prints them.
    pub fn read(&self, q: &Query) -> String {
        let selected: Vec<&Line> = self
            .lines
            .iter()
            .filter(|l| q.since.is_none_or(|s| l.at >= s))
            .collect();
        let start = q.tail.map_or(0, |n| selected.len().saturating_sub(n));
        let mut out = String::new();
        for l in selected.get(start..).unwrap_or_default() {
            if q.timestamps {
                out.push_str(&timestamp(l.at));
                out.push(' ');
            }
            out.push_str(&l.text);
            if l.newline {
                out.push('\n');
            }
        }
        if let Some(limit) = q.limit_bytes
            && out.len() > limit
        {
            let mut cut = limit;
            while !out.is_char_boundary(cut) {
                cut -= 1;
            }
            out.truncate(cut);
        }
        out
    }

    /// Lines written after `after` (exclusive), for following a log as time passes.
    pub fn since_exclusive(&self, after: Time, q: &Query) -> String {
        let query = Query {
            since: None,
            tail: None,
            ..q.clone()
        };
        let tail: Log = Log {
            lines: self
                .lines
                .iter()
                .filter(|l| l.at > after)
                .cloned()
                .collect(),
        };
        tail.read(&query)
    }
}

/// The CRI log timestamp `kubectl logs --timestamps` shows (RFC 3339 with nanoseconds).
pub fn timestamp(t: Time) -> String {
    let (p, millis) = utc(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}000000Z",
        p.year, p.month, p.day, p.hour, p.minute, p.second, millis
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_tail_and_timestamps() {
        let mut log = Log::default();
        log.write(Time::GENESIS, Stream::Out, "one\ntwo\n");
        log.write(Time::GENESIS.plus_millis(1500), Stream::Err, "three\n");
        assert_eq!(log.read(&Query::default()), "one\ntwo\nthree\n");
        let tail = Query {
            tail: Some(1),
            timestamps: true,
            ..Query::default()
        };
        assert_eq!(log.read(&tail), "2026-01-01T09:00:01.500000000Z three\n");
    }

    #[test]
    fn bounded() {
        let mut log = Log::default();
        for i in 0..MAX_LINES + 10 {
            log.write(Time::GENESIS, Stream::Out, &format!("{i}\n"));
        }
        assert!(log.read(&Query::default()).starts_with("10\n"));
    }
}
