//! What a featherfly subject tells the runner, the reports and the bench.

use std::path::Path;
use std::sync::Arc;

use hookcheck::engine::Contract;
use hookcheck::fixtures::Event;

use super::subject::NativeSubject;
use crate::subject::SubjectKind;
use crate::timed::{Caller, Takes};
use crate::{Inputs, Result};

/// The hooks `hookcheck bench` times.
const BENCH_HOOKS: &[(&str, Takes)] = &[
    ("request.intercept", Takes::Request),
    ("middleware.inject", Takes::Request),
];

impl SubjectKind for NativeSubject {
    fn contract(&self) -> Contract {
        hookcheck::featherfly::CONTRACT
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

    fn protections(&self) -> Option<hookcheck::featherfly::Protections> {
        self.exercised
            .get()
            .and_then(|e| e.as_ref().ok())
            .and_then(|e| e.protections.clone())
    }

    fn loads(&self) -> Option<usize> {
        Some(self.loads.load(std::sync::atomic::Ordering::Relaxed))
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
