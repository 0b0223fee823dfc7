//! `sealgate cert`: show a sealing certificate (fingerprints, key size, validity, days left).

use std::fmt::Write as _;

use sealgate_core::seal::SealingCert;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::cert_source::CertSource;
use crate::cli::CertArgs;
use crate::error::{CliError, Outcome};
use crate::output;
use crate::repo_config;

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
    if args.all_clusters {
        return all_clusters(&args);
    }
    if args.config.is_some() {
        return Err(CliError::usage(
            "--config only goes with --all-clusters",
            "add --all-clusters to list the config's clusters",
        ));
    }
    let source = source_of(&args)?;
    let (cert, origin) = source.inspect_cert()?;
    let text = if args.pem {
        cert.to_pem()
    } else {
        let left = days_left(&cert);
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

/// Whole days until the certificate expires, or why there are none.
fn days_left(cert: &SealingCert) -> String {
    let now = OffsetDateTime::now_utc();
    let days = (cert.not_after() - now).whole_days();
    if days < 0 || cert.is_expired_at(now) {
        "0 (EXPIRED: sealing with it is refused)".to_owned()
    } else {
        days.to_string()
    }
}

/// `cert --all-clusters`: one line per cluster of the repository config, in its order; the
/// first cluster whose certificate cannot be had is the error, naming the cluster.
fn all_clusters(args: &CertArgs) -> Result<Outcome, CliError> {
    if args.source.is_some()
        || args.cert.cert.is_some()
        || args.fetch
        || args.cert.local
        || args.pem
    {
        return Err(CliError::usage(
            "--all-clusters reads the clusters' certificates from the repository config",
            "drop the certificate argument and --cert/--fetch/--local/--pem",
        ));
    }
    let file = repo_config::locate(args.config.as_deref())?;
    let config = repo_config::load(&file)?;
    let mut rows = vec![[
        "CLUSTER".to_owned(),
        "FINGERPRINT".to_owned(),
        "NOT AFTER".to_owned(),
        "DAYS LEFT".to_owned(),
        "SOURCE".to_owned(),
    ]];
    for cluster in &config.clusters {
        let (cert, origin) = cluster
            .cert
            .inspect_cert()
            .map_err(|e| repo_config::in_cluster(e, &cluster.name, &file))?;
        rows.push([
            cluster.name.clone(),
            cert.fingerprint().to_owned(),
            rfc3339(cert.not_after()),
            days_left(&cert),
            // as the config says it: paths relative to its folder, not this machine's
            cluster.cert_as_written.clone().unwrap_or(origin),
        ]);
    }
    let mut widths = [0; 5];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    for row in &rows {
        let mut line = String::new();
        for (i, (cell, width)) in row.iter().zip(widths).enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                let _ = write!(line, "{cell:width$}  ");
            }
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    output::to_stdout(text.as_bytes())?;
    Ok(Outcome::Clean)
}

fn rfc3339(time: OffsetDateTime) -> String {
    time.format(&Rfc3339).unwrap_or_else(|_| time.to_string())
}
