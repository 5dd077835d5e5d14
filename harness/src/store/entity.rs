//! Entity rows in SQLite, one JSON document per row.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

use crate::engine::WriteOp;
use crate::{Error, Result};

/// A SQLite database of entity rows: `(entity, id, data JSON)`.
///
/// Inserts take the row's `id` when it is an integer, else the next free one;
/// updates and deletes need an integer `id` naming an existing row.
#[derive(Debug)]
pub struct EntityStore {
    conn: Mutex<Connection>,
}

fn store_err(action: impl Into<String>) -> impl FnOnce(rusqlite::Error) -> Error {
    let action = action.into();
    move |source| Error::Store { action, source }
}

impl EntityStore {
    /// A private in-memory database.
    pub fn in_memory() -> Result<Self> {
        let conn = Connection::open_in_memory().map_err(store_err("open an in-memory database"))?;
        Self::init(conn)
    }

    /// Opens (or creates) the database file at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        let conn = Connection::open(path)
            .map_err(store_err(format!("open database {}", path.display())))?;
        Self::init(conn)
    }

    fn init(conn: Connection) -> Result<Self> {
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS entity_rows (
                entity TEXT NOT NULL,
                id INTEGER NOT NULL,
                data TEXT NOT NULL,
                PRIMARY KEY (entity, id)
            );",
        )
        .map_err(store_err("create the entity_rows table"))?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Applies one write and returns the row as stored (for a delete, the row
    /// that was removed).
    pub fn apply(&self, entity: &str, op: WriteOp, data: &Value) -> Result<Value> {
        let bad = |reason: &str| Error::BadWrite {
            entity: entity.to_owned(),
            reason: reason.to_owned(),
        };
        let Value::Object(fields) = data else {
            return Err(bad("the data is not a JSON object"));
        };
        let id = fields.get("id").and_then(Value::as_i64);
        let conn = self.conn();
        match op {
            WriteOp::Insert => {
                let id = match id {
                    Some(id) => id,
                    None => conn
                        .query_row(
                            "SELECT COALESCE(MAX(id), 0) + 1 FROM entity_rows WHERE entity = ?1",
                            params![entity],
                            |r| r.get(0),
                        )
                        .map_err(store_err(format!("pick an id for `{entity}`")))?,
                };
                let mut row = fields.clone();
                row.insert("id".to_owned(), id.into());
                let row = Value::Object(row);
                conn.execute(
                    "INSERT INTO entity_rows (entity, id, data) VALUES (?1, ?2, ?3)",
                    params![entity, id, row.to_string()],
                )
                .map_err(store_err(format!("insert `{entity}` row {id}")))?;
                Ok(row)
            }
            WriteOp::Update => {
                let id = id.ok_or_else(|| bad("an update needs an integer `id`"))?;
                let changed = conn
                    .execute(
                        "UPDATE entity_rows SET data = ?3 WHERE entity = ?1 AND id = ?2",
                        params![entity, id, data.to_string()],
                    )
                    .map_err(store_err(format!("update `{entity}` row {id}")))?;
                if changed == 0 {
                    return Err(bad(&format!("there is no row with id {id}")));
                }
                Ok(data.clone())
            }
            WriteOp::Delete => {
                let id = id.ok_or_else(|| bad("a delete needs an integer `id`"))?;
                let row = Self::get_locked(&conn, entity, id)?
                    .ok_or_else(|| bad(&format!("there is no row with id {id}")))?;
                conn.execute(
                    "DELETE FROM entity_rows WHERE entity = ?1 AND id = ?2",
                    params![entity, id],
                )
                .map_err(store_err(format!("delete `{entity}` row {id}")))?;
                Ok(row)
            }
        }
    }

    fn get_locked(conn: &Connection, entity: &str, id: i64) -> Result<Option<Value>> {
        let text: Option<String> = conn
            .query_row(
                "SELECT data FROM entity_rows WHERE entity = ?1 AND id = ?2",
                params![entity, id],
                |r| r.get(0),
            )
            .optional()
            .map_err(store_err(format!("read `{entity}` row {id}")))?;
        Ok(text.map(|t| serde_json::from_str(&t).unwrap_or(Value::String(t))))
    }

    /// The row `id` of `entity`, if there is one.
    pub fn get(&self, entity: &str, id: i64) -> Result<Option<Value>> {
        Self::get_locked(&self.conn(), entity, id)
    }

    /// Every row of `entity`, by id.
    pub fn rows(&self, entity: &str) -> Result<Vec<Value>> {
        let conn = self.conn();
        let action = format!("list `{entity}` rows");
        let mut stmt = conn
            .prepare("SELECT data FROM entity_rows WHERE entity = ?1 ORDER BY id")
            .map_err(store_err(action.clone()))?;
        let texts = stmt
            .query_map(params![entity], |r| r.get::<_, String>(0))
            .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
            .map_err(store_err(action))?;
        Ok(texts
            .into_iter()
            .map(|t| serde_json::from_str(&t).unwrap_or(Value::String(t)))
            .collect())
    }
}
