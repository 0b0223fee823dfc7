//! conftest's `hcl2` and `nginx` parsers, side by side with the real `conftest parse --parser …`
//! (v0.71.1), on files nobody here wrote: every `.tf`/`.hcl`/`.tfvars` and every nginx `.conf`
//! in a fixed set of Go modules (conftest's examples, HCL's spec suite and fuzz corpus, Terraform's
//! and Packer's test fixtures, gonginx's and ingress-nginx's configurations…), fetched into the
//! module cache with `go mod download`. sealgate's side is the `parse_config` builtin as a policy
//! calls it (the engine setup `validate --policy` uses). A file agrees when both print the same
//! JSON (numbers compared as numbers) or both refuse it. A second test runs corner cases of both
//! grammars (strip markers, directives, heredocs, gonginx's Lua blocks, quotes, reorderings, errors)
//! through both the same way. Without `conftest` or `go` the tests fail in CI and are skipped
//! loudly elsewhere.

use std::path::{Path, PathBuf};

use sealgate_core::gate::{InputDoc, PolicySource, RegoGate, RegoOptions};
use serde_json::{Value, json};

use crate::conftest_parse::{
    Verdict, assert_none_differ, conftest_parse, go_present, module_files, numbers_as_f64, verdict,
};

const TEST: &str = "peer_conftest_parsers";

/// Modules whose HCL files are read.
const HCL_MODULES: &[&str] = &[
    "github.com/open-policy-agent/conftest@v0.71.1",
    "github.com/hashicorp/hcl/v2@v2.23.0",
    "github.com/hashicorp/hcl@v1.0.0",
    "github.com/hashicorp/terraform@v1.13.3",
    "github.com/hashicorp/packer@v1.9.5",
    "github.com/external-secrets/external-secrets@v1.3.2",
    "github.com/aquasecurity/trivy-checks@v1.10.0",
];

/// Modules whose nginx configurations (`.conf` files with `nginx` in their path; all of gonginx's)
/// are read.
const NGINX_MODULES: &[&str] = &[
    "github.com/open-policy-agent/conftest@v0.71.1",
    "github.com/tufanbarisyildirim/gonginx@v0.0.0-20260220081509-8e17ce617db3",
    "k8s.io/ingress-nginx@v0.0.0-20240708192948-52c50467d67d",
];

/// Files on which sealgate must agree with conftest, at least (the counts of the last run; a
/// regression fails the test, and so does any file that differs).
const HCL_FLOOR: usize = 2239;
const NGINX_FLOOR: usize = 32;

/// Corner cases of both grammars (and of hcl2json's and gonginx's renderings), judged by conftest
/// like the files above: the expected output is whatever `conftest parse` prints.
pub(crate) const HCL_CORNERS: &[&str] = &[
    "",
    "# only a comment\n",
    "a = 1.0\nb = 1e3\nc = 0.1\nd = -2.5\ne = 123456789012345678\nf = !true\ng = -x\nh = !var.y\n",
    "a = \"${true}\"\nb = \"${1}\"\nc = \"a${1.5}\"\nd = \"${null}x\"\ne = \"${[1, 2]}\"\nf = \"${\"in\"}\"\n",
    "a = \"$${x} %%{y} ${z}\"\nb = \"\\u00e9\\n\\t\\\"\"\n",
    "a = \"x ${~ y ~} z\"\nb = \"%{ if c ~} yes %{~ else ~} no %{~ endif }\"\nc = \"%{ for k, v in m }${k}=${v},%{ endfor }\"\n",
    "a = \"pre ${c ? x : \"lit\"} post\"\nb = \"%{if c}only%{endif}\"\nc = \"%{if c}%{else}no%{endif}\"\n",
    "a = <<-EOT\n    one\n      two ${x}\n    ${y} three\n    EOT\nb = <<EOT\n  raw \\n $${x}\nEOT\n",
    "a = [for x in xs : upper(x) if x != \"\"]\nb = {for k, v in m : k => v...}\nc = a[*].b\nd = a.*.c\ne = f(1, [2], {x = 3})\n",
    "a = (1 + 2) * 3\nb = [(f(1))]\nc = {(var.k) = 1, \"q\" = 2, r = 3, 4 = 5, true = 6, null = 7}\nd = { a.b = 1 }\n",
    "a = x[\"k\"][0].y\nb = 1 == 2 || !(3 < 4) && 5 >= 6\nc = -(1)\nd = -1.5e-3\n",
    "b {}\nb {}\nc \"l1\" \"l2\" { x = 1 }\nc \"l1\" \"l3\" { x = 2 }\nd \"a\\\"b\" {}\ne = 1\ne2 {\n  e = 2\n}\n",
    "x = 1\nx {\n}\n",
    "b { a = 1 }\nb \"l\" {}\n",
    "b \"l\" {}\nb {}\n",
    "a = 1\na = 2\n",
    "a = \"unterminated\n",
    "a = <<EOT\nno end\n",
    "a = 1 b = 2\n",
    "a = \"an\u{303}o\"\nb = <<EOT\nan\u{303}o\nEOT\n",
    "a = [\n  1,\n  2,\n]\nb = {\n  x = 1\n  y = 2,\n}\n",
];

pub(crate) const NGINX_CORNERS: &[&str] = &[
    "",
    "# comment only\n",
    "user  nginx;\nworker_processes auto; # inline\nevents { worker_connections 1024; }\n",
    "http {\n  server { listen 80; }\n  gzip on;\n  server { listen 443 ssl; }\n  include mime.types;\n}\n",
    "http x y {\n  upstream u extra {\n    server b:1 weight=2 backup max_fails=1 weight=3;\n    keepalive 2;\n    server a;\n    server { listen 1; }\n  }\n}\n",
    "stream { server { listen 53 udp; proxy_pass dns; } upstream dns { server 10.0.0.1:53; } }\n",
    "server;\nserver a=b c;\n",
    "location / { return 200; }\nlocation = /x { return 404; }\nlocation ~ ^/a b { }\n",
    "location a b c { }\n",
    "location { }\n",
    "include a.conf b.conf;\n",
    "include;\n",
    "set $a \"x y\";\nset $b 'q\\'s';\nset $c `t`;\nreturn 200 ${a}b${c};\nrewrite ^/(.*)$ /x/$1 break;\n",
    "set $a \"a\\\\\";\n",
    "map $a $b {\n  default 0;\n  ~^x 1;\n  \"q r\" 2;\n  hostnames;\n}\ntypes { text/html html htm; }\n",
    "content_by_lua_block { ngx.say(\"hi\") if x then { } end }\naccess_by_lua_block {\n  -- #}\n}\n",
    "set_by_lua_block $res { return 1 }\n",
    "unknown_directive on;\n",
    "events {\n",
    "events { }\n}\nnot_reached junk junk\n",
    "events { } ; ;\n",
    "return 200 \"unterminated;\n",
    "worker_processes 1\n;\n",
    "worker_processes\n  1\n  2;\n",
    "error_page 500 502 /50x.html;\nif ($a = b) { return 403; }\n",
    "events {}\u{0}garbage {\n",
    "\"quoted_name\" on;\n",
];

fn files(modules: &[&str], wanted: impl Fn(&str, &Path) -> bool) -> Vec<PathBuf> {
    modules
        .iter()
        .flat_map(|module| module_files(module, |p| wanted(module, p)))
        .collect()
}

/// Per file: what `parse_config(parser, text)` gives a policy, or why it gave nothing.
fn sealgate_parse(parser: &str, texts: &[String]) -> Vec<Result<Value, String>> {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.rego");
    std::fs::write(
        &policy,
        "package main\n\ndeny contains msg if {\n\tmsg := json.marshal({\"v\": parse_config(input.parser, input.text)})\n}\n",
    )
    .unwrap();
    let gate = RegoGate::load(RegoOptions {
        policies: vec![PolicySource::Path(policy)],
        ..RegoOptions::default()
    })
    .unwrap();
    let inputs: Vec<Value> = texts
        .iter()
        .map(|t| json!({"parser": parser, "text": t}))
        .collect();
    let docs: Vec<InputDoc<'_>> = inputs
        .iter()
        .map(|value| InputDoc {
            file: "input",
            line: 1,
            value,
        })
        .collect();
    let evaluation = gate.evaluate(&docs).unwrap();
    evaluation
        .docs
        .iter()
        .map(|d| match d.findings.as_slice() {
            [one] => {
                let v: Value = serde_json::from_str(&one.message).unwrap();
                Ok(numbers_as_f64(v["v"].clone()))
            }
            [] => Err(d
                .errors
                .iter()
                .map(|e| e.error.to_string())
                .collect::<Vec<_>>()
                .join("; ")),
            many => panic!("one message expected, got {}", many.len()),
        })
        .collect()
}

/// (agreeing files, of which both refuse, differences) for `parser` on `files`.
fn compare(conftest: &Path, parser: &str, files: &[PathBuf]) -> (usize, usize, Vec<String>) {
    let (files, texts): (Vec<PathBuf>, Vec<String>) = files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok().map(|t| (f.clone(), t)))
        .unzip();
    compare_texts(conftest, parser, &files, &texts)
}

fn compare_texts(
    conftest: &Path,
    parser: &str,
    files: &[PathBuf],
    texts: &[String],
) -> (usize, usize, Vec<String>) {
    let theirs = conftest_parse(conftest, parser, files, numbers_as_f64);
    let ours = sealgate_parse(parser, texts);
    let (mut agree, mut refused, mut differ) = (0, 0, Vec::new());
    for ((f, t), o) in files.iter().zip(&theirs).zip(&ours) {
        match verdict(t, o) {
            Verdict::Same => agree += 1,
            Verdict::BothRefuse => {
                agree += 1;
                refused += 1;
            }
            Verdict::Differ(why) => differ.push(format!("{}: {why}", f.display())),
        }
    }
    (agree, refused, differ)
}

#[test]
fn peer_conftest_parsers_match_conftest_parse() {
    let Some(conftest) = sealgate_tests::peer_tool(TEST, "conftest").unwrap() else {
        return;
    };
    if !go_present(TEST) {
        return;
    }
    let hcl = files(HCL_MODULES, |_, p| {
        matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("tf" | "hcl" | "tfvars")
        )
    });
    let nginx = files(NGINX_MODULES, |module, p| {
        p.extension().and_then(|e| e.to_str()) == Some("conf")
            && (module.contains("gonginx") || p.to_string_lossy().contains("nginx"))
    });
    let mut differ = Vec::new();
    for (parser, files, floor) in [("hcl2", &hcl, HCL_FLOOR), ("nginx", &nginx, NGINX_FLOOR)] {
        let (agree, refused, d) = compare(&conftest, parser, files);
        eprintln!(
            "{TEST}: {parser}: {agree} of {} files agree with conftest ({refused} refused by both), {} differ",
            files.len(),
            d.len()
        );
        assert!(
            agree >= floor,
            "{parser}: {agree} files agree, fewer than the {floor} of the last run"
        );
        differ.extend(d);
    }
    assert_none_differ("files", &differ);
}

#[test]
fn peer_conftest_parsers_corner_cases_match_conftest_parse() {
    let Some(conftest) = sealgate_tests::peer_tool(TEST, "conftest").unwrap() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut differ = Vec::new();
    for (parser, corners) in [("hcl2", HCL_CORNERS), ("nginx", NGINX_CORNERS)] {
        let texts: Vec<String> = corners.iter().map(|c| (*c).to_string()).collect();
        let files: Vec<PathBuf> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let f = dir.path().join(format!("{parser}-{i}"));
                std::fs::write(&f, t).unwrap();
                f
            })
            .collect();
        let (agree, refused, d) = compare_texts(&conftest, parser, &files, &texts);
        eprintln!(
            "{TEST}: {parser} corner cases: {agree} of {} agree ({refused} refused by both)",
            files.len()
        );
        // Both sides refusing every case would prove nothing: most must parse.
        assert!(refused * 2 < files.len(), "{parser}: {refused} refused");
        differ.extend(
            d.into_iter()
                .map(|d| format!("{d}\n  input: {:?}", texts[file_index(&d)])),
        );
    }
    assert_none_differ("corner cases", &differ);
}

/// The case number in a difference's file name (`…/PARSER-N: …`).
fn file_index(difference: &str) -> usize {
    let name = difference.split(':').next().unwrap_or_default();
    name.rsplit('-').next().unwrap().parse().unwrap()
}
