//! `template.data` rendering equals the real controller code's: every vector in `template_vectors/`
//! was rendered by `kubeseal --recovery-unseal` (Go text/template + Sprig), see its `generate`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sealgate_core::seal::template::TemplateError;
use sealgate_core::seal::{PrivateKey, SealedSecret, UnsealError, UnsealingKeys, unseal};
use serde::Deserialize;

#[derive(Deserialize)]
struct Vector {
    description: String,
    key: String,
    /// "same", "error" or "unsupported" (see `generate`).
    sealgate: String,
    sealed: SealedSecret,
    expect: Expect,
}

#[derive(Deserialize)]
struct Expect {
    #[serde(default)]
    data: Option<BTreeMap<String, String>>,
    #[serde(default)]
    error: Option<bool>,
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/template_vectors")
}

fn vectors() -> Vec<(String, Vector)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir()).unwrap() {
        let path = entry.unwrap().path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(stem) = name.strip_suffix(".vector.json") else {
            continue;
        };
        let text = std::fs::read_to_string(&path).unwrap();
        let vector: Vector =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        out.push((stem.to_owned(), vector));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn keys(vector: &Vector) -> UnsealingKeys {
    let pem = std::fs::read(dir().join(&vector.key)).unwrap();
    std::iter::once(PrivateKey::from_pem(&pem).unwrap()).collect()
}

/// What went wrong with one vector, or None when sealgate agrees with kubeseal.
fn mismatch(name: &str, vector: &Vector) -> Option<String> {
    let result = unseal(&keys(vector), &vector.sealed, None);
    match (vector.sealgate.as_str(), result) {
        ("same", Ok(unsealed)) => {
            let got: BTreeMap<String, String> = unsealed
                .secret
                .data
                .iter()
                .map(|(k, v)| (k.clone(), STANDARD.encode(v.as_bytes())))
                .collect();
            let want = vector.expect.data.as_ref()?;
            (&got != want).then(|| {
                let show = |m: &BTreeMap<String, String>| {
                    m.get("rendered")
                        .or_else(|| m.get("username"))
                        .map(|b| String::from_utf8_lossy(&STANDARD.decode(b).unwrap()).into_owned())
                };
                format!(
                    "{name} ({}): sealgate rendered {:?}, kubeseal {:?}",
                    vector.description,
                    show(&got),
                    show(want)
                )
            })
        }
        ("error", Err(UnsealError::Template { .. })) => None,
        ("unsupported", Err(UnsealError::Template { error, .. })) => {
            matches!(error, TemplateError::Unsupported { .. })
                .then_some(())
                .map_or_else(
                    || Some(format!("{name}: not named as unsupported: {error}")),
                    |()| None,
                )
        }
        (want, Ok(_)) => Some(format!(
            "{name} ({}): rendered, expected {want}",
            vector.description
        )),
        (want, Err(e)) => Some(format!(
            "{name} ({}): expected {want}, got error: {e}",
            vector.description
        )),
    }
}

#[test]
fn every_template_vector_renders_like_kubeseal() {
    let all = vectors();
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(dir().join("cases.json")).unwrap()).unwrap();
    assert_eq!(
        all.len(),
        cases.len(),
        "one vector per case: rerun template_vectors/generate"
    );
    let failures: Vec<String> = all.iter().filter_map(|(n, v)| mismatch(n, v)).collect();
    assert!(
        failures.is_empty(),
        "{} of {} vectors differ:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

#[test]
fn vectors_cover_success_errors_and_unsupported() {
    let all = vectors();
    for kind in ["same", "error", "unsupported"] {
        assert!(
            all.iter().any(|(_, v)| v.sealgate == kind),
            "no {kind} vector"
        );
    }
    for (name, vector) in &all {
        match vector.sealgate.as_str() {
            "error" => assert_eq!(vector.expect.error, Some(true), "{name}"),
            _ => assert!(
                vector.expect.data.is_some(),
                "{name}: kubeseal rendered nothing"
            ),
        }
    }
}
