//! The compiler's bounds, measured with its work counter ([`Budget`]), not a timer: the
//! limits trigger, a refused policy stops within its budget, and the counter covers what the
//! automaton keeps (so memory is bounded by the same number as time).

use super::{compile_within, Budget, MAX_COMPILE_STEPS, MAX_PATH_SEGMENTS, MAX_STATES};
use crate::policy::builtin::PROFILES;
use crate::policy::model::{self, Doc};
use proptest::prelude::*;

fn doc(rules: &[String], forbidden: &[String]) -> Doc {
    let rules: Vec<String> = rules
        .iter()
        .map(|p| format!("{{\"path\":\"{p}\"}}"))
        .collect();
    let forbidden: Vec<String> = forbidden.iter().map(|p| format!("\"{p}\"")).collect();
    let text = format!(
        "{{\"minseal_policy\":1,\"id\":\"t/bound\",\"version\":\"1\",\"title\":\"t\",\"basis\":\"t\",\
         \"audience\":\"service_provider\",\"rules\":[{}],\"forbidden\":[{}]}}",
        rules.join(","),
        forbidden.join(",")
    );
    let value = crate::json::value::parse(text.as_bytes()).expect("generated JSON parses");
    model::read(&value).expect("generated policy is valid")
}

/// The adversarial shape: `n` rules, each `$..x` then `depth` descendant segments over the
/// names `y0`…`y9`, in an order that differs from rule to rule (digits of `i × K`, K odd and
/// not a multiple of 5, so the first 12 segments already tell the rules apart).
pub(crate) fn descendant_chains(n: usize, depth: usize) -> Vec<String> {
    (0..n as u64)
        .map(|i| {
            let mut p = String::from("$..x");
            for j in 0..depth as u32 {
                let digit = i * 2_654_435_761 / 10u64.pow(j % 12) % 10;
                p.push_str(&format!("..y{digit}"));
            }
            p
        })
        .collect()
}

/// Compiles `d` with a budget of `max` steps: the outcome and the steps spent.
fn run(d: &Doc, max: u64) -> (Result<super::Automaton, String>, u64) {
    let mut b = Budget::new(max);
    let r = compile_within(d, &mut b);
    (r, b.used)
}

/// What the automaton keeps: states, named transitions, and the rule lists copied into them.
fn size(a: &super::Automaton) -> u64 {
    a.states
        .iter()
        .map(|s| 1 + s.named.len() + s.anchors.len() + s.satisfies.len())
        .sum::<usize>() as u64
}

#[test]
fn the_reported_policy_is_refused_within_the_budget() {
    // 4096 rules of 61 segments: 249 856 segments, far over the segment limit, refused before
    // any automaton work.
    let d = doc(&descendant_chains(4096, 60), &[]);
    let (r, used) = run(&d, MAX_COMPILE_STEPS);
    let e = r.expect_err("refused");
    assert!(e.contains("max_path_segments limit of 16384"), "{e}");
    assert!(e.contains("249856 path segments"), "{e}");
    assert_eq!(used, 0);
    // Within the segment limit (268 rules × 61 segments), the same shape runs into the
    // automaton's limits instead, and stops there.
    let d = doc(&descendant_chains(268, 60), &[]);
    let (r, used) = run(&d, MAX_COMPILE_STEPS);
    let e = r.expect_err("refused");
    assert!(
        e.contains("max_states") || e.contains("max_compile_steps"),
        "{e}"
    );
    assert!(used <= MAX_COMPILE_STEPS, "{used}");
}

#[test]
fn the_state_limit_triggers() {
    // Each `$.aK.b.c` adds three states of its own.
    let rules: Vec<String> = (0..MAX_STATES / 3 + 1)
        .map(|k| format!("$.a{k}.b.c"))
        .collect();
    let (r, used) = run(&doc(&rules, &[]), MAX_COMPILE_STEPS);
    let e = r.expect_err("refused");
    assert!(e.contains("max_states limit of 10000"), "{e}");
    assert!(used < MAX_COMPILE_STEPS / 4, "{used}");
    let (r, _) = run(&doc(&rules[..MAX_STATES / 3 - 10], &[]), MAX_COMPILE_STEPS);
    assert!(r.is_ok());
}

#[test]
fn the_segment_limit_counts_rules_and_forbidden_paths() {
    // 4095 rules and one forbidden path of four segments each: 16 384 segments (in a trie of
    // 4100 states), accepted; one more segment in the forbidden path is not.
    let rules: Vec<String> = (0..4095).map(|i| format!("$.x.x.x.a{i}")).collect();
    let d = doc(&rules, &["$.y.y.y.y".to_owned()]);
    assert!(run(&d, MAX_COMPILE_STEPS).0.is_ok());
    let d = doc(&rules, &["$.y.y.y.y.y".to_owned()]);
    let (r, used) = run(&d, MAX_COMPILE_STEPS);
    let e = r.expect_err("refused");
    assert!(e.contains("16385 path segments"), "{e}");
    assert!(e.contains("max_path_segments limit of 16384"), "{e}");
    assert_eq!(used, 0);
}

#[test]
fn builtin_profiles_are_far_inside_the_limits() {
    for p in PROFILES {
        let d = p.doc().expect("built-in profile");
        let segs: usize = d.rules.iter().map(|r| r.path.len()).sum::<usize>()
            + d.forbidden.iter().map(Vec::len).sum::<usize>();
        let (r, used) = run(&d, MAX_COMPILE_STEPS);
        let a = r.expect("compiles");
        assert!(segs * 50 < MAX_PATH_SEGMENTS, "{}: {segs} segments", p.id);
        assert!(
            a.states.len() * 40 < MAX_STATES,
            "{}: {} states",
            p.id,
            a.states.len()
        );
        assert!(used * 20 < MAX_COMPILE_STEPS, "{}: {used} steps", p.id);
    }
}

/// One path of an adversarial policy: mostly `..name` over a few names (the shape that makes
/// the subset construction blow up), some plain names and wildcards.
fn path() -> impl Strategy<Value = String> {
    let seg = prop_oneof![
        6 => (0u8..6).prop_map(|n| format!("..n{n}")),
        2 => (0u8..6).prop_map(|n| format!(".n{n}")),
        1 => Just(".*".to_owned()),
    ];
    proptest::collection::vec(seg, 1..12).prop_map(|s| format!("${}", s.concat()))
}

fn policy() -> impl Strategy<Value = (Vec<String>, Vec<String>)> {
    (
        proptest::collection::btree_set(path(), 1..40),
        proptest::collection::btree_set(path(), 0..4),
    )
        .prop_map(|(r, f)| {
            // Forbidden paths may not also be rules, nor prefixes of one.
            let f: Vec<String> = f
                .into_iter()
                .filter(|f| !r.iter().any(|p| p.starts_with(f.as_str())))
                .collect();
            (r.into_iter().collect(), f)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the policy: the steps spent never pass the budget (each is paid for before it
    /// is taken), the automaton kept is no larger than the steps
    /// spent, and the steps a policy needs are exactly what it takes (one fewer refuses it).
    #[test]
    fn work_is_bounded_by_the_budget((rules, forbidden) in policy(), max in 1_000u64..200_000) {
        let d = doc(&rules, &forbidden);
        let (r, used) = run(&d, max);
        prop_assert!(used <= max, "{used} > {max}");
        match r {
            Ok(a) => {
                prop_assert!(size(&a) <= used);
                prop_assert!(a.states.len() <= MAX_STATES);
                prop_assert!(run(&d, used).0.is_ok());
                let e = run(&d, used - 1).0.err();
                prop_assert!(e.is_some_and(|e| e.contains("max_compile_steps")));
            }
            Err(e) => prop_assert!(
                e.contains("max_compile_steps") || e.contains("max_states"),
                "{e}"
            ),
        }
    }
}
