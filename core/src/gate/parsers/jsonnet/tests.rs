use serde_json::json;

use super::*;

fn eval(text: &str) -> Result<Value, String> {
    parse(text, &Context::default()).map_err(|e| e.to_string())
}

fn refusal(text: &str) -> String {
    eval(text).unwrap_err()
}

#[test]
fn programs_as_conftest_reads_them() {
    assert_eq!(
        eval("local x = 2; {a: x * 1.5, b:: 'hidden', c: [null, true, 'é'], d: {e: 1e300}}")
            .unwrap(),
        json!({"a": 3, "c": [null, true, "é"], "d": {"e": 1e300}})
    );
    // A top-level function is called with no arguments, as go-jsonnet does.
    assert_eq!(eval("function(x=2) x * 3").unwrap(), json!(6));
    assert_eq!(
        eval("[std.thisFile, -0, 0.1 + 0.2]").unwrap(),
        json!(["", -0.0, 0.30000000000000004])
    );
    assert_eq!(eval("'x' + 1").unwrap(), json!("x1"));
}

#[test]
fn go_jsonnet_behaviour_where_rsjsonnet_differs() {
    assert_eq!(
        refusal("std.xor('true', false)"),
        "jsonnet: line 1, column 1: std.xor and std.xnor take booleans"
    );
    assert!(refusal("std.strReplace('a', '', 'b')").contains("must not be empty"));
    assert_eq!(
        eval("std.foldl(function(a, c) a + c + c, 'bc', 'a')").unwrap(),
        json!("abbcc")
    );
    assert_eq!(
        eval("std.escapeStringBash(str_='a')").unwrap(),
        json!("'a'")
    );
    assert_eq!(
        eval("std.md5(s='')").unwrap(),
        json!("d41d8cd98f00b204e9800998ecf8427e")
    );
}

#[test]
fn refusals_name_the_place_and_never_a_value() {
    assert_eq!(
        refusal("{\n  a: 1,\n  b: x,\n}"),
        "jsonnet: line 3, column 6: unknown variable"
    );
    assert_eq!(
        refusal("local a = 1;\n  a +"),
        "jsonnet: line 2, column 6: syntax error: unexpected token"
    );
    assert_eq!(
        refusal("{a: 1}.b"),
        "jsonnet: line 1, column 1: unknown object field"
    );
    for text in [
        "error 'PLANTED-7f3a'",
        "assert 'PLANTED-7f3a' == 'x' : 'PLANTED-7f3a'; 1",
        "std.assertEqual('PLANTED-7f3a', 'x')",
        "{k: 'PLANTED-7f3a'}.PLANTED",
        "'PLANTED-7f3a' + function(x) x",
        "std.parseInt('PLANTED-7f3a')",
        "'PLANTED-7f3a",
    ] {
        let e = refusal(text);
        assert!(
            !e.contains("PLANTED-7f3a") && e.starts_with("jsonnet: "),
            "{text}: {e}"
        );
    }
    assert_eq!(refusal("function(x) x"), "jsonnet: call param not bound");
    assert_eq!(
        refusal("[function(x) x]"),
        "jsonnet: the result holds a function (not JSON)"
    );
}

#[test]
fn imports_beside_the_importing_file_then_in_the_input_folder() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("lib");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(
        sub.join("a.libsonnet"),
        "{ b: import 'b.libsonnet', c: importstr 'c.txt' }",
    )
    .unwrap();
    std::fs::write(sub.join("b.libsonnet"), "'beside'").unwrap();
    std::fs::write(dir.path().join("c.txt"), "not jsonnet").unwrap();
    std::fs::write(dir.path().join("bad.libsonnet"), "{ a: }").unwrap();
    let context = Context {
        dir: Some(dir.path().to_path_buf()),
        ..Context::default()
    };
    let ok = |t: &str| parse(t, &context).map_err(|e| e.to_string());
    assert_eq!(
        ok("local a = import 'lib/a.libsonnet'; [a, importstr 'c.txt', std.length(importbin 'c.txt')]").unwrap(),
        json!([{"b": "beside", "c": "not jsonnet"}, "not jsonnet", 11])
    );
    // Imported code is evaluated once: the same object both times.
    assert_eq!(
        ok("(import 'lib/b.libsonnet') == (import 'lib/b.libsonnet')").unwrap(),
        json!(true)
    );
    let e = ok("import 'bad.libsonnet'").unwrap_err();
    assert!(
        e.contains("bad.libsonnet: line 1, column 6: syntax error"),
        "{e}"
    );
    let e = ok("{\n x: import 'missing.libsonnet' }").unwrap_err();
    assert!(
        e.starts_with("jsonnet: line 2, column 5: cannot import `missing.libsonnet`"),
        "{e}"
    );
    // Without a folder (standard input, parse_config) there is nothing to import from.
    assert!(refusal("import 'lib/a.libsonnet'").contains("no folder to look in"));
}

#[test]
fn imports_stay_inside_the_input_folder_or_the_working_directory() {
    let outer = tempfile::tempdir().unwrap();
    let inner = outer.path().join("repo");
    std::fs::create_dir(&inner).unwrap();
    std::fs::write(outer.path().join("secret.txt"), "PLANTED-7f3a").unwrap();
    std::fs::write(inner.join("ok.txt"), "fine").unwrap();
    let context = Context {
        dir: Some(inner.clone()),
        ..Context::default()
    };
    assert_eq!(
        parse("importstr 'ok.txt'", &context).unwrap(),
        json!("fine")
    );
    let absolute = outer.path().join("secret.txt");
    for text in [
        "importstr '../secret.txt'".to_string(),
        format!("importstr '{}'", absolute.display()),
    ] {
        let e = parse(&text, &context).unwrap_err().to_string();
        assert!(e.contains("outside the input file's folder"), "{text}: {e}");
        assert!(!e.contains("PLANTED"), "{e}");
    }
}

/// Hostile programs end in an error, not in an aborted process.
#[test]
fn recursion_and_nesting_end_in_an_error() {
    assert_eq!(
        refusal("local f(x) = f(x + 1); f(0)"),
        "jsonnet: line 1, column 24: stack overflow (more than 500 calls deep)"
    );
    assert!(refusal("local o = { a: o.a + 1 }; o.a").contains("infinite recursion"));
    assert!(refusal("local o = { a(n): self.a(n + 1) }; o.a(0)").contains("stack overflow"));
    assert!(refusal("local a = a; a").contains("infinite recursion"));
    let deep = |n: usize| -> Vec<String> {
        vec![
            "{a:".repeat(n) + "1" + &"}".repeat(n),
            "local x = 1; ".repeat(n) + "x",
            "if true then ".repeat(n) + "1",
            "function(x) ".repeat(n) + "1",
            "[".repeat(n) + "1" + &"][0]".repeat(n),
            "std.type(".repeat(n) + "1" + &")".repeat(n),
            "assert true; ".repeat(n) + "1",
            "[x for x in ".repeat(n) + "[1]" + &"]".repeat(n),
            "-".repeat(n) + "1",
            "{a: 1}".to_string() + &".a".repeat(n),
            "local f(x) = f; f".to_string() + &"(1)".repeat(n),
            "local o = {a: o}; o".to_string() + &"['a']".repeat(n),
            "{}".repeat(n),
        ]
    };
    // Within the limit: parsed and evaluated on the thread's own stack (an error past the
    // call stack or the output's depth is fine).
    for text in deep(MAX_NESTING - 10) {
        let _ = eval(&text);
    }
    for text in deep(MAX_NESTING + 1).into_iter().chain(deep(100_000)) {
        let e = refusal(&text);
        assert!(
            e.contains("nested deeper than 2000 levels") || e.contains("2000 operator characters"),
            "{}: {e}",
            &text[..20]
        );
    }
    // Binary operators: the parser and the evaluator keep their own stacks.
    assert_eq!(
        eval(&("1".to_string() + &" + 1".repeat(100_000))).unwrap(),
        json!(100_001)
    );
    assert!(
        refusal("std.foldl(function(acc, x) [acc], std.range(1, 100000), [])")
            .contains("stack overflow")
    );
    assert!(refusal(&("[".repeat(200) + &"]".repeat(200))).contains("deeper than 128"));
    // Within an imported file too: the import's own line and column.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("deep.libsonnet"),
        "\n".to_string() + &"[".repeat(3_000),
    )
    .unwrap();
    let context = Context {
        dir: Some(dir.path().to_path_buf()),
        ..Context::default()
    };
    let e = parse("import 'deep.libsonnet'", &context)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("deep.libsonnet: line 2, column 2001: nested deeper"),
        "{e}"
    );
}

#[test]
fn item_and_output_budgets() {
    for text in [
        "std.range(1, 1e9)",
        "std.length(std.range(1, 1e9))",
        "std.makeArray(1e9, function(i) i)",
        "std.repeat('x', 1e9)",
        "std.repeat([1, 2], 1e8)",
        "local s = std; s.range(0, 1e10)",
    ] {
        assert!(
            refusal(text).contains("builds more than 16777216 items"),
            "{text}"
        );
    }
    assert_eq!(
        eval("std.length(std.range(1, 1e6))").unwrap(),
        json!(1_000_000)
    );
    let big = "local s = std.repeat('x', 1e6); [s for i in std.range(1, 20)]";
    assert!(refusal(big).contains("larger than"), "{big}");
}
