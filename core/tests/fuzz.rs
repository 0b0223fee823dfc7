//! Fuzz targets for every reader of untrusted input in sealgate-core: the YAML loader, the
//! Secret/SealedSecret readers, the blob decoder, the template parser and executor, the key and
//! cert readers, policy loading and conftest's config-file parsers. Seeds are this repository's
//! own test inputs, read at run time; the engine and its knobs (`SEALGATE_FUZZ_SECS`,
//! `SEALGATE_FUZZ_SEED`) are `sealgate_tests::Campaign`. A target passes when no input panics or aborts; every input that
//! once did is a regression test beside the code it broke (a 1,700-segment reference in a policy:
//! `chains::tests::a_policy_with_a_long_reference_is_one_error_not_an_abort`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use sealgate_core::gate::{InputDoc, PolicySource, RegoGate, RegoOptions};
use sealgate_core::manifest::{self, Budget, Source};
use sealgate_core::seal::{
    PrivateKey, SealOptions, SealedSecret, SealingCert, Secret, decode_base64, load_private_keys,
    seal_secret, template, unseal,
};
use sealgate_tests::Campaign;

use crate::seal_roundtrip_properties::pair;
use serde_json::{Value, json};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn vectors() -> PathBuf {
    repo().join("core/tests/vectors")
}

/// What the JSON vectors hold, sorted by role: whole SealedSecrets, blobs, template sources.
#[derive(Default)]
struct VectorParts {
    sealed: Vec<Value>,
    blobs: Vec<String>,
    templates: Vec<String>,
}

fn vector_parts() -> &'static VectorParts {
    static PARTS: OnceLock<VectorParts> = OnceLock::new();
    PARTS.get_or_init(|| {
        let mut parts = VectorParts::default();
        for dir in ["core/tests/vectors", "core/tests/template_vectors"] {
            let mut names: Vec<_> = std::fs::read_dir(repo().join(dir))
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect();
            names.sort();
            for path in names {
                let value: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
                collect_parts(&value, &mut parts);
            }
        }
        parts
    })
}

fn collect_parts(value: &Value, parts: &mut VectorParts) {
    match value {
        Value::Object(map) => {
            if map.get("kind").and_then(Value::as_str) == Some("SealedSecret") {
                parts.sealed.push(value.clone());
            }
            if let Some(Value::Object(items)) = map.get("encryptedData") {
                parts
                    .blobs
                    .extend(items.values().filter_map(Value::as_str).map(String::from));
            }
            if let Some(Value::Object(data)) = map.get("template").and_then(|t| t.get("data")) {
                parts
                    .templates
                    .extend(data.values().filter_map(Value::as_str).map(String::from));
            }
            map.values().for_each(|v| collect_parts(v, parts));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_parts(v, parts)),
        _ => {}
    }
}

/// Every YAML and JSON manifest the tests use (fixtures, examples, policies' test data).
fn manifest_seeds(name: &str) -> Campaign {
    let mut campaign = Campaign::new(name);
    for dir in [
        "cli/tests/fixtures",
        "core/tests/fixtures",
        "examples",
        "policies",
    ] {
        campaign = campaign.seed_files(&repo().join(dir), &[".yaml", ".yml", ".json"]);
    }
    for sealed in &vector_parts().sealed {
        campaign = campaign.seed(serde_json::to_vec_pretty(sealed).unwrap());
    }
    campaign.tokens(YAML_TOKENS)
}

const YAML_TOKENS: &[&str] = &[
    "---\n",
    "...\n",
    "&a ",
    "*a",
    "<<: *a\n",
    "!!binary ",
    "!!str ",
    "!!int ",
    "? ",
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    "|\n  ",
    ">-\n  ",
    "\"\\u0000\"",
    "'",
    "#",
    "%YAML 1.2\n",
    "%TAG ! x\n",
    "\t",
    "\u{feff}",
    "kind: Secret\n",
    "kind: SealedSecret\n",
    "apiVersion: v1\n",
    "apiVersion: bitnami.com/v1alpha1\n",
    "data:\n  k: ",
    "stringData:\n  k: ",
    "encryptedData:\n",
    "template:\n",
    "metadata:\n  name: x\n",
    "kind: List\nitems:\n- ",
    "null",
    "~",
    "true",
    ".inf",
];

fn load(bytes: &[u8]) -> Option<manifest::Manifest> {
    let budget = Budget {
        bytes: 1024 * 1024,
        documents: 1000,
    };
    let source = Source::from_bytes("fuzz.yaml", bytes.to_vec()).ok()?;
    manifest::load(source.with_budget(budget)).ok()
}

#[test]
fn fuzz_yaml_loader() {
    manifest_seeds("yaml_loader").run(|bytes| {
        if let Some(manifest) = load(bytes) {
            for doc in &manifest.documents {
                // the position index is built lazily: ask for lines of real pointers
                let _ = (doc.kind(), doc.name(), doc.namespace(), doc.line());
                let _ = doc.line_of("/metadata/name");
                let _ = doc.locate("/data");
            }
        }
    });
}

/// Each document of a mutant that decodes as `T`.
fn decoded<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Vec<T> {
    load(bytes)
        .map(|m| m.documents)
        .unwrap_or_default()
        .iter()
        .filter_map(|doc| serde_json::from_value(doc.value().clone()).ok())
        .collect()
}

#[test]
fn fuzz_secret_readers() {
    let cert = &pair().cert;
    manifest_seeds("secret_readers").run(|bytes| {
        for secret in decoded::<Secret>(bytes) {
            let _ = format!("{secret:?}");
            let _ = seal_secret(cert, &secret, &SealOptions::default());
        }
        for sealed in decoded::<SealedSecret>(bytes) {
            let _ = format!("{sealed:?}");
            if let Some(sources) = sealed.spec.template.as_ref().and_then(|t| t.data.as_ref()) {
                let _ = template::check(sources);
            }
        }
    });
}

#[test]
fn fuzz_unseal() {
    let keys = &pair().keys;
    manifest_seeds("unseal").run(|bytes| {
        for sealed in decoded::<SealedSecret>(bytes) {
            let _ = unseal(keys, &sealed, None);
        }
    });
}

#[test]
fn fuzz_blob_decoder() {
    let keys = &pair().keys;
    let mut campaign = Campaign::new("blob_decoder");
    for blob in &vector_parts().blobs {
        campaign = campaign.seed(blob.as_bytes());
        campaign = campaign.seed(decode_base64(blob).unwrap());
    }
    let campaign = campaign.tokens(&["=", "==", "\n", "AAAA", "////", "-_", " "]);
    campaign.run(|bytes| {
        let _ = keys.open_bytes(b"default/name", bytes, None);
        let _ = keys.open_bytes(b"", bytes, None);
        if let Ok(text) = std::str::from_utf8(bytes) {
            let _ = keys.open(b"default/name", text, None);
        }
    });
}

#[test]
fn fuzz_template() {
    let mut campaign = Campaign::new("template");
    for source in &vector_parts().templates {
        campaign = campaign.seed(source.as_bytes());
    }
    let campaign = campaign.tokens(&[
        "{{",
        "}}",
        "{{-",
        "-}}",
        "{{/*",
        "*/}}",
        "{{ end }}",
        "{{ else }}",
        "{{ if ",
        "{{ range ",
        "{{ with ",
        "{{ define \"x\" }}",
        "{{ template \"x\" }}",
        "{{ block \"x\" . }}",
        " | ",
        ".",
        "$",
        "$x := ",
        "index . \"k\"",
        "repeat 1000 ",
        "printf \"%999999d\" ",
        "b64dec ",
        "b64enc ",
        "toJson ",
        "fromJson ",
        "default ",
        "quote ",
        "(",
        ")",
        "\"",
        "`",
        "nil ",
        "trimPrefix ",
        "upper ",
        "lower ",
        "list ",
        "dict ",
        "add ",
        "until ",
        "seq ",
    ]);
    let values: BTreeMap<_, _> = [
        ("username", "admin"),
        ("password", "hunter2"),
        ("json", "{\"a\":[1,2,{\"b\":null}]}"),
        ("b64", "aGVsbG8="),
        ("empty", ""),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec().into()))
    .collect();
    campaign.run(|bytes| {
        let source = String::from_utf8_lossy(bytes).into_owned();
        let templates = BTreeMap::from([("out".to_string(), source)]);
        let _ = template::check(&templates);
        let _ = template::render(&templates, &values);
    });
}

#[test]
fn fuzz_key_cert_readers() {
    let mut campaign = Campaign::new("key_cert_readers");
    for dir in [
        "core/tests/vectors",
        "core/tests/fixtures",
        "cli/tests/fixtures",
        "examples",
    ] {
        campaign = campaign.seed_files(&repo().join(dir), &[".pem"]);
    }
    // the DER inside each PEM block too, for the DER readers
    let ders: Vec<Vec<u8>> = [
        "throwaway-test-2048-cert.pem",
        "throwaway-test-2048-key.pem",
    ]
    .iter()
    .map(|n| pem_der(&vectors().join(n)))
    .collect();
    for der in ders {
        campaign = campaign.seed(der);
    }
    let campaign = campaign.tokens(&[
        "-----BEGIN CERTIFICATE-----\n",
        "-----END CERTIFICATE-----\n",
        "-----BEGIN RSA PRIVATE KEY-----\n",
        "-----END RSA PRIVATE KEY-----\n",
        "-----BEGIN PRIVATE KEY-----\n",
        "-----END PRIVATE KEY-----\n",
        "\x02\x01\x00",
    ]);
    // DER headers (long lengths, indefinite length, the rsaEncryption OID) are not UTF-8
    let campaign = [
        &b"\x30\x82\xff\xff"[..],
        b"\x30\x80",
        b"\x30\x84\xff\xff\xff\xff",
        b"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01",
    ]
    .into_iter()
    .fold(campaign, Campaign::token_bytes);
    campaign.run(|bytes| {
        let _ = SealingCert::inspect_pem(bytes);
        let _ = SealingCert::from_pem(bytes);
        let _ = SealingCert::from_der(bytes.to_vec());
        let _ = PrivateKey::from_pem(bytes);
        let _ = PrivateKey::from_pkcs1_der(bytes);
        let _ = PrivateKey::from_pkcs8_der(bytes);
        let _ = load_private_keys(bytes, "fuzz.pem");
    });
}

fn pem_der(path: &Path) -> Vec<u8> {
    let text = std::fs::read_to_string(path).unwrap();
    let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    decode_base64(&body).unwrap()
}

#[test]
fn fuzz_policy_loading() {
    let mut campaign = Campaign::new("policy_loading");
    for dir in ["policies", "core/tests/fixtures", "examples"] {
        campaign = campaign.seed_files(&repo().join(dir), &[".rego"]);
    }
    let campaign = campaign.tokens(&[
        "package main\n",
        "import rego.v1\n",
        "deny contains msg if {\n",
        "}\n",
        "input.",
        "[",
        "]",
        "{",
        "}",
        "some x in ",
        "every x in ",
        ":= ",
        "== ",
        "not ",
        "with input as {} ",
        "f(x) := y if { y := f(x) }\n",
        "numbers.range(1, 1e12)",
        "concat(\"\", ",
        "strings.repeat(\"x\", 1e9)",
        "sprintf(\"%999999999d\", [1])",
        "net.cidr_expand(\"0.0.0.0/0\")",
        "array.concat(",
        "regex.match(",
        "walk(input, ",
        "json.unmarshal(",
        "yaml.unmarshal(",
        "parse_config_file(\"/etc/passwd\")",
        "default allow := false\n",
        "[x | x := input[_]]",
        "{k: v | some k, v in input}",
        "\"\\u0000\"",
        "`",
        "0.0000001",
        "1e308",
    ]);
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.rego");
    let input = json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "s", "namespace": "default", "labels": {"a": "b"}},
        "data": {"k": "dmFsdWU="}, "spec": {"containers": [{"image": "x:latest"}]}
    });
    campaign.run(|bytes| {
        std::fs::write(&policy, bytes).unwrap();
        let Ok(gate) = RegoGate::load(RegoOptions {
            policies: vec![PolicySource::Path(dir.path().to_path_buf())],
            all_namespaces: true,
            timeout: Duration::from_millis(200),
            ..RegoOptions::default()
        }) else {
            return;
        };
        let _ = gate.evaluate(&[InputDoc {
            file: "in.yaml",
            line: 1,
            value: &input,
        }]);
    });
}

/// conftest's config-file parsers (toml, ini, properties, dotenv, vcl, hocon, textproto, jsonc,
/// jsonnet, groovy) on mutants of the corner cases their peer tests run through conftest: every input
/// parses or is refused, none panics.
#[test]
fn fuzz_config_parsers() {
    use crate::peer_conftest_config_formats::{
        DOTENV_CORNERS, INI_CORNERS, PROPERTIES_CORNERS, TOML_CORNERS,
    };
    use crate::peer_conftest_groovy::GROOVY_CORNERS;
    use crate::peer_conftest_hocon::HOCON_CORNERS;
    use crate::peer_conftest_jsonc::JSONC_CORNERS;
    use crate::peer_conftest_jsonnet::JSONNET_SEEDS;
    use crate::peer_conftest_textproto::CORNERS as TEXTPROTO_CORNERS;
    use crate::peer_conftest_vcl::VCL_CORNERS;
    use sealgate_core::gate::parsers::{Context, Parser, ProtoTypes};
    // textproto files name types of a .proto folder: one with every kind of field, recursive.
    let protos = tempfile::tempdir().unwrap();
    std::fs::write(protos.path().join("fz.proto"), FUZZ_PROTO).unwrap();
    let context = Context {
        proto_types: ProtoTypes::load(&[protos.path().to_path_buf()]),
        ..Context::default()
    };
    let mut campaign = Campaign::new("config_parsers");
    let textproto_corners: Vec<String> = TEXTPROTO_CORNERS
        .iter()
        .map(|c| c.replace("pb2.", "fz.").replace("pb3.", "fz."))
        .collect();
    for corner in [
        TOML_CORNERS,
        INI_CORNERS,
        PROPERTIES_CORNERS,
        DOTENV_CORNERS,
        VCL_CORNERS,
        HOCON_CORNERS,
        JSONC_CORNERS,
        JSONNET_SEEDS,
        GROOVY_CORNERS,
    ]
    .concat()
    .into_iter()
    .chain(textproto_corners.iter().map(String::as_str))
    {
        campaign = campaign.seed(corner);
    }
    let campaign = campaign.tokens(&[
        "\n",
        "\r\n",
        "\r",
        "[",
        "]",
        "[[",
        "]]",
        "{",
        "}",
        "=",
        ":",
        "\"",
        "'",
        "\"\"\"",
        "'''",
        "`",
        "\\",
        "\\\n",
        "\\u",
        "${",
        "$",
        "#",
        ";",
        "!",
        ".",
        "export ",
        "0x1p-2",
        "1_0",
        "1979-05-27T07:32:00Z",
        "\u{feff}",
        "\t",
        "\u{a0}",
        "/*",
        "*/",
        "//",
        "(",
        ")",
        "backend ",
        "sub ",
        "\"/",
        "%",
        "+=",
        "${?",
        "include ",
        "\\u00",
        "# proto-message: fz.M\n",
        "<",
        ">",
        "m { ",
        "any { [type.googleapis.com/fz.M] { ",
        "[fz.ext]: ",
        "kids: [",
        "nan",
        "-inf",
        "0x7fffffff",
        "\\ud800",
        "1e400",
        "local ",
        "function(x) ",
        "std.",
        "|||\n",
        "self",
        "+:",
        "::",
        "\"\"\"",
        "${ x -> ",
        "$/",
        "/$",
        "->",
        "?.",
        "*.",
        "def ",
        "class ",
        "@Foo ",
        "pipeline { ",
        "sh '",
        "\n  .",
        "<..<",
        "!instanceof ",
        "new int[]{",
    ]);
    campaign.run(|bytes| {
        let text = String::from_utf8_lossy(bytes);
        for parser in [
            Parser::Toml,
            Parser::Ini,
            Parser::Properties,
            Parser::Dotenv,
            Parser::Vcl,
            Parser::Hocon,
            Parser::Jsonc,
            Parser::Jsonnet,
            Parser::Groovy,
        ] {
            let _ = parser.parse(&text);
        }
        let _ = Parser::Textproto.parse_in(&text, &context);
    });
}

/// conftest's cue parser (sealgate's CUE reader: lexer, parser, evaluator) on mutants of the
/// corner cases its peer test runs through conftest: every input parses or is refused, none
/// panics, overflows the stack or runs away (depth, step, vertex and size budgets).
#[test]
fn fuzz_cue_parser() {
    use crate::peer_conftest_cue::CUE_CORNERS;
    use sealgate_core::gate::parsers::Parser;
    let mut campaign = Campaign::new("cue_parser");
    for corner in CUE_CORNERS {
        campaign = campaign.seed(*corner);
    }
    let campaign = campaign.tokens(&[
        "\n",
        "{",
        "}",
        "[",
        "]",
        "(",
        ")",
        ":",
        "?:",
        "!:",
        ",",
        "...",
        "&",
        "|",
        "*",
        "=",
        "#D",
        "_h",
        "a",
        "b",
        "a.b",
        "x: ",
        "#D: ",
        "#D & ",
        "[string]: ",
        "[N=string]: ",
        "for k, v in ",
        "if ",
        "let X = ",
        "\"",
        "\"\"\"\n",
        "#\"",
        "'",
        "\\(",
        "\\",
        "1K",
        "0x",
        "1e",
        ".5",
        "1_0",
        ">=",
        "<",
        "=~",
        "!=",
        "_|_",
        "_",
        "int",
        "string",
        "len(",
        "div(",
        "@a(",
        "package ",
        "import ",
        "//",
        "\t",
        "\u{feff}",
        "a: b: a",
        "[a, a]",
        "\"\\(a)\"",
        "null",
        "true",
    ]);
    campaign.run(|bytes| {
        let text = String::from_utf8_lossy(bytes);
        let _ = Parser::Cue.parse(&text);
    });
}

/// The types the fuzzed textproto files name (`fz.M`): scalars, enums, maps, groups, a required
/// field, extensions, well-known types, and itself.
const FUZZ_PROTO: &str = r#"
syntax = "proto2";
package fz;
import "google/protobuf/any.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/wrappers.proto";
enum E { A = 0; B = 1; }
message Req { required string id = 1; }
message M {
  optional int32 i32 = 1; optional int64 i64 = 2; optional uint64 u64 = 3; optional float f = 4;
  optional double d = 5; optional bool b = 6; optional string s = 7; optional bytes by = 8;
  optional E e = 9; repeated M kids = 10; optional M m = 11; map<string, M> by_name = 12;
  map<int64, string> by_num = 13; optional google.protobuf.Any any = 14;
  optional google.protobuf.Struct st = 15; optional google.protobuf.Value v = 16;
  optional google.protobuf.Timestamp t = 17; optional google.protobuf.Duration du = 18;
  optional google.protobuf.FloatValue fw = 19; optional group G = 20 { optional M m = 1; }
  optional Req req = 21; oneof o { string os = 22; M om = 23; }
  extensions 100 to 200;
}
extend M { optional M ext = 100; repeated string exts = 101; }
"#;

/// conftest's other input parsers (hcl1, hcl2, nginx, dockerfile, ignore, xml, codeowners, edn,
/// cyclonedx, spdx) on mutants of the corner cases their peer tests run through conftest: every input parses or is
/// refused, none panics, none recurses past the stack.
#[test]
fn fuzz_markup_and_build_parsers() {
    use crate::peer_conftest_cyclonedx::CYCLONEDX_CORNERS;
    use crate::peer_conftest_dockerfile::{DOCKERFILE_CORNERS, IGNORE_CORNERS};
    use crate::peer_conftest_hcl1::HCL1_CORNERS;
    use crate::peer_conftest_markup_formats::{CODEOWNERS_CORNERS, EDN_CORNERS, XML_CORNERS};
    use crate::peer_conftest_parsers::{HCL_CORNERS, NGINX_CORNERS};
    use crate::peer_conftest_spdx::SPDX_CORNERS;
    use sealgate_core::gate::parsers::Parser;
    let mut campaign = Campaign::new("markup_and_build_parsers");
    for corner in [
        HCL_CORNERS,
        HCL1_CORNERS,
        NGINX_CORNERS,
        DOCKERFILE_CORNERS,
        IGNORE_CORNERS,
        XML_CORNERS,
        CODEOWNERS_CORNERS,
        EDN_CORNERS,
        CYCLONEDX_CORNERS,
        SPDX_CORNERS,
    ]
    .concat()
    {
        campaign = campaign.seed(corner);
    }
    let campaign = campaign.tokens(&[
        "\n",
        "\r\n",
        "{",
        "}",
        "[",
        "]",
        "(",
        ")",
        "<",
        ">",
        "</",
        "/>",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "&amp;",
        "&#x41;",
        "=",
        "\"",
        "'",
        "\\",
        "\\\n",
        "${",
        "%{",
        "~}",
        "<<EOT\n",
        "EOT\n",
        ";",
        "#",
        "@",
        "*",
        "**",
        "!",
        ":",
        "#{",
        "#_",
        "#inst ",
        "FROM ",
        "RUN ",
        "ONBUILD ",
        "<<EOF\n",
        "EOF\n",
        "# escape=`\n",
        "--mount=",
        "<bom>",
        "<component>",
        "<licenses>",
        "<tools>",
        "<dependency ref=\"a\">",
        "\"specVersion\": \"1.5\"",
        "\"components\": [",
        "<text>",
        "</text>",
        "SPDXID: SPDXRef-",
        "PackageName: ",
        "FileName: ",
        "SnippetSPDXID: ",
        "DocumentRef-",
        "\t",
        "\u{feff}",
        "<<-EOF\n",
        "\":",
        ",",
        "0x",
        ".5e",
    ]);
    campaign.run(|bytes| {
        let text = String::from_utf8_lossy(bytes);
        for parser in [
            Parser::Hcl1,
            Parser::Hcl2,
            Parser::Nginx,
            Parser::Dockerfile,
            Parser::Ignore,
            Parser::Xml,
            Parser::Codeowners,
            Parser::Edn,
            Parser::Cyclonedx,
            Parser::Spdx,
        ] {
            let _ = parser.parse(&text);
        }
    });
}
