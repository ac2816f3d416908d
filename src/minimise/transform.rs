//! The transforms of POLICY.md, on decoded values. Each is idempotent: a value already in the
//! output form comes back unchanged. Errors are static reasons (never the value).

use crate::policy::model::{DatePart, Transform};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Applies a string-input transform. `key` is needed only by `hash`; `None` there means "check
/// the form only" (verify without a key): a value not in hash form is then an error.
pub(crate) fn apply_str(
    t: &Transform,
    s: &str,
    key: Option<&[u8]>,
) -> Result<String, &'static str> {
    match t {
        Transform::Mask { keep_last, ch } => Ok(cold_mask(s, *keep_last, *ch)),
        Transform::MaxLen { len } => Ok(cold_max_len(s, *len)),
        Transform::Hash { prefix } => hash(prefix, s.as_bytes(), Some(s), key),
        Transform::TruncateIp { v4, v6 } => cold_truncate_ip(s, *v4, *v6),
        Transform::GeneraliseDate { to } => cold_generalise_date(s, *to),
        Transform::Replace { .. } => Err("replace is not a string transform"),
    }
}

// In wasm each string transform is a function of its own (`cold_`: `inline(never)` here, and
// scripts/build-wasm's `--no-full-inline=*::cold_*`, as binaryen inlines a function with one
// caller whatever Rust says). V8 compiles a wasm function whole at its first call, so a payload
// whose policy uses only `mask` compiles `mask`, not all five inside one 7.9 KB function.
// `hash` has two callers and stays out of line anyway.

#[cfg_attr(target_arch = "wasm32", inline(never))]
fn cold_mask(s: &str, keep_last: u64, ch: char) -> String {
    let n = s.chars().count();
    let keep = usize::try_from(keep_last).unwrap_or(usize::MAX).min(n);
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        out.push(if i < n - keep { ch } else { c });
    }
    out
}

#[cfg_attr(target_arch = "wasm32", inline(never))]
fn cold_max_len(s: &str, len: u64) -> String {
    match s
        .char_indices()
        .nth(usize::try_from(len).unwrap_or(usize::MAX))
    {
        Some((i, _)) => s.get(..i).unwrap_or(s).to_owned(),
        None => s.to_owned(),
    }
}

fn in_hash_form(prefix: &str, s: &str) -> bool {
    s.strip_prefix(prefix).is_some_and(|rest| {
        rest.len() == 43
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// `hash` over `bytes` (a string's UTF-8 or a number's exact text). `as_str` is the value when
/// it is a string, for the idempotence check.
pub(crate) fn hash(
    prefix: &str,
    bytes: &[u8],
    as_str: Option<&str>,
    key: Option<&[u8]>,
) -> Result<String, &'static str> {
    if as_str.is_some_and(|s| in_hash_form(prefix, s)) {
        return Ok(as_str.unwrap_or_default().to_owned());
    }
    let key = key.ok_or("no hash key")?;
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).map_err(|_| "bad hash key")?;
    mac.update(bytes);
    let tag = mac.finalize().into_bytes();
    let mut out = prefix.to_owned();
    crate::keys::b64::encode_into(tag.as_slice(), &mut out);
    Ok(out)
}

fn v4_net(a: Ipv4Addr, len: u8) -> Ipv4Addr {
    let m = if len == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(len.min(32)))
    };
    Ipv4Addr::from(u32::from(a) & m)
}

fn v6_net(a: Ipv6Addr, len: u8) -> Ipv6Addr {
    let m = if len == 0 {
        0
    } else {
        u128::MAX << (128 - u32::from(len.min(128)))
    };
    Ipv6Addr::from(u128::from(a) & m)
}

// The network address is written as std's `Display` writes it, by the few lines below: std's
// `Ipv4Addr`/`Ipv6Addr` formatting (through `Formatter`, with its padding buffers) is ~2.5 KB of
// wasm. A test compares the two on many addresses.

/// `addr/len`. Written through `format!`, i.e. a call through the `Display` vtable, like std's
/// formatting was: wasm-opt inlines a function with one direct caller, and this cold code
/// (~1 KB) would then grow whichever function calls it (the IP transform's own out-of-line
/// `cold_truncate_ip`).
struct Net(IpAddr, u8);

impl core::fmt::Display for Net {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut out = String::with_capacity(43);
        match self.0 {
            IpAddr::V4(a) => push_v4(&mut out, a),
            IpAddr::V6(a) => push_v6(&mut out, a),
        }
        push_len(&mut out, self.1);
        f.write_str(&out)
    }
}

/// `n` in decimal.
fn push_dec(out: &mut String, n: u32) {
    if n >= 10 {
        push_dec(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// `n` in lowercase hex without leading zeros (`{:x}`).
fn push_hex(out: &mut String, n: u16) {
    if n >= 16 {
        push_hex(out, n >> 4);
    }
    out.push(char::from_digit(u32::from(n & 15), 16).unwrap_or('0'));
}

/// `/len`.
fn push_len(out: &mut String, len: u8) {
    out.push('/');
    push_dec(out, u32::from(len));
}

/// Dotted decimal, as `Ipv4Addr`'s `Display`.
fn push_v4(out: &mut String, a: Ipv4Addr) {
    for (i, o) in a.octets().into_iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        push_dec(out, u32::from(o));
    }
}

/// As `Ipv6Addr`'s `Display` (RFC 5952): an IPv4-mapped address as `::ffff:` and dotted
/// decimal; else lowercase hex groups, the first longest run of two or more zero groups as `::`.
fn push_v6(out: &mut String, a: Ipv6Addr) {
    if let Some(v4) = a.to_ipv4_mapped() {
        out.push_str("::ffff:");
        return push_v4(out, v4);
    }
    let g = a.segments();
    let (mut best, mut best_len, mut start, mut len) = (0, 0, 0, 0);
    for (i, &s) in g.iter().enumerate() {
        if s == 0 {
            if len == 0 {
                start = i;
            }
            len += 1;
            if len > best_len {
                (best, best_len) = (start, len);
            }
        } else {
            len = 0;
        }
    }
    let groups = |out: &mut String, gs: &[u16]| {
        for (i, &s) in gs.iter().enumerate() {
            if i > 0 {
                out.push(':');
            }
            push_hex(out, s);
        }
    };
    if best_len > 1 {
        groups(out, g.get(..best).unwrap_or_default());
        out.push_str("::");
        groups(out, g.get(best + best_len..).unwrap_or_default());
    } else {
        groups(out, &g);
    }
}

#[cfg_attr(target_arch = "wasm32", inline(never))]
fn cold_truncate_ip(s: &str, v4: u8, v6: u8) -> Result<String, &'static str> {
    let (addr, given) = match s.split_once('/') {
        Some((a, l)) => {
            if l.is_empty()
                || l.len() > 3
                || !l.bytes().all(|b| b.is_ascii_digit())
                || (l.len() > 1 && l.starts_with('0'))
            {
                return Err("invalid prefix length");
            }
            (
                a,
                Some(l.parse::<u8>().map_err(|_| "invalid prefix length")?),
            )
        }
        None => (s, None),
    };
    let ip: IpAddr = addr.parse().map_err(|_| "not an IP address")?;
    let net = match ip {
        IpAddr::V4(a) => {
            if given.is_some_and(|g| g > 32) {
                return Err("invalid prefix length");
            }
            // An `addr/len` already coarser than the target stays at its own length.
            let len = given.map_or(v4, |g| g.min(v4));
            Net(IpAddr::V4(v4_net(a, len)), len)
        }
        IpAddr::V6(a) => {
            if given.is_some_and(|g| g > 128) {
                return Err("invalid prefix length");
            }
            let len = given.map_or(v6, |g| g.min(v6));
            Net(IpAddr::V6(v6_net(a, len)), len)
        }
    };
    Ok(format!("{net}"))
}

fn num(b: &[u8], from: usize, n: usize) -> Option<u32> {
    let d = b.get(from..from + n)?;
    let mut v = 0u32;
    for &c in d {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(c - b'0');
    }
    Some(v)
}

fn days_in(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

#[cfg_attr(target_arch = "wasm32", inline(never))]
fn cold_generalise_date(s: &str, to: DatePart) -> Result<String, &'static str> {
    const BAD: &str = "not an RFC 3339 date or date-time";
    let b = s.as_bytes();
    let year = num(b, 0, 4).ok_or(BAD)?;
    // Already-generalised forms (idempotence): `YYYY`, `YYYY-MM`.
    if b.len() == 4 {
        return Ok(s.to_owned());
    }
    if b.get(4) != Some(&b'-') {
        return Err(BAD);
    }
    let month = num(b, 5, 2).filter(|m| (1..=12).contains(m)).ok_or(BAD)?;
    if b.len() == 7 {
        return Ok(if to == DatePart::Year {
            format!("{year:04}")
        } else {
            s.to_owned()
        });
    }
    if b.get(7) != Some(&b'-') {
        return Err(BAD);
    }
    let day = num(b, 8, 2)
        .filter(|d| (1..=days_in(year, month)).contains(d))
        .ok_or(BAD)?;
    if b.len() > 10 {
        // date-time: T HH:MM:SS [.frac] (Z | ±HH:MM)
        let ok_time = matches!(b.get(10), Some(b'T' | b't'))
            && num(b, 11, 2).is_some_and(|h| h < 24)
            && b.get(13) == Some(&b':')
            && num(b, 14, 2).is_some_and(|m| m < 60)
            && b.get(16) == Some(&b':')
            && num(b, 17, 2).is_some_and(|x| x <= 60);
        if !ok_time {
            return Err(BAD);
        }
        let mut i = 19;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let from = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == from {
                return Err(BAD);
            }
        }
        let ok_off = match b.get(i) {
            Some(b'Z' | b'z') => b.len() == i + 1,
            Some(b'+' | b'-') => {
                b.len() == i + 6
                    && num(b, i + 1, 2).is_some_and(|h| h < 24)
                    && b.get(i + 3) == Some(&b':')
                    && num(b, i + 4, 2).is_some_and(|m| m < 60)
            }
            _ => false,
        };
        if !ok_off {
            return Err(BAD);
        }
    }
    Ok(match to {
        DatePart::Year => format!("{year:04}"),
        DatePart::Month => format!("{year:04}-{month:02}"),
        DatePart::Day => format!("{year:04}-{month:02}-{day:02}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(tr: &Transform, s: &str) -> Result<String, &'static str> {
        let r = apply_str(tr, s, Some(&[7u8; 32]));
        if let Ok(o) = &r {
            assert_eq!(
                apply_str(tr, o, Some(&[7u8; 32])).as_deref(),
                Ok(o.as_str()),
                "idempotent on {s}"
            );
        }
        r
    }

    /// The hand-written address formatting writes what std's `Display` writes.
    #[test]
    fn ip_text_as_std() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let check6 = |a: Ipv6Addr| {
            let mut out = String::new();
            push_v6(&mut out, a);
            assert_eq!(out, a.to_string());
        };
        for i in 0..200_000u32 {
            let r = u128::from(next()) << 64 | u128::from(next());
            // Zero groups by a random mask, so runs of every length and place occur.
            let mask = next();
            let mut g = Ipv6Addr::from(r).segments();
            for (k, s) in g.iter_mut().enumerate() {
                if mask >> k & 1 == 1 || (i % 3 == 0 && mask >> (k + 8) & 1 == 1) {
                    *s = 0;
                }
                if i % 7 == 0 && mask >> (k + 16) & 1 == 1 {
                    *s &= 0xf;
                }
            }
            let a = Ipv6Addr::from(g);
            check6(a);
            check6(v6_net(a, (mask >> 32) as u8 % 129));
            let v4 = Ipv4Addr::from(next() as u32 & (next() as u32));
            check6(v4.to_ipv6_mapped());
            check6(v4.to_ipv6_compatible());
            let mut out = String::new();
            push_v4(&mut out, v4);
            assert_eq!(out, v4.to_string());
        }
        for a in [
            Ipv6Addr::UNSPECIFIED,
            Ipv6Addr::LOCALHOST,
            Ipv6Addr::from(u128::MAX),
        ] {
            check6(a);
        }
        let mut out = String::new();
        for n in [0u8, 7, 10, 99, 100, 128, 255] {
            out.clear();
            push_len(&mut out, n);
            assert_eq!(out, format!("/{n}"));
        }
    }

    #[test]
    fn transforms() {
        let m = Transform::Mask {
            keep_last: 4,
            ch: '*',
        };
        assert_eq!(t(&m, "+4915112345678").unwrap(), "**********5678");
        assert_eq!(t(&m, "é12").unwrap(), "é12");
        let ip = Transform::TruncateIp { v4: 24, v6: 48 };
        assert_eq!(t(&ip, "203.0.113.77").unwrap(), "203.0.113.0/24");
        assert_eq!(t(&ip, "10.0.0.0/8").unwrap(), "10.0.0.0/8");
        assert_eq!(
            t(&ip, "2001:0DB8:85a3:0:0:8a2e:370:7334").unwrap(),
            "2001:db8:85a3::/48"
        );
        assert!(t(&ip, "fe80::1%eth0").is_err());
        assert!(t(&ip, "1.2.3.4/33").is_err());
        let d = Transform::GeneraliseDate {
            to: DatePart::Month,
        };
        assert_eq!(t(&d, "2024-02-29T23:59:60.5+14:00").unwrap(), "2024-02");
        assert_eq!(t(&d, "2024").unwrap(), "2024");
        assert!(t(&d, "2023-02-29").is_err());
        assert!(t(&d, "2023-13-01").is_err());
        assert!(t(&d, "2023-01-01T24:00:00Z").is_err());
        assert!(t(&d, "2023-01-01 10:00:00Z").is_err());
        let y = Transform::GeneraliseDate { to: DatePart::Year };
        assert_eq!(t(&y, "1999-12").unwrap(), "1999");
        let l = Transform::MaxLen { len: 2 };
        assert_eq!(t(&l, "héllo").unwrap(), "hé");
        let h = Transform::Hash {
            prefix: "hmac:".into(),
        };
        let out = t(&h, "alice").unwrap();
        assert!(out.starts_with("hmac:") && out.len() == 48);
        assert!(apply_str(&h, "alice", None).is_err());
    }
}
