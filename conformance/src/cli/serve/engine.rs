//! The engine thread: it owns the harness (native plugin hosts are not
//! `Send`), handles one request at a time, and records each one before it
//! answers.

use std::sync::mpsc;

use hookcheck::engine::HttpResponse;
use hookcheck::fixtures::RequestEvent;
use hookcheck::replay::Harness;
use hookcheck_conformance::printable;
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
    /// Requests whose client had gone before their turn: not run.
    pub(crate) abandoned: usize,
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
    let mut abandoned = 0;
    let mut errors = Vec::new();
    while let Ok(job) = jobs.recv() {
        // The client went away while the request waited: no plugin runs
        // for an answer nobody reads.
        if job.reply.is_closed() {
            abandoned += 1;
            println!(
                "{} {} -> skipped (the client went away)",
                job.request.method,
                printable(&job.request.path)
            );
            continue;
        }
        let observed = harness.request(&job.request);
        handled += 1;
        println!(
            "{} {} -> {} ({} steps)",
            job.request.method,
            printable(&job.request.path),
            observed.status.unwrap_or(0),
            observed.trace.steps.len()
        );
        if let Some(recorder) = recorder.as_mut()
            && let Err(e) = recorder.request(&job.request, &observed)
        {
            let e = printable(&e.to_string());
            eprintln!("error: {e}");
            errors.push(e);
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
        abandoned,
        recorded: recorder.as_ref().map_or(0, Recorder::written),
        errors,
    }
}

#[cfg(test)]
mod tests {
    use hookcheck::engine::HttpMethod;
    use hookcheck::pylon::PylonHost;

    use super::*;

    fn job(path: &str) -> (Job, oneshot::Receiver<HttpResponse>) {
        let (reply, answer) = oneshot::channel();
        let request: RequestEvent = serde_json::from_value(serde_json::json!({
            "method": HttpMethod::Get, "path": path,
        }))
        .unwrap();
        (Job { request, reply }, answer)
    }

    #[test]
    fn a_request_whose_client_went_away_is_not_run() {
        let harness = Harness::pylon(PylonHost::new()).unwrap();
        let (jobs_tx, jobs_rx) = mpsc::channel();
        let (gone, answer) = job("/api/system");
        drop(answer);
        jobs_tx.send(gone).unwrap();
        let (waiting, mut answer) = job("/api/system");
        jobs_tx.send(waiting).unwrap();
        drop(jobs_tx);
        let stopped = serve_jobs(harness, None, &jobs_rx);
        assert_eq!((stopped.handled, stopped.abandoned), (1, 1));
        assert!(answer.try_recv().is_ok());
    }
}
