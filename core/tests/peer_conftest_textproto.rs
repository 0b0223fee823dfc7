//! conftest's `textproto` parser, side by side with the real `conftest parse --parser textproto`
//! (v0.71.1) with its `--proto-file-dirs` set (`conftest parse` has no such flag; conftest reads
//! the setting from `CONFTEST_PROTO_FILE_DIRS` too). sealgate's side is
//! `Parser::Textproto.parse_in` with `ProtoTypes::load_in` of the same folders, both run from the
//! same folder (imports resolve by the paths the walk gives).
//!
//! The corpus, from pinned Go modules: conftest's own example (with and without its protos), the
//! CEL conformance suite in `cel.dev/expr` (`tests/simple/testdata/*.textproto`: every scalar,
//! `Any`, wrappers, `Struct`, timestamps, proto2 extensions), protoc-gen-validate's example
//! workspace, bazel buildtools' warning catalogue, and corner cases written here against the protos Go's own `prototext` tests use
//! (`google.golang.org/protobuf`'s `internal/testprotos/textpb2` and `textpb3`). Then which sets
//! of `.proto` files each tool loads or refuses: each folder of `internal/testprotos`,
//! protocompile's test data, and other modules' proto trees, probed with a file naming
//! `google.protobuf.Empty`. A file agrees when both give the same JSON (numbers as f64) or both
//! refuse it. Without `conftest` or `go` the tests fail in CI and are skipped loudly elsewhere.
//!
//! The textproto files carry conftest's `# proto-message:` header; buildtools' warning catalogue
//! names its type without its package, so it is also read from a temporary copy (outside the
//! repository) whose header names `docs.Warnings`. txtpbfmt's examples are left out: they name
//! no message type and ship no `.proto` files.

use std::path::{Path, PathBuf};

use sealgate_core::gate::parsers::{Context, Parser, ProtoTypes};

use crate::conftest_parse::{
    Outcome, Verdict, assert_none_differ, conftest_parse_in, go_present, module_dir,
    numbers_as_f64, verdict,
};

const TEST: &str = "peer_conftest_textproto";

/// One run of both tools: from `cwd` (in `module`), with `--proto-file-dirs` `dirs` (relative to
/// it), on the files `files` picks (relative to the module).
struct Scenario {
    module: &'static str,
    cwd: &'static str,
    dirs: &'static [&'static str],
    files: fn(&Path) -> Vec<PathBuf>,
    /// The message type to name in a temporary copy of each file (outside the repository), for
    /// files whose `# proto-message:` header is missing or not a full name.
    header: Option<&'static str>,
}

fn in_folder(dir: &Path, folder: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir.join(folder))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| Parser::for_path(p) == Some(Parser::Textproto))
        .collect();
    out.sort();
    out
}

const CONFTEST: &str = "github.com/open-policy-agent/conftest@v0.71.1";
const CEL: &str = "cel.dev/expr@v0.25.2";
const PGV: &str = "github.com/envoyproxy/protoc-gen-validate@v1.3.3";
const PROTOBUF: &str = "google.golang.org/protobuf@v1.36.12";
const BUILDTOOLS: &str = "github.com/bazelbuild/buildtools@v0.0.0-20260904073137-eaa4d125b423";

const SCENARIOS: &[Scenario] = &[
    Scenario {
        module: CONFTEST,
        cwd: "examples/textproto",
        dirs: &["protos"],
        files: |m| in_folder(m, "examples/textproto"),
        header: None,
    },
    Scenario {
        module: CONFTEST,
        cwd: "examples/textproto",
        dirs: &[],
        files: |m| in_folder(m, "examples/textproto"),
        header: None,
    },
    // Files as roots, in the order of their imports: conftest has `cel/expr/*.proto` compiled in
    // (a walked file of that path is skipped), sealgate loads them from the module.
    Scenario {
        module: CEL,
        cwd: "proto",
        dirs: &[
            "cel/expr/syntax.proto",
            "cel/expr/checked.proto",
            "cel/expr/value.proto",
            "cel/expr/eval.proto",
            "cel/expr/conformance/proto2",
            "cel/expr/conformance/proto3",
            "cel/expr/conformance/test/simple.proto",
        ],
        files: |m| in_folder(m, "tests/simple/testdata"),
        header: None,
    },
    Scenario {
        module: PGV,
        cwd: ".",
        dirs: &["validate", "example-workspace/foo"],
        files: |m| in_folder(m, "example-workspace"),
        header: None,
    },
    // buildtools' warning catalogue names its type without the package (`Warnings`): conftest
    // cannot find it as it is, and reads a copy naming `docs.Warnings`.
    Scenario {
        module: BUILDTOOLS,
        cwd: ".",
        dirs: &["warn/docs"],
        files: |m| in_folder(m, "warn/docs"),
        header: None,
    },
    Scenario {
        module: BUILDTOOLS,
        cwd: ".",
        dirs: &["warn/docs"],
        files: |m| in_folder(m, "warn/docs"),
        header: Some("docs.Warnings"),
    },
];

/// Corner cases of the text format and of protojson, against Go's `prototext` test protos.
pub(crate) const CORNERS: &[&str] = &[
    "# proto-message: pb2.Scalars\n",
    "# proto-message: pb2.Scalars\nopt_bool: true opt_int32: -1 opt_int64: -9223372036854775808 opt_uint32: 4294967295 opt_uint64: 18446744073709551615\n",
    "# proto-message: pb2.Scalars\nopt_sint32: -2147483648 opt_sint64: 9223372036854775807 opt_fixed32: 0x10 opt_fixed64: 010 opt_sfixed32: -0x7fffffff opt_sfixed64: -1\n",
    "# proto-message: pb2.Scalars\nopt_float: 0.1 opt_double: 1e-320\n",
    "# proto-message: pb2.Scalars\nopt_float: 3.4028235e38 opt_double: -1.7976931348623157e308\n",
    "# proto-message: pb2.Scalars\nopt_float: 1e39\n",
    "# proto-message: pb2.Scalars\nopt_float: inf opt_double: -Infinity\n",
    "# proto-message: pb2.Scalars\nopt_float: nan opt_double: NaN\n",
    "# proto-message: pb2.Scalars\nopt_float: 1f opt_double: 2.5F\n",
    "# proto-message: pb2.Scalars\nopt_double: -0\n",
    "# proto-message: pb2.Scalars\nopt_double: .5 opt_float: 5.\n",
    "# proto-message: pb2.Scalars\nopt_int32: 2147483648\n",
    "# proto-message: pb2.Scalars\nopt_uint64: -1\n",
    "# proto-message: pb2.Scalars\nopt_int32: 1.0\n",
    "# proto-message: pb2.Scalars\nopt_bool: True\n",
    "# proto-message: pb2.Scalars\nopt_bool: t\n",
    "# proto-message: pb2.Scalars\nopt_bool: 1\n",
    "# proto-message: pb2.Scalars\nopt_bool: 2\n",
    "# proto-message: pb2.Scalars\nopt_string: \"a\" 'b' \"\\n\\t\\\\\\\"\\x41\\101\\u00e9\\U0001F600\"\n",
    "# proto-message: pb2.Scalars\nopt_bytes: \"\\x00\\xff\\377abc\"\n",
    "# proto-message: pb2.Scalars\nopt_string: \"\\xff\"\n",
    "# proto-message: pb2.Scalars\nopt_string: \"\"\n",
    "# proto-message: pb2.Scalars\nopt_string: \"a\nb\"\n",
    "# proto-message: pb2.Scalars\nopt_string: \"x\" opt_string: \"y\"\n",
    "# proto-message: pb2.Scalars\nopt_int32: 1, opt_int64: 2; opt_bool: true\n",
    "# proto-message: pb2.Scalars\nopt_int32 1\n",
    "# proto-message: pb2.Scalars\nunknown_field: 1\n",
    "# proto-message: pb2.Scalars\n1: 1\n",
    "# proto-message: pb2.Enums\nopt_enum: ONE opt_nested_enum: UNO\n",
    "# proto-message: pb2.Enums\nopt_enum: 2 rpt_enum: [ONE, 2, TEN]\n",
    "# proto-message: pb2.Enums\nopt_enum: 42\n",
    "# proto-message: pb2.Enums\nopt_enum: NOPE\n",
    "# proto-message: pb2.Repeats\nrpt_bool: [true, false] rpt_int32: 1 rpt_int32: 2 rpt_int64: [] rpt_string: [\"a\", \"b\"] rpt_bytes: \"\\x01\"\n",
    "# proto-message: pb2.Repeats\nrpt_double: [1, 1.5, inf, nan] rpt_float: [-0, 1e10]\n",
    "# proto-message: pb2.Maps\nint32_to_str { key: 1 value: \"one\" } int32_to_str { key: -1 }\nstr_to_nested { key: \"k\" value { opt_string: \"v\" } }\n",
    "# proto-message: pb3.Maps\nbool_to_uint32 { key: true value: 1 } bool_to_uint32 { value: 2 }\nuint64_to_enum { key: 18446744073709551615 value: TEN }\n",
    "# proto-message: pb3.Maps\nstr_to_oneofs { key: \"a\" value { oneof_string: \"x\" } }\n",
    "# proto-message: pb2.Nests\nopt_nested { opt_string: \"a\" opt_nested < opt_string: \"b\" > }\nOptGroup { opt_string: \"g\" opt_nested { } }\n",
    "# proto-message: pb2.Nests\nopt_nested: { }\n",
    "# proto-message: pb2.Requireds\nreq_bool: false req_sfixed64: 0 req_double: 0 req_string: \"\" req_enum: ONE req_nested { }\n",
    "# proto-message: pb2.Requireds\nreq_bool: true\n",
    "# proto-message: pb2.PartialRequired\nopt_string: \"x\"\n",
    "# proto-message: pb2.NestedWithRequired\nreq_string: \"x\"\n",
    "# proto-message: pb2.IndirectRequired\nopt_nested { }\n",
    "# proto-message: pb2.IndirectRequired\nrpt_nested { req_string: \"a\" } rpt_nested { }\n",
    "# proto-message: pb2.IndirectRequired\nstr_to_nested { key: \"k\" value { } }\n",
    "# proto-message: pb2.IndirectRequired\noneof_nested { req_string: \"x\" }\n",
    "# proto-message: pb2.Extensions\nopt_string: \"s\" [pb2.opt_ext_bool]: true [pb2.opt_ext_string]: \"e\" [pb2.rpt_ext_fixed32]: [1, 2]\n",
    "# proto-message: pb2.Extensions\n[pb2.opt_ext_enum]: TEN [pb2.opt_ext_nested] { opt_string: \"n\" } [pb2.rpt_ext_nested] { }\n",
    "# proto-message: pb2.Extensions\n[pb2.ExtensionsContainer.opt_ext_string]: \"inner\"\n",
    "# proto-message: pb2.Extensions\n[pb2.nope]: 1\n",
    "# proto-message: pb2.KnownTypes\nopt_bool { value: true } opt_int32 { value: -1 } opt_int64 { value: 5 } opt_uint32 { } opt_uint64 { value: 7 }\nopt_float { value: 0.5 } opt_double { value: 1e100 } opt_string { value: \"s\" } opt_bytes { value: \"\\x01\" }\n",
    "# proto-message: pb2.KnownTypes\nopt_duration { seconds: 1 nanos: 500000000 } opt_timestamp { seconds: 1 nanos: 1000 }\n",
    "# proto-message: pb2.KnownTypes\nopt_duration { seconds: -5 nanos: -1 } opt_timestamp { seconds: -62135596800 }\n",
    "# proto-message: pb2.KnownTypes\nopt_duration { seconds: 1 nanos: -1 }\n",
    "# proto-message: pb2.KnownTypes\nopt_timestamp { seconds: 253402300800 }\n",
    "# proto-message: pb2.KnownTypes\nopt_timestamp { seconds: 0 nanos: 10000000 } opt_duration { nanos: 123456789 }\n",
    "# proto-message: pb2.KnownTypes\nopt_struct { fields { key: \"a\" value { number_value: 1.5 } } fields { key: \"b\" value { struct_value { } } } fields { key: \"c\" value { bool_value: false } } fields { key: \"d\" value { null_value: NULL_VALUE } } }\n",
    "# proto-message: pb2.KnownTypes\nopt_list { values { string_value: \"x\" } values { list_value { } } }\n",
    "# proto-message: pb2.KnownTypes\nopt_value { }\n",
    "# proto-message: pb2.KnownTypes\nopt_value { number_value: nan }\n",
    "# proto-message: pb2.KnownTypes\nopt_empty { } opt_fieldmask { paths: [\"foo_bar\", \"baz\"] }\n",
    "# proto-message: pb2.KnownTypes\nopt_fieldmask { paths: \"fooBar\" }\n",
    "# proto-message: pb2.KnownTypes\nopt_any { [type.googleapis.com/pb2.Nested] { opt_string: \"in any\" } }\n",
    "# proto-message: pb2.KnownTypes\nopt_any { [type.googleapis.com/google.protobuf.Duration] { seconds: 3 } }\n",
    "# proto-message: pb2.KnownTypes\nopt_any { [type.googleapis.com/google.protobuf.Empty] { } }\n",
    "# proto-message: pb2.KnownTypes\nopt_any { type_url: \"type.googleapis.com/pb2.Nested\" value: \"\\n\\x01x\" }\n",
    "# proto-message: pb2.KnownTypes\nopt_any { [type.googleapis.com/pb2.Nope] { } }\n",
    "# proto-message: pb2.KnownTypes\nopt_any { [type.googleapis.com/pb2.PartialRequired] { } }\n",
    "# proto-message: pb2.KnownTypes\nopt_any { }\n",
    "# proto-message: pb3.Scalars\ns_bool: false s_int32: 0 s_string: \"\" s_bytes: \"\" s_float: 0 s_double: -0\n",
    "# proto-message: pb3.Scalars\ns_bool: true s_int64: 1 s_uint64: 2 s_float: 1.25 s_string: \"é\"\n",
    "# proto-message: pb3.Scalars\ns_string: \"\\xff\"\n",
    "# proto-message: pb3.Enums\ns_enum: ZERO s_nested_enum: 5\n",
    "# proto-message: pb3.Enums\ns_enum: 7\n",
    "# proto-message: pb3.Nests\ns_nested { }\n",
    "# proto-message: pb3.Maps\nint32_to_str { } str_to_nested { key: \"\" value { } }\n",
    "# proto-message: pb3.Maps\nbool_to_uint32 { key: false value: 0 }\n",
    "# proto-message: pb3.JSONNames\ns_string: \"x\"\n",
    "# proto-message: pb3.Proto3Optional\nopt_bool: false opt_int32: 0 opt_uint64: 0 opt_float: 0 opt_string: \"\" opt_enum: ZERO opt_message { }\n",
    "# proto-message: pb3.OptionalEnums\nopt_enum: 0 opt_nested_enum: CERO\n",
    "# proto-message: pb3.Nests\ns_nested { s_string: \"a\" s_nested { s_nested { } } }\n",
    "# proto-message: pb3.Repeats\nrpt_uint32: [0, 4294967295] rpt_uint64: [0] rpt_float: [0.3, -1e-45] rpt_double: [5e-324]\n",
    "# proto-message: pb2.Extensions\n[pb2.opt_ext_partial] { }\n",
    "# proto-message: pb2.Extensions\n[pb2.ExtensionsContainer.rpt_ext_string]: \"x\"\n",
    "# proto-message: pb2.KnownTypes\nopt_any { [type.googleapis.com/pb2.Extensions] { [pb2.ExtensionsContainer.opt_ext_bool]: true } }\n",
    "# proto-message: pb2.KnownTypes\nopt_any { [type.googleapis.com/pb2.Extensions] { [pb2.opt_ext_bool]: true } }\n",
    "# proto-message: pb2.KnownTypes\nopt_float { value: inf } opt_double { value: nan } opt_null: NULL_VALUE\n",
    "# proto-message: pb2.KnownTypes\nopt_value { number_value: inf }\n",
    "# proto-message: pb2.KnownTypes\nopt_struct { fields { key: \"n\" value { } } }\n",
    "# proto-message: pb2.KnownTypes\nopt_timestamp { nanos: 1000000000 }\n",
    "# proto-message: pb2.KnownTypes\nopt_duration { seconds: 315576000001 }\n",
    "# proto-message: pb2.MessageSet\n[pb2.MessageSetExtension.ext_nested] { }\n",
    "# proto-message: pb3.Oneofs\noneof_enum: ZERO\n",
    "# proto-message: pb3.Oneofs\noneof_string: \"a\" oneof_nested { }\n",
    "# proto-message: google.protobuf.Timestamp\nseconds: 1700000000\n",
    "# proto-message: google.protobuf.Struct\nfields { key: \"k\" value { string_value: \"v\" } }\n",
    "# proto-message: google.protobuf.Int64Value\nvalue: 1\n",
    "# proto-message: google.protobuf.DescriptorProto.ExtensionRange\nstart: 1\n",
    "# proto-message: google.protobuf.compiler.CodeGeneratorRequest\n",
    "# proto-message: pb2.Nests.OptGroup\n",
    "# proto-message: pb2.Scalars opt_int32: 1",
    "opt_int32: 1 # proto-message: pb2.Scalars\n",
    "#proto-message: pb2.Scalars\n",
    "#  proto-message:\tpb2.Scalars\r\nopt_int32: 1\r\n",
    "# proto-message: pb2.Scalars\n# proto-message: pb3.Scalars\nopt_int32: 1\n",
    "# proto-message: pb2.Scalars\nopt_int32: 1 # trailing comment\n# more\n",
    "# proto-message: pb2.Scalars\nopt_int32: 1}\n",
    "# proto-message: pb2.Nests\nopt_nested {\n",
    "# proto-message: pb2.Nests\nopt_nested < opt_string: \"a\" }\n",
    "",
];

/// Corner cases where sealgate knowingly differs: Go's text-format parser accepts them,
/// prost-reflect's refuses them (the test fails if one agrees, so the list stays true).
const KNOWN_CORNERS: &[(&str, &str)] = &[
    (
        "# proto-message: pb2.Maps\nint32_to_str [{ key: 1 value: \"a\" }, { key: 1 value: \"b\" }]\n",
        "a list of messages without the colon (`field [{…}]`): prost-reflect requires `field: [{…}]`",
    ),
    (
        "# proto-message: pb2.Nests\nrpt_nested [{ opt_string: \"a\" }, { }]\n",
        "the same, for a repeated message field",
    ),
    (
        "# proto-message: pb2.Nests\noptgroup { opt_string: \"lower\" }\n",
        "a group by its field's lower-case name: prost-reflect knows it only by its type's name",
    ),
    (
        "# proto-message: pb2.ReservedFieldNames\nreserved_field: 1\n",
        "a reserved field name: Go skips the field and its value, prost-reflect refuses an unknown field",
    ),
];

/// Proto trees (module, folder the tools run in, `--proto-file-dirs`) that sealgate refuses and
/// conftest loads, because they import files compiled into conftest (`cel/expr/*.proto`,
/// `validate/validate.proto`), which sealgate does not have.
const KNOWN_LOADS: &[(&str, &str, &[&str])] = &[
    (CEL, "proto", &["."]),
    (CEL, "proto", &["cel/expr/conformance"]),
    (PGV, ".", &["."]),
    (PGV, ".", &["example-workspace"]),
];

/// Proto trees whose loading (accepted or refused as a whole) is compared: module, folder the
/// tools run in, `--proto-file-dirs`.
const LOADS: &[(&str, &str, &[&str])] = &[
    (PROTOBUF, ".", &["internal/testprotos"]),
    (PROTOBUF, ".", &["internal/testprotos/textpb2"]),
    (PROTOBUF, ".", &["internal/testprotos/textpb3"]),
    (PROTOBUF, ".", &["internal/testprotos/textpbeditions"]),
    (PROTOBUF, ".", &["internal/testprotos/test"]),
    (PROTOBUF, ".", &["internal/testprotos/test3"]),
    (PROTOBUF, ".", &["internal/testprotos/testeditions"]),
    (PROTOBUF, ".", &["internal/testprotos/required"]),
    (PROTOBUF, ".", &["internal/testprotos/messageset"]),
    (PROTOBUF, ".", &["internal/testprotos/enums"]),
    (PROTOBUF, ".", &["internal/testprotos/conformance"]),
    (PROTOBUF, ".", &["internal/testprotos/news"]),
    (PROTOBUF, ".", &["internal/testprotos/order"]),
    (PROTOBUF, ".", &["internal/testprotos/irregular"]),
    (PROTOBUF, ".", &["internal/testprotos/fuzz"]),
    (PROTOBUF, "internal/testprotos", &["."]),
    (PROTOBUF, ".", &["cmd/protoc-gen-go/testdata"]),
    (PROTOBUF, ".", &["types"]),
    (PROTOBUF, ".", &["reflect"]),
    (PGV, ".", &["validate"]),
    (BUILDTOOLS, ".", &["."]),
    (BUILDTOOLS, ".", &["build_proto", "deps_proto", "api_proto"]),
    (CONFTEST, ".", &["examples/textproto"]),
    (
        CONFTEST,
        "examples",
        &["textproto/protos", "textproto/protos"],
    ),
    (CONFTEST, "examples", &["kubernetes"]),
    (
        "github.com/bufbuild/protocompile@v0.6.0",
        ".",
        &["internal/testdata"],
    ),
    (
        "github.com/bufbuild/protocompile@v0.6.0",
        "internal/testdata",
        &["."],
    ),
];

/// Runs both tools from `cwd` with `dirs` on `files` (read as `texts`).
fn compare(
    conftest: &Path,
    cwd: &Path,
    dirs: &[&str],
    files: &[PathBuf],
    texts: &[String],
    known: &[PathBuf],
    out: &mut Outcome,
) {
    let env = [("CONFTEST_PROTO_FILE_DIRS", dirs.join(" "))];
    let env = if dirs.is_empty() { &[][..] } else { &env[..] };
    let theirs = conftest_parse_in(conftest, "textproto", files, numbers_as_f64, Some(cwd), env);
    let dirs: Vec<PathBuf> = dirs.iter().map(PathBuf::from).collect();
    let context = Context {
        proto_types: ProtoTypes::load_in(cwd, &dirs),
        ..Context::default()
    };
    for ((f, t), text) in files.iter().zip(&theirs).zip(texts) {
        let ours = Parser::Textproto
            .parse_in(text, &context)
            .map(numbers_as_f64)
            .map_err(|e| e.to_string());
        let shown = f.display().to_string();
        match (verdict(t, &ours), known.contains(f)) {
            (Verdict::Differ(_), true) => out.known += 1,
            (_, true) => out.differ.push(format!(
                "{shown}: agrees now, remove it from the known differences"
            )),
            (Verdict::Same, false) => out.agree += 1,
            (Verdict::BothRefuse, false) => {
                out.agree += 1;
                out.refused += 1;
            }
            (Verdict::Differ(why), false) => {
                out.differ.push(format!("{shown} ({dirs:?}): {why}"));
            }
        }
    }
}

#[test]
fn peer_conftest_textproto_matches_conftest_parse() {
    let Some(conftest) = sealgate_tests::peer_tool(TEST, "conftest").unwrap() else {
        return;
    };
    if !go_present(TEST) {
        return;
    }
    let mut all = Outcome::default();
    let mut total = 0;
    for s in SCENARIOS {
        let module = module_dir(s.module);
        let mut files = (s.files)(&module);
        let mut texts: Vec<String> = files
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap())
            .collect();
        let copies = tempfile::tempdir().unwrap();
        if let Some(header) = s.header {
            for (file, text) in files.iter_mut().zip(&mut texts) {
                let named: String = text
                    .lines()
                    .filter(|l| !l.contains("proto-message:"))
                    .map(|l| format!("{l}\n"))
                    .collect();
                *text = format!("# proto-message: {header}\n{named}");
                *file = copies.path().join(file.file_name().unwrap());
                std::fs::write(&*file, &*text).unwrap();
            }
        }
        let before = (all.agree, all.differ.len());
        compare(
            &conftest,
            &module.join(s.cwd),
            s.dirs,
            &files,
            &texts,
            &[],
            &mut all,
        );
        eprintln!(
            "{TEST}: {} {:?}: {} of {} files agree, {} differ",
            s.module,
            s.dirs,
            all.agree - before.0,
            files.len(),
            all.differ.len() - before.1
        );
        total += files.len();
    }
    // Corner cases, written to a temporary folder, against Go's prototext test protos: textpb3
    // from the module, and a copy of textpb2 without its `message_set_wire_format` option (which
    // Go refuses outside its legacy build: conftest loads no textpb2 as it is).
    let protobuf = module_dir(PROTOBUF);
    let tmp = tempfile::tempdir().unwrap();
    let textpb2 =
        std::fs::read_to_string(protobuf.join("internal/testprotos/textpb2/test.proto")).unwrap();
    let textpb2: String = textpb2
        .lines()
        .filter(|l| !l.contains("message_set_wire_format"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::create_dir(tmp.path().join("protos")).unwrap();
    std::fs::write(tmp.path().join("protos/textpb2.proto"), textpb2).unwrap();
    let textpb3 = protobuf.join("internal/testprotos/textpb3");
    let texts: Vec<String> = CORNERS
        .iter()
        .chain(KNOWN_CORNERS.iter().map(|(text, _)| text))
        .map(|c| (*c).to_owned())
        .collect();
    let files: Vec<PathBuf> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let f = tmp.path().join(format!("corner-{i}.textproto"));
            std::fs::write(&f, t).unwrap();
            f
        })
        .collect();
    let known = &files[CORNERS.len()..];
    let before = all.agree;
    compare(
        &conftest,
        tmp.path(),
        &["protos", textpb3.to_str().unwrap()],
        &files,
        &texts,
        known,
        &mut all,
    );
    eprintln!(
        "{TEST}: corner cases: {} of {} agree, {} known differences",
        all.agree - before,
        files.len(),
        known.len()
    );
    total += files.len();
    eprintln!(
        "{TEST}: {} of {total} files agree with conftest ({} refused by both), {} known differences",
        all.agree, all.refused, all.known
    );
    assert_none_differ("textproto files", &all.differ);
}

/// Which sets of `.proto` files conftest loads and which it refuses: a probe file read with
/// them, conftest's answer told apart by its error (`new parser: …` is a refused load).
#[test]
fn peer_conftest_textproto_loads_the_proto_files_conftest_loads() {
    let Some(conftest) = sealgate_tests::peer_tool(TEST, "conftest").unwrap() else {
        return;
    };
    if !go_present(TEST) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let probe = tmp.path().join("probe.textproto");
    std::fs::write(&probe, "# proto-message: probe.None\n").unwrap();
    let (mut agree, mut loaded, mut differ) = (0, 0, Vec::new());
    let known = KNOWN_LOADS.iter().map(|l| (l, true));
    for ((module, cwd, dirs), is_known) in LOADS.iter().map(|l| (l, false)).chain(known) {
        let cwd = module_dir(module).join(cwd);
        let env = [("CONFTEST_PROTO_FILE_DIRS", dirs.join(" "))];
        let theirs = conftest_parse_in(
            &conftest,
            "textproto",
            std::slice::from_ref(&probe),
            numbers_as_f64,
            Some(&cwd),
            &env,
        );
        let theirs = match &theirs[0] {
            Err(e) if e.contains("new parser:") => Err(e.lines().last().unwrap_or_default()),
            _ => Ok(()),
        };
        let paths: Vec<PathBuf> = dirs.iter().map(PathBuf::from).collect();
        let types = ProtoTypes::load_in(&cwd, &paths);
        let ours = types.error().map_or(Ok(()), Err);
        let how = match (&theirs, &ours) {
            (Ok(()), Ok(())) => "both load",
            (Err(_), Err(_)) => "both refuse",
            _ => "differ",
        };
        eprintln!("{TEST}: {module} {cwd:?} {dirs:?}: {how}");
        if is_known {
            if how != "differ" || theirs.is_err() {
                differ.push(format!(
                    "{module} {dirs:?}: {how}, not the known difference"
                ));
            }
        } else if how == "differ" {
            differ.push(format!(
                "{module} {dirs:?}: conftest {theirs:?}, sealgate {ours:?}"
            ));
        } else {
            agree += 1;
            loaded += usize::from(theirs.is_ok());
        }
    }
    eprintln!(
        "{TEST}: {agree} of {} proto trees load alike ({loaded} loaded by both), {} known differences",
        LOADS.len(),
        KNOWN_LOADS.len()
    );
    assert_none_differ("proto trees", &differ);
}
