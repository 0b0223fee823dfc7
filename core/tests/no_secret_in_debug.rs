//! Plaintext and key material never appear in Debug output or error messages.

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sealgate_core::seal::{
    KeyBits, KeyGenOptions, ObjectMeta, Plaintext, PrivateKey, SealOptions, SealingCert, Secret,
    UnsealingKeys, generate_key_pair, load_private_keys, seal_secret, unseal,
};

const MARKER: &str = "TOP-SECRET-MARKER-4f1c";

fn key_pem() -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/throwaway-test-2048-key.pem"),
    )
    .unwrap()
}

fn cert() -> SealingCert {
    SealingCert::from_pem(
        &std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/vectors/throwaway-test-2048-cert.pem"),
        )
        .unwrap(),
    )
    .unwrap()
}

fn secret() -> Secret {
    Secret {
        metadata: ObjectMeta {
            name: Some("s".into()),
            namespace: Some("ns".into()),
            ..ObjectMeta::default()
        },
        data: [("password".to_owned(), Plaintext::from(MARKER.to_owned()))].into(),
        string_data: [("token".to_owned(), Plaintext::from(MARKER.to_owned()))].into(),
        ..Secret::default()
    }
}

/// Fragments that would betray the marker: raw, base64 (at any alignment, via a 12-char core).
fn assert_clean(what: &str, text: &str) {
    assert!(!text.contains(MARKER), "{what} leaks the plaintext: {text}");
    let b64 = STANDARD.encode(MARKER);
    assert!(
        !text.contains(&b64[..12]),
        "{what} leaks base64 plaintext: {text}"
    );
}

#[test]
fn secret_debug_shows_item_names_only() {
    let text = format!("{:?}", secret());
    assert_clean("Secret Debug", &text);
    assert!(text.contains("password") && text.contains("token"));
}

#[test]
fn unsealed_debug_and_unseal_errors_are_clean() {
    let keys: UnsealingKeys = std::iter::once(PrivateKey::from_pem(&key_pem()).unwrap()).collect();
    let mut sealed = seal_secret(&cert(), &secret(), &SealOptions::default()).unwrap();
    let unsealed = unseal(&keys, &sealed, None).unwrap();
    assert_eq!(
        unsealed.secret.data["password"].as_bytes(),
        MARKER.as_bytes()
    );
    assert_clean("Unsealed Debug", &format!("{unsealed:?}"));
    assert_clean("Unsealed Debug (pretty)", &format!("{unsealed:#?}"));

    // Tamper one item: the error names the item, not its content.
    let blob = sealed.spec.encrypted_data.get_mut("password").unwrap();
    let mut raw = STANDARD.decode(&*blob).unwrap();
    let last = raw.len() - 1;
    raw[last] ^= 1;
    *blob = STANDARD.encode(raw);
    let err = unseal(&keys, &sealed, None).unwrap_err();
    assert_clean("unseal error", &format!("{err} / {err:?}"));
    assert!(err.to_string().contains("\"password\""));
}

#[test]
fn key_debug_shows_no_key_material() {
    let pem = key_pem();
    let pem_text = String::from_utf8(pem.clone()).unwrap();
    // A line from the middle of the PEM body: if any Debug printed key bytes, it would show.
    let body_line = pem_text.lines().nth(5).unwrap();
    let key = PrivateKey::from_pem(&pem).unwrap();
    let keys: UnsealingKeys = std::iter::once(PrivateKey::from_pem(&pem).unwrap()).collect();
    let loaded = load_private_keys(&pem, "k.pem").unwrap();
    for text in [
        format!("{key:?}"),
        format!("{keys:?}"),
        format!("{loaded:?}"),
    ] {
        assert!(!text.contains(body_line), "key Debug leaks PEM: {text}");
        assert!(
            text.contains("SHA256:"),
            "fingerprint is shown instead: {text}"
        );
    }

    let pair = generate_key_pair(&KeyGenOptions {
        bits: KeyBits::Rsa2048,
        ..KeyGenOptions::default()
    })
    .unwrap();
    let generated_line = pair.key_pem().lines().nth(5).unwrap().to_owned();
    let text = format!("{pair:?}");
    assert!(
        !text.contains(&generated_line),
        "GeneratedKeyPair Debug leaks the key"
    );
    assert!(!text.contains("PRIVATE KEY"));
}

#[test]
fn key_errors_do_not_echo_input() {
    let mut broken = key_pem();
    let text = String::from_utf8(broken.clone()).unwrap();
    let body_line = text.lines().nth(5).unwrap().to_owned();
    // Corrupt the DER but keep valid base64, so parsing gets past PEM.
    let at = text.find(&body_line).unwrap();
    broken[at..at + 4].copy_from_slice(b"AAAA");
    for err in [
        PrivateKey::from_pem(&broken)
            .map(|_| ())
            .unwrap_err()
            .to_string(),
        load_private_keys(&broken, "k.pem")
            .map(|_| ())
            .unwrap_err()
            .to_string(),
    ] {
        assert!(
            !err.contains(&body_line[8..]),
            "error echoes key material: {err}"
        );
    }
}

#[test]
fn manifest_debug_names_the_object_not_its_values() {
    use sealgate_core::manifest::{Source, load};
    let text = format!(
        "apiVersion: v1\nkind: Secret\nmetadata: {{name: s, namespace: ns}}\nstringData: {{token: {MARKER}}}\n"
    );
    let source = Source::from_text("s.yaml", text.as_str());
    assert_clean("Source Debug", &format!("{source:?}"));
    let manifest = load(source).unwrap();
    let debug = format!("{manifest:?}");
    assert_clean("Manifest Debug", &debug);
    assert!(
        debug.contains("Secret") && debug.contains("s.yaml"),
        "{debug}"
    );
}
