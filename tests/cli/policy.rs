//! `minimise`, `verify` and `policy list|show|lint`.

use crate::*;

#[test]
fn minimise_matches_fixture_and_writes_receipt() {
    let dir = tmpdir("minimise");
    let receipt = dir.join("receipt.json");
    let input = fs::read(ORDER).unwrap();
    let o = run(
        &[
            "minimise",
            "--policy",
            "2ap/art7-order",
            "--receipt",
            p(&receipt),
        ],
        &input,
    );
    let out = ok(&o).to_vec();
    assert_eq!(json(&out), json(&fs::read(ORDER_EXPECTED).unwrap()));
    let r = json(&fs::read(&receipt).unwrap());
    assert_eq!(r["policy"]["id"], "2ap/art7-order");
    assert!(r["counts"]["removed"].as_u64().unwrap() > 0);
    // The receipt names paths, never values.
    let text = fs::read_to_string(&receipt).unwrap();
    assert!(!text.contains("Casimir"), "receipt leaks a value");

    // File in, file out, policy from a file.
    let out_file = dir.join("out.json");
    let o = run(
        &[
            "minimise",
            "--policy",
            "policies/2ap-art7-order.json",
            "--in",
            ORDER,
            "--out",
            p(&out_file),
        ],
        b"",
    );
    ok(&o);
    assert_eq!(fs::read(&out_file).unwrap(), out);
}

#[test]
fn minimise_refusals_and_errors() {
    let input = fs::read(ORDER).unwrap();
    // Missing required fields: refused, exit 1, every path listed.
    let o = run(
        &["minimise", "--policy", "2ap/art7-order"],
        &fs::read(ORDER_MISSING).unwrap(),
    );
    fails(&o, 1, "missing_required");
    assert!(stderr(&o).lines().nth(1).unwrap().starts_with("  $"));
    // Strict mode refuses forbidden fields.
    let o = run(
        &["minimise", "--policy", "2ap/art7-order", "--strict"],
        &input,
    );
    fails(&o, 1, "forbidden_field");
    // Not JSON.
    fails(
        &run(&["minimise", "--policy", "2ap/art7-order"], b"{\"a\":"),
        1,
        "invalid_json",
    );
    // Unknown policy id.
    fails(
        &run(&["minimise", "--policy", "2ap/nope"], &input),
        1,
        "unknown_policy",
    );
    // Missing files are I/O errors: exit 2.
    fails(
        &run(&["minimise", "--policy", "no/such/policy.json"], &input),
        2,
        "io",
    );
    fails(
        &run(
            &[
                "minimise",
                "--policy",
                "2ap/art7-order",
                "--in",
                "no/such/file",
            ],
            b"",
        ),
        2,
        "io",
    );
}

#[test]
fn verify_reports_violations() {
    let conforming = fs::read(ORDER_EXPECTED).unwrap();
    let o = run(&["verify", "--policy", "2ap/art7-order"], &conforming);
    ok(&o);
    let o = run(
        &["verify", "--policy", "2ap/art7-order", "--json"],
        &conforming,
    );
    assert_eq!(
        json(ok(&o)),
        serde_json::json!({"conforms": true, "violations": []})
    );

    let raw = fs::read(ORDER).unwrap();
    let o = run(&["verify", "--policy", "2ap/art7-order"], &raw);
    fails(&o, 1, "does_not_conform");
    let err = stderr(&o);
    assert!(err.contains("\n  $.credentials (forbidden)\n"), "{err}");
    assert!(
        err.contains("\n  $.investigator_notes (not_allowed)\n"),
        "{err}"
    );

    let o = run(&["verify", "--policy", "2ap/art7-order", "--json"], &raw);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o.stdout);
    assert_eq!(v["conforms"], false);
    assert!(v["violations"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!({"path": "$.credentials", "kind": "forbidden"})));

    let o = run(
        &["verify", "--policy", "2ap/art7-order"],
        &fs::read(ORDER_MISSING).unwrap(),
    );
    fails(&o, 1, "does_not_conform");
    assert!(stderr(&o).contains("(missing_required)"));
}

#[test]
fn policy_list_show_lint() {
    let o = run(&["policy", "list"], b"");
    let text = String::from_utf8(ok(&o).to_vec()).unwrap();
    assert!(text.contains("2ap/art7-order"));
    assert_eq!(
        text.lines().count(),
        16,
        "header + fifteen profiles:\n{text}"
    );
    let o = run(&["policy", "list", "--json"], b"");
    assert_eq!(json(ok(&o)).as_array().unwrap().len(), 15);

    let o = run(&["policy", "show", "2ap/art7-order"], b"");
    let shown = json(ok(&o));
    assert_eq!(
        shown,
        json(&fs::read("policies/2ap-art7-order.json").unwrap())
    );
    let o = run(&["policy", "show", "2ap/art7-order", "--canonical"], b"");
    assert_eq!(json(ok(&o)), shown);
    fails(&run(&["policy", "show", "nope"], b""), 1, "unknown_policy");

    let o = run(&["policy", "lint", "policies/2ap-art7-order.json"], b"");
    assert!(String::from_utf8(ok(&o).to_vec())
        .unwrap()
        .starts_with("ok: 2ap/art7-order"));

    // Every problem listed, one indented line each.
    let dir = tmpdir("lint");
    let bad = dir.join("bad.json");
    fs::write(&bad, br#"{"id": 1, "rules": "no"}"#).unwrap();
    let o = run(&["policy", "lint", p(&bad)], b"");
    fails(&o, 1, "invalid_policy");
    assert!(
        stderr(&o)
            .lines()
            .skip(1)
            .filter(|l| l.starts_with("  "))
            .count()
            >= 3
    );
    fs::write(&bad, br#"{"a":1,"a":2}"#).unwrap();
    fails(&run(&["policy", "lint", p(&bad)], b""), 1, "invalid_policy");
    fails(&run(&["policy", "lint", "no/such.json"], b""), 2, "io");
}
