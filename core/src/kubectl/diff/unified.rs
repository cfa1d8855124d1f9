//! Line differences in GNU `diff -u` form: a longest common subsequence of the lines, then
//! hunks with three lines of context (`@@ -a,b +c,d @@`). Small inputs only (objects as
//! YAML), so the quadratic table is fine.

/// The hunks of a unified diff from `old` to `new` (no file header); empty when equal.
pub fn hunks(old: &str, new: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let ops = script(&a, &b);
    if ops.iter().all(|op| matches!(op, Op::Same(..))) {
        return String::new();
    }
    const CONTEXT: usize = 3;
    // Which ops are shown: changes and CONTEXT lines around them.
    let changed: Vec<usize> = (0..ops.len())
        .filter(|&i| !matches!(ops[i], Op::Same(..)))
        .collect();
    let mut shown = vec![false; ops.len()];
    for &i in &changed {
        let from = i.saturating_sub(CONTEXT);
        let to = (i + CONTEXT).min(ops.len() - 1);
        for flag in shown.iter_mut().take(to + 1).skip(from) {
            *flag = true;
        }
    }
    let mut out = String::new();
    let mut i = 0;
    while i < ops.len() {
        if !shown[i] {
            i += 1;
            continue;
        }
        let start = i;
        while i < ops.len() && shown[i] {
            i += 1;
        }
        let hunk = &ops[start..i];
        let (old_start, new_start) = positions(&ops[..start]);
        let old_len = hunk.iter().filter(|op| !matches!(op, Op::Add(_))).count();
        let new_len = hunk
            .iter()
            .filter(|op| !matches!(op, Op::Remove(_)))
            .count();
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            range(old_start, old_len),
            range(new_start, new_len)
        ));
        for op in hunk {
            match op {
                Op::Same(line) => out.push_str(&format!(" {line}\n")),
                Op::Remove(line) => out.push_str(&format!("-{line}\n")),
                Op::Add(line) => out.push_str(&format!("+{line}\n")),
            }
        }
    }
    out
}

enum Op<'a> {
    Same(&'a str),
    Remove(&'a str),
    Add(&'a str),
}

/// Lines of each side before an op index (0-based counts).
fn positions(before: &[Op]) -> (usize, usize) {
    let old = before.iter().filter(|op| !matches!(op, Op::Add(_))).count();
    let new = before
        .iter()
        .filter(|op| !matches!(op, Op::Remove(_)))
        .count();
    (old, new)
}

/// `start,len` as diff writes it: 1-based, `,len` left out when 1, and an empty side
/// named by the line before it.
fn range(before: usize, len: usize) -> String {
    match len {
        0 => format!("{before},0"),
        1 => format!("{}", before + 1),
        _ => format!("{},{len}", before + 1),
    }
}

/// The edit script: removals before additions within a change, as GNU diff prints them.
fn script<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<Op<'a>> {
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut ops = Vec::new();
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            ops.push(Op::Same(a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(Op::Remove(a[i]));
            i += 1;
        } else {
            ops.push(Op::Add(b[j]));
            j += 1;
        }
    }
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_like_gnu_diff() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nb\nc\nd\nE\nf\ng\nh\n";
        assert_eq!(
            hunks(old, new),
            "@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n"
        );
        assert_eq!(hunks(old, old), "");
        assert_eq!(hunks("", "x\n"), "@@ -0,0 +1 @@\n+x\n");
        assert_eq!(hunks("x\n", ""), "@@ -1 +0,0 @@\n-x\n");
        // Far-apart changes make separate hunks.
        let long: String = (1..=20).map(|n| format!("{n}\n")).collect();
        let changed = long.replace("2\n", "two\n").replace("19\n", "nineteen\n");
        let out = hunks(&long, &changed);
        assert_eq!(out.matches("@@ -").count(), 2, "{out}");
    }
}
