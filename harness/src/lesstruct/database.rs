//! The database plugins reach through `db_query` / `db_exec`: SQLite, with
//! every table access decided by SQLite's own authorizer.
//!
//! The real host finds table names with a substring parser, which CTEs,
//! subqueries, comments, quoted identifiers and multi-statement input get
//! around. Here SQLite reports every table and column the compiled statement
//! touches, through views and triggers, and anything not granted stops the
//! statement before it runs.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, params_from_iter};
use serde_json::{Map, Value, json};

use super::manifest::{DbGrant, GrantTable};
use crate::{Error, Result};

/// The tables plugins may be granted, and eight they may never reach;
/// `content_items` has the real schema's columns
/// (internal/database/migrations/sqlite/000001_initial_tables.up.sql:30-52).
const SCHEMA: &str = "
CREATE TABLE content_items (id INTEGER PRIMARY KEY, user_id INTEGER, title TEXT, slug TEXT,
    content TEXT, tags TEXT NOT NULL DEFAULT '[]', status TEXT, post_type TEXT,
    meta_description TEXT, og_title TEXT, og_description TEXT, allow_comments INTEGER DEFAULT 1,
    custom_fields TEXT NOT NULL DEFAULT '{}', updated_by INTEGER, language TEXT,
    translation_group_id TEXT, created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE media_files (id INTEGER PRIMARY KEY, path TEXT, mime TEXT, content_id INTEGER);
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, name TEXT);
CREATE TABLE sessions (id INTEGER PRIMARY KEY, user_id INTEGER, token TEXT);
CREATE TABLE api_keys (id INTEGER PRIMARY KEY, user_id INTEGER, secret TEXT);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE plugins (name TEXT PRIMARY KEY, enabled INTEGER);
CREATE TABLE roles (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE password_resets (id INTEGER PRIMARY KEY, user_id INTEGER, token TEXT);
CREATE TABLE webhooks (id INTEGER PRIMARY KEY, url TEXT, secret TEXT);
CREATE TABLE audit_log (id INTEGER PRIMARY KEY, entry TEXT);
CREATE VIEW active_sessions AS SELECT user_id, token FROM sessions;
INSERT INTO content_items (title, content, status, post_type, user_id)
    VALUES ('Hello', 'First post', 'published', 'post', 1), ('Draft', 'WIP', 'draft', 'post', 2);
INSERT INTO media_files (path, mime, content_id) VALUES ('/m/a.png', 'image/png', 1);
INSERT INTO users (email, name) VALUES ('ada@example.com', 'Ada'), ('bob@example.com', 'Bob');
INSERT INTO sessions (user_id, token) VALUES (1, 'session-secret');
INSERT INTO api_keys (user_id, secret) VALUES (1, 'api-secret');
INSERT INTO settings VALUES ('smtp_password', 'settings-secret');
INSERT INTO webhooks (url, secret) VALUES ('https://hooks.example', 'webhook-secret');
";

/// The tables no grant reaches.
pub const FORBIDDEN_TABLES: [&str; 8] = [
    "sessions",
    "api_keys",
    "settings",
    "plugins",
    "roles",
    "password_resets",
    "webhooks",
    "audit_log",
];

/// Rows one `db_query` may return; reading stops past it.
pub const MAX_RESULT_ROWS: usize = 10_000;
/// Bytes of cell text one `db_query` may return; reading stops past it.
pub const MAX_RESULT_BYTES: usize = 1 << 20;
/// The `error` of a call stopped at the hook's deadline.
pub(crate) const DEADLINE: &str = "deadline_exceeded";

/// Why a database call was refused or failed: `{error, message}` for the
/// plugin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DbDenied {
    /// `table_not_allowed`, `statement_not_allowed`, `bad_params` or `sql_error`.
    pub error: &'static str,
    /// What exactly.
    pub message: String,
}

/// Whether a call reads (`db_query`) or writes (`db_exec`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DbMode {
    /// `db_query`: SELECT only.
    Query,
    /// `db_exec`: INSERT, UPDATE, DELETE only.
    Exec,
}

/// The Lesstruct content database.
#[derive(Debug)]
pub struct ContentDb {
    conn: Mutex<Connection>,
}

impl ContentDb {
    /// A fresh in-memory database with the schema and a few rows.
    pub fn in_memory() -> Result<Self> {
        let conn = Connection::open_in_memory().map_err(|source| Error::Store {
            action: "open the content database".into(),
            source,
        })?;
        conn.execute_batch(SCHEMA).map_err(|source| Error::Store {
            action: "create the content schema".into(),
            source,
        })?;
        // No string or blob a plugin's statement makes (`zeroblob`,
        // `printf('%.*c', …)`, `replace` loops) may be larger than a whole
        // answer: SQLite refuses it before allocating it.
        let cap = i32::try_from(MAX_RESULT_BYTES).unwrap_or(i32::MAX);
        conn.set_limit(rusqlite::limits::Limit::SQLITE_LIMIT_LENGTH, cap)
            .map_err(|source| Error::Store {
                action: "limit the content database's value length".into(),
                source,
            })?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    /// Runs host-side SQL with no restriction (for seeding and inspection),
    /// returning rows as JSON objects.
    pub fn host_query(&self, sql: &str) -> Result<Vec<Value>> {
        let conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        run(&conn, sql, &[], DbMode::Query)
            .map(|v| {
                // Rows as objects by column name, for the host's own use.
                let columns = v["columns"].as_array().cloned().unwrap_or_default();
                let rows = v["rows"].as_array().cloned().unwrap_or_default();
                rows.into_iter()
                    .map(|row| {
                        let values = row.as_array().cloned().unwrap_or_default();
                        let object: serde_json::Map<String, Value> = columns
                            .iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .zip(values)
                            .collect();
                        Value::Object(object)
                    })
                    .collect()
            })
            .map_err(|d| Error::BadWrite {
                entity: "content database".into(),
                reason: d.message,
            })
    }

    /// Runs a plugin's statement under `grants`, interrupted by SQLite's
    /// progress handler once `deadline` passes.
    pub fn call(
        &self,
        mode: DbMode,
        grants: &[DbGrant],
        sql: &str,
        params_json: &str,
        deadline: Option<Instant>,
    ) -> Result<Value, DbDenied> {
        let late = move || deadline.is_some_and(|d| Instant::now() >= d);
        self.call_until(mode, grants, sql, params_json, late)
    }

    /// [`ContentDb::call`], interrupted once `late` says so (a hook call's
    /// charged time, not a fixed instant).
    pub(crate) fn call_until(
        &self,
        mode: DbMode,
        grants: &[DbGrant],
        sql: &str,
        params_json: &str,
        late: impl Fn() -> bool + Clone + Send + std::panic::RefUnwindSafe + 'static,
    ) -> Result<Value, DbDenied> {
        let params = parse_params(params_json)?;
        let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = conn.progress_handler(1_000, Some(late.clone()));
        let refusal = Arc::new(Mutex::new(None::<String>));
        let policy = Policy::new(mode, grants);
        let seen = Arc::clone(&refusal);
        let hook = move |ctx: AuthContext<'_>| match policy.decide(&ctx) {
            Ok(()) => Authorization::Allow,
            Err(reason) => {
                seen.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .get_or_insert(reason);
                Authorization::Deny
            }
        };
        let _ = conn.authorizer(Some(hook));
        let result = run(&conn, sql, &params, mode);
        let _ = conn.authorizer(None::<fn(AuthContext<'_>) -> Authorization>);
        let _ = conn.progress_handler(0, None::<fn() -> bool>);
        if late() {
            return Err(DbDenied {
                error: DEADLINE,
                message: "the statement ran past the hook's deadline".into(),
            });
        }
        let refused = refusal
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        match (result, refused) {
            (Err(_), Some(reason)) => Err(DbDenied {
                error: "table_not_allowed",
                message: reason,
            }),
            (other, _) => other,
        }
    }
}

struct Policy {
    mode: DbMode,
    read: BTreeSet<GrantTable>,
    write: BTreeSet<GrantTable>,
}

impl Policy {
    fn new(mode: DbMode, grants: &[DbGrant]) -> Self {
        let write: BTreeSet<_> = grants.iter().filter(|g| g.write).map(|g| g.table).collect();
        let read = grants
            .iter()
            .filter(|g| !g.write)
            .map(|g| g.table)
            .collect();
        Self { mode, read, write }
    }

    fn table(&self, db: Option<&str>, table: &str, write: bool) -> Result<(), String> {
        if db.is_some_and(|d| d != "main") {
            return Err(format!(
                "database `{}` is not reachable",
                db.unwrap_or_default()
            ));
        }
        let grant = GrantTable::for_table(table);
        let granted = match (grant, write, self.mode) {
            (Some(g), true, DbMode::Exec) => self.write.contains(&g),
            (Some(_), true, DbMode::Query) => false,
            (Some(g), false, DbMode::Query) => self.read.contains(&g),
            // an UPDATE or DELETE reads the columns of its WHERE clause
            (Some(g), false, DbMode::Exec) => self.read.contains(&g) || self.write.contains(&g),
            (None, _, _) => false,
        };
        if granted {
            return Ok(());
        }
        let what = if write { "write" } else { "read" };
        Err(match grant {
            Some(g) if write && self.mode == DbMode::Query => {
                format!("db_query cannot write (`{}`)", g.table())
            }
            Some(g) => format!(
                "`{what}:{}` is not granted (table `{}`)",
                grant_name(g),
                g.table()
            ),
            None => format!("table `{table}` is never reachable from plugins"),
        })
    }

    fn decide(&self, ctx: &AuthContext<'_>) -> Result<(), String> {
        let db = ctx.database_name;
        match ctx.action {
            AuthAction::Select | AuthAction::Recursive | AuthAction::Function { .. } => Ok(()),
            AuthAction::Read { table_name, .. } => self.table(db, table_name, false),
            AuthAction::Insert { table_name }
            | AuthAction::Delete { table_name }
            | AuthAction::Update { table_name, .. } => self.table(db, table_name, true),
            AuthAction::Pragma { pragma_name, .. } => {
                Err(format!("PRAGMA {pragma_name} is not allowed"))
            }
            AuthAction::Attach { .. } | AuthAction::Detach { .. } => {
                Err("ATTACH/DETACH is not allowed".into())
            }
            AuthAction::Transaction { .. } | AuthAction::Savepoint { .. } => {
                Err("transactions are the host's, not the plugin's".into())
            }
            other => Err(format!("{other:?} is not allowed")),
        }
    }
}

fn grant_name(g: GrantTable) -> &'static str {
    match g {
        GrantTable::Content => "content",
        GrantTable::Media => "media",
        GrantTable::Users => "users",
    }
}

fn parse_params(params_json: &str) -> Result<Vec<SqlValue>, DbDenied> {
    let bad = |m: String| DbDenied {
        error: "bad_params",
        message: m,
    };
    if params_json.trim().is_empty() {
        return Ok(Vec::new());
    }
    let Value::Array(items) =
        serde_json::from_str(params_json).map_err(|e| bad(format!("params are not JSON: {e}")))?
    else {
        return Err(bad("params must be a JSON array".into()));
    };
    Ok(items
        .into_iter()
        .map(|v| match v {
            Value::Null => SqlValue::Null,
            Value::Bool(b) => SqlValue::Integer(i64::from(b)),
            Value::Number(n) => n.as_i64().map_or_else(
                || SqlValue::Real(n.as_f64().unwrap_or(0.0)),
                SqlValue::Integer,
            ),
            Value::String(s) => SqlValue::Text(s),
            other => SqlValue::Text(other.to_string()),
        })
        .collect())
}

fn sql_err(e: &rusqlite::Error) -> DbDenied {
    let message = match e {
        rusqlite::Error::MultipleStatement => "only one statement per call".to_owned(),
        other => other.to_string(),
    };
    DbDenied {
        error: "sql_error",
        message,
    }
}

fn run(conn: &Connection, sql: &str, params: &[SqlValue], mode: DbMode) -> Result<Value, DbDenied> {
    let mut stmt = conn.prepare(sql).map_err(|e| sql_err(&e))?;
    let readonly = stmt.readonly();
    match mode {
        DbMode::Query if !readonly => {
            return Err(DbDenied {
                error: "statement_not_allowed",
                message: "db_query runs SELECT only".into(),
            });
        }
        DbMode::Exec if readonly => {
            return Err(DbDenied {
                error: "statement_not_allowed",
                message: "db_exec runs INSERT, UPDATE or DELETE only".into(),
            });
        }
        _ => {}
    }
    if mode == DbMode::Exec {
        // A statement that returns rows (`… RETURNING`) would run its first
        // step and then fail: refuse it before it changes anything.
        if stmt.column_count() > 0 {
            return Err(DbDenied {
                error: "statement_not_allowed",
                message: "db_exec does not return rows: use db_query to read, without RETURNING"
                    .into(),
            });
        }
        let changed = stmt
            .execute(params_from_iter(params))
            .map_err(|e| sql_err(&e))?;
        return Ok(json!({ "rows_affected": changed, "last_insert_id": conn.last_insert_rowid() }));
    }
    let columns: Vec<String> = stmt.column_names().map(str::to_owned).collect();
    let mut rows = stmt
        .query(params_from_iter(params))
        .map_err(|e| sql_err(&e))?;
    let mut out = Vec::new();
    let mut bytes = 0usize;
    while let Some(row) = rows.next().map_err(|e| sql_err(&e))? {
        if out.len() >= MAX_RESULT_ROWS || bytes > MAX_RESULT_BYTES {
            return Err(DbDenied {
                error: "result_too_large",
                message: format!(
                    "the result is larger than {MAX_RESULT_ROWS} rows or {MAX_RESULT_BYTES} bytes; add a LIMIT"
                ),
            });
        }
        let mut row_values = Vec::with_capacity(columns.len());
        for (i, name) in columns.iter().enumerate() {
            let value = match row.get::<_, SqlValue>(i).map_err(|e| sql_err(&e))? {
                SqlValue::Null => Value::Null,
                SqlValue::Integer(n) => n.into(),
                SqlValue::Real(f) => f.into(),
                SqlValue::Text(t) => {
                    bytes += t.len();
                    t.into()
                }
                SqlValue::Blob(b) => {
                    bytes += 2 * b.len();
                    b.iter()
                        .map(|x| format!("{x:02x}"))
                        .collect::<String>()
                        .into()
                }
            };
            bytes += name.len() + 8;
            row_values.push(value);
        }
        out.push(Value::Array(row_values));
    }
    // As the host answers (internal/plugin/hostfunctions/database.go:14-19):
    // rows are arrays in column order; `rows` and `columns` are left out
    // when empty.
    let mut answer = Map::new();
    if !columns.is_empty() {
        answer.insert("columns".into(), json!(columns));
    }
    if !out.is_empty() {
        answer.insert("rows".into(), Value::Array(out));
    }
    Ok(Value::Object(answer))
}
