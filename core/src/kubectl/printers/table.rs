//! Tables as kubectl prints them: columns with a priority (1 = only with `-o wide`), cells
//! aligned like Go's `tabwriter` with kubectl's settings (minimum width 6, padding 3, spaces).

/// A column: its header (already upper-cased) and whether it is a wide-only column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub header: String,
    pub wide_only: bool,
}

/// A table as the API server would build it: every column, every row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(columns: &[(&str, bool)]) -> Table {
        Table {
            columns: columns
                .iter()
                .map(|(h, wide)| Column {
                    header: h.to_string(),
                    wide_only: *wide,
                })
                .collect(),
            rows: Vec::new(),
        }
    }
}

/// Options that change the printed table.
#[derive(Clone, Debug, Default)]
pub struct PrintOptions {
    pub wide: bool,
    pub no_headers: bool,
    /// `-A`: a NAMESPACE column first, with each row's namespace.
    pub namespaces: Option<Vec<String>>,
    /// `-L KEY`: a column per label key (its header, each row's value), before LABELS.
    pub label_columns: Vec<(String, Vec<String>)>,
    /// `--show-labels`: a LABELS column last, with each row's labels.
    pub labels: Option<Vec<String>>,
    /// `--output-watch-events`: an EVENT column before everything, with each row's event.
    pub events: Option<Vec<String>>,
}

/// Renders a table as text, aligned as `tabwriter` (minwidth 6, padding 3) aligns it: each
/// column as wide as its widest cell plus 3, at least 6; the last column is not padded.
pub fn render(table: &Table, opts: &PrintOptions) -> String {
    align(&lines(table, opts))
}

/// The cells of a table as printed, row by row (the header first unless `no_headers`), with
/// the decorations kubectl adds around the server's columns (`decorateTable` and the watch
/// event column): EVENT, NAMESPACE, the columns, `-L` columns, LABELS.
pub fn lines(table: &Table, opts: &PrintOptions) -> Vec<Vec<String>> {
    let keep: Vec<usize> = (0..table.columns.len())
        .filter(|&i| opts.wide || !table.columns.get(i).is_some_and(|c| c.wide_only))
        .collect();
    let mut lines: Vec<Vec<String>> = Vec::new();
    // `row` is None for the header.
    let decorate = |cells: Vec<String>, row: Option<usize>| {
        let cell = |values: &Vec<String>, header: &str| match row {
            None => header.to_string(),
            Some(r) => values.get(r).cloned().unwrap_or_default(),
        };
        let mut out = Vec::new();
        if let Some(events) = &opts.events {
            out.push(cell(events, "EVENT"));
        }
        if let Some(ns) = &opts.namespaces {
            out.push(cell(ns, "NAMESPACE"));
        }
        out.extend(cells);
        for (header, values) in &opts.label_columns {
            out.push(cell(values, header));
        }
        if let Some(labels) = &opts.labels {
            out.push(cell(labels, "LABELS"));
        }
        out
    };
    if !opts.no_headers {
        let headers = keep
            .iter()
            .filter_map(|&i| table.columns.get(i).map(|c| c.header.clone()))
            .collect();
        lines.push(decorate(headers, None));
    }
    for (r, row) in table.rows.iter().enumerate() {
        let cells = keep
            .iter()
            .map(|&i| row.get(i).cloned().unwrap_or_default())
            .collect();
        lines.push(decorate(cells, Some(r)));
    }
    lines
}

/// `tabwriter` alignment of rows of cells.
pub fn align(lines: &[Vec<String>]) -> String {
    align_remembering(lines, &mut Vec::new())
}

/// [`align`] for a writer flushed several times with `RememberWidths`, as kubectl's is when it
/// prints a watch: each column is at least as wide as it was in earlier flushes (`widths`,
/// updated), so rows printed later line up under the header.
pub fn align_remembering(lines: &[Vec<String>], widths: &mut Vec<usize>) -> String {
    let columns = lines.iter().map(Vec::len).max().unwrap_or(0);
    if widths.len() < columns {
        widths.resize(columns, 0);
    }
    for line in lines {
        // The last cell of a line is not in a column (no tab after it).
        for (i, cell) in line.iter().enumerate().take(line.len().saturating_sub(1)) {
            widths[i] = widths[i].max(cell.chars().count() + 3).max(6);
        }
    }
    let mut out = String::new();
    for line in lines {
        for (i, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if i + 1 < line.len() {
                let pad = widths[i].saturating_sub(cell.chars().count());
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_like_tabwriter() {
        let mut t = Table::new(&[("NAME", false), ("READY", false), ("IP", true)]);
        t.rows
            .push(vec!["web".into(), "1/1".into(), "10.244.1.2".into()]);
        assert_eq!(
            render(&t, &PrintOptions::default()),
            "NAME   READY\nweb    1/1\n"
        );
        let wide = PrintOptions {
            wide: true,
            ..PrintOptions::default()
        };
        assert_eq!(
            render(&t, &wide),
            "NAME   READY   IP\nweb    1/1     10.244.1.2\n"
        );
    }
}
