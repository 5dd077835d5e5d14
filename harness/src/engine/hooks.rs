//! Hook points as data: what a hook is called, how a host folds its
//! outcomes, and what a failing step does.

use serde::Serialize;

use super::contract::Contract;

/// A named hook point of one contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct HookPoint {
    /// The contract defining the hook.
    pub contract: Contract,
    /// The hook's name as the contract spells it (`before_write`, `json.response`).
    pub name: &'static str,
}

impl HookPoint {
    /// Creates a hook point.
    pub const fn new(contract: Contract, name: &'static str) -> Self {
        Self { contract, name }
    }
}

/// Writes a hook point as its name, as traces and reports spell it.
pub(crate) fn serialize_name<S: serde::Serializer>(
    point: &HookPoint,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(point.name)
}

impl std::fmt::Display for HookPoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// How a pipeline folds the outcomes of one hook point. A request gate,
/// a value transform and a route differ in what their plugins return, not
/// in how the host folds it, so they share [`HookKind::Chain`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HookKind {
    /// Steps run in order; each may rewrite the value the next step sees
    /// (`config.mutate`, `before_write`, `json.response`) or stop the chain
    /// with a response, rejection or cancel (`before_request`,
    /// `request.intercept`, Rustant's `Before*` points, plugin routes). A
    /// failure follows the hook's [`OnError`].
    Chain,
    /// Steps observe; results are ignored, only a cancel may stop later
    /// handlers (`after_write`, lifecycle events).
    Observe,
}

/// One hook point with its folding rule and whether the host invokes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct HookSpec {
    /// The hook point.
    pub point: HookPoint,
    /// How outcomes fold.
    pub kind: HookKind,
    /// What happens when a step fails.
    pub on_error: OnError,
    /// Whether the real host ever calls this hook.
    pub invoked: bool,
    /// The payload the hook receives, as the contract describes it.
    pub payload: &'static str,
}

impl HookSpec {
    /// The hook `name` of `contract`: how its outcomes fold, what a
    /// failing step does, whether the real host calls it, and its payload.
    pub const fn new(
        contract: Contract,
        name: &'static str,
        kind: HookKind,
        on_error: OnError,
        invoked: bool,
        payload: &'static str,
    ) -> Self {
        Self {
            point: HookPoint::new(contract, name),
            kind,
            on_error,
            invoked,
            payload,
        }
    }
}

/// The hook called `name` in `table`. Meant for `const` items and
/// `const { … }` blocks, as every host uses it: there a name missing from
/// the table is a compile error. Called at run time with a missing name,
/// it panics.
pub const fn hook(table: &'static [HookSpec], name: &str) -> &'static HookSpec {
    let mut i = 0;
    while i < table.len() {
        if same(table[i].point.name.as_bytes(), name.as_bytes()) {
            return &table[i];
        }
        i += 1;
    }
    panic!("no such hook in this table")
}

const fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

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

impl OnError {
    /// Stop the pipeline; the host answers 500.
    pub const FAIL_500: OnError = OnError::Stop { status: 500 };
}
