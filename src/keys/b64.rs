//! Strict base64url without padding (RFC 4648 §5): the only base64 this crate reads or writes.
//!
//! Strict means one encoding per byte string: padding, the standard alphabet, whitespace and
//! non-zero trailing bits are all refused, so two different texts never decode to the same key,
//! stanza or payload.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

/// Encodes `bytes` as unpadded base64url.
pub fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes unpadded, canonical base64url; `None` on anything else.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
    // Belt and braces: the engine already refuses padding and trailing bits; re-encoding
    // proves canonicity independently of its configuration.
    if encode(&bytes) != text {
        return None;
    }
    Some(bytes)
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
        assert_eq!(decode("+/8"), None); // standard alphabet
        assert_eq!(decode("-_8").as_deref(), Some(&[0xfb, 0xff][..]));
        assert_eq!(decode("AA E"), None);
        assert_eq!(decode("A"), None);
        assert_eq!(decode(""), Some(vec![]));
        assert_eq!(decode_array::<2>("AAE"), Some([0, 1]));
        assert_eq!(decode_array::<3>("AAE"), None);
    }
}
