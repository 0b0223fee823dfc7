//! The flag table of docs/kubeseal.md, rendered from the flag table the drop-in parses with; a
//! test fails when the page drifts (`SEALGATE_UPDATE_DOCS=1 cargo test -p sealgate kubeseal`
//! rewrites it).

use std::fmt::Write as _;

use super::flags::{FLAGS, Kind, Status, env_name};

const MARKER: &str = "kubeseal-flags";

/// One Markdown table row per kubeseal flag: flag, environment variable, status, notes.
fn render() -> String {
    let mut text = String::from(
        "| Flag | Environment | Status | Notes |\n|------|-------------|--------|-------|\n",
    );
    for flag in FLAGS {
        let mut name = match flag.short {
            Some(c) => format!("`-{c}`, `--{}`", flag.name),
            None => format!("`--{}`", flag.name),
        };
        if !flag.type_name.is_empty() {
            let _ = write!(name, " {}", flag.type_name);
        }
        if !flag.default.is_empty() && flag.kind != Kind::Bool {
            let _ = write!(name, " (default `{}`)", flag.default);
        }
        let env = if flag.env {
            format!("`{}`", env_name(flag))
        } else {
            "none".to_owned()
        };
        let (status, notes) = match flag.status {
            Status::Same => ("same", ""),
            Status::Differs(why) => ("deliberate difference", why),
            Status::NotApplicable(why) => ("accepted, not applicable", why),
        };
        let notes = if flag.hidden && notes.is_empty() {
            "hidden in `--help`"
        } else {
            notes
        };
        let _ = writeln!(
            text,
            "| {name} | {env} | {status} | {} |",
            notes.replace('|', "\\|")
        );
    }
    text
}

mod tests {
    const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/kubeseal.md");

    #[test]
    fn flag_table_matches_docs_kubeseal_md() {
        let rendered = super::render();
        let path = std::path::Path::new(PATH);
        if std::env::var_os("SEALGATE_UPDATE_DOCS").is_some() {
            sealgate_tests::update_doc_section(path, super::MARKER, &rendered).unwrap();
            return;
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        let start = format!("<!-- {}:start -->\n", super::MARKER);
        let end = format!("<!-- {}:end -->", super::MARKER);
        let section = committed
            .split_once(&start)
            .and_then(|(_, rest)| rest.split_once(&end))
            .map(|(section, _)| section);
        assert!(
            section == Some(rendered.as_str()),
            "docs/kubeseal.md's flag table is out of date: run SEALGATE_UPDATE_DOCS=1 cargo test -p sealgate kubeseal"
        );
    }
}
