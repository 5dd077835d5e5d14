//! What a pylon subject tells the runner, the reports and the bench.

use std::sync::Arc;

use hookcheck::engine::{Contract, WriteOp};
use hookcheck::fixtures::Event;

use super::subject::PylonSubject;
use crate::subject::{Detached, SubjectKind, detached_copy};
use crate::timed::{Caller, Takes};
use crate::{Inputs, Result};

/// The hooks `hookcheck bench` times, the request hook first.
const BENCH_HOOKS: &[(&str, Takes)] = &[
    ("on_request_with_meta", Takes::Request),
    ("before_insert", Takes::Write),
    ("before_update", Takes::Write),
    ("before_delete", Takes::Write),
];

impl SubjectKind for PylonSubject {
    fn contract(&self) -> Contract {
        hookcheck::pylon::CONTRACT
    }

    fn display_name(&self) -> String {
        format!("pylon:{}", self.name)
    }

    fn takes_inputs(&self) -> bool {
        true
    }

    fn set_inputs(&mut self, inputs: Arc<Inputs>) {
        self.inputs = inputs;
        self.runs = Arc::default();
    }

    fn detached(&self) -> Option<Detached> {
        detached_copy(self)
    }

    fn bench_hooks(&self) -> &'static [(&'static str, Takes)] {
        BENCH_HOOKS
    }

    fn bench_hook_for(&self, input: &Event) -> Option<&'static str> {
        match input {
            Event::Write(w) => Some(match w.op {
                WriteOp::Insert => "before_insert",
                WriteOp::Update => "before_update",
                WriteOp::Delete => "before_delete",
            }),
            _ => None,
        }
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
