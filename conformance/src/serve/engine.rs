//! The engine thread: it owns the harness (native plugin hosts are not
//! `Send`), handles one request at a time, and records each one before it
//! answers.

use std::sync::mpsc;

use hookcheck::engine::HttpResponse;
use hookcheck::fixtures::RequestEvent;
use hookcheck::replay::Harness;
use tokio::sync::oneshot;

use super::record::Recorder;

/// One request for the engine thread.
pub(crate) struct Job {
    pub(crate) request: RequestEvent,
    pub(crate) reply: oneshot::Sender<HttpResponse>,
}

/// What the engine thread reports when it stops.
pub(crate) struct Stopped {
    pub(crate) handled: usize,
    pub(crate) recorded: usize,
    pub(crate) errors: Vec<String>,
}

/// Handles jobs until every sender is gone.
pub(crate) fn serve_jobs(
    mut harness: Harness,
    mut recorder: Option<Recorder>,
    jobs: &mpsc::Receiver<Job>,
) -> Stopped {
    let mut handled = 0;
    let mut errors = Vec::new();
    while let Ok(job) = jobs.recv() {
        let observed = harness.request(&job.request);
        handled += 1;
        println!(
            "{} {} -> {} ({} steps)",
            job.request.method,
            job.request.path,
            observed.status.unwrap_or(0),
            observed.trace.steps.len()
        );
        if let Some(recorder) = recorder.as_mut()
            && let Err(e) = recorder.request(&job.request, &observed)
        {
            eprintln!("error: {e}");
            errors.push(e.to_string());
        }
        let response = HttpResponse {
            status: observed.status.unwrap_or(500),
            headers: observed.headers,
            body: observed.body,
        };
        // The client may have gone; its answer is then not needed.
        let _ = job.reply.send(response);
    }
    Stopped {
        handled,
        recorded: recorder.as_ref().map_or(0, Recorder::written),
        errors,
    }
}
