//! Profiles: one host contract's rules as data and policy.

use serde::Serialize;

use super::catalog::{
    Contract, FEATHERFLY_HOOKS, HookSpec, LESSTRUCT_HOOKS, PYLON_HOOKS, RUSTANT_HOOKS,
};

/// What a pipeline does when a step fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "policy")]
pub enum OnError {
    /// Keep the value from before the failing step and go on.
    KeepPrior,
    /// Stop the pipeline; the host answers with `status`.
    Stop {
        /// The HTTP status the host answers with.
        status: u16,
    },
}

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

impl CodeTable {
    /// The meaning of `code`, if it is a defined non-negative code.
    pub fn meaning(&self, code: i32) -> Option<&CodeMeaning> {
        self.codes.iter().find(|m| m.code == code)
    }
}

const fn code(
    code: i32,
    name: &'static str,
    effect: CodeEffect,
    meaning: &'static str,
) -> CodeMeaning {
    CodeMeaning {
        code,
        name,
        effect,
        meaning,
    }
}

/// The codes of both request hook phases.
const REQUEST_CODES: &[CodeMeaning] = &[
    code(
        0,
        "REQUEST_CONTINUE",
        CodeEffect::Keep,
        "next hook or handler",
    ),
    code(
        1,
        "REQUEST_RESPOND",
        CodeEffect::Respond,
        "short-circuit with status + body",
    ),
];

/// The table of a request hook phase: both phases read codes alike.
const fn request_codes(hook: &'static str) -> CodeTable {
    CodeTable {
        hook,
        codes: REQUEST_CODES,
        negative: "error, request continues",
        otherwise: CodeEffect::Keep,
        otherwise_meaning: "any other code: the request continues (only exactly 1 responds)",
        host: "application/src/plugins/events.rs:273-280",
    }
}

/// FeatherFly's return codes per hook (contracts §3): the table the
/// FeatherFly host interprets every return code with.
pub(crate) const FEATHERFLY_CODES: &[CodeTable] = &[
    CodeTable {
        hook: "config.mutate",
        codes: &[
            code(
                0,
                "CONFIG_MUTATE_MODIFIED",
                CodeEffect::Replace,
                "output written, replaces the YAML",
            ),
            code(
                1,
                "CONFIG_MUTATE_UNCHANGED",
                CodeEffect::Keep,
                "prior YAML kept",
            ),
        ],
        negative: "error, prior YAML kept",
        otherwise: CodeEffect::Keep,
        otherwise_meaning: "any other code: prior YAML kept, silently",
        host: "application/src/plugins/events.rs:230-233",
    },
    CodeTable {
        hook: "json.response",
        codes: &[
            code(
                0,
                "JSON_MUTATE_MODIFIED",
                CodeEffect::Replace,
                "output written, replaces the body",
            ),
            code(
                1,
                "JSON_MUTATE_UNCHANGED",
                CodeEffect::Keep,
                "prior JSON kept",
            ),
        ],
        negative: "error, prior JSON kept",
        otherwise: CodeEffect::Keep,
        otherwise_meaning: "any other code: prior JSON kept, silently",
        host: "application/src/plugins/events.rs:384-387",
    },
    CodeTable {
        hook: "json.actions",
        codes: &[
            code(
                0,
                "JSON_MUTATE_MODIFIED",
                CodeEffect::Replace,
                "output written, replaces `actions`",
            ),
            code(
                1,
                "JSON_MUTATE_UNCHANGED",
                CodeEffect::Keep,
                "prior actions kept",
            ),
        ],
        negative: "error, prior JSON kept",
        otherwise: CodeEffect::Keep,
        otherwise_meaning: "any other code: prior actions kept, silently",
        host: "application/src/plugins/events.rs:384-387",
    },
    request_codes("request.intercept"),
    request_codes("middleware.inject"),
    CodeTable {
        hook: "route",
        codes: &[code(
            0,
            "ROUTE_OK",
            CodeEffect::Respond,
            "status + body written",
        )],
        negative: "handler error, 500",
        otherwise: CodeEffect::Fail,
        otherwise_meaning: "any other code: 500 with an empty body",
        host: "application/src/plugins/routes.rs:91-104",
    },
    CodeTable {
        hook: "cloudpanel.command",
        codes: &[
            code(
                0,
                "CLOUDPANEL_CONTINUE",
                CodeEffect::Keep,
                "args kept, command runs",
            ),
            code(
                1,
                "CLOUDPANEL_MODIFIED",
                CodeEffect::Replace,
                "args written, replace the args",
            ),
            code(
                2,
                "CLOUDPANEL_CANCEL",
                CodeEffect::Cancel,
                "command cancelled, reason written",
            ),
        ],
        negative: "error, args kept",
        otherwise: CodeEffect::Keep,
        otherwise_meaning: "any other code: the command runs with the args kept",
        host: "application/src/plugins/events.rs:327-348",
    },
];

/// The hooks of FeatherFly's code tables, in table order (derived from
/// the tables while compiling).
pub const FEATHERFLY_CODE_HOOKS: [&str; FEATHERFLY_CODES.len()] = {
    let mut hooks = [""; FEATHERFLY_CODES.len()];
    let mut i = 0;
    while i < hooks.len() {
        hooks[i] = FEATHERFLY_CODES[i].hook;
        i += 1;
    }
    hooks
};

/// One host contract: which hooks exist and how they fold, and what their
/// return codes mean.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Profile {
    /// The contract.
    pub contract: Contract,
    /// Every hook point, with its folding rule.
    pub hooks: &'static [HookSpec],
    /// Return-code tables, for contracts that use codes.
    pub codes: &'static [CodeTable],
}

impl Profile {
    /// A profile: `contract`'s hooks and return-code tables.
    pub const fn new(
        contract: Contract,
        hooks: &'static [HookSpec],
        codes: &'static [CodeTable],
    ) -> Self {
        Self {
            contract,
            hooks,
            codes,
        }
    }

    /// The profile of a built-in contract.
    pub fn builtin(contract: Contract) -> Option<Self> {
        match contract {
            Contract::PYLON => Some(Self::pylon()),
            Contract::RUSTANT => Some(Self::rustant()),
            Contract::LESSTRUCT => Some(Self::lesstruct()),
            Contract::FEATHERFLY => Some(Self::featherfly()),
            _ => None,
        }
    }

    /// The `pylon` profile.
    pub const fn pylon() -> Self {
        Self::new(Contract::PYLON, PYLON_HOOKS, &[])
    }

    /// The `rustant` profile.
    pub const fn rustant() -> Self {
        Self::new(Contract::RUSTANT, RUSTANT_HOOKS, &[])
    }

    /// The `lesstruct` profile.
    pub const fn lesstruct() -> Self {
        Self::new(Contract::LESSTRUCT, LESSTRUCT_HOOKS, &[])
    }

    /// The `featherfly` profile.
    pub const fn featherfly() -> Self {
        Self::new(Contract::FEATHERFLY, FEATHERFLY_HOOKS, FEATHERFLY_CODES)
    }

    /// The hook called `name`, if the contract has one.
    pub fn hook(&self, name: &str) -> Option<&'static HookSpec> {
        self.hooks.iter().find(|h| h.point.name == name)
    }

    /// The code table of hook `name`, if the contract gives one.
    pub fn codes_for(&self, name: &str) -> Option<&'static CodeTable> {
        self.codes.iter().find(|t| t.hook == name)
    }
}
