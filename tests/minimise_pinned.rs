//! Pins the engine's exact output over a few thousand generated (policy, payload) pairs: the
//! minimised bytes, the receipt JSON, every error (code and message, so byte offsets too) and
//! every verify result are hashed together and compared with a recorded digest. Any change to
//! a single output byte, receipt entry or error offset changes the digest.
//!
//! `MINSEAL_PINNED_DUMP=<file>` writes the full transcript, to diff two builds.

use minseal::minimise::{minimise, verify, MinimiseOptions};
use minseal::policy::Policy;
use sha2::{Digest, Sha256};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

/// Raw key texts (some escaped, some needing `['…']` in paths).
const KEYS: &[&str] = &[
    "a",
    "b",
    "c",
    "password",
    "odd key",
    "\\u0061",
    "caf\\u00e9",
    "café",
    "x\\\"y",
    "health_data",
    "long_member_name_over_eight_bytes",
];
const PATH_NAMES: &[&str] = &[
    "a",
    "b",
    "c",
    "password",
    "['odd key']",
    "café",
    "['x\"y']",
    "health_data",
    "long_member_name_over_eight_bytes",
];

fn ws(r: &mut Rng, s: &mut String) {
    if r.below(6) == 0 {
        s.push_str(r.pick(&[" ", "\n", "\t ", "\r\n  "]));
    }
}

fn value(r: &mut Rng, depth: u32, s: &mut String) {
    ws(r, s);
    let k = if depth >= 5 {
        3 + r.below(5)
    } else {
        r.below(8)
    };
    match k {
        0 | 1 => {
            s.push('{');
            let n = r.below(5);
            let mut used: Vec<&str> = Vec::new();
            for i in 0..n {
                if i > 0 {
                    s.push(',');
                }
                ws(r, s);
                s.push('"');
                let mut key = r.pick(KEYS);
                // Mostly distinct keys (`a` and `\u0061` are the same key); rarely a duplicate.
                while used.contains(&key) && r.below(30) != 0 {
                    key = r.pick(KEYS);
                }
                used.push(key);
                used.push(match key {
                    "a" => "\\u0061",
                    "\\u0061" => "a",
                    "café" => "caf\\u00e9",
                    "caf\\u00e9" => "café",
                    k => k,
                });
                s.push_str(key);
                s.push('"');
                ws(r, s);
                s.push(':');
                value(r, depth + 1, s);
            }
            ws(r, s);
            s.push('}');
        }
        2 => {
            s.push('[');
            let n = r.below(4);
            for i in 0..n {
                if i > 0 {
                    s.push(',');
                }
                value(r, depth + 1, s);
            }
            ws(r, s);
            s.push(']');
        }
        3 | 4 => {
            let v = r.pick(&[
                "\"x\"",
                "\"\"",
                "\"hello world, a longer string value\"",
                "\"tab\\tand \\u00e9 and \\ud83d\\ude00\"",
                "\"2024-05-01T10:00:00Z\"",
                "\"203.0.113.7\"",
                "\"caf\u{e9} \u{1F600}\"",
                "\"1234567890\"",
            ]);
            s.push_str(v);
        }
        5 | 6 => {
            let v = r.pick(&[
                "0",
                "-1",
                "12.50",
                "1E400",
                "123456789012345678901234567890",
                "7",
            ]);
            s.push_str(v);
        }
        _ => {
            let v = r.pick(&["true", "false", "null"]);
            s.push_str(v);
        }
    }
    ws(r, s);
}

fn path(r: &mut Rng) -> String {
    let mut p = String::from("$");
    for _ in 0..1 + r.below(3) {
        match r.below(7) {
            0 | 1 => p.push_str("[*]"),
            2 => {
                p.push_str("..");
                let n = r.pick(&["a", "b", "password", "health_data"]);
                p.push_str(n);
            }
            _ => {
                let n = r.pick(PATH_NAMES);
                if !n.starts_with('[') {
                    p.push('.');
                }
                p.push_str(n);
            }
        }
    }
    p
}

fn policy(r: &mut Rng) -> String {
    let mut rules = Vec::new();
    for _ in 0..r.below(6) {
        let mut rule = format!("{{\"path\":{:?}", path(r));
        match r.below(12) {
            0 => rule.push_str(",\"subtree\":true"),
            1 => rule.push_str(",\"type\":\"string\""),
            2 => rule.push_str(",\"type\":[\"object\",\"array\"]"),
            3 => rule.push_str(",\"type\":\"integer\""),
            4 => {
                rule.push_str(",\"transform\":{\"op\":\"replace\",\"value\":[1,{\"z\":2,\"a\":3}]}")
            }
            5 => rule
                .push_str(",\"type\":\"string\",\"transform\":{\"op\":\"mask\",\"keep_last\":2}"),
            6 => rule.push_str(",\"required\":true"),
            7 => rule.push_str(",\"category\":\"health_data\""),
            _ => {}
        }
        rule.push('}');
        rules.push(rule);
    }
    let mut forbidden = Vec::new();
    for _ in 0..r.below(3) {
        forbidden.push(format!("{:?}", path(r)));
    }
    let sensitive = if r.below(3) == 0 {
        ",\"sensitive\":{\"allow\":[\"health_data\"],\"justification\":\"$.c\"}"
    } else {
        ""
    };
    format!(
        "{{\"minseal_policy\":1,\"id\":\"t/pinned\",\"version\":\"1\",\"title\":\"t\",\
         \"basis\":\"b\",\"audience\":\"registrar\",\"rules\":[{}],\"forbidden\":[{}]{}}}",
        rules.join(","),
        forbidden.join(","),
        sensitive
    )
}

fn mutate(r: &mut Rng, doc: &mut Vec<u8>) {
    if doc.is_empty() {
        return;
    }
    match r.below(12) {
        0 => {
            let at = r.below(doc.len() as u64) as usize;
            doc.truncate(at);
        }
        1 => {
            let at = r.below(doc.len() as u64) as usize;
            let b = [b'"', b',', b'}', b']', b'\\', 0x01, b'x', b':'][r.below(8) as usize];
            doc[at] = b;
        }
        _ => {}
    }
}

#[test]
fn outputs_match_the_pinned_transcript() {
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    let mut h = Sha256::new();
    let mut dump = std::env::var("MINSEAL_PINNED_DUMP")
        .ok()
        .map(|_| String::new());
    let mut log = |s: &str| {
        h.update(s.as_bytes());
        h.update(b"\n");
        if let Some(d) = dump.as_mut() {
            d.push_str(s);
            d.push('\n');
        }
    };
    let mut policies = 0;
    for case in 0..4000 {
        let ptext = policy(&mut r);
        let pol = match Policy::from_json(ptext.as_bytes()) {
            Ok(p) => p,
            Err(e) => {
                log(&format!("{case} policy error {e:?}"));
                continue;
            }
        };
        policies += 1;
        for _ in 0..3 {
            let mut doc = String::new();
            // Mostly object roots, as payloads are.
            if r.below(5) == 0 {
                value(&mut r, 0, &mut doc);
            } else {
                doc.push('{');
                let mut keys: Vec<&str> = KEYS.to_vec();
                for i in 0..1 + r.below(4) {
                    if i > 0 {
                        doc.push(',');
                    }
                    doc.push('"');
                    let k = keys.remove(r.below(keys.len() as u64) as usize);
                    keys.retain(|&x| {
                        !matches!(
                            (k, x),
                            ("a", "\\u0061")
                                | ("\\u0061", "a")
                                | ("café", "caf\\u00e9")
                                | ("caf\\u00e9", "café")
                        )
                    });
                    doc.push_str(k);
                    doc.push_str("\":");
                    value(&mut r, 1, &mut doc);
                }
                doc.push('}');
            }
            let mut doc = doc.into_bytes();
            mutate(&mut r, &mut doc);
            let mut opts = MinimiseOptions::default();
            opts.limits.max_depth = 4 + r.below(8) as usize;
            opts.strict = r.below(4) == 0;
            log(&format!("{case} {ptext} {}", String::from_utf8_lossy(&doc)));
            match minimise(&pol, &doc, &opts) {
                Ok(m) => log(&format!(
                    "ok {} {}",
                    String::from_utf8_lossy(&m.payload),
                    m.receipt.to_json()
                )),
                Err(e) => log(&format!("err {e:?}")),
            }
            log(&format!("verify {:?}", verify(&pol, &doc, &opts)));
        }
    }
    assert!(policies > 1000, "only {policies} policies loaded");
    if let (Ok(file), Some(d)) = (std::env::var("MINSEAL_PINNED_DUMP"), dump) {
        std::fs::write(file, d).expect("write dump");
    }
    let got = minseal::hex::encode(&h.finalize());
    assert_eq!(got, PINNED, "output differs from the pinned engine");
}

/// Digest of the transcript. Only a change of the decided behaviour (docs/POLICY.md) may change
/// it; the commit that re-pins it says which. A policy the loader newly refuses shifts the
/// generator's later draws, so the whole transcript differs after it.
const PINNED: &str = "053fdb91eb126c26a40cc6343d1a7d7196ae4a1f78522cc56e641693c1acaf6d";
