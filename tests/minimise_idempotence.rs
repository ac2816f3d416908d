//! Over generated policies (sensitive rules, typed and subtree justifications, forbidden
//! descendants, transforms, `required` and `required_any_of`) and generated payloads: whatever
//! `minimise` outputs is a fixed point (`minimise(minimise(x)) == minimise(x)`, with nothing
//! removed or transformed the second time) and `verify` accepts it (docs/POLICY.md, "Keeping
//! and removing").

use minseal::minimise::{minimise, verify, MinimiseOptions};
use minseal::policy::Policy;
use proptest::prelude::*;
use serde_json::{json, Value};

const NAMES: &[&str] = &["a", "b", "h", "j", "x"];

fn seg() -> impl Strategy<Value = String> {
    let name = prop::sample::select(NAMES);
    prop_oneof![
        4 => name.clone().prop_map(|n| format!(".{n}")),
        2 => Just("[*]".to_owned()),
        1 => name.prop_map(|n| format!("..{n}")),
    ]
}

fn path(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(seg(), 1..max).prop_map(|s| format!("${}", s.concat()))
}

fn rule() -> impl Strategy<Value = Value> {
    let ty = prop::option::weighted(
        0.3,
        prop::sample::select(vec![
            json!("string"),
            json!("integer"),
            json!("object"),
            json!("array"),
            json!(["string", "object"]),
        ]),
    );
    let transform = prop::option::weighted(
        0.2,
        prop::sample::select(vec![
            json!({"op":"replace","value":"R"}),
            json!({"op":"replace","value":{"r":1}}),
            json!({"op":"max_len","len":2}),
            json!({"op":"mask","keep_last":1}),
        ]),
    );
    (
        path(4),
        ty,
        transform,
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.15),
    )
        .prop_map(|(path, ty, transform, subtree, sensitive, required)| {
            let mut r = json!({ "path": path });
            if let Some(t) = ty {
                r["type"] = t;
            }
            match transform {
                Some(t) => r["transform"] = t,
                None if subtree => r["subtree"] = json!(true),
                None => {}
            }
            if sensitive {
                r["category"] = json!("health_data");
            }
            if required {
                r["required"] = json!(true);
            }
            r
        })
}

/// A policy document; whether it loads is up to the loader (the test skips those it refuses).
fn policy() -> impl Strategy<Value = String> {
    let justification = prop::option::weighted(
        0.6,
        prop::sample::select(vec![
            json!({"path":"$.j"}),
            json!({"path":"$.j","type":"string"}),
            json!({"path":"$.j","type":["string","object"]}),
            json!({"path":"$.j","subtree":true}),
        ]),
    );
    (
        prop::collection::vec(rule(), 0..6),
        prop::collection::vec(path(3), 0..3),
        justification,
        prop::option::weighted(0.2, prop::collection::vec(path(3), 1..3)),
    )
        .prop_map(|(mut rules, forbidden, justification, group)| {
            let mut doc = json!({
                "minseal_policy": 1, "id": "prop/idem", "version": "1", "title": "t",
                "basis": "b", "audience": "registrar", "forbidden": forbidden,
            });
            if let Some(j) = justification {
                rules.push(j);
                rules.push(json!({"path": "$.h", "category": "health_data"}));
                doc["sensitive"] = json!({"allow": ["health_data"], "justification": "$.j"});
            }
            if let Some(g) = group {
                doc["required_any_of"] = json!([{ "paths": g }]);
            }
            doc["rules"] = Value::Array(rules);
            doc.to_string()
        })
}

/// A generated value, often with a top-level `j` (the justification) and `h` (sensitive).
fn payload() -> impl Strategy<Value = Value> {
    (
        value(),
        prop::option::weighted(0.7, value()),
        prop::option::weighted(0.7, value()),
    )
        .prop_map(|(v, j, h)| match v {
            Value::Object(mut o) => {
                if let Some(j) = j {
                    o.insert("j".into(), j);
                }
                if let Some(h) = h {
                    o.insert("h".into(), h);
                }
                Value::Object(o)
            }
            v => v,
        })
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        (-3i32..3).prop_map(|n| json!(n)),
        prop::sample::select(vec!["", " ", "why", "10.1.2.3", "R"]).prop_map(|s| json!(s)),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
    ];
    leaf.prop_recursive(4, 40, 4, |inner| {
        prop_oneof![
            1 => prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            2 => prop::collection::vec((prop::sample::select(NAMES), inner), 0..4).prop_map(|m| {
                let mut o = serde_json::Map::new();
                for (k, v) in m {
                    o.insert(k.to_owned(), v);
                }
                Value::Object(o)
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, max_global_rejects: 100_000, ..ProptestConfig::default() })]

    #[test]
    fn minimised_output_is_a_fixed_point_and_verifies(
        src in policy(),
        docs in prop::collection::vec(payload(), 1..6),
    ) {
        let p = Policy::from_json(src.as_bytes());
        prop_assume!(p.is_ok());
        let p = p.unwrap();
        let opts = MinimiseOptions::default();
        for doc in docs {
            let input = doc.to_string();
            let Ok(once) = minimise(&p, input.as_bytes(), &opts) else {
                continue;
            };
            let twice = minimise(&p, &once.payload, &opts).unwrap_or_else(|e| {
                panic!("{src}\n{input}\n{}: {e}", String::from_utf8_lossy(&once.payload))
            });
            prop_assert_eq!(&twice.payload, &once.payload, "{}\n{}", src, input);
            prop_assert!(twice.receipt.removed.is_empty(), "{}\n{}\n{:?}", src, input, twice.receipt);
            prop_assert!(twice.receipt.transformed.is_empty(), "{}\n{}\n{:?}", src, input, twice.receipt);
            let v = verify(&p, &once.payload, &opts).unwrap();
            prop_assert!(v.conforms, "{}\n{}\n{:?}", src, input, v);
        }
    }
}
