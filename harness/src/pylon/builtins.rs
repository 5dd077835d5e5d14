//! The built-in plugins of `pylon_plugin::builtin` (0.3.23), each built the
//! way an app would enable it, with a configuration that fits hookcheck's
//! standard requests and writes (`Post {title, body}`, `User {email}`).
//!
//! Every plugin of the crate that can be built without network
//! credentials is here: all 28 that implement `Plugin`. A manifest enables
//! one as `{"name": "builtin:NAME", "config": {…}}`; only the keys listed
//! in [`BUILTINS`]'s notes are read from `config`.

use std::sync::Arc;
use std::time::Duration;

use pylon_plugin::Plugin as RealPlugin;
use pylon_plugin::builtin as b;
use serde_json::Value;

type Make = fn(&Value) -> Arc<dyn RealPlugin>;

fn number(config: &Value, key: &str, default: u64) -> u64 {
    config.get(key).and_then(Value::as_u64).unwrap_or(default)
}

fn strings(config: &Value, key: &str) -> Option<Vec<String>> {
    let list = config.get(key)?.as_array()?;
    Some(
        list.iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
    )
}

fn usize_of(config: &Value, key: &str, default: usize) -> usize {
    usize::try_from(number(config, key, default as u64)).unwrap_or(default)
}

/// One built-in: its name in `pylon:builtin:NAME` and manifests, how it is
/// built, and what the configuration is.
#[derive(Clone, Copy, Debug)]
pub struct Builtin {
    /// The module name in `pylon_plugin::builtin`.
    pub name: &'static str,
    /// How it is configured (config keys it reads, and the defaults).
    pub setup: &'static str,
    make: Make,
}

impl Builtin {
    /// Builds the plugin from a manifest entry's `config` (`null` for the
    /// defaults).
    pub fn build(&self, config: &Value) -> Arc<dyn RealPlugin> {
        (self.make)(config)
    }
}

const fn builtin(name: &'static str, setup: &'static str, make: Make) -> Builtin {
    Builtin { name, setup, make }
}

/// Every bundled built-in, by module name.
pub const BUILTINS: &[Builtin] = &[
    builtin(
        "ai_proxy",
        "openai(\"unused-key\", \"gpt-4o-mini\"); no hooks",
        |_| {
            Arc::new(b::ai_proxy::AiProxyPlugin::openai(
                "unused-key",
                "gpt-4o-mini",
            ))
        },
    ),
    builtin("api_keys", "new()", |_| {
        Arc::new(b::api_keys::ApiKeysPlugin::new())
    }),
    builtin(
        "audit_log",
        "new(max_entries); config `max_entries` (1000)",
        |c| {
            Arc::new(b::audit_log::AuditLogPlugin::new(usize_of(
                c,
                "max_entries",
                1000,
            )))
        },
    ),
    builtin("cache", "new(max_keys); config `max_keys` (1000)", |c| {
        Arc::new(b::cache::CachePlugin::new(usize_of(c, "max_keys", 1000)))
    }),
    builtin(
        "cascade",
        "new() + add_rule(\"User\", \"Post\", \"authorId\")",
        |_| {
            let mut p = b::cascade::CascadePlugin::new();
            p.add_rule("User", "Post", "authorId");
            Arc::new(p)
        },
    ),
    builtin("computed", "new(); no hooks", |_| {
        Arc::new(b::computed::ComputedFieldsPlugin::new())
    }),
    builtin("cors", "allow_all()", |_| {
        Arc::new(b::cors::CorsPlugin::allow_all())
    }),
    builtin("csrf", "new(config `origins`, [])", |c| {
        Arc::new(b::csrf::CsrfPlugin::new(
            strings(c, "origins").unwrap_or_default(),
        ))
    }),
    builtin("email", "dev() (logs to stderr, no SMTP)", |_| {
        Arc::new(b::email::EmailPlugin::dev())
    }),
    builtin("feature_flags", "new()", |_| {
        Arc::new(b::feature_flags::FeatureFlagsPlugin::new())
    }),
    builtin(
        "file_storage",
        "local(<temp dir>/hookcheck-pylon-files-<pid>) (creates the directory)",
        |_| {
            let dir =
                std::env::temp_dir().join(format!("hookcheck-pylon-files-{}", std::process::id()));
            match b::file_storage::FileStoragePlugin::local(&dir) {
                Ok(p) => Arc::new(p),
                // The directory cannot be made: the plugin has no hooks, so
                // an unusable backend changes nothing a check sees.
                Err(_) => Arc::new(b::file_storage::FileStoragePlugin::new(Box::new(NoStorage))),
            }
        },
    ),
    builtin("jwt", "new(\"hookcheck-secret\", 3600)", |_| {
        Arc::new(b::jwt::JwtPlugin::new("hookcheck-secret", 3600))
    }),
    builtin("mcp", "new(\"hookcheck\")", |_| {
        Arc::new(b::mcp::McpPlugin::new("hookcheck"))
    }),
    builtin("organizations", "new()", |_| {
        Arc::new(b::organizations::OrganizationsPlugin::new())
    }),
    builtin("password_auth", "new()", |_| {
        Arc::new(b::password_auth::PasswordAuthPlugin::new())
    }),
    builtin(
        "rate_limit",
        "new(max_requests, window); config `max_requests` (100), `window_secs` (60)",
        |c| {
            let max = u32::try_from(number(c, "max_requests", 100)).unwrap_or(u32::MAX);
            let window = Duration::from_secs(number(c, "window_secs", 60));
            Arc::new(b::rate_limit::RateLimitPlugin::new(max, window))
        },
    ),
    builtin(
        "search",
        "new() + add(\"Post\", [\"title\", \"body\"])",
        |_| {
            let mut p = b::search::SearchPlugin::new();
            p.add("Post", vec!["title".to_owned(), "body".to_owned()]);
            Arc::new(p)
        },
    ),
    builtin("session_expiry", "new()", |_| {
        Arc::new(b::session_expiry::SessionExpiryPlugin::new())
    }),
    builtin(
        "slugify",
        "new() + add(\"Post\", \"title\", \"slug\")",
        |_| {
            let mut p = b::slugify::SlugifyPlugin::new();
            p.add("Post", "title", "slug");
            Arc::new(p)
        },
    ),
    builtin(
        "soft_delete",
        "new(), or for_entities(config `entities`)",
        |c| match strings(c, "entities") {
            Some(entities) => Arc::new(b::soft_delete::SoftDeletePlugin::for_entities(entities)),
            None => Arc::new(b::soft_delete::SoftDeletePlugin::new()),
        },
    ),
    builtin("stripe", "new(\"whsec_hookcheck\"); no hooks", |_| {
        Arc::new(b::stripe::StripePlugin::new("whsec_hookcheck"))
    }),
    builtin("tenant_scope", "new(); no hooks", |_| {
        Arc::new(b::tenant_scope::TenantScopePlugin::new())
    }),
    builtin("timestamps", "new() (createdAt, updatedAt)", |_| {
        Arc::new(b::timestamps::TimestampsPlugin::new())
    }),
    builtin("totp", "new()", |_| Arc::new(b::totp::TotpPlugin::new())),
    builtin(
        "validation",
        "new() + Post.title NotEmpty, User.email Email",
        |_| {
            use b::validation::FieldRule;
            let mut p = b::validation::ValidationPlugin::new();
            p.add_rule("Post", "title", FieldRule::NotEmpty);
            p.add_rule("User", "email", FieldRule::Email);
            Arc::new(p)
        },
    ),
    builtin("vector_search", "new() (no persistence)", |_| {
        Arc::new(b::vector_search::VectorSearchPlugin::new())
    }),
    builtin(
        "versioning",
        "new(max_versions); config `max_versions` (10)",
        |c| {
            Arc::new(b::versioning::VersioningPlugin::new(usize_of(
                c,
                "max_versions",
                10,
            )))
        },
    ),
    builtin(
        "webhooks",
        "new() (Log mode: no delivery) + one hook for every entity and event",
        |_| {
            let mut p = b::webhooks::WebhooksPlugin::new();
            p.add(b::webhooks::WebhookConfig {
                url: "http://127.0.0.1:9/hookcheck".to_owned(),
                entity: None,
                events: Vec::new(),
                secret: None,
            });
            Arc::new(p)
        },
    ),
];

/// The built-in called `name`.
pub fn builtin_named(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}

/// A storage backend that stores nothing, for when the temporary
/// directory cannot be made.
struct NoStorage;

impl b::file_storage::StorageBackend for NoStorage {
    fn store(
        &self,
        _: &str,
        _: &[u8],
        _: &b::file_storage::FileMetadata,
    ) -> Result<b::file_storage::FileInfo, String> {
        Err("hookcheck: no storage".to_owned())
    }
    fn retrieve(&self, _: &str) -> Result<Vec<u8>, String> {
        Err("hookcheck: no storage".to_owned())
    }
    fn delete(&self, _: &str) -> Result<bool, String> {
        Ok(false)
    }
    fn exists(&self, _: &str) -> bool {
        false
    }
    fn metadata(&self, _: &str) -> Option<b::file_storage::FileMetadata> {
        None
    }
    fn list(&self) -> Vec<String> {
        Vec::new()
    }
}
