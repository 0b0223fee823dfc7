//! The generated CRD: committed files match the Rust types (drift), and the schema accepts every
//! field upstream's CRD accepts (a SealedSecret valid for upstream is valid for us).

use std::path::{Path, PathBuf};

use sealgate_controller::crd::{crd, generated_files};
use serde_json::Value;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const UPSTREAM_VERSION: &str = "v0.40.0";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn committed_crd_files_match_the_rust_types() -> TestResult {
    let mut stale = Vec::new();
    for file in generated_files()? {
        let path = repo_root().join(file.path);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(file.content.as_str()) {
            stale.push(file.path);
        }
    }
    assert!(
        stale.is_empty(),
        "{stale:?} out of date; run `cargo run -p sealgate-controller --bin crdgen -- --write` and commit the result"
    );
    Ok(())
}

/// Upstream's CRD from the Go module cache (the peers build downloads the module, hence the
/// `peer_` test name). Missing: a failure in CI, a loud skip elsewhere.
fn upstream_crd() -> Result<Option<Value>, Box<dyn std::error::Error>> {
    let cache = std::process::Command::new("go")
        .args(["env", "GOMODCACHE"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join("go/pkg/mod")));
    let path = cache.map(|c| {
        c.join(format!("github.com/bitnami-labs/sealed-secrets@{UPSTREAM_VERSION}/helm/sealed-secrets/crds/bitnami.com_sealedsecrets.yaml"))
    });
    match path.filter(|p| p.is_file()) {
        Some(p) => Ok(Some(serde_saphyr::from_str(&std::fs::read_to_string(p)?)?)),
        None => {
            sealgate_tests::require(
                "crd::peer_generated_schema_accepts_every_field_of_upstreams_crd",
                &format!(
                    "upstream CRD (github.com/bitnami-labs/sealed-secrets@{UPSTREAM_VERSION} in GOMODCACHE)"
                ),
                "tests/peers/build fetches it",
            )?;
            Ok(None)
        }
    }
}

/// Walks upstream's schema; at every node ours must accept at least as much: same type and
/// format, nullable and preserve-unknown-fields where upstream has them, no extra required
/// fields, and every upstream property present.
fn compare(upstream: &Value, ours: &Value, path: &str, problems: &mut Vec<String>) {
    for key in ["type", "format"] {
        if let Some(want) = upstream.get(key)
            && ours.get(key) != Some(want)
        {
            problems.push(format!(
                "{path}: {key} {want} upstream, {:?} here",
                ours.get(key)
            ));
        }
    }
    for flag in ["nullable", "x-kubernetes-preserve-unknown-fields"] {
        if upstream.get(flag) == Some(&Value::Bool(true))
            && ours.get(flag) != Some(&Value::Bool(true))
        {
            problems.push(format!("{path}: {flag} missing"));
        }
    }
    let required = |v: &Value| -> Vec<String> {
        v.get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    };
    let upstream_required = required(upstream);
    for field in required(ours) {
        if !upstream_required.contains(&field) {
            problems.push(format!("{path}: requires {field:?}, upstream does not"));
        }
    }
    if let Some(props) = upstream.get("properties").and_then(Value::as_object) {
        for (name, sub) in props {
            // apiVersion/kind/metadata of the root are the API server's, not the schema's.
            if path.is_empty() && matches!(name.as_str(), "apiVersion" | "kind" | "metadata") {
                continue;
            }
            match ours.pointer(&format!("/properties/{name}")) {
                Some(ours_sub) => compare(sub, ours_sub, &format!("{path}.{name}"), problems),
                None => problems.push(format!("{path}.{name}: missing")),
            }
        }
    }
    for key in ["additionalProperties", "items"] {
        if let Some(sub) = upstream.get(key) {
            match ours.get(key) {
                Some(ours_sub) => compare(sub, ours_sub, &format!("{path}[{key}]"), problems),
                None => problems.push(format!("{path}: {key} missing")),
            }
        }
    }
}

#[test]
fn peer_generated_schema_accepts_every_field_of_upstreams_crd() -> TestResult {
    let Some(upstream) = upstream_crd()? else {
        return Ok(());
    };
    let ours = serde_json::to_value(crd()?)?;
    for pointer in [
        "/spec/group",
        "/spec/names/kind",
        "/spec/names/listKind",
        "/spec/names/plural",
        "/spec/names/singular",
        "/spec/scope",
    ] {
        assert_eq!(
            ours.pointer(pointer),
            upstream.pointer(pointer),
            "{pointer}"
        );
    }
    for pointer in [
        "/name",
        "/served",
        "/storage",
        "/subresources",
        "/additionalPrinterColumns",
    ] {
        assert_eq!(
            ours.pointer(&format!("/spec/versions/0{pointer}")),
            upstream.pointer(&format!("/spec/versions/0{pointer}")),
            "version {pointer}"
        );
    }
    let schema = "/spec/versions/0/schema/openAPIV3Schema";
    let mut problems = Vec::new();
    compare(
        upstream.pointer(schema).ok_or("upstream has no schema")?,
        ours.pointer(schema).ok_or("no schema generated")?,
        "",
        &mut problems,
    );
    assert!(
        problems.is_empty(),
        "our schema rejects what upstream accepts:\n{}",
        problems.join("\n")
    );
    // The comparison itself must see the fields it claims to check.
    let mut none = Vec::new();
    compare(
        upstream.pointer(schema).ok_or("schema")?,
        &Value::Object(Default::default()),
        "",
        &mut none,
    );
    assert!(
        none.len() >= 3 && none.iter().any(|p| p.contains(".spec")),
        "{none:?}"
    );
    Ok(())
}
