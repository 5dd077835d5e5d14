//! The embedded SQLite database writes land in.

mod entity;

pub use entity::EntityStore;
