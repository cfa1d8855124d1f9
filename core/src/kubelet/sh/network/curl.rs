//! `curl` (8.x wording): `-s -S -v -I -i -o FILE -H 'Host: x' -m/--max-time
//! --connect-timeout -w '%{http_code}' -f -L -X -A`, the progress meter on stderr when not
//! silent, and its errors (`curl: (6) Could not resolve host: web`, `(7) Failed to connect to
//! web port 80 after 0 ms: Couldn't connect to server`, `(28)` timeouts, `(52)` empty reply,
//! `(22)` with `-f`).

use super::super::Sys;
use super::super::commands::{Io, Wait};
use super::{Ask, Fetch, Url, fetch, seconds_ms, value_of};
use crate::kubelet::images::Flavour;
use crate::network::{CONNECT_TIMEOUT_MS, DNS_TIMEOUT_MS, Reply};

const TRY_HELP: &str = "curl: try 'curl --help' or 'curl --manual' for more information\n";

#[derive(Default)]
struct Options {
    silent: bool,
    show_error: bool,
    verbose: bool,
    head: bool,
    include: bool,
    fail: bool,
    output: Option<String>,
    write_out: Option<String>,
    headers: Vec<String>,
    method: Option<String>,
    agent: Option<String>,
    max_ms: Option<i64>,
    connect_ms: Option<i64>,
    url: Option<String>,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options::default();
    let mut i = 0;
    while let Some(a) = args.get(i) {
        let valued = [
            ("-o", "--output"),
            ("-w", "--write-out"),
            ("-H", "--header"),
            ("-X", "--request"),
            ("-A", "--user-agent"),
            ("-m", "--max-time"),
            ("", "--connect-timeout"),
            ("-d", "--data"),
        ];
        if let Some((short, long, (value, used))) = valued.iter().find_map(|(s, l)| {
            let hit = (a == s || a == l || a.starts_with(&format!("{l}=")))
                .then(|| value_of(args, i, s, l))
                .flatten();
            hit.map(|h| (*s, *l, h))
        }) {
            apply(&mut o, short, long, value)?;
            i += used;
            continue;
        }
        if let Some(long) = a.strip_prefix("--") {
            match long {
                "silent" => o.silent = true,
                "show-error" => o.show_error = true,
                "verbose" => o.verbose = true,
                "head" => o.head = true,
                "include" => o.include = true,
                "fail" => o.fail = true,
                "location" | "insecure" | "compressed" | "http1.1" | "no-progress-meter" => {
                    o.silent |= long == "no-progress-meter";
                }
                _ => return Err(format!("curl: option --{long}: is unknown\n{TRY_HELP}")),
            }
            i += 1;
            continue;
        }
        if let Some(cluster) = a.strip_prefix('-').filter(|c| !c.is_empty()) {
            let chars: Vec<char> = cluster.chars().collect();
            let mut used = 1;
            for (k, c) in chars.iter().enumerate() {
                match c {
                    's' => o.silent = true,
                    'S' => o.show_error = true,
                    'v' => o.verbose = true,
                    'I' => o.head = true,
                    'i' => o.include = true,
                    'f' => o.fail = true,
                    'L' | 'k' | 'q' | '4' => {}
                    'o' | 'w' | 'H' | 'X' | 'A' | 'm' | 'd' => {
                        let rest: String = chars.get(k + 1..).unwrap_or_default().iter().collect();
                        let value = if rest.is_empty() {
                            used = 2;
                            args.get(i + 1).cloned().ok_or_else(|| {
                                format!("curl: option -{c}: requires parameter\n{TRY_HELP}")
                            })?
                        } else {
                            rest
                        };
                        apply(&mut o, &format!("-{c}"), "", value)?;
                        break;
                    }
                    _ => return Err(format!("curl: option -{c}: is unknown\n{TRY_HELP}")),
                }
            }
            i += used;
            continue;
        }
        o.url = Some(a.clone());
        i += 1;
    }
    Ok(o)
}

fn apply(o: &mut Options, short: &str, long: &str, value: String) -> Result<(), String> {
    let seconds = |v: &str| {
        seconds_ms(v).ok_or_else(|| {
            format!(
                "curl: option {}: expected a proper numerical parameter\n{TRY_HELP}",
                if long.is_empty() { short } else { long }
            )
        })
    };
    match (short, long) {
        ("-o", _) | (_, "--output") => o.output = Some(value),
        ("-w", _) | (_, "--write-out") => o.write_out = Some(value),
        ("-H", _) | (_, "--header") => o.headers.push(value),
        ("-X", _) | (_, "--request") => o.method = Some(value),
        ("-A", _) | (_, "--user-agent") => o.agent = Some(value),
        ("-m", _) | (_, "--max-time") => o.max_ms = Some(seconds(&value)?),
        (_, "--connect-timeout") => o.connect_ms = Some(seconds(&value)?),
        ("-d", _) | (_, "--data") => {
            o.method.get_or_insert_with(|| "POST".into());
        }
        _ => {}
    }
    Ok(())
}

/// curl's version in the image (Debian's package, or the curl image's own build).
fn version(sys: &Sys<'_>) -> &'static str {
    if sys.info.flavour == Flavour::Alpine {
        "8.17.0"
    } else {
        "8.14.1"
    }
}

pub fn run(args: &[String], io: &mut Io, sys: &mut Sys<'_>) -> (i32, Wait) {
    let o = match parse(args) {
        Ok(o) => o,
        Err(e) => {
            io.err.push_str(&e);
            return (2, Wait::None);
        }
    };
    let Some(raw) = o.url.clone() else {
        io.err
            .push_str(&format!("curl: no URL specified\n{TRY_HELP}"));
        return (2, Wait::None);
    };
    let Some(url) = Url::parse(&raw) else {
        let scheme = raw.split("://").next().unwrap_or("");
        io.err
            .push_str(&format!("curl: (1) Protocol \"{scheme}\" not supported\n"));
        return (1, Wait::None);
    };
    let host_header = o.headers.iter().find_map(|h| {
        let (k, v) = h.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case("host")
            .then(|| v.trim().to_string())
    });
    let agent = o
        .agent
        .clone()
        .unwrap_or_else(|| format!("curl/{}", version(sys)));
    let method = o
        .method
        .clone()
        .unwrap_or_else(|| if o.head { "HEAD".into() } else { "GET".into() });
    let (fetched, took) = fetch(
        sys,
        &Ask {
            url: &url,
            method: &method,
            host_header: host_header.as_deref(),
            user_agent: &agent,
        },
    );
    let meter = !o.silent;
    let errors = !o.silent || o.show_error;
    let limit = match (o.max_ms, o.connect_ms) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let host = &url.host;
    let port = url.port;
    let mut err = String::new();
    let mut out = String::new();
    if meter {
        err.push_str("  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n");
    }
    let idle = "  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0\n";
    let fail = |err: &mut String, code: i32, message: String| {
        if meter {
            err.push_str(idle);
        }
        if errors {
            err.push_str(&format!("curl: ({code}) {message}\n"));
        }
        code
    };
    let (code, waited) = match fetched {
        Fetch::NotResolved | Fetch::DnsTimeout => {
            let timed_out = fetched == Fetch::DnsTimeout;
            if o.verbose {
                err.push_str(&format!(
                    "* Could not resolve host: {host}\n* shutting down connection #0\n"
                ));
            }
            match (timed_out, o.max_ms) {
                (true, Some(max)) if max < DNS_TIMEOUT_MS => (
                    fail(
                        &mut err,
                        28,
                        format!("Resolving timed out after {max} milliseconds"),
                    ),
                    max,
                ),
                _ => (
                    fail(&mut err, 6, format!("Could not resolve host: {host}")),
                    took,
                ),
            }
        }
        Fetch::Refused(ip) => {
            if o.verbose {
                err.push_str(&format!("*   Trying {ip}:{port}...\n* connect to {ip} port {port} from {} port 41822 failed: Connection refused\n* Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server\n* closing connection #0\n", origin_ip(sys)));
            }
            (
                fail(
                    &mut err,
                    7,
                    format!(
                        "Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server"
                    ),
                ),
                0,
            )
        }
        Fetch::TimedOut(ip) => {
            if o.verbose {
                err.push_str(&format!("*   Trying {ip}:{port}...\n"));
            }
            let (ms, why) = match limit {
                Some(l) if l < CONNECT_TIMEOUT_MS => (l, "Timeout was reached"),
                _ => (took, "Couldn't connect to server"),
            };
            (
                fail(
                    &mut err,
                    28,
                    format!(
                        "Failed to connect to {host} port {port} after {} ms: {why}",
                        ms + 1
                    ),
                ),
                ms + 1,
            )
        }
        Fetch::Answered(ip, reply) => {
            if o.verbose {
                err.push_str(&format!("* Host {host}:{port} was resolved.\n* IPv6: (none)\n* IPv4: {ip}\n*   Trying {ip}:{port}...\n* Connected to {host} ({ip}) port {port}\n* using HTTP/1.x\n> {method} {} HTTP/1.1\n> Host: {}\n> User-Agent: {agent}\n> Accept: */*\n", url.path, host_header.clone().unwrap_or_else(|| url.authority())));
                for h in o
                    .headers
                    .iter()
                    .filter(|h| !h.to_ascii_lowercase().starts_with("host:"))
                {
                    err.push_str(&format!("> {h}\n"));
                }
                err.push_str("> \n* Request completely sent off\n");
            }
            match reply {
                Reply::Empty => {
                    if o.verbose {
                        err.push_str("* Empty reply from server\n* shutting down connection #0\n");
                    }
                    (fail(&mut err, 52, "Empty reply from server".into()), 0)
                }
                Reply::Http {
                    status,
                    reason,
                    headers,
                    body,
                } => {
                    let mut head = format!("HTTP/1.1 {status} {reason}\r\n");
                    for (k, v) in &headers {
                        head.push_str(&format!("{k}: {v}\r\n"));
                    }
                    head.push_str("\r\n");
                    if o.verbose {
                        for line in head.split("\r\n").take(headers.len() + 2) {
                            err.push_str(&format!("< {line}\n"));
                        }
                    }
                    if o.fail && status >= 400 {
                        if o.verbose {
                            err.push_str(&format!("* The requested URL returned error: {status}\n* closing connection #0\n"));
                        }
                        (
                            fail(
                                &mut err,
                                22,
                                format!("The requested URL returned error: {status}"),
                            ),
                            0,
                        )
                    } else {
                        let mut document = String::new();
                        if o.head || o.include {
                            document.push_str(&head);
                        }
                        if !o.head {
                            document.push_str(&body);
                        }
                        let size = if o.head { 0 } else { body.len() };
                        if meter {
                            err.push_str(&meter_line(size));
                        }
                        match o.output.as_deref() {
                            None | Some("-") => out.push_str(&document),
                            Some("/dev/null") => {}
                            Some(path) => {
                                let abs = crate::kubelet::fs::absolute(&sys.cwd, path);
                                if sys.view.write(sys.disks, &abs, &document, false).is_err() {
                                    if errors {
                                        err.push_str(&format!("curl: (23) Failure writing output to destination, passed {} returned 0\n", document.len()));
                                    }
                                    io.out.push_str(&out);
                                    io.err.push_str(&err);
                                    return (23, Wait::None);
                                }
                            }
                        }
                        if o.verbose {
                            err.push_str(&format!("* Connection #0 to host {host} left intact\n"));
                        }
                        if let Some(format) = &o.write_out {
                            out.push_str(&write_out(format, status, &ip, port, size));
                        }
                        (0, 0)
                    }
                }
            }
        }
    };
    io.out.push_str(&out);
    io.err.push_str(&err);
    let wait = if waited > 0 {
        Wait::Millis(waited)
    } else {
        Wait::None
    };
    (code, wait)
}

fn origin_ip(sys: &Sys<'_>) -> String {
    sys.net
        .as_ref()
        .map(|n| n.origin.ip().to_string())
        .unwrap_or_default()
}

/// curl's `max5data`: a number in at most five columns.
fn max5(n: u64) -> String {
    if n < 100_000 {
        format!("{n:>5}")
    } else if n < 10_000 * 1024 {
        format!("{:>4}k", n / 1024)
    } else {
        format!("{:>4}M", n / (1024 * 1024))
    }
}

/// The meter's last line for a transfer of `size` bytes done in about a millisecond.
fn meter_line(size: usize) -> String {
    let size = size as u64;
    let speed = max5(size * 1000);
    let pct = if size == 0 { "  0" } else { "100" };
    format!(
        "{pct} {}  {pct} {}    0     0  {speed}      0 --:--:-- --:--:-- --:--:-- {speed}\n",
        max5(size),
        max5(size)
    )
}

/// `-w`: `%{http_code}`, `%{remote_ip}`, `%{remote_port}`, `%{size_download}`,
/// `%{time_total}` and `\n`.
fn write_out(format: &str, status: u16, ip: &str, port: u16, size: usize) -> String {
    format
        .replace("%{http_code}", &format!("{status:03}"))
        .replace("%{response_code}", &format!("{status:03}"))
        .replace("%{remote_ip}", ip)
        .replace("%{remote_port}", &port.to_string())
        .replace("%{size_download}", &size.to_string())
        .replace("%{time_total}", "0.001234")
        .replace("\\n", "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn flags() {
        let o = parse(&words("-sS -o /dev/null -w %{http_code} -m 2 http://web")).unwrap();
        assert!(o.silent && o.show_error);
        assert_eq!(o.output.as_deref(), Some("/dev/null"));
        assert_eq!(o.max_ms, Some(2000));
        assert_eq!(o.url.as_deref(), Some("http://web"));
        let o = parse(&words("-sI --connect-timeout=3 web")).unwrap();
        assert!(o.head);
        assert_eq!(o.connect_ms, Some(3000));
        assert!(parse(&words("--bogus web")).is_err());
    }

    #[test]
    fn meter_numbers() {
        assert_eq!(max5(615), "  615");
        assert_eq!(max5(615_000), " 600k");
        assert_eq!(
            meter_line(615),
            "100   615  100   615    0     0   600k      0 --:--:-- --:--:-- --:--:--  600k\n"
        );
    }
}
