//! `hookcheck serve`: options, start-up, and a clean stop on Ctrl-C or
//! SIGTERM with every recording flushed.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::mpsc;

use anyhow::{Context as _, bail};
use clap::Args;
use hookcheck::engine::Contract;
use hookcheck::fixtures::ConfigEvent;
use hookcheck::replay::{Harness, LoadOptions};
use hookcheck::store::EntityStore;
use hookcheck_conformance::{ServeOptions, printable};

use super::engine::{Job, Stopped, serve_jobs};
use super::http::{Shared, handle};
use super::record::Recorder;

/// Options of `hookcheck serve`.
#[derive(Debug, Args)]
#[command(after_long_help = SERVE_HELP)]
pub(crate) struct ServeArgs {
    /// The host contract to play: featherfly, lesstruct or pylon.
    #[arg(long, value_parser = parse_profile)]
    pub(crate) profile: Contract,
    /// The plugins: every `*.so` (featherfly) or `*.wasm` (lesstruct) in
    /// the directory, alphabetically; for pylon, `manifest.json` enabling
    /// bundled in-process plugins by name.
    #[arg(long, value_name = "DIR")]
    pub(crate) plugins: PathBuf,
    /// Where to listen; port 0 picks a free port (printed at start).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    listen: SocketAddr,
    /// A YAML config document run through the config pipeline at start.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Record every request, write and config event with its trace as a
    /// fixture in this (new or empty) directory.
    #[arg(long, value_name = "DIR")]
    record: Option<PathBuf>,
    /// Keep entity rows in this SQLite file instead of in memory.
    #[arg(long, value_name = "FILE")]
    db: Option<PathBuf>,
    /// How long one hook call may take, in milliseconds (native and WASM;
    /// for WASM it covers time blocked in WASI sleeps and host functions).
    #[arg(long, default_value_t = 2000, value_name = "MS")]
    timeout_ms: u64,
}

const SERVE_HELP: &str = "\
Routes, in order: the profile's request hooks (pylon on_request_with_meta,
featherfly request.intercept then middleware.inject); for pylon, plugin
routes (by path prefix); the built-in JSON API
  GET    /api/system
  GET    /api/entities/{entity}          list rows
  GET    /api/entities/{entity}/{id}     one row
  POST   /api/entities/{entity}          insert   (body: JSON object)
  PUT    /api/entities/{entity}/{id}     update   (PATCH too)
  DELETE /api/entities/{entity}/{id}     delete
whose writes run the write hooks (pylon before_/after_ insert, update,
delete; lesstruct before_save/after_create/after_publish) and whose JSON
answers run the featherfly JSON mixins; then the other profiles' plugin
routes; else 404.
`authorization: Bearer USER` authenticates as USER.

Native plugins run in a child process: a crash or hang is a 500 for that
request, not the end of the server.

Example:
  hookcheck serve --profile featherfly --plugins target/fixtures/native \\
      --listen 127.0.0.1:0 --record recordings/today
  hookcheck replay recordings/today --profile featherfly --plugins target/fixtures/native";

pub(crate) fn parse_profile(s: &str) -> Result<Contract, String> {
    hookcheck::contracts::parse(s)
}

/// Loads the plugins of `profile` from `dir` the way serve and replay do:
/// native plugins in a child runner (this executable), pylon manifests
/// against the bundled registry.
pub(crate) fn load_harness(
    profile: Contract,
    dir: &std::path::Path,
    timeout_ms: u64,
) -> anyhow::Result<Harness> {
    let serve = ServeOptions {
        timeout: std::time::Duration::from_millis(timeout_ms),
        runner: crate::cli::conformance::own_runner()?,
    };
    // Each contract adds what its loader reads.
    let options = crate::cli::catalog()
        .entries()
        .fold(LoadOptions::default(), |options, entry| {
            entry.load_options(options, &serve)
        });
    // The error can quote a plugin (its name, what its init said): one
    // line, without its control bytes.
    Harness::load(profile, dir, options).map_err(|e| anyhow::anyhow!(printable(&e.to_string())))
}

/// Runs the server until Ctrl-C or SIGTERM.
pub(crate) fn run(args: &ServeArgs) -> anyhow::Result<bool> {
    let config = match &args.config {
        Some(path) => Some(ConfigEvent {
            yaml: hookcheck::limits::read_text_bounded(
                path,
                hookcheck::limits::MAX_INPUT_FILE_BYTES,
            )?,
        }),
        None => None,
    };
    let mut recorder = args.record.as_deref().map(Recorder::create).transpose()?;
    let store = match &args.db {
        Some(path) => EntityStore::open(path)?,
        None => EntityStore::in_memory()?,
    };
    let (jobs_tx, jobs_rx) = mpsc::channel();
    let (ready_tx, ready_rx) = mpsc::channel::<anyhow::Result<()>>();
    let (profile, dir, timeout_ms) = (args.profile, args.plugins.clone(), args.timeout_ms);
    let engine = std::thread::Builder::new()
        .name("hookcheck-engine".into())
        .spawn(move || -> Option<Stopped> {
            let mut harness = match load_harness(profile, &dir, timeout_ms) {
                Ok(h) => h.with_store(store),
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                    return None;
                }
            };
            println!(
                "hookcheck serve: {} host, {} plugin(s): {}",
                harness.contract().name(),
                harness.plugin_names().len(),
                printable(&harness.plugin_names().join(", "))
            );
            for warning in harness.warnings() {
                println!("warning: {}", printable(&warning.to_string()));
            }
            if let Some(config) = config {
                let observed = harness.config(&config);
                println!(
                    "config: {} step(s) over the config document",
                    observed.trace.steps.len()
                );
                if let Some(r) = recorder.as_mut()
                    && let Err(e) = r.config(&config, &observed)
                {
                    let _ = ready_tx.send(Err(e.into()));
                    return None;
                }
            }
            let _ = ready_tx.send(Ok(()));
            Some(serve_jobs(harness, recorder, &jobs_rx))
        })
        .context("failed to start the engine thread")?;
    match ready_rx.recv() {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(e),
        Err(_) => bail!("failed to start the engine: its thread ended during loading"),
    }
    let served = serve_http(args, jobs_tx);
    let stopped = engine.join().ok().flatten();
    served?;
    if let Some(stopped) = stopped {
        println!(
            "stopped: {} request(s) handled{}{}",
            stopped.handled,
            if stopped.abandoned > 0 {
                format!(", {} skipped (the client went away)", stopped.abandoned)
            } else {
                String::new()
            },
            args.record.as_ref().map_or_else(String::new, |d| format!(
                ", {} fixture(s) recorded in {}",
                stopped.recorded,
                d.display()
            ))
        );
        if !stopped.errors.is_empty() {
            bail!(
                "failed to record {} event(s); first: {}",
                stopped.errors.len(),
                stopped.errors[0]
            );
        }
    }
    Ok(true)
}

fn serve_http(args: &ServeArgs, jobs: mpsc::Sender<Job>) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("failed to start the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("failed to listen on {}", args.listen))?;
        let addr = listener
            .local_addr()
            .context("failed to read the bound address")?;
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(Shared { jobs });
        println!("listening on http://{addr} (Ctrl-C or SIGTERM stops and flushes)");
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(stop_signal())
        .await
        .context("failed to serve HTTP")
    })
}

async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
