//! Certs and key material: fingerprints agree with ssh-keygen/openssl, bad certs and keys are
//! refused clearly, every key source kubeseal accepts loads, generated pairs look like upstream's.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sealgate_core::seal::{
    CertError, KeyBits, KeyGenOptions, KeySourceError, PrivateKey, Scope, SealingCert,
    UnsealingKeys, generate_key_pair, load_private_keys, seal_raw, unseal_raw,
};
use time::{Duration, OffsetDateTime};
use x509_parser::prelude::{FromDer, X509Certificate};

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn read(path: PathBuf) -> Vec<u8> {
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Fingerprints recorded by the generator with ssh-keygen and openssl.
fn reference(stem: &str, field: &str) -> String {
    let text =
        String::from_utf8(read(vectors().join(format!("{stem}-cert.fingerprints")))).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{field} ")))
        .unwrap()
        .to_owned()
}

#[test]
fn cert_fingerprints_match_ssh_keygen_and_openssl() {
    for stem in ["throwaway-test-4096", "throwaway-test-2048"] {
        let cert =
            SealingCert::from_pem(&read(vectors().join(format!("{stem}-cert.pem")))).unwrap();
        assert_eq!(cert.fingerprint(), reference(stem, "ssh"), "{stem}");
        assert_eq!(cert.cert_sha256(), reference(stem, "der"), "{stem}");
        assert_eq!(
            cert.key_bits().to_string(),
            reference(stem, "bits"),
            "{stem}"
        );
        assert!(cert.not_before() < cert.not_after());
        // PEM re-encoding is lossless.
        let again = SealingCert::from_pem(cert.to_pem().as_bytes()).unwrap();
        assert_eq!(again.der(), cert.der());
    }
}

#[test]
fn first_certificate_wins_and_text_around_it_is_ignored() {
    let mut text = b"leading comment\n".to_vec();
    text.extend(read(vectors().join("throwaway-test-2048-cert.pem")));
    text.extend(read(vectors().join("throwaway-test-4096-cert.pem")));
    let cert = SealingCert::from_pem(&text).unwrap();
    assert_eq!(cert.key_bits(), 2048);
}

#[test]
fn expired_cert_is_refused_naming_not_after() {
    let pair = generate_key_pair(&KeyGenOptions {
        bits: KeyBits::Rsa2048,
        not_before: OffsetDateTime::now_utc() - Duration::days(30),
        validity: Duration::days(1),
        ..KeyGenOptions::default()
    })
    .unwrap();
    let err = SealingCert::from_pem(pair.cert_pem().as_bytes()).unwrap_err();
    match &err {
        CertError::Expired { not_after } => assert!(err.to_string().contains(not_after.as_str())),
        other => panic!("expected Expired, got {other}"),
    }
    assert!(err.to_string().contains("NotAfter"));
    // Inspection still works on an expired cert.
    let cert = SealingCert::inspect_pem(pair.cert_pem().as_bytes()).unwrap();
    assert!(cert.is_expired_at(OffsetDateTime::now_utc()));
}

#[test]
fn non_rsa_and_garbage_certs_are_refused() {
    let err = SealingCert::from_pem(&read(fixtures().join("throwaway-ec-cert.pem"))).unwrap_err();
    assert!(
        matches!(&err, CertError::NotRsa { algorithm } if algorithm == "ECDSA"),
        "{err}"
    );
    assert!(err.to_string().contains("needs an RSA key"));
    assert!(matches!(
        SealingCert::from_pem(b"no pem here"),
        Err(CertError::NoCertificate)
    ));
    assert!(matches!(
        SealingCert::from_pem(&read(vectors().join("throwaway-test-2048-key.pem"))),
        Err(CertError::NoCertificate)
    ));
}

#[test]
fn pkcs1_and_pkcs8_give_the_same_key() {
    let pkcs1 = PrivateKey::from_pem(&read(vectors().join("throwaway-test-2048-key.pem"))).unwrap();
    let pkcs8 =
        PrivateKey::from_pem(&read(fixtures().join("throwaway-test-2048-key.pkcs8.pem"))).unwrap();
    assert_eq!(pkcs1.fingerprint(), pkcs8.fingerprint());
    assert_eq!(pkcs1.fingerprint(), reference("throwaway-test-2048", "ssh"));
    assert_eq!(pkcs8.key_bits(), 2048);
}

#[test]
fn non_rsa_key_is_refused() {
    let err = PrivateKey::from_pem(&read(fixtures().join("throwaway-ec-key.pem"))).unwrap_err();
    assert!(
        err.to_string().contains("not a usable RSA private key"),
        "{err}"
    );
    let err =
        load_private_keys(&read(fixtures().join("throwaway-ec-key.pem")), "ec.pem").unwrap_err();
    assert!(err.to_string().starts_with("ec.pem: "), "{err}");
}

fn tls_secret_yaml(name: &str, stem: &str) -> String {
    let key = STANDARD.encode(read(vectors().join(format!("{stem}-key.pem"))));
    let crt = STANDARD.encode(read(vectors().join(format!("{stem}-cert.pem"))));
    format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}\n  namespace: kube-system\n  labels:\n    sealedsecrets.bitnami.com/sealed-secrets-key: active\ntype: kubernetes.io/tls\ndata:\n  tls.crt: {crt}\n  tls.key: {key}\n"
    )
}

#[test]
fn keys_load_from_every_form_kubeseal_accepts() {
    // PEM
    let keys = load_private_keys(
        &read(vectors().join("throwaway-test-4096-key.pem")),
        "k.pem",
    )
    .unwrap();
    assert_eq!(keys.len(), 1);
    // TLS Secret, YAML
    let yaml = tls_secret_yaml("sealed-secrets-keyabc", "throwaway-test-4096");
    let keys = load_private_keys(yaml.as_bytes(), "secret.yaml").unwrap();
    assert_eq!(
        keys[0].fingerprint(),
        reference("throwaway-test-4096", "ssh")
    );
    assert!(keys[0].not_before().is_some(), "tls.crt dates the key");
    // TLS Secret, JSON
    let json = serde_json::json!({
        "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "k"},
        "data": {"tls.key": STANDARD.encode(read(vectors().join("throwaway-test-2048-key.pem")))}
    });
    let keys = load_private_keys(json.to_string().as_bytes(), "secret.json").unwrap();
    assert_eq!(
        keys[0].fingerprint(),
        reference("throwaway-test-2048", "ssh")
    );
    // v1 List, as `kubectl get secret -o yaml` prints it
    let list = format!(
        "apiVersion: v1\nkind: List\nmetadata:\n  resourceVersion: \"\"\nitems:\n{}{}",
        indent_item(&tls_secret_yaml("a", "throwaway-test-4096")),
        indent_item(&tls_secret_yaml("b", "throwaway-test-2048")),
    );
    let keys = load_private_keys(list.as_bytes(), "list.yaml").unwrap();
    assert_eq!(keys.len(), 2);
    // YAML stream of Secrets
    let stream = format!(
        "{}---\n{}",
        tls_secret_yaml("a", "throwaway-test-4096"),
        tls_secret_yaml("b", "throwaway-test-2048")
    );
    assert_eq!(
        load_private_keys(stream.as_bytes(), "stream.yaml")
            .unwrap()
            .len(),
        2
    );
}

fn indent_item(yaml: &str) -> String {
    let mut out = String::new();
    for (i, line) in yaml.lines().enumerate() {
        out.push_str(if i == 0 { "- " } else { "  " });
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[test]
fn bad_key_sources_say_what_is_wrong() {
    let err = load_private_keys(
        b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: k\ndata: {}\n",
        "s.yaml",
    )
    .unwrap_err();
    assert!(matches!(err, KeySourceError::MissingTlsKey { .. }), "{err}");
    assert!(err.to_string().contains("s.yaml") && err.to_string().contains("tls.key"));
    let err = load_private_keys(b"apiVersion: v1\nkind: ConfigMap\n", "cm.yaml").unwrap_err();
    assert!(matches!(err, KeySourceError::Unrecognised { .. }), "{err}");
    let err = load_private_keys(b"kind: Secret\ndata:\n  tls.key: '%%%'\n", "b.yaml").unwrap_err();
    assert!(matches!(err, KeySourceError::TlsKeyBase64 { .. }), "{err}");
}

#[test]
fn key_set_is_newest_first_and_honours_the_hint() {
    let old = generate_key_pair(&KeyGenOptions {
        bits: KeyBits::Rsa2048,
        not_before: OffsetDateTime::now_utc() - Duration::days(60),
        ..KeyGenOptions::default()
    })
    .unwrap();
    let new = generate_key_pair(&KeyGenOptions {
        bits: KeyBits::Rsa2048,
        ..KeyGenOptions::default()
    })
    .unwrap();
    let keys: UnsealingKeys = [old.private_key().unwrap(), new.private_key().unwrap()]
        .into_iter()
        .collect();
    let order: Vec<_> = keys.iter().map(|k| k.fingerprint().to_owned()).collect();
    let new_fp = new.sealing_cert().unwrap().fingerprint().to_owned();
    let old_fp = old.sealing_cert().unwrap().fingerprint().to_owned();
    assert_eq!(order, vec![new_fp.clone(), old_fp.clone()]);

    let blob = seal_raw(
        &old.sealing_cert().unwrap(),
        Scope::Strict,
        Some("n"),
        Some("s"),
        b"v",
    )
    .unwrap();
    let label = Scope::Strict.label("n", "s");
    let opened = keys.open(&label, &blob, None).unwrap();
    assert_eq!(
        (opened.key_index, opened.fingerprint.as_str()),
        (1, old_fp.as_str())
    );
    // Newest first: the new key was tried and failed, then the old one opened it.
    assert_eq!(opened.rsa_operations, 2);
    let opened = keys.open(&label, &blob, Some(&old_fp)).unwrap();
    assert_eq!(opened.key_index, 1);
    // The hint is tried first: one RSA operation.
    assert_eq!(opened.rsa_operations, 1);
    // A stale hint costs one extra try before the newest-first order.
    let opened = keys.open(&label, &blob, Some(&new_fp)).unwrap();
    assert_eq!(opened.rsa_operations, 2);
    assert_eq!(opened.plaintext.as_bytes(), b"v");
    // Duplicates are ignored.
    let mut keys = keys;
    keys.push(new.private_key().unwrap());
    assert_eq!(keys.len(), 2);
}

#[test]
fn generated_pair_matches_upstream_cert_profile() {
    let pair = generate_key_pair(&KeyGenOptions {
        bits: KeyBits::Rsa2048,
        ..KeyGenOptions::default()
    })
    .unwrap();
    assert!(
        pair.key_pem()
            .starts_with("-----BEGIN RSA PRIVATE KEY-----")
    );
    let cert = pair.sealing_cert().unwrap();
    assert_eq!(cert.key_bits(), 2048);
    assert_eq!(
        cert.fingerprint(),
        pair.private_key().unwrap().fingerprint()
    );
    let validity = cert.not_after() - cert.not_before();
    assert_eq!(validity, Duration::hours(87_600));

    let (_, x509) = X509Certificate::from_der(cert.der()).unwrap();
    assert_eq!(
        x509.subject().iter().count(),
        0,
        "empty subject like upstream's default"
    );
    assert_eq!(x509.issuer().iter().count(), 0);
    assert_eq!(
        x509.signature_algorithm.algorithm.to_id_string(),
        "1.2.840.113549.1.1.11"
    );
    let key_usage = x509.key_usage().unwrap().unwrap();
    assert!(key_usage.critical);
    assert!(key_usage.value.encipher_only());
    assert!(!key_usage.value.digital_signature());
    let basic = x509.basic_constraints().unwrap().unwrap();
    assert!(basic.value.ca);
    assert!(x509.raw_serial().len() >= 15, "random 128-bit serial");

    // The pair works end to end, and a CN can be set.
    let keys: UnsealingKeys = std::iter::once(pair.private_key().unwrap()).collect();
    let blob = seal_raw(&cert, Scope::ClusterWide, None, None, b"ok").unwrap();
    assert_eq!(
        unseal_raw(&keys, Scope::ClusterWide, "", "", &blob)
            .unwrap()
            .as_bytes(),
        b"ok"
    );
    let named = generate_key_pair(&KeyGenOptions {
        bits: KeyBits::Rsa2048,
        common_name: Some("sealed-secrets".into()),
        ..KeyGenOptions::default()
    })
    .unwrap();
    let named_cert = named.sealing_cert().unwrap();
    let (_, x509) = X509Certificate::from_der(named_cert.der()).unwrap();
    assert_eq!(x509.subject().to_string(), "CN=sealed-secrets");
}
