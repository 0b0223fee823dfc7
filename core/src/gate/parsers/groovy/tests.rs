//! The groovy port's pieces: tokens, positions, the tree's shape, first errors, bounds.

use serde_json::{Value, json};

use super::lexer::Lexer;
use super::parse;
use super::token::Kind;

fn kinds(text: &str) -> Vec<(&'static str, String)> {
    let mut l = Lexer::new(text.as_bytes());
    let mut out = Vec::new();
    loop {
        let t = l.next_token();
        if t.kind == Kind::Eof {
            return out;
        }
        out.push((t.kind.name(), text[t.start..t.end].to_string()));
    }
}

#[test]
fn conftest_json_contract() {
    let got = parse("sh 'echo ok'").unwrap();
    let want: Value = serde_json::from_str(r#"{"kind":"FileNode","line":1,"column":1,"children":[{"kind":"ExpressionStmt","line":1,"column":1,"children":[{"kind":"CallExpr","line":1,"column":1,"children":[{"kind":"IdentExpr","line":1,"column":1,"children":[{"kind":"Identifier","text":"sh","line":1,"column":1}]},{"kind":"LiteralExpr","line":1,"column":4,"children":[{"kind":"StringLiteral","text":"'echo ok'","line":1,"column":4}]}]}]}]}"#).unwrap();
    assert_eq!(got, want);
}

#[test]
fn empty_file_is_a_bare_file_node() {
    assert_eq!(
        parse("").unwrap(),
        json!({"kind": "FileNode", "line": 1, "column": 1})
    );
}

#[test]
fn gstrings_split_around_interpolations() {
    assert_eq!(
        kinds("\"a $b.c ${d} e\""),
        [
            ("GStringBegin", "\"a $".to_string()),
            ("Identifier", "b".into()),
            ("Dot", ".".into()),
            ("Identifier", "c".into()),
            ("GStringPart", " $".into()),
            ("LBrace", "{".into()),
            ("Identifier", "d".into()),
            ("RBrace", "}".into()),
            ("GStringEnd", " e\"".into()),
        ]
    );
}

#[test]
fn newlines_end_statements_unless_continued() {
    let k: Vec<_> = kinds("a\nb\n  .c\n(d\n)")
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(
        k,
        [
            "Identifier",
            "Semicolon",
            "Identifier",
            "Dot",
            "Identifier",
            "Semicolon",
            "LParen",
            "Identifier",
            "RParen"
        ]
    );
}

#[test]
fn slashy_strings_only_where_an_expression_starts() {
    assert_eq!(
        kinds("x = /a\\/b/")[2],
        ("SlashyStringLit", "/a\\/b/".to_string())
    );
    assert_eq!(kinds("a / b")[1], ("Div", "/".to_string()));
    assert_eq!(kinds("$/a$/b/$")[0].0, "DollarSlashyStringLit");
}

#[test]
fn numbers() {
    for (text, kind) in [
        ("42", "IntLiteral"),
        ("0x1F", "IntLiteral"),
        ("0b101", "IntLiteral"),
        ("017", "IntLiteral"),
        ("09.5", "FloatLiteral"),
        ("1e3", "FloatLiteral"),
        ("2f", "FloatLiteral"),
        ("3G", "IntLiteral"),
        (".5", "FloatLiteral"),
    ] {
        assert_eq!(kinds(text), [(kind, text.to_string())], "{text}");
    }
}

#[test]
fn columns_count_bytes() {
    let v = parse("x = 'é' + y").unwrap();
    let y = &v["children"][0]["children"][0]["children"][2]["children"][2]["children"][0];
    assert_eq!(y["text"], "y");
    assert_eq!(y["column"], 12);
}

#[test]
fn first_error_with_its_position() {
    let e = parse("pipeline {").unwrap_err().to_string();
    assert!(
        e.contains("line 1, column 11: expected RBrace, got EOF"),
        "{e}"
    );
    let e = parse("x = \n)").unwrap_err().to_string();
    assert!(e.contains("line 2, column 1: expected expression"), "{e}");
}

#[test]
fn nesting_is_bounded() {
    for text in [
        format!("{}1{}", "(".repeat(256), ")".repeat(256)),
        format!("{}1", "-".repeat(100_000)),
        format!("x = {}", "[".repeat(100_000)),
        "if (a) ".repeat(50_000),
        "{".repeat(100_000),
    ] {
        let e = parse(&text).unwrap_err().to_string();
        assert!(e.contains("deeper than 256"), "{e}");
    }
    // within the bound
    parse(&format!("{}1{}", "(".repeat(100), ")".repeat(100))).unwrap();
    // too deep, yet parsed on to a syntax error further on, which conftest reports
    let e = parse(&format!("x = {}1 +", "[".repeat(600)))
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 1, column 608: expected expression"), "{e}");
    // array initializers nest without nodes, as in Go
    parse(&format!(
        "new int[]{}1{}",
        "{".repeat(5000),
        "}".repeat(5000)
    ))
    .unwrap();
}

#[test]
fn unterminated_strings_and_comments_are_tokens_not_errors() {
    parse("x = 'abc\ny = 1").unwrap();
    parse("x = 1 /* open").unwrap();
    parse("x = \"\"\"open").unwrap();
}

/// The tree as lines `KIND TEXT LINE:COLUMN`, indented by depth.
fn outline(text: &str) -> String {
    fn walk(n: &Value, depth: usize, out: &mut String) {
        let text = n["text"]
            .as_str()
            .map(|t| format!(" {t}"))
            .unwrap_or_default();
        out.push_str(&format!(
            "{}{}{} {}:{}\n",
            " ".repeat(depth),
            n["kind"].as_str().unwrap(),
            text,
            n["line"],
            n["column"]
        ));
        for c in n["children"].as_array().into_iter().flatten() {
            walk(c, depth + 1, out);
        }
    }
    let mut out = String::new();
    walk(&parse(text).unwrap(), 0, &mut out);
    out
}

/// Outlines read off `conftest parse --parser groovy` (v0.71.1).
#[test]
fn trees_as_conftest_prints_them() {
    assert_eq!(
        outline("a\t= \"x${\n b }\"\r\nc = 1\n"),
        "FileNode 1:1
 ExpressionStmt 1:1
  AssignExpr 1:1
   IdentExpr 1:1
    Identifier a 1:1
   Assign = 1:3
   GStringExpr 1:5
    GStringBegin \"x$ 1:5
    LBrace { 1:8
    ExpressionStmt 2:2
     IdentExpr 2:2
      Identifier b 2:2
    RBrace } 2:4
    GStringEnd \" 2:5
 ExpressionStmt 3:1
  AssignExpr 3:1
   IdentExpr 3:1
    Identifier c 3:1
   Assign = 3:3
   LiteralExpr 3:5
    IntLiteral 1 3:5
"
    );
    assert_eq!(
        outline("x = \"$a.\" + /re/\n"),
        "FileNode 1:1
 ExpressionStmt 1:1
  AssignExpr 1:1
   IdentExpr 1:1
    Identifier x 1:1
   Assign = 1:3
   BinaryExpr 1:5
    GStringExpr 1:5
     GStringBegin \"$ 1:5
     GStringPath 1:7
      Identifier a 1:7
     GStringEnd .\" 1:8
    Plus + 1:11
    LiteralExpr 1:13
     SlashyStringLit /re/ 1:13
"
    );
    // an annotated import is an import inside an import, as groovy-parser-go builds it
    let annotated =
        outline("@Grab(\"x\")\nimport a.b.C\nclass K { @Override String toString() { \"k\" } }\n");
    assert!(
        annotated.starts_with(
            "FileNode 1:1
 ImportDecl 1:1
  AnnotationNode 1:1
   At @ 1:1
   CapitalizedIdentifier Grab 1:2
   LParen ( 1:6
   LiteralExpr 1:7
    GStringFull \"x\" 1:7
   RParen ) 1:10
  ImportDecl 2:1
   KwImport import 2:1
"
        ),
        "{annotated}"
    );
    assert!(annotated.contains("\n  MethodDecl 3:11\n   AnnotationNode 3:11\n"));
}

/// The inner nodes' kinds in order (the file node left out), or `ERR LINE:COLUMN: MESSAGE`.
fn node_kinds(text: &str) -> String {
    fn walk(n: &Value, out: &mut Vec<String>) {
        if n.get("text").is_none() {
            out.push(n["kind"].as_str().unwrap().to_string());
        }
        for c in n["children"].as_array().into_iter().flatten() {
            walk(c, out);
        }
    }
    match parse(text) {
        Ok(v) => {
            let mut out = Vec::new();
            walk(&v, &mut out);
            out[1..].join(" ")
        }
        Err(e) => {
            let e = e.to_string();
            let rest = e.split("line ").nth(1).unwrap();
            let (line, rest) = rest.split_once(", column ").unwrap();
            let (column, message) = rest.split_once(": ").unwrap();
            let message = message.split(" (").next().unwrap();
            format!("ERR {line}:{column}: {message}")
        }
    }
}

/// Command expressions, closures against blocks, casts, tuples, maps against lists, labels,
/// declarations against methods, switch expressions, navigation: as `conftest parse` shapes them.
#[test]
fn parser_pieces_as_conftest_shapes_them() {
    for (text, want) in [
        (
            "sh 'a', b: 1",
            "ExpressionStmt CallExpr IdentExpr LiteralExpr MapEntry IdentExpr LiteralExpr",
        ),
        (
            "println foo.bar 'x'",
            "ExpressionStmt CallExpr IdentExpr CallExpr PropertyExpr IdentExpr LiteralExpr",
        ),
        (
            "{ a, b -> a }",
            "ExpressionStmt ClosureExpr ExpressionStmt IdentExpr",
        ),
        (
            "x = { String s, int... n -> }",
            "ERR 1:17: expected parameter name",
        ),
        ("(String) x", "ExpressionStmt CastExpr IdentExpr"),
        (
            "(a) + b",
            "ExpressionStmt BinaryExpr ParenExpr IdentExpr IdentExpr",
        ),
        ("(a, b) = c", "ExpressionStmt IdentExpr"),
        (
            "[a: 1]",
            "ExpressionStmt MapExpr MapEntry IdentExpr LiteralExpr",
        ),
        (
            "[1, *x]",
            "ExpressionStmt ListExpr LiteralExpr SpreadExpr IdentExpr",
        ),
        (
            "[(k): 1, *: m]",
            "ExpressionStmt MapExpr MapEntry ParenExpr IdentExpr LiteralExpr SpreadExpr IdentExpr",
        ),
        (
            "lbl: while (x) { continue lbl }",
            "LabeledStmt WhileStmt IdentExpr BlockStmt ContinueStmt",
        ),
        ("def f(a) { }", "MethodDecl BlockStmt"),
        ("String s = 'x', t", "VariableDecl LiteralExpr"),
        ("List<String> xs = []", "VariableDecl ListExpr"),
        (
            "x = switch (y) { case 1 -> 'a'; default -> 'b' }",
            "ExpressionStmt AssignExpr IdentExpr SwitchExpr IdentExpr CaseClause LiteralExpr ExpressionStmt LiteralExpr DefaultClause ExpressionStmt LiteralExpr",
        ),
        (
            "x = a instanceof B ? c as D : e",
            "ExpressionStmt AssignExpr IdentExpr TernaryExpr InstanceofExpr IdentExpr CastExpr IdentExpr IdentExpr",
        ),
        (
            "x = y?.z?[0]",
            "ExpressionStmt AssignExpr IdentExpr IndexExpr SafeNavExpr IdentExpr LiteralExpr",
        ),
        (
            "x = a..b",
            "ExpressionStmt AssignExpr IdentExpr RangeExpr IdentExpr IdentExpr",
        ),
        ("int[] xs = new int[2]", "VariableDecl NewExpr LiteralExpr"),
        (
            "x = 1\n  .plus(2)",
            "ExpressionStmt AssignExpr IdentExpr CallExpr PropertyExpr LiteralExpr LiteralExpr",
        ),
    ] {
        assert_eq!(node_kinds(text), want, "{text:?}");
    }
}

/// The deepest nesting of each kind the parser follows, on a thread with a validation worker's
/// 2 MiB stack (the parse runs on a thread of its own).
#[test]
fn deepest_nesting_of_each_kind_fits_the_parse_thread() {
    let n = 1100;
    let cases = [
        "if (a) ".repeat(n),
        "{ ".repeat(n),
        "a = ".repeat(n) + "1",
        "- ".repeat(n) + "1",
        "\"${".repeat(n),
        "f(".repeat(n),
        "[a: ".repeat(n),
        "{ -> ".repeat(n),
        "class A { ".repeat(n),
        "x = a ? ".repeat(n),
        "for (x in y) ".repeat(n),
        "switch (x) { case 1: ".repeat(n),
        "try { ".repeat(n),
        "a.b { ".repeat(n),
        "new A(".repeat(n),
        "(int) ".repeat(n),
    ];
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            for text in cases {
                let e = parse(&text).unwrap_err().to_string();
                assert!(e.contains("deeper than 256"), "{e}");
            }
        })
        .unwrap()
        .join()
        .unwrap();
}
