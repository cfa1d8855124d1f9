//! What a check tests, said in a few words in English or Korean, for the exercise report when
//! the lesson's writer gave no `description`.

use super::checks::{CheckKind, Compare, CountCompare, Expect, RequestFrom, Scope};

/// A short description of `check` in `lang` (`"ko"`, else English).
pub fn describe_in(check: &CheckKind, lang: &str) -> String {
    let ko = lang == "ko";
    match check {
        CheckKind::Object {
            target,
            absent: true,
            ..
        } => {
            if ko {
                format!("{target} 없음")
            } else {
                format!("{target} does not exist")
            }
        }
        CheckKind::Object {
            target,
            value: None,
            ..
        } => {
            if ko {
                format!("{target} 있음")
            } else {
                format!("{target} exists")
            }
        }
        CheckKind::Object {
            target,
            value: Some((path, c)),
            ..
        } => format!("{target} {}", compare(path, c, ko)),
        CheckKind::List {
            resource,
            scope: s,
            jsonpath,
            compare: c,
        } => format!("{resource}{} {}", scope(s, ko), compare(jsonpath, c, ko)),
        CheckKind::Count {
            resource,
            scope: s,
            status,
            ready,
            compare: c,
        } => {
            let mut what = resource.clone();
            if let Some(st) = status {
                what.push_str(&format!(" {st}"));
            }
            match (ready, ko) {
                (Some(true), false) => what.push_str(" ready"),
                (Some(false), false) => what.push_str(" not ready"),
                (Some(true), true) => what.push_str(" 준비됨"),
                (Some(false), true) => what.push_str(" 준비 안 됨"),
                (None, _) => {}
            }
            if ko {
                format!("{what}{} {}", scope(s, ko), count(c, ko))
            } else {
                format!("{} {what}{}", count(c, ko), scope(s, ko))
            }
        }
        CheckKind::Request {
            from,
            to,
            expect,
            body_contains,
        } => {
            let body = body_contains.as_ref();
            if ko {
                let from = match from {
                    RequestFrom::Outside => "클러스터 밖".to_string(),
                    RequestFrom::Object(o) => o.to_string(),
                };
                let outcome = match expect {
                    Expect::Answered => "응답받음",
                    Expect::Refused => "연결 거부됨",
                    Expect::Timeout => "시간 초과",
                };
                let body = body.map_or(String::new(), |b| format!(" (본문에 {b:?} 포함)"));
                format!("{from}에서 {to}(으)로 보낸 요청이 {outcome}{body}")
            } else {
                let from = match from {
                    RequestFrom::Outside => "outside the cluster".to_string(),
                    RequestFrom::Object(o) => o.to_string(),
                };
                let outcome = match expect {
                    Expect::Answered => "is answered",
                    Expect::Refused => "is refused",
                    Expect::Timeout => "times out",
                };
                let body = body.map_or(String::new(), |b| format!(" with {b:?} in the body"));
                format!("a request from {from} to {to} {outcome}{body}")
            }
        }
        CheckKind::Event { reason, object, .. } => match (object, ko) {
            (Some(o), false) => format!("a {reason} event about {o}"),
            (None, false) => format!("a {reason} event"),
            (Some(o), true) => format!("{o}에 대한 {reason} 이벤트"),
            (None, true) => format!("{reason} 이벤트"),
        },
        CheckKind::Kubectl {
            words,
            compare: c,
            exit_code,
        } => {
            let command = format!("kubectl {}", words.join(" "));
            let mut text = match (c, ko) {
                (Some(Compare::Equals(s)), false) => format!("`{command}` prints {s:?}"),
                (Some(Compare::Matches(s)), false) => format!("`{command}` output matches /{s}/"),
                (Some(Compare::Contains(s)), false) => format!("`{command}` output contains {s:?}"),
                (Some(Compare::Equals(s)), true) => format!("`{command}` 출력이 {s:?}"),
                (Some(Compare::Matches(s)), true) => {
                    format!("`{command}` 출력이 /{s}/ 패턴과 일치")
                }
                (Some(Compare::Contains(s)), true) => format!("`{command}` 출력에 {s:?} 포함"),
                (None, _) => format!("`{command}`"),
            };
            if let Some(code) = exit_code {
                text.push_str(&if ko {
                    format!(", 종료 코드 {code}")
                } else {
                    format!(", exit code {code}")
                });
            }
            text
        }
    }
}

/// `{.spec.replicas} is "3"`.
fn compare(path: &str, c: &Compare, ko: bool) -> String {
    match (c, ko) {
        (Compare::Equals(s), false) => format!("{path} is {s:?}"),
        (Compare::Matches(s), false) => format!("{path} matches /{s}/"),
        (Compare::Contains(s), false) => format!("{path} contains {s:?}"),
        (Compare::Equals(s), true) => format!("{path} 값이 {s:?}"),
        (Compare::Matches(s), true) => format!("{path} 값이 /{s}/ 패턴과 일치"),
        (Compare::Contains(s), true) => format!("{path} 값에 {s:?} 포함"),
    }
}

/// ` with app=web in dev`.
fn scope(s: &Scope, ko: bool) -> String {
    let mut parts = Vec::new();
    parts.extend(s.selector.clone());
    parts.extend(s.field_selector.clone());
    let place = if s.all_namespaces {
        Some(if ko {
            "모든 네임스페이스".into()
        } else {
            "all namespaces".into()
        })
    } else if s.namespace != "default" {
        Some(if ko {
            format!("{} 네임스페이스", s.namespace)
        } else {
            format!("namespace {}", s.namespace)
        })
    } else {
        None
    };
    match (parts.is_empty(), place, ko) {
        (true, None, _) => String::new(),
        (_, place, true) => {
            parts.extend(place);
            format!(" ({})", parts.join(", "))
        }
        (_, place, false) => {
            let mut text = String::new();
            if !parts.is_empty() {
                text.push_str(&format!(" with {}", parts.join(", ")));
            }
            if let Some(p) = place {
                text.push_str(&format!(" in {p}"));
            }
            text
        }
    }
}

/// `3`, `at least 2`, `2개 이상`.
fn count(c: &CountCompare, ko: bool) -> String {
    let mut want = Vec::new();
    if let Some(e) = c.equals {
        want.push(if ko { format!("{e}개") } else { e.to_string() });
    }
    if let Some(lo) = c.at_least {
        want.push(if ko {
            format!("{lo}개 이상")
        } else {
            format!("at least {lo}")
        });
    }
    if let Some(hi) = c.at_most {
        want.push(if ko {
            format!("{hi}개 이하")
        } else {
            format!("at most {hi}")
        });
    }
    want.join(if ko { ", " } else { " and " })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::parse_exercises;

    #[test]
    fn both_languages() {
        let yaml = r#"
- id: e
  solution: ""
  checks:
    - {object: deployment/web, jsonpath: '{.spec.replicas}', equals: 3}
    - {object: pod/dev/a, absent: true}
    - {count: pods, selector: app=web, status: Running, ready: true, at_least: 2, namespace: dev}
    - {list: services, all_namespaces: true, jsonpath: '{.items[*].metadata.name}', contains: dns}
    - {request: {from: outside, to: 'http://172.18.0.2:30080'}, expect: answered, body_contains: hi}
    - {request: {from: pod/a, to: 'db:5432'}, expect: refused}
    - {event: {reason: Killing, object: pod/a}}
    - {kubectl: config current-context, equals: kind-kubeplay}
    - {kubectl: auth can-i get pods --as bob, exit_code: 1}
"#;
        let checks = parse_exercises(yaml).unwrap().remove(0).checks;
        let described: Vec<(String, String)> = checks
            .iter()
            .map(|c| (describe_in(&c.kind, "en"), describe_in(&c.kind, "ko")))
            .collect();
        let want = [
            (
                "deployment/web {.spec.replicas} is \"3\"",
                "deployment/web {.spec.replicas} 값이 \"3\"",
            ),
            ("pod/dev/a does not exist", "pod/dev/a 없음"),
            (
                "at least 2 pods Running ready with app=web in namespace dev",
                "pods Running 준비됨 (app=web, dev 네임스페이스) 2개 이상",
            ),
            (
                "services in all namespaces {.items[*].metadata.name} contains \"dns\"",
                "services (모든 네임스페이스) {.items[*].metadata.name} 값에 \"dns\" 포함",
            ),
            (
                "a request from outside the cluster to http://172.18.0.2:30080 is answered with \"hi\" in the body",
                "클러스터 밖에서 http://172.18.0.2:30080(으)로 보낸 요청이 응답받음 (본문에 \"hi\" 포함)",
            ),
            (
                "a request from pod/a to db:5432 is refused",
                "pod/a에서 db:5432(으)로 보낸 요청이 연결 거부됨",
            ),
            ("a Killing event about pod/a", "pod/a에 대한 Killing 이벤트"),
            (
                "`kubectl config current-context` prints \"kind-kubeplay\"",
                "`kubectl config current-context` 출력이 \"kind-kubeplay\"",
            ),
            (
                "`kubectl auth can-i get pods --as bob`, exit code 1",
                "`kubectl auth can-i get pods --as bob`, 종료 코드 1",
            ),
        ];
        for ((en, ko), (want_en, want_ko)) in described.iter().zip(want) {
            assert_eq!((en.as_str(), ko.as_str()), (want_en, want_ko));
        }
    }
}
