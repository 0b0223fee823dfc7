//! `sealgate cert`: show a sealing certificate (fingerprints, key size, validity, days left).

use std::fmt::Write as _;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::cert_source::CertSource;
use crate::cli::CertArgs;
use crate::error::{CliError, Outcome};
use crate::output;

fn source_of(args: &CertArgs) -> Result<CertSource, CliError> {
    match (&args.source, &args.cert.cert) {
        (Some(_), Some(_)) => {
            return Err(CliError::usage(
                "a certificate was given both as argument and with --cert",
                "give it once",
            ));
        }
        (Some(_), _) | (_, Some(_)) if args.fetch || args.cert.local => {
            return Err(CliError::usage(
                "a certificate file or URL was given together with --fetch or --local",
                "use one certificate source",
            ));
        }
        _ => {}
    }
    if args.fetch && args.cert.local {
        return Err(CliError::usage(
            "--fetch and --local both given",
            "use one certificate source",
        ));
    }
    match args.source.as_deref().or(args.cert.cert.as_deref()) {
        Some(location) => Ok(CertSource::from_location(location)),
        None => CertSource::from_args(&args.cert),
    }
}

pub fn run(args: CertArgs) -> Result<Outcome, CliError> {
    let source = source_of(&args)?;
    let (cert, origin) = source.inspect_cert()?;
    let text = if args.pem {
        cert.to_pem()
    } else {
        let now = OffsetDateTime::now_utc();
        let days_left = (cert.not_after() - now).whole_days();
        let left = if days_left < 0 || cert.is_expired_at(now) {
            "0 (EXPIRED: sealing with it is refused)".to_owned()
        } else {
            days_left.to_string()
        };
        let mut text = String::new();
        let _ = writeln!(text, "source:       {origin}");
        let _ = writeln!(text, "fingerprint:  {}", cert.fingerprint());
        let _ = writeln!(text, "cert sha256:  {}", cert.cert_sha256());
        let _ = writeln!(text, "key:          RSA {} bits", cert.key_bits());
        let _ = writeln!(text, "not before:   {}", rfc3339(cert.not_before()));
        let _ = writeln!(text, "not after:    {}", rfc3339(cert.not_after()));
        let _ = writeln!(text, "days left:    {left}");
        text
    };
    output::to_stdout(text.as_bytes())?;
    Ok(Outcome::Clean)
}

fn rfc3339(time: OffsetDateTime) -> String {
    time.format(&Rfc3339).unwrap_or_else(|_| time.to_string())
}
