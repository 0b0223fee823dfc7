//! Unit tests of `template.data` rendering: each supported form, trimming, errors.

use std::collections::BTreeMap;

use super::*;

fn values() -> BTreeMap<String, Plaintext> {
    [
        ("password", "s3cr&t<x>"),
        ("user", "admin"),
        ("tls.crt", "CERT"),
        ("empty", ""),
        ("multi", "a\nb"),
        ("b64", "aGVsbG8="),
        ("spaced", "  pad \t\n"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), Plaintext::from_slice(v.as_bytes())))
    .collect()
}

fn one(source: &str) -> Result<String, TemplateError> {
    let templates = BTreeMap::from([("out".to_owned(), source.to_owned())]);
    render(&templates, &values())
        .map(|mut m| String::from_utf8(m.remove("out").unwrap().as_bytes().to_vec()).unwrap())
}

fn ok(source: &str) -> String {
    match one(source) {
        Ok(text) => text,
        Err(e) => panic!("{source:?}: {e}"),
    }
}

#[test]
fn fields_index_and_literals() {
    assert_eq!(ok("user={{ .user }}"), "user=admin");
    assert_eq!(ok(r#"{{ index . "tls.crt" }}"#), "CERT");
    assert_eq!(ok(r#"{{ index . "nope" }}|"#), "|");
    assert_eq!(ok("{{ .nope }}"), "<no value>");
    assert_eq!(
        ok(r#"{{ "lit" }} {{ `raw\n` }} {{ 42 }} {{ -7 }} {{ true }} {{ 1.5 }}"#),
        "lit raw\\n 42 -7 true 1.5"
    );
    assert_eq!(ok(r#"{{ "tab\there\u00e9" }}"#), "tab\thereé");
    assert_eq!(ok("{{ $.user }}"), "admin");
    assert_eq!(ok("{{ len . }}"), "7");
    assert_eq!(ok("{{ len .user }}"), "5");
    assert_eq!(ok("{{/* a comment */}}x"), "x");
}

#[test]
fn pipelines_and_sprig_string_functions() {
    assert_eq!(ok("{{ .user | upper }}"), "ADMIN");
    assert_eq!(ok("{{ .user | upper | lower }}"), "admin");
    assert_eq!(ok("{{ .user | b64enc }}"), "YWRtaW4=");
    assert_eq!(ok("{{ .b64 | b64dec }}"), "hello");
    assert_eq!(
        ok(r#"{{ "%%%" | b64dec }}"#),
        "illegal base64 data at input byte 0"
    );
    assert_eq!(ok("{{ .password | quote }}"), r#""s3cr&t<x>""#);
    assert_eq!(ok("{{ .multi | quote }}"), r#""a\nb""#);
    assert_eq!(ok("{{ .user | squote }}"), "'admin'");
    assert_eq!(ok("{{ .spaced | trim }}|"), "pad|");
    assert_eq!(
        ok(r#"{{ printf "%s:%s" .user .password }}"#),
        "admin:s3cr&t<x>"
    );
    assert_eq!(
        ok(r#"{{ printf "%q %d %v %%" .user 5 true }}"#),
        r#""admin" 5 true %"#
    );
    assert_eq!(ok(r#"{{ printf "%s" }}"#), "%!s(MISSING)");
    assert_eq!(ok(r#"{{ .nope | default "fallback" }}"#), "fallback");
    assert_eq!(ok(r#"{{ .empty | default "fallback" }}"#), "fallback");
    assert_eq!(ok(r#"{{ .user | default "fallback" }}"#), "admin");
    assert_eq!(ok(r#"{{ replace "a" "b" "banana" }}"#), "bbnbnb");
    assert_eq!(ok(r#"{{ .user | trimPrefix "ad" }}"#), "min");
    assert_eq!(ok(r#"{{ .multi | indent 2 }}"#), "  a\n  b");
    assert_eq!(ok(r#"{{ .multi | nindent 2 }}"#), "\n  a\n  b");
    assert_eq!(ok(r#"{{ repeat 3 "ab" }}"#), "ababab");
    assert_eq!(
        ok(r#"{{ .user | sha256sum }}"#),
        "8c6976e5b5410415bde908bd4dee15dfb167a9c873fc4bb8a81f6f2ab448a918"
    );
    assert_eq!(ok(r#"{{ cat .user nil 3 }}"#), "admin 3");
    assert_eq!(ok(r#"{{ print .user 1 2 "x" }}"#), "admin1 2x");
    assert_eq!(ok(r#"{{ (index . "user") | upper }}"#), "ADMIN");
}

#[test]
fn to_json_escapes_like_go() {
    assert_eq!(
        ok("{{ toJson .password }}"),
        r#""s3cr\u0026t\u003cx\u003e""#
    );
    assert_eq!(ok("{{ toRawJson .password }}"), r#""s3cr&t<x>""#);
    assert_eq!(ok("{{ .multi | toJson }}"), r#""a\nb""#);
    assert_eq!(ok("{{ toJson .nope }}"), "null");
    assert_eq!(ok("{{ toJson 3 }}"), "3");
    assert_eq!(
        ok(r#"{"auths":{"r":{"auth":{{ printf "%s:%s" .user .password | b64enc | toJson }}}}}"#),
        r#"{"auths":{"r":{"auth":"YWRtaW46czNjciZ0PHg+"}}}"#
    );
}

#[test]
fn control_structures_and_variables() {
    assert_eq!(ok("{{ if .user }}yes{{ else }}no{{ end }}"), "yes");
    assert_eq!(
        ok("{{ if .empty }}yes{{ else if .user }}elif{{ else }}no{{ end }}"),
        "elif"
    );
    assert_eq!(ok("{{ if not .nope }}absent{{ end }}"), "absent");
    assert_eq!(ok(r#"{{ if eq .user "admin" }}root{{ end }}"#), "root");
    assert_eq!(ok(r#"{{ if and .user (ne .user "x") }}ok{{ end }}"#), "ok");
    assert_eq!(ok("{{ with .user }}{{ . }}!{{ end }}"), "admin!");
    assert_eq!(ok("{{ with .nope }}x{{ else }}none{{ end }}"), "none");
    assert_eq!(ok("{{ $u := .user }}{{ $u }}-{{ $u }}"), "admin-admin");
    assert_eq!(
        ok("{{ range $k, $v := . }}{{ $k }};{{ end }}"),
        "b64;empty;multi;password;spaced;tls.crt;user;"
    );
    assert_eq!(ok("{{ range $i := 3 }}{{ $i }}{{ end }}"), "012");
    assert_eq!(ok("{{ range .nope }}x{{ else }}empty{{ end }}"), "empty");
}

#[test]
fn trim_markers() {
    assert_eq!(ok("a  \n {{- .user -}} \n  b"), "aadminb");
    assert_eq!(ok("a {{- .user }} b"), "aadmin b");
    assert_eq!(ok("a {{ .user -}}\n\n b"), "a adminb");
    assert_eq!(ok("{{ if .user -}}\n  yes\n{{- end }}"), "yes");
    assert_eq!(ok("x {{- /* gone */ -}} y"), "xy");
    // `{{-3}}` is the number -3, not a trim marker
    assert_eq!(ok("a {{-3}}"), "a -3");
}

#[test]
fn unsupported_constructs_are_named() {
    let err = one("{{ .user | sha1sum }}").unwrap_err();
    assert_eq!(
        err.to_string(),
        "template.data[\"out\"]: function `sha1sum` is not supported"
    );
    // Named even in a branch that never runs, as Go does at parse time.
    let err = one("{{ if false }}{{ env \"HOME\" }}{{ end }}").unwrap_err();
    assert!(
        matches!(err, TemplateError::Unsupported { ref construct, .. } if construct == "function `env`"),
        "{err}"
    );
    let err = one(r#"{{ define "x" }}{{ end }}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "template.data[\"out\"]: `{{define}}` is not supported"
    );
    let err = one(r#"{{ printf "%5s" .user }}"#).unwrap_err();
    assert!(matches!(err, TemplateError::Unsupported { .. }), "{err}");
}

#[test]
fn errors_never_contain_values() {
    for source in [
        "{{ .password | upper 3 }}",
        "{{ .password.x }}",
        "{{ .nope | upper }}",
        "{{ index .password 99 }}",
        "{{ .password 1 }}",
        "{{ eq .password 1 }}",
    ] {
        let err = one(source).unwrap_err();
        let text = err.to_string();
        assert!(
            matches!(err, TemplateError::Exec { .. }),
            "{source}: {text}"
        );
        assert!(!text.contains("s3cr"), "{source}: {text}");
    }
}

#[test]
fn parse_errors_give_the_line() {
    let err = one("line1\n{{ .user ").unwrap_err();
    assert!(matches!(err, TemplateError::Parse { line: 2, .. }), "{err}");
    let err = one("{{ if .user }}no end").unwrap_err();
    assert!(matches!(err, TemplateError::Parse { .. }), "{err}");
    let err = one("{{ end }}").unwrap_err();
    assert!(matches!(err, TemplateError::Parse { .. }), "{err}");
    let err = one("{{ }}").unwrap_err();
    assert!(matches!(err, TemplateError::Parse { .. }), "{err}");
    let err = one(r#"{{ "unterminated }}"#).unwrap_err();
    assert!(matches!(err, TemplateError::Parse { .. }), "{err}");
}

#[test]
fn binary_values_pass_through_unchanged() {
    let values = BTreeMap::from([("bin".to_owned(), Plaintext::from_slice(&[0, 255, 10, 200]))]);
    let templates = BTreeMap::from([("out".to_owned(), "<{{ .bin }}>".to_owned())]);
    let out = render(&templates, &values).unwrap();
    assert_eq!(out["out"].as_bytes(), b"<\x00\xff\n\xc8>");
}

#[test]
fn check_validates_without_values() {
    let ok_templates = BTreeMap::from([("a".to_owned(), "{{ .x | upper }}".to_owned())]);
    assert!(check(&ok_templates).is_ok());
    let bad = BTreeMap::from([("a".to_owned(), "{{ .x | nope }}".to_owned())]);
    assert!(check(&bad).is_err());
}

/// Found by `fuzz_template`: each level of nesting was one parser (and executor) stack frame, so a
/// short template overflowed the stack and aborted `unseal` and the controller.
#[test]
fn deep_nesting_is_one_parse_error_not_a_stack_overflow() {
    for source in [
        format!(
            "{}x{}",
            "{{ if true }}".repeat(100_000),
            "{{ end }}".repeat(100_000)
        ),
        format!(
            "{{{{ print {}1{} }}}}",
            "(".repeat(100_000),
            ")".repeat(100_000)
        ),
        format!(
            "{}{{{{ print {}1{} }}}}{}",
            "{{ with . }}".repeat(60),
            "(".repeat(60),
            ")".repeat(60),
            "{{ end }}".repeat(60)
        ),
    ] {
        let error = one(&source).unwrap_err().to_string();
        assert!(error.contains("nest deeper than 100 levels"), "{error}");
    }
    // 100 levels are still fine
    let fine = format!("{}x{}", "{{ if true }}".repeat(99), "{{ end }}".repeat(99));
    assert_eq!(ok(&fine), "x");
    assert_eq!(
        ok(&format!(
            "{{{{ print {}1{} }}}}",
            "(".repeat(100),
            ")".repeat(100)
        )),
        "1"
    );
}

/// Found by `fuzz_template`: each space inside an action rescanned the rest of its run, so 20 KB
/// of spaces took 7 s; a 1 MiB template would have held `unseal` and the controller for hours.
#[test]
fn long_runs_of_spaces_in_an_action_take_linear_time() {
    let source = format!(
        "{{{{{}print 1{} }}}}",
        " ".repeat(1 << 20),
        "\t".repeat(1 << 20)
    );
    // quadratic, this ran for hours (a hang, not a slow test: speed is the benchmarks' business)
    assert_eq!(ok(&source), "1");
    assert_eq!(ok("{{ print 1   -}}   x"), "1x");
}

/// Found by `fuzz_template` (the kernel killed the run at 22 GB): every value was capped at 1 MiB
/// but a template could make thousands of them. 5,000 one-MiB arguments must fail after 64 MiB.
#[test]
fn many_large_values_hit_the_render_budget_not_the_memory() {
    let arg = r#" (repeat 1048576 "x")"#;
    for source in [
        format!("{{{{ print{} }}}}", arg.repeat(5000)),
        format!(
            "{{{{ $a := 1 }}}}{}{{{{ len $a }}}}",
            format!("{{{{ $a = len{arg} }}}}").repeat(5000)
        ),
    ] {
        let error = one(&source).unwrap_err().to_string();
        assert!(
            error.contains("add up to more than 67108864 bytes"),
            "{error}"
        );
    }
    // the budget is per render: the next one starts from zero
    assert_eq!(ok(r#"{{ len (repeat 1048576 "x") }}"#), "1048576");
    // and 60 values of 1 MiB are still fine
    assert_eq!(
        ok(&format!(
            "{{{{ len (print{}) }}}}",
            r#" (repeat 17476 "x")"#.repeat(60)
        )),
        "1048560"
    );
}

/// Found by `fuzz_template` (a 120 s run): `range` over an int made all its items first, so
/// `{{ range 8000000000000 }}` asked for 256 TB and aborted; and nested ranges, each small, could
/// run for days in the controller. Both stop at the step budget, before the loop.
#[test]
fn huge_and_nested_ranges_stop_at_the_step_budget() {
    for source in [
        "{{ range 8000000000000 }}x{{ end }}",
        "{{ range 1000 }}{{ range 1000 }}{{ range 1000 }}{{ end }}{{ end }}{{ end }}",
        "{{ range $i, $v := 9223372036854775807 }}{{ $i }}{{ end }}",
    ] {
        let error = one(source).unwrap_err().to_string();
        assert!(
            error.contains("more than 1000000 steps"),
            "{source}: {error}"
        );
    }
    assert_eq!(
        ok("{{ range $i, $v := 3 }}{{ $i }}{{ $v }}{{ end }}"),
        "001122"
    );
    assert_eq!(ok("{{ range 0 }}x{{ else }}none{{ end }}"), "none");
    assert_eq!(ok("{{ range 300 }}{{ range 300 }}{{ end }}{{ end }}."), ".");
}
