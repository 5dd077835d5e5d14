//! Typed payloads shared by the contracts: requests, auth, writes, responses.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An HTTP method as the contracts use it. The discriminants are FeatherFly's
/// method codes (GET 1 … DELETE 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
#[repr(u32)]
pub enum HttpMethod {
    /// GET (1).
    Get = 1,
    /// POST (2).
    Post = 2,
    /// PUT (3).
    Put = 3,
    /// PATCH (4).
    Patch = 4,
    /// DELETE (5).
    Delete = 5,
}

impl HttpMethod {
    /// FeatherFly's method code.
    pub fn code(self) -> u32 {
        self as u32
    }

    /// The method for a FeatherFly code, if it is one.
    pub fn from_code(code: u32) -> Option<Self> {
        Some(match code {
            1 => Self::Get,
            2 => Self::Post,
            3 => Self::Put,
            4 => Self::Patch,
            5 => Self::Delete,
            _ => return None,
        })
    }

    /// Parses `GET`, `post`, ….
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.to_ascii_uppercase().as_str() {
            "GET" => Self::Get,
            "POST" => Self::Post,
            "PUT" => Self::Put,
            "PATCH" => Self::Patch,
            "DELETE" => Self::Delete,
            _ => return None,
        })
    }

    /// The method's name in upper case.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }
}

impl fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a host knows about a request before dispatching it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestMeta {
    /// The method.
    pub method: HttpMethod,
    /// The path, without the query.
    pub path: String,
    /// The query string, without `?`.
    #[serde(default)]
    pub query: String,
    /// The client's IP address.
    pub client_ip: String,
    /// Request headers in arrival order.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
}

impl RequestMeta {
    /// A request with no headers from `client_ip`.
    pub fn new(method: HttpMethod, path: impl Into<String>, client_ip: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into(),
            query: String::new(),
            client_ip: client_ip.into(),
            headers: Vec::new(),
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The first header called `name`, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Who is making a request or a write.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthContext {
    /// The authenticated user, or `None` when anonymous.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}

impl AuthContext {
    /// An anonymous caller.
    pub fn anonymous() -> Self {
        Self { user_id: None }
    }

    /// True when no user is authenticated.
    pub fn is_anonymous(&self) -> bool {
        self.user_id.is_none()
    }

    /// An authenticated user.
    pub fn user(id: impl Into<String>) -> Self {
        Self {
            user_id: Some(id.into()),
        }
    }
}

/// The kind of an entity write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WriteOp {
    /// A new row.
    Insert,
    /// A change to an existing row.
    Update,
    /// A removal.
    Delete,
}

impl WriteOp {
    /// `insert`, `update` or `delete`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Insert => "insert",
            Self::Update => "update",
            Self::Delete => "delete",
        }
    }
}

/// A response the host sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Headers beyond the content type.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
}

impl HttpResponse {
    /// A response with no extra headers.
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// The first header called `name`, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}
