//! The check tables of the documents equal the code: every contract's
//! `docs/contracts/<name>.md` ends in a `Checks` table and its
//! `docs/checks/<name>.md` has one `## ID — title` block per check; both
//! list exactly the suite's checks (in the order the page reads best),
//! with the titles the code gives them.

use hookcheck_conformance::Catalog;

/// The `(id, title)` rows of the `| check | title | section |` table.
fn table_rows(text: &str) -> Vec<(String, String)> {
    let Some(at) = text.find("\n| check | title | section |") else {
        return Vec::new();
    };
    text[at..]
        .lines()
        .skip(3)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells[1].to_owned(), cells[2].to_owned())
        })
        .collect()
}

/// The `(id, title)` of every `## ID — title` heading.
fn lesson_headings(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| l.strip_prefix("## "))
        .filter_map(|h| h.split_once(" — "))
        .map(|(id, title)| (id.to_owned(), title.to_owned()))
        .collect()
}

fn sorted(mut rows: Vec<(String, String)>) -> Vec<(String, String)> {
    rows.sort();
    rows
}

#[test]
fn every_contracts_check_tables_equal_its_suite() {
    let mut compared = 0;
    for entry in Catalog::builtin().entries() {
        let Some(docs) = entry.documents() else {
            continue;
        };
        let mut code: Vec<(String, String)> = entry
            .suite()
            .checks
            .iter()
            .map(|c| (c.id.to_owned(), c.title.to_owned()))
            .collect();
        code.sort();
        if code.is_empty() {
            // Lesstruct without `wasm`: no checks to compare.
            continue;
        }
        assert_eq!(
            sorted(table_rows(docs.contract.text)),
            code,
            "{}'s Checks table differs from the {} suite",
            docs.contract.path,
            entry.contract()
        );
        assert_eq!(
            sorted(lesson_headings(docs.lessons.text)),
            code,
            "{}'s `## ID — title` blocks differ from the {} suite",
            docs.lessons.path,
            entry.contract()
        );
        compared += code.len();
    }
    assert!(compared >= 90, "only {compared} checks compared");
}

#[test]
fn the_table_readers_see_a_changed_title() {
    let text = "# X\n\n## Checks\n\n| check | title | section |\n|---|---|---|\n| A-1 | one | §1 |\n| A-2 | two | §2 |\n\nafter\n";
    assert_eq!(
        table_rows(text),
        [("A-1".into(), "one".into()), ("A-2".into(), "two".into())]
    );
    assert_ne!(
        table_rows(&text.replace("| two |", "| Two |")),
        table_rows(text)
    );
    let lessons = "# X\n\n## A-1 — one\n\nbody\n\n## A-2 — two\n";
    assert_eq!(
        lesson_headings(lessons),
        [("A-1".into(), "one".into()), ("A-2".into(), "two".into())]
    );
}
