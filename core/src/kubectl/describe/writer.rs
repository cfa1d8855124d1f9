//! The text `kubectl describe` writes: lines at indentation levels (two spaces a level), with
//! `Key:\tvalue` cells aligned as Go's `text/tabwriter` aligns them with kubectl's settings for
//! describe output (minimum width 0, padding 2, spaces).
//!
//! The alignment is not a simple table: a column is aligned only over a *block* of consecutive
//! lines that all have a cell in it, so `Name:` and `Namespace:` line up with each other but not
//! with the `Labels:` continuation of an earlier block. Reproducing the block rule is what makes
//! the output look like kubectl's byte for byte (e.g. `Events:  <none>` aligning with the
//! `Tolerations:` above it but `Events:` headers not).

/// Indentation levels (upstream's `LEVEL_0` … `LEVEL_4`).
pub const LEVEL_0: usize = 0;
pub const LEVEL_1: usize = 1;
pub const LEVEL_2: usize = 2;
pub const LEVEL_3: usize = 3;
pub const LEVEL_4: usize = 4;

/// Collects describe output; [`PrefixWriter::finish`] aligns it.
#[derive(Default)]
pub struct PrefixWriter {
    text: String,
    /// Extra levels added to every write (upstream's nested prefix writer).
    indent: usize,
}

impl PrefixWriter {
    pub fn new() -> PrefixWriter {
        PrefixWriter::default()
    }

    /// Writes `text` after `level` indentation steps. Only the start of the text is indented:
    /// a multi-line text carries its own spaces on later lines, as upstream's format strings do.
    pub fn write(&mut self, level: usize, text: impl AsRef<str>) {
        for _ in 0..level + self.indent {
            self.text.push_str("  ");
        }
        push_escaped(&mut self.text, text.as_ref());
    }

    /// Writes `text` and a newline without indentation (inside a nested writer, with the
    /// nesting's indentation, as upstream's nested writer does).
    pub fn write_line(&mut self, text: impl AsRef<str>) {
        if self.indent > 0 {
            let mut line = text.as_ref().to_string();
            line.push('\n');
            self.write(LEVEL_0, line);
        } else {
            push_escaped(&mut self.text, text.as_ref());
            self.text.push('\n');
        }
    }

    /// Runs `f` with every write indented by `levels` more.
    pub fn nested(&mut self, levels: usize, f: impl FnOnce(&mut PrefixWriter)) {
        self.indent += levels;
        f(self);
        self.indent -= levels;
    }

    /// The aligned text.
    pub fn finish(self) -> String {
        align(&self.text, 2)
    }

    /// The text as written, tabs and all: what a prefix writer straight onto a buffer gives
    /// (`rollout history --revision` prints a pod template that way).
    pub fn unaligned(self) -> String {
        self.text
    }
}

/// `printers.WriteEscaped`: terminal escape and carriage return characters from object data
/// are shown, not obeyed.
fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\x1b' => out.push_str("^["),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

/// Go's `tabwriter` (left-aligned, padding character space, minimum width 0): each
/// tab-terminated cell is padded to the widest cell of its column block plus `padding`; the
/// last cell of a line is not part of any column. Widths count characters (runes).
pub fn align(text: &str, padding: usize) -> String {
    let lines: Vec<Vec<&str>> = text.split('\n').map(|l| l.split('\t').collect()).collect();
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut widths: Vec<usize> = Vec::new();
    format_block(&lines, 0, lines.len(), &mut widths, padding, &mut out);
    out
}

/// Formats lines `start..end` given the widths of the columns to the left, opening a nested
/// block for the next column wherever consecutive lines have a cell in it.
fn format_block(
    lines: &[Vec<&str>],
    start: usize,
    end: usize,
    widths: &mut Vec<usize>,
    padding: usize,
    out: &mut String,
) {
    let column = widths.len();
    let has_cell = |line: &Vec<&str>| line.len() > column + 1;
    let mut printed = start;
    let mut i = start;
    while i < end {
        if !lines.get(i).is_some_and(has_cell) {
            i += 1;
            continue;
        }
        write_lines(lines, printed, i, widths, out);
        let block_start = i;
        let mut width = 0;
        while let Some(line) = lines.get(i).filter(|l| i < end && has_cell(l)) {
            let cell = line.get(column).map_or(0, |c| c.chars().count());
            width = width.max(cell + padding);
            i += 1;
        }
        widths.push(width);
        format_block(lines, block_start, i, widths, padding, out);
        widths.pop();
        printed = i;
    }
    write_lines(lines, printed, end, widths, out);
}

fn write_lines(lines: &[Vec<&str>], start: usize, end: usize, widths: &[usize], out: &mut String) {
    for (index, line) in lines.iter().enumerate().take(end).skip(start) {
        for (j, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if let Some(width) = widths.get(j).filter(|_| j + 1 < line.len()) {
                let pad = width.saturating_sub(cell.chars().count());
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        if index + 1 < lines.len() {
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_only_within_a_column_block() {
        let text = "Name:\tweb\nNamespace:\tdefault\nLabels:\tapp=web\n\tx=y\nContainers:\n  nginx:\n    Image:\tnginx\n";
        assert_eq!(
            align(text, 2),
            "Name:       web\nNamespace:  default\nLabels:     app=web\n            x=y\nContainers:\n  nginx:\n    Image:  nginx\n"
        );
    }

    #[test]
    fn empty_cells_take_the_column_width() {
        let text = "  A\tB\t\tC\tD\n  ----\t--\t\t-\t-\n  ns\tweb\t\t1 (2%)\tend\n";
        assert_eq!(
            align(text, 2),
            "  A     B      C       D\n  ----  --     -       -\n  ns    web    1 (2%)  end\n"
        );
    }

    #[test]
    fn prefix_writer_indents_the_start_of_each_write() {
        let mut w = PrefixWriter::new();
        w.write(LEVEL_0, "Volumes:\n");
        w.write(LEVEL_2, "Type:\tEmptyDir\n    Medium:\t\n");
        w.write(LEVEL_0, "Labels:\t");
        w.write_line("<none>");
        w.nested(LEVEL_2, |w| {
            w.write(LEVEL_0, "Annotations:\t");
            w.write_line("<none>");
        });
        assert_eq!(
            w.finish(),
            concat!(
                "Volumes:\n",
                "    Type:         EmptyDir\n",
                "    Medium:       \n",
                "Labels:           <none>\n",
                "    Annotations:      <none>\n",
            )
        );
    }

    #[test]
    fn escapes_terminal_control_characters() {
        let mut w = PrefixWriter::new();
        w.write(LEVEL_0, "a\x1b[31mb\rc\n");
        assert_eq!(w.finish(), "a^[[31mb\\rc\n");
    }
}
