//! Each check's lesson (`docs/checks/<host>.md`, built into the binary):
//! why hosts care, a minimal plugin that breaks the rule and one that keeps
//! it, and the fix. `explain` prints the lesson; a failure's report prints
//! the fix as its `help:` line.

use hookcheck::engine::Contract;

use super::contract_docs::{Document, pages};

const PAGES: &[Document] = pages!("checks");

const WHY: &str = "**Why hosts care.**";
const BAD: &str = "**Bad**";
const GOOD: &str = "**Good**";
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
    /// The fix, one line.
    pub fix: &'static str,
}

/// The lesson of check `id` of `contract`, when its page has a complete
/// block for it.
pub fn lesson(contract: Contract, id: &str) -> Option<Lesson> {
    let page = PAGES.iter().find(|p| p.contract == contract)?;
    parse_block(page.text, id).map(|(why, bad, good, fix)| Lesson {
        path: page.path,
        why,
        bad,
        good,
        fix,
    })
}

/// The check ids a contract's page has blocks for, in page order.
#[cfg(test)]
fn ids_on_page(contract: Contract) -> Vec<&'static str> {
    PAGES
        .iter()
        .filter(|p| p.contract == contract)
        .flat_map(|p| p.text.split("\n## ").skip(1))
        .filter_map(|block| block.split_whitespace().next())
        .collect()
}

/// Why, bad, good and fix of `id`'s block in `text`: the block runs from
/// `## ID ` to the next `## ` heading, and holds the four parts in order.
fn parse_block<'a>(text: &'a str, id: &str) -> Option<(&'a str, &'a str, &'a str, &'a str)> {
    let block = text
        .split("\n## ")
        .skip(1)
        .find(|b| b.split_whitespace().next() == Some(id))?;
    let (_, rest) = block.split_once(WHY)?;
    let (why, rest) = rest.split_once(BAD)?;
    let (bad, rest) = rest.split_once(GOOD)?;
    let (good, fix) = rest.split_once(FIX)?;
    let parts = (why.trim(), bad.trim(), good.trim(), fix.trim());
    let complete = !parts.0.is_empty()
        && parts.1.starts_with("```")
        && parts.2.starts_with("```")
        && !parts.3.is_empty()
        && !parts.3.contains('\n');
    complete.then_some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "# Title\n\nIntro.\n\n## X-1 — one\n\n**Why hosts care.** It breaks.\n\n**Bad**\n\n```c\nbad();\n```\n\n**Good**\n\n```c\ngood();\n```\n\n**Fix.** Call good.\n\n## X-2 — two\n\n**Why hosts care.** Also.\n\n**Bad**\n\n```c\nx\n```\n\n**Fix.** Missing its good example.\n";

    #[test]
    fn a_complete_block_is_read_and_an_incomplete_one_is_not() {
        let (why, bad, good, fix) = parse_block(PAGE, "X-1").unwrap();
        assert_eq!(why, "It breaks.");
        assert_eq!(bad, "```c\nbad();\n```");
        assert_eq!(good, "```c\ngood();\n```");
        assert_eq!(fix, "Call good.");
        assert_eq!(parse_block(PAGE, "X-2"), None);
        assert_eq!(parse_block(PAGE, "X-3"), None);
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
        for page in PAGES {
            if cfg!(not(feature = "wasm")) && page.contract == Contract::LESSTRUCT {
                continue;
            }
            for id in ids_on_page(page.contract) {
                assert!(
                    checks
                        .iter()
                        .any(|c| c.id == id && c.profile == page.contract),
                    "{}: `{id}` is not a check of this contract",
                    page.path
                );
            }
        }
    }
}
