//! The URL allowlist: WHATWG parsing, then scheme, host, port and path.

use url::{Host, Url};

/// The longest URL a plugin may ask for.
pub const MAX_URL_BYTES: usize = 8 << 10;

/// Why a URL was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrlDenied {
    /// `invalid_url` or `url_not_allowed`.
    pub error: &'static str,
    /// What exactly.
    pub message: String,
}

fn denied(error: &'static str, message: impl Into<String>) -> UrlDenied {
    UrlDenied {
        error,
        message: message.into(),
    }
}

/// The host as written in `raw`, between `//`, any userinfo, and the port.
fn written_host(raw: &str) -> Option<&str> {
    let rest = raw.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#', '\\']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host_port.starts_with('[') {
        return host_port.split_inclusive(']').next();
    }
    Some(host_port.rsplit_once(':').map_or(host_port, |(h, _)| h))
}

/// Parses and vets a URL a plugin asks for: `http` or `https` only, no
/// credentials, and an IPv4 host only in its plain dotted form (WHATWG
/// accepts `2130706433` and `0x7f.1` for `127.0.0.1`; a plugin that writes
/// those is hiding where it goes).
pub fn parse_request_url(raw: &str) -> Result<Url, UrlDenied> {
    if raw.len() > MAX_URL_BYTES {
        return Err(denied(
            "invalid_url",
            format!(
                "a URL of {} bytes; the host takes at most {MAX_URL_BYTES}",
                raw.len()
            ),
        ));
    }
    let url =
        Url::parse(raw).map_err(|e| denied("invalid_url", format!("`{raw}` is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(denied(
            "url_not_allowed",
            format!("scheme `{}` is not http or https", url.scheme()),
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(denied(
            "url_not_allowed",
            "URLs with credentials (`user@host`) are refused",
        ));
    }
    // Servers decode `%2F`, `%5C` and `%2E` back into separators and dots
    // after the allowlist has matched the encoded text: `/public/..%2Fadmin`
    // would pass a `/public/*` grant and reach `/admin`.
    let path = url.path().to_ascii_lowercase();
    if let Some(encoded) = ["%2f", "%5c", "%2e"].into_iter().find(|e| path.contains(e)) {
        return Err(denied(
            "url_not_allowed",
            format!(
                "the path of `{url}` hides a `{}` as `{encoded}`; write the path plainly",
                match encoded {
                    "%2f" => "/",
                    "%5c" => "\\",
                    _ => ".",
                }
            ),
        ));
    }
    if let Some(Host::Ipv4(ip)) = url.host()
        && written_host(raw).is_none_or(|w| w != ip.to_string())
    {
        return Err(denied(
            "url_not_allowed",
            format!(
                "host `{}` is a non-canonical form of {ip}",
                written_host(raw).unwrap_or("?")
            ),
        ));
    }
    Ok(url)
}

/// The first pattern that allows `url`, in order. A pattern is a URL,
/// optionally ending in `*`; scheme, host and port must be equal, then the
/// path and query must equal the pattern's (exact) or start with it (`*`).
/// Fragments are never sent and never matched.
pub fn allowed_by<'p>(url: &Url, patterns: &'p [String]) -> Option<&'p str> {
    let target = path_and_query(url);
    patterns.iter().map(String::as_str).find(|pattern| {
        // A bare `*` is every URL to the host (hookcheck still refuses
        // what is not a public http(s) URL elsewhere).
        if *pattern == "*" {
            return true;
        }
        let (base, prefix) = match pattern.strip_suffix('*') {
            Some(base) => (base, true),
            None => (*pattern, false),
        };
        let Ok(allowed) = Url::parse(base) else {
            return false;
        };
        let same_origin = allowed.scheme() == url.scheme()
            && allowed.host() == url.host()
            && allowed.port_or_known_default() == url.port_or_known_default();
        if !same_origin {
            return false;
        }
        let want = path_and_query(&allowed);
        if prefix {
            target.starts_with(&want)
        } else {
            target == want
        }
    })
}

fn path_and_query(url: &Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    }
}

/// Checks `raw` against `patterns`: the vetted URL, or why not.
pub fn check_url(raw: &str, patterns: &[String]) -> Result<Url, UrlDenied> {
    let url = parse_request_url(raw)?;
    if patterns.is_empty() {
        return Err(denied(
            "url_not_allowed",
            "the manifest grants no http patterns",
        ));
    }
    match allowed_by(&url, patterns) {
        Some(_) => Ok(url),
        None => Err(denied(
            "url_not_allowed",
            format!("`{url}` matches no http pattern of the manifest"),
        )),
    }
}
