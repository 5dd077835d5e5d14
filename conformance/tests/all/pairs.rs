//! Every check fails on the fixture that breaks it, with evidence, and
//! passes on a well-behaved plugin. A check without such a pair cannot be
//! added: its `breaker` is a required field and is run here.

use hookcheck::engine::Contract;
use hookcheck_conformance::{ProfileChoice, Status, catalog};
use rstest::rstest;

use crate::support::{open, open_as};

fn good(profile: Contract) -> &'static str {
    match profile {
        hookcheck::lesstruct::CONTRACT => "wasm:hello",
        hookcheck::featherfly::CONTRACT => "native:all_hooks",
        hookcheck::pylon::CONTRACT => "pylon:post_guard",
        hookcheck::rustant::CONTRACT => "rustant:session_logger",
        other => panic!("no good plugin for {other}"),
    }
}

/// A well-behaved plugin that reaches a rule the profile's usual good
/// plugin never reaches (a check passes only on what it saw).
fn good_for(id: &str, profile: Contract) -> &'static str {
    match id {
        // hello calls no host function.
        "LS-CAP-001" => "wasm:db_read",
        _ => good(profile),
    }
}

#[rstest]
#[case::pylon(hookcheck::pylon::CONTRACT)]
#[case::lesstruct(hookcheck::lesstruct::CONTRACT)]
#[case::featherfly(hookcheck::featherfly::CONTRACT)]
#[case::rustant(hookcheck::rustant::CONTRACT)]
fn every_check_fails_on_its_breaker_and_passes_on_a_good_plugin(#[case] profile: Contract) {
    let checks = catalog(Some(profile));
    assert!(!checks.is_empty());
    let mut problems = Vec::new();
    for check in checks {
        let broken = open_as(check.breaker, ProfileChoice::Fixed(profile));
        let verdict = check.run(&broken);
        // A warning is how a check fails where the host still does what
        // the plugin meant (a failure with --strict).
        let fails = matches!(verdict.status, Status::Fail | Status::Warn);
        if !fails || verdict.evidence.trim().is_empty() {
            problems.push(format!(
                "{} on its breaker {}: {:?} {}",
                check.id, check.breaker, verdict.status, verdict.evidence
            ));
        }
        let good = good_for(check.id, profile);
        let verdict = check.run(&open(good));
        if verdict.status != Status::Pass {
            problems.push(format!(
                "{} on {good}: {:?} {}",
                check.id, verdict.status, verdict.evidence
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_catalog_has_at_least_60_checks_with_unique_ids_and_rules() {
    let all = catalog(None);
    assert!(all.len() >= 60, "{} checks", all.len());
    let mut ids: Vec<&str> = all.iter().map(|c| c.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all.len(), "ids are unique");
    for c in &all {
        assert!(
            !c.rule.is_empty() && !c.source.is_empty() && !c.title.is_empty(),
            "{}",
            c.id
        );
        let prefix = match c.profile {
            hookcheck::pylon::CONTRACT => "PY-",
            hookcheck::lesstruct::CONTRACT => "LS-",
            hookcheck::featherfly::CONTRACT => "FF-",
            hookcheck::rustant::CONTRACT => "RU-",
            other => panic!("{} belongs to an unknown contract {other}", c.id),
        };
        assert!(
            c.id.starts_with(prefix),
            "{} belongs to {}",
            c.id,
            c.profile
        );
    }
}

#[test]
fn a_native_rustant_plugin_from_this_compiler_passes_and_says_why_boxes_are_fragile() {
    let check = hookcheck_conformance::find("RU-NATIVE-001").unwrap();
    let verdict = check.run(&open("native:rustant_native"));
    assert_eq!(verdict.status, Status::Pass, "{}", verdict.evidence);
    assert!(
        verdict.evidence.contains("same crate versions")
            || verdict.evidence.contains("identical crate versions")
    );
    let foreign = check.run(&open("native-foreign-rustc:rustant_native"));
    assert!(
        foreign.evidence.contains("rustc version 1.05"),
        "{}",
        foreign.evidence
    );
    assert!(
        foreign.evidence.contains("undefined behaviour"),
        "{}",
        foreign.evidence
    );
}

#[test]
fn a_panic_across_extern_c_is_caught_by_the_abort_check() {
    let check = hookcheck_conformance::find("FF-SAFE-002").unwrap();
    let verdict = check.run(&open("native:panics"));
    assert_eq!(verdict.status, Status::Fail);
    assert!(
        verdict
            .evidence
            .contains("plugin `panics` crashed with SIGABRT in json.response"),
        "{}",
        verdict.evidence
    );
}

#[test]
fn every_check_is_stated_in_this_repositorys_contract_documents() {
    for c in catalog(None) {
        let text = hookcheck_conformance::explanation(c);
        assert!(
            text.contains(&format!("source:    docs/contracts/{}.md §", c.profile)),
            "{} has no section in docs/contracts/{}.md's Checks table:\n{text}",
            c.id,
            c.profile
        );
    }
}
