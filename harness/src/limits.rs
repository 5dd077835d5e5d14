//! Bounds on what users and plugins hand hookcheck: a file must be a
//! regular file of a known size at most; YAML and JSON are walked by their
//! parsers, counting depth and nodes, and refused past the limits before
//! any value is built; a WASM module's sections are counted before wasmtime
//! compiles it.

use std::io::Read;
use std::path::Path;

use crate::{Error, Result};

/// The largest input file hookcheck reads: fixtures, expectations,
/// manifests, configuration.
pub const MAX_INPUT_FILE_BYTES: u64 = 16 << 20;
/// The deepest YAML or JSON nesting hookcheck parses (sequences and
/// mappings, flow or block, aliases counted at the depth they repeat
/// to); a configuration never needs more.
pub const MAX_NESTING: usize = 64;
/// The most nodes one YAML or JSON input may have: scalars, sequences and
/// mappings, mapping keys included, an alias counting every node it
/// repeats. Half a million nodes cost serde_yaml_ng about 125 MB and half a
/// second; a fixture or a configuration has hundreds.
pub const MAX_NODES: u64 = 500_000;

/// Reads `path` as text: a regular file of at most `max` bytes, refused
/// before reading otherwise (a FIFO or `/dev/zero` would never end).
pub fn read_text_bounded(path: &Path, max: u64) -> Result<String> {
    String::from_utf8(read_bounded(path, max)?).map_err(|_| Error::Input {
        path: path.to_owned(),
        reason: "not UTF-8 text".into(),
    })
}

/// Reads `path`: a regular file of at most `max` bytes, refused before
/// reading otherwise.
pub fn read_bounded(path: &Path, max: u64) -> Result<Vec<u8>> {
    use std::os::unix::fs::OpenOptionsExt;
    let refuse = |reason: String| Error::Input {
        path: path.to_owned(),
        reason,
    };
    // Opened without blocking (a FIFO would wait for a writer), then judged
    // by what was opened, not by a name that could change in between.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| Error::io("read", path, e))?;
    let meta = file.metadata().map_err(|e| Error::io("read", path, e))?;
    if !meta.is_file() {
        return Err(refuse("not a regular file".into()));
    }
    if meta.len() > max {
        return Err(refuse(format!(
            "{} bytes; files over {max} bytes are not read",
            meta.len()
        )));
    }
    let mut data = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut data)
        .map_err(|e| Error::io("read", path, e))?;
    if data.len() as u64 > max {
        return Err(refuse(format!("it grew past {max} bytes while being read")));
    }
    Ok(data)
}

/// Where a YAML event starts, 1-based, as the refusal names it.
fn at(line: u64, column: u64) -> String {
    format!("line {} column {}", line + 1, column + 1)
}

fn too_deep(place: &str) -> String {
    format!(
        "{place}: nests deeper than {MAX_NESTING} levels, past hookcheck's limit; refused before parsing"
    )
}

fn too_many(place: &str) -> String {
    format!(
        "{place}: more than {MAX_NODES} nodes (scalars, sequences, mappings; an alias counts what it repeats), past hookcheck's limit; refused before parsing"
    )
}

/// Walks YAML `text` event by event with libyaml (the parser serde_yaml_ng
/// is built on) and refuses it, in one line saying where and why, at the
/// first event past [`MAX_NESTING`] or [`MAX_NODES`]. The walk stops there,
/// so its cost is bounded by the limits, not by the input: libyaml's
/// bookkeeping grows with the depth it has reached, which made a document
/// 50 000 levels deep cost serde_yaml_ng 13 s (quadratic), and a text
/// scan for brackets is fooled by quotes YAML does not treat as quotes.
///
/// Text that is not YAML passes: the parser that builds the value reports
/// it in its own words, reaching the same error as soon as this walk did.
pub fn check_yaml(text: &[u8]) -> std::result::Result<(), String> {
    use libyaml::Event;
    let Some(mut parser) = libyaml::Parser::new(text) else {
        return Err("the YAML parser did not start (out of memory)".into());
    };
    let mut walk = YamlWalk::default();
    while let Some((event, line, column)) = parser.next() {
        let verdict = match event {
            Event::StreamEnd => return Ok(()),
            Event::DocumentStart => {
                walk.anchors.clear();
                Ok(())
            }
            Event::Scalar(anchor) => walk.scalar(anchor),
            Event::CollectionStart(anchor) => walk.open(anchor),
            Event::CollectionEnd => {
                walk.close();
                Ok(())
            }
            Event::Alias(anchor) => walk.alias(&anchor),
            Event::Other => Ok(()),
        };
        verdict.map_err(|why| why.say(&at(line, column)))?;
    }
    Ok(())
}

/// Why a YAML walk stopped.
enum Refusal {
    Deep,
    Large,
    Recursive,
}

impl Refusal {
    fn say(&self, place: &str) -> String {
        match self {
            Refusal::Deep => too_deep(place),
            Refusal::Large => too_many(place),
            Refusal::Recursive => format!(
                "{place}: an alias inside the node it names (a document without end); refused before parsing"
            ),
        }
    }
}

/// A node's size as an alias repeats it.
#[derive(Clone, Copy)]
struct Extent {
    nodes: u64,
    /// Collections on the deepest path inside it, itself included.
    height: usize,
}

/// A collection being read.
struct Open {
    anchor: Option<Vec<u8>>,
    /// Nodes counted before it started.
    before: u64,
    /// The greatest height among its children.
    height: usize,
}

#[derive(Default)]
struct YamlWalk {
    nodes: u64,
    open: Vec<Open>,
    /// The extent of every anchored node of the current document.
    anchors: std::collections::HashMap<Vec<u8>, Extent>,
}

impl YamlWalk {
    /// Counts a complete node of `extent` where the walk is.
    fn count(&mut self, extent: Extent) -> std::result::Result<(), Refusal> {
        self.nodes = self.nodes.saturating_add(extent.nodes);
        if self.nodes > MAX_NODES {
            return Err(Refusal::Large);
        }
        if self.open.len() + extent.height > MAX_NESTING {
            return Err(Refusal::Deep);
        }
        if let Some(parent) = self.open.last_mut() {
            parent.height = parent.height.max(extent.height);
        }
        Ok(())
    }

    fn scalar(&mut self, anchor: Option<Vec<u8>>) -> std::result::Result<(), Refusal> {
        let extent = Extent {
            nodes: 1,
            height: 0,
        };
        self.count(extent)?;
        if let Some(anchor) = anchor {
            self.anchors.insert(anchor, extent);
        }
        Ok(())
    }

    fn open(&mut self, anchor: Option<Vec<u8>>) -> std::result::Result<(), Refusal> {
        if self.open.len() >= MAX_NESTING {
            return Err(Refusal::Deep);
        }
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(Refusal::Large);
        }
        self.open.push(Open {
            anchor,
            before: self.nodes - 1,
            height: 0,
        });
        Ok(())
    }

    fn close(&mut self) {
        let Some(done) = self.open.pop() else {
            return;
        };
        let extent = Extent {
            nodes: self.nodes - done.before,
            height: done.height + 1,
        };
        if let Some(parent) = self.open.last_mut() {
            parent.height = parent.height.max(extent.height);
        }
        if let Some(anchor) = done.anchor {
            self.anchors.insert(anchor, extent);
        }
    }

    fn alias(&mut self, anchor: &[u8]) -> std::result::Result<(), Refusal> {
        match self.anchors.get(anchor) {
            Some(&extent) => self.count(extent),
            None if self
                .open
                .iter()
                .any(|o| o.anchor.as_deref() == Some(anchor)) =>
            {
                Err(Refusal::Recursive)
            }
            // An unknown anchor: serde_yaml_ng refuses it by name.
            None => self.count(Extent {
                nodes: 1,
                height: 0,
            }),
        }
    }
}

/// The event half of libyaml (through `unsafe-libyaml`, serde_yaml_ng's own
/// parser), which serde_yaml_ng keeps private.
mod libyaml {
    use std::marker::PhantomData;
    use std::mem::MaybeUninit;

    use unsafe_libyaml as sys;

    /// What the walk needs of one event; anchors as bytes.
    pub(super) enum Event {
        StreamEnd,
        DocumentStart,
        Scalar(Option<Vec<u8>>),
        CollectionStart(Option<Vec<u8>>),
        CollectionEnd,
        Alias(Vec<u8>),
        Other,
    }

    /// A libyaml parser over borrowed input.
    pub(super) struct Parser<'input> {
        /// Boxed, never moved: libyaml keeps a pointer to the parser in it.
        raw: Box<MaybeUninit<sys::yaml_parser_t>>,
        done: bool,
        _input: PhantomData<&'input [u8]>,
    }

    impl<'input> Parser<'input> {
        pub(super) fn new(input: &'input [u8]) -> Option<Self> {
            let mut raw = Box::new(MaybeUninit::<sys::yaml_parser_t>::uninit());
            let parser = raw.as_mut_ptr();
            // SAFETY: `parser` points to room for a parser, which
            // `yaml_parser_initialize` zeroes and sets up; on failure it
            // holds nothing to free. The input outlives the parser
            // (`'input`), which reads it in place.
            unsafe {
                if !sys::yaml_parser_initialize(parser).ok {
                    return None;
                }
                sys::yaml_parser_set_encoding(parser, sys::YAML_UTF8_ENCODING);
                sys::yaml_parser_set_input_string(parser, input.as_ptr(), input.len() as u64);
            }
            Some(Self {
                raw,
                done: false,
                _input: PhantomData,
            })
        }

        /// The next event with its line and column (0-based); `None` after
        /// the stream's end or at the first error.
        pub(super) fn next(&mut self) -> Option<(Event, u64, u64)> {
            if self.done {
                return None;
            }
            let parser = self.raw.as_mut_ptr();
            let mut raw = MaybeUninit::<sys::yaml_event_t>::uninit();
            let event = raw.as_mut_ptr();
            // SAFETY: the parser was initialized in `new` and has not
            // failed (`done`); a successful `yaml_parser_parse` fills
            // `event`, which is read, then deleted once. Anchors are
            // NUL-terminated strings the event owns until then.
            unsafe {
                if !sys::yaml_parser_parse(parser, event).ok {
                    self.done = true;
                    return None;
                }
                let anchor = |p: *mut u8| {
                    (!p.is_null()).then(|| std::ffi::CStr::from_ptr(p.cast()).to_bytes().to_vec())
                };
                let kind = match (*event).type_ {
                    sys::YAML_STREAM_END_EVENT => Event::StreamEnd,
                    sys::YAML_DOCUMENT_START_EVENT => Event::DocumentStart,
                    sys::YAML_SCALAR_EVENT => Event::Scalar(anchor((*event).data.scalar.anchor)),
                    sys::YAML_SEQUENCE_START_EVENT => {
                        Event::CollectionStart(anchor((*event).data.sequence_start.anchor))
                    }
                    sys::YAML_MAPPING_START_EVENT => {
                        Event::CollectionStart(anchor((*event).data.mapping_start.anchor))
                    }
                    sys::YAML_SEQUENCE_END_EVENT | sys::YAML_MAPPING_END_EVENT => {
                        Event::CollectionEnd
                    }
                    sys::YAML_ALIAS_EVENT => {
                        Event::Alias(anchor((*event).data.alias.anchor).unwrap_or_default())
                    }
                    _ => Event::Other,
                };
                let mark = (*event).start_mark;
                sys::yaml_event_delete(event);
                if matches!(kind, Event::StreamEnd) {
                    self.done = true;
                }
                Some((kind, mark.line, mark.column))
            }
        }
    }

    impl Drop for Parser<'_> {
        fn drop(&mut self) {
            // SAFETY: initialized in `new` (a failed start never makes a
            // `Parser`), deleted once.
            unsafe { sys::yaml_parser_delete(self.raw.as_mut_ptr()) }
        }
    }
}

/// Walks JSON `text` with serde_json, keeping nothing, and refuses it like
/// [`check_yaml`] past [`MAX_NESTING`] or [`MAX_NODES`] (serde_json's own
/// recursion limit, 128, bounds the stack, not the size: 16 MiB of `[0,0,…]`
/// make 280 MB of values). Text that is not JSON passes, for the parser
/// that builds the value to report.
pub fn check_json(text: &[u8]) -> std::result::Result<(), String> {
    use serde::de::DeserializeSeed;
    let mut budget = JsonBudget::default();
    let mut de = serde_json::Deserializer::from_slice(text);
    match JsonNode(&mut budget).deserialize(&mut de) {
        Err(e) if budget.refused.is_some() => {
            let place = format!("line {} column {}", e.line(), e.column());
            Err(match budget.refused {
                Some(Refusal::Deep) => too_deep(&place),
                _ => too_many(&place),
            })
        }
        _ => Ok(()),
    }
}

#[derive(Default)]
struct JsonBudget {
    nodes: u64,
    depth: usize,
    refused: Option<Refusal>,
}

/// One JSON value, counted and skipped.
struct JsonNode<'a>(&'a mut JsonBudget);

impl<'de> serde::de::DeserializeSeed<'de> for JsonNode<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<(), D::Error> {
        self.0.nodes += 1;
        if self.0.nodes > MAX_NODES {
            self.0.refused = Some(Refusal::Large);
            return Err(serde::de::Error::custom("too many nodes"));
        }
        deserializer.deserialize_any(self)
    }
}

impl JsonNode<'_> {
    fn enter<E: serde::de::Error>(&mut self) -> std::result::Result<(), E> {
        self.0.depth += 1;
        if self.0.depth > MAX_NESTING {
            self.0.refused = Some(Refusal::Deep);
            return Err(E::custom("too deep"));
        }
        Ok(())
    }
}

impl<'de> serde::de::Visitor<'de> for JsonNode<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        mut self,
        mut seq: A,
    ) -> std::result::Result<(), A::Error> {
        self.enter()?;
        while seq.next_element_seed(JsonNode(&mut *self.0))?.is_some() {}
        self.0.depth -= 1;
        Ok(())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        mut self,
        mut map: A,
    ) -> std::result::Result<(), A::Error> {
        self.enter()?;
        while map.next_key_seed(JsonNode(&mut *self.0))?.is_some() {
            map.next_value_seed(JsonNode(&mut *self.0))?;
        }
        self.0.depth -= 1;
        Ok(())
    }
}

/// The largest WASM module hookcheck compiles, in bytes: real plugins are
/// 50–250 KiB built for release, a few MiB with debug information.
pub const MAX_WASM_BYTES: u64 = 32 << 20;
/// The largest WAT text hookcheck reads (wat's parse holds about 17 times
/// the text: 32 MiB of it took 540 MB).
pub const MAX_WAT_BYTES: u64 = 4 << 20;
/// Exports one module may declare (a plugin has a handful; each costs at
/// every instantiation, and a conformance run instantiates dozens of
/// times: 10 000 cost a second and 100 MB).
pub const MAX_WASM_EXPORTS: u64 = 1_000;
/// Imports one module may declare (the host provides about 50 functions).
pub const MAX_WASM_IMPORTS: u64 = 1_000;
/// Functions one module may define (the fixtures define 150–320, a debug
/// build 1 500; 20 000 cost 0.7 s and 95 MB to compile, 100 000 4.4 s
/// and 550 MB).
pub const MAX_WASM_FUNCTIONS: u64 = 20_000;
/// Entries of each other section one module may have: types, tables,
/// memories, globals, tags, element and data segments.
pub const MAX_WASM_ENTRIES: u64 = 10_000;
/// Items all element segments may hold together (a table holds at most
/// 100 000: `WASM_TABLE_ELEMENTS`).
pub const MAX_WASM_ELEMENT_ITEMS: u64 = 100_000;
/// Locals all function bodies may declare together (one declaration can
/// name 50 000, and cranelift pays for every one).
pub const MAX_WASM_LOCALS: u64 = 1_000_000;
/// What one call, branch or block instruction counts towards
/// [`MAX_WASM_INSTRUCTIONS`]: cranelift spends about 16 times as long on
/// one as on an arithmetic instruction.
pub const WASM_CONTROL_WEIGHT: u64 = 16;
/// Instructions all function bodies may hold together, a call, branch or
/// block counting [`WASM_CONTROL_WEIGHT`]: about 1.5 s of cranelift. The
/// fixtures count 150 000–270 000.
pub const MAX_WASM_INSTRUCTIONS: u64 = 5_000_000;

/// What one instruction costs cranelift, in arithmetic instructions.
#[cfg(feature = "wasm")]
fn instruction_weight(op: &wasmparser::Operator<'_>) -> u64 {
    use wasmparser::Operator as O;
    match op {
        O::BrTable { targets } => {
            WASM_CONTROL_WEIGHT.saturating_mul(u64::from(targets.len()).saturating_add(1))
        }
        O::Call { .. }
        | O::CallIndirect { .. }
        | O::ReturnCall { .. }
        | O::ReturnCallIndirect { .. }
        | O::CallRef { .. }
        | O::ReturnCallRef { .. }
        | O::Block { .. }
        | O::Loop { .. }
        | O::If { .. }
        | O::Else
        | O::TryTable { .. }
        | O::Br { .. }
        | O::BrIf { .. }
        | O::BrOnNull { .. }
        | O::BrOnNonNull { .. }
        | O::BrOnCast { .. }
        | O::BrOnCastFail { .. } => WASM_CONTROL_WEIGHT,
        _ => 1,
    }
}

/// Counts what a WASM binary declares, section by section with a
/// streaming reader, and refuses it in one line naming the number and the
/// limit before any compiler sees it: wasmtime's cost grows with
/// functions, exports, locals and instructions (100 000 exported functions
/// cost a conformance run 14 s and 1.2 GB). A binary the reader cannot
/// read passes, for wasmtime to refuse in its own words: what was counted
/// up to there is within the limits.
#[cfg(feature = "wasm")]
pub fn check_wasm_binary(binary: &[u8]) -> std::result::Result<(), String> {
    use wasmparser::{ElementItems, Encoding, Imports, Parser, Payload};
    if binary.len() as u64 > MAX_WASM_BYTES {
        return Err(format!(
            "a module of {} bytes; hookcheck compiles modules of at most {MAX_WASM_BYTES} bytes (32 MiB)",
            binary.len()
        ));
    }
    let over = |n: u64, what: &str, max: u64| -> std::result::Result<(), String> {
        if n > max {
            Err(format!(
                "{n} {what}; hookcheck compiles modules of at most {max} {what}, and refuses this one before compiling it"
            ))
        } else {
            Ok(())
        }
    };
    let (mut locals, mut instructions, mut items) = (0u64, 0u64, 0u64);
    for payload in Parser::new(0).parse_all(binary) {
        let Ok(payload) = payload else {
            return Ok(());
        };
        match payload {
            Payload::Version {
                encoding: Encoding::Component,
                ..
            } => {
                return Err(
                    "a WASM component, not a core module: the Lesstruct host loads core modules"
                        .into(),
                );
            }
            Payload::TypeSection(r) => over(r.count().into(), "types", MAX_WASM_ENTRIES)?,
            Payload::ImportSection(r) => {
                over(r.count().into(), "imports", MAX_WASM_IMPORTS)?;
                let mut imports = 0u64;
                for group in r {
                    imports += match group {
                        Ok(Imports::Single(..)) => 1,
                        Ok(Imports::Compact1 { items, .. }) => items.count().into(),
                        Ok(Imports::Compact2 { names, .. }) => names.count().into(),
                        Err(_) => return Ok(()),
                    };
                    over(imports, "imports", MAX_WASM_IMPORTS)?;
                }
            }
            Payload::FunctionSection(r) => {
                over(r.count().into(), "functions", MAX_WASM_FUNCTIONS)?;
            }
            Payload::CodeSectionStart { count, .. } => {
                over(count.into(), "functions", MAX_WASM_FUNCTIONS)?;
            }
            Payload::TableSection(r) => over(r.count().into(), "tables", MAX_WASM_ENTRIES)?,
            Payload::MemorySection(r) => over(r.count().into(), "memories", MAX_WASM_ENTRIES)?,
            Payload::GlobalSection(r) => over(r.count().into(), "globals", MAX_WASM_ENTRIES)?,
            Payload::TagSection(r) => over(r.count().into(), "tags", MAX_WASM_ENTRIES)?,
            Payload::DataSection(r) => {
                over(r.count().into(), "data segments", MAX_WASM_ENTRIES)?;
            }
            Payload::ExportSection(r) => over(r.count().into(), "exports", MAX_WASM_EXPORTS)?,
            Payload::ElementSection(r) => {
                over(r.count().into(), "element segments", MAX_WASM_ENTRIES)?;
                for element in r {
                    let Ok(element) = element else {
                        return Ok(());
                    };
                    items += u64::from(match element.items {
                        ElementItems::Functions(f) => f.count(),
                        ElementItems::Expressions(_, e) => e.count(),
                    });
                    over(items, "table elements", MAX_WASM_ELEMENT_ITEMS)?;
                }
            }
            Payload::CodeSectionEntry(body) => {
                let Ok(declared) = body.get_locals_reader() else {
                    return Ok(());
                };
                for local in declared {
                    let Ok((n, _)) = local else {
                        return Ok(());
                    };
                    locals += u64::from(n);
                    over(locals, "locals", MAX_WASM_LOCALS)?;
                }
                let Ok(mut code) = body.get_operators_reader() else {
                    return Ok(());
                };
                while !code.eof() {
                    let Ok(op) = code.read() else {
                        return Ok(());
                    };
                    instructions = instructions.saturating_add(instruction_weight(&op));
                    if instructions > MAX_WASM_INSTRUCTIONS {
                        return Err(format!(
                            "more than {MAX_WASM_INSTRUCTIONS} instructions (a call, branch or block counting {WASM_CONTROL_WEIGHT}); hookcheck refuses a module with more before compiling it"
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// A WASM binary from `bytes` (binary, or WAT text of at most
/// [`MAX_WAT_BYTES`]), checked with [`check_wasm_binary`]: what every path
/// to wasmtime's compiler goes through.
#[cfg(feature = "wasm")]
pub fn wasm_binary(bytes: &[u8]) -> std::result::Result<std::borrow::Cow<'_, [u8]>, String> {
    if !bytes.starts_with(b"\0asm") && bytes.len() as u64 > MAX_WAT_BYTES {
        return Err(format!(
            "{} bytes of WAT text; hookcheck reads at most {MAX_WAT_BYTES} bytes of the text format (4 MiB)",
            bytes.len()
        ));
    }
    let binary = wat::parse_bytes(bytes).map_err(|e| format!("not a WASM module: {e}"))?;
    check_wasm_binary(&binary)?;
    Ok(binary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_or_large_yaml_is_refused_and_ordinary_documents_pass() {
        let refused = |text: &str| check_yaml(text.as_bytes()).unwrap_err();
        let err = refused(&"[".repeat(200_000));
        assert!(
            err.starts_with("line 1 column 65: nests deeper than 64"),
            "{err}"
        );
        assert!(refused(&("- ".repeat(100_000) + "x")).contains("deeper than 64"));
        let block: String = (0..100).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        assert!(refused(&block).contains("deeper than 64"));
        // Quotes a text scan would take for strings: plain scalars to YAML.
        let hidden = "[".to_owned() + &"a-\", [b\", ".repeat(1000) + &"]".repeat(1001);
        assert!(refused(&hidden).contains("deeper than 64"));
        let wide = "- 1\n".repeat(MAX_NODES as usize + 1);
        assert!(refused(&wide).contains("more than 500000 nodes"));
        // Aliases count what they repeat, at the depth they repeat it.
        let mut laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n".to_owned();
        for (i, c) in ('b'..='h').enumerate() {
            let prev = char::from(b'a' + i as u8);
            laughs += &format!("{c}: &{c} [{}]\n", vec![format!("*{prev}"); 10].join(", "));
        }
        assert!(
            refused(&laughs).contains("more than 500000 nodes"),
            "{laughs}"
        );
        let deep_anchor = "a: &a ".to_owned()
            + &"[".repeat(40)
            + &"]".repeat(40)
            + "\nb: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[*a]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n";
        assert!(refused(&deep_anchor).contains("deeper than 64"));
        assert!(refused("a: &a [*a]\n").contains("alias inside the node it names"));

        let fine = "a:\n  b: [1, 2, {c: \"[[[[\"}]\n  d: '{{{{'\n  e: &e {f: 1}\n  g: *e\n";
        check_yaml(fine.as_bytes()).unwrap();
        let deep_ok = "[".repeat(MAX_NESTING) + &"]".repeat(MAX_NESTING);
        check_yaml(deep_ok.as_bytes()).unwrap();
        // Not YAML: left to serde_yaml_ng, which names the error.
        check_yaml(b"a: [1,\n b: {").unwrap();
        check_yaml(b"\xff\xfe garbage").unwrap();
        check_yaml(b"").unwrap();
        check_yaml(b"--- 1\n--- 2\n").unwrap();
    }

    #[test]
    fn deep_or_large_json_is_refused_and_ordinary_documents_pass() {
        let err = check_json("[".repeat(200_000).as_bytes()).unwrap_err();
        assert!(
            err.starts_with("line 1 column 65: nests deeper than 64"),
            "{err}"
        );
        let wide = format!("[{}0]", "0,".repeat(MAX_NODES as usize));
        let err = check_json(wide.as_bytes()).unwrap_err();
        assert!(err.contains("more than 500000 nodes"), "{err}");
        check_json(br#"{"a": [1, -2, 3.5, "x", null, true, {"b": {}}]}"#).unwrap();
        let deep_ok = "[".repeat(MAX_NESTING) + &"]".repeat(MAX_NESTING);
        check_json(deep_ok.as_bytes()).unwrap();
        check_json(b"{\"a\": ").unwrap();
    }

    #[test]
    fn only_regular_files_within_the_cap_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("small.yaml");
        std::fs::write(&small, "a: 1\n").unwrap();
        assert_eq!(read_text_bounded(&small, 100).unwrap(), "a: 1\n");
        let err = read_text_bounded(&small, 3).unwrap_err().to_string();
        assert!(err.contains("5 bytes"), "{err}");
        let err = read_text_bounded(dir.path(), 100).unwrap_err().to_string();
        assert!(err.contains("not a regular file"), "{err}");
        let err = read_text_bounded(Path::new("/dev/zero"), 100)
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a regular file"), "{err}");
    }
}
