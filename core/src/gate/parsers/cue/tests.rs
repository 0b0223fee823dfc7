//! The cue reader's own cases: each construct against the JSON `cue export` gives (checked with
//! conftest v0.71.1 when written), refusals, and hostile input.

use serde_json::json;

use super::parse;

fn ok(src: &str) -> serde_json::Value {
    parse(src).unwrap_or_else(|e| panic!("{src:?}: {e}"))
}

fn refused(src: &str) -> String {
    match parse(src) {
        Ok(v) => panic!("{src:?} gave {v}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn concrete_data() {
    assert_eq!(
        ok("a: b: c: 1\nd: [1, 2.5, \"x\", true, null]\n"),
        json!({"a": {"b": {"c": 1}}, "d": [1, 2.5, "x", true, null]})
    );
    assert_eq!(
        ok("x: 1K\ny: 1.5Mi\nz: 0x_1f\nw: 1_000\nv: 0o17\nu: 0b101\n"),
        json!({"x": 1000, "y": 1572864, "z": 31, "w": 1000, "v": 15, "u": 5})
    );
    assert_eq!(
        ok("a: 'ab\\x00'\nb: \"\"\"\n    x\n      y\n    \"\"\"\nc: #\"a\\#n\\n\"#\n"),
        json!({"a": "YWIA", "b": "x\n  y", "c": "a\n\\n"})
    );
    assert_eq!(
        ok("a: {b: 1}\na: {c: 2}\na: b: 1\n"),
        json!({"a": {"b": 1, "c": 2}})
    );
    assert_eq!(ok("1"), json!(1));
}

#[test]
fn references_and_operators() {
    assert_eq!(
        ok(
            "a: 1 == 1.0\nb: \"a\" + \"b\"\nd: 3 * \"ab\"\ne: -(2)\nf: !true\ng: 1 < 2 && 2 > 1\nh: 7 / 7\ni: 1 + 1.0\n"
        ),
        json!({"a": true, "b": "ab", "d": "ababab", "e": -2, "f": false, "g": true, "h": 1.0, "i": 2.0})
    );
    assert_eq!(
        ok("x: 0.1 + 0.2\nz: 4/2\nw: div(7, 2)\nv: mod(-7, 2)\n"),
        json!({"x": 0.3, "z": 2.0, "w": 3, "v": 1})
    );
    assert_eq!(
        ok("_y: {a: int, b: a}\nx: _y & {a: 1}\nlet L = 2\nn: L\ns: \"v\\(n)\"\n"),
        json!({"x": {"a": 1, "b": 1}, "n": 2, "s": "v2"})
    );
}

#[test]
fn types_defaults_definitions() {
    assert_eq!(
        ok("a: *1 | 2\nb: a + 1\nc: *\"x\" | string\nd: c\ne: int & >0 & 3\n"),
        json!({"a": 1, "b": 2, "c": "x", "d": "x", "e": 3})
    );
    assert_eq!(
        ok("#D: {a: int, b?: string}\nx: #D & {a: 1}\n_h: 2\n"),
        json!({"x": {"a": 1}})
    );
    let e = refused("#D: {a: int}\nx: #D & {a: 1, b: 1}\n");
    assert!(e.contains("x.b`: field not allowed"), "{e}");
    assert!(refused("y: {b: 1}\n#D: {a: y}\nx: #D & {a: {c: 1}}\n").contains("not allowed"));
    assert!(refused("a: int\n").contains("incomplete"));
    assert!(refused("b!: int\n").contains("required"));
    assert!(refused("a: 1\na: 2\n").contains("conflicting"));
    assert!(refused("_x: >5 & <3\n").contains("bounds"));
    assert!(refused("z: *1 | *2\n").contains("incomplete"));
    assert_eq!(
        ok("a: [string]: {n: int}\na: b: {n: 1}\n#P: [N=string]: {name: N}\nq: #P & {k: {}}\n"),
        json!({"a": {"b": {"n": 1}}, "q": {"k": {"name": "k"}}})
    );
    assert_eq!(
        ok(
            "x: [1, 2] & [...int]\ny: {for i, v in x {\"k\\(i)\": v}}\nz: [for v in x if v > 1 {v * 10}]\n"
        ),
        json!({"x": [1, 2], "y": {"k0": 1, "k1": 2}, "z": [20]})
    );
}

#[test]
fn disjunctions_of_structs() {
    assert_eq!(
        ok("x: *{a: 1} | {b: 2}\ny: {a: 1} | {a: 2}\ny: a: 2\nz: *null | {c: 1}\n"),
        json!({"x": {"a": 1}, "y": {"a": 2}, "z": null})
    );
    assert_eq!(
        ok(
            "#A: {k: \"a\", n: int}\n#B: {k: \"b\", s: string}\nx: #A | #B\nx: {k: \"b\", s: \"t\"}\n"
        ),
        json!({"x": {"k": "b", "s": "t"}})
    );
    assert!(refused("x: {a: 1} | {b: 2}\n").contains("incomplete"));
    assert!(refused("y: {a: 1} | {b: 2}\ny: b: 2\n").contains("incomplete"));
    assert!(refused("x: {a: 1} | {a: 2}\nx: a: 3\n").contains("conflicting"));
}

#[test]
fn refusals_name_the_construct_and_never_a_value() {
    for src in [
        "import \"strings\"\nx: strings.ToUpper(\"PLANTED-7f3a\")\n",
        "x: close({a: \"PLANTED-7f3a\"})\n",
        "x: [\"PLANTED-7f3a\"][0:1]\n",
    ] {
        let e = refused(src);
        assert!(e.contains("does not support"), "{e}");
        assert!(!e.contains("PLANTED"), "{e}");
    }
    for src in [
        "a: \"PLANTED-7f3a\"\na: \"other\"\n",
        "a: \"PLANTED-7f3a\" & int\n",
        "a: \"PLANTED-7f3a\" & =~\"^x\"\n",
    ] {
        let e = refused(src);
        assert!(!e.contains("PLANTED"), "{e}");
        assert!(e.contains("`a`"), "{e}");
    }
}

#[test]
fn hostile_input_is_bounded() {
    assert!(refused("a: b: a\n").contains("structural cycle"));
    let deep = format!("a: {}1{}", "[".repeat(5000), "]".repeat(5000));
    assert!(refused(&deep).contains("nested deeper"));
    let chain: String = (0..20_000).map(|i| format!("a{i}: a{}\n", i + 1)).collect();
    let _ = parse(&format!("{chain}a20000: 1\n"));
    let mut blow = String::from("a0: 1\n");
    for i in 1..64 {
        blow.push_str(&format!("a{i}: [a{}, a{}]\n", i - 1, i - 1));
    }
    assert!(refused(&blow).contains("budget"));
    assert!(refused("x: \"ab\" * 100000000\n").contains("budget"));
    let fors = "for k, v in s ".repeat(40);
    assert!(refused(&format!("s: {{a: 1, b: 2}}\n{fors}{{}}\n")).contains("budget"));
}
