//! `template.data` rendering equals the real controller code's: every vector in `template_vectors/`
//! was rendered by `kubeseal --recovery-unseal` (Go text/template + Sprig), see its `generate`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sealgate_core::seal::template::TemplateError;
use sealgate_core::seal::{UnsealError, unseal};
use serde::Deserialize;

use crate::vector::{self, data_base64};

/// A template vector: also says how sealgate should fare; an expected failure is `error: true`.
type Vector = vector::Vector<Verdict, bool>;

#[derive(Deserialize)]
struct Verdict {
    /// "same", "error" or "unsupported" (see `generate`).
    sealgate: String,
}

fn dir() -> PathBuf {
    vector::dir("template_vectors")
}

fn vectors() -> Vec<(String, Vector)> {
    let dir = dir();
    vector::names(&dir)
        .into_iter()
        .map(|name| {
            let vector = vector::load(&dir, &name);
            (name, vector)
        })
        .collect()
}

/// What went wrong with one vector, or None when sealgate agrees with kubeseal.
fn mismatch(name: &str, vector: &Vector) -> Option<String> {
    let result = unseal(&vector::keys(&dir(), vector), &vector.sealed, None);
    match (vector.suite.sealgate.as_str(), result) {
        ("same", Ok(unsealed)) => {
            let got = data_base64(&unsealed);
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
            all.iter().any(|(_, v)| v.suite.sealgate == kind),
            "no {kind} vector"
        );
    }
    for (name, vector) in &all {
        match vector.suite.sealgate.as_str() {
            "error" => assert_eq!(vector.expect.error, Some(true), "{name}"),
            _ => assert!(
                vector.expect.data.is_some(),
                "{name}: kubeseal rendered nothing"
            ),
        }
    }
}
