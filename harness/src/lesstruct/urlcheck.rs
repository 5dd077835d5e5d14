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
    if let Some(why) = rerouted_path(url.path()) {
        return Err(denied(
            "url_not_allowed",
            format!("the path of `{url}` {why}; write the path plainly"),
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

/// Non-ASCII characters whose NFKC form holds a `/`, `\` or `.` (every
/// one in Unicode 14; NFKC is what a server that "normalises" paths applies):
/// the character, and what it becomes.
const NORMALISE_TO_SEPARATORS: [(char, &str); 38] = [
    ('\u{2024}', "."),   // ONE DOT LEADER
    ('\u{2025}', ".."),  // TWO DOT LEADER
    ('\u{2026}', "..."), // HORIZONTAL ELLIPSIS
    ('\u{2100}', "a/c"), // ACCOUNT OF
    ('\u{2101}', "a/s"), // ADDRESSED TO THE SUBJECT
    ('\u{2105}', "c/o"), // CARE OF
    ('\u{2106}', "c/u"), // CADA UNA
    ('\u{2488}', "1."),  // DIGIT ONE FULL STOP … NUMBER TWENTY FULL STOP
    ('\u{2489}', "2."),
    ('\u{248a}', "3."),
    ('\u{248b}', "4."),
    ('\u{248c}', "5."),
    ('\u{248d}', "6."),
    ('\u{248e}', "7."),
    ('\u{248f}', "8."),
    ('\u{2490}', "9."),
    ('\u{2491}', "10."),
    ('\u{2492}', "11."),
    ('\u{2493}', "12."),
    ('\u{2494}', "13."),
    ('\u{2495}', "14."),
    ('\u{2496}', "15."),
    ('\u{2497}', "16."),
    ('\u{2498}', "17."),
    ('\u{2499}', "18."),
    ('\u{249a}', "19."),
    ('\u{249b}', "20."),
    ('\u{33c2}', "a.m."), // SQUARE AM
    ('\u{33c7}', "Co."),  // SQUARE CO
    ('\u{33d8}', "p.m."), // SQUARE PM
    ('\u{fe19}', "..."),  // PRESENTATION FORM FOR VERTICAL HORIZONTAL ELLIPSIS
    ('\u{fe30}', ".."),   // PRESENTATION FORM FOR VERTICAL TWO DOT LEADER
    ('\u{fe52}', "."),    // SMALL FULL STOP
    ('\u{fe68}', "\\"),   // SMALL REVERSE SOLIDUS
    ('\u{ff0e}', "."),    // FULLWIDTH FULL STOP
    ('\u{ff0f}', "/"),    // FULLWIDTH SOLIDUS
    ('\u{ff3c}', "\\"),   // FULLWIDTH REVERSE SOLIDUS
    ('\u{1f100}', "0."),  // DIGIT ZERO FULL STOP
];

/// Why a (WHATWG-parsed, so percent-encoded) path would be routed
/// elsewhere than its text says by a server that decodes it twice, drops
/// `;` parameters, or normalises Unicode; `None` when it would not.
fn rerouted_path(path: &str) -> Option<String> {
    // `%252f` is `%2f` after one decoding and `/` after a second; so is
    // `%25252f` after a third.
    let lower = path.to_ascii_lowercase();
    let mut collapsed = lower.clone();
    loop {
        let next = collapsed.replace("%25", "%");
        if next == collapsed {
            break;
        }
        collapsed = next;
    }
    if collapsed != lower
        && let Some((encoded, plain)) = [("%2f", "/"), ("%5c", "\\"), ("%2e", ".")]
            .into_iter()
            .find(|(e, _)| collapsed.contains(e))
    {
        return Some(format!(
            "encodes a `{plain}` twice (`%25` before `{}`): a server that decodes twice routes it as a `{plain}`",
            &encoded[1..]
        ));
    }
    // `..;/`: Tomcat, and the proxies and frameworks that follow it, drop
    // a segment's `;` parameters and then resolve the `..` the URL parser
    // left alone (`%3b` too, for those that decode first).
    let unparameterised = collapsed.replace("%3b", ";");
    if let Some(dots) = unparameterised.split('/').find_map(|s| {
        s.split_once(';')
            .map(|(head, _)| head)
            .filter(|head| *head == "." || *head == "..")
    }) {
        return Some(format!(
            "has a `{dots};` segment: a server that drops `;` parameters reads it as `{dots}` and leaves the granted prefix"
        ));
    }
    let decoded = percent_decoded(&collapsed);
    if let Some((c, plain)) = decoded.chars().find_map(|c| {
        NORMALISE_TO_SEPARATORS
            .iter()
            .find(|(n, _)| *n == c)
            .copied()
    }) {
        return Some(format!(
            "holds U+{:04X} (`{c}`), which Unicode normalisation (NFKC) turns into `{plain}`: a server that normalises paths routes it elsewhere",
            u32::from(c)
        ));
    }
    None
}

/// `text` with every `%XX` decoded, as UTF-8 (invalid sequences replaced).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .filter(|h| bytes[i] == b'%' && h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
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
