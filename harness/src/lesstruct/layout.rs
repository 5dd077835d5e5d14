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
