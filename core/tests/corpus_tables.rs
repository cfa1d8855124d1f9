//! Table tests from the shared corpus (`shared/corpus/{names,quantities,selectors}.tsv`, rows
//! taken from apimachinery's own tests): every row of an API we offer must behave as upstream
//! says. Each test prints how many rows it ran; a row for an API we do not offer would be
//! skipped by name with the reason, and counted.
//!
//! The corpus lives beside the repository (`../shared/corpus` from its root); from a worktree
//! it is found by looking in the parent folders.

// A failing row panics with its line number: that is how this test reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kubeplay_core::api::fields;
use kubeplay_core::api::labels::{self, Operator, Requirement, Selector};
use kubeplay_core::api::quantity::{self, Format, Quantity};
use kubeplay_core::api::validation::field::{ErrorList, Path as FieldPath};
use kubeplay_core::api::validation::{labels as label_checks, names};
use serde_json::{Map, Value};

fn corpus_dir() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let direct = manifest.join("../../shared/corpus");
    if direct.is_dir() {
        return direct;
    }
    manifest
        .ancestors()
        .map(|a| a.join("shared/corpus"))
        .find(|p| p.is_dir())
        .unwrap_or(direct)
}

type Row = BTreeMap<String, String>;

/// The rows of a TSV file as column → cell, with the line number for messages.
fn rows(file: &str) -> Vec<(usize, Row)> {
    let path = corpus_dir().join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    lines
        .enumerate()
        .map(|(i, line)| {
            let cells = line.split('\t').map(str::to_string);
            (
                i + 2,
                header.iter().map(|h| h.to_string()).zip(cells).collect(),
            )
        })
        .collect()
}

fn cell<'a>(row: &'a Row, col: &str) -> &'a str {
    row.get(col).map(String::as_str).unwrap_or("")
}

/// A `_json` cell decoded (`Null` when empty).
fn json(row: &Row, col: &str) -> Value {
    let c = cell(row, col);
    if c.is_empty() {
        return Value::Null;
    }
    serde_json::from_str(c).unwrap_or_else(|e| panic!("bad JSON in {col}: {c}: {e}"))
}

fn json_str(row: &Row, col: &str) -> String {
    json(row, col).as_str().unwrap_or_default().to_string()
}

fn bool_cell(row: &Row, col: &str) -> Option<bool> {
    match cell(row, col) {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// Counts what ran and what was skipped (with the reason), for the summary line.
#[derive(Default)]
struct Tally {
    ran: usize,
    skipped: BTreeMap<String, usize>,
}

impl Tally {
    fn report(&self, file: &str) {
        println!("{file}: {} rows ran, skipped: {:?}", self.ran, self.skipped);
        assert!(self.ran > 0, "no rows of {file} ran");
    }
}

fn field_errors_text(errs: &ErrorList) -> String {
    errs.iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

#[test]
fn names() {
    let mut tally = Tally::default();
    for (line, row) in rows("names.tsv") {
        let validator = cell(&row, "validator");
        let value = json(&row, "value_json");
        let s = value.as_str().unwrap_or_default();
        let path = FieldPath::new("field");
        let messages: Vec<String> = match validator {
            "IsDNS1123Label" => names::is_dns1123_label(s),
            "IsDNS1123Subdomain" => names::is_dns1123_subdomain(s),
            "IsDNS1123SubdomainWithUnderscore" => names::is_dns1123_subdomain_with_underscore(s),
            "IsDNS1035Label" => names::is_dns1035_label(s),
            "IsWildcardDNS1123Subdomain" => names::is_wildcard_dns1123_subdomain(s),
            "IsValidPortName" => names::is_valid_port_name(s),
            "IsQualifiedName" => label_checks::is_label_key(s),
            "IsValidLabelValue" => label_checks::is_label_value(s),
            "IsHTTPHeaderName" => names::is_http_header_name(s),
            "IsValidPercent" => names::is_valid_percent(s),
            "IsConfigMapKey" => names::is_config_map_key(s),
            "IsRelaxedEnvVarName" => names::is_relaxed_env_var_name(s),
            "IsValidPortNum" => names::is_valid_port_num(value.as_i64().unwrap_or_default()),
            "IsValidGroupID" => names::is_valid_group_id(value.as_i64().unwrap_or_default()),
            "IsValidUserID" => names::is_valid_user_id(value.as_i64().unwrap_or_default()),
            "IsInRange" => {
                let n: Vec<i64> = value
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_i64).collect())
                    .unwrap_or_default();
                names::is_in_range(n[0], n[1], n[2])
            }
            "IsFullyQualifiedDomainName"
            | "IsFullyQualifiedName"
            | "IsDomainPrefixedPath"
            | "IsDomainPrefixedKey" => {
                let errs = match validator {
                    "IsFullyQualifiedDomainName" => names::is_fully_qualified_domain_name(&path, s),
                    "IsFullyQualifiedName" => names::is_fully_qualified_name(&path, s),
                    "IsDomainPrefixedPath" => names::is_domain_prefixed_path(&path, s),
                    _ => names::is_domain_prefixed_key(&path, s),
                };
                if errs.is_empty() {
                    Vec::new()
                } else {
                    vec![field_errors_text(&errs)]
                }
            }
            other => {
                *tally
                    .skipped
                    .entry(format!("{other}: not offered"))
                    .or_default() += 1;
                continue;
            }
        };
        let valid = bool_cell(&row, "valid").unwrap_or(true);
        assert_eq!(
            messages.is_empty(),
            valid,
            "names.tsv:{line} {validator}({value}) gave {messages:?}"
        );
        // Notes name the error a row expects.
        let note = cell(&row, "note");
        let all = messages.join("\n");
        if let Some(expected) = note.split("error contains: ").nth(1) {
            assert!(
                all.contains(expected),
                "names.tsv:{line}: {all:?} lacks {expected:?}"
            );
        }
        if let Some(expected) = note.split("field.Invalid: ").nth(1) {
            assert!(
                all.contains(expected),
                "names.tsv:{line}: {all:?} lacks {expected:?}"
            );
        }
        if note.contains("MaxLenError") {
            assert!(
                all.contains("must be no more than"),
                "names.tsv:{line}: {all:?}"
            );
        }
        if note.contains("RegexError") {
            assert!(
                all.contains("regex used for validation is"),
                "names.tsv:{line}: {all:?}"
            );
        }
        tally.ran += 1;
    }
    tally.report("names.tsv");
}

/// A plain decimal (`-0.000004`, `53687091.2`) as mantissa and scale.
fn decimal(s: &str) -> (i128, i32) {
    let (neg, s) = s.strip_prefix('-').map_or((false, s), |r| (true, r));
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let m: i128 = format!("{int}{frac}").parse().unwrap_or_default();
    (if neg { -m } else { m }, -(frac.len() as i32))
}

fn format_named(name: &str) -> Format {
    match name {
        "BinarySI" => Format::BinarySI,
        "DecimalSI" => Format::DecimalSI,
        // Upstream prints an unknown format as a decimal exponent.
        _ => Format::DecimalExponent,
    }
}

/// The numbers inside `Name(a, b)` of an `other` note.
fn call_args<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
    text.split(&format!("{name}("))
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .map(|args| args.split(',').map(str::trim).collect())
        .unwrap_or_default()
}

fn q(s: &str) -> Quantity {
    Quantity::parse(s).unwrap_or_else(|e| panic!("{s:?} should parse: {e}"))
}

#[test]
fn quantities() {
    let mut tally = Tally::default();
    for (line, row) in rows("quantities.tsv") {
        let at = format!("quantities.tsv:{line}");
        let api = cell(&row, "api");
        let test = cell(&row, "test");
        let input = json_str(&row, "input_json");
        let canonical = cell(&row, "canonical");
        let other = cell(&row, "other");
        let valid = bool_cell(&row, "valid");
        match (api, test) {
            ("parseQuantityString (internal)", _) => {
                let parts = quantity::split(&input).unwrap_or_else(|e| panic!("{at}: {e}"));
                let expected: Value =
                    serde_json::from_str(other.split("-> ").nth(1).unwrap_or("{}")).unwrap();
                let got = serde_json::json!({
                    "positive": parts.positive.to_string(), "value": parts.value,
                    "num": parts.num, "denom": parts.denom, "suffix": parts.suffix,
                });
                assert_eq!(got, expected, "{at}");
            }
            ("MustParse", _) => {
                let x = q(&input);
                if !canonical.is_empty() {
                    // After arithmetic (`Add(0)`), the canonical form prints.
                    assert_eq!(x.canonical(), canonical, "{at}");
                }
                if let Some(rest) = other.strip_prefix("Cmp(") {
                    let (arg, result) = rest.split_once(")=").unwrap_or_default();
                    let want: i32 = result.parse().unwrap();
                    assert_eq!(x.cmp(&q(arg)) as i32, want, "{at}");
                }
            }
            ("ParseQuantity", "TestQuantityParse") => {
                let parsed = Quantity::parse(&input);
                if valid == Some(false) {
                    assert!(parsed.is_err(), "{at}: {input:?} should not parse");
                } else {
                    let x = parsed.unwrap_or_else(|e| panic!("{at}: {e}"));
                    let (m, s) = decimal(cell(&row, "value_exact"));
                    let exact = Quantity::new(m, s, Format::DecimalSI);
                    assert_eq!(x, exact, "{at}: {input} is {}", x.exact_decimal());
                    assert_eq!(x.format().as_str(), cell(&row, "format"), "{at}");
                    let neg = q(&format!("-{input}"));
                    let mut negated = exact.clone();
                    negated.neg();
                    assert_eq!(neg, negated, "{at}: -{input}");
                    assert_eq!(neg.format(), x.format(), "{at}");
                    let plus = q(&format!("+{input}"));
                    assert_eq!((plus.format(), plus == exact), (x.format(), true), "{at}");
                }
            }
            ("ParseQuantity", "TestQuantityRoundUp") => {
                // RoundUp(scale=-3) -> value 9.01, ok=true
                let scale: i32 = other
                    .split("scale=")
                    .nth(1)
                    .and_then(|r| r.split(')').next())
                    .unwrap()
                    .parse()
                    .unwrap();
                let value = other
                    .split("value ")
                    .nth(1)
                    .and_then(|r| r.split(',').next())
                    .unwrap();
                let ok = other.ends_with("ok=true");
                let mut x = q(&input);
                assert_eq!(x.round_up(scale), ok, "{at}");
                let (m, s) = decimal(value);
                assert_eq!(
                    x,
                    Quantity::new(m, s, Format::DecimalSI),
                    "{at}: {}",
                    x.exact_decimal()
                );
            }
            ("ParseQuantity", "TestQuantityString") => {
                if other.starts_with("alternate spelling") {
                    assert_eq!(q(&input).to_string(), canonical, "{at}");
                } else {
                    let (m, s) = decimal(cell(&row, "value_exact"));
                    let built = Quantity::new(m, s, format_named(cell(&row, "format")));
                    assert_eq!(built.to_string(), canonical, "{at}");
                    assert_eq!(q(canonical).to_string(), canonical, "{at}: kept verbatim");
                    if m != 0 {
                        let mut negated = built.clone();
                        negated.neg();
                        assert_eq!(negated.to_string(), format!("-{canonical}"), "{at}");
                    }
                }
            }
            ("ParseQuantity", "TestQuantityParseEmit") => {
                assert_eq!(q(&input).to_string(), canonical, "{at}");
                assert_eq!(
                    q(&format!("-{input}")).to_string(),
                    format!("-{canonical}"),
                    "{at}"
                );
            }
            (
                "ParseQuantity",
                "TestStringQuantityAsApproximateFloat64" | "TestStringQuantityAsFloat64Slow",
            ) => {
                let want: f64 = other.split("== ").nth(1).unwrap().parse().unwrap();
                let got = q(&input).as_approximate_f64();
                assert!(
                    (got - want).abs() <= want.abs() * 1e-12,
                    "{at}: {got} != {want}"
                );
            }
            ("json.Unmarshal", _) => {
                // The cell is raw JSON text: a quoted string (trimmed) or a bare number.
                let text = input.trim_matches('"').trim().to_string();
                assert_eq!(q(&text).to_string(), canonical, "{at}");
            }
            ("NewMilliQuantity", _) => {
                let args = call_args(other, "NewMilliQuantity");
                let built = Quantity::new(args[0].parse().unwrap(), -3, format_named(args[1]));
                assert_eq!(built.to_string(), canonical, "{at}");
                if let Ok(milli) = cell(&row, "milli_value").parse::<i128>() {
                    assert_eq!(q(canonical).milli_value(), milli, "{at}");
                }
            }
            ("NewQuantity", _) => {
                let args = call_args(other, "NewQuantity");
                let value: i128 = args[0].parse().unwrap();
                let built = Quantity::new(value, 0, format_named(args[1]));
                assert_eq!(built.to_string(), canonical, "{at}");
                assert_eq!(q(canonical).value(), value, "{at}");
            }
            ("NewScaledQuantity", _) => {
                let args = call_args(other, "NewScaledQuantity");
                let value: i128 = args[0].parse().unwrap();
                let scale: i32 = args[1].trim_start_matches("scale ").parse().unwrap();
                let built = Quantity::new(value, scale, Format::DecimalSI);
                assert_eq!(built.to_string(), canonical, "{at}");
                assert_eq!(q(canonical).scaled_value(scale), value, "{at}");
            }
            (other_api, _) => {
                *tally
                    .skipped
                    .entry(format!("{other_api}: not offered"))
                    .or_default() += 1;
                continue;
            }
        }
        tally.ran += 1;
    }
    tally.report("quantities.tsv");
}

/// A `[[key, op, values]...]` cell as requirements, built with `NewRequirement`.
fn requirements(v: &Value) -> Result<Vec<Requirement>, ErrorList> {
    let mut out = Vec::new();
    for r in v.as_array().into_iter().flatten() {
        let key = r[0].as_str().unwrap_or_default();
        let values: Vec<String> = r[2]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|v| v.as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default();
        let op = Operator::parse(r[1].as_str().unwrap_or_default(), &FieldPath::none())
            .map_err(|e| vec![e])?;
        out.push(Requirement::new(key, op, values, &FieldPath::none())?);
    }
    Ok(out)
}

fn requirement_list(reqs: &[Requirement]) -> Value {
    Value::from(
        reqs.iter()
            .map(|r| serde_json::json!([r.key, r.operator.as_str(), r.values]))
            .collect::<Vec<_>>(),
    )
}

fn object(v: &Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

/// The `'field'` an error note names (`error ErrorTypeInvalid at field 'values'`).
fn noted_field(note: &str) -> Option<&str> {
    let rest = note
        .split(" at field '")
        .nth(1)
        .or_else(|| note.split(" at '").nth(1))?;
    rest.split('\'').next()
}

#[test]
fn selectors() {
    let mut tally = Tally::default();
    for (line, row) in rows("selectors.tsv") {
        let at = format!("selectors.tsv:{line}");
        let (kind, api) = (cell(&row, "kind"), cell(&row, "api"));
        let selector = json(&row, "selector_json");
        let text = selector.as_str().unwrap_or_default();
        let should_parse = bool_cell(&row, "should_parse");
        let label_set = json(&row, "labels_json");
        let expect_match = bool_cell(&row, "expect_match");
        let expected = json(&row, "expected_string_json");
        let reqs = json(&row, "requirements_json");
        let note = cell(&row, "note");
        match (kind, api) {
            ("label", "Parse" | "Parse+Matches" | "Parse+MatchesNothing") => {
                let parsed = labels::parse(text);
                if should_parse == Some(false) {
                    assert!(parsed.is_err(), "{at}: {text:?} should not parse");
                } else {
                    let sel = parsed.unwrap_or_else(|e| panic!("{at}: {e}"));
                    if let Some(s) = expected.as_str() {
                        assert_eq!(sel.to_string(), s, "{at}");
                    }
                    if !reqs.is_null() {
                        assert_eq!(requirement_list(&sel.requirements), reqs, "{at}");
                    }
                    if let Some(m) = expect_match {
                        assert_eq!(sel.matches_labels(Some(&object(&label_set))), m, "{at}");
                    }
                    if api == "Parse+MatchesNothing" {
                        assert!(!sel.matches_nothing(), "{at}");
                    }
                    if note.contains("TestDeterministicParse") {
                        let reversed: Vec<&str> = text.split(',').rev().collect();
                        let other = labels::parse(&reversed.join(",")).unwrap();
                        assert_eq!(sel.to_string(), other.to_string(), "{at}");
                    }
                }
            }
            ("label", "NewRequirement") => {
                let built = requirements(&Value::from(vec![reqs.clone()]));
                match should_parse {
                    Some(false) => {
                        let errs = built.err().unwrap_or_else(|| panic!("{at}: should fail"));
                        if let Some(field) = noted_field(note) {
                            assert!(
                                errs.iter().any(|e| e.field == field),
                                "{at}: {}",
                                field_errors_text(&errs)
                            );
                        }
                    }
                    _ => assert!(built.is_ok(), "{at}: {:?}", built.err()),
                }
            }
            (
                "label",
                "internalSelector.String" | "internalSelector.Matches" | "RequiresExactMatch",
            ) => {
                let sel = Selector::from_requirements(
                    requirements(&reqs).unwrap_or_else(|e| panic!("{at}: {e:?}")),
                );
                if let Some(s) = expected.as_str() {
                    assert_eq!(sel.to_string(), s, "{at}");
                }
                if let Some(m) = expect_match {
                    assert_eq!(sel.matches_labels(Some(&object(&label_set))), m, "{at}");
                }
                if api == "RequiresExactMatch" {
                    // label='key' -> found=true value='value'
                    let label = note
                        .split("label='")
                        .nth(1)
                        .and_then(|r| r.split('\'').next())
                        .unwrap();
                    let value = note
                        .split("value='")
                        .nth(1)
                        .and_then(|r| r.split('\'').next())
                        .unwrap();
                    let found = note.contains("found=true");
                    assert_eq!(
                        sel.requires_exact_match(label),
                        found.then_some(value),
                        "{at}"
                    );
                }
            }
            ("label", "ValidatedSetSelector(set).String" | "Set.String") => {
                assert_eq!(
                    labels::set_string(&object(&selector)),
                    expected.as_str().unwrap_or_default(),
                    "{at}"
                );
            }
            ("label", "ValidatedSelectorFromSet") => {
                let built = Selector::validated_from_set(&object(&selector));
                match should_parse {
                    Some(false) => {
                        let errs = built.err().unwrap_or_else(|| panic!("{at}: should fail"));
                        let field = noted_field(note).unwrap_or_default();
                        assert!(
                            errs.iter().any(|e| e.field == field),
                            "{at}: {}",
                            field_errors_text(&errs)
                        );
                    }
                    _ => {
                        let sel = built.unwrap_or_else(|e| panic!("{at}: {e:?}"));
                        assert_eq!(requirement_list(&sel.requirements), reqs, "{at}");
                    }
                }
            }
            ("label", "SelectorFromSet+MatchesNothing") => {
                assert!(
                    !Selector::from_set(&object(&selector)).matches_nothing(),
                    "{at}"
                );
            }
            ("label", "ConvertSelectorToLabelsMap") => {
                let converted = labels::convert_selector_to_labels_map(text);
                assert_eq!(
                    converted.is_ok(),
                    should_parse == Some(true),
                    "{at}: {converted:?}"
                );
                if let Ok(map) = converted {
                    assert_eq!(Value::Object(map), label_set, "{at}");
                }
            }
            ("field", "splitTerms (internal)") => {
                let want: Vec<String> =
                    serde_json::from_value(expected.clone()).unwrap_or_default();
                assert_eq!(fields::split_terms(text), want, "{at}");
            }
            ("field", "splitTerm (internal)") => {
                let want: Vec<String> = serde_json::from_value(expected.clone()).unwrap();
                let got = fields::split_term(text);
                assert_eq!(got.is_some(), should_parse == Some(true), "{at}");
                let (l, o, r) = got.unwrap_or(("", "", ""));
                assert_eq!(vec![l, o, r], want, "{at}");
            }
            ("field", "EscapeValue") => {
                let escaped = expected.as_str().unwrap_or_default();
                assert_eq!(fields::escape_value(text), escaped, "{at}");
                assert_eq!(fields::unescape_value(escaped).as_deref(), Ok(text), "{at}");
            }
            ("field", "UnescapeValue") => {
                assert!(fields::unescape_value(text).is_err(), "{at}");
            }
            ("field", "ParseSelector" | "ParseSelector+Matches") => {
                let parsed = fields::parse(text);
                if should_parse == Some(false) {
                    assert!(parsed.is_err(), "{at}: {text:?} should not parse");
                } else {
                    let sel = parsed.unwrap_or_else(|e| panic!("{at}: {e}"));
                    if let Some(s) = expected.as_str() {
                        assert_eq!(sel.to_string(), s, "{at}");
                    }
                    if let Some(m) = expect_match {
                        let set = object(&label_set);
                        let get = |f: &str| set.get(f).and_then(Value::as_str).map(str::to_string);
                        assert_eq!(sel.matches(get), m, "{at}");
                    }
                }
            }
            ("field", "SelectorFromSet+Matches" | "Set.String") => {
                let set = object(&selector);
                let pairs: Vec<(&str, &str)> = set
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str().unwrap_or_default()))
                    .collect();
                if let Some(s) = expected.as_str() {
                    assert_eq!(fields::set_string(&pairs), s, "{at}");
                }
                if let Some(m) = expect_match {
                    let labels = object(&label_set);
                    let get = |f: &str| labels.get(f).and_then(Value::as_str).map(str::to_string);
                    assert_eq!(fields::Selector::from_set(&pairs).matches(get), m, "{at}");
                }
            }
            (k, a) => {
                *tally
                    .skipped
                    .entry(format!("{k} {a}: not offered"))
                    .or_default() += 1;
                continue;
            }
        }
        tally.ran += 1;
    }
    tally.report("selectors.tsv");
}
