use minseal::minimise::{minimise, verify, MinimiseOptions, ViolationKind};
use minseal::policy::Policy;
use minseal::ErrorCode;
use zeroize::Zeroizing;

const EXAMPLE: &str = include_str!("policies/example.json");

fn policy(rules: &str, extra: &str) -> Policy {
    Policy::from_json(
        format!(
            r#"{{"minseal_policy":1,"id":"t/x","version":"1","title":"t","basis":"b","audience":"registrar","rules":[{rules}]{extra}}}"#
        )
        .as_bytes(),
    )
    .unwrap()
}

fn opts() -> MinimiseOptions {
    MinimiseOptions {
        hash_key: Some(Zeroizing::new(vec![9u8; 32])),
        ..Default::default()
    }
}

fn run(p: &Policy, input: &str) -> String {
    let m = minimise(p, input.as_bytes(), &opts()).unwrap();
    let out = String::from_utf8(m.payload.clone()).unwrap();
    let again = minimise(p, out.as_bytes(), &opts()).unwrap();
    assert_eq!(String::from_utf8(again.payload).unwrap(), out, "idempotent");
    assert!(
        verify(p, out.as_bytes(), &opts()).unwrap().conforms,
        "output conforms: {out}"
    );
    let c = m.receipt.counts();
    assert_eq!(c.input_leaves, c.kept + c.transformed + c.removed);
    out
}

#[test]
fn documented_example() {
    let p = Policy::from_json(EXAMPLE.as_bytes()).unwrap();
    let input = r#"{
      "issuing_authority": {"name": "Staatsanwaltschaft X", "address": "secret street 1"},
      "offences": [{"code": "263", "text": "fraud", "nested": {"password": "hunter2"}}],
      "subscriber_info_sought": {"account_identifiers": ["a@b.example", 42], "other": 1},
      "contact": {"phone": "+4915112345678", "email": "x@y"},
      "subject": {"religion": "r", "name": "n"},
      "facts_summary": "long story",
      "suspect": {"name": "S"},
      "n": 123456789012345678901234567890
    }"#;
    let m = minimise(&p, input.as_bytes(), &opts()).unwrap();
    let out = String::from_utf8(m.payload.clone()).unwrap();
    assert_eq!(
        out,
        r#"{"issuing_authority":{"name":"Staatsanwaltschaft X"},"offences":[{"code":"263","text":"fraud","nested":{}}],"subscriber_info_sought":{"account_identifiers":["a@b.example"]},"contact":{"phone":"**********5678"}}"#
    );
    let json = m.receipt.to_json();
    assert!(
        json.contains(r#"{"path":"$.suspect","reason":"forbidden","count":1,"leaves":1}"#),
        "{json}"
    );
    assert!(
        json.contains(
            r#"{"path":"$.offences[*].nested.password","reason":"forbidden","count":1,"leaves":1}"#
        ),
        "{json}"
    );
    assert!(
        json.contains(r#"{"path":"$.subject.religion","reason":"sensitive","count":1,"leaves":1}"#),
        "{json}"
    );
    assert!(json.contains(r#"{"path":"$.subscriber_info_sought.account_identifiers[*]","reason":"type_mismatch","count":1,"leaves":1}"#), "{json}");
    assert!(
        json.contains(r#""transformed":[{"path":"$.contact.phone","op":"mask","count":1}]"#),
        "{json}"
    );
    assert!(json.starts_with(
        r#"{"minseal_receipt":1,"policy":{"id":"2ap/art7-order","version":"1.0.0","digest":""#
    ));
    let c = m.receipt.counts();
    assert_eq!(
        (c.input_leaves, c.kept, c.transformed, c.removed),
        (15, 4, 1, 10)
    );
    run(&p, input);

    // With a justification the sensitive field is kept.
    let justified = input.replace(
        "\"n\":",
        "\"sensitive_justification\": \"order §3\", \"n\":",
    );
    let out = run(&p, &justified);
    assert!(out.contains(r#""subject":{"religion":"r"}"#), "{out}");

    // Strict mode refuses forbidden fields, listing every path.
    let strict = MinimiseOptions {
        strict: true,
        ..opts()
    };
    let e = minimise(&p, input.as_bytes(), &strict).unwrap_err();
    assert_eq!(e.code(), ErrorCode::ForbiddenField);
    assert_eq!(e.details().len(), 3);

    let v = verify(&p, input.as_bytes(), &opts()).unwrap();
    assert!(!v.conforms);
    assert!(v
        .violations
        .iter()
        .any(|v| v.path == "$.contact.phone" && v.kind == ViolationKind::NotTransformed));
    assert!(v
        .violations
        .iter()
        .any(|v| v.path == "$.suspect" && v.kind.as_str() == "forbidden"));
}

#[test]
fn required_lists_all_missing() {
    let p = Policy::from_json(EXAMPLE.as_bytes()).unwrap();
    let e = minimise(&p, b"{\"offences\":[]}", &opts()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::MissingRequired);
    assert_eq!(e.details(), ["$.issuing_authority.name", "$.offences[*]"]);
    let p = policy(
        r#"{"path":"$.records[*].provider","required":true,"type":"string"},{"path":"$.records[*].x"}"#,
        "",
    );
    run(&p, r#"{"records":[]}"#);
    run(&p, r#"{}"#);
    let e = minimise(
        &p,
        br#"{"records":[{"provider":"a"},{"x":1},{"provider":2}]}"#,
        &opts(),
    )
    .unwrap_err();
    // A provider of the wrong type is a type mismatch, not a missing field.
    assert_eq!(e.code(), ErrorCode::TypeMismatch);
    assert_eq!(e.details(), ["$.records[*].provider: expected string"]);
    let e = minimise(&p, br#"{"records":[{"provider":"a"},{"x":1}]}"#, &opts()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::MissingRequired);
    assert_eq!(e.details(), ["$.records[*].provider"]);
    let v = verify(&p, br#"{"records":[{"x":1}]}"#, &opts()).unwrap();
    assert_eq!(v.violations[0].kind, ViolationKind::MissingRequired);
}

#[test]
fn exact_text_order_and_types() {
    let p = policy(
        r#"{"path":"$.b"},{"path":"$.a"},{"path":"$.s"},{"path":"$.i","type":"integer"},{"path":"$.o","subtree":true},{"path":"$..keep"}"#,
        r#","forbidden":["$.o.secret"]"#,
    );
    let out = run(
        &p,
        r#"{ "z":1, "a" : 1E400, "b":[1.10, {"q":1}], "s":"\u00e9\n", "i": 1.0, "o": {"x": [ 1 , {"y": null}], "secret": 1, "deep": {"keep": true}}, "d": {"e": {"keep": 1.10, "f": 1}}}"#,
    );
    assert_eq!(
        out,
        r#"{"a":1E400,"b":[],"s":"\u00e9\n","o":{"x":[1,{"y":null}],"deep":{"keep":true}},"d":{"e":{"keep":1.10}}}"#
    );
}

#[test]
fn transforms_and_errors() {
    let p = policy(
        r#"{"path":"$.ip","transform":{"op":"truncate_ip","v4":24,"v6":48}},
           {"path":"$.d","transform":{"op":"generalise_date","to":"month"}},
           {"path":"$.h","transform":{"op":"hash"}},
           {"path":"$.n","transform":{"op":"hash","prefix":"p:"}},
           {"path":"$.r","transform":{"op":"replace","value":{"b":[1,"x"],"a":null}}},
           {"path":"$.l","transform":{"op":"max_len","len":3}}"#,
        "",
    );
    let out = run(
        &p,
        r#"{"ip":"2001:db8:85a3::8a2e:370:7334","d":"2024-02-29T10:00:00+01:00","h":"alice","n":12345678901234567890,"r":{"deep":[1,2]},"l":"abcdef"}"#,
    );
    assert!(
        out.starts_with(r#"{"ip":"2001:db8:85a3::/48","d":"2024-02","h":"hmac:"#),
        "{out}"
    );
    assert!(
        out.contains(r#""n":"p:"#) && out.ends_with(r#""r":{"a":null,"b":[1,"x"]},"l":"abc"}"#),
        "{out}"
    );
    let e = minimise(&p, br#"{"ip":"not an ip"}"#, &opts()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::TransformFailed);
    assert!(e.message().contains("$.ip") && !e.message().contains("not an ip"));
    assert_eq!(
        minimise(&p, b"{}", &MinimiseOptions::default())
            .unwrap_err()
            .code(),
        ErrorCode::HashKeyRequired
    );
    let short = MinimiseOptions {
        hash_key: Some(Zeroizing::new(vec![1; 15])),
        ..Default::default()
    };
    assert_eq!(
        minimise(&p, b"{}", &short).unwrap_err().code(),
        ErrorCode::InvalidArgument
    );
    // verify needs no key: hashed output conforms.
    let m = minimise(&p, br#"{"h":"bob"}"#, &opts()).unwrap();
    assert!(
        verify(&p, &m.payload, &MinimiseOptions::default())
            .unwrap()
            .conforms
    );
}

#[test]
fn empty_policy_and_root_kinds() {
    let p = policy("", "");
    assert_eq!(run(&p, r#"{"a":{"b":1},"c":[1,2]}"#), "{}");
    assert_eq!(run(&p, "[1,{}]"), "[]");
    assert_eq!(minimise(&p, b"\"x\"", &opts()).unwrap().payload, b"null");
    let m = minimise(&p, br#"{"a":{"b":1},"c":[1,2]}"#, &opts()).unwrap();
    assert_eq!(
        m.receipt
            .to_json()
            .split("\"removed\":[")
            .nth(1)
            .unwrap()
            .split(']')
            .next()
            .unwrap(),
        r#"{"path":"$","reason":"not_allowed","count":1,"leaves":3}"#
    );
}

#[test]
fn json_errors_pass_through() {
    let p = policy(r#"{"path":"$.a"}"#, "");
    for (bad, code) in [
        (&br#"{"b":{"x":1,"x":2}}"#[..], ErrorCode::DuplicateKey),
        (br#"{"a":1} 1"#, ErrorCode::InvalidJson),
        (b"{\"b\":\"\xff\"}", ErrorCode::InvalidUtf8),
        (br#"{"b":"\udc00"}"#, ErrorCode::InvalidJson),
        (br#"{"b":01}"#, ErrorCode::InvalidJson),
    ] {
        assert_eq!(minimise(&p, bad, &opts()).unwrap_err().code(), code);
    }
    let deep = format!("{{\"b\":{}{}}}", "[".repeat(70), "]".repeat(70));
    assert_eq!(
        minimise(&p, deep.as_bytes(), &opts()).unwrap_err().code(),
        ErrorCode::TooDeep
    );
}

/// Many distinct member names, in two different automaton states, with escaped twins: more
/// names than the engine's transition and path caches hold, so slots are evicted and shared,
/// and every hit must still be the right name in the right state.
#[test]
fn many_names_through_the_engine_caches() {
    let kept: Vec<String> = (0..20).map(|i| format!("k{}", i * 37)).collect();
    let rules: Vec<String> = kept
        .iter()
        .map(|k| format!(r#"{{"path":"$.a[*].{k}"}},{{"path":"$.b.{k}x"}}"#))
        .collect();
    let p = policy(&rules.join(","), r#","forbidden":["$..password"]"#);
    let names: Vec<String> = (0..1500).map(|i| format!("k{i}")).collect();
    let member = |n: &String, v: usize| format!(r#""{n}":{v}"#);
    let obj: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(i, n)| member(n, i))
        .collect();
    let objx: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(i, n)| member(&format!("{n}x"), i))
        .collect();
    // The same names escaped (`\u006b` is `k`): decoded, they are the same names.
    let escaped: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(i, n)| format!(r#""\u006b{}":{i}"#, &n[1..]))
        .collect();
    let input = format!(
        r#"{{"a":[{{{o}}},{{{e}}},{{{o}}}],"b":{{{x}}}}}"#,
        o = obj.join(","),
        e = escaped.join(","),
        x = objx.join(",")
    );
    let want_a: Vec<String> = kept
        .iter()
        .map(|k| member(k, k[1..].parse().unwrap()))
        .collect();
    let want_b: Vec<String> = kept
        .iter()
        .map(|k| member(&format!("{k}x"), k[1..].parse().unwrap()))
        .collect();
    // Kept members are copied as written: the escaped key stays escaped.
    let want_e: Vec<String> = kept
        .iter()
        .map(|k| format!(r#""\u006b{}":{}"#, &k[1..], &k[1..]))
        .collect();
    let a = want_a.join(",");
    let want = format!(
        r#"{{"a":[{{{a}}},{{{}}},{{{a}}}],"b":{{{}}}}}"#,
        want_e.join(","),
        want_b.join(",")
    );
    assert_eq!(run(&p, &input), want);
}
