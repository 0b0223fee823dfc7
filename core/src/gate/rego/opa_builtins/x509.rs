//! OPA's X.509 builtins: `crypto.x509.parse_certificates`,
//! `crypto.x509.parse_and_verify_certificates`, `crypto.x509.parse_certificate_request` and
//! `crypto.x509.parse_keypair` (OPA v1.22.3, `topdown/crypto.go`), returning what Go's
//! `json.Marshal` writes for Go's `x509.Certificate`, `x509.CertificateRequest` and
//! `tls.Certificate`: every exported field, `[]byte` in base64, `*big.Int` as a number, times in
//! RFC 3339, OIDs as arrays of integers, a nil slice as null.
//!
//! x509-parser reads the DER; the extensions Go interprets fill the fields Go fills (key usage,
//! basic constraints, key identifiers, alternative names, authority information access, CRL
//! distribution points, policies, name constraints, policy constraints and mappings, extended
//! key usage in the certificate's order). Where the port is not Go's, it says so: a SAN URI is
//! split by Go's `url.Parse` port (`uri.rs`) and `URIStrings` holds the URI as written (Go
//! re-serialises it, the same text for any URI Go accepts); a DSA key's `PublicKey` and a
//! request's `Attributes` (deprecated in Go) are null. Chains are verified with aws-lc-rs as
//! Go's `Certificate.Verify` does with no options (see [`verify_chain`]).

use std::collections::BTreeMap;

use aws_lc_rs::signature::{self, UnparsedPublicKey, VerificationAlgorithm};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use regorus::Value;
use x509_parser::certificate::X509Certificate;
use x509_parser::certification_request::X509CertificationRequest;
use x509_parser::cri_attributes::ParsedCriAttribute;
use x509_parser::der_parser::der::parse_der;
use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};
use x509_parser::num_bigint::{BigInt, BigUint};
use x509_parser::oid_registry::Oid;
use x509_parser::prelude::FromDer as _;
use x509_parser::public_key::PublicKey;
use x509_parser::x509::{AlgorithmIdentifier, SubjectPublicKeyInfo, X509Name};

use super::private_keys::{PrivateKey, go_base64, go_json as key_json, keys_of_pem};
use super::uri::go_parse;
use super::{Builtin, string_operand};

pub(super) const BUILTINS: &[(&str, u8, Builtin)] = &[
    ("crypto.x509.parse_certificates", 1, parse_certificates),
    (
        "crypto.x509.parse_and_verify_certificates",
        1,
        parse_and_verify_certificates,
    ),
    (
        "crypto.x509.parse_certificate_request",
        1,
        parse_certificate_request,
    ),
    ("crypto.x509.parse_keypair", 2, parse_keypair),
];

/// An object from its fields.
pub(super) fn object(fields: Vec<(&str, Value)>) -> Value {
    Value::from(
        fields
            .into_iter()
            .map(|(k, v)| (Value::from(k), v))
            .collect::<BTreeMap<_, _>>(),
    )
}

/// A decimal integer of any size as a Rego number.
pub(super) fn big_value(decimal: &str) -> Value {
    Value::from_numeric_string(decimal).unwrap_or(Value::Null)
}

fn bytes(data: &[u8]) -> Value {
    Value::from(STANDARD.encode(data))
}

/// A Go `[]byte` that is nil when absent.
fn optional_bytes(data: Option<&[u8]>) -> Value {
    data.map_or(Value::Null, bytes)
}

/// A Go slice: null when empty (nil), else an array.
fn slice(items: Vec<Value>) -> Value {
    if items.is_empty() {
        Value::Null
    } else {
        Value::from(items)
    }
}

fn strings(items: &[String]) -> Value {
    slice(items.iter().map(|s| Value::from(s.as_str())).collect())
}

/// A Go `asn1.ObjectIdentifier`: the arcs as numbers.
fn oid_value(oid: &Oid) -> Value {
    let arcs: Vec<Value> = oid.to_id_string().split('.').map(big_value).collect();
    Value::from(arcs)
}

fn int(n: i64) -> Value {
    Value::from(n)
}

/// Go's `time.Time` in JSON (RFC 3339, UTC for certificates).
fn time_value(timestamp: i64) -> Value {
    let Ok(t) = time::OffsetDateTime::from_unix_timestamp(timestamp) else {
        return Value::Null;
    };
    Value::from(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    ))
}

/// Go's `pkix.Name` from a distinguished name (`FillFromRDNSequence`).
fn name(n: &X509Name) -> Value {
    let mut lists: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let (mut common, mut serial) = (String::new(), String::new());
    let mut names = Vec::new();
    for attr in n.iter_attributes() {
        let Ok(value) = attr.as_str() else {
            continue;
        };
        names.push(object(vec![
            ("Type", oid_value(attr.attr_type())),
            ("Value", Value::from(value)),
        ]));
        let field = match attr.attr_type().to_id_string().as_str() {
            "2.5.4.3" => {
                common = value.to_owned();
                continue;
            }
            "2.5.4.5" => {
                serial = value.to_owned();
                continue;
            }
            "2.5.4.6" => "Country",
            "2.5.4.7" => "Locality",
            "2.5.4.8" => "Province",
            "2.5.4.9" => "StreetAddress",
            "2.5.4.10" => "Organization",
            "2.5.4.11" => "OrganizationalUnit",
            "2.5.4.17" => "PostalCode",
            _ => continue,
        };
        lists.entry(field).or_default().push(value.to_owned());
    }
    let list = |field: &str| lists.get(field).map_or(Value::Null, |v| strings(v));
    object(vec![
        ("Country", list("Country")),
        ("Organization", list("Organization")),
        ("OrganizationalUnit", list("OrganizationalUnit")),
        ("Locality", list("Locality")),
        ("Province", list("Province")),
        ("StreetAddress", list("StreetAddress")),
        ("PostalCode", list("PostalCode")),
        ("SerialNumber", Value::from(serial)),
        ("CommonName", Value::from(common)),
        ("Names", slice(names)),
        ("ExtraNames", Value::Null),
    ])
}

/// Go's `x509.SignatureAlgorithm` number.
fn signature_algorithm(alg: &AlgorithmIdentifier) -> i64 {
    match alg.algorithm.to_id_string().as_str() {
        "1.2.840.113549.1.1.2" => 1,
        "1.2.840.113549.1.1.4" => 2,
        "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => 3,
        "1.2.840.113549.1.1.11" => 4,
        "1.2.840.113549.1.1.12" => 5,
        "1.2.840.113549.1.1.13" => 6,
        "1.2.840.10040.4.3" => 7,
        "2.16.840.1.101.3.4.3.2" => 8,
        "1.2.840.10045.4.1" => 9,
        "1.2.840.10045.4.3.2" => 10,
        "1.2.840.10045.4.3.3" => 11,
        "1.2.840.10045.4.3.4" => 12,
        "1.2.840.113549.1.1.10" => match pss_hash(alg).as_deref() {
            Some("2.16.840.1.101.3.4.2.1") => 13,
            Some("2.16.840.1.101.3.4.2.2") => 14,
            Some("2.16.840.1.101.3.4.2.3") => 15,
            _ => 0,
        },
        "1.3.101.112" => 16,
        _ => 0,
    }
}

/// The hash of RSASSA-PSS parameters (`SEQUENCE { [0] EXPLICIT hashAlgorithm, … }`).
fn pss_hash(alg: &AlgorithmIdentifier) -> Option<String> {
    let params = alg.parameters.as_ref()?;
    let (_, tagged) = parse_der(params.data).ok()?;
    let (_, hash) = parse_der(tagged.as_slice().ok()?).ok()?;
    Some(
        hash.as_sequence()
            .ok()?
            .first()?
            .as_oid()
            .ok()?
            .to_id_string(),
    )
}

/// Go's `x509.PublicKeyAlgorithm` number and `PublicKey` value.
fn public_key(spki: &SubjectPublicKeyInfo) -> (i64, Value) {
    let unsigned = |b: &[u8]| big_value(&BigUint::from_bytes_be(b).to_string());
    match spki.algorithm.algorithm.to_id_string().as_str() {
        "1.2.840.113549.1.1.1" => match spki.parsed() {
            Ok(PublicKey::RSA(k)) => (
                1,
                object(vec![
                    ("N", unsigned(k.modulus)),
                    ("E", unsigned(k.exponent)),
                ]),
            ),
            _ => (1, Value::Null),
        },
        "1.2.840.10040.4.1" => (2, Value::Null),
        "1.2.840.10045.2.1" => {
            let data = spki.subject_public_key.data.as_ref();
            let size = data.len().saturating_sub(1) / 2;
            if data.first() == Some(&4) && data.len() == 1 + 2 * size {
                (
                    3,
                    object(vec![
                        ("Curve", object(Vec::new())),
                        ("X", unsigned(&data[1..=size])),
                        ("Y", unsigned(&data[size + 1..])),
                    ]),
                )
            } else {
                (3, Value::Null)
            }
        }
        "1.3.101.112" => (4, bytes(&spki.subject_public_key.data)),
        _ => (0, Value::Null),
    }
}

/// Go's `net.IP` in JSON: its `String()`.
fn ip_text(ip: &[u8]) -> String {
    match ip.len() {
        4 => std::net::Ipv4Addr::new(ip[0], ip[1], ip[2], ip[3]).to_string(),
        16 => {
            let mut octets = [0u8; 16];
            octets.copy_from_slice(ip);
            let v6 = std::net::Ipv6Addr::from(octets);
            v6.to_ipv4_mapped()
                .map_or_else(|| v6.to_string(), |v4| v4.to_string())
        }
        0 => String::new(),
        _ => format!(
            "?{}",
            ip.iter().map(|b| format!("{b:02x}")).collect::<String>()
        ),
    }
}

/// Go's `*url.URL` in JSON, from Go's `url.Parse` port.
fn url_value(uri: &str) -> Value {
    let Ok(url) = go_parse(uri) else {
        return Value::Null;
    };
    object(vec![
        ("Scheme", Value::from(url.scheme.as_str())),
        ("Opaque", Value::from("")),
        ("User", Value::Null),
        ("Host", Value::from(url.host.as_str())),
        ("Path", Value::from(url.path.as_str())),
        ("RawPath", Value::from(url.raw_path.as_str())),
        ("OmitHost", Value::from(false)),
        ("ForceQuery", Value::from(false)),
        ("RawQuery", Value::from(url.raw_query.as_str())),
        ("Fragment", Value::from(url.fragment.as_str())),
        ("RawFragment", Value::from("")),
    ])
}

/// The subject alternative names Go keeps.
#[derive(Default)]
struct AltNames {
    dns: Vec<String>,
    email: Vec<String>,
    ip: Vec<String>,
    uri: Vec<String>,
}

impl AltNames {
    fn add(&mut self, names: &[GeneralName]) {
        for n in names {
            match n {
                GeneralName::DNSName(s) => self.dns.push((*s).to_owned()),
                GeneralName::RFC822Name(s) => self.email.push((*s).to_owned()),
                GeneralName::URI(s) => self.uri.push((*s).to_owned()),
                GeneralName::IPAddress(ip) => self.ip.push(ip_text(ip)),
                _ => {}
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.dns.is_empty() && self.email.is_empty() && self.ip.is_empty() && self.uri.is_empty()
    }

    fn fields(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("DNSNames", strings(&self.dns)),
            ("EmailAddresses", strings(&self.email)),
            ("IPAddresses", strings(&self.ip)),
            (
                "URIs",
                slice(self.uri.iter().map(|u| url_value(u)).collect()),
            ),
        ]
    }
}

/// Go's `ExtKeyUsage` number of an extended key usage OID.
fn ext_key_usage(oid: &str) -> Option<i64> {
    Some(match oid {
        "2.5.29.37.0" => 0,
        "1.3.6.1.5.5.7.3.1" => 1,
        "1.3.6.1.5.5.7.3.2" => 2,
        "1.3.6.1.5.5.7.3.3" => 3,
        "1.3.6.1.5.5.7.3.4" => 4,
        "1.3.6.1.5.5.7.3.5" => 5,
        "1.3.6.1.5.5.7.3.6" => 6,
        "1.3.6.1.5.5.7.3.7" => 7,
        "1.3.6.1.5.5.7.3.8" => 8,
        "1.3.6.1.5.5.7.3.9" => 9,
        "1.3.6.1.4.1.311.10.3.3" => 10,
        "2.16.840.1.113730.4.1" => 11,
        "1.3.6.1.4.1.311.2.1.22" => 12,
        "1.3.6.1.4.1.311.61.1.1" => 13,
        _ => return None,
    })
}

/// The name constraints of one kind (`Permitted…` or `Excluded…`).
#[derive(Default)]
struct Constraints {
    dns: Vec<String>,
    email: Vec<String>,
    uri: Vec<String>,
    ip: Vec<Value>,
}

impl Constraints {
    fn add(&mut self, bases: &[&GeneralName]) {
        for base in bases {
            match base {
                GeneralName::DNSName(s) => self.dns.push((*s).to_owned()),
                GeneralName::RFC822Name(s) => self.email.push((*s).to_owned()),
                GeneralName::URI(s) => self.uri.push((*s).to_owned()),
                GeneralName::IPAddress(b) if b.len() == 8 || b.len() == 32 => {
                    let (ip, mask) = b.split_at(b.len() / 2);
                    self.ip.push(object(vec![
                        ("IP", Value::from(ip_text(ip))),
                        ("Mask", bytes(mask)),
                    ]));
                }
                _ => {}
            }
        }
    }
}

/// The fields Go fills from a certificate's extensions.
struct Extensions {
    fields: BTreeMap<&'static str, Value>,
    uri_strings: Vec<String>,
}

fn extensions(ext: &[x509_parser::extensions::X509Extension]) -> Extensions {
    let mut f: BTreeMap<&'static str, Value> = BTreeMap::new();
    for (k, v) in [
        ("KeyUsage", int(0)),
        ("BasicConstraintsValid", Value::from(false)),
        ("IsCA", Value::from(false)),
        ("MaxPathLen", int(0)),
        ("MaxPathLenZero", Value::from(false)),
        ("InhibitAnyPolicy", int(0)),
        ("InhibitAnyPolicyZero", Value::from(false)),
        ("InhibitPolicyMapping", int(0)),
        ("InhibitPolicyMappingZero", Value::from(false)),
        ("RequireExplicitPolicy", int(0)),
        ("RequireExplicitPolicyZero", Value::from(false)),
        ("PermittedDNSDomainsCritical", Value::from(false)),
    ] {
        f.insert(k, v);
    }
    let mut alt = AltNames::default();
    let (mut eku, mut unknown_eku, mut unhandled) = (Vec::new(), Vec::new(), Vec::new());
    let (mut ocsp, mut issuers, mut crl) = (Vec::new(), Vec::new(), Vec::new());
    let (mut policy_ids, mut policies, mut mappings) = (Vec::new(), Vec::new(), Vec::new());
    let (mut permitted, mut excluded) = (Constraints::default(), Constraints::default());
    let mut all = Vec::new();
    for e in ext {
        all.push(object(vec![
            ("Id", oid_value(&e.oid)),
            ("Critical", Value::from(e.critical)),
            ("Value", bytes(e.value)),
        ]));
        let mut handled = true;
        match e.parsed_extension() {
            ParsedExtension::KeyUsage(k) => {
                f.insert("KeyUsage", int(i64::from(k.flags & 0x1ff)));
            }
            ParsedExtension::BasicConstraints(b) => {
                let max = b.path_len_constraint.map_or(-1, i64::from);
                f.insert("BasicConstraintsValid", Value::from(true));
                f.insert("IsCA", Value::from(b.ca));
                f.insert("MaxPathLen", int(max));
                f.insert("MaxPathLenZero", Value::from(max == 0));
            }
            ParsedExtension::SubjectAlternativeName(san) => {
                alt.add(&san.general_names);
                handled = !alt.is_empty();
            }
            ParsedExtension::SubjectKeyIdentifier(id) => {
                f.insert("SubjectKeyId", bytes(id.0));
            }
            ParsedExtension::AuthorityKeyIdentifier(aki) => {
                f.insert(
                    "AuthorityKeyId",
                    optional_bytes(aki.key_identifier.as_ref().map(|k| k.0)),
                );
            }
            ParsedExtension::ExtendedKeyUsage(_) => {
                // in the certificate's order, which x509-parser's flags lose
                if let Ok((_, seq)) = parse_der(e.value)
                    && let Ok(items) = seq.as_sequence()
                {
                    for oid in items.iter().filter_map(|i| i.as_oid().ok()) {
                        match ext_key_usage(&oid.to_id_string()) {
                            Some(n) => eku.push(int(n)),
                            None => unknown_eku.push(oid_value(oid)),
                        }
                    }
                }
            }
            ParsedExtension::AuthorityInfoAccess(aia) => {
                for d in &aia.accessdescs {
                    let GeneralName::URI(uri) = d.access_location else {
                        continue;
                    };
                    match d.access_method.to_id_string().as_str() {
                        "1.3.6.1.5.5.7.48.1" => ocsp.push(uri.to_owned()),
                        "1.3.6.1.5.5.7.48.2" => issuers.push(uri.to_owned()),
                        _ => {}
                    }
                }
                handled = !e.critical;
            }
            ParsedExtension::CRLDistributionPoints(points) => {
                for p in &points.points {
                    if let Some(DistributionPointName::FullName(names)) = &p.distribution_point {
                        for n in names {
                            if let GeneralName::URI(uri) = n {
                                crl.push((*uri).to_owned());
                            }
                        }
                    }
                }
            }
            ParsedExtension::CertificatePolicies(list) => {
                for p in list {
                    policy_ids.push(oid_value(&p.policy_id));
                    policies.push(Value::from(p.policy_id.to_id_string()));
                }
            }
            ParsedExtension::NameConstraints(nc) => {
                f.insert("PermittedDNSDomainsCritical", Value::from(e.critical));
                if let Some(subtrees) = &nc.permitted_subtrees {
                    permitted.add(&subtrees.iter().map(|s| &s.base).collect::<Vec<_>>());
                }
                if let Some(subtrees) = &nc.excluded_subtrees {
                    excluded.add(&subtrees.iter().map(|s| &s.base).collect::<Vec<_>>());
                }
            }
            ParsedExtension::InhibitAnyPolicy(i) => {
                f.insert("InhibitAnyPolicy", int(i64::from(i.skip_certs)));
                f.insert("InhibitAnyPolicyZero", Value::from(i.skip_certs == 0));
            }
            ParsedExtension::PolicyConstraints(pc) => {
                for (field, zero, value) in [
                    (
                        "RequireExplicitPolicy",
                        "RequireExplicitPolicyZero",
                        pc.require_explicit_policy,
                    ),
                    (
                        "InhibitPolicyMapping",
                        "InhibitPolicyMappingZero",
                        pc.inhibit_policy_mapping,
                    ),
                ] {
                    if let Some(v) = value {
                        f.insert(field, int(i64::from(v)));
                        f.insert(zero, Value::from(v == 0));
                    }
                }
            }
            ParsedExtension::PolicyMappings(pm) => {
                for m in &pm.mappings {
                    mappings.push(object(vec![
                        (
                            "IssuerDomainPolicy",
                            Value::from(m.issuer_domain_policy.to_id_string()),
                        ),
                        (
                            "SubjectDomainPolicy",
                            Value::from(m.subject_domain_policy.to_id_string()),
                        ),
                    ]));
                }
            }
            _ => handled = false,
        }
        if e.critical && !handled {
            unhandled.push(oid_value(&e.oid));
        }
    }
    f.entry("SubjectKeyId").or_insert(Value::Null);
    f.entry("AuthorityKeyId").or_insert(Value::Null);
    f.extend(alt.fields());
    for (k, v) in [
        ("Extensions", slice(all)),
        ("ExtraExtensions", Value::Null),
        ("UnhandledCriticalExtensions", slice(unhandled)),
        ("ExtKeyUsage", slice(eku)),
        ("UnknownExtKeyUsage", slice(unknown_eku)),
        ("OCSPServer", strings(&ocsp)),
        ("IssuingCertificateURL", strings(&issuers)),
        ("CRLDistributionPoints", strings(&crl)),
        ("PolicyIdentifiers", slice(policy_ids)),
        ("Policies", slice(policies)),
        ("PolicyMappings", slice(mappings)),
        ("PermittedDNSDomains", strings(&permitted.dns)),
        ("ExcludedDNSDomains", strings(&excluded.dns)),
        ("PermittedIPRanges", slice(permitted.ip)),
        ("ExcludedIPRanges", slice(excluded.ip)),
        ("PermittedEmailAddresses", strings(&permitted.email)),
        ("ExcludedEmailAddresses", strings(&excluded.email)),
        ("PermittedURIDomains", strings(&permitted.uri)),
        ("ExcludedURIDomains", strings(&excluded.uri)),
    ] {
        f.insert(k, v);
    }
    Extensions {
        fields: f,
        uri_strings: alt.uri,
    }
}

/// Go's `*big.Int` of a DER INTEGER's two's-complement bytes.
fn signed_decimal(raw: &[u8]) -> String {
    BigInt::from_signed_bytes_be(raw).to_string()
}

/// A parsed certificate with its DER.
struct Cert<'a> {
    der: &'a [u8],
    x509: X509Certificate<'a>,
}

/// Go's `x509.Certificate` in JSON, with OPA's `URIStrings`.
fn certificate_value(cert: &Cert) -> Value {
    let tbs = &cert.x509.tbs_certificate;
    let (key_algorithm, key) = public_key(&tbs.subject_pki);
    let ext = extensions(tbs.extensions());
    let mut fields = vec![
        ("Raw", bytes(cert.der)),
        ("RawTBSCertificate", bytes(tbs.as_ref())),
        ("RawSubjectPublicKeyInfo", bytes(tbs.subject_pki.raw)),
        ("RawSubject", bytes(tbs.subject.as_raw())),
        ("RawIssuer", bytes(tbs.issuer.as_raw())),
        ("Signature", bytes(&cert.x509.signature_value.data)),
        (
            "SignatureAlgorithm",
            int(signature_algorithm(&cert.x509.signature_algorithm)),
        ),
        ("PublicKeyAlgorithm", int(key_algorithm)),
        ("PublicKey", key),
        ("Version", int(i64::from(tbs.version.0) + 1)),
        ("SerialNumber", big_value(&signed_decimal(tbs.raw_serial()))),
        ("Issuer", name(&tbs.issuer)),
        ("Subject", name(&tbs.subject)),
        ("NotBefore", time_value(tbs.validity.not_before.timestamp())),
        ("NotAfter", time_value(tbs.validity.not_after.timestamp())),
        (
            "URIStrings",
            if ext.uri_strings.is_empty() {
                Value::Null
            } else {
                strings(&ext.uri_strings)
            },
        ),
    ];
    fields.extend(ext.fields);
    object(fields)
}

/// Go's `x509.ParseCertificates`: concatenated DER certificates.
fn parse_der_certificates(mut der: &[u8]) -> Result<Vec<Cert<'_>>, String> {
    let mut certs = Vec::new();
    while !der.is_empty() {
        let (rest, x509) = X509Certificate::from_der(der)
            .map_err(|e| format!("x509: malformed certificate: {e}"))?;
        let (this, _) = der.split_at(der.len() - rest.len());
        certs.push(Cert { der: this, x509 });
        der = rest;
    }
    Ok(certs)
}

/// The DER of OPA's `getX509CertsFromString`: PEM, or base64 of PEM or of DER.
fn certificates_der(text: &str) -> Result<Vec<u8>, String> {
    let pem_der = |pem_text: &[u8]| -> Result<Vec<u8>, String> {
        let blocks = pem::parse_many(pem_text).map_err(|e| e.to_string())?;
        let mut der = Vec::new();
        for block in blocks {
            if block.tag() != "CERTIFICATE" {
                return Err(format!(
                    "PEM block type is '{}', expected CERTIFICATE",
                    block.tag()
                ));
            }
            der.extend_from_slice(block.contents());
        }
        Ok(der)
    };
    if text.starts_with("-----BEGIN") {
        return pem_der(text.as_bytes());
    }
    let decoded = go_base64(text)?;
    if decoded.starts_with(b"-----BEGIN") {
        return pem_der(&decoded);
    }
    Ok(decoded)
}

fn parse_certificates(args: &[Value]) -> Result<Value, String> {
    let der = certificates_der(string_operand(args, 0)?)?;
    let certs = parse_der_certificates(&der)?;
    Ok(Value::from(
        certs.iter().map(certificate_value).collect::<Vec<_>>(),
    ))
}

/// The aws-lc-rs algorithm checking a signature of Go's `SignatureAlgorithm` number; SHA-1 and
/// MD5 are refused, as Go's `Verify` refuses them.
fn verification(alg: i64) -> Option<&'static dyn VerificationAlgorithm> {
    Some(match alg {
        4 => &signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        5 => &signature::RSA_PKCS1_2048_8192_SHA384,
        6 => &signature::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
        10 => &signature::ECDSA_P256_SHA256_ASN1,
        11 => &signature::ECDSA_P384_SHA384_ASN1,
        12 => &signature::ECDSA_P521_SHA512_ASN1,
        13 => &signature::RSA_PSS_2048_8192_SHA256,
        14 => &signature::RSA_PSS_2048_8192_SHA384,
        15 => &signature::RSA_PSS_2048_8192_SHA512,
        16 => &signature::ED25519,
        _ => return None,
    })
}

/// Whether `parent` signed `child`.
fn signed_by(child: &Cert, parent: &Cert) -> bool {
    let Some(alg) = verification(signature_algorithm(&child.x509.signature_algorithm)) else {
        return false;
    };
    let key = &parent
        .x509
        .tbs_certificate
        .subject_pki
        .subject_public_key
        .data;
    UnparsedPublicKey::new(alg, key.as_ref())
        .verify(
            child.x509.tbs_certificate.as_ref(),
            &child.x509.signature_value.data,
        )
        .is_ok()
}

/// The facts of a certificate `Verify` checks.
fn usable(cert: &Cert, now: i64, leaf: bool) -> bool {
    let tbs = &cert.x509.tbs_certificate;
    let ext = extensions(tbs.extensions());
    let truth = |k: &str| ext.fields.get(k) == Some(&Value::from(true));
    let in_time =
        tbs.validity.not_before.timestamp() <= now && now <= tbs.validity.not_after.timestamp();
    let unhandled = ext.fields.get("UnhandledCriticalExtensions") != Some(&Value::Null);
    // Go checks the chain for ExtKeyUsageServerAuth (the default): a certificate without
    // extended key usages allows any, `any` (0) allows any, as do the gated-crypto usages
    // in intermediates
    let eku_ok = match (
        ext.fields.get("ExtKeyUsage"),
        ext.fields.get("UnknownExtKeyUsage"),
    ) {
        (Some(Value::Null), Some(Value::Null)) => true,
        (Some(Value::Array(usages)), _) => usages
            .iter()
            .any(|u| *u == int(0) || *u == int(1) || (!leaf && (*u == int(10) || *u == int(11)))),
        _ => false,
    };
    in_time && !unhandled && eku_ok && (leaf || (truth("BasicConstraintsValid") && truth("IsCA")))
}

/// Go's `leaf.Verify` with `certs[0]` the only root and `certs[1..n-1]` the intermediates,
/// `certs[n-1]` the leaf, at the current time, for server authentication (Go's default):
/// the first chain found, leaf first. Chains are searched depth first, parents in the order
/// given, each certificate once, at most [`MAX_SIGNATURE_CHECKS`] signatures checked; a parent
/// must have signed its child, be in its validity period, be a CA (an intermediate), allow the
/// usage and keep its path length.
fn verify_chain<'c>(certs: &'c [Cert<'c>], now: i64) -> Option<Vec<&'c Cert<'c>>> {
    let (root, rest) = certs.split_first()?;
    let (leaf, intermediates) = rest.split_last()?;
    if !usable(leaf, now, true) {
        return None;
    }
    // a leaf that is the root is its own chain
    if leaf.der == root.der {
        return Some(vec![leaf]);
    }
    let mut chain = vec![leaf];
    let mut checks = MAX_SIGNATURE_CHECKS;
    extend(&mut chain, root, intermediates, now, &mut checks).then_some(chain)
}

/// Go's `maxChainSignatureChecks`: certificates that all sign each other would otherwise make
/// the search try every order of them.
const MAX_SIGNATURE_CHECKS: usize = 100;

/// [`signed_by`], counted against the search's budget.
fn checked(child: &Cert, parent: &Cert, checks: &mut usize) -> bool {
    if *checks == 0 {
        return false;
    }
    *checks -= 1;
    signed_by(child, parent)
}

fn extend<'c>(
    chain: &mut Vec<&'c Cert<'c>>,
    root: &'c Cert<'c>,
    intermediates: &'c [Cert<'c>],
    now: i64,
    checks: &mut usize,
) -> bool {
    let Some(&child) = chain.last() else {
        return false;
    };
    let issuer = child.x509.tbs_certificate.issuer.as_raw();
    let path_ok = |parent: &Cert, below: usize| {
        let ext = extensions(parent.x509.tbs_certificate.extensions());
        match ext.fields.get("MaxPathLen") {
            Some(Value::Number(n))
                if ext.fields.get("BasicConstraintsValid") == Some(&Value::from(true)) =>
            {
                n.as_i64()
                    .is_none_or(|max| max < 0 || (below as i64) <= max)
            }
            _ => true,
        }
    };
    // intermediates between the candidate parent and the leaf
    let below = chain.len() - 1;
    if root.x509.tbs_certificate.subject.as_raw() == issuer
        && checked(child, root, checks)
        && in_time(root, now)
        && path_ok(root, below)
    {
        chain.push(root);
        return true;
    }
    for parent in intermediates {
        if chain.iter().any(|c| std::ptr::eq(*c, parent))
            || parent.x509.tbs_certificate.subject.as_raw() != issuer
            || !checked(child, parent, checks)
            || !usable(parent, now, false)
            || !path_ok(parent, below)
        {
            continue;
        }
        chain.push(parent);
        if extend(chain, root, intermediates, now, checks) {
            return true;
        }
        chain.pop();
    }
    false
}

fn in_time(cert: &Cert, now: i64) -> bool {
    let validity = &cert.x509.tbs_certificate.validity;
    validity.not_before.timestamp() <= now && now <= validity.not_after.timestamp()
}

fn parse_and_verify_certificates(args: &[Value]) -> Result<Value, String> {
    let text = string_operand(args, 0)?;
    let invalid = || Value::from(vec![Value::from(false), Value::from(Vec::<Value>::new())]);
    let Ok(der) = certificates_der(text) else {
        return Ok(invalid());
    };
    let Ok(certs) = parse_der_certificates(&der) else {
        return Ok(invalid());
    };
    if certs.len() < 2 {
        return Ok(invalid());
    }
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    Ok(match verify_chain(&certs, now) {
        Some(chain) => Value::from(vec![
            Value::from(true),
            Value::from(chain.into_iter().map(certificate_value).collect::<Vec<_>>()),
        ]),
        None => invalid(),
    })
}

fn parse_certificate_request(args: &[Value]) -> Result<Value, String> {
    let text = string_operand(args, 0)?;
    let mut der = if text.starts_with("-----BEGIN CERTIFICATE REQUEST-----") {
        text.as_bytes().to_vec()
    } else {
        go_base64(text)?
    };
    if let Ok((_, block)) = x509_parser::pem::parse_x509_pem(&der) {
        if block.label != "CERTIFICATE REQUEST" {
            return Err("invalid PEM-encoded certificate signing request".to_owned());
        }
        der = block.contents;
    }
    let (_, csr) = X509CertificationRequest::from_der(&der)
        .map_err(|e| format!("asn1: structure error: {e}"))?;
    let info = &csr.certification_request_info;
    let (key_algorithm, key) = public_key(&info.subject_pki);
    let mut alt = AltNames::default();
    let mut all = Vec::new();
    for attr in info.iter_attributes() {
        let ParsedCriAttribute::ExtensionRequest(request) = attr.parsed_attribute() else {
            continue;
        };
        for e in &request.extensions {
            all.push(object(vec![
                ("Id", oid_value(&e.oid)),
                ("Critical", Value::from(e.critical)),
                ("Value", bytes(e.value)),
            ]));
            if let ParsedExtension::SubjectAlternativeName(san) = e.parsed_extension() {
                alt.add(&san.general_names);
            }
        }
    }
    let mut fields = vec![
        ("Raw", bytes(csr.as_raw())),
        ("RawTBSCertificateRequest", bytes(info.raw)),
        ("RawSubjectPublicKeyInfo", bytes(info.subject_pki.raw)),
        ("RawSubject", bytes(info.subject.as_raw())),
        ("Version", int(i64::from(info.version.0))),
        ("Signature", bytes(&csr.signature_value.data)),
        (
            "SignatureAlgorithm",
            int(signature_algorithm(&csr.signature_algorithm)),
        ),
        ("PublicKeyAlgorithm", int(key_algorithm)),
        ("PublicKey", key),
        ("Subject", name(&info.subject)),
        ("Attributes", Value::Null),
        ("Extensions", slice(all)),
        ("ExtraExtensions", Value::Null),
    ];
    fields.extend(alt.fields());
    Ok(object(fields))
}

/// Whether a private key belongs to a certificate's public key (Go's `X509KeyPair` check).
fn key_matches(key: &PrivateKey, cert: &Cert) -> bool {
    let (_, public) = public_key(&cert.x509.tbs_certificate.subject_pki);
    let matches = |field: &str, value: Value| match &public {
        Value::Object(o) => o.get(&Value::from(field)) == Some(&value),
        _ => false,
    };
    match (key_json(key), key) {
        (Value::Object(k), PrivateKey::Rsa(_) | PrivateKey::Ec { .. }) => ["N", "E", "X", "Y"]
            .iter()
            .filter_map(|f| k.get(&Value::from(*f)).map(|v| (*f, v.clone())))
            .all(|(f, v)| matches(f, v)),
        (_, PrivateKey::Ed25519 { public: p, .. }) => public == bytes(p),
        _ => false,
    }
}

/// OPA's `getTLSx509KeyPairFromString` and Go's `tls.X509KeyPair`.
fn parse_keypair(args: &[Value]) -> Result<Value, String> {
    let decode = |text: &str| -> Result<Vec<u8>, String> {
        if text.starts_with("-----BEGIN ") {
            Ok(text.as_bytes().to_vec())
        } else {
            go_base64(text)
        }
    };
    let cert_text = decode(string_operand(args, 0)?)?;
    let key_text = decode(string_operand(args, 1)?)?;
    let cert_pem = if cert_text.starts_with(b"-----BEGIN ") {
        cert_text
    } else {
        pem::encode(&pem::Pem::new("CERTIFICATE", cert_text)).into_bytes()
    };
    let key_text = String::from_utf8_lossy(&key_text).into_owned();
    if !key_text.starts_with("-----BEGIN ") {
        return Err("tls: failed to find any PEM data in key input".to_owned());
    }
    let blocks = pem::parse_many(&cert_pem).map_err(|e| e.to_string())?;
    let ders: Vec<&[u8]> = blocks
        .iter()
        .filter(|b| b.tag() == "CERTIFICATE")
        .map(pem::Pem::contents)
        .collect();
    let Some(first) = ders.first() else {
        return Err("tls: failed to find any PEM data in certificate input".to_owned());
    };
    let leaf = parse_der_certificates(first)?;
    let Some(leaf) = leaf.first() else {
        return Err("tls: failed to parse certificate".to_owned());
    };
    let keys = keys_of_pem(&key_text)?;
    let Some(key) = keys.first() else {
        return Err("tls: failed to find PEM block with type ending in \"PRIVATE KEY\"".to_owned());
    };
    if !key_matches(key, leaf) {
        return Err("tls: private key does not match public key".to_owned());
    }
    Ok(object(vec![
        (
            "Certificate",
            Value::from(ders.iter().map(|d| bytes(d)).collect::<Vec<_>>()),
        ),
        ("PrivateKey", key_json(key)),
        ("SupportedSignatureAlgorithms", Value::Null),
        ("OCSPStaple", Value::Null),
        ("SignedCertificateTimestamps", Value::Null),
        ("Leaf", certificate_value(leaf)),
    ]))
}

#[cfg(test)]
mod tests {
    use regorus::Value;

    use super::super::all;
    use super::super::test_support::{eval_x, eval_x_with_input};

    /// The fields where `got` and `want` differ (first level of objects, in arrays too).
    fn differences(got: &Value, want: &Value) -> Vec<String> {
        match (got, want) {
            (Value::Array(g), Value::Array(w)) if g.len() == w.len() => g
                .iter()
                .zip(w.iter())
                .enumerate()
                .flat_map(|(i, (g, w))| {
                    differences(g, w)
                        .into_iter()
                        .map(move |d| format!("[{i}].{d}"))
                })
                .collect(),
            (Value::Object(g), Value::Object(w)) => w
                .iter()
                .filter(|(k, v)| g.get(k) != Some(*v))
                .map(|(k, v)| format!("{k}: got {:?}, want {v}", g.get(k)))
                .chain(
                    g.keys()
                        .filter(|k| w.get(k).is_none())
                        .map(|k| format!("{k}: not in OPA's")),
                )
                .collect(),
            _ if got == want => Vec::new(),
            _ => vec![format!("got {got}, want {want}")],
        }
    }

    /// The fixture with its `"bigint:<digits>"` strings as numbers (JSON parsers here stop at
    /// f64's range; an RSA modulus is far beyond it).
    fn with_bigints(value: Value) -> Value {
        match value {
            Value::String(s) if s.starts_with("bigint:") => {
                Value::from_numeric_string(&s["bigint:".len()..]).unwrap_or(Value::Null)
            }
            Value::Array(a) => Value::from(a.iter().cloned().map(with_bigints).collect::<Vec<_>>()),
            Value::Object(o) => Value::from(
                o.iter()
                    .map(|(k, v)| (k.clone(), with_bigints(v.clone())))
                    .collect::<std::collections::BTreeMap<_, _>>(),
            ),
            other => other,
        }
    }

    /// What `opa eval` (v1.22.3) answers for OPA's own compliance inputs (certificate chains
    /// in PEM and DER, an ECDSA certificate with a SPIFFE URI, a certificate request, an RSA
    /// key), compared value for value (numbers of any size exactly).
    #[test]
    fn values_are_opa_s() {
        let cases = Value::from_json_str(include_str!("x509_cases.json"))
            .map(with_bigints)
            .unwrap_or_else(|e| panic!("x509_cases.json: {e}"));
        let cases: Vec<Value> = cases
            .as_array()
            .map(|a| a.iter().cloned().collect())
            .unwrap_or_default();
        assert_eq!(cases.len(), 6);
        for case in cases {
            let name = case["builtin"]
                .as_string()
                .map(|s| s.to_string())
                .unwrap_or_default();
            let builtin = all()
                .find(|(n, _, _)| *n == name)
                .map(|&(_, _, b)| b)
                .unwrap_or_else(|| panic!("{name}"));
            let args: Vec<Value> = case["args"]
                .as_array()
                .map(|a| a.iter().cloned().collect())
                .unwrap_or_default();
            let got = builtin(&args).unwrap_or_else(|e| panic!("{name}: {e}"));
            let diff = differences(&got, &case["want"]);
            assert!(diff.is_empty(), "{name}: {diff:#?}");
        }
    }

    /// OPA v1.22.3's compliance chain (root, intermediate, leaf; valid until 2031) in the
    /// orders `opa eval` verifies and refuses: the chain comes back leaf first.
    #[test]
    fn chains_verify_as_go_verifies() {
        let pem = include_str!("x509_chain.pem");
        let blocks: Vec<String> = pem
            .split_inclusive("-----END CERTIFICATE-----\n")
            .map(str::to_owned)
            .collect();
        assert_eq!(blocks.len(), 3);
        let verified = |certs: &[&String]| {
            let text: String = certs.iter().map(|c| c.as_str()).collect();
            // as input: regorus's query lines stop at 1,024 columns
            let query = "v := crypto.x509.parse_and_verify_certificates(input.c); x := [v[0], [c.Subject.CommonName | c := v[1][_]]]";
            eval_x_with_input(query, &serde_json::json!({"c": text}), true)
                .unwrap_or_else(|e| panic!("{e}"))
        };
        let [root, intermediate, leaf] = [&blocks[0], &blocks[1], &blocks[2]];
        assert_eq!(
            verified(&[root, intermediate, leaf]).as_deref(),
            Some(
                r#"[true,["notarealsite.opa.localhost","OPA Test Intermediate CA","OPA Test Root CA"]]"#
            )
        );
        assert_eq!(
            verified(&[leaf, intermediate, root]).as_deref(),
            Some("[false,[]]")
        );
        assert_eq!(verified(&[root, leaf]).as_deref(), Some("[false,[]]"));
        assert_eq!(
            verified(&[root, root]).as_deref(),
            Some(r#"[true,["OPA Test Root CA"]]"#)
        );
        assert_eq!(verified(&[root]).as_deref(), Some("[false,[]]"));
    }

    #[test]
    fn bad_input_is_undefined_or_a_strict_error() {
        for call in [
            r#"crypto.x509.parse_certificates("YmFkc3RyaW5n")"#,
            r#"crypto.x509.parse_certificates("foobar")"#,
            r#"crypto.x509.parse_certificate_request("YmFkc3RyaW5n")"#,
            r#"crypto.x509.parse_keypair("foobar", "foobar")"#,
            r#"crypto.x509.parse_rsa_private_key("invalid")"#,
        ] {
            assert_eq!(eval_x(&format!("x := {call}"), false), Ok(None), "{call}");
            assert!(eval_x(&format!("x := {call}"), true).is_err(), "{call}");
        }
        assert_eq!(
            eval_x(
                r#"x := crypto.x509.parse_and_verify_certificates("YmFkc3RyaW5n")"#,
                false
            ),
            Ok(Some("[false,[]]".to_owned()))
        );
        assert_eq!(
            eval_x(r#"x := crypto.parse_private_keys("")"#, false),
            Ok(Some("null".to_owned()))
        );
    }
}
