//! `title_guard`: a Pylon plugin written against `pylon-plugin` 0.3.23.
//!
//! - `before_insert` / `before_update` trim a post's `title` and reject an
//!   empty one with 400 `TITLE_REQUIRED`;
//! - `on_request_with_meta` answers 403 to peers on a deny list, without
//!   allocating;
//! - `GET /plugins/title-guard` reports how many posts it rejected.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use pylon_auth::AuthContext;
use pylon_plugin::{Plugin, PluginError, PluginRoute, RequestMeta};
use serde_json::Value;

/// The plugin.
#[derive(Debug, Default)]
pub struct TitleGuard {
    denied_peers: Vec<String>,
    rejected: Arc<AtomicU64>,
}

impl TitleGuard {
    /// A guard that also turns away the listed peer addresses.
    pub fn denying(peers: &[&str]) -> Self {
        Self {
            denied_peers: peers.iter().map(|p| (*p).to_owned()).collect(),
            rejected: Arc::default(),
        }
    }

    fn check_title(&self, entity: &str, data: &mut Value) -> Result<(), PluginError> {
        if entity != "Post" {
            return Ok(());
        }
        let Some(obj) = data.as_object_mut() else {
            return Ok(());
        };
        let title = obj.get("title").and_then(Value::as_str).map(str::trim);
        match title {
            Some(t) if !t.is_empty() => {
                let trimmed = Value::String(t.to_owned());
                obj.insert("title".to_owned(), trimmed);
                Ok(())
            }
            _ => {
                self.rejected.fetch_add(1, Ordering::Relaxed);
                Err(PluginError {
                    code: "TITLE_REQUIRED".to_owned(),
                    message: "a post needs a non-empty title".to_owned(),
                    status: 400,
                })
            }
        }
    }
}

impl Plugin for TitleGuard {
    fn name(&self) -> &str {
        "title_guard"
    }

    fn before_insert(
        &self,
        entity: &str,
        data: &mut Value,
        _auth: &AuthContext,
    ) -> Result<(), PluginError> {
        self.check_title(entity, data)
    }

    fn before_update(
        &self,
        entity: &str,
        _id: &str,
        data: &mut Value,
        _auth: &AuthContext,
    ) -> Result<(), PluginError> {
        // An update that does not touch the title keeps it.
        if data.get("title").is_none() {
            return Ok(());
        }
        self.check_title(entity, data)
    }

    fn on_request_with_meta(
        &self,
        _method: &str,
        _path: &str,
        _auth: &AuthContext,
        meta: &RequestMeta<'_>,
    ) -> Result<(), PluginError> {
        if self.denied_peers.iter().any(|p| p == meta.peer_ip) {
            return Err(PluginError {
                code: "DENIED".to_owned(),
                message: "this address is not allowed".to_owned(),
                status: 403,
            });
        }
        Ok(())
    }

    fn routes(&self) -> Vec<PluginRoute> {
        let rejected = Arc::clone(&self.rejected);
        vec![PluginRoute {
            method: "GET".to_owned(),
            path: "/plugins/title-guard".to_owned(),
            handler: Box::new(move |_body: &str, _path: &str, _auth: &AuthContext| {
                let n = rejected.load(Ordering::Relaxed);
                (200, format!("{{\"rejected\":{n}}}"))
            }),
        }]
    }
}
