//! kubeseal's modes answered by the controller: `--validate` (`/v1/verify`: can it open each
//! SealedSecret?) and `--re-encrypt` (`/v1/rotate`: each SealedSecret sealed again with its
//! newest key), through the API server's service proxy.

use sealgate_core::seal::SealedSecret;

use super::Request;
use crate::cmd::seal::render;
use crate::controller_proxy::{Answer, ControllerProxy};
use crate::error::CliError;

/// Each SealedSecret of the input as the JSON body kubeseal posts.
fn bodies(request: &Request<'_>) -> Result<Vec<(SealedSecret, String, Vec<u8>)>, CliError> {
    request
        .sealed_input()?
        .into_iter()
        .map(|(sealed, place)| {
            let body = serde_json::to_vec(&sealed).map_err(|e| {
                CliError::input(
                    format!("cannot encode the SealedSecret ({e})"),
                    place.as_str(),
                    "report a bug",
                )
            })?;
            Ok((sealed, place, body))
        })
        .collect()
}

fn connect(request: &Request<'_>) -> Result<ControllerProxy, CliError> {
    let (namespace, name) = request.controller();
    ControllerProxy::connect(&request.target, &namespace, &name)
}

/// `--validate`: exit 0 when the controller can open every SealedSecret of the input.
pub fn validate(request: &Request<'_>) -> Result<(), CliError> {
    let bodies = bodies(request)?;
    let proxy = connect(request)?;
    for (sealed, place, body) in bodies {
        match proxy.post("/v1/verify", body)? {
            Answer::Ok(_) => {}
            Answer::Failed { code: 409, .. } => {
                let name = sealed.metadata.name.unwrap_or_default();
                return Err(CliError::input(
                    format!("unable to decrypt sealed secret: {name}"),
                    place,
                    "it was sealed for another key, namespace or name; seal it again",
                ));
            }
            Answer::Failed { code, message } => {
                return Err(CliError::input(
                    format!(
                        "cannot validate sealed secret: the controller answered {code}: {message}"
                    ),
                    proxy.server(),
                    "check the controller is running (--controller-namespace/--controller-name)",
                ));
            }
        }
    }
    Ok(())
}

/// `--re-encrypt`: the controller's re-sealed SealedSecrets, server-set fields cleared, in the
/// output format.
pub fn reencrypt(request: &Request<'_>) -> Result<String, CliError> {
    let bodies = bodies(request)?;
    let format = request.format()?;
    let proxy = connect(request)?;
    let mut rotated = Vec::with_capacity(bodies.len());
    for (_, place, body) in bodies {
        let text = match proxy.post("/v1/rotate", body)? {
            Answer::Ok(text) => text,
            Answer::Failed { code: 409, .. } => {
                return Err(CliError::input(
                    "unable to rotate secret: the controller cannot open it",
                    place,
                    "it was sealed for another key, namespace or name; seal it again",
                ));
            }
            Answer::Failed { code, message } => {
                return Err(CliError::input(
                    format!("cannot re-encrypt secret: the controller answered {code}: {message}"),
                    proxy.server(),
                    "check the controller is running (--controller-namespace/--controller-name)",
                ));
            }
        };
        let mut sealed: SealedSecret = serde_json::from_str(&text).map_err(|e| {
            CliError::input(
                format!("the controller's answer is not a SealedSecret ({e})"),
                proxy.server(),
                "check --controller-name names a sealed-secrets controller",
            )
        })?;
        for field in ["creationTimestamp", "deletionTimestamp", "generation"] {
            sealed.metadata.extra.remove(field);
        }
        rotated.push(sealed);
    }
    render(&rotated, format)
}
