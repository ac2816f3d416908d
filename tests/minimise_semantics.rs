//! The engine's decided behaviour where POLICY.md once said less than the engine did: each test
//! pins one rule of docs/POLICY.md ("Sensitive data", "Required", "Paths", "Keeping and
//! removing", "Errors").

use minseal::minimise::{minimise, verify, MinimiseOptions, Minimised};
use minseal::policy::Policy;
use minseal::ErrorCode;

fn load(body: &str) -> Result<Policy, minseal::Error> {
    Policy::from_json(
        format!(
            r#"{{"minseal_policy":1,"id":"t/sem","version":"1","title":"t","basis":"b",
            "audience":"registrar",{body}}}"#
        )
        .as_bytes(),
    )
}

fn refused(body: &str, needle: &str) {
    let e = load(body).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidPolicy);
    let all = e.details().join("\n");
    assert!(all.contains(needle), "{needle:?} not in\n{all}");
}

fn run(p: &Policy, payload: &str) -> Minimised {
    let opts = MinimiseOptions::default();
    let m = minimise(p, payload.as_bytes(), &opts).unwrap();
    // Every output is a fixed point and conforms.
    let again = minimise(p, &m.payload, &opts).unwrap();
    assert_eq!(again.payload, m.payload, "{payload}");
    let v = verify(p, &m.payload, &opts).unwrap();
    assert!(v.conforms, "{payload}: {v:?}");
    m
}

fn out(p: &Policy, payload: &str) -> String {
    String::from_utf8(run(p, payload).payload).unwrap()
}

const HEALTH: &str = r#""sensitive":{"allow":["health_data"],"justification":"$.j"}"#;

// 1. A justification the engine removes or empties does not justify.

#[test]
fn justification_paths_the_rules_would_remove_are_refused() {
    let h = r#"{"path":"$.h","category":"health_data"}"#;
    for (j_rule, extra, needle) in [
        (
            r#"{"path":"$.j","type":"number"}"#,
            "",
            "a rule's `type` admits no value that could justify",
        ),
        (
            r#"{"path":"$.j","type":["boolean","null"]}"#,
            "",
            "a rule's `type` admits no value",
        ),
        (
            r#"{"path":"$.j"}"#,
            r#","forbidden":["$..j"]"#,
            "a forbidden path removes it",
        ),
        (
            r#"{"path":"$.j","transform":{"op":"max_len","len":0}}"#,
            "",
            "a rule transforms it",
        ),
        (
            r#"{"path":"$.j","transform":{"op":"mask","keep_last":1}}"#,
            "",
            "a rule transforms it",
        ),
        (
            r#"{"path":"$.j"},{"path":"$..j","category":"health_data"}"#,
            "",
            "a rule with a category matches it",
        ),
    ] {
        refused(
            &format!(r#""rules":[{h},{j_rule}]{extra},{HEALTH}"#),
            &format!("$.sensitive.justification: {needle}"),
        );
    }
    // On the way to it: an ancestor that is not an object, or transformed, or sensitive.
    let nested = r#""sensitive":{"allow":["health_data"],"justification":"$.w.j"}"#;
    for (rules, needle) in [
        (
            r#"{"path":"$.w","subtree":true,"type":"string"}"#,
            "at $.w, a rule's `type`",
        ),
        (
            r#"{"path":"$.w","transform":{"op":"replace","value":{"j":"x"}}},{"path":"$.w.j"}"#,
            "at $.w, a rule transforms it",
        ),
    ] {
        refused(
            &format!(r#""rules":[{{"path":"$.h","category":"health_data"}},{rules}],{nested}"#),
            needle,
        );
    }
}

#[test]
fn a_justification_removed_or_emptied_by_the_engine_does_not_justify() {
    let p = load(&format!(
        r#""rules":[{{"path":"$.h","category":"health_data"}},{{"path":"$.j","type":["string","object"]}},
           {{"path":"$.k","subtree":true}}],
           "forbidden":["$..pw"],{HEALTH}"#
    ))
    .unwrap();
    assert_eq!(out(&p, r#"{"h":"x","j":"why"}"#), r#"{"h":"x","j":"why"}"#);
    assert_eq!(out(&p, r#"{"h":"x","j":" "}"#), r#"{"h":"x","j":" "}"#);
    // Present in the input, empty in the output: `j` keeps no member.
    assert_eq!(out(&p, r#"{"h":"x","j":{"a":"why"}}"#), r#"{"j":{}}"#);
    assert_eq!(out(&p, r#"{"h":"x","j":""}"#), r#"{"j":""}"#);
    // Removed for its type.
    assert_eq!(out(&p, r#"{"h":"x","j":["why"]}"#), "{}");
    // The sensitive field before or after the justification: the same.
    assert_eq!(out(&p, r#"{"j":{"a":1},"h":"x"}"#), r#"{"j":{}}"#);

    // Emptied by a forbidden descendant below a subtree justification.
    let p = load(
        r#""rules":[{"path":"$.h","category":"health_data"},{"path":"$.j","subtree":true}],
           "forbidden":["$..pw"],"sensitive":{"allow":["health_data"],"justification":"$.j"}"#,
    )
    .unwrap();
    assert_eq!(out(&p, r#"{"h":"x","j":{"pw":"s"}}"#), r#"{"j":{}}"#);
    assert_eq!(
        out(&p, r#"{"h":"x","j":{"pw":"s","why":"w"}}"#),
        r#"{"h":"x","j":{"why":"w"}}"#
    );
    let m = run(&p, r#"{"h":"x","j":{"pw":"s"}}"#);
    let json = m.receipt.to_json();
    assert!(
        json.contains(r#""path":"$.h","reason":"sensitive""#),
        "{json}"
    );
}

#[test]
fn a_transform_on_an_unjustified_sensitive_field_is_no_error() {
    let p = load(&format!(
        r#""rules":[{{"path":"$.h","category":"health_data","transform":{{"op":"truncate_ip","v4":24,"v6":48}}}},
           {{"path":"$.j","type":"string"}}],{HEALTH}"#
    ))
    .unwrap();
    let opts = MinimiseOptions::default();
    // The justification is not kept (an object where a string is required): `h` is removed,
    // so its transform is never applied.
    assert_eq!(out(&p, r#"{"h":"not an ip","j":{"a":"b"}}"#), "{}");
    // Kept: the transform applies, and fails.
    let e = minimise(&p, br#"{"h":"not an ip","j":"why"}"#, &opts).unwrap_err();
    assert_eq!(e.code(), ErrorCode::TransformFailed);
}

// 2. A `required` anchor where a transform applies is refused.

#[test]
fn required_anchored_at_a_transformed_node_is_refused() {
    refused(
        r#""rules":[{"path":"$.*[*].é","required":true},{"path":"$.b.a","transform":{"op":"replace","value":[]}}]"#,
        "$.rules[0]: anchored at nodes that $.rules[1] ($.b.a) transforms",
    );
    refused(
        r#""rules":[{"path":"$.r[*].x"},{"path":"$.r[*].y"},{"path":"$.r[*]","transform":{"op":"replace","value":{}}}],
           "required_any_of":[{"paths":["$.r[*].x","$.r[*].y"]}]"#,
        "$.required_any_of[0]: anchored at nodes that $.rules[2]",
    );
    // A required value that is itself transformed is fine: a transformed value is kept.
    let p = load(
        r#""rules":[{"path":"$.a[*].ip","required":true,"transform":{"op":"truncate_ip","v4":24,"v6":48}}]"#,
    )
    .unwrap();
    assert_eq!(
        out(&p, r#"{"a":[{"ip":"10.1.2.3"}]}"#),
        r#"{"a":[{"ip":"10.1.2.0/24"}]}"#
    );
}

// 3. Receipt paths are policy paths.

#[test]
fn receipt_paths_with_control_characters_are_policy_paths() {
    let p = load(r#""rules":[{"path":"$.c.keep"}]"#).unwrap();
    let m = run(&p, "{\"c\":{\"a\\nb\":1,\"keep\":2}}");
    assert_eq!(m.receipt.removed[0].path, "$.c['a\\u000ab']");
    // That text, as a policy path, names the same member.
    let q = load(&format!(
        r#""rules":[{{"path":{}}}]"#,
        serde_json::to_string(&m.receipt.removed[0].path).unwrap()
    ))
    .unwrap();
    assert_eq!(
        out(&q, "{\"c\":{\"a\\nb\":1,\"keep\":2}}"),
        "{\"c\":{\"a\\nb\":1}}"
    );
    // `\n` is the same escape; a raw control character is not a path.
    let r = load(r#""rules":[{"path":"$.c['a\\nb']"}]"#).unwrap();
    assert_eq!(r.canonical_json().len(), r.canonical_json().len());
    assert_eq!(
        out(&r, "{\"c\":{\"a\\nb\":1,\"keep\":2}}"),
        "{\"c\":{\"a\\nb\":1}}"
    );
    refused(r#""rules":[{"path":"$.c['a\nb']"}]"#, "control character");
}

// 4. `-0` is an integer.

#[test]
fn negative_zero_is_an_integer_written_as_zero() {
    let p = load(r#""rules":[{"path":"$.a","transform":{"op":"replace","value":-0}}]"#).unwrap();
    assert!(p.canonical_json().contains(r#""value":0}"#));
    assert_eq!(out(&p, r#"{"a":"x"}"#), r#"{"a":0}"#);
    refused(
        r#""rules":[{"path":"$.a","transform":{"op":"replace","value":9007199254740992}}]"#,
        "integers below 2^53",
    );
    refused(
        r#""rules":[{"path":"$.a","transform":{"op":"replace","value":1.0}}]"#,
        "integers below 2^53",
    );
}

// 5. A transform whose output a matching rule's `type` refuses is a load error.

#[test]
fn transform_output_must_pass_every_matching_type() {
    refused(
        r#""rules":[{"path":"$.a","type":"string","transform":{"op":"replace","value":-12}}]"#,
        "writes a value their `type` does not admit",
    );
    refused(
        r#""rules":[{"path":"$.a.b","transform":{"op":"replace","value":1}},{"path":"$..b","type":"string"}]"#,
        "writes a value their `type` does not admit",
    );
    load(r#""rules":[{"path":"$.a","type":["string","integer"],"transform":{"op":"replace","value":-12}}]"#)
        .unwrap();
    load(r#""rules":[{"path":"$.a.b","transform":{"op":"mask","keep_last":1}},{"path":"$..b","type":"string"}]"#)
        .unwrap();
}

// 6. An empty root is kept; a removed root's placeholder is kept on the next pass.

#[test]
fn an_empty_root_is_always_kept() {
    for body in [
        r#""rules":[{"path":"$","type":"array"}]"#,
        r#""rules":[],"forbidden":["$"]"#,
        r#""rules":[]"#,
    ] {
        let p = load(body).unwrap();
        let m = run(&p, " { } ");
        assert_eq!(m.payload, b"{}");
        assert!(m.receipt.removed.is_empty(), "{body}");
        assert_eq!(m.receipt.counts.kept, 1);
        assert_eq!(out(&p, "[]"), "[]");
        assert_eq!(out(&p, "null"), "null");
        // A root that is removed: the placeholder, and the removal in the receipt.
        let m = run(&p, r#"{"zz":1}"#);
        assert_eq!(m.payload, b"{}");
        assert_eq!(m.receipt.removed.len(), 1, "{body}");
        assert_eq!(m.receipt.removed[0].path, "$");
    }
    // Required anchors at the root are still checked on an empty root.
    let p = load(r#""rules":[{"path":"$.a","required":true}]"#).unwrap();
    let e = minimise(&p, b"{}", &MinimiseOptions::default()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::MissingRequired);
}

// 7. Which error wins.

#[test]
fn the_first_error_in_document_order_wins() {
    let p = load(r#""rules":[{"path":"$.a","transform":{"op":"truncate_ip","v4":24,"v6":48}},{"path":"$.b"}]"#)
        .unwrap();
    let opts = MinimiseOptions::default();
    let code = |s: &[u8]| minimise(&p, s, &opts).unwrap_err().code();
    assert_eq!(
        code(br#"{"a":"x","b":1,"b":2}"#),
        ErrorCode::TransformFailed
    );
    assert_eq!(code(br#"{"b":1,"b":2,"a":"x"}"#), ErrorCode::DuplicateKey);
    assert_eq!(code(br#"{"a":"x","b":[1,}"#), ErrorCode::TransformFailed);
    assert_eq!(code(br#"{"b":[1,},"a":"x"}"#), ErrorCode::InvalidJson);
    // Invalid UTF-8 anywhere wins over every other error.
    assert_eq!(
        code(b"{\"a\":\"x\",\"b\":\"\xff\"}"),
        ErrorCode::InvalidUtf8
    );
    // After the pass: strict mode's forbidden_field, then type_mismatch, then missing_required.
    let p = load(
        r#""rules":[{"path":"$.n","required":true,"type":"string"},{"path":"$.m","required":true}],
           "forbidden":["$.f"]"#,
    )
    .unwrap();
    let strict = MinimiseOptions {
        strict: true,
        ..Default::default()
    };
    let code = |s: &[u8], o: &MinimiseOptions| minimise(&p, s, o).unwrap_err().code();
    assert_eq!(
        code(br#"{"f":1,"n":1}"#, &strict),
        ErrorCode::ForbiddenField
    );
    assert_eq!(code(br#"{"f":1,"n":1}"#, &opts), ErrorCode::TypeMismatch);
    assert_eq!(
        code(br#"{"f":1,"n":"s"}"#, &opts),
        ErrorCode::MissingRequired
    );
}
