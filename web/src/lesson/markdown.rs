//! Lesson Markdown → yew nodes, safely. pulldown-cmark gives parse events; we build a small
//! tree of our own ([`Node`]) and then yew `Html` from it, so nothing from a lesson file is ever
//! inserted as HTML: raw HTML is shown as text, images as their alt text, and links keep only
//! `https:`/`http:` targets (opened in a new tab) and `focus:` targets (the graph).

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use yew::prelude::*;

/// What a link does, once judged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link {
    /// An `https:` or `http:` page.
    Web(String),
    /// A `focus:` pointer at objects in the graph.
    Focus(String),
    /// Anything else (`javascript:`, relative paths, …): shown as plain text.
    Dropped,
}

/// One node of rendered Markdown. Element names are fixed here, never taken from the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    Text(String),
    Element {
        tag: &'static str,
        link: Option<Link>,
        children: Vec<Node>,
    },
}

/// Judges a link target: only web pages and graph focus survive.
pub fn judge_link(href: &str) -> Link {
    let lower = href.trim().to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        Link::Web(href.trim().to_string())
    } else if lower.starts_with("focus:") {
        Link::Focus(href.trim().to_string())
    } else {
        Link::Dropped
    }
}

fn tag_name(tag: &Tag) -> &'static str {
    match tag {
        Tag::Paragraph => "p",
        // The pane already has its title; lesson headings start one level below.
        Tag::Heading { level, .. } => match level {
            HeadingLevel::H1 => "h3",
            HeadingLevel::H2 => "h4",
            HeadingLevel::H3 => "h5",
            _ => "h6",
        },
        Tag::BlockQuote(_) => "blockquote",
        Tag::CodeBlock(_) => "pre",
        Tag::List(Some(_)) => "ol",
        Tag::List(None) => "ul",
        Tag::Item => "li",
        Tag::Emphasis => "em",
        Tag::Strong => "strong",
        Tag::Strikethrough => "del",
        Tag::Link { .. } => "a",
        Tag::Table(_) => "table",
        Tag::TableHead => "thead",
        Tag::TableRow => "tr",
        Tag::TableCell => "td",
        // Images are not loaded: their alt text is shown.
        _ => "span",
    }
}

/// Parses Markdown into nodes.
pub fn parse(markdown: &str) -> Vec<Node> {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    // Each frame: the element being built and its children so far.
    let mut stack: Vec<(&'static str, Option<Link>, Vec<Node>)> = vec![("", None, Vec::new())];
    let push = |stack: &mut Vec<(&'static str, Option<Link>, Vec<Node>)>, node: Node| {
        if let Some(top) = stack.last_mut() {
            top.2.push(node);
        }
    };
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(tag) => {
                let link = match &tag {
                    Tag::Link { dest_url, .. } => Some(judge_link(dest_url)),
                    _ => None,
                };
                let name = match &tag {
                    Tag::CodeBlock(CodeBlockKind::Fenced(_) | CodeBlockKind::Indented) => "pre",
                    other => tag_name(other),
                };
                stack.push((name, link, Vec::new()));
            }
            Event::End(end) => {
                if stack.len() > 1
                    && let Some((tag, link, mut children)) = stack.pop()
                {
                    // A code block's text goes inside <code>.
                    if tag == "pre" {
                        children = vec![Node::Element {
                            tag: "code",
                            link: None,
                            children,
                        }];
                    }
                    let tag = if matches!(end, TagEnd::Link) && link == Some(Link::Dropped) {
                        "span"
                    } else {
                        tag
                    };
                    push(
                        &mut stack,
                        Node::Element {
                            tag,
                            link,
                            children,
                        },
                    );
                }
            }
            Event::Text(text) | Event::Html(text) | Event::InlineHtml(text) => {
                push(&mut stack, Node::Text(text.to_string()));
            }
            Event::Code(text) | Event::InlineMath(text) | Event::DisplayMath(text) => push(
                &mut stack,
                Node::Element {
                    tag: "code",
                    link: None,
                    children: vec![Node::Text(text.to_string())],
                },
            ),
            Event::SoftBreak => push(&mut stack, Node::Text(" ".to_string())),
            Event::HardBreak => push(
                &mut stack,
                Node::Element {
                    tag: "br",
                    link: None,
                    children: Vec::new(),
                },
            ),
            Event::Rule => push(
                &mut stack,
                Node::Element {
                    tag: "hr",
                    link: None,
                    children: Vec::new(),
                },
            ),
            Event::FootnoteReference(_) | Event::TaskListMarker(_) => {}
        }
    }
    // Unclosed frames cannot happen with pulldown-cmark, but fold them in rather than lose text.
    while stack.len() > 1 {
        if let Some((tag, link, children)) = stack.pop() {
            push(
                &mut stack,
                Node::Element {
                    tag,
                    link,
                    children,
                },
            );
        }
    }
    stack
        .pop()
        .map(|(_, _, children)| children)
        .unwrap_or_default()
}

/// Renders Markdown as yew nodes; `on_focus` gets the href of a clicked `focus:` link.
pub fn render(markdown: &str, on_focus: &Callback<String>) -> Html {
    parse(markdown)
        .iter()
        .map(|node| to_html(node, on_focus))
        .collect()
}

fn to_html(node: &Node, on_focus: &Callback<String>) -> Html {
    match node {
        Node::Text(text) => html! { { text.clone() } },
        Node::Element {
            tag,
            link,
            children,
        } => {
            let inner: Html = children.iter().map(|c| to_html(c, on_focus)).collect();
            match link {
                Some(Link::Web(href)) => html! {
                    <a href={href.clone()} target="_blank" rel="noopener noreferrer">{ inner }</a>
                },
                Some(Link::Focus(href)) => {
                    let on_focus = on_focus.clone();
                    let href = href.clone();
                    let onclick = Callback::from(move |_: MouseEvent| on_focus.emit(href.clone()));
                    html! { <button type="button" class="focus-link" {onclick}>{ inner }</button> }
                }
                _ => html! { <@{*tag}>{ inner }</@> },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(nodes: &[Node]) -> String {
        nodes
            .iter()
            .map(|n| match n {
                Node::Text(t) => t.clone(),
                Node::Element { children, .. } => text_of(children),
            })
            .collect()
    }

    fn tags(nodes: &[Node], out: &mut Vec<&'static str>) {
        for n in nodes {
            if let Node::Element { tag, children, .. } = n {
                out.push(tag);
                tags(children, out);
            }
        }
    }

    fn links(nodes: &[Node], out: &mut Vec<Link>) {
        for n in nodes {
            if let Node::Element { link, children, .. } = n {
                if let Some(l) = link {
                    out.push(l.clone());
                }
                links(children, out);
            }
        }
    }

    #[test]
    fn raw_html_is_text() {
        let nodes =
            parse("Hi <script>alert(1)</script> there\n\n<div onclick=\"x()\">block</div>\n");
        let mut seen = Vec::new();
        tags(&nodes, &mut seen);
        assert!(
            !seen.iter().any(|t| *t == "script" || *t == "div"),
            "{seen:?}"
        );
        let text = text_of(&nodes);
        assert!(text.contains("<script>alert(1)</script>"), "{text}");
        assert!(text.contains("<div onclick=\"x()\">"), "{text}");
    }

    #[test]
    fn links_are_judged() {
        let nodes = parse(
            "[a](javascript:alert(1)) [b](https://kubernetes.io/docs/) [c](focus:deployment/web) [d](JAVASCRIPT:x) [e](/relative)",
        );
        let mut found = Vec::new();
        links(&nodes, &mut found);
        assert_eq!(
            found,
            vec![
                Link::Dropped,
                Link::Web("https://kubernetes.io/docs/".into()),
                Link::Focus("focus:deployment/web".into()),
                Link::Dropped,
                Link::Dropped,
            ]
        );
        // A dropped link keeps its words, as a plain span.
        let mut seen = Vec::new();
        tags(&nodes, &mut seen);
        assert_eq!(seen.iter().filter(|t| **t == "a").count(), 2, "{seen:?}");
        assert!(text_of(&nodes).contains('a'));
    }

    #[test]
    fn structure() {
        let nodes = parse("# Title\n\nSome *em* and `code`.\n\n- one\n- two\n\n```sh\nls\n```\n");
        let mut seen = Vec::new();
        tags(&nodes, &mut seen);
        assert_eq!(
            seen,
            vec!["h3", "p", "em", "code", "ul", "li", "li", "pre", "code"]
        );
    }

    #[test]
    fn images_show_alt_text_only() {
        let nodes = parse("![a cat](https://example.com/cat.png)");
        let mut seen = Vec::new();
        tags(&nodes, &mut seen);
        assert!(!seen.contains(&"img"));
        assert_eq!(text_of(&nodes), "a cat");
    }
}
