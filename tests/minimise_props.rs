//! Property tests over generated documents and generated policies, with an independent,
//! deliberately simple reference implementation over `serde_json::Value` (a differential test
//! of the single-pass engine).

use minseal::minimise::{minimise, verify, MinimiseOptions};
use minseal::policy::Policy;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{json, Map, Value};

const NAMES: &[&str] = &["a", "b", "c", "password", "odd key"];

#[derive(Clone, Debug, PartialEq)]
enum Seg {
    Child(&'static str),
    Wild,
    Desc(&'static str),
}

#[derive(Clone, Debug)]
struct Rule {
    path: Vec<Seg>,
    subtree: bool,
    ty: Option<&'static str>,
    replace: bool,
}

fn text(path: &[Seg]) -> String {
    let mut s = String::from("$");
    for seg in path {
        match seg {
            Seg::Child(n) if n.contains(' ') => s.push_str(&format!("['{n}']")),
            Seg::Child(n) => s.push_str(&format!(".{n}")),
            Seg::Wild => s.push_str("[*]"),
            Seg::Desc(n) if n.contains(' ') => s.push_str(&format!("..['{n}']")),
            Seg::Desc(n) => s.push_str(&format!("..{n}")),
        }
    }
    s
}

fn seg() -> impl Strategy<Value = Seg> {
    let name = prop::sample::select(NAMES);
    prop_oneof![
        4 => name.clone().prop_map(Seg::Child),
        2 => Just(Seg::Wild),
        1 => name.prop_map(Seg::Desc),
    ]
}

fn rules() -> impl Strategy<Value = (Vec<Rule>, Vec<Vec<Seg>>)> {
    let rule = (
        prop::collection::vec(seg(), 1..4),
        prop::bool::weighted(0.25),
        prop::option::weighted(
            0.2,
            prop::sample::select(&["string", "integer", "object", "array"][..]),
        ),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(path, subtree, ty, replace)| {
            let replace = replace && !subtree;
            let ty = if replace { None } else { ty };
            Rule {
                path,
                subtree,
                ty,
                replace,
            }
        });
    (
        prop::collection::vec(rule, 0..6),
        prop::collection::vec(prop::collection::vec(seg(), 1..3), 0..2),
    )
        .prop_map(|(rules, forbidden)| {
            // Keep the generated policy loadable: no duplicate paths, nothing under a forbidden path.
            let mut out: Vec<Rule> = Vec::new();
            for r in rules {
                if out.iter().all(|q| q.path != r.path)
                    && !forbidden.iter().any(|f| r.path.starts_with(f))
                {
                    out.push(r);
                }
            }
            (out, forbidden)
        })
}

fn policy_json(rules: &[Rule], forbidden: &[Vec<Seg>]) -> String {
    let rules: Vec<Value> = rules
        .iter()
        .map(|r| {
            let mut o = json!({ "path": text(&r.path) });
            if r.subtree {
                o["subtree"] = json!(true);
            }
            if let Some(t) = r.ty {
                o["type"] = json!(t);
            }
            if r.replace {
                o["transform"] = json!({"op": "replace", "value": "X"});
                o.as_object_mut().unwrap().remove("type");
            }
            o
        })
        .collect();
    json!({
        "minseal_policy": 1, "id": "prop/test", "version": "1", "title": "t", "basis": "b",
        "audience": "registrar", "rules": rules,
        "forbidden": forbidden.iter().map(|f| text(f)).collect::<Vec<_>>(),
    })
    .to_string()
}

fn doc() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<i32>().prop_map(|n| json!(n)),
        "[a-z]{0,6}".prop_map(Value::String),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
    ];
    leaf.prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(prop::sample::select(NAMES), inner, 0..5).prop_map(|m| {
                Value::Object(
                    m.into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect::<Map<_, _>>(),
                )
            }),
        ]
    })
}

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index,
}

fn matches(pat: &[Seg], path: &[Step]) -> bool {
    match (pat.first(), path.first()) {
        (None, None) => true,
        (None, _) | (Some(_), None) => false,
        (Some(Seg::Child(n)), Some(Step::Key(k))) => n == k && matches(&pat[1..], &path[1..]),
        (Some(Seg::Child(_)), _) => false,
        (Some(Seg::Wild), _) => matches(&pat[1..], &path[1..]),
        (Some(Seg::Desc(n)), _) => (0..path.len()).any(|i| {
            matches!(&path[i], Step::Key(k) if k == n) && matches(&pat[1..], &path[i + 1..])
        }),
    }
}

fn type_ok(ty: &str, v: &Value) -> bool {
    match ty {
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "object" => v.is_object(),
        "array" => v.is_array(),
        _ => true,
    }
}

fn leaves(v: &Value) -> u64 {
    match v {
        Value::Object(m) if !m.is_empty() => m.values().map(leaves).sum(),
        Value::Array(a) if !a.is_empty() => a.iter().map(leaves).sum(),
        _ => 1,
    }
}

/// The reference: POLICY.md "Keeping and removing", written the obvious way.
fn reference(
    v: &Value,
    path: &mut Vec<Step>,
    rules: &[Rule],
    forbidden: &[Vec<Seg>],
    sub: bool,
) -> Option<Value> {
    if forbidden.iter().any(|f| matches(f, path)) {
        return None;
    }
    let hit: Vec<&Rule> = rules.iter().filter(|r| matches(&r.path, path)).collect();
    let mut keep = sub;
    let mut sub = sub;
    if !hit.is_empty() {
        if hit.iter().any(|r| r.ty.is_some_and(|t| !type_ok(t, v))) {
            return None;
        }
        if hit.iter().any(|r| r.replace) {
            return Some(json!("X"));
        }
        keep = true;
        sub |= hit.iter().any(|r| r.subtree);
    }
    match v {
        Value::Object(m) if !m.is_empty() => {
            let mut out = Map::new();
            for (k, c) in m {
                path.push(Step::Key(k.clone()));
                if let Some(c) = reference(c, path, rules, forbidden, sub) {
                    out.insert(k.clone(), c);
                }
                path.pop();
            }
            (keep || !out.is_empty()).then_some(Value::Object(out))
        }
        Value::Array(a) if !a.is_empty() => {
            let mut out = Vec::new();
            for c in a {
                path.push(Step::Index);
                if let Some(c) = reference(c, path, rules, forbidden, sub) {
                    out.push(c);
                }
                path.pop();
            }
            (keep || !out.is_empty()).then_some(Value::Array(out))
        }
        _ => keep.then(|| v.clone()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn engine_matches_reference((rules, forbidden) in rules(), doc in doc()) {
        // The loader refuses some generated combinations (a transform whose output another
        // matching rule's type refuses); those are not policies, so draw again.
        let Ok(policy) = Policy::from_json(policy_json(&rules, &forbidden).as_bytes()) else {
            return Err(TestCaseError::reject("policy refused at load"));
        };
        let input = serde_json::to_vec_pretty(&doc).unwrap();
        let opts = MinimiseOptions::default();
        let m = minimise(&policy, &input, &opts).unwrap();
        let got: Value = serde_json::from_slice(&m.payload).unwrap();
        let want = reference(&doc, &mut Vec::new(), &rules, &forbidden, false).unwrap_or_else(|| match doc {
            Value::Object(_) => json!({}),
            Value::Array(_) => json!([]),
            _ => Value::Null,
        });
        prop_assert_eq!(&got, &want, "payload {}", String::from_utf8_lossy(&m.payload));

        // Idempotence, byte for byte; the output conforms.
        let again = minimise(&policy, &m.payload, &opts).unwrap();
        prop_assert_eq!(&again.payload, &m.payload);
        if doc.is_object() || doc.is_array() {
            let v = verify(&policy, &m.payload, &opts).unwrap();
            prop_assert!(v.conforms, "{:?}", v.violations);
        }

        // kept + transformed + removed == input leaves (counted independently).
        let c = m.receipt.counts();
        prop_assert_eq!(c.input_leaves, leaves(&doc));
        prop_assert_eq!(c.kept + c.transformed + c.removed, c.input_leaves);
        // Removed entries account for every removed leaf.
        prop_assert_eq!(m.receipt.removed().iter().map(|e| e.leaves).sum::<u64>(), c.removed);
        // The receipt digest is over exactly the output bytes.
        let json = m.receipt.to_json();
        let bytes = format!("\"bytes\":{}", m.payload.len());
        prop_assert!(json.contains(&bytes), "{}", json);
    }

    #[test]
    fn every_output_leaf_is_allowed((rules, forbidden) in rules(), doc in doc()) {
        // The loader refuses some generated combinations (a transform whose output another
        // matching rule's type refuses); those are not policies, so draw again.
        let Ok(policy) = Policy::from_json(policy_json(&rules, &forbidden).as_bytes()) else {
            return Err(TestCaseError::reject("policy refused at load"));
        };
        let input = serde_json::to_vec(&doc).unwrap();
        let m = minimise(&policy, &input, &MinimiseOptions::default()).unwrap();
        let out: Value = serde_json::from_slice(&m.payload).unwrap();
        fn walk(v: &Value, path: &mut Vec<Step>, rules: &[Rule], forbidden: &[Vec<Seg>]) -> bool {
            if forbidden.iter().any(|f| matches(f, path)) {
                return false;
            }
            let allowed = (0..=path.len()).any(|i| rules.iter().any(|r| matches(&r.path, &path[..i]) && (i == path.len() || r.subtree)));
            match v {
                Value::Object(m) if !m.is_empty() => m.iter().all(|(k, c)| {
                    path.push(Step::Key(k.clone()));
                    let ok = walk(c, path, rules, forbidden);
                    path.pop();
                    ok
                }),
                Value::Array(a) if !a.is_empty() => a.iter().all(|c| {
                    path.push(Step::Index);
                    let ok = walk(c, path, rules, forbidden);
                    path.pop();
                    ok
                }),
                _ => allowed || path.is_empty(),
            }
        }
        prop_assert!(walk(&out, &mut Vec::new(), &rules, &forbidden), "{}", out);
    }
}
