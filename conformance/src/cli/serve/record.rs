//! Writing every event the server handles as a fixture, one file each,
//! named so that sorting by name replays them in order.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use hookcheck::fixtures::{ConfigEvent, Event, Fixture, RequestEvent, write_fixture};
use hookcheck::replay::Observed;

/// Writes fixtures into one directory as events happen.
pub(crate) struct Recorder {
    dir: PathBuf,
    next: u32,
    written: usize,
}

impl Recorder {
    /// Records into `dir`, creating it; refuses a directory that already
    /// holds fixtures, so two recordings never interleave.
    pub(crate) fn create(dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("failed to create recording directory {}", dir.display()))?;
        let existing = hookcheck::fixtures::fixture_files(dir)?;
        if let Some(first) = existing.first() {
            anyhow::bail!(
                "failed to record into {}: it already holds fixtures ({}); pick an empty directory",
                dir.display(),
                first.display()
            );
        }
        Ok(Self {
            dir: dir.to_owned(),
            next: 1,
            written: 0,
        })
    }

    /// How many fixtures were written.
    pub(crate) fn written(&self) -> usize {
        self.written
    }

    fn path(&mut self, kind: &str, slug: &str) -> (PathBuf, String) {
        let name = format!("{:04}-{kind}-{slug}.yaml", self.next);
        self.next += 1;
        (self.dir.join(&name), name)
    }

    fn write(&mut self, path: &Path, fixture: &Fixture) -> hookcheck::Result<()> {
        write_fixture(path, fixture)?;
        self.written += 1;
        Ok(())
    }

    /// Records the config document and what the config pipeline made of it.
    pub(crate) fn config(
        &mut self,
        event: &ConfigEvent,
        observed: &Observed,
    ) -> hookcheck::Result<()> {
        let (path, _) = self.path("config", "start");
        let fixture = Fixture {
            event: Event::Config(event.clone()),
            expect: Some(observed.expect()),
        };
        self.write(&path, &fixture)
    }

    /// Records a request, then each write it made (pointing back at it).
    pub(crate) fn request(
        &mut self,
        event: &RequestEvent,
        observed: &Observed,
    ) -> hookcheck::Result<()> {
        let request_slug = slug(&format!("{} {}", event.method.as_str(), event.path));
        let (path, name) = self.path("request", &request_slug);
        let fixture = Fixture {
            event: Event::Request(event.clone()),
            expect: Some(observed.expect()),
        };
        self.write(&path, &fixture)?;
        for (write, result) in &observed.writes {
            let mut write = write.clone();
            write.via_request = Some(name.clone());
            let write_slug = slug(&format!("{} {}", write.entity, write.op.as_str()));
            let (path, _) = self.path("write", &write_slug);
            let fixture = Fixture {
                event: Event::Write(write),
                expect: Some(result.expect()),
            };
            self.write(&path, &fixture)?;
        }
        Ok(())
    }
}

/// `GET /api/entities/post` → `get-api-entities-post`, at most 60 bytes.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.truncate(60);
    out.trim_end_matches('-').to_owned()
}
