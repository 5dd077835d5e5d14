//! Each check's lesson (`docs/checks/<host>.md`, built into the binary):
//! why hosts care, a minimal plugin that breaks the rule and one that keeps
//! it, optionally the same good plugin in Rust with the pdk crate
//! (FeatherFly), and the fix. `explain` prints the lesson; a failure's
//! report prints the fix as its `help:` line.

use hookcheck::engine::Contract;

use super::contract_docs::pages;

const WHY: &str = "**Why hosts care.**";
const BAD: &str = "**Bad**";
const GOOD: &str = "**Good**";
const RUST: &str = "**Good, in Rust with the pdk**";
const FIX: &str = "**Fix.**";

/// A check's lesson, as its page states it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lesson {
    /// The page's path in the repository (`docs/checks/pylon.md`).
    pub path: &'static str,
    /// What goes wrong on the real host.
    pub why: &'static str,
    /// A minimal plugin that breaks the rule (a fenced code block).
    pub bad: &'static str,
    /// The same plugin keeping it (a fenced code block).
    pub good: &'static str,
    /// The good plugin again, written in Rust with the pdk crate
    /// `hookcheck-pdk` (a fenced code block), when the page has a
    /// `**Good, in Rust with the pdk**` part after the good one: every
    /// FeatherFly check does, the other hosts' pages do not.
    pub rust: Option<&'static str>,
    /// The fix, one line.
    pub fix: &'static str,
}

/// The lesson of check `id` of `contract`, when its page has a complete
/// block for it.
pub fn lesson(contract: Contract, id: &str) -> Option<Lesson> {
    let (_, page) = pages(|d| d.lessons).find(|(c, _)| *c == contract)?;
    parse_block(page.text, id).map(|parts| Lesson {
        path: page.path,
        why: parts.why,
        bad: parts.bad,
        good: parts.good,
        rust: parts.rust,
        fix: parts.fix,
    })
}

/// The parts of one block, trimmed.
#[derive(Debug, PartialEq, Eq)]
struct Parts<'a> {
    why: &'a str,
    bad: &'a str,
    good: &'a str,
    rust: Option<&'a str>,
    fix: &'a str,
}

/// The check ids a contract's page has blocks for, in page order.
#[cfg(test)]
fn ids_on_page(contract: Contract) -> Vec<&'static str> {
    pages(|d| d.lessons)
        .filter(|(c, _)| *c == contract)
        .flat_map(|(_, p)| p.text.split("\n## ").skip(1))
        .filter_map(|block| block.split_whitespace().next())
        .collect()
}

/// Why, bad, good, the optional Rust example and fix of `id`'s block in
/// `text`: the block runs from `## ID ` to the next `## ` heading, and
/// holds the parts in that order. A block whose Rust part is there but is
/// not a fenced code block is incomplete, as is one missing another part.
fn parse_block<'a>(text: &'a str, id: &str) -> Option<Parts<'a>> {
    let block = text
        .split("\n## ")
        .skip(1)
        .find(|b| b.split_whitespace().next() == Some(id))?;
    let (_, rest) = block.split_once(WHY)?;
    let (why, rest) = rest.split_once(BAD)?;
    let (bad, rest) = rest.split_once(GOOD)?;
    let (good, fix) = rest.split_once(FIX)?;
    let (good, rust) = match good.split_once(RUST) {
        Some((good, rust)) => (good, Some(rust.trim())),
        None => (good, None),
    };
    let parts = Parts {
        why: why.trim(),
        bad: bad.trim(),
        good: good.trim(),
        rust,
        fix: fix.trim(),
    };
    let fenced = |code: &str| code.starts_with("```") && code.ends_with("```") && code.len() > 6;
    let complete = !parts.why.is_empty()
        && fenced(parts.bad)
        && fenced(parts.good)
        && parts.rust.is_none_or(fenced)
        && !parts.fix.is_empty()
        && !parts.fix.contains('\n');
    complete.then_some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "# Title\n\nIntro.\n\n## X-1 — one\n\n**Why hosts care.** It breaks.\n\n**Bad**\n\n```c\nbad();\n```\n\n**Good**\n\n```c\ngood();\n```\n\n**Fix.** Call good.\n\n## X-2 — two\n\n**Why hosts care.** Also.\n\n**Bad**\n\n```c\nx\n```\n\n**Fix.** Missing its good example.\n";

    #[test]
    fn a_complete_block_is_read_and_an_incomplete_one_is_not() {
        let parts = parse_block(PAGE, "X-1").unwrap();
        assert_eq!(parts.why, "It breaks.");
        assert_eq!(parts.bad, "```c\nbad();\n```");
        assert_eq!(parts.good, "```c\ngood();\n```");
        assert_eq!(parts.rust, None);
        assert_eq!(parts.fix, "Call good.");
        assert_eq!(parse_block(PAGE, "X-2"), None);
        assert_eq!(parse_block(PAGE, "X-3"), None);
    }

    #[test]
    fn the_rust_part_is_read_after_the_good_one_and_must_be_code() {
        let page = PAGE.replace(
            "good();\n```\n\n**Fix.**",
            "good();\n```\n\n**Good, in Rust with the pdk**\n\n```rust\ngood_rs();\n```\n\n**Fix.**",
        );
        let parts = parse_block(&page, "X-1").unwrap();
        assert_eq!(parts.good, "```c\ngood();\n```");
        assert_eq!(parts.rust, Some("```rust\ngood_rs();\n```"));
        assert_eq!(parts.fix, "Call good.");
        let not_code = PAGE.replace(
            "good();\n```\n\n**Fix.**",
            "good();\n```\n\n**Good, in Rust with the pdk**\n\nSee the pdk.\n\n**Fix.**",
        );
        assert_eq!(parse_block(&not_code, "X-1"), None);
    }

    #[test]
    fn every_featherfly_check_has_a_rust_example_using_the_pdk() {
        let checks = crate::catalog(Some(hookcheck::featherfly::CONTRACT));
        assert!(!checks.is_empty());
        for c in &checks {
            let rust = lesson(c.profile, c.id).and_then(|l| l.rust);
            assert!(
                rust.is_some(),
                "{}: no `**Good, in Rust with the pdk**` example in docs/checks/featherfly.md",
                c.id
            );
            let rust = rust.unwrap_or_default();
            assert!(
                rust.starts_with("```rust\n"),
                "{}: the Rust example is a ```rust block",
                c.id
            );
            assert!(
                rust.contains("hookcheck_pdk") || rust.contains("declare_plugin!"),
                "{}: the Rust example uses the pdk: {rust}",
                c.id
            );
        }
    }

    #[test]
    fn every_check_has_a_complete_lesson_and_every_lesson_a_check() {
        let checks = crate::catalog(None);
        let missing: Vec<&str> = checks
            .iter()
            .filter(|c| lesson(c.profile, c.id).is_none())
            .map(|c| c.id)
            .collect();
        assert!(
            missing.is_empty(),
            "checks without a complete block in docs/checks/: {missing:?}"
        );
        for c in &checks {
            let fix = lesson(c.profile, c.id).map_or("", |l| l.fix);
            assert!(
                fix.chars().count() <= 160,
                "{}: a help line fits a terminal line: {fix}",
                c.id
            );
        }
        for (contract, page) in pages(|d| d.lessons) {
            if cfg!(not(feature = "wasm")) && contract == hookcheck::lesstruct::CONTRACT {
                continue;
            }
            for id in ids_on_page(contract) {
                assert!(
                    checks.iter().any(|c| c.id == id && c.profile == contract),
                    "{}: `{id}` is not a check of this contract",
                    page.path
                );
            }
        }
    }
}
