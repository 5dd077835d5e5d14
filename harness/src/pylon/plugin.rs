//! The `Plugin` trait and error type of Pylon's documentation page
//! (seed 000). Plugins written to it run on the real crate's host through
//! [`Documented`](super::Documented); PY-PORT-001 says what they must
//! change to compile against `pylon-plugin`.

use std::fmt;

use serde_json::Value;

use crate::engine::{AuthContext, HttpMethod, RequestMeta, WriteOp};

/// An error a documented plugin returns from a hook. The documents map it
/// to HTTP: [`PluginError::ValidationFailed`] → 400,
/// [`PluginError::RateLimited`] → 429 with `Retry-After`,
/// [`PluginError::Forbidden`] → 403, [`PluginError::Internal`] → 500. On
/// the crate's host it becomes `{code, message, status}` with that status,
/// and the `Retry-After` is lost ([`real_error`](super::real_error)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PluginError {
    /// The input breaks a rule; answered with 400.
    ValidationFailed {
        /// A machine-readable code.
        code: String,
        /// A message for the client.
        message: String,
    },
    /// The caller is over budget; the documents answer 429 and
    /// `Retry-After` (the crate has no place for the header).
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

    /// Answers a request for one of [`Plugin::routes`]. The documents let
    /// `None` pass it on; on the crate's host a route's handler must answer,
    /// so `None` is answered 404.
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
