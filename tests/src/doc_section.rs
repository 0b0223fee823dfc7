//! Generated sections of a Markdown document, between `<!-- NAME:start -->` and `<!-- NAME:end -->`.

use std::path::Path;

/// Replaces the `marker` section of the Markdown file at `path` with `section` (appended at the
/// end when the markers are absent; a missing file starts as `# Conformance`). The conformance
/// tests call this with `SEALGATE_UPDATE_DOCS=1` so `docs/conformance.md` shows their last run.
pub fn update_doc_section(path: &Path, marker: &str, section: &str) -> std::io::Result<()> {
    let (start, end) = (
        format!("<!-- {marker}:start -->"),
        format!("<!-- {marker}:end -->"),
    );
    let old = std::fs::read_to_string(path).unwrap_or_else(|_| "# Conformance\n".to_owned());
    let block = format!("{start}\n{section}{end}");
    let new = match (old.find(&start), old.find(&end)) {
        (Some(a), Some(b)) if b > a => format!("{}{block}{}", &old[..a], &old[b + end.len()..]),
        _ => format!("{}\n\n{block}\n", old.trim_end()),
    };
    std::fs::write(path, new)
}

#[cfg(test)]
mod tests {
    use super::update_doc_section;

    #[test]
    fn replaces_between_markers_and_appends_when_absent() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("doc.md");
        std::fs::write(&path, "# Doc\n\nbefore\n")?;
        update_doc_section(&path, "x", "one\n")?;
        assert_eq!(
            std::fs::read_to_string(&path)?,
            "# Doc\n\nbefore\n\n<!-- x:start -->\none\n<!-- x:end -->\n"
        );
        update_doc_section(&path, "x", "two\n")?;
        assert_eq!(
            std::fs::read_to_string(&path)?,
            "# Doc\n\nbefore\n\n<!-- x:start -->\ntwo\n<!-- x:end -->\n"
        );
        Ok(())
    }
}
