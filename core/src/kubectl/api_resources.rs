//! `kubectl api-resources` and `kubectl api-versions`: discovery, as the API server serves it
//! — the built-in kinds in their preferred versions plus those of established CRDs.
//!
//! api-resources sorts by group, then name (`--sort-by=name|kind` sorts by that, then name),
//! and filters by `--namespaced`, `--api-group`, `--verbs` and `--categories` (a resource must
//! have every verb and category asked for). api-versions lists every served group/version,
//! sorted as strings.

use std::collections::BTreeSet;

use super::args::{self, Flag, switch, value};
use super::printers::table;
use super::shell::Shell;
use crate::api::Kind;
use crate::cluster::Output;
use crate::sim::Sim;

pub(crate) const FLAGS: &[Flag] = &[
    value("api-group", None),
    switch("cached", None),
    value("categories", None),
    switch("namespaced", None),
    switch("no-headers", None),
    value("output", Some('o')),
    switch("show-managed-fields", None),
    value("sort-by", None),
    value("verbs", None),
];

pub fn run(words: &[String], _shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let parsed = args::parse(words, FLAGS, "kubectl api-resources")?;
    if let Some(extra) = parsed.args.first() {
        return Err(format!(
            "error: unexpected arguments: [{extra}]\nSee 'kubectl api-resources -h' for help and examples"
        ));
    }
    let output = parsed.get("output").unwrap_or("");
    if !matches!(output, "" | "wide" | "name") {
        if matches!(output, "json" | "yaml" | "kyaml") {
            return Err(format!(
                "error: \"kubectl api-resources -o {output}\" is not available in this sandbox yet"
            ));
        }
        return Err(format!(
            "error: unable to match a printer suitable for the output format \"{output}\", allowed formats are: json,kyaml,name,wide,yaml"
        ));
    }
    let sort_by = parsed.get("sort-by").unwrap_or("");
    if !matches!(sort_by, "" | "name" | "kind") {
        return Err("error: --sort-by accepts only name or kind".into());
    }
    let list = |flag: &str| -> Vec<String> {
        parsed
            .all(flag)
            .iter()
            .flat_map(|v| v.split(','))
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect()
    };
    let (verbs, categories) = (list("verbs"), list("categories"));
    let namespaced = parsed
        .is_set("namespaced")
        .then(|| parsed.switch("namespaced"));
    let group = parsed.get("api-group");
    let mut kinds: Vec<&'static Kind> = sim
        .store
        .kinds()
        .filter(|k| namespaced.is_none_or(|n| k.namespaced == n))
        .filter(|k| group.is_none_or(|g| k.group == g))
        .filter(|k| verbs.iter().all(|v| k.verbs.contains(&v.as_str())))
        .filter(|k| {
            categories
                .iter()
                .all(|c| k.categories.contains(&c.as_str()))
        })
        .collect();
    kinds.sort_by(|a, b| {
        let key = |k: &Kind| match sort_by {
            "name" => k.plural,
            "kind" => k.kind,
            _ => k.group,
        };
        key(a).cmp(key(b)).then(a.plural.cmp(b.plural))
    });
    if output == "name" {
        let names: String = kinds
            .iter()
            .map(|k| format!("{}\n", k.qualified_resource()))
            .collect();
        return Ok(Output::ok(names));
    }
    let wide = output == "wide";
    let mut lines: Vec<Vec<String>> = Vec::new();
    if !parsed.switch("no-headers") {
        let mut header: Vec<String> = ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
            .iter()
            .map(|h| h.to_string())
            .collect();
        if wide {
            header.extend(["VERBS".to_string(), "CATEGORIES".to_string()]);
        }
        lines.push(header);
    }
    for k in kinds {
        let mut row = vec![
            k.plural.to_string(),
            k.short_names.join(","),
            k.api_version(),
            k.namespaced.to_string(),
            k.kind.to_string(),
        ];
        if wide {
            row.push(k.verbs.join(","));
            row.push(k.categories.join(","));
        }
        lines.push(row);
    }
    Ok(Output::ok(table::align(&lines)))
}

pub fn versions(words: &[String], _shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let parsed = args::parse(words, &[], "kubectl api-versions")?;
    if let Some(extra) = parsed.args.first() {
        return Err(format!(
            "error: unexpected arguments: [{extra}]\nSee 'kubectl api-versions -h' for help and examples"
        ));
    }
    let versions: BTreeSet<String> = sim.store.served_kinds().map(Kind::api_version).collect();
    Ok(Output::ok(
        versions
            .into_iter()
            .map(|v| format!("{v}\n"))
            .collect::<String>(),
    ))
}
