//! Plugins written to Pylon's documentation page run on the real trait:
//! [`Documented`] implements `pylon_plugin::Plugin` on top of hookcheck's
//! documented [`Plugin`], and the conversions between hookcheck's types and
//! the crate's live here.

use std::sync::Arc;

use serde_json::{Value, json};

use super::plugin::{Plugin, PluginError};
use crate::engine::{AuthContext, HttpMethod, RequestMeta, WriteOp};

/// The crate's `AuthContext` for hookcheck's: an anonymous caller, or an
/// authenticated user.
pub fn real_auth(auth: &AuthContext) -> pylon_auth::AuthContext {
    match &auth.user_id {
        None => pylon_auth::AuthContext::anonymous(),
        Some(id) => pylon_auth::AuthContext::authenticated(id.clone()),
    }
}

/// hookcheck's `AuthContext` for the crate's: only the user id carries over.
pub fn docs_auth(auth: &pylon_auth::AuthContext) -> AuthContext {
    AuthContext {
        user_id: auth.user_id.clone(),
    }
}

/// The crate's `PluginError` for a documented one: its code, message and
/// the status the documents give it. A `Retry-After` has no place in the
/// crate's error and is lost.
pub fn real_error(err: &PluginError) -> pylon_plugin::PluginError {
    pylon_plugin::PluginError {
        code: err.code().to_owned(),
        message: err.to_string(),
        status: err.status(),
    }
}

/// A plugin written to the documented trait, hosted as the crate's trait
/// would host it. What the crate cannot express is lost the way it would be
/// in a port:
/// - request headers and the query string (`RequestMeta` carries only
///   `peer_ip`; `on_request` has not even that);
/// - `Retry-After`;
/// - declining a route: a handler must answer, so a declined route answers
///   404; and a route matches every path it prefixes, so `handle_route` is
///   also called for paths it never listed, with the path (no query);
/// - the write's id: `before_write`/`after_write` see an id only where the
///   data carries one; a delete's data is `{"id": "<id>"}` (the id as the
///   crate passes it, a string), and a change to it is dropped.
pub struct Documented {
    plugin: Arc<dyn Plugin>,
}

impl Documented {
    /// Wraps `plugin`. Its documented `init(config)` is not called here:
    /// [`PylonHost::register_documented`](super::PylonHost::register_documented)
    /// calls it, because the crate's `on_init` cannot fail.
    pub fn new(plugin: Box<dyn Plugin>) -> Self {
        Self {
            plugin: Arc::from(plugin),
        }
    }

    /// The documented plugin.
    pub fn inner(&self) -> &dyn Plugin {
        self.plugin.as_ref()
    }
}

impl std::fmt::Debug for Documented {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Documented")
            .field("name", &self.plugin.name())
            .finish()
    }
}

fn row_of(id: &str) -> Value {
    json!({ "id": id })
}

impl pylon_plugin::Plugin for Documented {
    fn name(&self) -> &str {
        self.plugin.name()
    }

    fn routes(&self) -> Vec<pylon_plugin::PluginRoute> {
        self.plugin
            .routes()
            .into_iter()
            .map(|(method, path)| {
                let plugin = Arc::clone(&self.plugin);
                let handler = move |body: &str, path: &str, auth: &pylon_auth::AuthContext| {
                    plugin
                        .handle_route(method, path, body, &docs_auth(auth))
                        .unwrap_or_else(|| {
                            (
                                404,
                                json!({ "error": "not_found", "path": path }).to_string(),
                            )
                        })
                };
                pylon_plugin::PluginRoute {
                    method: method.as_str().to_owned(),
                    path,
                    handler: Box::new(handler),
                }
            })
            .collect()
    }

    fn before_insert(
        &self,
        entity: &str,
        data: &mut Value,
        auth: &pylon_auth::AuthContext,
    ) -> Result<(), pylon_plugin::PluginError> {
        self.plugin
            .before_write(entity, WriteOp::Insert, data, &docs_auth(auth))
            .map_err(|e| real_error(&e))
    }

    fn after_insert(&self, entity: &str, _id: &str, data: &Value, auth: &pylon_auth::AuthContext) {
        self.plugin
            .after_write(entity, WriteOp::Insert, data, &docs_auth(auth));
    }

    fn before_update(
        &self,
        entity: &str,
        _id: &str,
        data: &mut Value,
        auth: &pylon_auth::AuthContext,
    ) -> Result<(), pylon_plugin::PluginError> {
        self.plugin
            .before_write(entity, WriteOp::Update, data, &docs_auth(auth))
            .map_err(|e| real_error(&e))
    }

    fn after_update(&self, entity: &str, _id: &str, data: &Value, auth: &pylon_auth::AuthContext) {
        self.plugin
            .after_write(entity, WriteOp::Update, data, &docs_auth(auth));
    }

    fn before_delete(
        &self,
        entity: &str,
        id: &str,
        auth: &pylon_auth::AuthContext,
    ) -> Result<(), pylon_plugin::PluginError> {
        let mut data = row_of(id);
        self.plugin
            .before_write(entity, WriteOp::Delete, &mut data, &docs_auth(auth))
            .map_err(|e| real_error(&e))
    }

    fn after_delete(&self, entity: &str, id: &str, auth: &pylon_auth::AuthContext) {
        self.plugin
            .after_write(entity, WriteOp::Delete, &row_of(id), &docs_auth(auth));
    }

    fn on_request(
        &self,
        method: &str,
        path: &str,
        auth: &pylon_auth::AuthContext,
    ) -> Result<(), pylon_plugin::PluginError> {
        // The crate's legacy request hook has no peer address.
        let meta = pylon_plugin::RequestMeta { peer_ip: "" };
        self.on_request_with_meta(method, path, auth, &meta)
    }

    fn on_request_with_meta(
        &self,
        method: &str,
        path: &str,
        auth: &pylon_auth::AuthContext,
        meta: &pylon_plugin::RequestMeta<'_>,
    ) -> Result<(), pylon_plugin::PluginError> {
        // An unknown method reaches a documented plugin as GET: the
        // documented `HttpMethod` has no other way to say it.
        let meta = RequestMeta::new(
            HttpMethod::parse(method).unwrap_or(HttpMethod::Get),
            path,
            meta.peer_ip,
        );
        self.plugin
            .before_request(&meta, &docs_auth(auth))
            .map_err(|e| real_error(&e))
    }
}
