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
    /// `--show-labels`: a LABELS column last, with each row's labels.
    pub labels: Option<Vec<String>>,
}

/// Renders a table as text, aligned as `tabwriter` (minwidth 6, padding 3) aligns it: each
/// column as wide as its widest cell plus 3, at least 6; the last column is not padded.
pub fn render(table: &Table, opts: &PrintOptions) -> String {
    let keep: Vec<usize> = (0..table.columns.len())
        .filter(|&i| opts.wide || !table.columns.get(i).is_some_and(|c| c.wide_only))
        .collect();
    let mut lines: Vec<Vec<String>> = Vec::new();
    let decorate = |mut cells: Vec<String>, ns: Option<&String>, labels: Option<&String>| {
        if let Some(ns) = ns {
            cells.insert(0, ns.clone());
        }
        if let Some(l) = labels {
            cells.push(l.clone());
        }
        cells
    };
    if !opts.no_headers {
        let headers = keep
            .iter()
            .filter_map(|&i| table.columns.get(i).map(|c| c.header.clone()))
            .collect();
        lines.push(decorate(
            headers,
            opts.namespaces
                .as_ref()
                .map(|_| "NAMESPACE".to_string())
                .as_ref(),
            opts.labels.as_ref().map(|_| "LABELS".to_string()).as_ref(),
        ));
    }
    for (r, row) in table.rows.iter().enumerate() {
        let cells = keep
            .iter()
            .map(|&i| row.get(i).cloned().unwrap_or_default())
            .collect();
        lines.push(decorate(
            cells,
            opts.namespaces.as_ref().and_then(|n| n.get(r)),
            opts.labels.as_ref().and_then(|l| l.get(r)),
        ));
    }
    align(&lines)
}

/// `tabwriter` alignment of rows of cells.
pub fn align(lines: &[Vec<String>]) -> String {
    let columns = lines.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; columns];
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
