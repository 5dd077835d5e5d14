//! Replaying fixtures through a [`Harness`].

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};

use super::app::{Harness, Observed};
use super::compare::{Difference, compare};
use crate::Result;
use crate::fixtures::{Event, Fixture, WriteEvent, read_dir};

/// The result of replaying one fixture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replayed {
    /// The fixture's file name (or `fixture` when it has none).
    pub name: String,
    /// `request`, `write`, `config` or `json`.
    pub kind: &'static str,
    /// Every difference; empty when the replay matched.
    pub differences: Vec<Difference>,
    /// Set when nothing was compared, and why.
    pub unchecked: Option<String>,
}

impl Replayed {
    /// True when every expectation held.
    pub fn matched(&self) -> bool {
        self.differences.is_empty()
    }
}

impl Harness {
    /// Runs one event and returns what it came to.
    pub fn run(&mut self, event: &Event) -> Observed {
        match event {
            Event::Request(e) => self.request(e),
            Event::Write(e) => self.write(e),
            Event::Config(e) => self.config(e),
            Event::Json(e) => self.json(e),
        }
    }

    /// Runs `fixture` and compares the result with its expectation.
    ///
    /// ```
    /// use std::path::Path;
    /// use hookcheck::fixtures::parse_fixture;
    /// use hookcheck::pylon::PylonHost;
    /// use hookcheck::replay::Harness;
    ///
    /// let fixture = parse_fixture(Path::new("inline.yaml"), "
    /// version: 1
    /// request: { method: GET, path: /api/nothing }
    /// expect: { status: 200 }
    /// ").unwrap();
    /// let result = Harness::pylon(PylonHost::new()).unwrap().replay(&fixture);
    /// assert!(!result.matched());
    /// assert_eq!(result.differences[0].at, "status");
    /// assert!(result.differences[0].to_string().contains("+ 404"));
    /// ```
    pub fn replay(&mut self, fixture: &Fixture) -> Replayed {
        let observed = self.run(&fixture.event);
        judge("fixture", fixture, &observed)
    }

    /// Replays `fixtures` in order against this harness's store. A write
    /// recorded inside a request (`via_request`) is checked against the
    /// write that request made during this replay, not written twice.
    pub fn replay_all(&mut self, fixtures: &[(PathBuf, Fixture)]) -> Vec<Replayed> {
        let mut made: HashMap<String, VecDeque<(WriteEvent, Observed)>> = HashMap::new();
        let mut results = Vec::with_capacity(fixtures.len());
        for (path, fixture) in fixtures {
            let name = file_name(path);
            let via = match &fixture.event {
                Event::Write(w) => w.via_request.clone(),
                _ => None,
            };
            let observed = match via.and_then(|r| made.get_mut(&r).map(|q| (r, q.pop_front()))) {
                Some((_, Some((_, observed)))) => observed,
                Some((request, None)) => {
                    results.push(Replayed {
                        name,
                        kind: fixture.event.kind(),
                        differences: vec![Difference {
                            at: "write".into(),
                            expected: format!("a write made by {request}\n"),
                            actual: "(the request made no such write)\n".into(),
                        }],
                        unchecked: None,
                    });
                    continue;
                }
                None => {
                    let mut observed = self.run(&fixture.event);
                    if matches!(fixture.event, Event::Request(_)) {
                        made.insert(name.clone(), std::mem::take(&mut observed.writes).into());
                    }
                    observed
                }
            };
            results.push(judge(&name, fixture, &observed));
        }
        results
    }

    /// Reads every fixture in `dir` (sorted by name) and replays them with
    /// [`Harness::replay_all`].
    pub fn replay_dir(&mut self, dir: &Path) -> Result<Vec<Replayed>> {
        let fixtures = read_dir(dir)?;
        Ok(self.replay_all(&fixtures))
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn judge(name: &str, fixture: &Fixture, observed: &Observed) -> Replayed {
    let (differences, unchecked) = match &fixture.expect {
        Some(expect) => (compare(expect, observed), None),
        None => (Vec::new(), Some("the fixture has no `expect`".to_owned())),
    };
    Replayed {
        name: name.to_owned(),
        kind: fixture.event.kind(),
        differences,
        unchecked,
    }
}
