//! The Lesstruct host on the host seam.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::host::LesstructHost;
use super::runtime::WasmLimits;
use crate::Result;
use crate::engine::{Contract, HttpResponse, LoadWarning, Profile, Trace, TraceMode, WriteOp};
use crate::fixtures::WriteEvent;
use crate::host::{ContractHost, HostEntry, LoadOptions, error_response, store_write};
use crate::store::EntityStore;

/// How the harness loads Lesstruct plugins: `*.wasm` files alphabetically,
/// each with its optional `.manifest`.
pub const HOST: HostEntry = HostEntry {
    profile: super::contract::PROFILE,
    load_dir,
    load_files,
    divergences: super::divergences::DIVERGENCES,
};

fn load_dir(dir: &Path, options: &LoadOptions) -> Result<Box<dyn ContractHost>> {
    let mut host = LesstructHost::new(options.get_or_default::<WasmLimits>())?;
    host.load_dir(dir)?;
    if host.plugin_names().is_empty() {
        return Err(HostEntry::unsupported(
            super::contract::CONTRACT,
            format!("{} holds no .wasm plugin", dir.display()),
        ));
    }
    Ok(Box::new(host.with_trace_mode(TraceMode::Full)))
}

fn load_files(files: &[PathBuf], options: &LoadOptions) -> Result<Box<dyn ContractHost>> {
    let mut host = LesstructHost::new(options.get_or_default::<WasmLimits>())?;
    for file in files {
        host.load_file(file)?;
    }
    Ok(Box::new(host.with_trace_mode(TraceMode::Full)))
}

impl ContractHost for LesstructHost {
    fn contract(&self) -> Contract {
        super::contract::CONTRACT
    }

    fn profile(&self) -> Profile {
        super::contract::PROFILE
    }

    fn plugin_names(&self) -> Vec<String> {
        LesstructHost::plugin_names(self)
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    fn warnings(&self) -> Vec<LoadWarning> {
        LesstructHost::warnings(self).to_vec()
    }

    /// A save: `before_save` over the item's hook data, the store, then
    /// `after_create` (inserts) and `after_publish` (published items).
    /// Deletes call no hook.
    fn write(
        &mut self,
        store: &EntityStore,
        event: &WriteEvent,
        trace: &mut Trace,
    ) -> HttpResponse {
        if event.op == WriteOp::Delete {
            return store_write(store, &event.entity, event.op, &event.data);
        }
        let run = self.before_save(hook_data(event));
        trace.absorb(run.trace);
        if !run.saved {
            let message = run.error.unwrap_or_default();
            return error_response(run.status, "save_failed", &message);
        }
        // The stored row keys on `id`; `contentId` is hook data only.
        let mut row = run.content;
        if let Value::Object(map) = &mut row {
            map.remove("contentId");
            if let Some(id) = event.data.get("id") {
                map.insert("id".into(), id.clone());
            }
        }
        let response = store_write(store, &event.entity, event.op, &row);
        if response.status < 300
            && let Ok(stored) = serde_json::from_str::<Value>(&response.body)
        {
            if event.op == WriteOp::Insert {
                trace.absorb(self.after_create(&stored));
            }
            if stored.get("status").and_then(Value::as_str) == Some("published") {
                trace.absorb(self.after_publish(&stored));
            }
        }
        response
    }
}

/// The hook data Lesstruct plugins see, from the submitted item, as the
/// host builds it (internal/domain/content/service.go:236-271): `tags`
/// null and `postType` empty when the request has none, `customFields`
/// left out when empty.
fn hook_data(event: &WriteEvent) -> Value {
    let field = |k: &str, default: Value| event.data.get(k).cloned().unwrap_or(default);
    let user_id = event
        .auth
        .user_id
        .as_deref()
        .and_then(|u| u.parse::<i64>().ok())
        .unwrap_or(0);
    let mut data = json!({
        "contentId": event.data.get("id").and_then(Value::as_i64).unwrap_or(0),
        "userId": user_id,
        "title": field("title", json!("")),
        "content": field("content", json!("")),
        "tags": field("tags", Value::Null),
        "status": field("status", json!("draft")),
        "postType": field("postType", json!("")),
    });
    let custom = field("customFields", json!({}));
    if custom.as_object().is_some_and(|m| !m.is_empty())
        && let Value::Object(map) = &mut data
    {
        map.insert("customFields".into(), custom);
    }
    data
}
