use minseal::policy::{builtins, Policy};
use minseal::ErrorCode;

const EXAMPLE: &str = include_str!("policies/example.json");

fn problems(src: &str) -> Vec<String> {
    let e = Policy::from_json(src.as_bytes()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidPolicy, "{e}");
    e.details().to_vec()
}

fn with_rules(rules: &str, extra: &str) -> String {
    format!(
        r#"{{"minseal_policy":1,"id":"t/x","version":"1","title":"t","basis":"b","audience":"registrar","rules":[{rules}]{extra}}}"#
    )
}

#[test]
fn loads_the_documented_example() {
    let p = Policy::from_json(EXAMPLE.as_bytes()).unwrap();
    assert_eq!(p.id(), "2ap/art7-order");
    assert_eq!(p.version(), "1.0.0");
    assert_eq!(p.audience(), "service_provider");
    assert!(!p.uses_hash());
    assert_eq!(p.reference().digest, p.digest());
    // Digest is over JCS: whitespace and key order do not matter.
    let v: serde_json::Value = serde_json::from_str(EXAMPLE).unwrap();
    let p2 = Policy::from_json(serde_json::to_string(&v).unwrap().as_bytes()).unwrap();
    assert_eq!(p.digest(), p2.digest());
    assert_eq!(p.canonical_json(), p2.canonical_json());
    assert!(p.canonical_json().starts_with("{\"audience\":"));
}

#[test]
fn lists_every_problem_at_once() {
    let src = r#"{"minseal_policy":2,"id":"Bad Id","version":"1","title":"t","basis":"b","audience":"police",
      "extra":1,
      "rules":[
        {"path":"$.a[0]"},
        {"path":"$.b","transform":{"op":"rot13"}},
        {"path":"$.c","transform":{"op":"mask"}},
        {"path":"$.d","transform":{"op":"mask","keep_last":2},"subtree":true},
        {"path":"$.e","type":"number","transform":{"op":"max_len","len":3}},
        {"path":"$.f","category":"shoe_size"},
        {"path":"$.g","category":"health_data","required":true},
        {"path":"$.h"},{"path":"$['h']"},
        {"path":"$.x.y"},
        {"path":"$.i","transform":{"op":"truncate_ip","v4":33,"v6":48}},
        {"path":"$.j","bogus":true},
        {"path":"$.k","type":"float"}
      ],
      "forbidden":["$.x"]}"#;
    let p = problems(src);
    let all = p.join("\n");
    for needle in [
        "$.minseal_policy",
        "$.id",
        "$.audience",
        "unknown field `extra`",
        "$.rules[0].path",
        "$.rules[1].transform.op",
        "missing parameter `keep_last`",
        "`transform` together with `subtree`",
        "$.rules[4]: `type` admits",
        "$.rules[5].category",
        "$.rules[6]: required",
        "$.rules[8]: same path as $.rules[7]",
        "$.rules[9]: path is forbidden",
        "$.rules[10].transform.v4",
        "$.rules[11]: unknown field `bogus`",
        "$.rules[12].type",
    ] {
        assert!(all.contains(needle), "missing {needle:?} in\n{all}");
    }
}

#[test]
fn strict_parse_and_numbers() {
    let dup = r#"{"minseal_policy":1,"minseal_policy":1}"#;
    assert!(problems(dup)[0].contains("duplicate_key"));
    let frac = with_rules(
        r#"{"path":"$.a","transform":{"op":"max_len","len":1.5}}"#,
        "",
    );
    assert!(problems(&frac).join("\n").contains("integers"));
    let sens = with_rules(
        r#"{"path":"$.a","category":"health_data"}"#,
        r#","sensitive":{"allow":["health_data"]}"#,
    );
    assert!(problems(&sens).join("\n").contains("justification"));
    let unkept = with_rules(
        r#"{"path":"$.a","category":"health_data"}"#,
        r#","sensitive":{"allow":["health_data"],"justification":"$.why"}"#,
    );
    assert!(problems(&unkept).join("\n").contains("no rule keeps"));
}

#[test]
fn builtin_lookup() {
    assert_eq!(
        Policy::builtin("no/such").unwrap_err().code(),
        ErrorCode::UnknownPolicy
    );
    for b in builtins() {
        let p = Policy::builtin(b.id).unwrap();
        assert_eq!(p.id(), b.id);
    }
}

#[test]
fn policies_in_repo_load() {
    for dir in ["tests/policies", "policies"] {
        let Ok(rd) = std::fs::read_dir(dir) else {
            continue;
        };
        for e in rd {
            let path = e.unwrap().path();
            if path.extension().is_some_and(|x| x == "json") {
                Policy::from_json(&std::fs::read(&path).unwrap())
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            }
        }
    }
}

/// A transform whose output another matching rule's `type` refuses would make a second pass
/// remove what the first kept; such a policy is refused at load (found by the differential
/// property test: `$[*]` replace "X" with `$['odd key']` of type integer).
#[test]
fn transform_output_must_satisfy_every_matching_rule_type() {
    let bad =
        br#"{"minseal_policy":1,"id":"t","version":"1","title":"t","basis":"b","audience":"registrar",
      "rules":[{"path":"$[*]","transform":{"op":"replace","value":"X"}},
               {"path":"$['odd key']","type":"integer"}]}"#;
    let err = minseal::policy::Policy::from_json(bad).unwrap_err();
    assert_eq!(err.code(), minseal::ErrorCode::InvalidPolicy);
    assert!(
        err.details().iter().any(|d| d.contains("replace")),
        "{:?}",
        err.details()
    );
    let ok = br#"{"minseal_policy":1,"id":"t","version":"1","title":"t","basis":"b","audience":"registrar",
      "rules":[{"path":"$[*]","transform":{"op":"replace","value":7}},
               {"path":"$['odd key']","type":"number"}]}"#;
    minseal::policy::Policy::from_json(ok).unwrap();
}

/// Numbers anywhere in a policy must be integers below 2^53 in magnitude; each offending one is
/// reported with its location (the all-valid case is checked without building locations).
#[test]
fn non_integer_numbers_are_reported_where_they_are() {
    let src = with_rules(
        r#"{"path":"$.a","transform":{"op":"replace","value":[1,{"x":2.5}]}},{"path":"$.b","transform":{"op":"replace","value":-9007199254740993}}"#,
        "",
    );
    let p = problems(&src);
    let msg = "numbers in a policy must be integers below 2^53 in magnitude";
    for at in [
        "$.rules[0].transform.value[1].x",
        "$.rules[1].transform.value",
    ] {
        assert!(
            p.iter().any(|d| d.contains(at) && d.contains(msg)),
            "{at} not reported: {p:?}"
        );
    }
    // Integers below 2^53 are fine, at any depth.
    let ok = with_rules(
        r#"{"path":"$.a","transform":{"op":"replace","value":[1,{"x":-9007199254740991}]}}"#,
        "",
    );
    Policy::from_json(ok.as_bytes()).unwrap();
}

/// An unknown built-in id is `unknown_policy` whose message and details list the known ids, so
/// a typo is answered with the list to choose from.
#[test]
fn unknown_builtin_lists_the_known_ids() {
    let e = Policy::builtin("2ap/art7-ordr").unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnknownPolicy);
    let ids: Vec<String> = builtins().iter().map(|b| b.id.to_string()).collect();
    assert!(!ids.is_empty());
    assert_eq!(e.details(), ids.as_slice());
    for id in &ids {
        assert!(e.message().contains(id.as_str()), "{id} in {}", e.message());
    }
}
