//! A module's own memory layout, read straight from its binary: where its
//! active data segments lie, so a host can tell whether the module keeps
//! data where the host writes (65536 for input, 4096 for host answers).

/// One active data segment with a constant offset in memory 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DataSegment {
    /// Where it starts.
    pub offset: u64,
    /// How many bytes it has.
    pub len: u64,
}

impl DataSegment {
    /// Whether it overlaps `[start, start + len)`.
    pub fn overlaps(&self, start: u64, len: u64) -> bool {
        self.offset < start.saturating_add(len) && start < self.offset.saturating_add(self.len)
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn uleb(&mut self) -> Option<u64> {
        let mut out = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            out |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(out);
            }
        }
        None
    }

    fn sleb(&mut self) -> Option<i64> {
        let mut out = 0i64;
        let mut shift = 0;
        loop {
            let b = self.byte()?;
            out |= i64::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                if shift < 64 && b & 0x40 != 0 {
                    out |= -1 << shift;
                }
                return Some(out);
            }
            if shift >= 64 {
                return None;
            }
        }
    }

    fn skip(&mut self, n: u64) -> Option<()> {
        self.at = self.at.checked_add(usize::try_from(n).ok()?)?;
        (self.at <= self.bytes.len()).then_some(())
    }

    /// A constant offset expression: `i32.const N end` or `i64.const N end`.
    fn const_offset(&mut self) -> Option<Option<u64>> {
        let op = self.byte()?;
        let value = match op {
            0x41 | 0x42 => self.sleb()?,
            _ => {
                // not a constant (e.g. global.get): skip to `end`
                while self.byte()? != 0x0b {}
                return Some(None);
            }
        };
        (self.byte()? == 0x0b).then_some(u64::try_from(value).ok().or(Some(value as u32 as u64)))
    }
}

/// The active data segments of a binary module with constant offsets into
/// memory 0. `None` when the bytes are not a well-formed module.
pub fn data_segments(module: &[u8]) -> Option<Vec<DataSegment>> {
    if module.get(..8)? != b"\0asm\x01\0\0\0" {
        return None;
    }
    let mut r = Reader {
        bytes: module,
        at: 8,
    };
    let mut out = Vec::new();
    while r.at < module.len() {
        let id = r.byte()?;
        let size = r.uleb()?;
        let end = r.at.checked_add(usize::try_from(size).ok()?)?;
        if id == 11 {
            let count = r.uleb()?;
            for _ in 0..count {
                let flags = r.uleb()?;
                let offset = match flags {
                    0 => r.const_offset()?,
                    1 => None,
                    2 => {
                        let memory = r.uleb()?;
                        let off = r.const_offset()?;
                        off.filter(|_| memory == 0)
                    }
                    _ => return None,
                };
                let len = r.uleb()?;
                r.skip(len)?;
                if let Some(offset) = offset {
                    out.push(DataSegment { offset, len });
                }
            }
        }
        r.at = end;
    }
    Some(out)
}

/// The largest hook input the Lesstruct host hands a plugin: its API reads
/// at most 1 MiB of request body (`internal/api/routes/routes.go:113`), and
/// the hook data around the content adds a little.
pub const LARGEST_INPUT: u64 = (1 << 20) + 4096;

/// What a module's binary says about where its stack and data live.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    /// The initial value of the stack pointer: the exported
    /// `__stack_pointer`, else the first mutable `i32` global the module
    /// defines with a constant (where LLVM puts it).
    pub stack_pointer: Option<u64>,
    /// `__data_end`, when exported.
    pub data_end: Option<u64>,
    /// `__heap_base`, when exported.
    pub heap_base: Option<u64>,
    /// The active data segments with constant offsets.
    pub data: Vec<DataSegment>,
    /// Memory 0's initial size in bytes, when the module defines it.
    pub memory_bytes: Option<u64>,
}

impl Layout {
    /// The stack's range: it grows down from the stack pointer to the end
    /// of the highest data segment below it (or 0, when the stack comes
    /// first).
    pub fn stack(&self) -> Option<(u64, u64)> {
        let top = self.stack_pointer?;
        let floor = self
            .data
            .iter()
            .map(|d| d.offset.saturating_add(d.len))
            .filter(|end| *end <= top)
            .max()
            .unwrap_or(0);
        Some((floor, top))
    }

    /// Whether the stack can reach into `[start, start + len)`.
    pub fn stack_overlaps(&self, start: u64, len: u64) -> bool {
        self.stack()
            .is_some_and(|(low, high)| low < start.saturating_add(len) && start < high)
    }
}

impl std::fmt::Display for Layout {
    /// `stack [0, 1048576) grows down from 1048576; data [1048576, 1073940) (2 segments); memory 1114112 bytes`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.stack() {
            Some((low, high)) => write!(f, "stack [{low}, {high}) grows down from {high}")?,
            None => f.write_str("no stack pointer")?,
        }
        let start = self.data.iter().map(|d| d.offset).min();
        let end = self
            .data
            .iter()
            .map(|d| d.offset.saturating_add(d.len))
            .max();
        if let (Some(start), Some(end)) = (start, end) {
            write!(f, "; data [{start}, {end}) ({} segments)", self.data.len())?;
        }
        if let Some(bytes) = self.memory_bytes {
            write!(f, "; memory {bytes} bytes at start")?;
        }
        Ok(())
    }
}

/// A global's type and initial constant.
struct Global {
    mutable: bool,
    is_i32: bool,
    init: Option<u64>,
}

/// Reads a module's layout. `None` when the bytes are not a well-formed
/// module.
pub fn layout(module: &[u8]) -> Option<Layout> {
    if module.get(..8)? != b"\0asm\x01\0\0\0" {
        return None;
    }
    let mut r = Reader {
        bytes: module,
        at: 8,
    };
    let mut out = Layout {
        data: data_segments(module)?,
        ..Layout::default()
    };
    let mut imported_globals = 0u64;
    let mut globals: Vec<Global> = Vec::new();
    let mut exported: Vec<(String, u64)> = Vec::new();
    while r.at < module.len() {
        let id = r.byte()?;
        let size = r.uleb()?;
        let end = r.at.checked_add(usize::try_from(size).ok()?)?;
        match id {
            // imports: count the globals, which come first in the index space
            2 => {
                for _ in 0..r.uleb()? {
                    let module_len = r.uleb()?;
                    r.skip(module_len)?;
                    let name_len = r.uleb()?;
                    r.skip(name_len)?;
                    match r.byte()? {
                        0 => {
                            r.uleb()?;
                        }
                        1 => {
                            r.byte()?;
                            skip_limits(&mut r)?;
                        }
                        2 => skip_limits(&mut r)?,
                        3 => {
                            r.byte()?;
                            r.byte()?;
                            imported_globals += 1;
                        }
                        _ => return None,
                    }
                }
            }
            5 if r.uleb()? > 0 => {
                let flags = r.uleb()?;
                let min = r.uleb()?;
                if flags & 1 != 0 {
                    r.uleb()?;
                }
                out.memory_bytes = min.checked_mul(65_536);
            }
            6 => {
                for _ in 0..r.uleb()? {
                    let ty = r.byte()?;
                    let mutable = r.byte()? == 1;
                    let init = r.const_offset()?;
                    globals.push(Global {
                        mutable,
                        is_i32: ty == 0x7f,
                        init,
                    });
                }
            }
            7 => {
                for _ in 0..r.uleb()? {
                    let len = r.uleb()?;
                    let start = r.at;
                    r.skip(len)?;
                    let name = String::from_utf8_lossy(module.get(start..r.at)?).into_owned();
                    let kind = r.byte()?;
                    let index = r.uleb()?;
                    if kind == 3 {
                        exported.push((name, index));
                    }
                }
            }
            _ => {}
        }
        r.at = end;
    }
    let value = |name: &str| {
        let (_, index) = exported.iter().find(|(n, _)| n == name)?;
        let own = usize::try_from(index.checked_sub(imported_globals)?).ok()?;
        globals.get(own)?.init
    };
    out.data_end = value("__data_end");
    out.heap_base = value("__heap_base");
    out.stack_pointer = value("__stack_pointer").or_else(|| {
        globals
            .iter()
            .find(|g| g.mutable && g.is_i32)
            .and_then(|g| g.init)
    });
    Some(out)
}

fn skip_limits(r: &mut Reader<'_>) -> Option<()> {
    let flags = r.uleb()?;
    r.uleb()?;
    if flags & 1 != 0 {
        r.uleb()?;
    }
    Some(())
}
