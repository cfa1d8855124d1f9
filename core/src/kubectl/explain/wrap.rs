//! The text functions of kubectl's explain templates: `wrap`, mitchellh/go-wordwrap v1.0.1's
//! `WrapString` (which kubectl's word-wrap writer calls), and `indent`.

/// Breaks `s` into lines of at most `limit` characters at white space, as go-wordwrap does:
/// lengths count characters (runes); a word longer than the limit stays whole on its own
/// line; the spaces where a line is broken are dropped; existing newlines are kept, and the
/// spaces before them kept only while they fit. A no-break space is not a break.
pub fn wrap(s: &str, limit: usize) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / limit.max(1));
    let mut current = 0;
    let (mut word, mut space) = (String::new(), String::new());
    let (mut word_len, mut space_len) = (0, 0);
    for c in s.chars() {
        if c == '\n' {
            if !word.is_empty() || current + space_len <= limit {
                out.push_str(&space);
            }
            out.push_str(&word);
            (word, space) = (String::new(), String::new());
            (word_len, space_len) = (0, 0);
            out.push('\n');
            current = 0;
        } else if c.is_whitespace() && c != '\u{a0}' {
            if space.is_empty() || !word.is_empty() {
                current += space_len + word_len;
                out.push_str(&space);
                out.push_str(&word);
                (word, space) = (String::new(), String::new());
                (word_len, space_len) = (0, 0);
            }
            space.push(c);
            space_len += 1;
        } else {
            word.push(c);
            word_len += 1;
            if current + space_len + word_len > limit && word_len < limit {
                out.push('\n');
                current = 0;
                space.clear();
                space_len = 0;
            }
        }
    }
    if !word.is_empty() || current + space_len <= limit {
        out.push_str(&space);
    }
    out.push_str(&word);
    out
}

/// `amount` spaces before the text and after each of its newlines (a trailing newline gets
/// them too, as the template's `indent` does).
pub fn indent(amount: usize, s: &str) -> String {
    let pad = " ".repeat(amount);
    format!("{pad}{}", s.replace('\n', &format!("\n{pad}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_as_go_wordwrap() {
        for (input, limit, expected) in [
            ("", 10, ""),
            ("foo", 10, "foo"),
            ("foo bar baz", 10, "foo bar\nbaz"),
            ("foo bar baz", 7, "foo bar\nbaz"),
            ("foo bar baz", 6, "foo\nbar\nbaz"),
            // A word longer than the limit is never split.
            ("a verylongwordindeed b", 5, "a\nverylongwordindeed\nb"),
            // Newlines are kept; the spaces before one only if they fit.
            ("foo  \nbar", 10, "foo  \nbar"),
            ("foo  \nbar", 3, "foo\nbar"),
            ("one\n\ntwo", 10, "one\n\ntwo"),
            // Runes, not bytes.
            ("ééé ééé", 7, "ééé ééé"),
            // Trailing spaces are kept when they fit.
            ("foo ", 10, "foo "),
            ("foo\u{a0}bar baz", 7, "foo\u{a0}bar\nbaz"),
        ] {
            assert_eq!(wrap(input, limit), expected, "{input:?} at {limit}");
        }
    }

    #[test]
    fn indents_every_line() {
        assert_eq!(indent(4, "a\nb\n"), "    a\n    b\n    ");
        assert_eq!(indent(2, "x"), "  x");
    }
}
