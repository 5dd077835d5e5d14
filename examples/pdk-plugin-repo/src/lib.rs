//! `word_count`: one plugin, two hosts.
//!
//! - Built for `wasm32-wasip1` it is a Lesstruct plugin: `before_save`
//!   stores the number of words of a post's `content` in
//!   `customFields.words`, returning the whole hook data so the next
//!   plugin in the chain still sees every field.
//! - Built for the host it is a FeatherFly plugin: a `request.intercept`
//!   hook on `/api` that lets every request through and counts them.

#[cfg(target_arch = "wasm32")]
mod lesstruct;

#[cfg(not(target_arch = "wasm32"))]
mod featherfly;

/// The number of whitespace-separated words in `text`.
pub fn words(text: &str) -> usize {
    text.split_whitespace().count()
}
