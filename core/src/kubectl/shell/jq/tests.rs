//! jq filters on small inputs, with jq 1.7's answers.

use super::jq;

fn run(args: &[&str], input: &str) -> (String, String, i32) {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let out = jq(&args, Some(input), |_| None);
    (out.stdout, out.stderr, out.exit_code)
}

fn stdout(args: &[&str], input: &str) -> String {
    let (out, err, code) = run(args, input);
    assert_eq!((err.as_str(), code), ("", 0), "{args:?}");
    out
}

const PODS: &str = r#"{"items":[{"metadata":{"name":"a","labels":{"app":"web"}},"status":{"phase":"Running"}},{"metadata":{"name":"b"},"status":{"phase":"Pending"}}]}"#;

#[test]
fn paths_and_iteration() {
    assert_eq!(stdout(&["-r", ".items[].metadata.name"], PODS), "a\nb\n");
    assert_eq!(stdout(&[".items | length"], PODS), "2\n");
    assert_eq!(
        stdout(&["-c", ".items[0].metadata"], PODS),
        "{\"labels\":{\"app\":\"web\"},\"name\":\"a\"}\n"
    );
    assert_eq!(stdout(&[".items[1].metadata.labels.app"], PODS), "null\n");
    assert_eq!(stdout(&["-r", ".items[-1].metadata.name"], PODS), "b\n");
    assert_eq!(
        stdout(&["-c", "[.items[].status.phase]"], PODS),
        "[\"Running\",\"Pending\"]\n"
    );
    assert_eq!(
        stdout(&["-c", ".items[:1] | map(.metadata.name)"], PODS),
        "[\"a\"]\n"
    );
    assert_eq!(stdout(&[".", "-c"], "[1, 2]\n[3]"), "[1,2]\n[3]\n");
    assert_eq!(
        stdout(&["."], "{\"a\":[1,{}]}"),
        "{\n  \"a\": [\n    1,\n    {}\n  ]\n}\n"
    );
}

#[test]
fn select_objects_strings_and_interpolation() {
    assert_eq!(
        stdout(
            &[
                "-r",
                r#".items[] | select(.status.phase == "Running") | .metadata.name"#
            ],
            PODS
        ),
        "a\n"
    );
    assert_eq!(
        stdout(
            &[
                "-c",
                ".items[] | {name: .metadata.name, phase: .status.phase}"
            ],
            PODS
        ),
        "{\"name\":\"a\",\"phase\":\"Running\"}\n{\"name\":\"b\",\"phase\":\"Pending\"}\n"
    );
    assert_eq!(
        stdout(
            &["-r", r#".items[] | "\(.metadata.name)=\(.status.phase)""#],
            PODS
        ),
        "a=Running\nb=Pending\n"
    );
    // The cheat sheet's selector line.
    assert_eq!(
        stdout(
            &[
                "-j",
                r#".spec.selector | to_entries | .[] | "\(.key)=\(.value),""#
            ],
            r#"{"spec":{"selector":{"app":"web","tier":"fe"}}}"#
        ),
        "app=web,tier=fe,"
    );
    assert_eq!(
        stdout(&["-c", "paths | join(\".\")"], r#"{"a":{"b":[1,2]}}"#),
        "\"a\"\n\"a.b\"\n\"a.b.0\"\n\"a.b.1\"\n"
    );
    assert_eq!(stdout(&["-r", ".a // \"none\""], "{}"), "none\n");
    assert_eq!(
        stdout(&["-r", ".s | @base64d"], r#"{"s":"aGVsbG8="}"#),
        "hello\n"
    );
    assert_eq!(
        stdout(&["-r", "[.[] | tostring] | join(\",\")"], "[1,\"x\",null]"),
        "1,x,null\n"
    );
    assert_eq!(
        stdout(&["-r", ".[] | @tsv"], "[[\"a\",1],[\"b\",2]]"),
        "a\t1\nb\t2\n"
    );
}

#[test]
fn functions_and_updates() {
    assert_eq!(
        stdout(&["-c", "keys"], r#"{"b":1,"a":2}"#),
        "[\"a\",\"b\"]\n"
    );
    assert_eq!(stdout(&["-c", "map(. * 2) | add"], "[1,2,3]"), "12\n");
    assert_eq!(
        stdout(&["-c", "sort_by(.n) | map(.n)"], r#"[{"n":3},{"n":1}]"#),
        "[1,3]\n"
    );
    assert_eq!(
        stdout(
            &["-c", "group_by(.k) | map(length)"],
            r#"[{"k":1},{"k":2},{"k":1}]"#
        ),
        "[2,1]\n"
    );
    assert_eq!(
        stdout(&["-c", "del(.a.b)"], r#"{"a":{"b":1,"c":2}}"#),
        "{\"a\":{\"c\":2}}\n"
    );
    assert_eq!(
        stdout(&["-c", ".a.b = 5"], r#"{"a":{}}"#),
        "{\"a\":{\"b\":5}}\n"
    );
    assert_eq!(stdout(&["-c", ".n |= . + 1"], r#"{"n":1}"#), "{\"n\":2}\n");
    assert_eq!(
        stdout(&["-c", "with_entries(.value += 1)"], r#"{"a":1}"#),
        "{\"a\":2}\n"
    );
    assert_eq!(
        stdout(
            &["-c", "[.[] | select(test(\"^web-\"))]"],
            r#"["web-1","db-1"]"#
        ),
        "[\"web-1\"]\n"
    );
    assert_eq!(
        stdout(&["-r", "sub(\"-[0-9]+$\"; \"\")"], "\"web-123\""),
        "web\n"
    );
    assert_eq!(
        stdout(
            &[
                "-c",
                "if . > 1 then \"big\" elif . == 1 then \"one\" else \"small\" end"
            ],
            "1"
        ),
        "\"one\"\n"
    );
    assert_eq!(
        stdout(&["-c", "reduce .[] as $x (0; . + $x)"], "[1,2,3]"),
        "6\n"
    );
    assert_eq!(stdout(&["-c", ".[] as $x | $x * 10"], "[1,2]"), "10\n20\n");
    assert_eq!(
        stdout(&["-n", "-c", "--arg", "v", "x", "{v: $v}"], ""),
        "{\"v\":\"x\"}\n"
    );
    assert_eq!(
        stdout(&["-s", "-c", "map(.a)"], "{\"a\":1}\n{\"a\":2}"),
        "[1,2]\n"
    );
    assert_eq!(
        stdout(&["-c", "[.[] | try error(\"x\") catch .]"], "[1]"),
        "[\"x\"]\n"
    );
    assert_eq!(stdout(&["-c", "[.[]?]"], "3"), "[]\n");
}

#[test]
fn errors_are_jqs() {
    let (_, err, code) = run(&[".a.foo"], "{\"a\":[1,2]}\n");
    assert_eq!(
        (err.as_str(), code),
        (
            "jq: error (at <stdin>:1): Cannot index array with \"foo\"\n",
            5
        )
    );
    let (_, err, code) = run(&[".a |"], "{}");
    assert_eq!(code, 3);
    assert!(
        err.starts_with("jq: error: syntax error, unexpected end of file"),
        "{err}"
    );
    assert!(err.ends_with("jq: 1 compile error\n"), "{err}");
    let (_, err, code) = run(&["foo(1)"], "{}");
    assert_eq!(
        (err.as_str(), code),
        (
            "jq: error: foo/1 is not defined at <top-level>, line 1:\nfoo(1)\njq: 1 compile error\n",
            3
        )
    );
    let (out, err, code) = run(&["."], "1\nnope\n");
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        (
            "1\n",
            "jq: parse error: Invalid literal at line 3, column 0\n",
            2
        )
    );
    let (_, err, code) = run(&[".[]"], "5");
    assert_eq!(
        (err.as_str(), code),
        (
            "jq: error (at <stdin>:0): Cannot iterate over number (5)\n",
            5
        )
    );
    assert_eq!(run(&["-e", ".a"], "{}").2, 1);
    assert_eq!(run(&[], "{}").2, 2);
    // Huge allocations are refused, not attempted.
    assert_eq!(run(&[".[1000000000000] = 1"], "[]").2, 5);
    assert_eq!(run(&["\"abc\" * 1e12"], "null").2, 5);
}
