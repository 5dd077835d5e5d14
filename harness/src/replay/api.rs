//! The built-in JSON API every served host has: `/api/system` and entity
//! CRUD under `/api/entities/{entity}[/{id}]`.

use crate::engine::{HttpMethod, WriteOp};

/// A request the built-in API answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ApiRoute {
    /// `GET /api/system`.
    System,
    /// `GET /api/entities/{entity}`.
    List { entity: String },
    /// `GET /api/entities/{entity}/{id}`.
    Get { entity: String, id: i64 },
    /// `POST` (insert), `PUT`/`PATCH` (update) or `DELETE` on an entity.
    Write {
        entity: String,
        op: WriteOp,
        id: Option<i64>,
    },
}

impl ApiRoute {
    /// The built-in route for `method path`, if it is one.
    pub(crate) fn parse(method: HttpMethod, path: &str) -> Option<Self> {
        if path == "/api/system" {
            return (method == HttpMethod::Get).then_some(Self::System);
        }
        let rest = path.strip_prefix("/api/entities/")?;
        let mut parts = rest.split('/');
        let entity = parts.next().filter(|e| valid_entity(e))?.to_owned();
        let id = match parts.next() {
            None | Some("") => None,
            Some(id) => Some(id.parse::<i64>().ok()?),
        };
        if parts.next().is_some() {
            return None;
        }
        Some(match (method, id) {
            (HttpMethod::Get, None) => Self::List { entity },
            (HttpMethod::Get, Some(id)) => Self::Get { entity, id },
            (HttpMethod::Post, None) => Self::Write {
                entity,
                op: WriteOp::Insert,
                id: None,
            },
            (HttpMethod::Put | HttpMethod::Patch, Some(id)) => Self::Write {
                entity,
                op: WriteOp::Update,
                id: Some(id),
            },
            (HttpMethod::Delete, Some(id)) => Self::Write {
                entity,
                op: WriteOp::Delete,
                id: Some(id),
            },
            _ => return None,
        })
    }
}

fn valid_entity(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_parse() {
        assert_eq!(
            ApiRoute::parse(HttpMethod::Get, "/api/system"),
            Some(ApiRoute::System)
        );
        assert_eq!(
            ApiRoute::parse(HttpMethod::Put, "/api/entities/post/3"),
            Some(ApiRoute::Write {
                entity: "post".into(),
                op: WriteOp::Update,
                id: Some(3)
            })
        );
        assert_eq!(
            ApiRoute::parse(HttpMethod::Post, "/api/entities/post/3"),
            None
        );
        assert_eq!(ApiRoute::parse(HttpMethod::Get, "/api/entities/../x"), None);
        assert_eq!(
            ApiRoute::parse(HttpMethod::Get, "/api/entities/post/x"),
            None
        );
    }
}
