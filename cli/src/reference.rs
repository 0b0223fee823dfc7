//! The CLI reference (`docs/cli.md`), rendered from the clap definitions; a test fails when it drifts.

use clap::{Command, CommandFactory};

use crate::cli::Cli;

/// Every command's long help, parents before children, as one Markdown page. Environment values
/// are hidden and the width is fixed so the page does not depend on who renders it.
pub fn render() -> String {
    let mut page = String::from(
        "# sealgate command reference\n\nGenerated from the clap definitions (`cli/src/reference.rs`); \
         `SEALGATE_UPDATE_DOCS=1 cargo test -p sealgate reference` rewrites it.\n",
    );
    let mut root = Cli::command().term_width(100);
    root.build();
    add(&mut page, &root, "sealgate");
    page
}

fn add(page: &mut String, command: &Command, path: &str) {
    let mut shown = command.clone().mut_args(|arg| arg.hide_env_values(true));
    let help = shown.render_long_help().to_string();
    page.push_str(&format!(
        "\n## `{path}`\n\n```text\n{}\n```\n",
        help.trim_end()
    ));
    for sub in command
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        add(page, sub, &format!("{path} {}", sub.get_name()));
    }
}

#[cfg(test)]
mod tests {
    const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/cli.md");

    #[test]
    fn reference_matches_docs_cli_md() {
        let rendered = super::render();
        if std::env::var_os("SEALGATE_UPDATE_DOCS").is_some() {
            std::fs::write(PATH, &rendered).unwrap();
            return;
        }
        let committed = std::fs::read_to_string(PATH).unwrap_or_default();
        assert!(
            committed == rendered,
            "docs/cli.md is out of date with the clap definitions: run SEALGATE_UPDATE_DOCS=1 cargo test -p sealgate reference"
        );
    }
}
