//! Strict base64url without padding (RFC 4648 §5): the only base64 this crate reads or writes.
//!
//! Strict means one encoding per byte string: padding, the standard alphabet, whitespace and
//! non-zero trailing bits are all refused, so two different texts never decode to the same key,
//! stanza or payload. Written here rather than taken from the `base64` crate, whose general
//! engine cost 5 KiB of wasm for the one alphabet we use.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Sextet value of each byte; `INVALID` (high bit set) for bytes outside the alphabet.
const INVALID: u8 = 0xff;
const DECODE: [u8; 256] = {
    let mut t = [INVALID; 256];
    let mut i = 0;
    while i < 64 {
        t[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// Encodes `bytes` as unpadded base64url.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    encode_into(bytes, &mut out);
    out
}

/// Appends the unpadded base64url of `bytes` to `out`.
pub fn encode_into(bytes: &[u8], out: &mut String) {
    let mut buf = Vec::with_capacity((bytes.len() * 4).div_ceil(3));
    let sym = |n: u32, shift: u32| ALPHABET[(n >> shift & 63) as usize];
    let mut chunks = bytes.chunks_exact(3);
    for c in &mut chunks {
        let n = u32::from(c[0]) << 16 | u32::from(c[1]) << 8 | u32::from(c[2]);
        buf.extend_from_slice(&[sym(n, 18), sym(n, 12), sym(n, 6), sym(n, 0)]);
    }
    match *chunks.remainder() {
        [a] => buf.extend_from_slice(&[sym(u32::from(a) << 16, 18), sym(u32::from(a) << 16, 12)]),
        [a, b] => {
            let n = u32::from(a) << 16 | u32::from(b) << 8;
            buf.extend_from_slice(&[sym(n, 18), sym(n, 12), sym(n, 6)]);
        }
        _ => {}
    }
    // Every byte of `buf` is from ALPHABET, so this is ASCII and cannot fail.
    out.push_str(std::str::from_utf8(&buf).unwrap_or_default());
}

/// Decodes unpadded, canonical base64url; `None` on anything else.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let t = text.as_bytes();
    let mut out = Vec::with_capacity(t.len() / 4 * 3 + 2);
    let mut chunks = t.chunks_exact(4);
    for c in &mut chunks {
        let [a, b, c, d] = [c[0], c[1], c[2], c[3]].map(|x| DECODE[usize::from(x)]);
        if (a | b | c | d) & 0x80 != 0 {
            return None;
        }
        let n = u32::from(a) << 18 | u32::from(b) << 12 | u32::from(c) << 6 | u32::from(d);
        out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]);
    }
    let rest = chunks.remainder();
    let mut n = 0u32;
    for (i, &x) in rest.iter().enumerate() {
        let s = DECODE[usize::from(x)];
        if s & 0x80 != 0 {
            return None;
        }
        n |= u32::from(s) << (18 - 6 * i);
    }
    // A final group of 2 or 3 symbols carries 1 or 2 bytes; the bits past them must be zero
    // (canonical), and a lone symbol carries no whole byte.
    let (keep, spare) = match rest.len() {
        0 => (0, 0),
        2 => (1, 0xffff),
        3 => (2, 0xff),
        _ => return None,
    };
    if n & spare != 0 {
        return None;
    }
    out.extend_from_slice(&n.to_be_bytes()[1..1 + keep]);
    Some(out)
}

/// Decodes exactly `N` bytes of canonical base64url.
pub fn decode_array<const N: usize>(text: &str) -> Option<[u8; N]> {
    // A too-long text is refused before allocating for it.
    if text.len() > (N * 4).div_ceil(3) {
        return None;
    }
    let v = decode(text)?;
    <[u8; N]>::try_from(v.as_slice()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_padding_trailing_bits_and_other_alphabets() {
        assert_eq!(decode("AAE").as_deref(), Some(&[0u8, 1][..]));
        assert_eq!(decode("AAE="), None); // padding
        assert_eq!(decode("AAF"), None); // non-zero trailing bits
        assert_eq!(decode("AB"), None); // non-zero trailing bits, one byte
        assert_eq!(decode("AQ").as_deref(), Some(&[1u8][..]));
        assert_eq!(decode("+/8"), None); // standard alphabet
        assert_eq!(decode("-_8").as_deref(), Some(&[0xfb, 0xff][..]));
        assert_eq!(decode("AA E"), None);
        assert_eq!(decode("A"), None);
        assert_eq!(decode("AAAAA"), None);
        assert_eq!(decode("AAA\u{e9}"), None);
        assert_eq!(decode(""), Some(vec![]));
        assert_eq!(decode_array::<2>("AAE"), Some([0, 1]));
        assert_eq!(decode_array::<3>("AAE"), None);
    }

    #[test]
    fn round_trips_and_accepts_exactly_its_own_output() {
        let mut x = 0x9e37_79b9u32;
        for len in 0usize..70 {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    x as u8
                })
                .collect();
            let text = encode(&bytes);
            assert_eq!(text.len(), (len * 4).div_ceil(3));
            assert_eq!(decode(&text), Some(bytes));
        }
        // Every 2- and 3-symbol tail: accepted iff it re-encodes to itself.
        for a in ALPHABET {
            for b in ALPHABET {
                let t2 = String::from_utf8(vec![b'A', b'A', b'A', b'A', *a, *b]).unwrap();
                match decode(&t2) {
                    Some(v) => assert_eq!(encode(&v), t2),
                    None => assert_ne!(DECODE[usize::from(*b)] & 0xf, 0),
                }
                let t3 = String::from_utf8(vec![*a, *b, b'Q']).unwrap();
                assert_eq!(decode(&t3).map(|v| encode(&v)), Some(t3.clone()));
                let t3 = String::from_utf8(vec![*a, *b, b'R']).unwrap();
                assert_eq!(decode(&t3), None);
            }
        }
    }
}
