//! UTF-8 to UTF-16LE, for the wasm bindings' string crossing in Node (src/wasm/policy.rs): a
//! pure transcoding, kept in the core so it is tested natively.

/// `s` in UTF-16LE: ASCII 8 bytes at a time (each byte spread to 2), other characters one by
/// one. Called once per `minimise`: not inlined.
#[inline(never)]
pub(crate) fn utf16le(s: &str) -> Vec<u8> {
    // Bytes b0..b3 of `v` to b0 0 b1 0 b2 0 b3 0.
    let spread = |v: u64| {
        let v = (v | (v << 16)) & 0x0000_ffff_0000_ffff;
        (v | (v << 8)) & 0x00ff_00ff_00ff_00ff
    };
    let b = s.as_bytes();
    // At most one UTF-16 unit per UTF-8 byte.
    let mut out = vec![0u8; 2 * b.len()];
    let (mut i, mut j) = (0, 0);
    while i < b.len() {
        if let (Some(w), Some(d)) = (
            b.get(i..).and_then(|r| r.first_chunk::<8>()),
            out.get_mut(j..).and_then(|r| r.first_chunk_mut::<16>()),
        ) {
            let x = u64::from_le_bytes(*w);
            if x & 0x8080_8080_8080_8080 == 0 {
                let (lo, hi) = d.split_at_mut(8);
                lo.copy_from_slice(&spread(x & 0xffff_ffff).to_le_bytes());
                hi.copy_from_slice(&spread(x >> 32).to_le_bytes());
                i += 8;
                j += 16;
                continue;
            }
        }
        let Some(c) = s.get(i..).and_then(|r| r.chars().next()) else {
            break;
        };
        for u in c.encode_utf16(&mut [0; 2]) {
            if let Some(d) = out.get_mut(j..j + 2) {
                d.copy_from_slice(&u.to_le_bytes());
            }
            j += 2;
        }
        i += c.len_utf8();
    }
    out.truncate(j);
    out
}

#[cfg(test)]
mod tests {
    use super::utf16le;

    /// Equal to std's `encode_utf16`, for ASCII runs of every length around the 8-byte steps,
    /// two-, three- and four-byte characters at every offset, and the empty string.
    #[test]
    fn equals_std_encode_utf16() {
        let std16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_le_bytes).collect() };
        assert!(utf16le("").is_empty());
        for n in 0..40 {
            let ascii: String = (0..n)
                .map(|i| char::from(b' ' + (i * 7 % 95) as u8))
                .collect();
            assert_eq!(utf16le(&ascii), std16(&ascii));
            for c in ['é', '€', '😀', '\u{7f}', '\u{80}', '\u{ffff}', '\u{10ffff}'] {
                for at in 0..=n {
                    let mut s = ascii.clone();
                    s.insert(at, c);
                    s.push(c);
                    assert_eq!(utf16le(&s), std16(&s), "{s:?}");
                }
            }
        }
    }
}
