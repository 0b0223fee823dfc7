//! conftest's input parsers: configuration files that are not Kubernetes manifests (Terraform,
//! nginx, TOML, INI, Java properties, dotenv files, Varnish VCL, HOCON, CycloneDX and SPDX SBOMs,
//! protobuf text format, JSON with comments, Jsonnet programs, Groovy Jenkinsfiles, CUE) read into
//! the JSON that `conftest parse` gives for them, so that policies written for conftest see the
//! same `input`.
//!
//! Used by `validate` (files conftest would read with these parsers, and `--parser`) and by the
//! `parse_config*` builtins. Each format is a file of its own beside this one; which parser reads
//! a file follows conftest's `parser.NewFromPath` (v0.71.1).

use std::path::{Path, PathBuf};

use serde_json::Value;

mod codeowners;
mod cue;
mod cyclonedx;
mod dockerfile;
mod dockerfile_instructions;
mod dockerfile_json;
mod dockerfile_line;
mod dockerfile_shell;
mod dotenv;
mod edn;
mod go_json;
mod go_unicode;
mod groovy;
mod hcl1;
mod hcl2;
mod hocon;
mod ignore;
mod ini;
mod jsonc;
mod jsonnet;
pub mod jsonnet_child;
mod jsonnet_errors;
mod jsonnet_nesting;
mod nginx;
mod nginx_directives;
mod properties;
mod spdx;
mod textproto;
mod textproto_json;
mod textproto_types;
mod toml;
mod vcl;
mod xml;

pub use textproto_types::ProtoTypes;

/// What a parser may read beyond a file's text.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The folder of the file being read (none for stdin and `parse_config`): where a format with
    /// imports looks for them, as conftest's path-aware parsers do.
    pub dir: Option<PathBuf>,
    /// The protobuf message types textproto files may name (`--proto-file-dirs`, loaded once per
    /// run; without it, the well-known types).
    pub proto_types: ProtoTypes,
    /// The program that evaluates Jsonnet in a child process of its own, bounded in memory and
    /// CPU time (`PROGRAM __jsonnet [DIR]`: the sealgate binary); none: in this process, where a
    /// program that doubles a string until memory runs out would end the whole run.
    pub jsonnet_child: Option<PathBuf>,
}

impl Context {
    /// This context (its proto types and Jsonnet child) for the file at `path`.
    pub fn for_file(&self, path: &Path) -> Context {
        Context {
            dir: path.parent().map(Path::to_path_buf),
            ..self.clone()
        }
    }

    /// This context with Jsonnet evaluated by `program` in a bounded child process.
    pub fn with_jsonnet_child(self, program: PathBuf) -> Context {
        Context {
            jsonnet_child: Some(program),
            ..self
        }
    }

    /// This context with the message types of `--proto-file-dirs`.
    pub fn with_proto_types(self, proto_types: ProtoTypes) -> Context {
        Context {
            proto_types,
            ..self
        }
    }
}

/// One of conftest's parsers that sealgate has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Parser {
    Yaml,
    Json,
    Hcl1,
    Hcl2,
    Nginx,
    Dockerfile,
    Ignore,
    Xml,
    Codeowners,
    Edn,
    Groovy,
    Toml,
    Ini,
    Properties,
    Dotenv,
    Hocon,
    Vcl,
    Cyclonedx,
    Spdx,
    Textproto,
    Cue,
    /// Not in conftest's list of parsers, yet picked for `.jsonc` and by `--parser jsonc`.
    Jsonc,
    Jsonnet,
}

impl Parser {
    /// Every parser, by name (as conftest lists them).
    pub const ALL: &[Parser] = &[
        Parser::Codeowners,
        Parser::Cue,
        Parser::Cyclonedx,
        Parser::Dockerfile,
        Parser::Dotenv,
        Parser::Edn,
        Parser::Groovy,
        Parser::Hcl1,
        Parser::Hcl2,
        Parser::Hocon,
        Parser::Ignore,
        Parser::Ini,
        Parser::Json,
        Parser::Jsonnet,
        Parser::Nginx,
        Parser::Properties,
        Parser::Spdx,
        Parser::Textproto,
        Parser::Toml,
        Parser::Vcl,
        Parser::Xml,
        Parser::Yaml,
    ];

    /// conftest's name for it (`--parser`, `parse_config`).
    pub fn name(self) -> &'static str {
        match self {
            Parser::Yaml => "yaml",
            Parser::Json => "json",
            Parser::Hcl1 => "hcl1",
            Parser::Hcl2 => "hcl2",
            Parser::Nginx => "nginx",
            Parser::Dockerfile => "dockerfile",
            Parser::Ignore => "ignore",
            Parser::Xml => "xml",
            Parser::Codeowners => "codeowners",
            Parser::Edn => "edn",
            Parser::Groovy => "groovy",
            Parser::Toml => "toml",
            Parser::Ini => "ini",
            Parser::Properties => "properties",
            Parser::Dotenv => "dotenv",
            Parser::Hocon => "hocon",
            Parser::Vcl => "vcl",
            Parser::Cyclonedx => "cyclonedx",
            Parser::Spdx => "spdx",
            Parser::Textproto => "textproto",
            Parser::Cue => "cue",
            Parser::Jsonc => "jsonc",
            Parser::Jsonnet => "jsonnet",
        }
    }

    /// The parser conftest calls `name` (`yml` too, as conftest's extension rule allows, and
    /// `jsonc`, which conftest's `New` knows but its list leaves out).
    pub fn from_name(name: &str) -> Option<Parser> {
        match name {
            "yml" => Some(Parser::Yaml),
            "jsonc" => Some(Parser::Jsonc),
            _ => Parser::ALL.iter().copied().find(|p| p.name() == name),
        }
    }

    /// The parser conftest picks for a file by its name (`parser.NewFromPath`), when sealgate has
    /// it; `None` for names conftest reads with a parser sealgate lacks or with none at all.
    ///
    /// The rules go in conftest's order, as the first that matches wins: Dockerfiles by name,
    /// YAML, HCL, ignore files, then dotenv by name (`.env`, `.env.*`, `*.env`), `nginx.conf`,
    /// Jenkinsfiles by name (`Jenkinsfile`, `Jenkinsfile.*`: groovy), textproto by extension
    /// (`.textproto`, `.textpb`), `CODEOWNERS`, and otherwise the extension names the parser
    /// (`.groovy` too).
    pub fn for_path(path: &Path) -> Option<Parser> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        // Go's `filepath.Ext`: from the last dot, so `.gitignore`'s extension is `gitignore`.
        let ext = name.rfind('.').map_or("", |i| &name[i + 1..]);
        // conftest's order: a Dockerfile by name first (`Dockerfile`, `Dockerfile.*`,
        // `*.dockerfile`), then by extension.
        if name == "dockerfile" || name.starts_with("dockerfile.") || ext == "dockerfile" {
            return Some(Parser::Dockerfile);
        }
        match ext {
            "yml" | "yaml" => Some(Parser::Yaml),
            "hcl" | "tf" | "tfvars" => Some(Parser::Hcl2),
            "gitignore" | "dockerignore" => Some(Parser::Ignore),
            _ if name == ".env" || name.starts_with(".env.") || ext == "env" => {
                Some(Parser::Dotenv)
            }
            _ if name == "nginx.conf" => Some(Parser::Nginx),
            _ if name == "jenkinsfile" || name.starts_with("jenkinsfile.") => Some(Parser::Groovy),
            "textproto" | "textpb" => Some(Parser::Textproto),
            _ if name == "codeowners" => Some(Parser::Codeowners),
            _ => Parser::from_name(ext),
        }
    }

    /// Whether this parser reads Kubernetes manifests (YAML and JSON are read by the manifest
    /// loader, with positions; the others only by [`Parser::parse`]).
    pub fn is_manifest(self) -> bool {
        matches!(self, Parser::Yaml | Parser::Json)
    }

    /// `text` as conftest's parser gives it: one value (a YAML stream of several documents is an
    /// array of them, as conftest returns it).
    pub fn parse(self, text: &str) -> anyhow::Result<Value> {
        self.parse_in(text, &Context::default())
    }

    /// [`Parser::parse`] for a file read in `context` (its folder, the loaded protobuf types).
    pub fn parse_in(self, text: &str, context: &Context) -> anyhow::Result<Value> {
        match self {
            Parser::Yaml | Parser::Json => {
                let docs =
                    crate::gate::rego::parse_yaml_stream(text).map_err(anyhow::Error::msg)?;
                Ok(match docs.len() {
                    0 => Value::Null,
                    1 => docs.into_iter().next().unwrap_or(Value::Null),
                    _ => Value::Array(docs),
                })
            }
            Parser::Hcl1 => hcl1::parse(text),
            Parser::Hcl2 => hcl2::parse(text),
            Parser::Nginx => nginx::parse(text),
            Parser::Dockerfile => dockerfile::parse(text),
            Parser::Ignore => ignore::parse(text),
            Parser::Xml => xml::parse(text),
            Parser::Codeowners => codeowners::parse(text),
            Parser::Edn => edn::parse(text),
            Parser::Groovy => groovy::parse(text),
            Parser::Toml => toml::parse(text),
            Parser::Ini => ini::parse(text),
            Parser::Properties => properties::parse(text),
            Parser::Dotenv => dotenv::parse(text),
            Parser::Hocon => hocon::parse(text),
            Parser::Vcl => vcl::parse(text),
            Parser::Cyclonedx => cyclonedx::parse(text),
            Parser::Spdx => spdx::parse(text),
            Parser::Textproto => textproto::parse(text, &context.proto_types),
            Parser::Cue => cue::parse(text),
            Parser::Jsonc => jsonc::parse(text),
            Parser::Jsonnet => jsonnet::parse(text, context),
        }
    }

    /// `text` as the documents conftest evaluates its policies on: a parser's array result is one
    /// document per item (a Dockerfile's, an ignore file's), as conftest's runner splits it.
    pub fn documents(self, text: &str, context: &Context) -> anyhow::Result<Vec<Value>> {
        if self.is_manifest() {
            return crate::gate::rego::parse_yaml_stream(text).map_err(anyhow::Error::msg);
        }
        Ok(match self.parse_in(text, context)? {
            Value::Array(items) => items,
            other => vec![other],
        })
    }
}

/// The names of every parser, for messages: `codeowners, dockerfile, dotenv, …`.
pub fn names() -> String {
    Parser::ALL
        .iter()
        .map(|p| p.name())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// conftest's `NewFromPath` rules (and their order) for the names sealgate reads.
    #[test]
    fn parser_by_file_name_as_conftest_picks_it() {
        for (name, parser) in [
            ("Dockerfile", Some(Parser::Dockerfile)),
            ("dockerfile.debug", Some(Parser::Dockerfile)),
            ("Dockerfile.yaml", Some(Parser::Dockerfile)),
            ("dev.Dockerfile", Some(Parser::Dockerfile)),
            ("Dockerfile-dev", None),
            (".gitignore", Some(Parser::Ignore)),
            ("x.dockerignore", Some(Parser::Ignore)),
            ("rules.ignore", Some(Parser::Ignore)),
            ("a.yml", Some(Parser::Yaml)),
            (".yaml", Some(Parser::Yaml)),
            ("main.tf", Some(Parser::Hcl2)),
            ("old.hcl", Some(Parser::Hcl2)),
            ("old.hcl1", Some(Parser::Hcl1)),
            ("OLD.HCL1", Some(Parser::Hcl1)),
            ("a/.env", Some(Parser::Dotenv)),
            (".ENV.prod", Some(Parser::Dotenv)),
            ("prod.env", Some(Parser::Dotenv)),
            ("x.dotenv", Some(Parser::Dotenv)),
            (".env.yaml", Some(Parser::Yaml)),
            (".env.tf", Some(Parser::Hcl2)),
            (".env.toml", Some(Parser::Dotenv)),
            (".env.gitignore", Some(Parser::Ignore)),
            ("dockerfile.env", Some(Parser::Dockerfile)),
            ("Dockerfile.toml", Some(Parser::Dockerfile)),
            ("Cargo.toml", Some(Parser::Toml)),
            ("grafana.INI", Some(Parser::Ini)),
            ("app.properties", Some(Parser::Properties)),
            ("default.VCL", Some(Parser::Vcl)),
            ("application.hocon", Some(Parser::Hocon)),
            ("application.conf", None),
            ("nginx.conf", Some(Parser::Nginx)),
            ("other.conf", None),
            ("Jenkinsfile", Some(Parser::Groovy)),
            ("jenkinsfile.toml", Some(Parser::Groovy)),
            ("a/JENKINSFILE.prod", Some(Parser::Groovy)),
            ("build.groovy", Some(Parser::Groovy)),
            ("build.gradle", None),
            ("x.jenkinsfile", None),
            ("Jenkinsfile-dev", None),
            ("Jenkinsfile.yaml", Some(Parser::Yaml)),
            ("Jenkinsfile.tf", Some(Parser::Hcl2)),
            ("env", None),
            ("bom.CycloneDX", Some(Parser::Cyclonedx)),
            ("bom.cdx.json", Some(Parser::Json)),
            ("sbom.spdx", Some(Parser::Spdx)),
            ("sbom.spdx.json", Some(Parser::Json)),
            ("a.textproto", Some(Parser::Textproto)),
            ("A.TEXTPB", Some(Parser::Textproto)),
            ("a.txtpb", None),
            (".env.textproto", Some(Parser::Dotenv)),
            ("tsconfig.jsonc", Some(Parser::Jsonc)),
            ("a.JSONC", Some(Parser::Jsonc)),
            ("arith.jsonnet", Some(Parser::Jsonnet)),
            ("lib.libsonnet", None),
            ("deployment.cue", Some(Parser::Cue)),
            ("A.CUE", Some(Parser::Cue)),
        ] {
            assert_eq!(Parser::for_path(Path::new(name)), parser, "{name}");
        }
    }

    /// Config values may be secrets: a refusal names its line (and a key), never a value.
    #[test]
    fn refusals_never_echo_a_value() {
        const PLANTED: &str = "PLANTED-7f3a";
        let cases: &[(Parser, &str)] = &[
            (Parser::Toml, "k = \"PLANTED-7f3a\nx = 1\n"),
            (Parser::Toml, "k = PLANTED-7f3a\n"),
            (Parser::Toml, "k = 'PLANTED-7f3a'\nk = 1\n"),
            (Parser::Toml, "k = 1979-05-27T23:59:60Z # PLANTED-7f3a\n"),
            (Parser::Ini, "[s]\nPLANTED-7f3a\n"),
            (Parser::Ini, "[s]\nk = \"\"\"PLANTED-7f3a\n"),
            (Parser::Ini, "[PLANTED-7f3a\n"),
            (Parser::Properties, "k = ${PLANTED-7f3a\n"),
            (Parser::Properties, "k = PLANTED-7f3a\\u12"),
            (Parser::Properties, "=PLANTED-7f3a\n"),
            (Parser::Dotenv, "K=PLANTED-7f3a\nPLANTED-7f3a\n"),
            (Parser::Dotenv, "K=\"PLANTED-7f3a\n"),
            (Parser::Dotenv, "export PLANTED-7f3a\n"),
            (Parser::Vcl, "x = \"PLANTED-7f3a\";\n#\n"),
            (Parser::Vcl, "x = 1;\nbackend PLANTED-7f3a"),
            (Parser::Vcl, &"x = \"PLANTED-7f3a\";\nsub s {".repeat(300)),
            (Parser::Hocon, "a { b = \"PLANTED-7f3a\\q\" }\n"),
            (Parser::Hocon, "a { b = PLANTED-7f3a ! }\n"),
            (Parser::Hocon, "a { b = [PLANTED-7f3a, =] }\n"),
            (Parser::Hcl1, "k = \"PLANTED-7f3a\nx = 1\n"),
            (Parser::Hcl1, "k = 1\nk = \"PLANTED-7f3a\"\n"),
            (Parser::Hcl1, "k = \"\\400PLANTED-7f3a\"\n"),
            (Parser::Hcl1, "k { x = 1 }\nk = \"PLANTED-7f3a\"\n"),
            (Parser::Hcl1, "{\"k\": \"\\/PLANTED-7f3a\"}"),
            (Parser::Jsonc, "{\"k\": PLANTED-7f3a}"),
            (Parser::Jsonc, "{\"k\": \"PLANTED-7f3a\n"),
            (Parser::Jsonc, "{\"k\": \"PLANTED-7f3a\", }"),
            (Parser::Groovy, "x = 'PLANTED-7f3a'\npipeline {"),
            (Parser::Groovy, "def k = \"PLANTED-7f3a ${\n"),
            (Parser::Groovy, "sh PLANTED-7f3a )"),
            (
                Parser::Groovy,
                &format!("x = {}'PLANTED-7f3a'", "[".repeat(300)),
            ),
            (Parser::Cue, "a: \"PLANTED-7f3a\nb: 1\n"),
            (Parser::Cue, "a: \"PLANTED-7f3a\" b: 1\n"),
            (Parser::Cue, "a: \"\\qPLANTED-7f3a\"\n"),
            (Parser::Cue, "a: 'PLANTED-7f3a\\x4'\n"),
            (Parser::Cue, "a: \"\"\"\n  PLANTED-7f3a\n    \"\"\"\n"),
        ];
        for (parser, text) in cases {
            let e = parser.parse(text).unwrap_err().to_string();
            assert!(!e.contains(PLANTED), "{}: {e}", parser.name());
            assert!(e.contains("line "), "{}: {e}", parser.name());
        }
    }
}
