//! The protobuf message types a textproto file may name: the `.proto` files under conftest's
//! `--proto-file-dirs` folders, loaded as conftest v0.71.1 loads them (`parser/parser.go`
//! `findFilesWithExt`, `parser/textproto/textproto.go` `load`).
//!
//! conftest walks each folder (Go's `filepath.Walk`: names in byte order, symbolic links not
//! followed), takes every file whose name ends in `.proto`, and reads each one alone, in walk
//! order: protocompile's parser, then `protodesc.NewFile` against the files registered so far,
//! each file registered under its walk path. So an `import` resolves only to a file walked
//! before it whose path, as walked, is the import's text (`--proto-file-dirs .` from the import
//! root), or to one compiled into conftest; a file whose path is already registered is skipped.
//! The same here: protox's parser (`protox_parse`, the `.proto` grammar and its per-file
//! checks), each file linked into a prost-reflect `DescriptorPool` that starts with the
//! well-known types (`google/protobuf/*.proto`).
//!
//! Known differences: conftest's own registry also holds the files compiled into it (googleapis'
//! `google/api` and `google/rpc`, envoy, xds, cel, …), so an import of one of those resolves there
//! and fails here; a file redefining one of their names makes conftest panic, where sealgate loads
//! it. prost-reflect's pool also holds `google/protobuf/compiler/plugin.proto` (left out here, as
//! conftest lacks it), conftest `google/protobuf/go_features.proto` (lacking here).

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use prost_reflect::prost_types::{DescriptorProto, FileDescriptorProto};
use prost_reflect::{DescriptorPool, MessageDescriptor};

/// The `.proto` file prost-reflect's pool of well-known types holds that conftest does not.
const NOT_IN_CONFTEST: &str = "google/protobuf/compiler/plugin.proto";

/// The well-known types: what a textproto file may name without `--proto-file-dirs`.
static WELL_KNOWN: LazyLock<Result<DescriptorPool, String>> = LazyLock::new(|| {
    let files = DescriptorPool::global()
        .file_descriptor_protos()
        .filter(|f| f.name() != NOT_IN_CONFTEST)
        .cloned()
        .collect::<Vec<_>>();
    let mut pool = DescriptorPool::new();
    pool.add_file_descriptor_protos(files)
        .map_err(|e| format!("the well-known protobuf types: {e}"))?;
    Ok(pool)
});

/// The message types loaded from `--proto-file-dirs` (none given: the well-known types alone).
/// Loaded once per run and shared by every file's [`super::Context`]: cloning is cheap.
#[derive(Clone, Default)]
pub struct ProtoTypes {
    /// `None`: no `--proto-file-dirs`. An error is kept, not raised: as in conftest, it is the
    /// refusal of each textproto file read (a run without one never sees it).
    loaded: Option<Arc<Result<DescriptorPool, String>>>,
}

impl std::fmt::Debug for ProtoTypes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.loaded.as_deref() {
            None => f.write_str("ProtoTypes(well-known types)"),
            Some(Ok(pool)) => write!(f, "ProtoTypes({} files)", pool.files().len()),
            Some(Err(e)) => write!(f, "ProtoTypes(error: {e})"),
        }
    }
}

impl ProtoTypes {
    /// The `.proto` files under `dirs` (conftest's `--proto-file-dirs`, in order), loaded as
    /// conftest loads them; an empty `dirs` is no flag at all.
    pub fn load(dirs: &[PathBuf]) -> ProtoTypes {
        ProtoTypes::load_in(Path::new(""), dirs)
    }

    /// [`ProtoTypes::load`] as run from the folder `cwd`: `dirs` relative to it, and so the walk
    /// paths that imports are matched against.
    pub fn load_in(cwd: &Path, dirs: &[PathBuf]) -> ProtoTypes {
        if dirs.is_empty() {
            return ProtoTypes::default();
        }
        ProtoTypes {
            loaded: Some(Arc::new(load_dirs(cwd, dirs))),
        }
    }

    /// Why the `--proto-file-dirs` folders could not be loaded, if they could not.
    pub fn error(&self) -> Option<&str> {
        match self.loaded.as_deref() {
            Some(Err(e)) => Some(e),
            _ => None,
        }
    }

    /// The pool to look message types up in, or why the folders could not be loaded.
    pub(super) fn pool(&self) -> Result<DescriptorPool, String> {
        match self.loaded.as_deref() {
            None => WELL_KNOWN.clone(),
            Some(loaded) => loaded.clone(),
        }
    }
}

/// Whether conftest's type registry holds `message`: every message of the well-known types (Go's
/// generated code registers nested ones too), only the top-level messages of a loaded file
/// (conftest registers `fd.Messages()`, not the messages inside them).
pub(super) fn is_registered(message: &MessageDescriptor) -> bool {
    message.parent_message().is_none() || is_well_known(message.parent_file().name())
}

/// Whether a `.proto` file is one of the well-known types'.
pub(super) fn is_well_known(file: &str) -> bool {
    file.starts_with("google/protobuf/")
}

fn load_dirs(cwd: &Path, dirs: &[PathBuf]) -> Result<DescriptorPool, String> {
    let mut files = Vec::new();
    for dir in dirs {
        files.extend(proto_files(cwd, dir)?);
    }
    if files.is_empty() {
        return Err(format!(
            "load protos: no .proto file under --proto-file-dirs {}",
            dirs.iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let mut pool = WELL_KNOWN.clone()?;
    for (file, path) in files {
        // conftest: "Only load each file once", by its path as walked.
        if pool.get_file_by_name(&file).is_some() {
            continue;
        }
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("load proto file {file}: {e}"))?;
        add_file(&mut pool, &file, &text)?;
    }
    Ok(pool)
}

/// One `.proto` file, parsed alone and linked against the files in `pool` (conftest's `load`).
fn add_file(pool: &mut DescriptorPool, file: &str, text: &str) -> Result<(), String> {
    let proto = protox_parse::parse(file, text).map_err(|e| {
        let at = e
            .span()
            .map(|s| line_col(text, s.start))
            .unwrap_or_default();
        format!("load proto file {file}{at}: {e}")
    })?;
    // Go's protodesc refuses proto1 MessageSets outside its legacy build.
    if let Some(name) = message_set(&proto.message_type, proto.package()) {
        return Err(format!(
            "load proto file {file}: message {name} is a MessageSet (message_set_wire_format), a legacy proto1 feature conftest's protobuf library refuses"
        ));
    }
    // Go's registry refuses (conftest panics on) a top-level name another file defined.
    if let Some(name) = taken_name(pool, &proto) {
        return Err(format!(
            "load proto file {file}: {name} is already defined by another file (conftest panics on this registration conflict)"
        ));
    }
    let imports = proto.dependency.clone();
    pool.add_file_descriptor_proto(proto).map_err(|e| {
        let missing = imports
            .iter()
            .filter(|i| pool.get_file_by_name(i).is_none())
            .map(String::as_str)
            .collect::<Vec<_>>();
        if missing.is_empty() {
            format!("load proto file {file}: {e}")
        } else {
            format!(
                "load proto file {file}: imports {}, which is neither a well-known type nor a file loaded before it under that path (as in conftest, each .proto is read alone and an import must be the path of a file walked before it: pass the import root, e.g. --proto-file-dirs .)",
                missing.join(", ")
            )
        }
    })?;
    Ok(())
}

/// A top-level name of `proto` (message, enum, enum value, extension, service) that `pool`
/// already holds, as Go's `Files.RegisterFile` checks them.
fn taken_name(pool: &DescriptorPool, proto: &FileDescriptorProto) -> Option<String> {
    let full = |name: &str| match proto.package() {
        "" => name.to_owned(),
        package => format!("{package}.{name}"),
    };
    let names = proto
        .message_type
        .iter()
        .map(|m| m.name())
        .chain(proto.enum_type.iter().map(|e| e.name()))
        .chain(
            proto
                .enum_type
                .iter()
                .flat_map(|e| e.value.iter().map(|v| v.name())),
        )
        .chain(proto.extension.iter().map(|x| x.name()))
        .chain(proto.service.iter().map(|s| s.name()));
    names.map(full).find(|name| {
        pool.get_message_by_name(name).is_some()
            || pool.get_enum_by_name(name).is_some()
            || pool.get_extension_by_name(name).is_some()
            || pool.get_service_by_name(name).is_some()
            || pool
                .all_enums()
                .filter(|e| e.parent_message().is_none())
                .any(|e| e.values().any(|v| v.full_name() == name))
    })
}

/// The first message (full name) declared with `option message_set_wire_format = true`.
fn message_set(messages: &[DescriptorProto], scope: &str) -> Option<String> {
    messages.iter().find_map(|m| {
        let name = if scope.is_empty() {
            m.name().to_owned()
        } else {
            format!("{scope}.{}", m.name())
        };
        // protox leaves options uninterpreted: prost-reflect's pool reads them when it links.
        let set = m.options.as_ref().is_some_and(|o| {
            o.message_set_wire_format == Some(true)
                || o.uninterpreted_option.iter().any(|u| {
                    matches!(&u.name[..], [n] if n.name_part == "message_set_wire_format" && !n.is_extension)
                        && u.identifier_value.as_deref() == Some("true")
                })
        });
        if set {
            return Some(name);
        }
        message_set(&m.nested_type, &name)
    })
}

/// `: line L, column C` of byte `offset` in `text`.
pub(super) fn line_col(text: &str, offset: usize) -> String {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!(": line {line}, column {column}")
}

/// The files under `dir` whose names end in `.proto`, as Go's `filepath.Walk` lists them: the
/// root as given, children joined and cleaned (`./protos` → `protos/a.proto`), names in byte
/// order, a symbolic link listed as a file and never followed (the root's neither). Each with
/// where to read it (`dir` is relative to `cwd`).
fn proto_files(cwd: &Path, dir: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let root = dir.to_string_lossy().into_owned();
    let start = cwd.join(dir);
    let mut out = Vec::new();
    let walk = walkdir::WalkDir::new(&start)
        .follow_links(false)
        .follow_root_links(false)
        .sort_by_file_name();
    for entry in walk {
        let entry = entry.map_err(|e| format!("find proto files: walk dir {root:?}: {e}"))?;
        if entry.file_type().is_dir() || !entry.file_name().to_string_lossy().ends_with(".proto") {
            continue;
        }
        let name = if entry.depth() == 0 {
            root.clone()
        } else {
            let rel = entry.path().strip_prefix(&start).unwrap_or(entry.path());
            go_clean(&format!("{root}/{}", rel.to_string_lossy()))
        };
        out.push((name, entry.into_path()));
    }
    Ok(out)
}

/// Go's `path.Clean`: `.` and empty elements dropped, `..` taking the element before it.
fn go_clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ if rooted => {}
                _ => parts.push(".."),
            },
            _ => parts.push(part),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn go_clean_as_go() {
        for (path, want) in [
            ("./protos/a.proto", "protos/a.proto"),
            ("protos//a.proto", "protos/a.proto"),
            ("./a.proto", "a.proto"),
            ("../x/./y/../a.proto", "../x/a.proto"),
            ("/a/../../b", "/b"),
        ] {
            assert_eq!(go_clean(path), want, "{path}");
        }
    }

    #[test]
    fn files_are_walked_in_byte_order_with_go_paths() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "b.proto",
            "a/z.proto",
            "B.proto",
            "a.proto.txt",
            "c/d.PROTO",
        ] {
            write(dir.path(), name, "");
        }
        let found = proto_files(dir.path(), Path::new("./")).unwrap();
        let names: Vec<_> = found.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["B.proto", "a/z.proto", "b.proto"]);
        assert_eq!(found[1].1, dir.path().join("./a/z.proto"));
    }

    #[test]
    fn a_folder_without_proto_files_is_an_error_kept_for_textproto_files() {
        let dir = tempfile::tempdir().unwrap();
        let types = ProtoTypes::load(&[dir.path().to_path_buf()]);
        assert!(types.pool().unwrap_err().contains("no .proto file"));
        let missing = ProtoTypes::load(&[dir.path().join("nope")]);
        assert!(missing.pool().unwrap_err().contains("walk dir"));
        assert!(ProtoTypes::load(&[]).pool().is_ok());
    }

    /// Each file is read alone: an import resolves to a file walked earlier under that very path.
    #[test]
    fn imports_resolve_only_to_earlier_files_by_walk_path() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "a/base.proto",
            "syntax = \"proto3\"; package a; message B {}",
        );
        write(
            dir.path(),
            "b/use.proto",
            "syntax = \"proto3\"; package b; import \"a/base.proto\"; \
             import \"google/protobuf/timestamp.proto\"; \
             message U { a.B b = 1; google.protobuf.Timestamp t = 2; }",
        );
        let from_root = ProtoTypes::load(&[dir.path().to_path_buf()]);
        let e = from_root.pool().unwrap_err();
        assert!(e.contains("imports a/base.proto"), "{e}");

        // Walked from the import root, the paths are the imports' (`--proto-file-dirs .`).
        let mut pool = WELL_KNOWN.clone().unwrap();
        let base = "syntax = \"proto3\"; package a; message B {}";
        let user =
            "syntax = \"proto3\"; package b; import \"a/base.proto\"; message U { a.B b = 1; }";
        assert!(add_file(&mut pool, "b/use.proto", user).is_err());
        add_file(&mut pool, "a/base.proto", base).unwrap();
        add_file(&mut pool, "b/use.proto", user).unwrap();
        assert!(pool.get_message_by_name("b.U").is_some());
        let set = "syntax = \"proto2\"; package s; message M { option message_set_wire_format = true; extensions 4 to max; }";
        assert!(
            add_file(&mut pool, "s.proto", set)
                .unwrap_err()
                .contains("MessageSet")
        );
        // A second definition of a name: conftest panics, sealgate refuses.
        let again = add_file(&mut pool, "c/again.proto", base).unwrap_err();
        assert!(again.contains("c/again.proto"), "{again}");
    }

    #[test]
    fn nested_messages_of_loaded_files_are_not_registered() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "m.proto",
            "syntax = \"proto3\"; package p; message Outer { message Inner {} }",
        );
        let pool = ProtoTypes::load(&[dir.path().to_path_buf()])
            .pool()
            .unwrap();
        assert!(is_registered(&pool.get_message_by_name("p.Outer").unwrap()));
        assert!(!is_registered(
            &pool.get_message_by_name("p.Outer.Inner").unwrap()
        ));
        let wkt = pool
            .get_message_by_name("google.protobuf.DescriptorProto.ExtensionRange")
            .unwrap();
        assert!(is_registered(&wkt));
        assert!(pool.get_file_by_name(NOT_IN_CONFTEST).is_none());
    }
}
