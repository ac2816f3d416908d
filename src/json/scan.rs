//! The strict tokenizer. Positions are byte offsets into the input; every error names one.

use super::{escape, DupCheck};
use crate::{Error, ErrorCode, Result};

/// Bytes that stop the fast path inside a string: `"`, `\` and control characters.
static STOP: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// Hex digit values; 0xff for bytes that are not hex digits.
static HEX: [u8; 256] = {
    let mut t = [0xffu8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// SWAR: a mask with the high bit set in the first byte of `w` (little-endian) that is `"`,
/// `\` or a control character (< 0x20); bytes after the first may be flagged spuriously.
#[inline]
fn stop_mask(w: u64) -> u64 {
    let quote = w ^ (ONES * u64::from(b'"'));
    let bslash = w ^ (ONES * u64::from(b'\\'));
    let zero = |x: u64| x.wrapping_sub(ONES) & !x;
    (zero(quote) | zero(bslash) | w.wrapping_sub(ONES * 0x20) & !w) & HIGHS
}

/// [`stop_mask`], and bytes >= 0x80 too (exactly: the high bit is the byte's own), so the
/// fast path of a string also stops at non-ASCII text, which [`Scanner::string_rest`] checks
/// is UTF-8. The first flagged byte is still exact: `stop_mask` flags nothing before its own
/// first stop byte.
#[inline]
fn plain_mask(w: u64) -> u64 {
    stop_mask(w) | (w & HIGHS)
}

/// The length of the UTF-8 character at `buf[i]` (a byte >= 0x80), or `None` if the bytes
/// there are not one (the same acceptance as `core::str::from_utf8`: no overlong forms, no
/// surrogates, nothing above U+10FFFF).
#[inline]
fn utf8_char(buf: &[u8], i: usize) -> Option<usize> {
    let (n, lo, hi) = match *buf.get(i)? {
        0xc2..=0xdf => (2, 0x80, 0xbf),
        0xe0 => (3, 0xa0, 0xbf),
        0xe1..=0xec | 0xee..=0xef => (3, 0x80, 0xbf),
        0xed => (3, 0x80, 0x9f),
        0xf0 => (4, 0x90, 0xbf),
        0xf1..=0xf3 => (4, 0x80, 0xbf),
        0xf4 => (4, 0x80, 0x8f),
        _ => return None,
    };
    let second = *buf.get(i + 1)?;
    if !(lo..=hi).contains(&second) {
        return None;
    }
    for k in 2..n {
        if !(0x80..=0xbf).contains(buf.get(i + k)?) {
            return None;
        }
    }
    Some(n)
}

/// The decoded bytes of an escaped string's content, in `scratch` (out of line: rare).
#[inline(never)]
fn unescaped<'s>(raw: &[u8], scratch: &'s mut Vec<u8>) -> &'s [u8] {
    scratch.clear();
    // The scanner validated the escapes; `unescape` cannot fail on them.
    let _ = escape::unescape(raw, scratch);
    scratch
}

/// A validated string token: the byte range of its content (quotes excluded).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Str {
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// The content has at least one escape, so raw bytes are not the decoded string.
    pub(crate) escaped: bool,
}

/// A cursor over one JSON text.
pub(crate) struct Scanner<'a> {
    pub(crate) buf: &'a [u8],
    pub(crate) pos: usize,
    pub(crate) max_depth: usize,
}

impl<'a> Scanner<'a> {
    pub(crate) fn new(buf: &'a [u8], max_depth: usize) -> Self {
        Self {
            buf,
            pos: 0,
            max_depth,
        }
    }

    // Out of line in wasm: inlined, each error site carried its own `format!` call (4 of them
    // in the minimise engine's `Engine::value`, which V8 recompiles with TurboFan when it gets
    // hot; docs/ARCHITECTURE.md, "Cold code"); out of line, the module is 3.9 KB smaller.
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    pub(crate) fn err_at(&self, pos: usize, what: &str) -> Error {
        Error::new(
            ErrorCode::InvalidJson,
            format!("invalid JSON at byte {pos}: {what}"),
        )
    }

    pub(crate) fn err(&self, what: &str) -> Error {
        self.err_at(self.pos, what)
    }

    pub(crate) fn too_deep(&self) -> Error {
        Error::new(
            ErrorCode::TooDeep,
            format!(
                "nesting deeper than {} at byte {}",
                self.max_depth, self.pos
            ),
        )
    }

    #[inline]
    pub(crate) fn skip_ws(&mut self) {
        while let Some(&b) = self.buf.get(self.pos) {
            if matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    #[inline]
    pub(crate) fn peek(&self) -> Option<u8> {
        self.buf.get(self.pos).copied()
    }

    #[inline]
    pub(crate) fn expect(&mut self, b: u8, what: &str) -> Result<()> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err(what))
        }
    }

    /// After a member or element: consumes `,` (false: more follow) or `close` (true: done).
    #[inline]
    pub(crate) fn comma_or_close(&mut self, close: u8) -> Result<bool> {
        self.skip_ws();
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                Ok(false)
            }
            Some(c) if c == close => {
                self.pos += 1;
                Ok(true)
            }
            _ => Err(self.err("expected ',' or the end of the container")),
        }
    }

    /// After the root value: only whitespace may follow.
    pub(crate) fn finish(&mut self) -> Result<()> {
        self.skip_ws();
        if self.pos < self.buf.len() {
            return Err(self.err("trailing bytes after the JSON value"));
        }
        Ok(())
    }

    /// Raw bytes of a range (empty if out of range, which the scanner never produces).
    #[inline]
    pub(crate) fn slice(&self, start: usize, end: usize) -> &'a [u8] {
        self.buf.get(start..end).unwrap_or_default()
    }

    /// A string token starting at the current `"`. The common case (no escape before the
    /// closing quote) is inline; escapes and errors continue out of line.
    #[inline(always)]
    pub(crate) fn string(&mut self) -> Result<Str> {
        let open = self.pos;
        self.expect(b'"', "expected a string")?;
        let start = self.pos;
        let i = self.scan_plain(start);
        if self.buf.get(i) == Some(&b'"') {
            self.pos = i + 1;
            return Ok(Str {
                start,
                end: i,
                escaped: false,
            });
        }
        self.string_rest(open, start, i)
    }

    /// The index of the first `"`, `\`, control or non-ASCII byte at or after `i` (or the
    /// end).
    // Forced inline natively in release builds: the call was ~6 % of a native bench call in
    // `perf` (every string, most of them short). Not in wasm (size), nor in debug builds (stack
    // use of the engine's recursion, as for `key`).
    #[cfg_attr(
        all(not(target_arch = "wasm32"), not(debug_assertions)),
        inline(always)
    )]
    #[cfg_attr(any(target_arch = "wasm32", debug_assertions), inline)]
    fn scan_plain(&self, mut i: usize) -> usize {
        // 8 bytes at a time, then byte by byte for the tail.
        while let Some(w) = self.buf.get(i..).and_then(|r| r.first_chunk::<8>()) {
            let m = plain_mask(u64::from_le_bytes(*w));
            if m != 0 {
                return i + (m.trailing_zeros() / 8) as usize;
            }
            i += 8;
        }
        while let Some(&b) = self.buf.get(i) {
            if STOP[usize::from(b)] || b >= 0x80 {
                break;
            }
            i += 1;
        }
        i
    }

    /// The index of the first `"`, `\` or control byte at or after `i` (or the end).
    fn scan_to_stop(&self, mut i: usize) -> usize {
        while let Some(w) = self.buf.get(i..).and_then(|r| r.first_chunk::<8>()) {
            let m = stop_mask(u64::from_le_bytes(*w));
            if m != 0 {
                return i + (m.trailing_zeros() / 8) as usize;
            }
            i += 8;
        }
        while let Some(&b) = self.buf.get(i) {
            if STOP[usize::from(b)] {
                break;
            }
            i += 1;
        }
        i
    }

    /// The rest of a string token from `i`, a stop byte (or the end) that is not the closing
    /// quote of an escape-free string.
    #[inline(never)]
    fn string_rest(&mut self, open: usize, start: usize, mut i: usize) -> Result<Str> {
        let mut escaped = false;
        loop {
            match self.buf.get(i) {
                None => return Err(self.err_at(open, "unterminated string")),
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(Str {
                        start,
                        end: i,
                        escaped,
                    });
                }
                Some(b'\\') => {
                    escaped = true;
                    i = self.escape(i)?;
                }
                Some(&b) if b >= 0x80 => {
                    // Non-ASCII text must be UTF-8. This check is what lets `minimise` skip a
                    // separate UTF-8 pass over the input: on any error it checks the input
                    // first (`minimise::run`), so this message is never seen for bytes; every
                    // other caller checked UTF-8 before. One character inline (a lone `é` or
                    // `–` in ASCII text: `from_utf8` calls cost ~3 % of a bench call); more
                    // non-ASCII after it: the run up to the next `"`, `\` or control byte in
                    // one `from_utf8` (both ends are ASCII, so the run is UTF-8 if the whole
                    // input is).
                    i = match utf8_char(self.buf, i) {
                        Some(n) => i + n,
                        None => return Err(self.err_at(i, "invalid UTF-8 in string")),
                    };
                    if self.buf.get(i).is_some_and(|&c| c >= 0x80) {
                        let j = self.scan_to_stop(i);
                        if core::str::from_utf8(self.slice(i, j)).is_err() {
                            return Err(self.err_at(i, "invalid UTF-8 in string"));
                        }
                        i = j;
                        continue;
                    }
                }
                Some(_) => return Err(self.err_at(i, "control character in string")),
            }
            i = self.scan_plain(i);
        }
    }

    fn hex4(&self, at: usize) -> Result<u32> {
        // The common case in one step: four valid digits (a table lookup each, no per-digit
        // branch); any invalid or missing digit goes through the loop below, which names it.
        if let Some(&[a, b, c, d]) = self.buf.get(at..).and_then(|r| r.first_chunk::<4>()) {
            let v = [a, b, c, d]
                .iter()
                .fold(0u32, |acc, &x| (acc << 8) | u32::from(HEX[usize::from(x)]));
            if v & 0xf0f0_f0f0 == 0 {
                return Ok((v >> 12 & 0xf000)
                    | (v >> 8 & 0x0f00)
                    | (v >> 4 & 0x00f0)
                    | (v & 0x000f));
            }
        }
        let mut v = 0u32;
        for k in 0..4 {
            let d = self
                .buf
                .get(at + k)
                .and_then(|&c| char::from(c).to_digit(16))
                .ok_or_else(|| self.err_at(at + k, "invalid \\u escape"))?;
            v = v * 16 + d;
        }
        Ok(v)
    }

    /// Validates the escape at `i` (a backslash); returns the index after it.
    fn escape(&self, i: usize) -> Result<usize> {
        match self.buf.get(i + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(i + 2),
            Some(b'u') => {
                let cp = self.hex4(i + 2)?;
                if (0xDC00..0xE000).contains(&cp) {
                    return Err(self.err_at(i, "lone low surrogate in \\u escape"));
                }
                if (0xD800..0xDC00).contains(&cp) {
                    if self.buf.get(i + 6) != Some(&b'\\') || self.buf.get(i + 7) != Some(&b'u') {
                        return Err(self.err_at(i, "lone high surrogate in \\u escape"));
                    }
                    let lo = self.hex4(i + 8)?;
                    if !(0xDC00..0xE000).contains(&lo) {
                        return Err(self.err_at(i, "lone high surrogate in \\u escape"));
                    }
                    return Ok(i + 12);
                }
                Ok(i + 6)
            }
            _ => Err(self.err_at(i, "invalid escape")),
        }
    }

    /// Decoded bytes of a string token (borrowed when it has no escapes).
    #[inline]
    pub(crate) fn decoded<'s>(&self, s: Str, scratch: &'s mut Vec<u8>) -> &'s [u8]
    where
        'a: 's,
    {
        let raw = self.slice(s.start, s.end);
        if !s.escaped {
            return raw;
        }
        unescaped(raw, scratch)
    }

    /// A number token (RFC 8259 grammar). Returns its range and whether it is an integer
    /// (no fraction, no exponent).
    #[inline]
    pub(crate) fn number(&mut self) -> Result<(usize, usize, bool)> {
        let start = self.pos;
        let digits = |s: &mut Self| {
            let from = s.pos;
            while matches!(s.peek(), Some(b'0'..=b'9')) {
                s.pos += 1;
            }
            s.pos - from
        };
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(self.err("invalid number")),
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            integer = false;
            if digits(self) == 0 {
                return Err(self.err("invalid number: digit expected after '.'"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            integer = false;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(self.err("invalid number: digit expected in exponent"));
            }
        }
        Ok((start, self.pos, integer))
    }

    /// `true`, `false` or `null`.
    #[inline]
    pub(crate) fn literal(&mut self) -> Result<(usize, usize)> {
        let start = self.pos;
        let lit: &[u8] = match self.peek() {
            Some(b't') => b"true",
            Some(b'f') => b"false",
            _ => b"null",
        };
        if self.buf.get(start..start + lit.len()) == Some(lit) {
            self.pos += lit.len();
            Ok((start, self.pos))
        } else {
            Err(self.err("invalid literal"))
        }
    }

    /// An object member's key and the `:` after it; checks duplicates.
    // Forced inline in native release builds (1.4-1.7 % fewer instructions per call). Not in
    // wasm (size), nor in debug builds, where the inlined locals would add ~1 KiB to every
    // level of the engine's recursion (512 levels overflowed a test thread's 2 MiB stack).
    #[cfg_attr(
        all(not(target_arch = "wasm32"), not(debug_assertions)),
        inline(always)
    )]
    #[cfg_attr(any(target_arch = "wasm32", debug_assertions), inline)]
    pub(crate) fn key(&mut self, dup: &mut DupCheck, scratch: &mut Vec<u8>) -> Result<Str> {
        self.skip_ws();
        let at = self.pos;
        if self.peek() != Some(b'"') {
            return Err(self.err("expected an object key"));
        }
        let k = self.string()?;
        let fresh = if k.escaped {
            let d = self.decoded(k, scratch);
            dup.insert(self.buf, (k.start, k.end), Some(d))
        } else {
            dup.insert(self.buf, (k.start, k.end), None)
        };
        if !fresh {
            return Err(Error::new(
                ErrorCode::DuplicateKey,
                format!("duplicate key in object at byte {at}"),
            ));
        }
        self.skip_ws();
        self.expect(b':', "expected ':'")?;
        Ok(k)
    }

    /// Validates one value at the current position, at nesting `depth` (containers already
    /// open around it), and counts its leaves (scalars and empty containers). With `W`, also
    /// writes it compactly to `out`. Iterative: `stack` holds the open containers.
    pub(crate) fn scan_value<const W: bool>(
        &mut self,
        out: &mut Vec<u8>,
        dup: &mut DupCheck,
        stack: &mut Vec<u8>,
        depth: usize,
    ) -> Result<u64> {
        let base = stack.len();
        let mut leaves = 0u64;
        let mut scratch = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                Some(open @ (b'{' | b'[')) => {
                    if depth + stack.len() - base + 1 > self.max_depth {
                        return Err(self.too_deep());
                    }
                    self.pos += 1;
                    let close = if open == b'{' { b'}' } else { b']' };
                    if W {
                        out.push(open);
                    }
                    self.skip_ws();
                    if self.peek() == Some(close) {
                        self.pos += 1;
                        if W {
                            out.push(close);
                        }
                        leaves += 1;
                    } else {
                        stack.push(open);
                        if open == b'{' {
                            dup.begin();
                            let k = self.key(dup, &mut scratch)?;
                            if W {
                                out.extend_from_slice(self.slice(k.start - 1, k.end + 1));
                                out.push(b':');
                            }
                        }
                        continue;
                    }
                }
                Some(b'"') => {
                    let s = self.string()?;
                    if W {
                        out.extend_from_slice(self.slice(s.start - 1, s.end + 1));
                    }
                    leaves += 1;
                }
                Some(b'-' | b'0'..=b'9') => {
                    let (a, b, _) = self.number()?;
                    if W {
                        out.extend_from_slice(self.slice(a, b));
                    }
                    leaves += 1;
                }
                Some(b't' | b'f' | b'n') => {
                    let (a, b) = self.literal()?;
                    if W {
                        out.extend_from_slice(self.slice(a, b));
                    }
                    leaves += 1;
                }
                None => return Err(self.err("unexpected end of input")),
                Some(_) => return Err(self.err("expected a value")),
            }
            // After a value: close containers, or move to the next member/element.
            loop {
                let Some(&top) = stack.last() else {
                    return Ok(leaves);
                };
                if stack.len() == base {
                    return Ok(leaves);
                }
                self.skip_ws();
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        if W {
                            out.push(b',');
                        }
                        if top == b'{' {
                            let k = self.key(dup, &mut scratch)?;
                            if W {
                                out.extend_from_slice(self.slice(k.start - 1, k.end + 1));
                                out.push(b':');
                            }
                        }
                        break;
                    }
                    Some(b'}') if top == b'{' => {
                        self.pos += 1;
                        if W {
                            out.push(b'}');
                        }
                        stack.pop();
                        dup.end();
                    }
                    Some(b']') if top == b'[' => {
                        self.pos += 1;
                        if W {
                            out.push(b']');
                        }
                        stack.pop();
                    }
                    _ => return Err(self.err("expected ',' or the end of the container")),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{plain_mask, stop_mask, utf8_char, Scanner, STOP};

    /// `utf8_char` accepts exactly what `from_utf8` accepts as one character: every lead byte,
    /// followed by every edge of the continuation ranges it uses (and the bytes either side).
    #[test]
    fn utf8_char_agrees_with_from_utf8() {
        let edges = [0x00u8, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff];
        for a in 0x80..=0xffu8 {
            for b in edges {
                for c in edges {
                    for d in edges {
                        let w = [a, b, c, d];
                        let want = (2..=4)
                            .find(|&n| core::str::from_utf8(&w[..n]).is_ok())
                            .filter(|_| core::str::from_utf8(&w[..1]).is_err());
                        assert_eq!(utf8_char(&w, 0), want, "{w:x?}");
                    }
                }
            }
        }
        assert_eq!(utf8_char(b"\xc3", 0), None);
        assert_eq!(utf8_char(b"\xe2\x80", 0), None);
    }

    /// The same for `plain_mask`, which also stops at the first non-ASCII byte.
    #[test]
    fn plain_mask_finds_the_first_stop_or_non_ascii_byte() {
        for fill in [b'a', 0x20, 0x7f, b'!', b'#', b'[', 0x80, 0xc3] {
            for pos in 0..8 {
                for b in 0..=255u8 {
                    let mut w = [fill; 8];
                    w[pos] = b;
                    for later in w.iter_mut().skip(pos + 1).step_by(2) {
                        *later = 0x00;
                    }
                    let m = plain_mask(u64::from_le_bytes(w));
                    let want = w.iter().position(|&c| STOP[usize::from(c)] || c >= 0x80);
                    let got = (m != 0).then(|| (m.trailing_zeros() / 8) as usize);
                    assert_eq!(got, want, "fill {fill:#x} pos {pos} byte {b:#x}");
                }
            }
        }
    }

    /// `hex4`'s table path gives the digits' value, and every invalid digit the loop's error
    /// at its position.
    #[test]
    fn hex4_matches_to_digit() {
        let alphabet = b"0123456789abcdefABCDEFgG/:@`xX \"";
        for &a in alphabet {
            for &b in alphabet {
                for (i, d) in [[a, b, b'7', b'F'], [b'0', b'c', a, b]].iter().enumerate() {
                    let mut buf = b"\\u".to_vec();
                    buf.extend_from_slice(d);
                    let want = d
                        .iter()
                        .try_fold(0u32, |v, &c| char::from(c).to_digit(16).map(|x| v * 16 + x));
                    let s = Scanner::new(&buf, 8);
                    match (s.hex4(2), want) {
                        (Ok(v), Some(w)) => assert_eq!(v, w, "{i} {d:?}"),
                        (Err(e), None) => {
                            let at = 2 + d.iter().position(|&c| !c.is_ascii_hexdigit()).unwrap();
                            assert!(
                                e.message().contains(&format!("byte {at}:")),
                                "{}",
                                e.message()
                            );
                        }
                        (got, want) => panic!("{d:?}: {got:?} vs {want:?}"),
                    }
                }
            }
        }
        // Too few bytes left: the loop's error at the end.
        assert!(Scanner::new(b"\\u12", 8).hex4(2).is_err());
    }

    /// The SWAR mask finds exactly the first stop byte, for every byte value at every
    /// position, after any mix of ordinary bytes (ASCII and UTF-8 continuation/lead bytes).
    #[test]
    fn stop_mask_finds_the_first_stop_byte() {
        for fill in [b'a', 0x20, 0x7f, 0x80, 0xbf, 0xc3, 0xff, b'!', b'#', b'['] {
            for pos in 0..8 {
                for b in 0..=255u8 {
                    let mut w = [fill; 8];
                    w[pos] = b;
                    // Later bytes are stop bytes too: they must not hide the first one.
                    for later in w.iter_mut().skip(pos + 1).step_by(2) {
                        *later = 0x00;
                    }
                    let m = stop_mask(u64::from_le_bytes(w));
                    let want = w.iter().position(|&c| STOP[usize::from(c)]);
                    let got = (m != 0).then(|| (m.trailing_zeros() / 8) as usize);
                    assert_eq!(got, want, "fill {fill:#x} pos {pos} byte {b:#x}");
                }
            }
        }
    }
}
