//! Real HTTP for `http_get` / `http_post`: allowlisted, 10 s, 1 MiB, every
//! redirect hop checked against the allowlist again.

use std::time::Duration;

use serde_json::{Map, Value, json};
use ureq::Agent;

use super::urlcheck::{UrlDenied, check_url};

/// Response bodies are cut off past this many bytes.
pub const BODY_LIMIT: u64 = 1 << 20;
/// Requests give up after this long.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_HOPS: usize = 5;

/// An HTTP client that never follows a redirect on its own.
#[derive(Debug, Clone)]
pub(crate) struct HttpClient {
    agent: Agent,
}

impl Default for HttpClient {
    fn default() -> Self {
        let config = Agent::config_builder()
            .max_redirects(0)
            .max_redirects_will_error(false)
            .http_status_as_error(false)
            .timeout_global(Some(REQUEST_TIMEOUT))
            .build();
        Self {
            agent: config.into(),
        }
    }
}

/// Why an HTTP call failed: `{error, message}` for the plugin.
pub(crate) type HttpDenied = UrlDenied;

fn failed(message: impl Into<String>) -> HttpDenied {
    UrlDenied {
        error: "request_failed",
        message: message.into(),
    }
}

fn parse_headers(json: &str) -> Result<Vec<(String, String)>, HttpDenied> {
    if json.trim().is_empty() {
        return Ok(Vec::new());
    }
    let bad = |m: String| UrlDenied {
        error: "bad_headers",
        message: m,
    };
    let Value::Object(map) =
        serde_json::from_str(json).map_err(|e| bad(format!("headers are not JSON: {e}")))?
    else {
        return Err(bad("headers must be a JSON object".into()));
    };
    map.into_iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k, s)),
            other => Ok((k, other.to_string())),
        })
        .collect()
}

impl HttpClient {
    /// GET (following allowed redirects) or POST (never following).
    pub(crate) fn call(
        &self,
        raw_url: &str,
        headers_json: &str,
        body: Option<&[u8]>,
        patterns: &[String],
    ) -> Result<Value, HttpDenied> {
        let headers = parse_headers(headers_json)?;
        let mut url = check_url(raw_url, patterns)?;
        for _ in 0..MAX_HOPS {
            let response = match body {
                Some(bytes) => {
                    let mut req = self.agent.post(url.as_str());
                    for (k, v) in &headers {
                        req = req.header(k, v);
                    }
                    req.send(bytes)
                }
                None => {
                    let mut req = self.agent.get(url.as_str());
                    for (k, v) in &headers {
                        req = req.header(k, v);
                    }
                    req.call()
                }
            };
            let mut response = response.map_err(|e| failed(format!("{url}: {e}")))?;
            let status = response.status().as_u16();
            let location = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            if body.is_none()
                && (300..400).contains(&status)
                && let Some(location) = location
            {
                let next = url
                    .join(&location)
                    .map_err(|e| failed(format!("bad redirect `{location}`: {e}")))?;
                url = check_url(next.as_str(), patterns).map_err(|d| UrlDenied {
                    error: "redirect_not_allowed",
                    message: format!("redirect to {next} refused: {}", d.message),
                })?;
                continue;
            }
            let mut header_map = Map::new();
            for (k, v) in response.headers() {
                header_map.insert(
                    k.as_str().to_owned(),
                    Value::String(v.to_str().unwrap_or("").to_owned()),
                );
            }
            let bytes = response
                .body_mut()
                .with_config()
                .limit(BODY_LIMIT)
                .read_to_vec()
                .map_err(|e| failed(format!("{url}: reading the body: {e}")))?;
            let body = String::from_utf8_lossy(&bytes).into_owned();
            return Ok(json!({ "status": status, "body": body, "headers": header_map }));
        }
        Err(failed(format!("more than {MAX_HOPS} redirects")))
    }
}
