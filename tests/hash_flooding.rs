//! Hash flooding: member names a sender picks so that an unkeyed hash gives them all one value.
//!
//! The engine interns the path of every removed member and checks large objects for duplicate
//! keys by hash. Against FxHash-style mixing (or any fast unkeyed hash) such names are easy to
//! compute: below, 30 000 of them. With one hash,
//! each lookup walks a chain of all earlier names: ~4.5·10^8 comparisons, many seconds. The
//! crate's keyed hash (SipHash, per-process random key) scatters them, so this stays linear.

use minseal::minimise::{minimise, MinimiseOptions};
use minseal::policy::Policy;
use std::time::{Duration, Instant};

const K: u64 = 0x517c_c1b7_2722_0a95;

/// One FxHash step: a fast unkeyed hash of the kind a sender can collide.
fn mix(h: u64, w: u64) -> u64 {
    (h.rotate_left(5) ^ w).wrapping_mul(K)
}

/// 16-byte ASCII names whose unkeyed hash (parent 0: `mix(0, 0)`, then 8-byte words,
/// a zero word for the empty remainder, then the length) is the same for all of them: the first
/// word varies; the second cancels it, `w2 = rotl(mix(h0, w1), 5) ^ C`, kept when ASCII (one
/// in 256; control characters, `"` and `\` are written as `\u00XX` escapes).
fn colliding_names(n: usize) -> Vec<String> {
    let h0 = mix(0, 0);
    let c = 0x4142_4344_4546_4748u64;
    let ascii = |w: u64| w & 0x8080_8080_8080_8080 == 0;
    let mut out = Vec::with_capacity(n);
    let mut seed = 0u64;
    while out.len() < n {
        seed += 1;
        // w1: printable bytes from a counter in base 64 ('0'..'p' without '\\').
        let mut w1 = 0u64;
        for i in 0..8 {
            let d = 0x30 + ((seed >> (6 * i)) & 63);
            w1 |= (d + u64::from(d >= 0x5c)) << (8 * i);
        }
        let w2 = mix(h0, w1).rotate_left(5) ^ c;
        if ascii(w2) {
            let mut name = w1.to_le_bytes().to_vec();
            name.extend_from_slice(&w2.to_le_bytes());
            out.push(String::from_utf8(name).expect("ASCII"));
        }
    }
    out
}

#[test]
fn thousands_of_colliding_member_names_minimise_in_linear_time() {
    let names = colliding_names(30_000);
    // They do collide under the unkeyed hash (the test would prove nothing otherwise).
    let fx = |s: &str| {
        let b = s.as_bytes();
        let w = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap());
        mix(mix(mix(mix(mix(0, 0), w(0)), w(8)), 0), 16)
    };
    assert!(names.iter().all(|n| fx(n) == fx(&names[0])));
    let mut payload = String::from("{\"keep\":1");
    for n in &names {
        payload.push_str(",\"");
        for ch in n.chars() {
            match ch {
                '"' | '\\' | '\0'..='\x1f' => payload.push_str(&format!("\\u{:04x}", ch as u32)),
                _ => payload.push(ch),
            }
        }
        payload.push_str("\":1");
    }
    payload.push('}');
    let policy = Policy::from_json(
        br#"{"minseal_policy":1,"id":"t/flood","version":"1","title":"t","basis":"t","audience":"service_provider","rules":[{"path":"$.keep"}]}"#,
    )
    .unwrap();

    let t = Instant::now();
    let out = minimise(&policy, payload.as_bytes(), &MinimiseOptions::default()).unwrap();
    let took = t.elapsed();
    assert_eq!(out.payload, b"{\"keep\":1}");
    assert_eq!(out.receipt.removed.len(), names.len());
    // Linear work is milliseconds even in a debug build; the quadratic walk is many seconds.
    assert!(took < Duration::from_secs(5), "minimise took {took:?}");
}
