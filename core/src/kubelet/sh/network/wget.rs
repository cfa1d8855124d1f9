//! busybox `wget`: `-q`, `-O FILE` (`-O-` for stdout), `-T SEC`, `--spider`, `-S`, `-U`,
//! `--header`, with busybox's messages (`Connecting to web (10.96.0.5:80)`, `wget: bad
//! address 'web'`, `wget: can't connect to remote host (10.96.0.5): Connection refused`,
//! `wget: server returned error: HTTP/1.1 404 Not Found`).

use super::super::Sys;
use super::super::commands::{Io, Wait};
use super::{Ask, Fetch, Url, fetch, seconds_ms, value_of};
use crate::network::{CONNECT_TIMEOUT_MS, Reply};

#[derive(Default)]
struct Options {
    quiet: bool,
    spider: bool,
    server_response: bool,
    output: Option<String>,
    timeout_ms: Option<i64>,
    agent: Option<String>,
    headers: Vec<String>,
    url: Option<String>,
}

fn usage() -> String {
    "BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n\nRetrieve files via HTTP or FTP\n\n\t--spider\tOnly check URL existence: $? is 0 if exists\n\t--header STR\tAdd STR (of form 'header: value') to headers\n\t--post-data STR\tSend STR using POST method\n\t--post-file FILE\tSend FILE using POST method\n\t--no-check-certificate\tDon't validate the server's certificate\n\t-c\t\tContinue retrieval of aborted transfer\n\t-q\t\tQuiet\n\t-P DIR\t\tSave to DIR (default .)\n\t-S    \t\tShow server response\n\t-T SEC\t\tNetwork read timeout is SEC seconds\n\t-O FILE\t\tSave to FILE ('-' for stdout)\n\t-o LOGFILE\tLog messages to FILE\n\t-U STR\t\tUse STR for User-Agent header\n\t-Y on/off\tUse proxy\n".into()
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options::default();
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if let Some((v, used)) = value_of(args, i, "-O", "--output-document") {
            o.output = Some(v);
            i += used;
            continue;
        }
        if let Some((v, used)) = value_of(args, i, "-T", "--timeout") {
            o.timeout_ms =
                Some(seconds_ms(&v).ok_or_else(|| format!("wget: invalid number '{v}'\n"))?);
            i += used;
            continue;
        }
        if let Some((v, used)) = value_of(args, i, "-U", "--user-agent") {
            o.agent = Some(v);
            i += used;
            continue;
        }
        if let Some((v, used)) = value_of(args, i, "", "--header") {
            o.headers.push(v);
            i += used;
            continue;
        }
        match a.as_str() {
            "--spider" => o.spider = true,
            "--quiet" => o.quiet = true,
            "--server-response" => o.server_response = true,
            "--no-check-certificate" => {}
            s if s.starts_with("--") => return Err(usage()),
            s if s.starts_with('-') && s.len() > 1 => {
                let chars: Vec<char> = s.chars().skip(1).collect();
                let mut used = 1;
                for (k, c) in chars.iter().enumerate() {
                    match c {
                        'q' => o.quiet = true,
                        'S' => o.server_response = true,
                        's' => o.spider = true,
                        'c' => {}
                        'O' | 'T' | 'U' | 'P' | 'Y' => {
                            let rest: String =
                                chars.get(k + 1..).unwrap_or_default().iter().collect();
                            let value = if rest.is_empty() {
                                used = 2;
                                args.get(i + 1).cloned().ok_or_else(usage)?
                            } else {
                                rest
                            };
                            match c {
                                'O' => o.output = Some(value),
                                'T' => {
                                    o.timeout_ms = Some(seconds_ms(&value).ok_or_else(|| {
                                        format!("wget: invalid number '{value}'\n")
                                    })?)
                                }
                                'U' => o.agent = Some(value),
                                _ => {}
                            }
                            break;
                        }
                        _ => return Err(usage()),
                    }
                }
                i += used;
                continue;
            }
            _ => o.url = Some(a.clone()),
        }
        i += 1;
    }
    Ok(o)
}

pub fn run(args: &[String], io: &mut Io, sys: &mut Sys<'_>) -> (i32, Wait) {
    let o = match parse(args) {
        Ok(o) => o,
        Err(e) => {
            io.err.push_str(&e);
            return (1, Wait::None);
        }
    };
    let Some(raw) = o.url.clone() else {
        io.err.push_str(&usage());
        return (1, Wait::None);
    };
    let Some(url) = Url::parse(&raw) else {
        io.err
            .push_str(&format!("wget: not an http or ftp url: {raw}\n"));
        return (1, Wait::None);
    };
    let host_header = o.headers.iter().find_map(|h| {
        let (k, v) = h.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case("host")
            .then(|| v.trim().to_string())
    });
    let agent = o.agent.clone().unwrap_or_else(|| "Wget".into());
    let method = if o.spider { "HEAD" } else { "GET" };
    let (fetched, took) = fetch(
        sys,
        &Ask {
            url: &url,
            method,
            host_header: host_header.as_deref(),
            user_agent: &agent,
        },
    );
    let mut err = String::new();
    let mut out = String::new();
    let authority = url.authority();
    let connecting = |err: &mut String, ip: &str| {
        if !o.quiet {
            err.push_str(&format!("Connecting to {authority} ({ip}:{})\n", url.port));
        }
    };
    let (code, waited) = match fetched {
        Fetch::NotResolved | Fetch::DnsTimeout => {
            err.push_str(&format!("wget: bad address '{authority}'\n"));
            (1, took)
        }
        Fetch::Refused(ip) => {
            connecting(&mut err, &ip);
            err.push_str(&format!(
                "wget: can't connect to remote host ({ip}): Connection refused\n"
            ));
            (1, 0)
        }
        Fetch::TimedOut(ip) => {
            connecting(&mut err, &ip);
            err.push_str(&format!(
                "wget: can't connect to remote host ({ip}): Connection timed out\n"
            ));
            let ms = o
                .timeout_ms
                .filter(|t| *t < CONNECT_TIMEOUT_MS)
                .unwrap_or(took);
            (1, ms)
        }
        Fetch::Answered(ip, Reply::Empty) => {
            connecting(&mut err, &ip);
            err.push_str("wget: error getting response\n");
            (1, 0)
        }
        Fetch::Answered(
            ip,
            Reply::Http {
                status,
                reason,
                headers,
                body,
            },
        ) => {
            connecting(&mut err, &ip);
            if o.server_response {
                err.push_str(&format!("  HTTP/1.1 {status} {reason}\n"));
                for (k, v) in &headers {
                    err.push_str(&format!("  {k}: {v}\n"));
                }
            }
            if status >= 400 {
                err.push_str(&format!(
                    "wget: server returned error: HTTP/1.1 {status} {reason}\n"
                ));
                (1, 0)
            } else if o.spider {
                if !o.quiet {
                    err.push_str("remote file exists\n");
                }
                (0, 0)
            } else {
                save(&o, &url, &body, &mut out, &mut err, sys)
            }
        }
    };
    io.out.push_str(&out);
    io.err.push_str(&err);
    (
        code,
        if waited > 0 {
            Wait::Millis(waited)
        } else {
            Wait::None
        },
    )
}

/// Writes the document where `-O` says (a file named after the URL by default).
fn save(
    o: &Options,
    url: &Url,
    body: &str,
    out: &mut String,
    err: &mut String,
    sys: &mut Sys<'_>,
) -> (i32, i64) {
    let to_stdout = o.output.as_deref() == Some("-");
    let name = match &o.output {
        Some(n) => n.clone(),
        None => {
            let path = url.path.split('?').next().unwrap_or("/");
            match path.rsplit('/').next() {
                Some(last) if !last.is_empty() => last.to_string(),
                _ => "index.html".to_string(),
            }
        }
    };
    let label = if to_stdout { "-" } else { name.as_str() };
    if to_stdout {
        if !o.quiet {
            err.push_str("writing to stdout\n");
        }
        out.push_str(body);
    } else {
        let abs = crate::kubelet::fs::absolute(&sys.cwd, &name);
        if o.output.is_none() && sys.view.get(sys.disks, &abs).is_some() {
            err.push_str(&format!("wget: can't open '{name}': File exists\n"));
            return (1, 0);
        }
        if !o.quiet {
            err.push_str(&format!("saving to '{name}'\n"));
        }
        if let Err(e) = sys.view.write(sys.disks, &abs, body, false) {
            err.push_str(&format!("wget: can't open '{name}': {}\n", e.text()));
            return (1, 0);
        }
    }
    if !o.quiet {
        let shown: String = label.chars().take(20).collect();
        err.push_str(&format!(
            "{shown:<20} 100% |********************************| {:>5}  0:00:00 ETA\n",
            size5(body.len())
        ));
        if to_stdout {
            err.push_str("written to stdout\n");
        } else {
            err.push_str(&format!("'{name}' saved\n"));
        }
    }
    (0, 0)
}

/// busybox's five-column size: bytes, then `k`/`M` with one decimal or none.
fn size5(n: usize) -> String {
    if n < 100_000 {
        n.to_string()
    } else if n < 1024 * 1024 * 10 {
        format!("{}k", n / 1024)
    } else {
        format!("{}M", n / (1024 * 1024))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn flags() {
        let o = parse(&words("-qO- -T 2 http://web")).unwrap();
        assert!(o.quiet);
        assert_eq!(o.output.as_deref(), Some("-"));
        assert_eq!(o.timeout_ms, Some(2000));
        let o = parse(&words("--spider -q --timeout=1 web")).unwrap();
        assert!(o.spider);
        assert_eq!(o.timeout_ms, Some(1000));
        assert!(parse(&words("--bogus web")).is_err());
    }
}
