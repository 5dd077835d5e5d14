//! The contract documents kept in this repository (`docs/contracts/`,
//! hookcheck's own restatement of each host's documents and code), built
//! into the binary so `explain` can quote the section a check enforces.

use hookcheck::engine::Contract;

use crate::entry::{Document, Documents};

/// The built-in contracts' documents: `pick` chooses which of a
/// contract's two pages.
pub(super) fn pages(
    pick: fn(&Documents) -> Document,
) -> impl Iterator<Item = (Contract, Document)> {
    crate::Catalog::builtin()
        .entries()
        .filter_map(move |e| e.documents().map(|d| (e.contract(), pick(&d))))
        .collect::<Vec<_>>()
        .into_iter()
}

/// Where a check's rule is stated: the document, the sections (first the
/// main one) and the main section's text.
pub(crate) struct Citation {
    /// The document's path in the repository.
    pub(crate) path: &'static str,
    /// `§4 Memory layout: …`, in the order the document's table gives.
    pub(crate) sections: Vec<String>,
    /// The main section's body.
    pub(crate) text: String,
}

/// The citation of check `id` of `contract`, from the `Checks` table at
/// the end of its document; `None` for a contract without one.
pub(crate) fn citation(contract: Contract, id: &str) -> Option<Citation> {
    let (_, doc) = pages(|d| d.contract).find(|(c, _)| *c == contract)?;
    let row = doc
        .text
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("| {id} |")))?;
    let cells: Vec<&str> = row.split('|').map(str::trim).collect();
    let numbers: Vec<&str> = cells
        .iter()
        .rev()
        .find(|c| c.starts_with('§'))?
        .split(',')
        .map(|s| s.trim().trim_start_matches('§'))
        .collect();
    let heading = |n: &str| {
        doc.text
            .lines()
            .position(|l| l.starts_with(&format!("## {n}. ")))
    };
    let sections = numbers
        .iter()
        .filter_map(|n| {
            let at = heading(n)?;
            let title = doc.text.lines().nth(at)?.trim_start_matches("## ");
            Some(format!("§{title}"))
        })
        .collect();
    let main = heading(numbers.first()?)?;
    let text = doc
        .text
        .lines()
        .skip(main + 1)
        .take_while(|l| !l.starts_with("## ") && !l.starts_with("<a id="))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned();
    Some(Citation {
        path: doc.path,
        sections,
        text,
    })
}
