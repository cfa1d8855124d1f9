//! Where things are in a YAML text: each document as a tree of keys and items with their line
//! and column, so that an error about a field path (`spec.template.spec.containers[0].image`)
//! can point at that field in the manifest.
//!
//! Built from the event stream of the same YAML parser `serde-saphyr` decodes with
//! (`granit-parser`, re-exported by it), so positions agree with the decoder's own. A text the
//! parser rejects yields the documents before the error. Nothing here panics on any input.

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, Span};

/// A place in the text: line and column, both counted from 1 (columns in characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

impl Pos {
    fn of(span: &Span) -> Pos {
        Pos {
            line: u32::try_from(span.start.line()).unwrap_or(u32::MAX).max(1),
            column: u32::try_from(span.start.col())
                .unwrap_or(u32::MAX)
                .saturating_add(1),
        }
    }
}

/// One node of a document.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// A mapping: each key's text (empty for a non-scalar key), where the key is, its value.
    Map(Pos, Vec<(String, Pos, Node)>),
    Seq(Pos, Vec<Node>),
    /// A scalar, and whether it reads as null (`~`, `null`, nothing).
    Scalar(Pos, bool),
    /// An alias (`*name`): its content is elsewhere.
    Alias(Pos),
}

impl Node {
    pub fn pos(&self) -> Pos {
        match self {
            Node::Map(p, _) | Node::Seq(p, _) | Node::Scalar(p, _) | Node::Alias(p) => *p,
        }
    }

    /// Whether the document this is the root of decodes to nothing (and so is skipped).
    pub fn is_null(&self) -> bool {
        matches!(self, Node::Scalar(_, true))
    }

    /// Where the field at `path` is written: the key of a mapping entry, the item of a list.
    /// When the path leads somewhere the text does not go (a missing field, through an
    /// alias), the nearest written ancestor. `path` is upstream's field path notation:
    /// `a.b[0].c`, with map keys as `.key` or `[key]` (keys may hold dots).
    pub fn locate(&self, path: &str) -> Pos {
        let mut node = self;
        let mut at = self.pos();
        let mut rest = path;
        loop {
            rest = rest.strip_prefix('.').unwrap_or(rest);
            if rest.is_empty() {
                return at;
            }
            let next = match node {
                Node::Map(_, entries) => step_into_map(entries, rest),
                Node::Seq(_, items) => step_into_seq(items, rest),
                Node::Scalar(..) | Node::Alias(_) => None,
            };
            let Some((found_at, child, remaining)) = next else {
                return at;
            };
            at = found_at;
            node = child;
            rest = remaining;
        }
    }
}

/// The entry of `entries` that `path` starts with (the longest key that fits, as keys may
/// hold dots), where its key is, and the rest of the path.
fn step_into_map<'n, 'p>(
    entries: &'n [(String, Pos, Node)],
    path: &'p str,
) -> Option<(Pos, &'n Node, &'p str)> {
    let mut best: Option<(usize, Pos, &'n Node, &'p str)> = None;
    for (key, pos, node) in entries {
        let rest = if let Some(inner) = path.strip_prefix('[') {
            inner
                .strip_prefix(key.as_str())
                .and_then(|r| r.strip_prefix(']'))
        } else {
            path.strip_prefix(key.as_str())
                .filter(|r| r.is_empty() || r.starts_with('.') || r.starts_with('['))
        };
        if let Some(rest) = rest
            && best.is_none_or(|(len, ..)| key.len() > len)
        {
            best = Some((key.len(), *pos, node, rest));
        }
    }
    best.map(|(_, pos, node, rest)| (pos, node, rest))
}

/// The item `[i]` that `path` starts with, and the rest of the path.
fn step_into_seq<'n, 'p>(items: &'n [Node], path: &'p str) -> Option<(Pos, &'n Node, &'p str)> {
    let inner = path.strip_prefix('[')?;
    let close = inner.find(']')?;
    let index: usize = inner.get(..close)?.parse().ok()?;
    let item = items.get(index)?;
    Some((item.pos(), item, inner.get(close + 1..).unwrap_or("")))
}

/// One document of the text: where it starts and its content (`None` if the parser stopped
/// inside it).
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub start: Pos,
    pub root: Option<Node>,
}

/// A collection being read.
enum Open {
    Map(Pos, Vec<(String, Pos, Node)>, Option<(String, Pos)>),
    Seq(Pos, Vec<Node>),
}

/// Every document of `text`, in order, up to the first syntax error.
pub fn documents(text: &str) -> Vec<Document> {
    let mut docs = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut current: Option<Document> = None;
    for event in Parser::new_from_str(text) {
        let Ok((event, span)) = event else { break };
        let pos = Pos::of(&span);
        let done = match event {
            Event::DocumentStart(..) => {
                stack.clear();
                current = Some(Document {
                    start: pos,
                    root: None,
                });
                None
            }
            Event::DocumentEnd => {
                docs.extend(current.take());
                None
            }
            Event::MappingStart(..) => {
                stack.push(Open::Map(pos, Vec::new(), None));
                None
            }
            Event::SequenceStart(..) => {
                stack.push(Open::Seq(pos, Vec::new()));
                None
            }
            Event::MappingEnd | Event::SequenceEnd => match stack.pop() {
                Some(Open::Map(at, entries, _)) => Some(Node::Map(at, entries)),
                Some(Open::Seq(at, items)) => Some(Node::Seq(at, items)),
                None => None,
            },
            Event::Scalar(value, style, _, tag) => {
                // A key is remembered by its text; a value by whether it is null.
                if let Some(Open::Map(_, _, pending @ None)) = stack.last_mut() {
                    *pending = Some((value.into_owned(), pos));
                    continue;
                }
                let null = style == ScalarStyle::Plain
                    && tag.is_none()
                    && matches!(value.as_ref(), "" | "~" | "null" | "Null" | "NULL");
                Some(Node::Scalar(pos, null))
            }
            Event::Alias(_) => Some(Node::Alias(pos)),
            _ => None,
        };
        if let Some(node) = done {
            attach(&mut stack, &mut current, node);
        }
    }
    docs
}

/// Puts a finished node where it belongs: a mapping's key or value, a list item, or the root.
fn attach(stack: &mut [Open], current: &mut Option<Document>, node: Node) {
    match stack.last_mut() {
        Some(Open::Map(_, entries, pending)) => match pending.take() {
            Some((key, at)) => entries.push((key, at, node)),
            // A collection used as a key: its place is kept, its text is not.
            None => *pending = Some((String::new(), node.pos())),
        },
        Some(Open::Seq(_, items)) => items.push(node),
        None => {
            if let Some(doc) = current {
                doc.root = Some(node);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, column: u32) -> Pos {
        Pos { line, column }
    }

    const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
spec:
  template:
    spec:
      containers:
      - name: a
        image: nginx
      -   name: b
          imagee: nginx
";

    #[test]
    fn paths_lead_to_their_keys_and_items() {
        let docs = documents(DEPLOYMENT);
        assert_eq!(docs.len(), 1);
        let root = docs[0].root.as_ref().unwrap();
        let cases = [
            ("", pos(1, 1)),
            ("kind", pos(2, 1)),
            ("metadata.name", pos(4, 3)),
            ("metadata.labels[app.kubernetes.io/name]", pos(6, 5)),
            ("metadata.labels.app.kubernetes.io/name", pos(6, 5)),
            ("spec.template.spec.containers[0]", pos(11, 9)),
            ("spec.template.spec.containers[1].imagee", pos(14, 11)),
            // Not written: the nearest ancestor that is.
            ("spec.template.spec.containers[1].ports[0]", pos(13, 11)),
            ("spec.selector", pos(7, 1)),
            ("spec.template.spec.containers[7].image", pos(10, 7)),
        ];
        for (path, want) in cases {
            assert_eq!(root.locate(path), want, "{path}");
        }
    }

    #[test]
    fn documents_are_told_apart_and_empty_ones_read_as_null() {
        let docs =
            documents("---\n# only a comment\n---\nkind: Pod\n...\n---\n- [&x a, {b: *x}]\n");
        assert_eq!(docs.len(), 3);
        assert!(docs[0].root.as_ref().unwrap().is_null());
        assert_eq!(docs[1].start, pos(3, 1));
        assert_eq!(docs[1].root.as_ref().unwrap().locate("kind"), pos(4, 1));
        assert!(!docs[2].root.as_ref().unwrap().is_null());
    }

    #[test]
    fn a_syntax_error_keeps_the_documents_before_it() {
        let docs = documents("kind: Pod\n---\nkind: [\n");
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].root.as_ref().unwrap().locate("kind"), pos(1, 1));
    }
}
