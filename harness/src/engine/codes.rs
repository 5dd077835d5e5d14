//! Return-code tables: what a host does with a hook's output under each
//! code it returns.

use serde::Serialize;

/// What the host does with a hook's output under one return code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeEffect {
    /// Nothing written; the prior value is kept and the chain goes on.
    Keep,
    /// The written output replaces the value.
    Replace,
    /// The written status and body answer the request.
    Respond,
    /// The command is cancelled with the written reason.
    Cancel,
    /// The host treats the call as failed (a route answers 500).
    Fail,
}

/// One return code's meaning in a code table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CodeMeaning {
    /// The code.
    pub code: i32,
    /// Its name in the contract (`JSON_MUTATE_MODIFIED`).
    pub name: &'static str,
    /// What the host does, as the host executes it.
    pub effect: CodeEffect,
    /// What the host does, in the contract's words.
    pub meaning: &'static str,
}

/// The return codes of one hook.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CodeTable {
    /// The hook.
    pub hook: &'static str,
    /// The defined non-negative codes.
    pub codes: &'static [CodeMeaning],
    /// What a negative code means.
    pub negative: &'static str,
    /// What the host's code does with a non-negative code the table does
    /// not define (the documents call it an error; the host decides).
    pub otherwise: CodeEffect,
    /// The same, in words.
    pub otherwise_meaning: &'static str,
    /// Where the host's code interprets these codes (`file:line` at the
    /// pinned commit).
    pub host: &'static str,
}

impl CodeMeaning {
    /// Code `code`, called `name` in the contract, with its effect.
    pub const fn new(
        code: i32,
        name: &'static str,
        effect: CodeEffect,
        meaning: &'static str,
    ) -> Self {
        Self {
            code,
            name,
            effect,
            meaning,
        }
    }
}

impl CodeTable {
    /// The meaning of `code`, if it is a defined non-negative code.
    pub fn meaning(&self, code: i32) -> Option<&CodeMeaning> {
        self.codes.iter().find(|m| m.code == code)
    }
}
