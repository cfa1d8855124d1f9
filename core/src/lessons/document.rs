//! A lesson's language file (`en.md`, `ko.md`): front matter between `---` lines, then
//! CommonMark whose fenced code blocks are cut out as blocks of their own (`run`, `yaml`,
//! `exercise`, other code) and the text between them kept raw for the page to render.
//!
//! Fences follow CommonMark's rules closely enough for lessons: ```` ``` ```` or `~~~`, three or
//! more, closed by a fence of the same character at least as long; a fence may be indented
//! (inside a list item) or start right after a list marker, and its content loses as much
//! indentation as the opening fence had.

use serde::{Deserialize, Serialize};

use super::LessonError;

/// One lesson in one language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Lesson {
    /// The lesson's id: its folder's name without the `NN-` prefix.
    pub id: String,
    /// The title, in the file's language.
    pub title: String,
    /// Sort key of the lesson list.
    pub order: u32,
    /// Ids of lessons to do first.
    pub prerequisites: Vec<String>,
    /// Estimated minutes.
    pub minutes: u32,
    pub kind: LessonKind,
    /// The body, in document order.
    pub blocks: Vec<Block>,
    /// The 1-based line of the file each block of `blocks` starts at (same length).
    pub block_lines: Vec<usize>,
}

/// Whether a lesson has exercises to practise or is read only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LessonKind {
    #[default]
    Practice,
    Reading,
}

/// One piece of a lesson's body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Block {
    /// CommonMark text between fenced blocks, raw (the page renders it, without raw HTML);
    /// only text that continues a list item after a fence loses the item's indentation.
    Markdown(String),
    /// ```` ```run ````: commands the learner runs, one shell line per line (here-documents
    /// allowed). `fails`: ```` ```run fails ````, meant to fail at its last line.
    Run { script: String, fails: bool },
    /// ```` ```yaml ````: a manifest; with `file=NAME` it is written into the sandbox's files
    /// when the lesson starts and can be opened in the editor.
    Yaml { file: Option<String>, text: String },
    /// ```` ```exercise id=ID ````: where an exercise appears, with its texts in this language.
    Exercise(ExerciseText),
    /// Any other fenced block, shown as code. `lang` is the info string's first word (may be
    /// empty).
    Code { lang: String, text: String },
}

/// The language-specific part of an exercise (its checks and solution are in
/// `exercises.yaml`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExerciseText {
    pub id: String,
    pub title: String,
    /// Markdown.
    pub task: String,
    /// Markdown strings, shown one at a time on request.
    pub hints: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    id: String,
    title: String,
    order: u32,
    #[serde(default)]
    prerequisites: Vec<String>,
    minutes: u32,
    #[serde(default)]
    kind: LessonKind,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExerciseBody {
    title: String,
    task: String,
    #[serde(default)]
    hints: Vec<String>,
}

impl Lesson {
    /// The exercise blocks, in order.
    pub fn exercises(&self) -> impl Iterator<Item = &ExerciseText> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Exercise(e) => Some(e),
            _ => None,
        })
    }

    /// The `yaml file=` blocks as (name, text), in order.
    pub fn files(&self) -> impl Iterator<Item = (&str, &str)> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Yaml {
                file: Some(name),
                text,
            } => Some((name.as_str(), text.as_str())),
            _ => None,
        })
    }
}

/// Reads a lesson's language file. Errors carry the line they are at.
pub fn parse_lesson(markdown: &str) -> Result<Lesson, LessonError> {
    let lines: Vec<&str> = markdown.lines().collect();
    let (front, body_start) = front_matter(&lines)?;
    if front.id.trim().is_empty() {
        return Err(LessonError::at(1, "front matter: `id` is empty"));
    }
    let mut blocks = Vec::new();
    let mut block_lines = Vec::new();
    let mut text_start = body_start;
    let mut i = body_start;
    while i < lines.len() {
        let Some(open) = opening_fence(lines.get(i).copied().unwrap_or_default()) else {
            i += 1;
            continue;
        };
        let Some(close) = (i + 1..lines.len())
            .find(|&j| lines.get(j).is_some_and(|l| closes(l, open.ch, open.len)))
        else {
            return Err(LessonError::at(
                i + 1,
                format!(
                    "the fenced block opened here (```{}) is never closed",
                    open.info
                ),
            ));
        };
        push_markdown(&lines, text_start, i, &mut blocks, &mut block_lines);
        let content: Vec<&str> = lines
            .get(i + 1..close)
            .unwrap_or_default()
            .iter()
            .map(|l| dedent(l, open.indent))
            .collect();
        let mut text = content.join("\n");
        if !content.is_empty() {
            text.push('\n');
        }
        blocks.push(special_block(&open.info, text, i + 1)?);
        block_lines.push(i + 1);
        i = close + 1;
        text_start = i;
    }
    push_markdown(
        &lines,
        text_start,
        lines.len(),
        &mut blocks,
        &mut block_lines,
    );
    let mut seen = std::collections::BTreeSet::new();
    for (block, line) in blocks.iter().zip(&block_lines) {
        if let Block::Exercise(e) = block
            && !seen.insert(e.id.clone())
        {
            return Err(LessonError::at(
                *line,
                format!("exercise id {:?} appears twice", e.id),
            ));
        }
    }
    Ok(Lesson {
        id: front.id,
        title: front.title,
        order: front.order,
        prerequisites: front.prerequisites,
        minutes: front.minutes,
        kind: front.kind,
        blocks,
        block_lines,
    })
}

/// The front matter and the index of the first body line.
fn front_matter(lines: &[&str]) -> Result<(FrontMatter, usize), LessonError> {
    if lines.first().map(|l| l.trim_end()) != Some("---") {
        return Err(LessonError::at(
            1,
            "a lesson starts with front matter between `---` lines",
        ));
    }
    let end = (1..lines.len())
        .find(|&i| lines.get(i).map(|l| l.trim_end()) == Some("---"))
        .ok_or_else(|| LessonError::at(1, "the front matter's closing `---` is missing"))?;
    let yaml = lines.get(1..end).unwrap_or_default().join("\n");
    let front: FrontMatter = LessonError::decode_yaml(&yaml, 2).map_err(|mut err| {
        err.message = format!("front matter: {}", err.message);
        err
    })?;
    Ok((front, end + 1))
}

fn push_markdown(
    lines: &[&str],
    from: usize,
    to: usize,
    blocks: &mut Vec<Block>,
    block_lines: &mut Vec<usize>,
) {
    let Some(slice) = lines.get(from..to) else {
        return;
    };
    let Some(first) = slice.iter().position(|l| !l.trim().is_empty()) else {
        return;
    };
    let last = slice
        .iter()
        .rposition(|l| !l.trim().is_empty())
        .unwrap_or(first);
    let lines = slice.get(first..=last).unwrap_or_default();
    // Text that goes on inside a list item after a fence is indented; rendered on its own,
    // four columns of that would read as an indented code block. The leading indented lines
    // lose their common indentation (the item's, which ended with the previous segment).
    let lead = lines
        .iter()
        .position(|l| !l.trim().is_empty() && indentation(l).0 == 0)
        .unwrap_or(lines.len());
    let common = lines
        .get(..lead)
        .unwrap_or_default()
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| indentation(l).0)
        .min()
        .unwrap_or(0);
    let mut text = String::new();
    for (i, line) in lines.iter().enumerate() {
        text.push_str(if i < lead { dedent(line, common) } else { line });
        text.push('\n');
    }
    blocks.push(Block::Markdown(text));
    block_lines.push(from + first + 1);
}

/// An opening code fence.
struct Fence {
    /// Columns of indentation (and list marker) before the fence.
    indent: usize,
    ch: char,
    len: usize,
    info: String,
}

/// Width of leading spaces (a tab counts to the next multiple of 4) and the rest.
fn indentation(line: &str) -> (usize, &str) {
    let mut width = 0;
    for (i, c) in line.char_indices() {
        match c {
            ' ' => width += 1,
            '\t' => width += 4 - width % 4,
            _ => return (width, &line[i..]),
        }
    }
    (width, "")
}

/// The width of a list marker and the spaces after it (`- `, `* `, `12. `, `3) `), if `text`
/// starts with one.
fn list_marker(text: &str) -> Option<usize> {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let marker = if digits == 0 {
        text.starts_with(['-', '*', '+']).then_some(1)?
    } else if digits <= 9 && text[digits..].starts_with(['.', ')']) {
        digits + 1
    } else {
        return None;
    };
    let rest = &text[marker..];
    let spaces = rest.chars().take_while(|c| *c == ' ').count();
    (spaces >= 1).then_some(marker + spaces)
}

fn opening_fence(line: &str) -> Option<Fence> {
    let (mut indent, mut rest) = indentation(line);
    if !rest.starts_with(['`', '~'])
        && let Some(width) = list_marker(rest)
    {
        indent += width;
        rest = &rest[width..];
    }
    let ch = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = rest.chars().take_while(|c| *c == ch).count();
    if len < 3 {
        return None;
    }
    let info = rest[len..].trim();
    if ch == '`' && info.contains('`') {
        return None;
    }
    Some(Fence {
        indent,
        ch,
        len,
        info: info.to_string(),
    })
}

fn closes(line: &str, ch: char, len: usize) -> bool {
    let text = line.trim();
    text.chars().count() >= len && text.chars().all(|c| c == ch)
}

/// `line` without up to `indent` columns of leading spaces.
fn dedent(line: &str, indent: usize) -> &str {
    let mut width = 0;
    for (i, c) in line.char_indices() {
        if width >= indent {
            return &line[i..];
        }
        match c {
            ' ' => width += 1,
            '\t' => width += 4 - width % 4,
            _ => return &line[i..],
        }
    }
    ""
}

/// The block a fence with this info string makes; `line` is the fence's line, for errors.
fn special_block(info: &str, text: String, line: usize) -> Result<Block, LessonError> {
    let mut words = info.split_whitespace();
    let lang = words.next().unwrap_or("").to_string();
    let attrs: Vec<&str> = words.collect();
    match lang.as_str() {
        "run" => match attrs.as_slice() {
            [] => Ok(Block::Run {
                script: text,
                fails: false,
            }),
            ["fails"] => Ok(Block::Run {
                script: text,
                fails: true,
            }),
            _ => Err(LessonError::at(
                line,
                format!("```{info}: a run block takes only `fails`"),
            )),
        },
        "yaml" | "yml" => {
            let mut file = None;
            for attr in attrs {
                match attr.split_once('=') {
                    Some(("file", name)) if !name.is_empty() => file = Some(name.to_string()),
                    _ => {
                        return Err(LessonError::at(
                            line,
                            format!("```{info}: a yaml block takes only `file=NAME`"),
                        ));
                    }
                }
            }
            Ok(Block::Yaml { file, text })
        }
        "exercise" => {
            let id = match attrs.as_slice() {
                [attr] => attr.strip_prefix("id=").filter(|id| !id.is_empty()),
                _ => None,
            }
            .ok_or_else(|| {
                LessonError::at(line, format!("```{info}: an exercise block needs `id=ID`"))
            })?;
            let body: ExerciseBody =
                LessonError::decode_yaml(&text, line + 1).map_err(|mut err| {
                    err.message = format!("exercise {id}: {}", err.message);
                    err
                })?;
            Ok(Block::Exercise(ExerciseText {
                id: id.to_string(),
                title: body.title,
                task: body.task,
                hints: body.hints,
            }))
        }
        _ => Ok(Block::Code { lang, text }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRONT: &str = "---\nid: x\ntitle: X\norder: 1\nminutes: 5\n---\n";

    fn blocks(body: &str) -> Vec<Block> {
        parse_lesson(&format!("{FRONT}{body}")).unwrap().blocks
    }

    fn err(text: &str) -> LessonError {
        parse_lesson(text).unwrap_err()
    }

    #[test]
    fn front_matter_defaults_and_fields() {
        let l = parse_lesson(&format!("{FRONT}text\n")).unwrap();
        assert_eq!((l.id.as_str(), l.order, l.minutes), ("x", 1, 5));
        assert_eq!(l.kind, LessonKind::Practice);
        assert!(l.prerequisites.is_empty());
        let l = parse_lesson(
            "---\nid: y\ntitle: Y\norder: 2\nminutes: 1\nkind: reading\nprerequisites: [x, z]\n---\n",
        )
        .unwrap();
        assert_eq!(l.kind, LessonKind::Reading);
        assert_eq!(l.prerequisites, ["x", "z"]);
        assert!(l.blocks.is_empty());
    }

    #[test]
    fn front_matter_errors_have_lines() {
        assert_eq!(err("# no front matter\n").line, Some(1));
        assert_eq!(err("---\nid: x\n").line, Some(1));
        let e = err("---\nid: x\ntitle: X\norder: 1\nminutes: 5\ncolour: red\n---\n");
        assert_eq!(e.line, Some(6), "{e}");
        assert!(e.message.contains("colour"), "{e}");
        let e = err("---\nid: x\ntitle: X\norder: one\nminutes: 5\n---\n");
        assert_eq!(e.line, Some(4), "{e}");
    }

    #[test]
    fn blocks_in_order_with_markdown_between() {
        let b = blocks(
            "Intro\n\n```run\nkubectl get pods\n```\nMiddle\n```run fails\nkubectl get nope\n```\n\n```yaml file=a.yaml\nkind: Pod\n```\n```yaml\nshown: only\n```\n~~~sh\necho hi\n~~~\nEnd\n",
        );
        assert_eq!(
            b,
            vec![
                Block::Markdown("Intro\n".into()),
                Block::Run {
                    script: "kubectl get pods\n".into(),
                    fails: false
                },
                Block::Markdown("Middle\n".into()),
                Block::Run {
                    script: "kubectl get nope\n".into(),
                    fails: true
                },
                Block::Yaml {
                    file: Some("a.yaml".into()),
                    text: "kind: Pod\n".into()
                },
                Block::Yaml {
                    file: None,
                    text: "shown: only\n".into()
                },
                Block::Code {
                    lang: "sh".into(),
                    text: "echo hi\n".into()
                },
                Block::Markdown("End\n".into()),
            ]
        );
    }

    #[test]
    fn block_lines_are_where_blocks_start() {
        let l = parse_lesson(&format!("{FRONT}Intro\n\n```run\nx\n```\n")).unwrap();
        assert_eq!(l.block_lines, [7, 9]);
    }

    #[test]
    fn fences_in_list_items_lose_their_indentation() {
        let b = blocks(
            "1. Apply:\n\n   ```run\n   kubectl apply -f a.yaml\n     indented more\n   ```\n- ```run\n  kubectl get pods\n  ```\n",
        );
        assert_eq!(
            b[1],
            Block::Run {
                script: "kubectl apply -f a.yaml\n  indented more\n".into(),
                fails: false
            }
        );
        assert_eq!(
            b[2],
            Block::Run {
                script: "kubectl get pods\n".into(),
                fails: false
            }
        );
    }

    #[test]
    fn text_after_a_fence_in_a_list_item_is_not_code() {
        let b = blocks(
            "10. Run:\n\n    ```run\n    x\n    ```\n\n    Then look.\n\n      - deeper\n\n11. Next\n    more\n",
        );
        assert_eq!(
            b[2],
            Block::Markdown("Then look.\n\n  - deeper\n\n11. Next\n    more\n".into())
        );
    }

    #[test]
    fn longer_fences_hold_shorter_ones() {
        let b = blocks("````markdown\n```run\nnot run\n```\n````\n");
        assert_eq!(
            b,
            vec![Block::Code {
                lang: "markdown".into(),
                text: "```run\nnot run\n```\n".into()
            }]
        );
        // A tilde fence is not closed by backticks, nor by a shorter fence.
        let b = blocks("~~~~run\nx\n```\n~~~\n~~~~\n");
        assert_eq!(
            b,
            vec![Block::Run {
                script: "x\n```\n~~~\n".into(),
                fails: false
            }]
        );
        // Two backticks are inline code, not a fence; backticks in a backtick info string too.
        let b = blocks("``run``\n``` a`b\n");
        assert_eq!(b, vec![Block::Markdown("``run``\n``` a`b\n".into())]);
    }

    #[test]
    fn exercise_blocks() {
        let b = blocks(
            "```exercise id=scale\ntitle: Scale\ntask: Do **it**.\nhints:\n  - one\n  - two\n```\n",
        );
        assert_eq!(
            b,
            vec![Block::Exercise(ExerciseText {
                id: "scale".into(),
                title: "Scale".into(),
                task: "Do **it**.".into(),
                hints: vec!["one".into(), "two".into()],
            })]
        );
    }

    #[test]
    fn block_errors_have_lines() {
        let at = |body: &str| {
            let e = parse_lesson(&format!("{FRONT}{body}")).unwrap_err();
            (e.line, e.message)
        };
        assert_eq!(at("text\n```run\nkubectl get pods\n").0, Some(8));
        assert_eq!(at("```run twice\nx\n```\n").0, Some(7));
        assert_eq!(at("```yaml name=a\nx\n```\n").0, Some(7));
        assert_eq!(at("```exercise\ntitle: t\ntask: t\n```\n").0, Some(7));
        let (line, message) = at("\n```exercise id=a\ntitle: t\ntask: t\nhint: [x]\n```\n");
        assert_eq!(line, Some(11), "{message}");
        assert!(message.contains("hint"), "{message}");
        let (line, message) = at(
            "```exercise id=a\ntitle: t\ntask: t\n```\n```exercise id=a\ntitle: t\ntask: t\n```\n",
        );
        assert_eq!(line, Some(11));
        assert!(message.contains("twice"));
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod fuzz {
        use super::*;
        use proptest::prelude::*;

        fn piece() -> impl Strategy<Value = String> {
            prop_oneof![
                Just("```".to_string()),
                Just("~~~~".to_string()),
                Just("```run".to_string()),
                Just("```run fails".to_string()),
                Just("```yaml file=a.yaml".to_string()),
                Just("```exercise id=e".to_string()),
                Just("title: t\ntask: x".to_string()),
                Just("1. ".to_string()),
                Just("- ".to_string()),
                Just("   ".to_string()),
                Just("\t".to_string()),
                Just("\n".to_string()),
                Just("---".to_string()),
                "[ -~가-힣]{0,8}",
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]
            /// Any text, however broken its fences, is read or refused without a panic, and
            /// each block has its line.
            #[test]
            fn never_panics(pieces in proptest::collection::vec(piece(), 0..40)) {
                let text = format!("{FRONT}{}", pieces.concat());
                if let Ok(lesson) = parse_lesson(&text) {
                    prop_assert_eq!(lesson.blocks.len(), lesson.block_lines.len());
                }
                let _ = parse_lesson(&pieces.concat());
            }
        }
    }
}
