//! `schema/policy.schema.json` is well-formed, every policy in the repo validates against it,
//! and the fields it lists are exactly the fields the loader accepts.
//!
//! The `jsonschema` crate is not available offline here, so this file carries a small validator
//! for the keywords the schema uses (type, const, enum, required, properties,
//! additionalProperties, items, $ref, oneOf, minimum/maximum, minItems, pattern `^\$`).

use minseal::policy::Policy;
use serde_json::{json, Value};

fn schema() -> Value {
    serde_json::from_str(&std::fs::read_to_string("schema/policy.schema.json").unwrap()).unwrap()
}

fn resolve<'a>(root: &'a Value, s: &'a Value) -> &'a Value {
    match s.get("$ref").and_then(Value::as_str) {
        Some(r) => root
            .pointer(r.trim_start_matches('#'))
            .expect("dangling $ref"),
        None => s,
    }
}

fn valid(root: &Value, s: &Value, v: &Value) -> bool {
    let s = resolve(root, s);
    if s == &Value::Bool(true) {
        return true;
    }
    if let Some(t) = s.get("type").and_then(Value::as_str) {
        let ok = match t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "integer" => v.is_i64() || v.is_u64(),
            "boolean" => v.is_boolean(),
            other => panic!("unhandled type {other}"),
        };
        if !ok {
            return false;
        }
    }
    if let Some(c) = s.get("const") {
        if c != v {
            return false;
        }
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array) {
        if !e.contains(v) {
            return false;
        }
    }
    if let (Some(p), Some(x)) = (s.get("pattern").and_then(Value::as_str), v.as_str()) {
        if p == "^\\$" && !x.starts_with('$') {
            return false;
        }
    }
    if let (Some(m), Some(n)) = (s.get("minimum").and_then(Value::as_i64), v.as_i64()) {
        if n < m {
            return false;
        }
    }
    if let (Some(m), Some(n)) = (s.get("maximum").and_then(Value::as_i64), v.as_i64()) {
        if n > m {
            return false;
        }
    }
    if let Some(one) = s.get("oneOf").and_then(Value::as_array) {
        if one.iter().filter(|o| valid(root, o, v)).count() != 1 {
            return false;
        }
    }
    if let Some(o) = v.as_object() {
        let props = s.get("properties").and_then(Value::as_object);
        for r in s
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !o.contains_key(r.as_str().unwrap()) {
                return false;
            }
        }
        for (k, x) in o {
            match props.and_then(|p| p.get(k)) {
                Some(ps) => {
                    if !valid(root, ps, x) {
                        return false;
                    }
                }
                None => {
                    if s.get("additionalProperties") == Some(&Value::Bool(false)) {
                        return false;
                    }
                }
            }
        }
    }
    if let Some(a) = v.as_array() {
        if let Some(m) = s.get("minItems").and_then(Value::as_u64) {
            if (a.len() as u64) < m {
                return false;
            }
        }
        if let Some(items) = s.get("items") {
            if !a.iter().all(|x| valid(root, items, x)) {
                return false;
            }
        }
    }
    true
}

fn repo_policies() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for dir in ["tests/policies", "policies"] {
        let Ok(rd) = std::fs::read_dir(dir) else {
            continue;
        };
        for e in rd {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "json") {
                out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out
}

#[test]
fn every_repo_policy_validates_and_loads() {
    let root = schema();
    assert_eq!(
        root["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let all = repo_policies();
    assert!(!all.is_empty());
    for (name, bytes) in all {
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        assert!(
            valid(&root, &root, &v),
            "{name} does not validate against the schema"
        );
        Policy::from_json(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

fn base() -> Value {
    json!({"minseal_policy":1,"id":"t/x","version":"1","title":"t","basis":"b","audience":"registrar","rules":[]})
}

fn unknown_field_problem(v: &Value) -> bool {
    match Policy::from_json(v.to_string().as_bytes()) {
        Ok(_) => false,
        Err(e) => e.details().iter().any(|d| d.contains("unknown field")),
    }
}

#[test]
fn schema_fields_match_the_loader() {
    let root = schema();
    // Top level.
    for k in root["properties"].as_object().unwrap().keys() {
        let mut v = base();
        let sample = match k.as_str() {
            "rules" | "forbidden" | "required_any_of" => json!([]),
            "senders" => json!(["competent_authority"]),
            "sensitive" => json!({}),
            "minseal_policy" => json!(1),
            "audience" => json!("registrar"),
            "id" => json!("t/x"),
            _ => json!("x"),
        };
        v[k] = sample;
        assert!(
            !unknown_field_problem(&v),
            "loader refuses schema field {k}"
        );
        assert!(valid(&root, &root, &v));
    }
    let mut v = base();
    v["extra"] = json!(1);
    assert!(unknown_field_problem(&v) && !valid(&root, &root, &v));
    // Rule fields.
    for k in root["$defs"]["rule"]["properties"]
        .as_object()
        .unwrap()
        .keys()
    {
        let mut rule = json!({"path":"$.a"});
        rule[k] = match k.as_str() {
            "path" => json!("$.a"),
            "required" | "subtree" => json!(false),
            "type" => json!("string"),
            "transform" => json!({"op":"max_len","len":1}),
            "category" => json!("health_data"),
            _ => json!("x"),
        };
        let mut v = base();
        v["rules"] = json!([rule]);
        assert!(!unknown_field_problem(&v), "loader refuses rule field {k}");
        assert!(valid(&root, &root, &v), "schema refuses rule field {k}");
    }
    // Transform parameters: each op's listed fields are accepted, an extra one is refused.
    for t in root["$defs"]["transform"]["oneOf"].as_array().unwrap() {
        let props = t["properties"].as_object().unwrap();
        let op = props["op"]["const"].as_str().unwrap();
        let mut tr = json!({"op": op});
        for k in props.keys().filter(|k| *k != "op") {
            tr[k] = match k.as_str() {
                "keep_last" | "len" => json!(1),
                "v4" => json!(24),
                "v6" => json!(48),
                "to" => json!("year"),
                "char" => json!("#"),
                _ => json!("x"),
            };
        }
        let mut v = base();
        v["rules"] = json!([{"path":"$.a","transform": tr.clone()}]);
        Policy::from_json(v.to_string().as_bytes()).unwrap_or_else(|e| panic!("{op}: {e}"));
        assert!(valid(&root, &root, &v), "{op}");
        tr["bogus"] = json!(1);
        v["rules"] = json!([{"path":"$.a","transform": tr}]);
        assert!(
            unknown_field_problem(&v) && !valid(&root, &root, &v),
            "{op}"
        );
    }
}
