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

/// The order plugins run in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LoadOrder {
    /// The order the host registered them in.
    Registration,
    /// Alphabetical by file name.
    Alphabetical,
}

/// One return code's meaning in a code table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CodeMeaning {
    /// The code.
    pub code: i32,
    /// Its name in the contract (`JSON_MUTATE_MODIFIED`).
    pub name: &'static str,
    /// What the host does.
    pub effect: &'static str,
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
}

impl CodeTable {
    /// The meaning of `code`, if it is a defined non-negative code.
    pub fn meaning(&self, code: i32) -> Option<&CodeMeaning> {
        self.codes.iter().find(|m| m.code == code)
    }
}

const fn code(code: i32, name: &'static str, effect: &'static str) -> CodeMeaning {
    CodeMeaning { code, name, effect }
}

const FEATHERFLY_CODES: &[CodeTable] = &[
    CodeTable {
        hook: "config.mutate",
        codes: &[
            code(
                0,
                "CONFIG_MUTATE_MODIFIED",
                "output written, replaces the YAML",
            ),
            code(1, "CONFIG_MUTATE_UNCHANGED", "prior YAML kept"),
        ],
        negative: "error, prior YAML kept",
    },
    CodeTable {
        hook: "json.response",
        codes: &[
            code(
                0,
                "JSON_MUTATE_MODIFIED",
                "output written, replaces the body",
            ),
            code(1, "JSON_MUTATE_UNCHANGED", "prior JSON kept"),
        ],
        negative: "error, prior JSON kept",
    },
    CodeTable {
        hook: "json.actions",
        codes: &[
            code(
                0,
                "JSON_MUTATE_MODIFIED",
                "output written, replaces `actions`",
            ),
            code(1, "JSON_MUTATE_UNCHANGED", "prior actions kept"),
        ],
        negative: "error, prior JSON kept",
    },
    CodeTable {
        hook: "request.intercept",
        codes: &[
            code(0, "REQUEST_CONTINUE", "next hook or handler"),
            code(1, "REQUEST_RESPOND", "short-circuit with status + body"),
        ],
        negative: "error, request continues",
    },
    CodeTable {
        hook: "middleware.inject",
        codes: &[
            code(0, "REQUEST_CONTINUE", "next hook or handler"),
            code(1, "REQUEST_RESPOND", "short-circuit with status + body"),
        ],
        negative: "error, request continues",
    },
    CodeTable {
        hook: "route",
        codes: &[code(0, "ROUTE_OK", "status + body written")],
        negative: "handler error, 500",
    },
    CodeTable {
        hook: "cloudpanel.command",
        codes: &[
            code(0, "CLOUDPANEL_CONTINUE", "args kept, command runs"),
            code(1, "CLOUDPANEL_MODIFIED", "args written, replace the args"),
            code(2, "CLOUDPANEL_CANCEL", "command cancelled, reason written"),
        ],
        negative: "error, args kept",
    },
];

/// One host contract: which hooks exist and how they fold, in what order
/// plugins run, and what their return codes mean.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Profile {
    /// The contract.
    pub contract: Contract,
    /// Every hook point, with its folding rule.
    pub hooks: &'static [HookSpec],
    /// The order plugins run in.
    pub load_order: LoadOrder,
    /// Return-code tables, for contracts that use codes.
    pub codes: &'static [CodeTable],
}

impl Profile {
    /// The built-in profile for a contract.
    pub fn builtin(contract: Contract) -> Self {
        let (hooks, load_order, codes) = match contract {
            Contract::Pylon => (PYLON_HOOKS, LoadOrder::Registration, &[][..]),
            Contract::Rustant => (RUSTANT_HOOKS, LoadOrder::Registration, &[][..]),
            Contract::Lesstruct => (LESSTRUCT_HOOKS, LoadOrder::Alphabetical, &[][..]),
            Contract::FeatherFly => (FEATHERFLY_HOOKS, LoadOrder::Alphabetical, FEATHERFLY_CODES),
        };
        Self {
            contract,
            hooks,
            load_order,
            codes,
        }
    }

    /// The `pylon` profile.
    pub fn pylon() -> Self {
        Self::builtin(Contract::Pylon)
    }

    /// The `rustant` profile.
    pub fn rustant() -> Self {
        Self::builtin(Contract::Rustant)
    }

    /// The `lesstruct` profile.
    pub fn lesstruct() -> Self {
        Self::builtin(Contract::Lesstruct)
    }

    /// The `featherfly` profile.
    pub fn featherfly() -> Self {
        Self::builtin(Contract::FeatherFly)
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
