//! `-o custom-columns=HEADER:PATH,...`: a table whose columns are JSONPath expressions (written
//! relaxed, as `.metadata.name` or `metadata.name`); several values in a cell are joined with
//! commas, and a cell with none shows `<none>`.

use serde_json::Value;

use super::jsonpath::{Template, relaxed};
use super::table::align;

pub struct CustomColumns {
    columns: Vec<(String, Template)>,
}

impl CustomColumns {
    /// Parses `HEADER:PATH,...` with kubectl's errors.
    pub fn parse(spec: &str) -> Result<CustomColumns, String> {
        if spec.is_empty() {
            return Err(
                "error: custom-columns format specified but no custom columns given".into(),
            );
        }
        let mut columns = Vec::new();
        for part in spec.split(',') {
            let Some((header, path)) = part.split_once(':') else {
                return Err(format!(
                    "error: unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
                ));
            };
            let template = relaxed(path).map_err(|e| format!("error: {e}"))?;
            columns.push((header.to_string(), template));
        }
        Ok(CustomColumns { columns })
    }

    /// `-o custom-columns-file`: a header line and a line of paths, whitespace-separated.
    pub fn parse_file(text: &str) -> Result<CustomColumns, String> {
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let headers: Vec<&str> = lines.next().unwrap_or("").split_whitespace().collect();
        let paths: Vec<&str> = lines.next().unwrap_or("").split_whitespace().collect();
        if headers.len() != paths.len() {
            return Err(format!(
                "error: expected {} columns, found {}",
                headers.len(),
                paths.len()
            ));
        }
        let spec: Vec<String> = headers
            .iter()
            .zip(&paths)
            .map(|(h, p)| format!("{h}:{p}"))
            .collect();
        CustomColumns::parse(&spec.join(","))
    }

    pub fn render(&self, objects: &[&Value], no_headers: bool) -> String {
        let mut lines = Vec::new();
        if !no_headers {
            lines.push(self.columns.iter().map(|(h, _)| h.clone()).collect());
        }
        for obj in objects {
            lines.push(
                self.columns
                    .iter()
                    .map(|(_, t)| {
                        let values: Vec<String> = t
                            .values(obj)
                            .into_iter()
                            .map(|v| match v {
                                Value::String(s) => s.clone(),
                                other => other.to_string(),
                            })
                            .collect();
                        if values.is_empty() {
                            "<none>".to_string()
                        } else {
                            values.join(",")
                        }
                    })
                    .collect(),
            );
        }
        align(&lines)
    }
}
