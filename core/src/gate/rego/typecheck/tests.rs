//! The type check against what `opa check` (v1.22.3) says of the same rule bodies.

use super::super::capabilities::check;
use super::super::error::{RegoError, Ungranted};
use super::super::load::{PolicyMaterial, RegoFile};

/// The type errors sealgate finds in a Rego v1 module whose `deny` rule has `body` (statements
/// separated by `; `), each as `line: words`; empty when it loads.
fn type_errors(body: &str) -> Vec<String> {
    let text = format!(
        "package main\n\ndeny contains msg if {{\n\t{}\n\tmsg := json.marshal(x)\n}}\n",
        body.replace("; ", "\n\t")
    );
    match module_errors(&text) {
        Ok(()) => Vec::new(),
        Err(RegoError::TypeErrors { refused }) => refused
            .iter()
            .map(|r| match &r.what {
                Ungranted::Type(words) => format!("{}: {words}", r.line),
                other => panic!("not a type error: {other:?}"),
            })
            .collect(),
        Err(e) => panic!("other error for {body}: {e}"),
    }
}

/// Rule bodies and the start of OPA's error for each (`opa check`, v1.22.3), or `None` where
/// OPA loads the module. Lines count from the rule's first statement at 4.
const CASES: &[(&str, Option<&str>)] = &[
    (
        "x := upper(1)",
        Some("4: upper: invalid argument(s) — have: (number, ???), want: (x: string, y: string)"),
    ),
    (
        "x := concat(\",\", [1, 2])",
        Some("4: concat: invalid argument(s) — have: (string, array<number, number>, ???)"),
    ),
    ("x := concat(\",\", [input.a, \"b\"])", None),
    (
        "x := concat(\",\", {1})",
        Some("4: concat: invalid argument(s) — have: (string, set[number], ???)"),
    ),
    ("x := count(5)", Some("4: count: invalid argument(s)")),
    (
        "x := 1 + \"a\"",
        Some("4: plus: invalid argument(s) — have: (number, string, ???)"),
    ),
    ("x := \"a\" - 1", Some("4: minus: invalid argument(s)")),
    ("x := {1} - 1", None),
    (
        "x := {1} | [1]",
        Some("4: or: invalid argument(s) — have: (set[number], array<number>, ???)"),
    ),
    (
        "y := 1; x := upper(y)",
        Some("5: upper: invalid argument(s) — have: (number, ???)"),
    ),
    (
        "y := count(input); x := upper(y)",
        Some("5: upper: invalid argument(s)"),
    ),
    (
        "y := upper(\"a\"); x := y + 1",
        Some("5: plus: invalid argument(s) — have: (string, number, ???)"),
    ),
    // the inner call only: OPA does not type the result of a call it refused
    (
        "x := upper(lower(1))",
        Some("4: lower: invalid argument(s)"),
    ),
    (
        "x := upper(count(1))",
        Some("4: count: invalid argument(s)"),
    ),
    (
        "x := sprintf(\"%v\", 1)",
        Some("4: sprintf: invalid argument(s)"),
    ),
    ("x := sprintf(\"%v\", [1])", None),
    (
        "x := object.get([], \"a\", 1)",
        Some("4: object.get: invalid argument(s) — have: (array, string, number, ???)"),
    ),
    ("x := object.get({\"a\": 1}, \"a\", 1)", None),
    (
        "x := json.patch({}, [{\"op\": 1, \"path\": \"/a\"}])",
        Some("4: json.patch: invalid argument(s)"),
    ),
    (
        "x := json.patch({}, [{\"op\": \"add\", \"path\": \"/a\"}])",
        None,
    ),
    (
        "x := startswith(input.a, 1)",
        Some("4: startswith: invalid argument(s) — have: (any, number, ???)"),
    ),
    (
        "y := 1; x := [upper(y) | true]",
        Some("5: upper: invalid argument(s)"),
    ),
    (
        "y := 1; x := [z | some z in input; upper(y)]",
        Some("6: upper: invalid argument(s)"),
    ),
    ("x := -input.a", None),
    (
        "y := \"a\"; x := -y",
        Some("5: minus: invalid argument(s) — have: (number, string, ???)"),
    ),
    (
        "x := upper(input.a) + 1",
        Some("4: plus: invalid argument(s) — have: (string, number, ???)"),
    ),
    (
        "x := [1][0] + \"a\"",
        Some("4: plus: invalid argument(s) — have: (number, string, ???)"),
    ),
    (
        "x := {\"a\": 1}.a + \"a\"",
        Some("4: plus: invalid argument(s) — have: (number, string, ???)"),
    ),
    (
        "x := split(\"a,b\", \",\")[0] + 1",
        Some("4: plus: invalid argument(s) — have: (string, number, ???)"),
    ),
    ("x := 1 in \"abc\"", None),
    ("x := count([1, 2, 3])", None),
    ("x := max({1, \"a\"})", None),
    (
        "x := sum([1, \"a\"])",
        Some("4: sum: invalid argument(s) — have: (array<number, string>, ???)"),
    ),
    (
        "x := array.concat([1], {1})",
        Some("4: array.concat: invalid argument(s)"),
    ),
    (
        "x := trim_space(null)",
        Some("4: trim_space: invalid argument(s) — have: (null, ???)"),
    ),
    ("x := is_string(1)", None),
    ("x := to_number(true)", None),
    (
        "x := to_number([])",
        Some("4: to_number: invalid argument(s) — have: (array, ???)"),
    ),
    ("x := abs(-1) < \"a\"", None),
    (
        "y := []; x := upper(y)",
        Some("5: upper: invalid argument(s) — have: (array, ???)"),
    ),
    (
        "y := [1]; x := concat(\",\", y)",
        Some("5: concat: invalid argument(s)"),
    ),
    ("y := [\"a\"]; x := concat(\",\", y)", None),
    ("x := json.marshal(set())", None),
    (
        "x := upper(set())",
        Some("4: upper: invalid argument(s) — have: (set, ???)"),
    ),
    ("x := count(set())", None),
    (
        "x := object.keys([])",
        Some("4: object.keys: invalid argument(s)"),
    ),
    (
        "x := semver.compare(1, \"1.0.0\")",
        Some("4: semver.compare: invalid argument(s)"),
    ),
    // references into values of known type (`checkRef`)
    ("x := [1][5]", Some("4: undefined ref: [1][5]")),
    ("x := [1][0]", None),
    ("x := {\"a\": 1}.b", Some("4: undefined ref: {\"a\": 1}.b")),
    ("x := {\"a\": 1}[\"a\"]", None),
    ("x := {1, 2}[1]", None),
    (
        "x := {1, 2}[\"a\"]",
        Some("4: undefined ref: {1, 2}[\"a\"]"),
    ),
    (
        "x := {1, 2}[[\"b\", \"a\"]]",
        Some("4: undefined ref: {1, 2}[[\"b\", \"a\"]]"),
    ),
    (
        "x := upper(input.a - 1)",
        Some("4: upper: invalid argument(s) — have: (any<number, set[any]>, ???)"),
    ),
    ("x := count(input.a - 1)", None),
    (
        "x := upper(input.a & input.b)",
        Some("4: upper: invalid argument(s) — have: (set[any], ???)"),
    ),
    ("y := 1; x := y[0]", Some("5: undefined ref: y[0]")),
    (
        "y := upper(\"a\"); x := [c | some c in y]",
        Some("5: undefined ref: y[_]"),
    ),
    ("x := [c | some c in 1]", None),
    ("x := [c | some c in \"ab\"]", None),
    ("x := [c | some i, c in true]", None),
    ("x := true; every c in 1 { c }", None),
    ("y := 1; x := true; every c in y { c }", None),
    ("x := [c | some c in input.a; c[0]]", None),
    (
        "y := {\"a\": 1}; x := y.a.b",
        Some("5: undefined ref: y.a.b"),
    ),
    ("y := [1, 2]; x := y[2]", Some("5: undefined ref: y[2]")),
    ("y := [1, 2]; x := y[input.i]", None),
    (
        "x := {\"a\": [1]}.a[0].c",
        Some("4: undefined ref: {\"a\": [1]}.a[0].c"),
    ),
    (
        "x := count([1])[0]",
        Some("4: undefined ref: count([1])[0]"),
    ),
    ("x := {\"a\": 1}[input.k]", None),
    (
        "x := [c | some c in count([])]",
        Some("4: undefined ref: count([])[_]"),
    ),
    (
        "x := [1, \"a\"][1].b",
        Some("4: undefined ref: [1, \"a\"][1].b"),
    ),
    (
        "x := product({1, 2}[1])",
        Some("4: product: invalid argument(s) — have: (number, ???)"),
    ),
    (
        "x := upper({1, 2}[1])",
        Some("4: upper: invalid argument(s) — have: (number, ???)"),
    ),
    (
        "x := upper([1, 2][input.i])",
        Some("4: upper: invalid argument(s) — have: (number, ???)"),
    ),
];

#[test]
fn type_errors_are_opas() {
    for (body, want) in CASES {
        let have = type_errors(body);
        match want {
            None => assert!(
                have.is_empty(),
                "{body}: OPA loads it, sealgate says {have:?}"
            ),
            Some(want) => assert!(
                have.len() == 1 && have[0].starts_with(want),
                "{body}: OPA says {want}…, sealgate {have:?}"
            ),
        }
    }
}

/// Refused by OPA (each with `upper: invalid argument(s)`), loaded here: the type check never
/// guesses, so what it cannot tell for sure it lets through (see the module doc).
#[test]
fn what_opa_refuses_and_this_does_not() {
    for body in [
        // OPA widens `y` after seeing it in `[y]` against `any`, yet still refuses the call
        // after it; sealgate, not ordering its checks as OPA does, forgets `y`'s type
        "y := 1; some z in [y]; x := upper(y)",
        // a local assigned twice (the comprehension's `y` is another local in OPA), or bound
        // otherwise than by one `:=`, is not typed
        "y := 1; x := [y | y := \"a\"]; z := upper(y)",
        "some y; y = 1; x := upper(y)",
        "y := 1; y = input.a; x := upper(y)",
        "[y, z] := [1, 2]; x := upper(y)",
    ] {
        assert!(
            type_errors(body).is_empty(),
            "{body}: {:?}",
            type_errors(body)
        );
    }
}

/// The errors for a whole module `text`.
fn module_errors(text: &str) -> Result<(), RegoError> {
    let material = PolicyMaterial {
        rego: vec![RegoFile {
            path: "p.rego".to_owned(),
            text: text.to_owned(),
            builtin: false,
        }],
        objects: Vec::new(),
    };
    check(None, &material, |_| false)
}

#[test]
fn the_policies_own_functions_and_sealgates_builtins_are_not_checked() {
    // OPA loads this: the package's `upper` is called, not the builtin
    let own = "package main\n\nupper(x) := x\n\ndeny contains msg if {\n\tmsg := upper(1)\n}\n";
    assert!(module_errors(own).is_ok());
    // OPA refuses this (`data.main.f: invalid argument(s)`, from the type it infers for `f`'s
    // argument); sealgate types the results of the policies' functions, not their arguments
    let inferred = "package main\n\nf(a) := upper(a)\n\ndeny contains msg if {\n\tmsg := f(1)\n}\n";
    assert!(module_errors(inferred).is_ok());
    // conftest's parse_config is no builtin of OPA's: not known here, not checked
    assert!(type_errors("x := parse_config(1, 2)").is_empty());
}

/// OPA types each body of a rule apart (an `else` body, a comprehension's own `:=`, are other
/// scopes): a local typed in one is not typed in another (`opa check` loads this).
#[test]
fn each_body_is_a_scope_of_its_own() {
    let text = "package main\n\np := y if {\n\tx := 1\n\ty := x\n} else := y if {\n\tinput.xs[x]\n\ty := upper(x)\n}\n\nq contains y if {\n\tinput.xs[x]\n\tys := [1 | x := 2]\n\tzs := [upper(x) | true]\n\ty := [ys, zs]\n}\n";
    assert!(module_errors(text).is_ok(), "{:?}", module_errors(text));
}

/// The longest expressions sealgate loads (`chains::MAX_CHAIN`) are typed without running out of
/// the test thread's stack.
#[test]
fn the_longest_chains_are_typed() {
    let segments = ".a".repeat(480);
    let sum = " + 1".repeat(480);
    let text = format!(
        "package main\n\ndeny contains msg if {{\n\ty := {{\"a\": 1}}\n\tx := y{segments}\n\tz := \"s\"{sum}\n\tmsg := [x, z]\n}}\n"
    );
    let errors = match module_errors(&text) {
        Err(RegoError::TypeErrors { refused }) => refused.len(),
        other => panic!("{other:?}"),
    };
    // `y.a.a` and `"s" + 1`
    assert_eq!(errors, 2);
}

/// OPA refuses a reference with a scalar literal at its head when it parses the module (`illegal
/// ref (head cannot be number)`); regorus parses it, and the type check refuses it.
#[test]
fn scalar_heads_are_refused() {
    for (body, want) in [
        ("x := 2[0]", "4: undefined ref: 2[0]"),
        ("x := null[input.k]", "4: undefined ref: null[input.k]"),
        ("x := true[input.k]", "4: undefined ref: true[input.k]"),
    ] {
        assert_eq!(type_errors(body), vec![want.to_owned()], "{body}");
    }
}

/// A rule every definition of which has a literal value has that type where it is referred to.
/// `opa check` (v1.22.3) refuses lines 14, 19 and 21 of this module, and line 22 (`p`, an object
/// of rules), which sealgate loads.
#[test]
fn rules_of_literal_values_are_typed() {
    let text = "package main\n\nlimit := 10\n\ndefault allow := false\n\nallow if input.x == 1\n\nnames := {\"a\", \"b\"}\n\np.q := 1\n\ndeny contains msg if {\n\tstartswith(input.kind, limit)\n\tmsg := \"a\"\n}\n\ndeny contains msg if {\n\tx := count(allow)\n\tmsg := concat(\",\", names)\n\ty := upper(data.main.limit)\n\tz := upper(p)\n}\n\ndeny contains msg if {\n\tlimit := \"x\"\n\tmsg := upper(limit)\n}\n\nf(limit) := upper(limit)\n";
    let lines: Vec<u32> = match module_errors(text) {
        Err(RegoError::TypeErrors { refused }) => refused.iter().map(|r| r.line).collect(),
        other => panic!("{other:?}"),
    };
    assert_eq!(lines, [14, 19, 21]);
    // a rule a `with` replaces may have the replacement's type there: not typed
    let replaced = "package main\n\nlimit := 10\n\ndeny contains msg if {\n\tstartswith(input.kind, limit) with limit as \"a\"\n\tmsg := \"a\"\n}\n";
    assert!(module_errors(replaced).is_ok());
}

/// A complete rule's value is typed as a term of its body is (`n := count(input.items)` is a
/// number), through other rules too (`chain2 := chain1`, `chain1 := n`). `opa check` (v1.22.3)
/// refuses exactly lines 30, 32, 34, 36 and 40 of this module, with these `have`s; a rule of
/// values of two types (`maybe`, `elsed`), a string (`valued`) or `input` (`multi`) passes.
#[test]
fn rules_are_typed_by_their_values() {
    let text = "package main\n\nimport rego.v1\n\nn := count(input.items)\n\nnames := {x | some x in input.items}\n\nlabel := sprintf(\"%v\", [n])\n\nboth := [n, label]\n\nmaybe := 1 if input.a\n\nmaybe := \"s\" if input.b\n\nchain1 := n\n\nchain2 := chain1\n\nelsed := 1 if input.a else := \"x\"\n\nvalued := v if {\n\tv := lower(input.name)\n}\n\nmulti := input.x\n\ndeny contains msg if {\n\ta := upper(n)\n\tb := concat(\",\", names)\n\tc := upper(names)\n\td := upper(label)\n\te := upper(both[0])\n\tf := upper(maybe)\n\tg := upper(chain2)\n\th := upper(elsed)\n\ti := upper(valued)\n\tj := upper(multi)\n\tk := upper(both)\n\tmsg := \"m\"\n}\n";
    let refused: Vec<(u32, String)> = match module_errors(text) {
        Err(RegoError::TypeErrors { refused }) => refused
            .iter()
            .map(|r| match &r.what {
                Ungranted::Type(words) => (r.line, words.clone()),
                other => panic!("{other:?}"),
            })
            .collect(),
        other => panic!("{other:?}"),
    };
    let have: Vec<(u32, &str)> = refused
        .iter()
        .map(|(line, words)| (*line, words.split(" — ").nth(1).unwrap_or_default()))
        .collect();
    assert_eq!(
        have,
        [
            (30, "have: (number, ???), want: (x: string, y: string)"),
            (32, "have: (set[any], ???), want: (x: string, y: string)"),
            (34, "have: (number, ???), want: (x: string, y: string)"),
            (36, "have: (number, ???), want: (x: string, y: string)"),
            (
                40,
                "have: (array<number, string>, ???), want: (x: string, y: string)"
            ),
        ]
    );
}

/// A call of one of the policy's functions is of the type of the function's values, typed with
/// its arguments `any` (`f(x) := count(x)`: `f(input)` is a number; `id(x) := x`: any). `opa
/// check` (v1.22.3) refuses exactly lines 26, 27, 29, 30, 32 and 33 of this module, with these
/// `have`s.
#[test]
fn calls_of_the_policies_functions_are_typed_by_their_values() {
    let text = "package main\n\nimport rego.v1\n\nf(x) := count(x)\n\ng(x) := y if {\n\ty := x + 1\n}\n\nh(x) := \"a\" if x > 1\n\nh(x) := 1 if x <= 1\n\nk(x) if x > 1\n\ndefault d(_) := false\n\nd(x) := 2 if x\n\nid(x) := x\n\nlst(x) := [x, 1]\n\ndeny contains msg if {\n\ta := upper(f(input))\n\tb := upper(g(1))\n\tc := upper(h(2))\n\te := upper(k(2))\n\te2 := upper(d(2))\n\ti := upper(id(1))\n\tl := upper(lst(1))\n\tm := upper(data.main.f(input))\n\tmsg := \"m\"\n}\n";
    let have: Vec<(u32, String)> = match module_errors(text) {
        Err(RegoError::TypeErrors { refused }) => refused
            .iter()
            .map(|r| match &r.what {
                Ungranted::Type(words) => (
                    r.line,
                    words
                        .split(" — have: ")
                        .nth(1)
                        .and_then(|h| h.split(", want").next())
                        .unwrap_or_default()
                        .to_owned(),
                ),
                other => panic!("{other:?}"),
            })
            .collect(),
        other => panic!("{other:?}"),
    };
    let want = [
        (26, "(number, ???)"),
        (27, "(number, ???)"),
        (29, "(boolean, ???)"),
        (30, "(any<boolean, number>, ???)"),
        (32, "(array<any, number>, ???)"),
        (33, "(number, ???)"),
    ];
    assert_eq!(have, want.map(|(line, h)| (line, h.to_owned())).to_vec());
}

/// A literal of thousands of elements makes a type error of one short line, as OPA elides it
/// (`opa check`: `have: (string, array<...>, ???)`); a reference into one is cut.
#[test]
fn errors_about_huge_literals_stay_short() {
    let numbers: Vec<String> = (0..3000).map(|i| i.to_string()).collect();
    let keys: Vec<String> = (0..2000).map(|i| format!("\"k{i}\": {i}")).collect();
    let errors = type_errors(&format!(
        "x := concat(\",\", [{}]); y := {{{}}}.b",
        numbers.join(", "),
        keys.join(", ")
    ));
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].starts_with("4: concat: invalid argument(s) — have: (string, array<...>, ???)"),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].starts_with("5: undefined ref: {\"k0\": 0"),
        "{}",
        errors[1]
    );
    assert!(errors.iter().all(|e| e.len() < 200), "{errors:?}");
}
