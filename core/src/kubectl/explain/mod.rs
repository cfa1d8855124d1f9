//! `kubectl explain TYPE[.FIELD...]`: the documentation of a kind or of one of its fields,
//! from the OpenAPI schemas the API server publishes.
//!
//! As kubectl v1.35 does it: the first word of the dotted path is the resource; without
//! `--api-version` the first matching resource whose `plural.group` prefixes the input wins
//! (`deployments.apps.spec`), with it the group/version is replaced by the flag's. The kind's
//! schema is then rendered by `render` (the `plaintext` template). Built-in kinds' schemas are
//! the loaded explain data (`api::openapi`, not compiled in); a custom resource's is its CRD's
//! `openAPIV3Schema` as the CRD's OpenAPI builder publishes it (`crd`).

mod crd;
mod render;
mod wrap;

use super::args::{self, Flag, switch, value};
use super::shell::Shell;
use crate::api::Kind;
use crate::cluster::Output;
use crate::sim::Sim;
use crate::store::Store;

pub(crate) const FLAGS: &[Flag] = &[
    value("api-version", None),
    value("output", Some('o')),
    switch("recursive", None),
];

/// What explain says before the host has handed the cluster its OpenAPI data (the page loads
/// it lazily).
pub const NOT_LOADED: &str = "error: explain data is still loading; try again in a moment";

const BAD_PATH: &str = "error: invalid jsonpath syntax, first node must be field node";

pub fn run(words: &[String], _shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let parsed = args::parse(words, FLAGS, "kubectl explain")?;
    let input = match parsed.args.as_slice() {
        [] => {
            return Err("error: You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources.".into());
        }
        [one] => one.as_str(),
        _ => return Err("error: We accept only this format: explain RESOURCE".into()),
    };
    let store = &sim.store;
    let api_version = parsed.get("api-version").filter(|v| !v.is_empty());
    let (kind, fields) = match api_version {
        None => split_with_matching_prefix(store, input)?,
        Some(_) => split(store, input)?,
    };
    let format = parsed.get("output").unwrap_or("plaintext");
    if format == "plaintext-openapiv2" {
        return Err(
            "error: \"kubectl explain --output=plaintext-openapiv2\" is not available in this sandbox yet"
                .into(),
        );
    }
    let (group, version) = match api_version {
        Some(gv) => parse_group_version(gv)?,
        None => (kind.group.to_string(), kind.version.to_string()),
    };
    let gvr = format!("{group}/{version}, Resource={}", kind.plural);
    let Some(openapi) = store.openapi() else {
        return Err(NOT_LOADED.into());
    };
    if !store
        .served_kinds()
        .any(|k| k.group == group && k.version == version)
    {
        return Err(format!("error: couldn't find resource for \"{gvr}\""));
    }
    if format != "plaintext" {
        return Err(format!("error: unrecognized format: {format}"));
    }
    let Some(target) = store
        .served_kinds()
        .find(|k| k.group == group && k.version == version && k.plural == kind.plural)
    else {
        return Err(format!("error: GVR ({gvr}) not found in OpenAPI schema"));
    };
    let request = render::Request {
        group: &group,
        version: &version,
        kind: target.kind,
        fields: &fields,
        recursive: parsed.switch("recursive"),
    };
    let resolve = |name: &str| openapi.schema(name);
    let custom = store
        .crd_of(target)
        .map(|c| crd::schema(c, target, openapi));
    let root = match &custom {
        Some(schema) => Some(schema),
        None => openapi.kind_schema(target.group, target.version, target.kind),
    };
    let rendered = match root {
        Some(root) => render::render(&request, root, &resolve),
        None => render::Rendered {
            out: render::header(&request),
            error: Some(format!(
                "error: GVK map[group:{group} kind:{} version:{version}] not found in OpenAPI schema",
                target.kind
            )),
        },
    };
    Ok(match rendered.error {
        None => Output::ok(rendered.out),
        Some(error) => Output {
            stdout: rendered.out,
            stderr: format!("{error}\n"),
            exit_code: 1,
        },
    })
}

/// One step of a dotted path as kubectl's JSONPath parser reads `{.PATH}`: a field name, or
/// `None` for anything else (an empty step is a recursive descent, `[0]` an index).
fn nodes(path: &str) -> Vec<Option<String>> {
    let path = path.strip_suffix('.').unwrap_or(path);
    let mut out = Vec::new();
    let mut rest = path;
    if let Some(after) = rest.strip_prefix('.') {
        out.push(None);
        rest = after;
    }
    out.extend(rest.split('.').map(|step| {
        (!step.is_empty() && !step.contains(['[', ']', '*', '@', '$', '?', '(', ')']))
            .then(|| step.to_string())
    }));
    out
}

fn field_names(nodes: &[Option<String>], error: &str) -> Result<Vec<String>, String> {
    nodes
        .iter()
        .map(|n| n.clone().ok_or_else(|| error.to_string()))
        .collect()
}

/// Every served resource a name can mean, preferred versions first, as the REST mapper's
/// `ResourcesFor` lists them.
fn resources_for(store: &Store, name: &str) -> Vec<&'static Kind> {
    let lower = name.to_ascii_lowercase();
    let mut found: Vec<&'static Kind> = store.kinds().filter(|k| k.answers_to(&lower)).collect();
    let older: Vec<&'static Kind> = store
        .served_kinds()
        .filter(|k| k.answers_to(&lower) && !found.iter().any(|f| std::ptr::eq(*f, *k)))
        .collect();
    found.extend(older);
    found
}

fn unknown(resource: &str) -> String {
    format!("error: the server doesn't have a resource type \"{resource}\"")
}

/// upstream `SplitAndParseResourceRequestWithMatchingPrefix`.
fn split_with_matching_prefix(
    store: &Store,
    input: &str,
) -> Result<(&'static Kind, Vec<String>), String> {
    let all = nodes(input);
    let Some(Some(resource)) = all.first() else {
        return Err(BAD_PATH.into());
    };
    let kinds = resources_for(store, resource);
    for kind in &kinds {
        if let Some(suffix) = input.strip_prefix(&kind.qualified_resource()) {
            let fields = if suffix.is_empty() {
                Vec::new()
            } else {
                field_names(nodes(suffix).get(1..).unwrap_or_default(), BAD_PATH)?
            };
            return Ok((kind, fields));
        }
    }
    let kind = kinds.first().ok_or_else(|| unknown(resource))?;
    Ok((
        kind,
        field_names(all.get(1..).unwrap_or_default(), BAD_PATH)?,
    ))
}

/// upstream `SplitAndParseResourceRequest` (with `--api-version`).
fn split(store: &Store, input: &str) -> Result<(&'static Kind, Vec<String>), String> {
    let all = nodes(input);
    let Some(Some(resource)) = all.first() else {
        return Err("error: invalid jsonpath syntax, first node must be field node".into());
    };
    let kind = resources_for(store, resource)
        .first()
        .copied()
        .ok_or_else(|| unknown(resource))?;
    let fields = field_names(
        all.get(1..).unwrap_or_default(),
        "error: invalid jsonpath syntax, all nodes must be field nodes",
    )?;
    Ok((kind, fields))
}

/// apimachinery's `ParseGroupVersion`: `v1`, `apps/v1`.
fn parse_group_version(gv: &str) -> Result<(String, String), String> {
    match gv.split('/').collect::<Vec<_>>().as_slice() {
        [version] => Ok((String::new(), version.to_string())),
        [group, version] => Ok((group.to_string(), version.to_string())),
        _ => Err(format!("error: unexpected GroupVersion string: {gv}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_as_jsonpath_steps() {
        let f = |s: &str| Some(s.to_string());
        assert_eq!(nodes("pods.spec"), vec![f("pods"), f("spec")]);
        assert_eq!(nodes("pods.spec."), vec![f("pods"), f("spec")]);
        assert_eq!(nodes(".spec"), vec![None, f("spec")]);
        assert_eq!(nodes("pods..spec"), vec![f("pods"), None, f("spec")]);
        assert_eq!(nodes("pods.spec[0]"), vec![f("pods"), None]);
    }

    #[test]
    fn group_versions() {
        assert_eq!(
            parse_group_version("v1"),
            Ok((String::new(), "v1".to_string()))
        );
        assert_eq!(
            parse_group_version("apps/v1"),
            Ok(("apps".to_string(), "v1".to_string()))
        );
        assert_eq!(
            parse_group_version("a/b/c"),
            Err("error: unexpected GroupVersion string: a/b/c".to_string())
        );
    }
}
