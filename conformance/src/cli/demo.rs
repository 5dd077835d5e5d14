//! `hookcheck demo`: the bundled in-process plugins through the engine.

use std::path::PathBuf;

use clap::Args;
use hookcheck::engine::{AuthContext, HttpMethod, RequestMeta, Trace, WriteOp};
use hookcheck::pylon::{PylonHost, parse_manifest};
use hookcheck::rustant::{AgentHookPoint, AgentHost, AgentPlugin, HookContext, SecurityPolicy};
use hookcheck::store::EntityStore;
use hookcheck_fixtures::{NetworkHungry, PromptGuard, SessionLogger, ToolGuard, pylon_registry};
use serde_json::json;

/// Options of `hookcheck demo`.
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// Pylon manifest: a JSON list of `{ "name", "config" }` entries naming
    /// bundled plugins.
    #[arg(long, default_value = "fixtures/pylon/manifest.json")]
    manifest: PathBuf,
}

fn print_trace(title: &str, trace: &Trace) {
    println!("  {title}");
    for step in &trace.steps {
        println!(
            "    {:<24} {:<16} {:>8.1} µs  {}",
            step.plugin,
            step.hook,
            step.duration.as_secs_f64() * 1e6,
            step.outcome
        );
    }
}

/// Runs the demo; `Ok(false)` when a step the demo expects to pass did not.
pub(crate) fn run(args: &DemoArgs) -> anyhow::Result<bool> {
    let path = &args.manifest;
    let text = hookcheck::limits::read_text_bounded(path, hookcheck::limits::MAX_INPUT_FILE_BYTES)?;
    let entries = parse_manifest(&text, &path.display().to_string())?;
    let host = PylonHost::from_manifest(&pylon_registry(), &entries)?;
    let store = EntityStore::in_memory()?;
    println!(
        "pylon: {} plugins from {}: {}",
        entries.len(),
        path.display(),
        host.plugin_names().join(", ")
    );

    let anon = AuthContext::anonymous();
    let mut ok = true;
    for n in 1..=4 {
        let meta = RequestMeta::new(HttpMethod::Get, "/api/posts", "203.0.113.7");
        let run = host.before_request(&meta, &anon);
        let verdict = run
            .response
            .as_ref()
            .map_or("passed".to_owned(), |r| format!("answered {}", r.status));
        print_trace(
            &format!("request {n}: GET /api/posts from 203.0.113.7 -> {verdict}"),
            &run.trace,
        );
    }
    let writes = [
        (WriteOp::Insert, json!({ "title": "Hello, hookcheck!" })),
        (WriteOp::Insert, json!({ "body": "no title" })),
    ];
    for (op, data) in writes {
        let run = host.write(
            &store,
            "Post",
            op,
            data.clone(),
            &AuthContext::user("alice"),
        )?;
        print_trace(
            &format!(
                "write {} Post {data} -> {}",
                op.as_str(),
                run.response.status
            ),
            &run.trace,
        );
    }
    let rows = store.rows("Post")?;
    println!("  rows in SQLite: {}", serde_json::to_string(&rows)?);
    ok &= rows.len() == 1;

    let agents: Vec<Box<dyn AgentPlugin>> = vec![
        Box::new(ToolGuard::new(&["shell"])),
        Box::new(PromptGuard::default()),
        Box::new(SessionLogger::default()),
        Box::new(NetworkHungry::default()),
    ];
    let (agent, report) = AgentHost::load(&SecurityPolicy::default(), agents);
    println!("rustant: loaded {}", report.loaded.join(", "));
    for (name, reasons) in &report.blocked {
        println!("  blocked {name}: {}", reasons.join("; "));
    }
    let run = agent.run(&HookContext::tool(
        AgentHookPoint::BeforeToolExecution,
        "shell",
        json!({ "args": ["ls"] }),
    ));
    print_trace(
        &format!("BeforeToolExecution shell -> {:?}", run.result),
        &run.trace,
    );
    let run = agent.run(&HookContext::llm(
        AgentHookPoint::BeforeLlmRequest,
        "openai",
        json!({ "prompt": "key sk-live-123" }),
    ));
    print_trace(&format!("BeforeLlmRequest -> {:?}", run.result), &run.trace);
    Ok(ok)
}
