//! What a lesstruct subject tells the runner, the reports and the bench.

use std::path::Path;
use std::sync::Arc;

use hookcheck::engine::Contract;
use hookcheck::fixtures::Event;

use super::subject::WasmSubject;
use crate::subject::SubjectKind;
use crate::timed::{Caller, Takes};
use crate::{Inputs, Result};

/// The hooks `hookcheck bench` times, `before_save` first.
const BENCH_HOOKS: &[(&str, Takes)] = &[
    ("before_save", Takes::RequestOrWrite),
    ("before_request", Takes::Request),
];

impl SubjectKind for WasmSubject {
    fn contract(&self) -> Contract {
        hookcheck::lesstruct::CONTRACT
    }

    fn display_name(&self) -> String {
        self.path.display().to_string()
    }

    fn path(&self) -> Option<&Path> {
        Some(&self.path)
    }

    fn takes_inputs(&self) -> bool {
        true
    }

    fn set_inputs(&mut self, inputs: Arc<Inputs>) {
        self.inputs = inputs;
    }

    fn bench_hooks(&self) -> &'static [(&'static str, Takes)] {
        BENCH_HOOKS
    }

    fn bench_caller(
        &self,
        hook: &'static str,
        named: bool,
        input: &Event,
    ) -> Result<Box<dyn Caller>> {
        super::bench::caller(self, hook, named, input)
    }
}
