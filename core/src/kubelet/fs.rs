//! The file systems a simulated container sees: its own root (the image's files under a
//! writable layer, as overlayfs gives a real container) and the volumes mounted into it.
//!
//! Every file system lives in one table, [`Disks`], keyed by who owns it ([`DiskId`]): a
//! container's root, a pod's volume (emptyDir, configMap...), a node's host paths, a claim's
//! data. A container's [`View`] is its root plus a mount table; paths resolve through the
//! longest mount, as the kernel resolves them. Errors are errno values, worded by the caller
//! in the style of the tool that met them (busybox or coreutils).

use std::collections::BTreeMap;

/// A file system error, as errno.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Errno {
    NoEntry,
    IsDir,
    NotDir,
    ReadOnly,
    Exists,
    NotEmpty,
}

impl Errno {
    /// `strerror` wording.
    pub fn text(self) -> &'static str {
        match self {
            Errno::NoEntry => "No such file or directory",
            Errno::IsDir => "Is a directory",
            Errno::NotDir => "Not a directory",
            Errno::ReadOnly => "Read-only file system",
            Errno::Exists => "File exists",
            Errno::NotEmpty => "Directory not empty",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    Dir,
    File(String),
}

/// One file system: a lower layer of fixed files (an image's, `&'static`) and an upper layer
/// of changes, where `None` hides a lower entry (an overlayfs whiteout).
#[derive(Clone, Debug, Default)]
pub struct Layer {
    lower: &'static [(&'static str, Option<&'static str>)],
    upper: BTreeMap<String, Option<Node>>,
    pub read_only: bool,
}

impl Layer {
    /// A file system whose initial files are `lower` (`None` content = a directory).
    pub fn over(lower: &'static [(&'static str, Option<&'static str>)]) -> Layer {
        Layer {
            lower,
            ..Layer::default()
        }
    }

    /// A file system filled with `files` (relative paths), read-only when `read_only`: what a
    /// configMap, secret or downward API volume holds.
    pub fn with_files(files: &[(String, String)], read_only: bool) -> Layer {
        let mut layer = Layer::default();
        for (path, content) in files {
            let path = normalize(&format!("/{path}"));
            layer.make_parents(&path);
            layer.upper.insert(path, Some(Node::File(content.clone())));
        }
        layer.read_only = read_only;
        layer
    }

    fn lower_get(&self, path: &str) -> Option<Node> {
        if path == "/" {
            return Some(Node::Dir);
        }
        self.lower
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, c)| match c {
                Some(text) => Node::File((*text).to_string()),
                None => Node::Dir,
            })
    }

    pub fn get(&self, path: &str) -> Option<Node> {
        if path == "/" {
            return Some(Node::Dir);
        }
        match self.upper.get(path) {
            Some(entry) => entry.clone(),
            None => self.lower_get(path),
        }
    }

    /// Direct children of a directory, sorted, with whether each is a directory.
    pub fn children(&self, dir: &str) -> Vec<(String, bool)> {
        let prefix = if dir == "/" {
            "/".to_string()
        } else {
            format!("{dir}/")
        };
        let mut out: BTreeMap<String, bool> = BTreeMap::new();
        let lower = self.lower.iter().map(|(p, c)| (*p, c.is_none()));
        for (path, is_dir) in lower {
            if let Some(rest) = path.strip_prefix(&prefix)
                && !rest.is_empty()
                && !rest.contains('/')
            {
                out.insert(rest.to_string(), is_dir);
            }
        }
        for (path, entry) in &self.upper {
            if let Some(rest) = path.strip_prefix(&prefix)
                && !rest.is_empty()
                && !rest.contains('/')
            {
                match entry {
                    Some(node) => {
                        out.insert(rest.to_string(), *node == Node::Dir);
                    }
                    None => {
                        out.remove(rest);
                    }
                }
            }
        }
        out.into_iter().collect()
    }

    fn make_parents(&mut self, path: &str) {
        let mut parent = parent_of(path);
        while parent != "/" {
            if self.get(&parent).is_none() {
                self.upper.insert(parent.clone(), Some(Node::Dir));
            }
            parent = parent_of(&parent);
        }
    }

    pub fn write(&mut self, path: &str, content: &str, append: bool) -> Result<(), Errno> {
        match self.get(&parent_of(path)) {
            Some(Node::Dir) => {}
            Some(Node::File(_)) => return Err(Errno::NotDir),
            None => return Err(Errno::NoEntry),
        }
        if self.read_only {
            return Err(Errno::ReadOnly);
        }
        let text = match (self.get(path), append) {
            (Some(Node::Dir), _) => return Err(Errno::IsDir),
            (Some(Node::File(old)), true) => old + content,
            _ => content.to_string(),
        };
        self.upper.insert(path.to_string(), Some(Node::File(text)));
        Ok(())
    }

    pub fn mkdir(&mut self, path: &str, parents: bool) -> Result<(), Errno> {
        if self.read_only {
            return Err(Errno::ReadOnly);
        }
        match self.get(path) {
            Some(Node::Dir) if parents => return Ok(()),
            Some(_) => return Err(Errno::Exists),
            None => {}
        }
        match self.get(&parent_of(path)) {
            Some(Node::Dir) => {}
            Some(Node::File(_)) => return Err(Errno::NotDir),
            None if parents => self.make_parents(path),
            None => return Err(Errno::NoEntry),
        }
        self.upper.insert(path.to_string(), Some(Node::Dir));
        Ok(())
    }

    pub fn remove(&mut self, path: &str, recursive: bool) -> Result<(), Errno> {
        let node = self.get(path).ok_or(Errno::NoEntry)?;
        if self.read_only {
            return Err(Errno::ReadOnly);
        }
        if node == Node::Dir {
            let children = self.children(path);
            if !children.is_empty() && !recursive {
                return Err(Errno::NotEmpty);
            }
            for (name, _) in children {
                self.remove(&join(path, &name), true)?;
            }
        }
        if self.lower_get(path).is_some() {
            self.upper.insert(path.to_string(), None);
        } else {
            self.upper.remove(path);
        }
        Ok(())
    }
}

/// Who owns a file system.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DiskId {
    /// A container's root: (pod uid, container name).
    Root(String, String),
    /// A pod's volume: (pod uid, volume name).
    Volume(String, String),
    /// A node's own file system, for hostPath volumes.
    Host(String),
    /// The data behind a PersistentVolumeClaim: (namespace, claim), kept across pods.
    Claim(String, String),
}

/// Every file system of a node's containers and volumes.
#[derive(Default)]
pub struct Disks {
    pub layers: BTreeMap<DiskId, Layer>,
}

impl Disks {
    /// Drops every file system of a pod (its containers' roots and its volumes).
    pub fn forget_pod(&mut self, uid: &str) {
        self.layers.retain(|id, _| match id {
            DiskId::Root(u, _) | DiskId::Volume(u, _) => u != uid,
            _ => true,
        });
    }
}

/// A mount in a container: `path` shows `sub` of `disk`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    pub path: String,
    pub disk: DiskId,
    /// The subPath inside the disk ("/" for all of it).
    pub sub: String,
    pub read_only: bool,
}

/// A container's view of the files: its root and its mounts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct View {
    pub root: DiskId,
    pub mounts: Vec<Mount>,
}

impl View {
    /// The disk and the path inside it that `path` (absolute, normalised) reaches, and whether
    /// the mount is read-only.
    fn resolve(&self, path: &str) -> (&DiskId, String, bool) {
        let best = self
            .mounts
            .iter()
            .filter(|m| {
                path == m.path || path.starts_with(&format!("{}/", m.path.trim_end_matches('/')))
            })
            .max_by_key(|m| m.path.len());
        match best {
            Some(m) => {
                let rest = path.get(m.path.trim_end_matches('/').len()..).unwrap_or("");
                (
                    &m.disk,
                    normalize(&format!("{}/{rest}", m.sub)),
                    m.read_only,
                )
            }
            None => (&self.root, path.to_string(), false),
        }
    }

    /// Mount points directly under `dir`, which show as directories there.
    fn mount_children(&self, dir: &str) -> Vec<String> {
        let prefix = if dir == "/" {
            "/".to_string()
        } else {
            format!("{dir}/")
        };
        self.mounts
            .iter()
            .filter_map(|m| m.path.strip_prefix(&prefix))
            .filter_map(|rest| rest.split('/').next())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    pub fn get(&self, disks: &Disks, path: &str) -> Option<Node> {
        let path = normalize(path);
        let (disk, inner, _) = self.resolve(&path);
        let found = disks.layers.get(disk).and_then(|l| l.get(&inner));
        // A directory leading to a mount point exists even if the root lacks it.
        found.or_else(|| {
            self.mounts
                .iter()
                .any(|m| {
                    m.path
                        .starts_with(&format!("{}/", path.trim_end_matches('/')))
                })
                .then_some(Node::Dir)
        })
    }

    pub fn read(&self, disks: &Disks, path: &str) -> Result<String, Errno> {
        match self.get(disks, path) {
            Some(Node::File(text)) => Ok(text),
            Some(Node::Dir) => Err(Errno::IsDir),
            None => Err(Errno::NoEntry),
        }
    }

    pub fn list(&self, disks: &Disks, path: &str) -> Result<Vec<(String, bool)>, Errno> {
        let path = normalize(path);
        match self.get(disks, &path) {
            Some(Node::Dir) => {}
            Some(Node::File(_)) => return Err(Errno::NotDir),
            None => return Err(Errno::NoEntry),
        }
        let (disk, inner, _) = self.resolve(&path);
        let mut entries: BTreeMap<String, bool> = disks
            .layers
            .get(disk)
            .map(|l| l.children(&inner))
            .unwrap_or_default()
            .into_iter()
            .collect();
        for name in self.mount_children(&path) {
            entries.insert(name, true);
        }
        Ok(entries.into_iter().collect())
    }

    fn layer_mut<'d>(
        &self,
        disks: &'d mut Disks,
        path: &str,
    ) -> Result<(&'d mut Layer, String), Errno> {
        let (disk, inner, read_only) = self.resolve(path);
        if read_only {
            return Err(Errno::ReadOnly);
        }
        let layer = disks.layers.entry(disk.clone()).or_default();
        Ok((layer, inner))
    }

    pub fn write(
        &self,
        disks: &mut Disks,
        path: &str,
        content: &str,
        append: bool,
    ) -> Result<(), Errno> {
        let path = normalize(path);
        let (layer, inner) = self.layer_mut(disks, &path)?;
        layer.write(&inner, content, append)
    }

    pub fn mkdir(&self, disks: &mut Disks, path: &str, parents: bool) -> Result<(), Errno> {
        let path = normalize(path);
        if self.get(disks, &path) == Some(Node::Dir) && self.resolve(&path).1 == "/" {
            return if parents { Ok(()) } else { Err(Errno::Exists) };
        }
        let (layer, inner) = self.layer_mut(disks, &path)?;
        layer.mkdir(&inner, parents)
    }

    pub fn remove(&self, disks: &mut Disks, path: &str, recursive: bool) -> Result<(), Errno> {
        let path = normalize(path);
        if self.mounts.iter().any(|m| m.path == path) {
            // Removing a mount point fails as the kernel's EBUSY does; "read-only" is close
            // enough for the cases a learner meets (the service account directory).
            return Err(Errno::ReadOnly);
        }
        let (layer, inner) = self.layer_mut(disks, &path)?;
        layer.remove(&inner, recursive)
    }
}

/// `/a//b/./c/../d` → `/a/b/d`; relative paths are taken from `/`.
pub fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// An absolute path from `path` typed in directory `cwd`.
pub fn absolute(cwd: &str, path: &str) -> String {
    if path.starts_with('/') {
        normalize(path)
    } else {
        normalize(&format!("{cwd}/{path}"))
    }
}

pub fn parent_of(path: &str) -> String {
    match path.rsplit_once('/') {
        Some(("", _)) | None => "/".to_string(),
        Some((parent, _)) => parent.to_string(),
    }
}

pub fn join(dir: &str, name: &str) -> String {
    if dir == "/" {
        format!("/{name}")
    } else {
        format!("{dir}/{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static BASE: &[(&str, Option<&str>)] = &[
        ("/etc", None),
        ("/etc/os-release", Some("NAME=test\n")),
        ("/tmp", None),
    ];

    fn setup() -> (Disks, View) {
        let mut disks = Disks::default();
        let root = DiskId::Root("uid".into(), "c".into());
        disks.layers.insert(root.clone(), Layer::over(BASE));
        let config = DiskId::Volume("uid".into(), "config".into());
        disks.layers.insert(
            config.clone(),
            Layer::with_files(&[("keys".into(), "very".into())], true),
        );
        let view = View {
            root,
            mounts: vec![Mount {
                path: "/etc/config".into(),
                disk: config,
                sub: "/".into(),
                read_only: true,
            }],
        };
        (disks, view)
    }

    #[test]
    fn paths_normalise() {
        assert_eq!(normalize("/a//b/./c/../d"), "/a/b/d");
        assert_eq!(absolute("/tmp", "x"), "/tmp/x");
        assert_eq!(parent_of("/tmp"), "/");
    }

    #[test]
    fn overlay_reads_writes_and_whiteouts() {
        let (mut disks, view) = setup();
        assert_eq!(
            view.read(&disks, "/etc/os-release"),
            Ok("NAME=test\n".into())
        );
        assert_eq!(view.write(&mut disks, "/tmp/healthy", "", false), Ok(()));
        assert!(view.get(&disks, "/tmp/healthy").is_some());
        assert_eq!(view.remove(&mut disks, "/tmp/healthy", false), Ok(()));
        assert_eq!(view.read(&disks, "/tmp/healthy"), Err(Errno::NoEntry));
        assert_eq!(view.remove(&mut disks, "/etc/os-release", false), Ok(()));
        assert_eq!(view.read(&disks, "/etc/os-release"), Err(Errno::NoEntry));
        assert_eq!(
            view.write(&mut disks, "/nope/x", "", false),
            Err(Errno::NoEntry)
        );
    }

    #[test]
    fn mounts_resolve_and_refuse_writes_when_read_only() {
        let (mut disks, view) = setup();
        assert_eq!(view.read(&disks, "/etc/config/keys"), Ok("very".into()));
        assert_eq!(
            view.write(&mut disks, "/etc/config/x", "", false),
            Err(Errno::ReadOnly)
        );
        let listed = view.list(&disks, "/etc").unwrap_or_default();
        assert_eq!(
            listed,
            vec![("config".into(), true), ("os-release".into(), false)]
        );
    }
}
