//! String escaping (writing) and unescaping (reading already-validated string text).

/// Writes `s` quoted, escaping only `"`, `\` and control characters (RFC 8785 style).
pub(crate) fn write_str(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x0c => b"\\f",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if esc.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 15)]);
        } else {
            out.extend_from_slice(esc);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

fn hex4(b: &[u8]) -> Option<u32> {
    let mut v = 0u32;
    for &c in b.get(..4)? {
        v = v * 16 + char::from(c).to_digit(16)?;
    }
    Some(v)
}

/// Decodes the content of a string the scanner has already validated (no quotes). Returns
/// `None` only if the text was not validated (never for scanner output).
pub(crate) fn unescape(raw: &[u8], out: &mut Vec<u8>) -> Option<()> {
    let mut i = 0;
    while i < raw.len() {
        let b = *raw.get(i)?;
        if b != b'\\' {
            out.push(b);
            i += 1;
            continue;
        }
        let c = *raw.get(i + 1)?;
        let simple = match c {
            b'"' => Some(b'"'),
            b'\\' => Some(b'\\'),
            b'/' => Some(b'/'),
            b'b' => Some(0x08),
            b'f' => Some(0x0c),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            _ => None,
        };
        if let Some(s) = simple {
            out.push(s);
            i += 2;
            continue;
        }
        let hi = hex4(raw.get(i + 2..)?)?;
        let cp = if (0xD800..0xDC00).contains(&hi) {
            let lo = hex4(raw.get(i + 8..)?)?;
            i += 12;
            0x10000 + ((hi - 0xD800) << 10) + (lo.checked_sub(0xDC00)?)
        } else {
            i += 6;
            hi
        };
        let ch = char::from_u32(cp)?;
        let mut buf = [0u8; 4];
        out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
    }
    Some(())
}
