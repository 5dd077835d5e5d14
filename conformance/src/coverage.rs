//! Which of the plugin's registrations a run called, and with which
//! inputs: the answer to "did anything of the plugin run at all?".

use std::fmt;

use hookcheck::engine::{Answer, Answers};
use serde::Serialize;

/// How many input labels one registration lists before it only counts.
const LISTED_INPUTS: usize = 8;

/// One registration (or export) of the plugin and the calls that reached
/// it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Exercised {
    /// What the plugin registered: hook and target, e.g.
    /// `request.intercept /admin` or `hook_before_save`.
    pub registration: String,
    /// How many calls reached it.
    pub calls: usize,
    /// The inputs that called it, the first few.
    pub inputs: Vec<String>,
    /// How many more inputs called it than `inputs` lists.
    pub more_inputs: usize,
    /// What it answered, in the plugin's own words, when the host tells
    /// (`{"continue": 17}`): a rule about RESPOND says nothing of a hook
    /// that answered `continue` every time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answered: Option<Answers>,
    /// The answers its hook can give, listed even when never seen.
    #[serde(skip)]
    pub answerable: &'static [Answer],
    /// Every input counted so far, so one counts once.
    #[serde(skip)]
    seen: std::collections::BTreeSet<String>,
}

impl Exercised {
    /// A registration not called yet.
    pub(crate) fn new(registration: impl Into<String>) -> Self {
        Self {
            registration: registration.into(),
            calls: 0,
            inputs: Vec::new(),
            more_inputs: 0,
            answered: None,
            answerable: &[],
            seen: std::collections::BTreeSet::new(),
        }
    }

    /// A registration not called yet whose hook can answer `answerable`.
    pub(crate) fn answering(
        registration: impl Into<String>,
        answerable: &'static [Answer],
    ) -> Self {
        Self {
            answered: Some(Answers::default()),
            answerable,
            ..Self::new(registration)
        }
    }

    /// Counts the calls `steps` made for the input `label`, and what each
    /// answered.
    pub(crate) fn add_steps<'a>(
        &mut self,
        label: &str,
        steps: impl Iterator<Item = &'a hookcheck::engine::Step>,
    ) {
        let mut answers = Answers::default();
        for step in steps {
            answers.add(step.answer());
        }
        self.add(label, answers.total());
        self.add_answers(&answers);
    }

    /// Counts what it answered to one input.
    pub(crate) fn add_answers(&mut self, answers: &Answers) {
        self.answered
            .get_or_insert_with(Answers::default)
            .absorb(answers);
    }

    /// What it answered, as one line (`continue ×17, respond ×0`), or
    /// empty when the host does not tell.
    pub fn answers_text(&self) -> String {
        self.answered
            .map(|a| a.describe(self.answerable))
            .unwrap_or_default()
    }

    /// The inputs that called it, as one line: `a, b (+3 more)`.
    pub fn inputs_text(&self) -> String {
        let listed = self.inputs.join(", ");
        if self.more_inputs > 0 {
            format!("{listed} (+{} more)", self.more_inputs)
        } else {
            listed
        }
    }

    /// Counts `calls` calls made by the input `label`.
    pub(crate) fn add(&mut self, label: &str, calls: usize) {
        if calls == 0 {
            return;
        }
        self.calls += calls;
        if !self.seen.insert(label.to_owned()) {
            return;
        }
        if self.inputs.len() < LISTED_INPUTS {
            self.inputs.push(label.to_owned());
        } else {
            self.more_inputs += 1;
        }
    }
}

/// Every registration of the plugin and how often the run called it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Per registration, in the plugin's registration order.
    pub registrations: Vec<Exercised>,
    /// Why nothing of the plugin could be called, when that is known
    /// (it did not load; it is only read, never run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// What the author should know about what the inputs reached (a
    /// pattern that also covers paths it was probably not meant for).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<String>,
}

impl Coverage {
    /// Coverage of a plugin none of whose code could run, and why.
    pub(crate) fn nothing(note: impl Into<String>) -> Self {
        Self {
            registrations: Vec::new(),
            note: Some(note.into()),
            notices: Vec::new(),
        }
    }

    /// Registrations called at least once.
    pub fn exercised(&self) -> usize {
        self.registrations.iter().filter(|r| r.calls > 0).count()
    }

    /// Every registration.
    pub fn total(&self) -> usize {
        self.registrations.len()
    }

    /// Calls of the plugin over the whole run.
    pub fn calls(&self) -> usize {
        self.registrations.iter().map(|r| r.calls).sum()
    }

    /// The registrations never called.
    pub fn unexercised(&self) -> Vec<&str> {
        self.registrations
            .iter()
            .filter(|r| r.calls == 0)
            .map(|r| r.registration.as_str())
            .collect()
    }

    /// Whether every registration was called, and there was at least one.
    pub fn complete(&self) -> bool {
        self.total() > 0 && self.exercised() == self.total()
    }
}

impl fmt::Display for Coverage {
    /// `registrations exercised: N of M`, then what was never called or
    /// why nothing could be.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "registrations exercised: {} of {}",
            self.exercised(),
            self.total()
        )?;
        let never = self.unexercised();
        if !never.is_empty() {
            write!(f, " (never called: {})", never.join(", "))?;
        }
        if self.total() == 0 {
            f.write_str(" (the plugin registered nothing the host calls)")?;
        }
        if let Some(note) = &self.note {
            write!(f, "; {note}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_a_few_inputs_then_counts_the_rest_and_names_what_never_ran() {
        let mut hit = Exercised::new("request.intercept /admin");
        for i in 0..12 {
            hit.add(&format!("GET /admin/{i}"), 1);
        }
        hit.add("GET /admin/0", 1);
        hit.add("GET /admin/11", 1);
        hit.add("GET /elsewhere", 0);
        assert_eq!(hit.calls, 14);
        assert_eq!(hit.inputs.len(), LISTED_INPUTS);
        assert_eq!(hit.more_inputs, 4);
        let coverage = Coverage {
            registrations: vec![hit, Exercised::new("route GET /x")],
            note: None,
            notices: Vec::new(),
        };
        assert!(!coverage.complete());
        assert_eq!(
            coverage.to_string(),
            "registrations exercised: 1 of 2 (never called: route GET /x)"
        );
        let empty = Coverage::default();
        assert!(!empty.complete());
        assert_eq!(
            empty.to_string(),
            "registrations exercised: 0 of 0 (the plugin registered nothing the host calls)"
        );
    }
}
