//! `hookcheck divergences`: where each host's documents and its own code
//! disagree, what hookcheck does about it, and which verdict follows.

use clap::Args;
use hookcheck::contracts::BUILTIN;
use hookcheck::engine::Contract;
use hookcheck::host::Divergence;
use hookcheck_conformance::printable;
use serde::Serialize;

/// Where the hosts' documents and code disagree.
#[derive(Debug, Args)]
#[command(after_help = "\
How hookcheck judges when the documents and the host's code disagree:
  - its hosts behave like the host's code at the pinned commit (what production runs);
  - a plugin that breaks the documents where the host tolerates it gets a warning
    (a recommended check: exit 0, a failure under --strict);
  - a plugin that follows the documents where the host does something else that
    breaks it gets a failure naming the host's code and a fix that works on both;
  - where the host is less safe than its documents, hookcheck keeps the safe
    behaviour and says so (\"kept safe\").")]
pub(crate) struct DivergencesArgs {
    /// Only this profile's divergences.
    #[arg(long, value_parser = hookcheck::contracts::parse)]
    profile: Option<Contract>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// One divergence with its host's contract, as listed.
#[derive(Serialize)]
struct Listed {
    contract: Contract,
    #[serde(flatten)]
    divergence: &'static Divergence,
}

fn selected(profile: Option<Contract>) -> Vec<Listed> {
    BUILTIN
        .iter()
        .filter(|h| profile.is_none_or(|p| h.contract() == p))
        .flat_map(|h| {
            h.divergences.iter().map(|divergence| Listed {
                contract: h.contract(),
                divergence,
            })
        })
        .collect()
}

/// `hookcheck divergences`.
pub(crate) fn run(args: &DivergencesArgs) -> anyhow::Result<bool> {
    let items = selected(args.profile);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&items)?);
        return Ok(true);
    }
    for Listed {
        contract,
        divergence: d,
    } in &items
    {
        println!("{contract} · {} ({})", d.topic, d.handling);
        println!("  docs:      {}", printable(d.docs));
        println!("  host:      {}", printable(d.host));
        println!("  verdict:   {}", printable(d.verdict));
        if d.checks.is_empty() {
            println!();
        } else {
            println!("  checks:    {}\n", d.checks.join(", "));
        }
    }
    println!("{} divergences", items.len());
    Ok(true)
}
