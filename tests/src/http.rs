//! Plain HTTP calls to the controller's servers, as a client outside the process makes them.

use std::error::Error;
use std::time::Duration;

/// An answer: any status (non-2xx included), its content type and its body as text.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

/// A blocking HTTP call on a blocking thread (`GET`, or `POST` with `body` and an optional
/// `X-Forwarded-For`); non-2xx statuses are answers, not errors.
pub async fn call(
    method: &'static str,
    url: String,
    forwarded_for: Option<&'static str>,
    body: Vec<u8>,
) -> Result<Response, Box<dyn Error + Send + Sync>> {
    let response = tokio::task::spawn_blocking(move || -> Result<Response, ureq::Error> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        let mut response = if method == "GET" {
            agent.get(&url).call()?
        } else {
            let mut request = agent.post(&url);
            if let Some(client) = forwarded_for {
                request = request.header("X-Forwarded-For", client);
            }
            request.send(&body[..])?
        };
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = response.body_mut().read_to_string()?;
        Ok(Response {
            status: response.status().as_u16(),
            content_type,
            body,
        })
    })
    .await??;
    Ok(response)
}
