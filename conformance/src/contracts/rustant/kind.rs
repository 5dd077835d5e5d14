//! What a rustant subject tells the runner, the reports and the bench.

use std::path::Path;

use hookcheck::engine::Contract;
use hookcheck::fixtures::Event;

use super::subject::{RustantNativeSubject, RustantSubject};
use crate::Result;
use crate::subject::{Detached, SubjectKind, detached_copy};
use crate::timed::{Caller, Takes};

/// The hook points `hookcheck bench` times, each with a context made from
/// a request.
const BENCH_HOOKS: &[(&str, Takes)] = &[
    ("BeforeToolExecution", Takes::Request),
    ("AfterToolExecution", Takes::Request),
    ("BeforeLlmRequest", Takes::Request),
    ("AfterLlmResponse", Takes::Request),
    ("OnSessionStart", Takes::Request),
    ("OnSessionEnd", Takes::Request),
    ("OnError", Takes::Request),
];

impl SubjectKind for RustantSubject {
    fn contract(&self) -> Contract {
        hookcheck::rustant::CONTRACT
    }

    fn display_name(&self) -> String {
        format!("rustant:{}", self.name)
    }

    fn detached(&self) -> Option<Detached> {
        detached_copy(self)
    }

    fn bench_hooks(&self) -> &'static [(&'static str, Takes)] {
        BENCH_HOOKS
    }

    fn bench_caller(
        &self,
        hook: &'static str,
        _named: bool,
        input: &Event,
    ) -> Result<Box<dyn Caller>> {
        super::bench::caller(self, hook, input)
    }
}

impl SubjectKind for RustantNativeSubject {
    fn contract(&self) -> Contract {
        hookcheck::rustant::CONTRACT
    }

    fn display_name(&self) -> String {
        self.path.display().to_string()
    }

    fn path(&self) -> Option<&Path> {
        Some(&self.path)
    }

    fn untimeable(&self) -> &'static str {
        "a native Rustant plugin is read, never loaded"
    }
}
