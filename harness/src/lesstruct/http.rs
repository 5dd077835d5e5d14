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
        .map(|(k, v)| {
            let name = k.to_ascii_lowercase();
            if HOST_OWNED_HEADERS.contains(&name.as_str()) {
                return Err(UrlDenied {
                    error: "header_not_allowed",
                    message: format!(
                        "the `{k}` header is the host's to set: `Host` would send the request to another site than the allowlist checked, and hop-by-hop headers change how the connection is used"
                    ),
                });
            }
            if FORWARDING_HEADERS.contains(&name.as_str()) {
                return Err(UrlDenied {
                    error: "header_not_allowed",
                    message: format!(
                        "the `{k}` header is for proxies to set: a server that trusts it would take the plugin's word for the client's address, host or scheme, or for the path it routes"
                    ),
                });
            }
            Ok(match v {
                Value::String(s) => (k, s),
                other => (k, other.to_string()),
            })
        })
        .collect()
}

/// Headers a plugin may not set on an outgoing request: `Host` and the
/// hop-by-hop headers (RFC 9110 §7.6.1), and the framing ones.
const HOST_OWNED_HEADERS: [&str; 11] = [
    "host",
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authorization",
    "proxy-authenticate",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
];

/// Headers a plugin may not set either: what a proxy tells the server
/// behind it about the client (its address, the host and scheme it asked
/// for) and the path overrides some servers route by. A server that trusts
/// them (an allowlist by client address, links built from the forwarded
/// host, `X-Original-URL` routing) would be fooled by a plugin that sets
/// them. The real host sets every header a plugin names.
const FORWARDING_HEADERS: [&str; 11] = [
    "forwarded",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "x-forwarded-port",
    "x-forwarded-prefix",
    "x-real-ip",
    "x-client-ip",
    "true-client-ip",
    "x-original-url",
    "x-rewrite-url",
];

impl HttpClient {
    /// GET (following allowed redirects) or POST (never following).
    pub(crate) fn call(
        &self,
        raw_url: &str,
        headers_json: &str,
        body: Option<&[u8]>,
        patterns: &[String],
        time_left: Option<Duration>,
    ) -> Result<Value, HttpDenied> {
        let headers = parse_headers(headers_json)?;
        let mut url = check_url(raw_url, patterns)?;
        // The hook's deadline bounds the whole exchange, redirects included.
        let timeout = time_left.map_or(REQUEST_TIMEOUT, |t| t.min(REQUEST_TIMEOUT));
        let until = std::time::Instant::now() + timeout;
        for _ in 0..MAX_HOPS {
            let left = until.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return Err(failed(format!("{url}: no time left for the request")));
            }
            let response = match body {
                Some(bytes) => {
                    let mut req = self
                        .agent
                        .post(url.as_str())
                        .config()
                        .timeout_global(Some(left))
                        .build();
                    for (k, v) in &headers {
                        req = req.header(k, v);
                    }
                    req.send(bytes)
                }
                None => {
                    let mut req = self
                        .agent
                        .get(url.as_str())
                        .config()
                        .timeout_global(Some(left))
                        .build();
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
            // Go's canonical keys (`Content-Type`), the first value of each
            // (internal/plugin/hostfunctions/http.go:95-98).
            let mut header_map = Map::new();
            for (k, v) in response.headers() {
                header_map
                    .entry(canonical_key(k.as_str()))
                    .or_insert_with(|| Value::String(v.to_str().unwrap_or("").to_owned()));
            }
            let bytes = response
                .body_mut()
                .with_config()
                .limit(BODY_LIMIT)
                .read_to_vec()
                .map_err(|e| failed(format!("{url}: reading the body: {e}")))?;
            let body = String::from_utf8_lossy(&bytes).into_owned();
            // `body` and `headers` are left out when empty, as the host does.
            let mut answer = Map::new();
            answer.insert("status".into(), json!(status));
            if !body.is_empty() {
                answer.insert("body".into(), Value::String(body));
            }
            if !header_map.is_empty() {
                answer.insert("headers".into(), Value::Object(header_map));
            }
            return Ok(Value::Object(answer));
        }
        Err(failed(format!("more than {MAX_HOPS} redirects")))
    }
}

/// A header name as Go's `textproto.CanonicalMIMEHeaderKey` writes it: the
/// first letter and each letter after `-` upper case, the rest lower case.
fn canonical_key(name: &str) -> String {
    let mut upper = true;
    name.chars()
        .map(|c| {
            let out = if upper {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            };
            upper = c == '-';
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plugin_cannot_set_host_or_hop_by_hop_headers() {
        assert!(parse_headers(r#"{"accept": "application/json"}"#).is_ok());
        for name in [
            "Host",
            "host",
            "Connection",
            "Transfer-Encoding",
            "Upgrade",
            "TE",
        ] {
            let denied = parse_headers(&format!(r#"{{"{name}": "x"}}"#)).unwrap_err();
            assert_eq!(denied.error, "header_not_allowed", "{name}");
        }
    }

    #[test]
    fn a_plugin_cannot_set_forwarding_headers() {
        assert!(parse_headers(r#"{"x-request-id": "1", "forwarded-by-me": "no"}"#).is_ok());
        for name in [
            "Forwarded",
            "X-Forwarded-For",
            "x-forwarded-host",
            "X-FORWARDED-PROTO",
            "X-Real-IP",
            "X-Original-URL",
        ] {
            let denied = parse_headers(&format!(r#"{{"{name}": "127.0.0.1"}}"#)).unwrap_err();
            assert_eq!(denied.error, "header_not_allowed", "{name}");
            assert!(
                denied.message.contains(&format!("`{name}`"))
                    && denied.message.contains("for proxies to set"),
                "{}",
                denied.message
            );
        }
    }
}
