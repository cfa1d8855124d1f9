//! `ls` and `rm` over the shell's in-memory file system: a flat map from paths to contents
//! (what `cat > f`, `> f` redirections, the page's editor and `cluster-info dump
//! --output-directory` write), where a directory is any path prefix ending in `/`.

use std::collections::{BTreeMap, BTreeSet};

use crate::cluster::Output;

/// Whether `path` is a directory: some file lies under it.
fn is_dir(files: &BTreeMap<String, String>, path: &str) -> bool {
    let prefix = format!("{}/", path.trim_end_matches('/'));
    files.keys().any(|k| k.starts_with(&prefix))
}

/// The names directly under `dir` ("" is the working directory), directories included once.
fn entries(files: &BTreeMap<String, String>, dir: &str) -> BTreeSet<String> {
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{}/", dir.trim_end_matches('/'))
    };
    files
        .keys()
        .filter_map(|k| k.strip_prefix(&prefix))
        // The working directory holds the relative paths; absolute ones live under `/`.
        .filter(|rest| !dir.is_empty() || !rest.starts_with('/'))
        .filter_map(|rest| rest.split('/').next())
        .filter(|name| !name.is_empty())
        .map(str::to_string)
        .collect()
}

/// `ls [-1] [-a] [PATH...]`: one name per line, as `ls` prints into a pipe.
pub fn ls(args: &[String], files: &BTreeMap<String, String>) -> Output {
    let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if let Some(bad) = args
        .iter()
        .filter_map(|a| a.strip_prefix('-'))
        .flat_map(str::chars)
        .find(|c| !"1alh".contains(*c))
    {
        return Output::error(
            format!("ls: invalid option -- '{bad}'\nTry 'ls --help' for more information.\n"),
            2,
        );
    }
    let mut out = Output::default();
    let targets: Vec<&str> = if paths.is_empty() {
        vec![""]
    } else {
        paths.iter().map(|p| p.as_str()).collect()
    };
    let many = targets.len() > 1;
    for (i, path) in targets.iter().enumerate() {
        let path = path.trim_start_matches("./");
        if !path.is_empty() && files.contains_key(path) {
            out.stdout.push_str(&format!("{path}\n"));
        } else if path.is_empty() || path == "." || is_dir(files, path) {
            let dir = if path == "." { "" } else { path };
            if many {
                out.stdout
                    .push_str(&format!("{}{path}:\n", if i > 0 { "\n" } else { "" }));
            }
            for name in entries(files, dir) {
                out.stdout.push_str(&format!("{name}\n"));
            }
        } else {
            out.stderr.push_str(&format!(
                "ls: cannot access '{path}': No such file or directory\n"
            ));
            out.exit_code = 2;
        }
    }
    out
}

/// `rm [-f] [-r] PATH...`.
pub fn rm(args: &[String], files: &mut BTreeMap<String, String>) -> Output {
    let flags: String = args
        .iter()
        .filter_map(|a| a.strip_prefix('-'))
        .flat_map(str::chars)
        .collect();
    if let Some(bad) = flags.chars().find(|c| !"frRv".contains(*c)) {
        return Output::error(
            format!("rm: invalid option -- '{bad}'\nTry 'rm --help' for more information.\n"),
            1,
        );
    }
    let (force, recursive) = (
        flags.contains('f'),
        flags.contains('r') || flags.contains('R'),
    );
    let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if paths.is_empty() && !force {
        return Output::error(
            "rm: missing operand\nTry 'rm --help' for more information.\n",
            1,
        );
    }
    let mut out = Output::default();
    for path in paths {
        let path = path.trim_start_matches("./").trim_end_matches('/');
        if files.remove(path).is_some() {
            continue;
        }
        if is_dir(files, path) {
            if recursive {
                let prefix = format!("{path}/");
                files.retain(|k, _| !k.starts_with(&prefix));
            } else {
                out.stderr
                    .push_str(&format!("rm: cannot remove '{path}': Is a directory\n"));
                out.exit_code = 1;
            }
        } else if !force {
            out.stderr.push_str(&format!(
                "rm: cannot remove '{path}': No such file or directory\n"
            ));
            out.exit_code = 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fs() -> BTreeMap<String, String> {
        [
            "pod.yaml",
            "k8s/web.yaml",
            "k8s/db.yaml",
            "/tmp/state/nodes.json",
        ]
        .iter()
        .map(|p| (p.to_string(), String::new()))
        .collect()
    }

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn ls_lists_names_and_directories() {
        let files = fs();
        assert_eq!(ls(&[], &files).stdout, "k8s\npod.yaml\n");
        assert_eq!(ls(&args("k8s"), &files).stdout, "db.yaml\nweb.yaml\n");
        assert_eq!(ls(&args("/tmp/state"), &files).stdout, "nodes.json\n");
        assert_eq!(ls(&args("pod.yaml"), &files).stdout, "pod.yaml\n");
        let out = ls(&args("nope"), &files);
        assert_eq!(
            (out.exit_code, out.stderr.as_str()),
            (2, "ls: cannot access 'nope': No such file or directory\n")
        );
    }

    #[test]
    fn rm_removes_files_and_with_r_directories() {
        let mut files = fs();
        assert!(rm(&args("pod.yaml"), &mut files).success());
        assert!(!files.contains_key("pod.yaml"));
        assert_eq!(
            rm(&args("k8s"), &mut files).stderr,
            "rm: cannot remove 'k8s': Is a directory\n"
        );
        assert!(rm(&args("-rf k8s"), &mut files).success());
        assert_eq!(files.len(), 1);
        assert_eq!(rm(&args("gone"), &mut files).exit_code, 1);
        assert!(rm(&args("-f gone"), &mut files).success());
    }
}
