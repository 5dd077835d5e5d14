//! The Pylon `Plugin` trait and its error type.

use std::fmt;

use serde_json::Value;

use crate::engine::{AuthContext, HttpMethod, HttpResponse, RequestMeta, WriteOp};

/// An error a Pylon plugin returns from a hook. The host maps it to HTTP:
/// [`PluginError::ValidationFailed`] → 400, [`PluginError::RateLimited`] →
/// 429 with `Retry-After`, [`PluginError::Forbidden`] → 403,
/// [`PluginError::Internal`] → 500.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PluginError {
    /// The input breaks a rule; answered with 400.
    ValidationFailed {
        /// A machine-readable code.
        code: String,
        /// A message for the client.
        message: String,
    },
    /// The caller is over budget; answered with 429 and `Retry-After`.
    RateLimited {
        /// Seconds until the caller may retry.
        retry_after_secs: u64,
    },
    /// The caller may not do this; answered with 403.
    Forbidden {
        /// Why.
        message: String,
    },
    /// Anything else; answered with 500.
    Internal {
        /// What went wrong.
        message: String,
    },
}

impl PluginError {
    /// A [`PluginError::ValidationFailed`].
    pub fn validation(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::ValidationFailed {
            code: code.into(),
            message: message.into(),
        }
    }

    /// The HTTP status the host answers with.
    pub fn status(&self) -> u16 {
        match self {
            Self::ValidationFailed { .. } => 400,
            Self::RateLimited { .. } => 429,
            Self::Forbidden { .. } => 403,
            Self::Internal { .. } => 500,
        }
    }

    /// The machine-readable code sent to the client.
    pub fn code(&self) -> &str {
        match self {
            Self::ValidationFailed { code, .. } => code,
            Self::RateLimited { .. } => "rate_limited",
            Self::Forbidden { .. } => "forbidden",
            Self::Internal { .. } => "internal",
        }
    }

    /// The headers the host adds (`Retry-After` for rate limits).
    pub fn headers(&self) -> Vec<(String, String)> {
        match self {
            Self::RateLimited { retry_after_secs } => {
                vec![("Retry-After".to_owned(), retry_after_secs.to_string())]
            }
            _ => Vec::new(),
        }
    }

    /// The full HTTP response the host sends for this error.
    pub fn to_response(&self) -> HttpResponse {
        let body = serde_json::json!({ "error": self.code(), "message": self.to_string() });
        HttpResponse {
            status: self.status(),
            headers: self.headers(),
            body: body.to_string(),
        }
    }
}

impl fmt::Display for PluginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ValidationFailed { message, .. } => f.write_str(message),
            Self::RateLimited { retry_after_secs } => {
                write!(f, "rate limited, retry after {retry_after_secs} s")
            }
            Self::Forbidden { message } | Self::Internal { message } => f.write_str(message),
        }
    }
}

/// A Pylon plugin: a `Send + Sync` value whose hooks default to no-ops.
///
/// ```
/// use hookcheck::pylon::{Plugin, PluginError};
/// use hookcheck::engine::{AuthContext, RequestMeta};
///
/// struct DenyAll;
/// impl Plugin for DenyAll {
///     fn name(&self) -> &str { "deny_all" }
///     fn before_request(&self, _: &RequestMeta, _: &AuthContext) -> Result<(), PluginError> {
///         Err(PluginError::validation("denied", "nobody gets in"))
///     }
/// }
/// ```
pub trait Plugin: Send + Sync {
    /// Stable identifier; must equal the manifest entry's `name`.
    fn name(&self) -> &str;

    /// Called once at startup with the manifest entry's `config`.
    fn init(&self, _config: &Value) -> Result<(), PluginError> {
        Ok(())
    }

    /// Called before every HTTP request; `Err` short-circuits it.
    fn before_request(&self, _meta: &RequestMeta, _auth: &AuthContext) -> Result<(), PluginError> {
        Ok(())
    }

    /// Called before every entity write; mutations of `data` land in the
    /// write, `Err` rejects it.
    fn before_write(
        &self,
        _entity: &str,
        _operation: WriteOp,
        _data: &mut Value,
        _auth: &AuthContext,
    ) -> Result<(), PluginError> {
        Ok(())
    }

    /// Called after every entity write. Nothing here can fail the write.
    fn after_write(&self, _entity: &str, _operation: WriteOp, _row: &Value, _auth: &AuthContext) {}

    /// The `(method, path)` pairs this plugin serves.
    fn routes(&self) -> Vec<(HttpMethod, String)> {
        Vec::new()
    }

    /// Answers a request for one of [`Plugin::routes`]; `None` passes it on.
    fn handle_route(
        &self,
        _method: HttpMethod,
        _url: &str,
        _body: &str,
        _auth: &AuthContext,
    ) -> Option<(u16, String)> {
        None
    }
}
