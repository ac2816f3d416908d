//! The policy compiler's limits through the public API: an adversarial policy of descendant
//! chains is refused with `invalid_policy` naming the limit, each limit triggers, and the
//! built-in profiles load. The work bound itself is asserted with the compiler's step counter
//! in `src/policy/compile_tests.rs`; `examples/policy_compile_time.rs` measures the time.

use minseal::policy::{Policy, PolicyLimits, MAX_PATH_SEGMENTS, MAX_STATES};
use minseal::ErrorCode;

/// A policy document with these rule paths.
fn policy(paths: impl Iterator<Item = String>) -> Vec<u8> {
    let rules: Vec<String> = paths.map(|p| format!("{{\"path\":\"{p}\"}}")).collect();
    format!(
        "{{\"minseal_policy\":1,\"id\":\"t/bounds\",\"version\":\"1\",\"title\":\"t\",\"basis\":\"t\",\
         \"audience\":\"service_provider\",\"rules\":[{}]}}",
        rules.join(",")
    )
    .into_bytes()
}

/// `n` rules, each `$..x` then `depth` segments `..yD` (D a digit; the digits of `i × K` tell the
/// rules apart).
fn descendant_chains(n: u64, depth: u32) -> Vec<u8> {
    policy((0..n).map(|i| {
        let mut p = String::from("$..x");
        for j in 0..depth {
            p.push_str(&format!(
                "..y{}",
                i * 2_654_435_761 / 10u64.pow(j % 12) % 10
            ));
        }
        p
    }))
}

fn refusal(doc: &[u8], limits: &PolicyLimits) -> String {
    let e = Policy::from_json_with_limits(doc, limits).expect_err("refused");
    assert_eq!(e.code(), ErrorCode::InvalidPolicy, "{}", e.message());
    e.details().join("; ")
}

#[test]
fn four_thousand_descendant_chains_are_refused() {
    // 4096 rules of `$..x` and 60 `..yD`: 1 MiB of policy (so a 2 MiB size limit here).
    let doc = descendant_chains(4096, 60);
    let big = PolicyLimits {
        max_bytes: 2 << 20,
        ..PolicyLimits::default()
    };
    let d = refusal(&doc, &big);
    assert!(d.contains("max_path_segments limit of 16384"), "{d}");
    // Inside the segment limit, the same shape exceeds the automaton's limits.
    let doc = descendant_chains(268, 60);
    let d = refusal(&doc, &PolicyLimits::default());
    assert!(
        d.contains("max_states") || d.contains("max_compile_steps"),
        "{d}"
    );
}

#[test]
fn the_segment_and_state_limits_trigger() {
    assert_eq!((MAX_PATH_SEGMENTS, MAX_STATES), (16_384, 10_000));
    // `$.aI.b.c` adds three states per rule (plus the dead and the start state): 3300 rules
    // make 9902, 3400 make 10 202.
    let doc = policy((0..3300).map(|i| format!("$.a{i}.b.c")));
    assert!(Policy::from_json(&doc).is_ok());
    let doc = policy((0..3400).map(|i| format!("$.a{i}.b.c")));
    let d = refusal(&doc, &PolicyLimits::default());
    assert!(d.contains("max_states limit of 10000"), "{d}");
    // 4096 rules of four descendant segments: 16 384 segments, at the limit, but their
    // automaton is too big.
    let doc = policy((0..4096).map(|i| format!("$..a{i}..b..c..d")));
    let d = refusal(&doc, &PolicyLimits::default());
    assert!(
        d.contains("max_compile_steps") || d.contains("max_states"),
        "{d}"
    );
    // One more segment per rule: over the segment limit, refused before compiling.
    let doc = policy((0..4096).map(|i| format!("$..a{i}..b..c..d.e")));
    let d = refusal(&doc, &PolicyLimits::default());
    assert!(d.contains("20480 path segments"), "{d}");
    assert!(d.contains("max_path_segments limit of 16384"), "{d}");
}

#[test]
fn every_builtin_profile_loads() {
    for p in minseal::policy::builtins() {
        let pol = Policy::builtin(p.id).expect(p.id);
        let again = Policy::from_json(pol.canonical_json().as_bytes()).expect(p.id);
        assert_eq!(again.digest(), pol.digest());
    }
}
