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

    use unsafe_libyaml as unsafe_yaml;

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
        raw: Box<MaybeUninit<unsafe_yaml::yaml_parser_t>>,
        done: bool,
        _input: PhantomData<&'input [u8]>,
    }

    impl<'input> Parser<'input> {
        pub(super) fn new(input: &'input [u8]) -> Option<Self> {
            let mut raw = Box::new(MaybeUninit::<unsafe_yaml::yaml_parser_t>::uninit());
            let parser = raw.as_mut_ptr();
            // SAFETY: `parser` points to room for a parser, which
            // `yaml_parser_initialize` zeroes and sets up; on failure it
            // holds nothing to free. The input outlives the parser
            // (`'input`), which reads it in place.
            unsafe {
                if !unsafe_yaml::yaml_parser_initialize(parser).ok {
                    return None;
                }
                unsafe_yaml::yaml_parser_set_encoding(parser, unsafe_yaml::YAML_UTF8_ENCODING);
                unsafe_yaml::yaml_parser_set_input_string(
                    parser,
                    input.as_ptr(),
                    input.len() as u64,
                );
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
            let mut raw = MaybeUninit::<unsafe_yaml::yaml_event_t>::uninit();
            let event = raw.as_mut_ptr();
            // SAFETY: the parser was initialized in `new` and has not
            // failed (`done`); a successful `yaml_parser_parse` fills
            // `event`, which is read, then deleted once. Anchors are
            // NUL-terminated strings the event owns until then.
            unsafe {
                if !unsafe_yaml::yaml_parser_parse(parser, event).ok {
                    self.done = true;
                    return None;
                }
                let anchor = |p: *mut u8| {
                    (!p.is_null()).then(|| std::ffi::CStr::from_ptr(p.cast()).to_bytes().to_vec())
                };
                let kind = match (*event).type_ {
                    unsafe_yaml::YAML_STREAM_END_EVENT => Event::StreamEnd,
                    unsafe_yaml::YAML_DOCUMENT_START_EVENT => Event::DocumentStart,
                    unsafe_yaml::YAML_SCALAR_EVENT => {
                        Event::Scalar(anchor((*event).data.scalar.anchor))
                    }
                    unsafe_yaml::YAML_SEQUENCE_START_EVENT => {
                        Event::CollectionStart(anchor((*event).data.sequence_start.anchor))
                    }
                    unsafe_yaml::YAML_MAPPING_START_EVENT => {
                        Event::CollectionStart(anchor((*event).data.mapping_start.anchor))
                    }
                    unsafe_yaml::YAML_SEQUENCE_END_EVENT | unsafe_yaml::YAML_MAPPING_END_EVENT => {
                        Event::CollectionEnd
                    }
                    unsafe_yaml::YAML_ALIAS_EVENT => {
                        Event::Alias(anchor((*event).data.alias.anchor).unwrap_or_default())
                    }
                    _ => Event::Other,
                };
                let mark = (*event).start_mark;
                unsafe_yaml::yaml_event_delete(event);
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
            unsafe { unsafe_yaml::yaml_parser_delete(self.raw.as_mut_ptr()) }
        }
    }
}

/// Walks JSON `text` with serde_json, keeping nothing, and refuses it like
/// [`check_yaml`] past [`MAX_NESTING`] or [`MAX_NODES`] (serde_json's own
/// recursion limit, 128, bounds the stack, not the size: 16 MiB of `[0,0,…]`
/// make 280 MB of values). Text that is not JSON passes, for the parser
/// that builds the value to report.
pub fn check_json(text: &[u8]) -> std::result::Result<(), String> {
    walk_json(text, MAX_NESTING)
}

/// [`check_json`] for a plugin's output: only [`MAX_NODES`] is hookcheck's,
/// the depth is left to serde_json's own limit (128), as the parse that
/// follows has always read it. A plugin's 60 MB of `[0,0,…]` cost a
/// conformance run 95 s and 4.7 GB before this walk.
pub fn check_plugin_json(text: &[u8]) -> std::result::Result<(), String> {
    walk_json(text, usize::MAX)
}

fn walk_json(text: &[u8], max_depth: usize) -> std::result::Result<(), String> {
    use serde::de::DeserializeSeed;
    let mut budget = JsonBudget {
        max_depth,
        ..JsonBudget::default()
    };
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
    max_depth: usize,
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
        if self.0.depth > self.0.max_depth {
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
/// memories, globals, tags, element segments.
pub const MAX_WASM_ENTRIES: u64 = 10_000;
/// Data segments one module may have (the fixtures have 2; wasmtime's
/// cost grows faster than their number: 3 000 cost 0.4 s and 80 MB, 10 000
/// 2.8 s and 220 MB).
pub const MAX_WASM_DATA_SEGMENTS: u64 = 1_000;
/// Items all element segments may hold together (a table holds at most
/// 100 000: `WASM_TABLE_ELEMENTS`).
pub const MAX_WASM_ELEMENT_ITEMS: u64 = 100_000;
/// Locals all function bodies may declare together (one declaration can
/// name 50 000, and cranelift pays for every one).
pub const MAX_WASM_LOCALS: u64 = 1_000_000;
/// The compile work hookcheck allows one module, in units of about 0.2 µs
/// of cranelift in a debug build of hookcheck on 2 cores: at the limit, a
/// whole conformance run took 1.2–1.6 s and 145–152 MB whatever the mix of
/// code (a small plugin's: 0.2 s and 43 MB). An instruction weighs 1, a SIMD one or
/// a global's 4, a memory access 10, a block or branch 24 (a `br_table` 24
/// per target), a call 32 and so does an instruction that may trap
/// (division, float to integer), one that calls into wasmtime
/// (`memory.grow`, bulk memory and tables) 64; a function body 200
/// besides, and its shape: its branches squared over 32, plus its
/// branches times its locals and parameters over 4. Each weight is what
/// the instruction cost cranelift when a module held nothing else. The
/// fixtures weigh 120 000 to 575 000, a debug build 940 000.
pub const MAX_WASM_COMPILE_WORK: u64 = 6_000_000;
/// A function body's own weight in [`MAX_WASM_COMPILE_WORK`].
#[cfg(feature = "wasm")]
const FUNCTION_WORK: u64 = 200;

/// What one instruction weighs in [`MAX_WASM_COMPILE_WORK`] (`prefix` is
/// its first byte, `0xfd` for SIMD), and the edges it adds to the
/// function's control flow.
#[cfg(feature = "wasm")]
fn instruction_work(op: &wasmparser::Operator<'_>, prefix: u8) -> (u64, u64) {
    use wasmparser::Operator as O;
    const SIMD: u64 = 4;
    const MEMORY: u64 = 10;
    const CONTROL: u64 = 24;
    const CALL: u64 = 32;
    const LIBCALL: u64 = 64;
    let weight = match op {
        O::BrTable { targets } => {
            let edges = u64::from(targets.len()) + 1;
            return (CONTROL.saturating_mul(edges), edges);
        }
        O::Call { .. }
        | O::CallIndirect { .. }
        | O::ReturnCall { .. }
        | O::ReturnCallIndirect { .. }
        | O::CallRef { .. }
        | O::ReturnCallRef { .. }
        | O::Throw { .. }
        | O::ThrowRef
        | O::I32DivS
        | O::I32DivU
        | O::I32RemS
        | O::I32RemU
        | O::I64DivS
        | O::I64DivU
        | O::I64RemS
        | O::I64RemU
        | O::I32TruncF32S
        | O::I32TruncF32U
        | O::I32TruncF64S
        | O::I32TruncF64U
        | O::I64TruncF32S
        | O::I64TruncF32U
        | O::I64TruncF64S
        | O::I64TruncF64U => CALL,
        O::MemoryGrow { .. }
        | O::MemoryInit { .. }
        | O::MemoryCopy { .. }
        | O::MemoryFill { .. }
        | O::DataDrop { .. }
        | O::TableGrow { .. }
        | O::TableFill { .. }
        | O::TableCopy { .. }
        | O::TableInit { .. }
        | O::ElemDrop { .. } => LIBCALL,
        O::Block { .. }
        | O::Loop { .. }
        | O::If { .. }
        | O::Else
        | O::TryTable { .. }
        | O::Br { .. }
        | O::BrIf { .. }
        | O::BrOnNull { .. }
        | O::BrOnNonNull { .. }
        | O::BrOnCast { .. }
        | O::BrOnCastFail { .. } => return (CONTROL, 1),
        O::I32Load { .. }
        | O::I64Load { .. }
        | O::F32Load { .. }
        | O::F64Load { .. }
        | O::I32Load8S { .. }
        | O::I32Load8U { .. }
        | O::I32Load16S { .. }
        | O::I32Load16U { .. }
        | O::I64Load8S { .. }
        | O::I64Load8U { .. }
        | O::I64Load16S { .. }
        | O::I64Load16U { .. }
        | O::I64Load32S { .. }
        | O::I64Load32U { .. }
        | O::I32Store { .. }
        | O::I64Store { .. }
        | O::F32Store { .. }
        | O::F64Store { .. }
        | O::I32Store8 { .. }
        | O::I32Store16 { .. }
        | O::I64Store8 { .. }
        | O::I64Store16 { .. }
        | O::I64Store32 { .. }
        | O::MemorySize { .. }
        | O::TableGet { .. }
        | O::TableSet { .. }
        | O::TableSize { .. }
        | O::I32TruncSatF32S
        | O::I32TruncSatF32U
        | O::I32TruncSatF64S
        | O::I32TruncSatF64U
        | O::I64TruncSatF32S
        | O::I64TruncSatF32U
        | O::I64TruncSatF64S
        | O::I64TruncSatF64U => MEMORY,
        O::GlobalGet { .. } | O::GlobalSet { .. } => SIMD,
        _ if prefix == 0xfd => SIMD,
        _ => 1,
    };
    (weight, 0)
}

/// The compile work one function may weigh in [`MAX_WASM_COMPILE_WORK`]'s
/// units, its shape included: cranelift's time and memory grow with a
/// function's branches times its branches and times its locals (one
/// function of 3 000 blocks reading 3 000 locals cost 1 s and 220 MB; one
/// of 234 000 calls 420 MB). The fixtures' heaviest weighs 20 000.
pub const MAX_WASM_FUNCTION_WORK: u64 = 2_000_000;

/// Counts what a WASM binary declares, section by section with a
/// streaming reader, and refuses it in one line naming the number and the
/// limit before any compiler sees it: wasmtime's cost grows with
/// functions, exports, locals and instructions (100 000 exported functions
/// cost a conformance run 14 s and 1.2 GB). A binary the reader cannot
/// read is refused as wasmtime would refuse it (the same reader), so no
/// section goes uncounted.
#[cfg(feature = "wasm")]
pub fn check_wasm_binary(binary: &[u8]) -> std::result::Result<(), String> {
    wasm_compile_work(binary).map(drop)
}

/// What [`check_wasm_binary`] weighs `binary`'s code at, in units of
/// [`MAX_WASM_COMPILE_WORK`]: the whole module's and its heaviest
/// function's; the refusal when it is past a limit.
#[cfg(feature = "wasm")]
pub fn wasm_compile_work(binary: &[u8]) -> std::result::Result<(u64, u64), String> {
    use wasmparser::{CompositeInnerType, ElementItems, Encoding, Imports, Parser, Payload};
    if binary.len() as u64 > MAX_WASM_BYTES {
        return Err(format!(
            "a module of {} bytes; hookcheck compiles modules of at most {MAX_WASM_BYTES} bytes (32 MiB)",
            binary.len()
        ));
    }
    let unreadable = |e: wasmparser::BinaryReaderError| {
        format!("not a valid WASM module: failed to parse WebAssembly module: {e}")
    };
    let over = |n: u64, what: &str, max: u64| -> std::result::Result<(), String> {
        if n > max {
            Err(format!(
                "{n} {what}; hookcheck compiles modules of at most {max} {what}, and refuses this one before compiling it"
            ))
        } else {
            Ok(())
        }
    };
    // Parameters by type index, the type of each defined function.
    let (mut params, mut defined) = (Vec::<u64>::new(), Vec::<u32>::new());
    let (mut locals, mut work, mut items, mut bodies) = (0u64, 0u64, 0u64, 0usize);
    let mut heaviest = 0u64;
    for payload in Parser::new(0).parse_all(binary) {
        match payload.map_err(unreadable)? {
            Payload::Version {
                encoding: Encoding::Component,
                ..
            } => {
                return Err(
                    "a WASM component, not a core module: the Lesstruct host loads core modules"
                        .into(),
                );
            }
            Payload::TypeSection(r) => {
                over(r.count().into(), "types", MAX_WASM_ENTRIES)?;
                for group in r {
                    for ty in group.map_err(unreadable)?.types() {
                        params.push(match &ty.composite_type.inner {
                            CompositeInnerType::Func(f) => f.params().len() as u64,
                            _ => 0,
                        });
                        over(params.len() as u64, "types", MAX_WASM_ENTRIES)?;
                    }
                }
            }
            Payload::ImportSection(r) => {
                over(r.count().into(), "imports", MAX_WASM_IMPORTS)?;
                let mut imports = 0u64;
                for group in r {
                    imports += match group.map_err(unreadable)? {
                        Imports::Single(..) => 1,
                        Imports::Compact1 { items, .. } => items.count().into(),
                        Imports::Compact2 { names, .. } => names.count().into(),
                    };
                    over(imports, "imports", MAX_WASM_IMPORTS)?;
                }
            }
            Payload::FunctionSection(r) => {
                over(r.count().into(), "functions", MAX_WASM_FUNCTIONS)?;
                for ty in r {
                    defined.push(ty.map_err(unreadable)?);
                }
            }
            Payload::CodeSectionStart { count, .. } => {
                over(count.into(), "functions", MAX_WASM_FUNCTIONS)?;
            }
            Payload::TableSection(r) => over(r.count().into(), "tables", MAX_WASM_ENTRIES)?,
            Payload::MemorySection(r) => over(r.count().into(), "memories", MAX_WASM_ENTRIES)?,
            Payload::GlobalSection(r) => over(r.count().into(), "globals", MAX_WASM_ENTRIES)?,
            Payload::TagSection(r) => over(r.count().into(), "tags", MAX_WASM_ENTRIES)?,
            Payload::DataSection(r) => {
                over(r.count().into(), "data segments", MAX_WASM_DATA_SEGMENTS)?;
            }
            Payload::ExportSection(r) => over(r.count().into(), "exports", MAX_WASM_EXPORTS)?,
            Payload::ElementSection(r) => {
                over(r.count().into(), "element segments", MAX_WASM_ENTRIES)?;
                for element in r {
                    items += u64::from(match element.map_err(unreadable)?.items {
                        ElementItems::Functions(f) => f.count(),
                        ElementItems::Expressions(_, e) => e.count(),
                    });
                    over(items, "table elements", MAX_WASM_ELEMENT_ITEMS)?;
                }
            }
            Payload::CodeSectionEntry(body) => {
                let index = bodies;
                bodies += 1;
                let mut declared = defined
                    .get(index)
                    .and_then(|ty| params.get(usize::try_from(*ty).ok()?))
                    .copied()
                    .unwrap_or_default();
                for local in body.get_locals_reader().map_err(unreadable)? {
                    let (n, _) = local.map_err(unreadable)?;
                    declared += u64::from(n);
                    locals += u64::from(n);
                    over(locals, "locals", MAX_WASM_LOCALS)?;
                }
                let mut code = body.get_operators_reader().map_err(unreadable)?;
                let (mut own, mut branches) = (FUNCTION_WORK, 0u64);
                while !code.eof() {
                    let (op, at) = code.read_with_offset().map_err(unreadable)?;
                    let prefix = binary.get(at).copied().unwrap_or_default();
                    let (weight, control) = instruction_work(&op, prefix);
                    own = own.saturating_add(weight);
                    branches = branches.saturating_add(control);
                    if own > MAX_WASM_FUNCTION_WORK
                        || work.saturating_add(own) > MAX_WASM_COMPILE_WORK
                    {
                        break;
                    }
                }
                // Blocks against blocks, and against the locals each may
                // have to carry.
                let shape = branches
                    .saturating_mul(branches)
                    .saturating_div(32)
                    .saturating_add(branches.saturating_mul(declared) / 4);
                own = own.saturating_add(shape);
                if own > MAX_WASM_FUNCTION_WORK {
                    return Err(format!(
                        "function {index} of its code (at least {branches} branches and blocks, {declared} locals and parameters) weighs more than {MAX_WASM_FUNCTION_WORK} units of compile work, hookcheck's limit for one function; refused before compiling"
                    ));
                }
                heaviest = heaviest.max(own);
                work = work.saturating_add(own);
                if work > MAX_WASM_COMPILE_WORK {
                    return Err(format!(
                        "its code weighs more than {MAX_WASM_COMPILE_WORK} units of compile work (instructions weighted by what they cost cranelift, about 1.5 s in all), hookcheck's limit; refused before compiling"
                    ));
                }
            }
            _ => {}
        }
    }
    Ok((work, heaviest))
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
        // A plugin's output: only the size is hookcheck's, the depth is
        // serde_json's (128).
        let deeper = "[".repeat(100) + &"]".repeat(100);
        assert!(check_json(deeper.as_bytes()).is_err());
        check_plugin_json(deeper.as_bytes()).unwrap();
        assert!(check_plugin_json(wide.as_bytes()).is_err());
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
