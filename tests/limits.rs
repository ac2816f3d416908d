//! Every limit: its default, the option that changes it (where there is one), and the clear
//! error when it is exceeded, at the boundary (the limit itself passes, one more fails). Also:
//! small hostile inputs that claim huge sizes are refused quickly, before allocating.
//! The table of these limits is in docs/SECURITY.md ("Limits").

use chacha20::ChaCha20Rng;
use hpke::rand_core::SeedableRng;
use minseal::json::{self, Limits, HARD_MAX_DEPTH};
use minseal::keys::{PublicKey, SecretKey};
use minseal::minimise::{minimise, verify, MinimiseOptions};
use minseal::policy::Policy;
use minseal::seal::{self, Envelope, Opener, SealParams};
use minseal::ErrorCode::{self, *};
use std::time::{Duration, Instant};

#[path = "limits/options.rs"]
mod options;

fn key(i: u8) -> SecretKey {
    SecretKey::generate_with_rng(&mut ChaCha20Rng::from_seed([i; 32]))
}

fn code<T>(r: minseal::Result<T>) -> ErrorCode {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.code(),
    }
}

fn nested(depth: usize) -> Vec<u8> {
    let mut v = "[".repeat(depth).into_bytes();
    v.extend("]".repeat(depth).bytes());
    v
}

fn quick<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let out = f();
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "{what} took {:?}",
        t.elapsed()
    );
    out
}

// ---- JSON payloads: json::Limits, also via MinimiseOptions::limits ----

#[test]
fn json_defaults() {
    let d = Limits::default();
    assert_eq!(d.max_bytes, 16 * 1024 * 1024);
    assert_eq!(d.max_depth, 64);
    assert_eq!(HARD_MAX_DEPTH, 512);
}

#[test]
fn payload_size_is_too_large_beyond_max_bytes() {
    let limits = Limits {
        max_bytes: 10,
        max_depth: 64,
    };
    assert!(json::validate(b"[1,2,3,45]", &limits).is_ok());
    let e = json::validate(b"[1,2,3,456]", &limits).unwrap_err();
    assert_eq!(e.code(), TooLarge);
    assert!(e.message().contains("limit of 10 bytes"), "{}", e.message());
    assert_eq!(code(json::compact(b"[1,2,3,456]", &limits)), TooLarge);

    // The same limit through minimise and verify.
    let policy = Policy::builtin("2ap/art7-order").unwrap();
    let opts = MinimiseOptions {
        limits,
        ..MinimiseOptions::default()
    };
    assert_eq!(
        code(minimise(&policy, b"{\"abcdefghij\":1}", &opts)),
        TooLarge
    );
    assert_eq!(
        code(verify(&policy, b"{\"abcdefghij\":1}", &opts)),
        TooLarge
    );

    // The default refuses 16 MiB + 1 before looking at a byte of it.
    let big = vec![b' '; 16 * 1024 * 1024 + 1];
    assert_eq!(
        code(quick("oversize", || json::validate(
            &big,
            &Limits::default()
        ))),
        TooLarge
    );
}

#[test]
fn nesting_is_too_deep_beyond_max_depth() {
    let d = Limits::default();
    assert!(json::validate(&nested(64), &d).is_ok());
    let e = json::validate(&nested(65), &d).unwrap_err();
    assert_eq!(e.code(), TooDeep);
    let three = Limits {
        max_bytes: 1024,
        max_depth: 3,
    };
    assert!(json::validate(&nested(3), &three).is_ok());
    assert_eq!(code(json::validate(&nested(4), &three)), TooDeep);
    assert_eq!(
        code(json::validate(br#"{"a":{"b":{"c":{}}}}"#, &three)),
        TooDeep
    );
    // Raising max_depth works up to the hard cap, never beyond it (the engine recurses).
    let high = Limits {
        max_bytes: usize::MAX,
        max_depth: usize::MAX,
    };
    assert!(json::validate(&nested(HARD_MAX_DEPTH), &high).is_ok());
    assert_eq!(
        code(json::validate(&nested(HARD_MAX_DEPTH + 1), &high)),
        TooDeep
    );
    // A deep payload cannot blow the stack of minimise/verify either.
    let policy = Policy::builtin("2ap/art7-order").unwrap();
    let opts = MinimiseOptions {
        limits: high,
        ..MinimiseOptions::default()
    };
    let mut deep = b"{\"a\":".to_vec();
    deep.extend(nested(100_000));
    deep.push(b'}');
    assert_eq!(code(minimise(&policy, &deep, &opts)), TooDeep);
    assert_eq!(code(verify(&policy, &deep, &opts)), TooDeep);
}

// ---- Policies ----

fn policy_with_rules(n: usize) -> Vec<u8> {
    let rules: Vec<String> = (0..n).map(|i| format!("{{\"path\":\"$.f{i}\"}}")).collect();
    format!(
        "{{\"minseal_policy\":1,\"id\":\"t/limits\",\"version\":\"1\",\"title\":\"t\",\"basis\":\"t\",\"audience\":\"service_provider\",\"rules\":[{}]}}",
        rules.join(",")
    )
    .into_bytes()
}

#[test]
fn policy_size_depth_and_rule_count() {
    // Size: 1 MiB.
    let mut big = policy_with_rules(1);
    let pad = " ".repeat(1024 * 1024);
    big.splice(1..1, pad.bytes());
    let e = Policy::from_json(&big).unwrap_err();
    assert_eq!(e.code(), InvalidPolicy);
    assert!(e.details()[0].starts_with("too_large"), "{:?}", e.details());
    // Depth: 32.
    let mut deep = policy_with_rules(1);
    let at = deep.len() - 1;
    let inner = format!("{}1{}", "[".repeat(32), "]".repeat(32));
    deep.splice(at..at, format!(",\"description\":{inner}").bytes());
    let e = Policy::from_json(&deep).unwrap_err();
    assert_eq!(e.code(), InvalidPolicy);
    assert!(e.details()[0].starts_with("too_deep"), "{:?}", e.details());
    // Rule count: MAX_RULES (4096) rules load; one more is refused, quickly.
    let max = minseal::policy::MAX_RULES;
    assert_eq!(max, 4096);
    let p = quick("loading MAX_RULES rules", || {
        Policy::from_json(&policy_with_rules(max))
    });
    assert!(p.is_ok(), "{:?}", p.err());
    let e = quick("refusing MAX_RULES + 1 rules", || {
        Policy::from_json(&policy_with_rules(max + 1))
    })
    .unwrap_err();
    assert_eq!(e.code(), InvalidPolicy);
    assert!(e.details()[0].contains("at most 4096"), "{:?}", e.details());
}

#[test]
fn a_policy_as_large_as_allowed_loads_or_fails_quickly() {
    // ~1 MiB of rules (far above MAX_RULES): the loader must not go quadratic over them.
    let doc = policy_with_rules(50_000);
    assert!(doc.len() < 1024 * 1024);
    let e = quick("a 50 000-rule policy", || Policy::from_json(&doc)).unwrap_err();
    assert_eq!(e.code(), InvalidPolicy);
    // Likewise for the forbidden list.
    let forbidden: Vec<String> = (0..50_000).map(|i| format!("\"$.g{i}\"")).collect();
    let doc = String::from_utf8(policy_with_rules(10)).unwrap().replace(
        "\"rules\":",
        &format!("\"forbidden\":[{}],\"rules\":", forbidden.join(",")),
    );
    let e = quick("a 50 000-path forbidden list", || {
        Policy::from_json(doc.as_bytes())
    })
    .unwrap_err();
    assert_eq!(e.code(), InvalidPolicy);
}

// ---- Envelopes: sealing ----

fn params() -> SealParams {
    SealParams::new(1_700_000_000).with_chunk_size(64)
}

#[test]
fn envelope_defaults() {
    assert_eq!(seal::MAX_RECIPIENTS, 64);
    assert_eq!(seal::MAX_METADATA_ENTRIES, 64);
    assert_eq!(seal::MAX_METADATA_BYTES, 4096);
    assert_eq!(seal::MAX_HEADER_LEN, 16 * 1024);
    assert_eq!(seal::MAX_TEXT_FIELD, 256);
    assert_eq!(seal::DEFAULT_CHUNK_SIZE, 65536);
    assert_eq!(seal::MIN_CHUNK_SIZE, 64);
    assert_eq!(seal::MAX_CHUNK_SIZE, 4 * 1024 * 1024);
    assert_eq!(SealParams::new(0).chunk_size, None);
    assert_eq!(
        SealParams::new(0).chunk_size_for(None),
        seal::DEFAULT_CHUNK_SIZE
    );
}

#[test]
fn recipients_limit_exceeded() {
    let pks: Vec<PublicKey> = (0..=64u8).map(|i| key(i).public_key().clone()).collect();
    assert!(seal::seal(b"x", &pks[..64], &params(), None).is_ok());
    let e = seal::seal(b"x", &pks, &params(), None).unwrap_err();
    assert_eq!(e.code(), LimitExceeded);
    assert!(e.message().contains("64"), "{}", e.message());
}

#[test]
fn metadata_entries_and_bytes_limit_exceeded() {
    let pk = [key(1).public_key().clone()];
    let mut p = params();
    for i in 0..64 {
        p.metadata.insert(format!("k{i:02}"), "v".into());
    }
    assert!(seal::seal(b"x", &pk, &p, None).is_ok());
    p.metadata.insert("k64".into(), "v".into());
    assert_eq!(code(seal::seal(b"x", &pk, &p, None)), LimitExceeded);

    // Keys + values: 4096 bytes pass, 4097 fail.
    let ok = params().with_metadata("k", "v".repeat(4095));
    assert!(seal::seal(b"x", &pk, &ok, None).is_ok());
    let over = params().with_metadata("k", "v".repeat(4096));
    let e = seal::seal(b"x", &pk, &over, None).unwrap_err();
    assert_eq!(e.code(), LimitExceeded);
    assert!(e.message().contains("4096"), "{}", e.message());
}

// ---- Envelopes: parsing ----

fn sealed_json(p: &SealParams) -> String {
    let sk = key(1);
    seal::seal_with_rng(
        b"hello",
        &[sk.public_key().clone()],
        p,
        None,
        &mut ChaCha20Rng::from_seed([2; 32]),
    )
    .unwrap()
    .to_json()
}

#[test]
fn parsed_headers_enforce_the_same_limits() {
    // 65 recipients in a JSON header: limit_exceeded before any stanza is looked at.
    let json = sealed_json(&params());
    let kid = key(1).kid();
    let many: Vec<String> = (0..65).map(|i| format!("\"{kid}{i}\"")).collect();
    let hostile = json.replace(&format!("[\"{kid}\"]"), &format!("[{}]", many.join(",")));
    assert_eq!(code(Envelope::from_json(&hostile)), LimitExceeded);

    // 65 metadata entries.
    let entries: Vec<String> = (0..65).map(|i| format!("\"k{i:02}\":\"v\"")).collect();
    let hostile = json.replace(
        "\"minseal\":2,\"recipients\"",
        &format!(
            "\"metadata\":{{{}}},\"minseal\":2,\"recipients\"",
            entries.join(",")
        ),
    );
    assert_ne!(hostile, json);
    assert_eq!(code(Envelope::from_json(&hostile)), LimitExceeded);

    // 4097 bytes of metadata.
    let hostile = json.replace(
        "\"minseal\":2,\"recipients\"",
        &format!(
            "\"metadata\":{{\"k\":\"{}\"}},\"minseal\":2,\"recipients\"",
            "v".repeat(4096)
        ),
    );
    assert_eq!(code(Envelope::from_json(&hostile)), LimitExceeded);

    // Chunk size outside 64..=4 MiB.
    for cs in [
        0u64,
        63,
        4 * 1024 * 1024 + 1,
        u64::from(u32::MAX) + 1,
        1 << 52,
    ] {
        let hostile = json.replace("\"chunk_size\":64", &format!("\"chunk_size\":{cs}"));
        assert_eq!(
            code(Envelope::from_json(&hostile)),
            MalformedEnvelope,
            "{cs}"
        );
    }
}

/// A binary envelope: preamble with `header`, `n` stanzas of zeros, then `tail`.
fn binary(header: &[u8], claimed_len: u32, stanzas: usize, tail: &[u8]) -> Vec<u8> {
    let mut v = b"MNSL\x02".to_vec();
    v.extend(claimed_len.to_be_bytes());
    v.extend(header);
    v.extend(vec![0u8; 80 * stanzas]);
    v.extend(tail);
    v
}

#[test]
fn hostile_lengths_are_refused_before_allocating() {
    let sk = key(1);
    // A header length field of 4 GiB (or just over 16 KiB) in a 1 KiB input.
    for len in [u32::MAX, 16 * 1024 + 1, 0] {
        let input = binary(&[b' '; 1015], len, 0, &[]);
        assert_eq!(input.len(), 1024);
        let c = quick("huge header length", || code(Envelope::from_binary(&input)));
        assert_eq!(c, MalformedEnvelope, "{len}");
        let c = quick("huge header length, streaming", || {
            code(Opener::new(
                &input[..],
                &sk,
                &minseal::seal::OpenOptions::default(),
            ))
        });
        assert_eq!(c, MalformedEnvelope, "{len}");
    }
    // A length inside the limit but past the end of the input: truncated, not a 16 KiB read.
    let input = binary(&[b' '; 100], 16 * 1024, 0, &[]);
    assert_eq!(code(Envelope::from_binary(&input)), Truncated);
    assert_eq!(
        code(Opener::new(
            &input[..],
            &sk,
            &minseal::seal::OpenOptions::default()
        )),
        Truncated
    );

    // A valid header naming the largest chunk size, 64 recipients and a 1 KiB body: no stanza
    // opens, so nothing chunk-sized is ever allocated; and the claimed stanzas are missing.
    let mut p = SealParams::new(0).with_chunk_size(seal::MAX_CHUNK_SIZE);
    let pks: Vec<PublicKey> = (0..64u8).map(|i| key(i).public_key().clone()).collect();
    let env = seal::seal(b"", &pks, &p, None).unwrap();
    let h = env.header_bytes().to_vec();
    let input = binary(&h, h.len() as u32, 1, &[0; 100]);
    assert_eq!(
        quick("missing stanzas", || code(Envelope::from_binary(&input))),
        Truncated
    );
    let input = binary(&h, h.len() as u32, 64, &[0; 1024]);
    let stranger = key(200);
    assert_eq!(
        quick("no stanza for the key", || code(Opener::new(
            &input[..],
            &stranger,
            &minseal::seal::OpenOptions::default()
        ))),
        NoMatchingRecipient
    );
    let env = Envelope::from_binary(&input).unwrap();
    assert_eq!(
        quick("no stanza for the key", || code(seal::open(
            &env,
            &stranger,
            &minseal::seal::OpenOptions::default()
        ))),
        NoMatchingRecipient
    );
    // With a real stanza and the largest chunk size, a 1 KiB body is one short final chunk:
    // decryption_failed, with memory bounded by MAX_CHUNK_SIZE (4 MiB), not by any length in
    // the input.
    p.chunk_size = Some(seal::MAX_CHUNK_SIZE);
    let env = seal::seal(b"", &[sk.public_key().clone()], &p, None).unwrap();
    let mut bin = env.to_binary();
    bin.extend([0u8; 1024]);
    assert_eq!(
        quick("big chunk size, short body", || code(
            Envelope::from_binary(&bin).and_then(|e| seal::open(
                &e,
                &sk,
                &minseal::seal::OpenOptions::default()
            ))
        )),
        DecryptionFailed
    );
    assert_eq!(
        quick("big chunk size, short body, streaming", || code(
            Opener::new(&bin[..], &sk, &minseal::seal::OpenOptions::default())
                .and_then(|mut o| o.copy_to(&mut Vec::new()))
        )),
        DecryptionFailed
    );
}

#[test]
fn hostile_json_envelopes_fail_quickly() {
    // Deep nesting and long strings in the JSON form.
    let deep = format!(
        "{{\"minseal\":1,\"header\":{}}}",
        String::from_utf8(nested(100_000)).unwrap()
    );
    let c = quick("deep JSON envelope", || code(Envelope::from_json(&deep)));
    assert_eq!(c, MalformedEnvelope);
    // A 1 MiB payload string: decoded in one linear pass (opening it then fails).
    let json = sealed_json(&params());
    let big_payload = json.replace(
        "\"payload\":\"",
        &format!("\"payload\":\"{}", "A".repeat(1 << 20)),
    );
    let sk = key(1);
    let r = quick("1 MiB payload string", || {
        Envelope::from_json(&big_payload)
            .and_then(|e| seal::open(&e, &sk, &minseal::seal::OpenOptions::default()))
    });
    assert!(r.is_err());
}

#[test]
fn hashed_contradiction_checks_still_find_duplicates_and_forbidden_rules() {
    let doc = String::from_utf8(policy_with_rules(4096)).unwrap();
    let dup = doc.replace("$.f4095", "$.f7");
    let e = quick("duplicate among 4096", || Policy::from_json(dup.as_bytes())).unwrap_err();
    assert_eq!(e.details(), ["$.rules[4095]: same path as $.rules[7]"]);
    let under = doc
        .replace("$.f4095", "$.f9.x.y")
        .replace("\"rules\":", "\"forbidden\":[\"$.f9.x\"],\"rules\":");
    let e = Policy::from_json(under.as_bytes()).unwrap_err();
    assert_eq!(
        e.details(),
        ["$.rules[4095]: path is forbidden (or lies under a forbidden path)"]
    );
}

/// Regression: the JSON form did not enforce the 16 KiB header limit. Metadata of 3000 control
/// characters is within the 4096-byte metadata limit but canonicalises to 18 KB (`\u0001` is six
/// bytes), so such a JSON envelope parsed while its binary form could not be read back.
#[test]
fn json_envelope_header_over_16_kib_is_refused_like_the_binary_form() {
    let json = sealed_json(&params().with_metadata("k", "v"));
    let escaped = "\\u0001".repeat(3000);
    let hostile = json.replace("\"k\":\"v\"", &format!("\"k\":\"{escaped}\""));
    assert_ne!(hostile, json);
    let e = Envelope::from_json(&hostile).unwrap_err();
    assert_eq!(e.code(), MalformedEnvelope, "{}", e.message());
    assert!(e.message().contains("16384"), "{}", e.message());
    // Sealing the same metadata is refused too.
    let pk = [key(1).public_key().clone()];
    let p = params().with_metadata("k", "\u{1}".repeat(3000));
    assert_eq!(code(seal::seal(b"x", &pk, &p, None)), LimitExceeded);
    // Just under the limit, both forms round-trip.
    let p = params().with_metadata("k", "\u{1}".repeat(2000));
    let env = seal::seal(b"x", &pk, &p, None).unwrap();
    let back = Envelope::from_json(&env.to_json()).unwrap();
    assert_eq!(Envelope::from_binary(&back.to_binary()).unwrap(), env);
}

#[test]
fn a_path_of_200_000_steps_is_refused_quickly_without_recursing() {
    let long = format!("${}", ".a".repeat(200_000));
    for doc in [
        String::from_utf8(policy_with_rules(1))
            .unwrap()
            .replace("$.f0", &long),
        String::from_utf8(policy_with_rules(1)).unwrap().replace(
            "\"rules\":",
            &format!("\"forbidden\":[\"{long}\"],\"rules\":"),
        ),
        String::from_utf8(policy_with_rules(1)).unwrap().replace(
            "{\"path\":\"$.f0\"}",
            &format!("{{\"path\":\"{long}\",\"required\":true}}"),
        ),
    ] {
        assert!(doc.len() < 1024 * 1024);
        let r = quick("a 200 000-step path", || Policy::from_json(doc.as_bytes()));
        if let Err(e) = r {
            assert_eq!(e.code(), InvalidPolicy);
        }
    }
}
