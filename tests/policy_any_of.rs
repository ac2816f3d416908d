//! `required_any_of` groups and the `senders` / `audience` roles (docs/POLICY.md, "Required:
//! at least one of" and "The document").

use minseal::minimise::{minimise, verify, MinimiseOptions, Violation, ViolationKind};
use minseal::policy::Policy;
use minseal::ErrorCode;

fn policy(rules: &str, extra: &str) -> Result<Policy, minseal::Error> {
    Policy::from_json(
        format!(
            r#"{{"minseal_policy":1,"id":"t/any","version":"1","title":"t","basis":"b",
            "audience":"service_provider","rules":[{rules}]{extra}}}"#
        )
        .as_bytes(),
    )
}

fn problems(rules: &str, extra: &str) -> String {
    let e = policy(rules, extra).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidPolicy, "{e}");
    e.details().join("\n")
}

/// An emergency request: a description or identifiers of the data sought; a contact with an
/// email or a phone.
fn emergency() -> Policy {
    policy(
        r#"{"path":"$.data_sought.description","type":"string"},
           {"path":"$.data_sought.identifiers[*]","type":"string"},
           {"path":"$.contact.email","type":"string"},
           {"path":"$.contact.phone","type":"string"}"#,
        r#","required_any_of":[
            {"paths":["$.data_sought.description","$.data_sought.identifiers[*]"],"note":"9(3)(f)"},
            {"paths":["$.contact.email","$.contact.phone"]}]"#,
    )
    .unwrap()
}

const DATA: &str = "any_of($.data_sought.description, $.data_sought.identifiers[*])";
const CONTACT: &str = "any_of($.contact.email, $.contact.phone)";

fn missing(p: &Policy, payload: &str) -> Vec<String> {
    match minimise(p, payload.as_bytes(), &MinimiseOptions::default()) {
        Ok(m) => {
            // What minimise accepts, verify accepts once minimised.
            let v = verify(p, &m.payload, &MinimiseOptions::default()).unwrap();
            assert!(v.conforms, "{payload}: {v:?}");
            vec![]
        }
        Err(e) => {
            assert_eq!(e.code(), ErrorCode::MissingRequired, "{payload}: {e}");
            let v = verify(p, payload.as_bytes(), &MinimiseOptions::default()).unwrap();
            let groups: Vec<String> = v
                .violations
                .iter()
                .filter(|v| v.kind == ViolationKind::MissingRequired)
                .map(|v| v.path.clone())
                .collect();
            assert_eq!(groups, e.details(), "{payload}");
            e.details().to_vec()
        }
    }
}

#[test]
fn one_path_of_each_group_is_enough() {
    let p = emergency();
    for ok in [
        r#"{"data_sought":{"description":"d"},"contact":{"email":"e"}}"#,
        r#"{"data_sought":{"identifiers":["i"]},"contact":{"phone":"p"}}"#,
        r#"{"data_sought":{"description":"d","identifiers":["i"]},"contact":{"email":"e","phone":"p"}}"#,
        // A blank string is not empty.
        r#"{"data_sought":{"description":" "},"contact":{"email":"e"}}"#,
    ] {
        assert!(missing(&p, ok).is_empty(), "{ok}");
    }
}

#[test]
fn a_missing_group_is_missing_required_naming_the_group() {
    let p = emergency();
    assert_eq!(missing(&p, "{}"), [CONTACT, DATA]);
    assert_eq!(
        missing(&p, r#"{"data_sought":{"description":"d"},"contact":{}}"#),
        [CONTACT]
    );
}

#[test]
fn empty_null_and_wrong_typed_values_do_not_count() {
    let p = emergency();
    for (payload, want) in [
        (
            r#"{"data_sought":{"description":""},"contact":{"email":"e"}}"#,
            DATA,
        ),
        (
            r#"{"data_sought":{"identifiers":[]},"contact":{"email":"e"}}"#,
            DATA,
        ),
        (
            r#"{"data_sought":{"identifiers":[""]},"contact":{"email":"e"}}"#,
            DATA,
        ),
        (
            r#"{"data_sought":{"identifiers":[7]},"contact":{"email":"e"}}"#,
            DATA,
        ),
        (
            r#"{"data_sought":{"description":null},"contact":{"email":"e"}}"#,
            DATA,
        ),
        (
            r#"{"data_sought":{"description":"d"},"contact":{"email":"","phone":""}}"#,
            CONTACT,
        ),
        (
            r#"{"data_sought":{"description":"d"},"contact":{"email":null,"phone":5}}"#,
            CONTACT,
        ),
    ] {
        assert_eq!(missing(&p, payload), [want], "{payload}");
    }
    // One usable value among empty ones is enough.
    let ok = r#"{"data_sought":{"identifiers":["","x"]},"contact":{"email":"","phone":"p"}}"#;
    assert!(missing(&p, ok).is_empty());
}

#[test]
fn a_group_below_a_wildcard_is_checked_at_every_match() {
    let p = policy(
        r#"{"path":"$.records[*].contact.email"},{"path":"$.records[*].contact.phone"}"#,
        r#","required_any_of":[{"paths":["$.records[*].contact.email","$.records[*].contact.phone"]}]"#,
    )
    .unwrap();
    assert!(missing(&p, r#"{"records":[]}"#).is_empty());
    assert!(missing(&p, "{}").is_empty());
    assert!(missing(
        &p,
        r#"{"records":[{"contact":{"email":"e"}},{"contact":{"phone":"p"}}]}"#
    )
    .is_empty());
    assert_eq!(
        missing(
            &p,
            r#"{"records":[{"contact":{"email":"e"}},{"contact":{}}]}"#
        ),
        ["any_of($.records[*].contact.email, $.records[*].contact.phone)"]
    );
}

#[test]
fn a_group_path_under_a_subtree_rule_counts() {
    let p = policy(
        r#"{"path":"$.contact","subtree":true}"#,
        r#","required_any_of":[{"paths":["$.contact.email","$.contact.phone"]}]"#,
    )
    .unwrap();
    assert!(missing(&p, r#"{"contact":{"phone":{"n":"1"}}}"#).is_empty());
    assert_eq!(
        missing(&p, r#"{"contact":{"phone":{},"x":1}}"#),
        ["any_of($.contact.email, $.contact.phone)"]
    );
}

#[test]
fn verify_reports_the_group() {
    let p = emergency();
    let v = verify(
        &p,
        br#"{"contact":{"email":"e"}}"#,
        &MinimiseOptions::default(),
    )
    .unwrap();
    assert_eq!(
        v.violations,
        [Violation {
            path: DATA.into(),
            kind: ViolationKind::MissingRequired
        }]
    );
}

#[test]
fn groups_that_could_never_be_satisfied_are_refused() {
    let rules = r#"{"path":"$.a.b"},{"path":"$.a.c"},{"path":"$.r[*].x"},{"path":"$.s","category":"health_data"},{"path":"$.f.g"}"#;
    for (group, needle) in [
        (
            r#"{"paths":["$.a.b","$.a.zz"]}"#,
            "paths[1]: no rule keeps this path",
        ),
        (
            r#"{"paths":["$.a.b","$.r[*].x"]}"#,
            "must share the part up to their last wildcard",
        ),
        (r#"{"paths":["$.s"]}"#, "paths[0]: no rule keeps this path"),
        (r#"{"paths":["$.f.g"]}"#, "paths[0]: path is forbidden"),
        (r#"{"paths":[]}"#, "paths: must be a non-empty array"),
        (r#"{"paths":["$.a.b","$.a.b"]}"#, "listed twice"),
        (
            r#"{"paths":["$..b"]}"#,
            "needs a path ending in a member name or [*]",
        ),
        (r#"{"paths":["$.a.b"],"extra":1}"#, "unknown field `extra`"),
        (r#"{"paths":["$.a[0]"]}"#, "paths[0]"),
        (r#""$.a.b""#, "a group must be an object"),
    ] {
        let all = problems(
            rules,
            &format!(r#","forbidden":["$.f"],"required_any_of":[{group}]"#),
        );
        assert!(
            all.contains("$.required_any_of[0]") && all.contains(needle),
            "{group}: {needle:?} not in\n{all}"
        );
    }
    // Not an array.
    assert!(problems(r#"{"path":"$.a"}"#, r#","required_any_of":{}"#)
        .contains("$.required_any_of: must be an array"));
}

#[test]
fn senders_and_audience_are_register_roles() {
    let p = policy(
        "",
        r#","senders":["competent_authority","designated_authority"]"#,
    )
    .unwrap();
    assert_eq!(p.senders(), ["competent_authority", "designated_authority"]);
    assert_eq!(p.audience(), "service_provider");
    assert!(policy("", "").unwrap().senders().is_empty());
    for role in [
        "competent_authority",
        "notified_authority",
        "designated_authority",
        "poc_24_7",
        "central_authority",
        "service_provider",
        "registrar",
    ] {
        let src = format!(
            r#"{{"minseal_policy":1,"id":"t/r","version":"1","title":"t","basis":"b",
            "audience":"{role}","senders":["{role}"],"rules":[]}}"#
        );
        let p = Policy::from_json(src.as_bytes()).unwrap();
        assert_eq!((p.audience(), p.senders()), (role, &[role.to_owned()][..]));
    }
    for (senders, needle) in [
        (r#"[]"#, "$.senders: must be a non-empty array of roles"),
        (
            r#""registrar""#,
            "$.senders: must be a non-empty array of roles",
        ),
        (r#"["police"]"#, "$.senders[0]: unknown role"),
        (r#"["registrar","registrar"]"#, "$.senders[1]: listed twice"),
        (r#"[1]"#, "$.senders[0]: must be a role name"),
    ] {
        let all = problems("", &format!(r#","senders":{senders}"#));
        assert!(all.contains(needle), "{senders}: {needle:?} not in\n{all}");
    }
}

#[test]
fn groups_change_the_digest_and_round_trip_through_canonical_json() {
    let p = emergency();
    let again = Policy::from_json(p.canonical_json().as_bytes()).unwrap();
    assert_eq!(p.digest(), again.digest());
    assert!(p.canonical_json().contains("\"required_any_of\":["));
}
