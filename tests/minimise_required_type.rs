//! A required field present with the wrong type is `type_mismatch` (naming the expected type),
//! not `missing_required`: in `minimise`'s error and in `verify`.

use minseal::minimise::{minimise, verify, MinimiseOptions, Violation, ViolationKind};
use minseal::policy::Policy;
use minseal::ErrorCode;

fn policy() -> Policy {
    Policy::from_json(
        br#"{"minseal_policy":1,"id":"t/req","version":"1","title":"t","basis":"b",
        "audience":"registrar","rules":[
          {"path":"$.statement.issued","required":true,"type":"boolean"},
          {"path":"$.name","required":true,"type":["string","null"]},
          {"path":"$.n","required":true,"type":"number"},
          {"path":"$.items[*].id","required":true,"type":"string"},
          {"path":"$.other"}]}"#,
    )
    .unwrap()
}

fn err(payload: &str) -> minseal::Error {
    minimise(&policy(), payload.as_bytes(), &MinimiseOptions::default()).unwrap_err()
}

#[test]
fn a_wrong_typed_required_field_is_a_type_mismatch() {
    let e = err(r#"{"statement":{"issued":"yes"},"name":"x","n":1,"items":[]}"#);
    assert_eq!(e.code(), ErrorCode::TypeMismatch, "{e}");
    assert_eq!(e.code().as_str(), "type_mismatch");
    assert_eq!(e.details(), ["$.statement.issued: expected boolean"]);
    let e = err(r#"{"statement":{"issued":true},"name":5,"n":"1","items":[{"id":1},{"id":"a"}]}"#);
    assert_eq!(e.code(), ErrorCode::TypeMismatch, "{e}");
    assert_eq!(
        e.details(),
        [
            "$.items[*].id: expected string",
            "$.n: expected number",
            "$.name: expected string or null",
        ]
    );
}

#[test]
fn verify_says_type_mismatch_not_missing() {
    let v = verify(
        &policy(),
        br#"{"statement":{"issued":"yes"},"name":"x","n":1}"#,
        &MinimiseOptions::default(),
    )
    .unwrap();
    assert_eq!(
        v.violations,
        [Violation {
            path: "$.statement.issued".into(),
            kind: ViolationKind::TypeMismatch
        }]
    );
}

#[test]
fn type_mismatch_wins_over_missing_and_forbidden_field_over_both() {
    // Missing `n` and a wrong-typed `name`: the type mismatch is reported (it is the field the
    // sender did give); once it is fixed, the missing field is.
    let e = err(r#"{"statement":{"issued":true},"name":1}"#);
    assert_eq!(e.code(), ErrorCode::TypeMismatch);
    assert_eq!(e.details(), ["$.name: expected string or null"]);
    let e = err(r#"{"statement":{"issued":true},"name":"a"}"#);
    assert_eq!(e.code(), ErrorCode::MissingRequired);
    assert_eq!(e.details(), ["$.n"]);
    // Absent entirely: missing, as before.
    let e = err("{}");
    assert_eq!(e.code(), ErrorCode::MissingRequired);
    assert_eq!(e.details(), ["$.n", "$.name", "$.statement.issued"]);
}

#[test]
fn a_satisfied_wildcard_requirement_ignores_wrong_typed_siblings() {
    // `$.list[*]` required: one element of the right type is enough.
    let p = Policy::from_json(
        br#"{"minseal_policy":1,"id":"t/req","version":"1","title":"t","basis":"b",
        "audience":"registrar","rules":[{"path":"$.list[*]","required":true,"type":"string"}]}"#,
    )
    .unwrap();
    let opts = MinimiseOptions::default();
    let m = minimise(&p, br#"{"list":[1,"a"]}"#, &opts).unwrap();
    assert_eq!(m.payload, br#"{"list":["a"]}"#);
    let e = minimise(&p, br#"{"list":[1,true]}"#, &opts).unwrap_err();
    assert_eq!(e.code(), ErrorCode::TypeMismatch);
    assert_eq!(e.details(), ["$.list[*]: expected string"]);
}
