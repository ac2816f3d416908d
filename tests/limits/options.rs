//! The per-call limits (`seal::EnvelopeLimits`, `policy::PolicyLimits`): each one at its
//! boundary when sealing, parsing (both forms), opening in memory and streaming.

use super::{code, key, params, policy_with_rules, quick};
use minseal::api;
use minseal::keys::{PublicKey, SecretKey};
use minseal::minimise::MinimiseOptions;
use minseal::policy::{Policy, PolicyLimits, HARD_MAX_POLICY_DEPTH, MAX_RULES};
use minseal::seal::{self, Envelope, EnvelopeLimits, Opener, SealParams};
use minseal::ErrorCode::*;
use std::io::Read;

fn limits() -> EnvelopeLimits {
    EnvelopeLimits::default()
}

/// A reader that counts the bytes it hands out.
struct Counting<'a> {
    inner: &'a [u8],
    read: usize,
}

impl Read for Counting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n;
        Ok(n)
    }
}

/// Every way to open `bin` (its binary form) within `l`: parse binary, parse JSON, open the
/// parsed envelope, stream. All must agree; returns the one outcome.
fn open_all(bin: &[u8], json: &str, sk: &SecretKey, l: &EnvelopeLimits) -> Result<Vec<u8>, String> {
    let from_bin = Envelope::from_binary_with_limits(bin, l);
    let from_json = Envelope::from_json_with_limits(json, l);
    let parsed = Envelope::from_binary(bin).unwrap();
    let in_memory = seal::open(
        &parsed,
        sk,
        &minseal::seal::OpenOptions::default().with_limits(*l),
    )
    .map(|o| o.payload);
    let streamed = Opener::new(
        bin,
        sk,
        &minseal::seal::OpenOptions::default().with_limits(*l),
    )
    .and_then(|mut o| {
        let mut out = Vec::new();
        o.copy_to(&mut out).map(|_| out)
    });
    let outcomes = [
        from_bin
            .and_then(|e| seal::open(&e, sk, &minseal::seal::OpenOptions::default()))
            .map(|o| o.payload),
        from_json
            .and_then(|e| seal::open(&e, sk, &minseal::seal::OpenOptions::default()))
            .map(|o| o.payload),
        in_memory,
        streamed,
    ]
    .map(|r| r.map_err(|e| e.code().as_str().to_owned()));
    for (i, o) in outcomes.iter().enumerate() {
        assert_eq!(o, &outcomes[0], "path {i} disagrees");
    }
    outcomes[0].clone()
}

#[test]
fn defaults_are_the_fixed_limits_of_before() {
    let l = limits();
    assert_eq!(l.max_recipients, seal::MAX_RECIPIENTS);
    assert_eq!(l.max_metadata_entries, seal::MAX_METADATA_ENTRIES);
    assert_eq!(l.max_metadata_bytes, seal::MAX_METADATA_BYTES);
    assert_eq!(l.max_chunks, u64::MAX);
    assert_eq!(l.max_envelope_bytes, u64::MAX);
    assert_eq!(SealParams::new(0).limits, l);
    let p = PolicyLimits::default();
    assert_eq!((p.max_bytes, p.max_depth, p.max_rules), (1 << 20, 32, 4096));
    assert_eq!(HARD_MAX_POLICY_DEPTH, 64);
}

#[test]
fn sealing_honours_max_recipients_and_metadata() {
    let pks: Vec<PublicKey> = (0..=64u8).map(|i| key(i).public_key().clone()).collect();
    let p = params().with_limits(EnvelopeLimits {
        max_recipients: 3,
        ..limits()
    });
    assert!(seal::seal(b"x", &pks[..3], &p, None).is_ok());
    let e = seal::seal(b"x", &pks[..4], &p, None).unwrap_err();
    assert_eq!(e.code(), LimitExceeded);
    assert!(
        e.message().contains("max_recipients limit of 3"),
        "{}",
        e.message()
    );
    // The streaming sealer and seal_parts check the same.
    assert_eq!(
        code(seal::Sealer::new(Vec::new(), &pks[..4], &p, None)),
        LimitExceeded
    );
    assert_eq!(
        code(seal::seal_parts(&pks[..4], &p, 0, None)),
        LimitExceeded
    );
    // Above the format's 64: still 64.
    let p = params().with_limits(EnvelopeLimits {
        max_recipients: 1000,
        ..limits()
    });
    let e = seal::seal(b"x", &pks, &p, None).unwrap_err();
    assert_eq!(e.code(), LimitExceeded);
    assert!(e.message().contains("limit of 64"), "{}", e.message());

    let pk = &pks[..1];
    let few = |entries, bytes| {
        params().with_limits(EnvelopeLimits {
            max_metadata_entries: entries,
            max_metadata_bytes: bytes,
            ..limits()
        })
    };
    let two = few(2, 100).with_metadata("a", "1").with_metadata("b", "2");
    assert!(seal::seal(b"x", pk, &two, None).is_ok());
    let e = seal::seal(b"x", pk, &two.with_metadata("c", "3"), None).unwrap_err();
    assert_eq!(e.code(), LimitExceeded);
    assert!(
        e.message().contains("max_metadata_entries limit of 2"),
        "{}",
        e.message()
    );
    // "k" + 9 bytes = 10.
    assert!(seal::seal(
        b"x",
        pk,
        &few(64, 10).with_metadata("k", "v".repeat(9)),
        None
    )
    .is_ok());
    let e = seal::seal(
        b"x",
        pk,
        &few(64, 10).with_metadata("k", "v".repeat(10)),
        None,
    )
    .unwrap_err();
    assert_eq!(e.code(), LimitExceeded);
    assert!(
        e.message().contains("max_metadata_bytes limit of 10"),
        "{}",
        e.message()
    );
}

type Setter = fn(&mut EnvelopeLimits, usize);

#[test]
fn parsing_and_opening_honour_max_recipients_and_metadata() {
    let sks: Vec<SecretKey> = (1..=3u8).map(key).collect();
    let pks: Vec<PublicKey> = sks.iter().map(|k| k.public_key().clone()).collect();
    let p = params().with_metadata("ab", "cd").with_metadata("e", "f");
    let env = seal::seal(b"hello", &pks, &p, None).unwrap();
    let (bin, json) = (env.to_binary(), env.to_json());
    let sk = &sks[0];
    let with = |f: Setter, n| {
        let mut l = limits();
        f(&mut l, n);
        open_all(&bin, &json, sk, &l)
    };
    let cases: [(Setter, usize); 3] = [
        (|l, n| l.max_recipients = n, 3),
        (|l, n| l.max_metadata_entries = n, 2),
        (|l, n| l.max_metadata_bytes = n, 6),
    ];
    for (set, at) in cases {
        assert_eq!(with(set, at), Ok(b"hello".to_vec()));
        assert_eq!(with(set, at - 1), Err("limit_exceeded".to_owned()));
    }
    let mut l = limits();
    l.max_recipients = 2;
    let e = Envelope::from_json_with_limits(&json, &l).unwrap_err();
    assert!(
        e.message().contains("max_recipients limit of 2"),
        "{}",
        e.message()
    );
}

#[test]
fn max_envelope_bytes_is_too_large_in_every_form() {
    let sk = key(1);
    let env = seal::seal(&[7u8; 300], &[sk.public_key().clone()], &params(), None).unwrap();
    let (bin, json) = (env.to_binary(), env.to_json());
    assert_eq!(env.binary_len(), bin.len() as u64);
    let at = |n: usize| EnvelopeLimits {
        max_envelope_bytes: n as u64,
        ..limits()
    };
    // Binary: its length passes, one byte less fails, whether parsed, opened or streamed.
    assert!(Envelope::from_binary_with_limits(&bin, &at(bin.len())).is_ok());
    let e = Envelope::from_binary_with_limits(&bin, &at(bin.len() - 1)).unwrap_err();
    assert_eq!(e.code(), TooLarge);
    let msg = format!("max_envelope_bytes limit of {} bytes", bin.len() - 1);
    assert!(e.message().contains(&msg), "{}", e.message());
    assert!(seal::open(
        &env,
        &sk,
        &minseal::seal::OpenOptions::default().with_limits(at(bin.len()))
    )
    .is_ok());
    assert_eq!(
        code(seal::open(
            &env,
            &sk,
            &minseal::seal::OpenOptions::default().with_limits(at(bin.len() - 1))
        )),
        TooLarge
    );
    let stream = |n| {
        let mut input = Counting {
            inner: &bin,
            read: 0,
        };
        let r = Opener::new(
            &mut input,
            &sk,
            &minseal::seal::OpenOptions::default().with_limits(at(n)),
        )
        .and_then(|mut o| {
            let mut out = Vec::new();
            o.copy_to(&mut out).map(|_| out)
        });
        (r, input.read)
    };
    let (r, read) = stream(bin.len());
    assert_eq!(r.unwrap(), vec![7u8; 300]);
    assert_eq!(read, bin.len());
    // Fails on the last chunk, having read at most one byte past the limit.
    for n in [bin.len() - 1, bin.len() - 100] {
        let (r, read) = stream(n);
        assert_eq!(code(r), TooLarge, "{n}");
        assert!(read <= n + 1, "read {read} bytes with a limit of {n}");
    }
    // JSON: the text's length.
    assert!(Envelope::from_json_with_limits(&json, &at(json.len())).is_ok());
    assert_eq!(
        code(Envelope::from_json_with_limits(&json, &at(json.len() - 1))),
        TooLarge
    );
}

#[test]
fn max_envelope_bytes_refuses_a_header_before_allocating_it() {
    let sk = key(1);
    let env = seal::seal(b"x", &[sk.public_key().clone()], &params(), None).unwrap();
    let bin = env.to_binary();
    let header_end = 9 + env.header_bytes().len();
    for n in [9, header_end - 1, header_end + 79] {
        let l = EnvelopeLimits {
            max_envelope_bytes: n as u64,
            ..limits()
        };
        let mut input = Counting {
            inner: &bin,
            read: 0,
        };
        assert_eq!(
            code(Opener::new(
                &mut input,
                &sk,
                &minseal::seal::OpenOptions::default().with_limits(l)
            )),
            TooLarge,
            "{n}"
        );
        // Refused from the length fields: nothing read past them.
        let fields = if n < header_end { 9 } else { header_end };
        assert_eq!(input.read, fields, "{n}");
    }
}

#[test]
fn max_chunks_is_limit_exceeded_before_the_next_chunk_is_read() {
    let sk = key(1);
    let pk = [sk.public_key().clone()];
    // Chunk size 64: 150 bytes are 3 chunks, 128 are 2 (the last one full), 0 is 1.
    for (len, chunks) in [(150usize, 3u64), (128, 2), (0, 1)] {
        let env = seal::seal(&vec![1u8; len], &pk, &params(), None).unwrap();
        let (bin, json) = (env.to_binary(), env.to_json());
        let at = |n| EnvelopeLimits {
            max_chunks: n,
            ..limits()
        };
        assert_eq!(open_all(&bin, &json, &sk, &at(chunks)), Ok(vec![1u8; len]));
        assert_eq!(
            open_all(&bin, &json, &sk, &at(chunks - 1)),
            Err("limit_exceeded".to_owned()),
            "{len} bytes"
        );
    }
    // Streaming: the chunks within the limit come out; the one past it is not read.
    let env = seal::seal(&[1u8; 150], &pk, &params(), None).unwrap();
    let bin = env.to_binary();
    let mut input = Counting {
        inner: &bin,
        read: 0,
    };
    let l = EnvelopeLimits {
        max_chunks: 2,
        ..limits()
    };
    let mut o = Opener::new(
        &mut input,
        &sk,
        &minseal::seal::OpenOptions::default().with_limits(l),
    )
    .unwrap();
    let mut out = Vec::new();
    let e = o.read_to_end(&mut out).unwrap_err();
    let e = seal::error_from_io(&e);
    assert_eq!(e.code(), LimitExceeded);
    assert!(
        e.message().contains("max_chunks limit of 2"),
        "{}",
        e.message()
    );
    assert_eq!(out.len(), 128);
    drop(o);
    let preamble = 9 + env.header_bytes().len() + 80 + 32;
    // Two chunks of 64 + 16 bytes, and the lookahead byte that showed a third follows.
    assert_eq!(input.read, preamble + 2 * 80 + 1);
}

#[test]
fn open_and_verify_takes_the_limits_too() {
    let sk = key(1);
    let env = seal::seal(b"{}", &[sk.public_key().clone()], &params(), None).unwrap();
    let at = |n| EnvelopeLimits {
        max_envelope_bytes: n,
        ..limits()
    };
    let o = MinimiseOptions::default();
    let ok = api::open_and_verify(
        &env,
        &sk,
        &minseal::api::ReceiveOptions {
            policy: None,
            minimise: o.clone(),
            open: minseal::seal::OpenOptions::default().with_limits(at(env.binary_len())),
        },
    );
    assert_eq!(ok.unwrap().payload, b"{}");
    let over = api::open_and_verify(
        &env,
        &sk,
        &minseal::api::ReceiveOptions {
            policy: None,
            minimise: o.clone(),
            open: minseal::seal::OpenOptions::default().with_limits(at(env.binary_len() - 1)),
        },
    );
    assert_eq!(code(over), TooLarge);
}

#[test]
fn policy_limits_size_depth_and_rules() {
    let doc = policy_with_rules(5);
    let at = |max_bytes, max_depth, max_rules| PolicyLimits {
        max_bytes,
        max_depth,
        max_rules,
    };
    let load = |doc: &[u8], l: PolicyLimits| Policy::from_json_with_limits(doc, &l);
    let detail = |r: minseal::Result<Policy>| {
        let e = r.unwrap_err();
        assert_eq!(e.code(), InvalidPolicy);
        e.details()[0].clone()
    };
    // Size.
    assert!(load(&doc, at(doc.len(), 32, 4096)).is_ok());
    assert!(detail(load(&doc, at(doc.len() - 1, 32, 4096))).starts_with("too_large"));
    // Rules (and forbidden paths).
    assert!(load(&doc, at(1 << 20, 32, 5)).is_ok());
    let d = detail(load(&doc, at(1 << 20, 32, 4)));
    assert!(d.contains("max_rules limit of 4"), "{d}");
    let forbidden = String::from_utf8(policy_with_rules(1))
        .unwrap()
        .replace("\"rules\":", "\"forbidden\":[\"$.a\",\"$.b\"],\"rules\":");
    assert!(load(forbidden.as_bytes(), at(1 << 20, 32, 2)).is_ok());
    let d = detail(load(forbidden.as_bytes(), at(1 << 20, 32, 1)));
    assert!(d.starts_with("$.forbidden"), "{d}");
    // Above MAX_RULES, still MAX_RULES.
    let many = policy_with_rules(MAX_RULES + 1);
    let d = detail(quick("MAX_RULES + 1", || {
        load(&many, at(1 << 24, 32, usize::MAX))
    }));
    assert!(d.contains("at most 4096"), "{d}");
    // Depth: the root object is 1, so `k` nested arrays in a member are depth k + 1.
    let deep = |k: usize| {
        let mut d = policy_with_rules(1);
        let end = d.len() - 1;
        let v = format!(",\"description\":{}1{}", "[".repeat(k), "]".repeat(k));
        d.splice(end..end, v.bytes());
        d
    };
    // A policy's own depth is 3 (root object, rules array, rule object); deeper values only
    // fit where the model refuses them, past the depth check.
    assert!(load(&doc, at(1 << 20, 3, 4096)).is_ok());
    assert!(detail(load(&doc, at(1 << 20, 2, 4096))).starts_with("too_deep"));
    let d = detail(load(&deep(39), at(1 << 20, 40, 4096)));
    assert_eq!(d, "$.description: must be a string");
    assert!(detail(load(&deep(40), at(1 << 20, 40, 4096))).starts_with("too_deep"));
    // Above the hard ceiling, still the ceiling (refused as too_deep, not by serde_json).
    let max = HARD_MAX_POLICY_DEPTH;
    let d = detail(load(&deep(max - 1), at(1 << 20, usize::MAX, 4096)));
    assert_eq!(d, "$.description: must be a string");
    let d = detail(load(&deep(max), at(1 << 20, usize::MAX, 4096)));
    assert!(d.starts_with("too_deep"), "{d}");
}
