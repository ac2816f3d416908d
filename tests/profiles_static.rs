//! Static checks of the built-in profiles and their fixtures that need no policy engine:
//! every policy is well-formed in the language of docs/POLICY.md (as far as can be checked
//! without the engine), ids match file names and the table in `src/policy/builtin.rs`, and
//! every fixture is consistent with itself. `tests/profiles.rs.pending` runs the engine on the
//! same fixtures once it lands.

use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// (id, file stem, audience) in the display order of `builtin.rs`.
const EXPECTED: &[(&str, &str, &str)] = &[
    (
        "2ap/art6-domain-registration",
        "2ap-art6-domain-registration",
        "registrar",
    ),
    ("2ap/art7-order", "2ap-art7-order", "service_provider"),
    (
        "2ap/art7-order-notified",
        "2ap-art7-order-notified",
        "notified_authority",
    ),
    (
        "2ap/art8-subscriber",
        "2ap-art8-subscriber",
        "designated_authority",
    ),
    (
        "2ap/art8-traffic",
        "2ap-art8-traffic",
        "designated_authority",
    ),
    (
        "2ap/art8-subscriber-provider",
        "2ap-art8-subscriber-provider",
        "service_provider",
    ),
    (
        "2ap/art8-traffic-provider",
        "2ap-art8-traffic-provider",
        "service_provider",
    ),
    ("2ap/art9-emergency", "2ap-art9-emergency", "poc_24_7"),
    (
        "2ap/art9-emergency-provider",
        "2ap-art9-emergency-provider",
        "service_provider",
    ),
    (
        "2ap/art10-emergency-mla",
        "2ap-art10-emergency-mla",
        "central_authority",
    ),
    (
        "2ap/art10-emergency-mla-judicial",
        "2ap-art10-emergency-mla-judicial",
        "competent_authority",
    ),
    (
        "2ap/art10-emergency-mla-poc",
        "2ap-art10-emergency-mla-poc",
        "poc_24_7",
    ),
    (
        "2ap/subscriber-response",
        "2ap-subscriber-response",
        "competent_authority",
    ),
    (
        "2ap/subscriber-response-art8",
        "2ap-subscriber-response-art8",
        "competent_authority",
    ),
    (
        "2ap/traffic-response",
        "2ap-traffic-response",
        "competent_authority",
    ),
];

const CATEGORIES: &[&str] = &[
    "racial_or_ethnic_origin",
    "political_opinions",
    "religious_or_other_beliefs",
    "trade_union_membership",
    "genetic_data",
    "biometric_data",
    "health_data",
    "sex_life",
];
const TYPES: &[&str] = &[
    "string", "number", "integer", "boolean", "null", "object", "array",
];
/// The register's roles (docs/POLICY.md): every built-in states its audience and senders in them.
const AUDIENCES: &[&str] = &[
    "competent_authority",
    "notified_authority",
    "designated_authority",
    "poc_24_7",
    "central_authority",
    "service_provider",
    "registrar",
];

fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn parse(p: &Path) -> Value {
    serde_json::from_str(&read(p)).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn policy_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(Path::new(ROOT).join("policies"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    v.sort();
    v
}

// ---------------------------------------------------------------- path grammar

/// One segment of a policy path.
#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Name(String),
    Wild,
    Desc(String),
}

fn is_name_first(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || !c.is_ascii()
}

/// The POLICY.md subset of RFC 9535: `$`, `.name`, `['name']`, `[*]`, `.*`, `..name`,
/// `..['name']`. No indices, slices or filters.
fn parse_path(p: &str) -> Result<Vec<Seg>, String> {
    let chars: Vec<char> = p.chars().collect();
    if chars.first() != Some(&'$') {
        return Err(format!("{p}: must start with $"));
    }
    let mut i = 1;
    let mut segs = Vec::new();
    let shorthand = |i: &mut usize| -> Result<String, String> {
        let start = *i;
        match chars.get(*i) {
            Some(&c) if is_name_first(c) => *i += 1,
            _ => return Err(format!("{p}: bad member name at {start}")),
        }
        while let Some(&c) = chars.get(*i) {
            if is_name_first(c) || c.is_ascii_digit() {
                *i += 1;
            } else {
                break;
            }
        }
        Ok(chars[start..*i].iter().collect())
    };
    let quoted = |i: &mut usize| -> Result<String, String> {
        // at "['"
        *i += 2;
        let mut s = String::new();
        loop {
            match chars.get(*i) {
                None => return Err(format!("{p}: unterminated ['...']")),
                Some('\\') => match chars.get(*i + 1) {
                    Some(&c @ ('\'' | '\\')) => {
                        s.push(c);
                        *i += 2;
                    }
                    _ => return Err(format!("{p}: bad escape")),
                },
                Some('\'') => {
                    if chars.get(*i + 1) != Some(&']') {
                        return Err(format!("{p}: expected ] after '"));
                    }
                    *i += 2;
                    return Ok(s);
                }
                Some(&c) => {
                    s.push(c);
                    *i += 1;
                }
            }
        }
    };
    while i < chars.len() {
        let rest: String = chars[i..].iter().collect();
        if rest.starts_with("..") {
            i += 2;
            let name = if chars[i..].starts_with(&['[', '\'']) {
                quoted(&mut i)?
            } else {
                shorthand(&mut i)?
            };
            segs.push(Seg::Desc(name));
        } else if rest.starts_with(".*") || rest.starts_with("[*]") {
            i += if rest.starts_with(".*") { 2 } else { 3 };
            segs.push(Seg::Wild);
        } else if rest.starts_with("['") {
            segs.push(Seg::Name(quoted(&mut i)?));
        } else if rest.starts_with('.') {
            i += 1;
            segs.push(Seg::Name(shorthand(&mut i)?));
        } else {
            return Err(format!("{p}: unexpected {:?} at {i}", chars[i]));
        }
    }
    Ok(segs)
}

#[test]
fn path_checker_accepts_and_rejects_the_right_forms() {
    for ok in [
        "$",
        "$.a",
        "$.a_b.c1",
        "$['a.b']",
        "$['it\\'s']",
        "$.a[*].b",
        "$.a.*",
        "$..password",
        "$..['odd key']",
        "$.é",
    ] {
        assert!(parse_path(ok).is_ok(), "{ok}");
    }
    for bad in [
        "", "a", "$.", "$.1a", "$[0]", "$.a[1:2]", "$[?@.a]", "$..", "$['a'", "$.a b", "$..*",
    ] {
        assert!(parse_path(bad).is_err(), "{bad}");
    }
}

/// Could a node selected by rule path `rule` lie at or under forbidden path `forb`?
/// Conservative for the forms the built-ins use.
fn under_forbidden(rule: &[Seg], forb: &[Seg]) -> bool {
    match forb {
        [Seg::Desc(n)] => rule
            .iter()
            .any(|s| s == &Seg::Name(n.clone()) || s == &Seg::Desc(n.clone())),
        _ if forb.iter().all(|s| !matches!(s, Seg::Desc(_))) => {
            rule.len() >= forb.len()
                && rule
                    .iter()
                    .zip(forb)
                    .all(|(r, f)| r == f || *f == Seg::Wild || *r == Seg::Wild)
        }
        _ => panic!("forbidden path form not handled by this check: {forb:?}"),
    }
}

fn keys(o: &Map<String, Value>) -> BTreeSet<&str> {
    o.keys().map(String::as_str).collect()
}

fn check_type(t: &Value, ctx: &str) {
    match t {
        Value::String(s) => assert!(TYPES.contains(&s.as_str()), "{ctx}: type {s}"),
        Value::Array(a) => {
            assert!(!a.is_empty(), "{ctx}: empty type list");
            for x in a {
                assert!(
                    x.as_str().is_some_and(|s| TYPES.contains(&s)),
                    "{ctx}: type {x}"
                );
            }
        }
        _ => panic!("{ctx}: type must be a string or array"),
    }
}

fn check_policy(file: &Path, p: &Value) {
    let f = file.display().to_string();
    let o = p
        .as_object()
        .unwrap_or_else(|| panic!("{f}: not an object"));
    let allowed: BTreeSet<&str> = [
        "minseal_policy",
        "id",
        "version",
        "title",
        "basis",
        "audience",
        "senders",
        "description",
        "rules",
        "required_any_of",
        "forbidden",
        "sensitive",
    ]
    .into();
    assert!(keys(o).is_subset(&allowed), "{f}: unknown top-level field");
    for k in [
        "minseal_policy",
        "id",
        "version",
        "title",
        "basis",
        "audience",
        "senders",
        "rules",
    ] {
        assert!(o.contains_key(k), "{f}: missing {k}");
    }
    assert_eq!(o["minseal_policy"], 1, "{f}");
    let id = o["id"].as_str().unwrap();
    assert!(id.len() <= 128 && !id.is_empty(), "{f}: id length");
    assert!(
        id.chars().next().unwrap().is_ascii_lowercase()
            || id.chars().next().unwrap().is_ascii_digit(),
        "{f}: id start"
    );
    assert!(
        id.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._/-".contains(c)),
        "{f}: id chars"
    );
    let stem = file.file_stem().unwrap().to_str().unwrap();
    assert_eq!(
        id.replace('/', "-"),
        stem,
        "{f}: id does not match file name"
    );
    let version: Vec<&str> = o["version"].as_str().unwrap().split('.').collect();
    assert!(
        version.len() == 3 && version.iter().all(|n| n.parse::<u32>().is_ok()),
        "{f}: version"
    );
    for k in ["title", "basis", "description"] {
        assert!(
            o[k].as_str().is_some_and(|s| !s.trim().is_empty()),
            "{f}: {k}"
        );
    }
    assert!(
        o["basis"].as_str().unwrap().contains("CETS No. 224, Art."),
        "{f}: basis"
    );
    assert!(
        o["description"].as_str().unwrap().contains("[U]"),
        "{f}: description must say what is [U]"
    );
    assert!(
        AUDIENCES.contains(&o["audience"].as_str().unwrap()),
        "{f}: audience"
    );

    let forbidden: Vec<Vec<Seg>> = o
        .get("forbidden")
        .map(|v| {
            v.as_array()
                .unwrap()
                .iter()
                .map(|x| parse_path(x.as_str().unwrap()).unwrap())
                .collect()
        })
        .unwrap_or_default();
    let sens = o.get("sensitive").map(|v| v.as_object().unwrap());
    let allow: Vec<&str> = sens
        .and_then(|s| s.get("allow"))
        .map(|a| {
            a.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap())
                .collect()
        })
        .unwrap_or_default();
    if let Some(s) = sens {
        assert!(
            keys(s).is_subset(&["allow", "justification"].into()),
            "{f}: sensitive fields"
        );
        for c in &allow {
            assert!(CATEGORIES.contains(c), "{f}: category {c}");
        }
        parse_path(s["justification"].as_str().unwrap()).unwrap();
    }

    let rule_keys: BTreeSet<&str> = [
        "path",
        "required",
        "type",
        "transform",
        "subtree",
        "category",
        "note",
    ]
    .into();
    let mut seen = BTreeSet::new();
    for r in o["rules"].as_array().unwrap() {
        let r = r.as_object().unwrap();
        assert!(
            keys(r).is_subset(&rule_keys),
            "{f}: unknown rule field in {r:?}"
        );
        let path = r["path"].as_str().unwrap();
        let ctx = format!("{f} {path}");
        let segs = parse_path(path).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert!(seen.insert(path.to_string()), "{ctx}: duplicate rule path");
        for fb in &forbidden {
            assert!(
                !under_forbidden(&segs, fb),
                "{ctx}: lies under forbidden {fb:?}"
            );
        }
        if let Some(req) = r.get("required") {
            assert!(req.is_boolean(), "{ctx}: required");
        }
        if let Some(t) = r.get("type") {
            check_type(t, &ctx);
        }
        if let Some(s) = r.get("subtree") {
            assert!(s.is_boolean(), "{ctx}: subtree");
            assert!(
                !r.contains_key("transform"),
                "{ctx}: transform with subtree"
            );
        }
        if let Some(c) = r.get("category") {
            let c = c.as_str().unwrap();
            assert!(CATEGORIES.contains(&c), "{ctx}: category");
            assert!(
                allow.contains(&c) || r.get("required") != Some(&Value::Bool(true)),
                "{ctx}: required sensitive field never satisfiable"
            );
        }
        if let Some(t) = r.get("transform") {
            let t = t.as_object().unwrap();
            let op = t["op"].as_str().unwrap();
            let (params, input): (&[&str], &str) = match op {
                "mask" => (&["op", "keep_last", "char"], "string"),
                "hash" => (&["op", "prefix"], "string"),
                "truncate_ip" => (&["op", "v4", "v6"], "string"),
                "generalise_date" => (&["op", "to"], "string"),
                "max_len" => (&["op", "len"], "string"),
                "replace" => (&["op", "value"], ""),
                _ => panic!("{ctx}: unknown transform {op}"),
            };
            assert!(
                keys(t).is_subset(&params.iter().copied().collect()),
                "{ctx}: transform params"
            );
            if op == "mask" {
                assert!(t["keep_last"].as_u64().is_some(), "{ctx}: keep_last");
            }
            if !input.is_empty() {
                assert_eq!(
                    r.get("type"),
                    Some(&Value::from(input)),
                    "{ctx}: transform input type"
                );
            }
        }
    }
    // Policies and headers are canonicalised with the crate's JCS (integers only).
    let own = minseal::json::value::parse(&serde_json::to_vec(p).unwrap()).unwrap();
    minseal::jcs::canonicalize(&own).unwrap_or_else(|e| panic!("{f}: JCS: {e}"));
}

#[test]
fn every_policy_is_well_formed_and_named_after_its_id() {
    let files = policy_files();
    assert_eq!(files.len(), EXPECTED.len(), "one file per built-in profile");
    for file in &files {
        check_policy(file, &parse(file));
    }
    for (id, stem, audience) in EXPECTED {
        let p = parse(
            &Path::new(ROOT)
                .join("policies")
                .join(format!("{stem}.json")),
        );
        assert_eq!(p["id"], *id);
        assert_eq!(p["audience"], *audience, "{id}");
    }
}

#[test]
fn every_policy_carries_the_envelope_and_the_global_never_list() {
    for (id, stem, _) in EXPECTED {
        let p = parse(
            &Path::new(ROOT)
                .join("policies")
                .join(format!("{stem}.json")),
        );
        let rules: Vec<(&str, bool)> = p["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["path"].as_str().unwrap(),
                    r.get("required") == Some(&Value::Bool(true)),
                )
            })
            .collect();
        for req in [
            "$.profile",
            "$.message_id",
            "$.created_at",
            "$.sender.authority_id",
            "$.recipient.role",
            "$.recipient.id",
        ] {
            assert!(rules.contains(&(req, true)), "{id}: {req} must be required");
        }
        // Art. 14(8): every request names its case; an answer may not know it.
        let request = !id.ends_with("-response") && !id.contains("-response-");
        assert!(
            rules.contains(&("$.case_reference", request)),
            "{id}: $.case_reference required exactly in requests"
        );
        assert!(rules.contains(&("$.language", false)), "{id}: $.language");
        let forb: Vec<&str> = p["forbidden"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap())
            .collect();
        for g in ["$..credentials", "$..password", "$..pan_full", "$..cvv"] {
            assert!(forb.contains(&g), "{id}: {g}");
        }
        let allow: Vec<&str> = p
            .pointer("/sensitive/allow")
            .map(|a| {
                a.as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_str().unwrap())
                    .collect()
            })
            .unwrap_or_default();
        for c in CATEGORIES {
            if !allow.contains(c) {
                assert!(
                    forb.contains(&format!("$..{c}").as_str()),
                    "{id}: $..{c} must be forbidden"
                );
            }
        }
        if allow.is_empty() {
            assert!(forb.contains(&"$.sensitive"), "{id}: $.sensitive");
        } else {
            assert!(
                id.contains("emergency"),
                "{id}: only the emergency profiles carry sensitive data"
            );
            assert_eq!(
                p.pointer("/sensitive/justification"),
                Some(&Value::from("$.sensitive_justification"))
            );
            assert!(
                rules.contains(&("$.sensitive_justification", false)),
                "{id}: the justification must be kept"
            );
        }
    }
}

#[test]
fn audience_projections_follow_the_treaty() {
    let load = |stem: &str| {
        parse(
            &Path::new(ROOT)
                .join("policies")
                .join(format!("{stem}.json")),
        )
    };
    let paths = |p: &Value| -> Vec<String> {
        p["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["path"].as_str().unwrap().to_string())
            .collect()
    };
    let forb = |p: &Value| -> Vec<String> {
        p["forbidden"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap().to_string())
            .collect()
    };
    // Art. 7: facts summary only to the notified authority (7(5)(a)).
    let a7 = load("2ap-art7-order");
    let a7n = load("2ap-art7-order-notified");
    assert!(forb(&a7).contains(&"$.facts_summary".into()));
    let mut with_facts = paths(&a7);
    with_facts.push("$.facts_summary".into());
    with_facts.push("$.confidentiality.requested".into());
    with_facts.push("$.confidentiality.reason".into());
    assert_eq!(
        paths(&a7n),
        with_facts,
        "notified copy = order + facts_summary"
    );
    // Art. 8(3)(b): no supporting information to the provider.
    for (full, provider) in [
        ("2ap-art8-subscriber", "2ap-art8-subscriber-provider"),
        ("2ap-art8-traffic", "2ap-art8-traffic-provider"),
    ] {
        let (f, p) = (load(full), load(provider));
        assert!(forb(&p).contains(&"$.supporting".into()), "{provider}");
        let expected: Vec<String> = paths(&f)
            .into_iter()
            .filter(|x| !x.starts_with("$.supporting") && !x.starts_with("$.confidentiality"))
            .collect();
        assert_eq!(
            paths(&p),
            expected,
            "{provider} = {full} without supporting.*"
        );
        assert!(paths(&f).iter().any(|x| x == "$.supporting.facts_summary"));
    }
    // Subscriber response: other access numbers are out by default (7(9)(b) reservation).
    let resp = load("2ap-subscriber-response");
    assert!(!paths(&resp)
        .iter()
        .any(|x| x.contains("other_access_numbers")));
    assert!(resp["description"].as_str().unwrap().contains("7(9)(b)"));
    for t in [
        "$..login_history",
        "$..communications",
        "$..ip_log",
        "$..location_history",
        "$..messages",
    ] {
        assert!(forb(&resp).contains(&t.to_string()), "{t}");
    }
}

// ---------------------------------------------------------------- builtin.rs

#[test]
fn builtin_table_matches_the_policy_files() {
    // The library's list (src/policy/builtin_data.rs, generated from policies/*.json): the
    // expected ids in the expected order, each the id of policies/<stem>.json.
    let list = minseal::policy::builtins();
    assert_eq!(list.len(), EXPECTED.len());
    for (b, (eid, estem, _)) in list.iter().zip(EXPECTED) {
        assert_eq!(b.id, *eid, "order and ids of the built-in profiles");
        let p = parse(&Path::new(ROOT).join(format!("policies/{estem}.json")));
        assert_eq!(p["id"].as_str(), Some(b.id), "{estem}");
        assert_eq!(p["version"].as_str(), Some(b.version.as_str()), "{estem}");
    }
}

// ---------------------------------------------------------------- fixtures

fn resolve<'a>(v: &'a Value, segs: &[Seg]) -> Vec<&'a Value> {
    match segs.split_first() {
        None => vec![v],
        Some((Seg::Name(n), rest)) => v.get(n).map(|x| resolve(x, rest)).unwrap_or_default(),
        Some((Seg::Wild, rest)) => match v {
            Value::Array(a) => a.iter().flat_map(|x| resolve(x, rest)).collect(),
            Value::Object(o) => o.values().flat_map(|x| resolve(x, rest)).collect(),
            _ => vec![],
        },
        Some((Seg::Desc(_), _)) => unimplemented!("descendant paths are never required"),
    }
}

fn required_paths(p: &Value) -> Vec<String> {
    p["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("required") == Some(&Value::Bool(true)))
        .map(|r| r["path"].as_str().unwrap().to_string())
        .collect()
}

fn leaves(v: &Value) -> u64 {
    match v {
        Value::Object(o) if !o.is_empty() => o.values().map(leaves).sum(),
        Value::Array(a) if !a.is_empty() => a.iter().map(leaves).sum(),
        _ => 1,
    }
}

#[test]
fn every_fixture_is_consistent() {
    let fix = Path::new(ROOT).join("tests/fixtures");
    let mut dirs: Vec<String> = fs::read_dir(&fix)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().unwrap().to_str().unwrap().to_string())
        .collect();
    dirs.sort();
    let mut stems: Vec<String> = EXPECTED.iter().map(|e| e.1.to_string()).collect();
    stems.sort();
    assert_eq!(dirs, stems, "one fixture directory per profile");

    for (id, stem, _) in EXPECTED {
        let d = fix.join(stem);
        let policy = parse(
            &Path::new(ROOT)
                .join("policies")
                .join(format!("{stem}.json")),
        );
        let input = parse(&d.join("input.json"));
        let expected_text = read(&d.join("expected.json"));
        let expected_text = expected_text.strip_suffix('\n').unwrap_or(&expected_text);
        assert!(
            !expected_text.contains('\n'),
            "{stem}: expected.json must be one compact line"
        );
        let expected: Value = serde_json::from_str(expected_text).unwrap();
        let receipt = parse(&d.join("expected-receipt.json"));

        // Every required path is in the input and survives into the expected output.
        for req in required_paths(&policy) {
            let segs = parse_path(&req).unwrap();
            assert!(
                !resolve(&input, &segs).is_empty(),
                "{stem}: input lacks {req}"
            );
            assert!(
                !resolve(&expected, &segs).is_empty(),
                "{stem}: expected lacks {req}"
            );
        }
        // The output is no larger than the input, and the profile value names the policy.
        assert!(
            leaves(&expected) < leaves(&input),
            "{stem}: something must be stripped"
        );
        let major = policy["version"]
            .as_str()
            .unwrap()
            .split('.')
            .next()
            .unwrap();
        assert_eq!(expected["profile"], format!("{id}@{major}"), "{stem}");

        // Receipt shape.
        assert_eq!(receipt["minseal_receipt"], 1);
        assert_eq!(receipt["policy"]["id"], *id);
        assert_eq!(receipt["policy"]["version"], policy["version"]);
        assert_eq!(receipt["policy"]["digest"], "<computed>");
        assert_eq!(receipt["payload"]["sha256"], "<computed>");
        assert_eq!(receipt["payload"]["bytes"], "<computed>");
        let c = &receipt["counts"];
        let n = |k: &str| c[k].as_u64().unwrap();
        assert_eq!(n("input_leaves"), leaves(&input), "{stem}: input_leaves");
        assert_eq!(
            n("kept") + n("transformed") + n("removed"),
            n("input_leaves"),
            "{stem}: counts"
        );
        let removed = receipt["removed"].as_array().unwrap();
        let sum: u64 = removed.iter().map(|e| e["leaves"].as_u64().unwrap()).sum();
        assert_eq!(sum, n("removed"), "{stem}: removed leaves");
        let tsum: u64 = receipt["transformed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["count"].as_u64().unwrap())
            .sum();
        assert_eq!(tsum, n("transformed"), "{stem}: transformed count");
        let key = |e: &Value| {
            (
                e["path"].as_str().unwrap().to_string(),
                e["reason"].as_str().unwrap_or("").to_string(),
            )
        };
        for list in ["removed", "transformed"] {
            let ks: Vec<_> = receipt[list].as_array().unwrap().iter().map(key).collect();
            let mut sorted = ks.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(
                ks, sorted,
                "{stem}: {list} sorted by path then reason, merged"
            );
            for (p, _) in &ks {
                parse_path(p).unwrap();
                assert!(
                    !p.contains("[0") && !p.contains("[1"),
                    "{stem}: indices collapse to [*]"
                );
            }
        }
        for e in removed {
            let r = e["reason"].as_str().unwrap();
            assert!(
                ["not_allowed", "forbidden", "sensitive", "type_mismatch"].contains(&r),
                "{stem}: {r}"
            );
        }
        // What the brief asks each fixture to exercise.
        let reasons: BTreeSet<&str> = removed
            .iter()
            .map(|e| e["reason"].as_str().unwrap())
            .collect();
        assert!(
            reasons.contains("not_allowed") && reasons.contains("forbidden"),
            "{stem}"
        );
        let paths: Vec<&str> = removed
            .iter()
            .map(|e| e["path"].as_str().unwrap())
            .collect();
        assert!(
            paths
                .iter()
                .any(|p| p.matches('.').count() == 1 && !p.contains('[')),
            "{stem}: a top-level removal"
        );
        assert!(
            paths.iter().any(|p| p.matches('.').count() >= 2),
            "{stem}: a nested removal"
        );
        assert!(
            input.get("sensitive").is_some()
                && paths
                    .iter()
                    .any(|p| p.contains("sensitive") || p.contains("health_data")),
            "{stem}: a sensitive field"
        );
        if *stem != "2ap-art6-domain-registration" {
            // Art. 6 keeps no array of objects; see tests/fixtures/README.md.
            assert!(
                paths.iter().any(|p| p.contains("[*].")),
                "{stem}: a removal inside an array element"
            );
        }
    }

    // Art. 7: the missing-required variant lacks exactly two required fields.
    let d = fix.join("2ap-art7-order");
    let policy = parse(&Path::new(ROOT).join("policies/2ap-art7-order.json"));
    let m = parse(&d.join("missing-required.json"));
    let missing: Vec<String> = required_paths(&policy)
        .into_iter()
        .filter(|p| resolve(&m, &parse_path(p).unwrap()).is_empty())
        .collect();
    assert_eq!(
        missing,
        ["$.issued_at", "$.supplemental.domestic_legal_grounds"]
    );
}

#[test]
fn the_response_masks_the_payment_reference_and_strips_traffic_data() {
    let d = Path::new(ROOT).join("tests/fixtures/2ap-subscriber-response");
    let input = parse(&d.join("input.json"));
    let out = parse(&d.join("expected.json"));
    let orig = input
        .pointer("/records/0/billing_and_payment/masked_reference")
        .unwrap()
        .as_str()
        .unwrap();
    let masked = out
        .pointer("/records/0/billing_and_payment/masked_reference")
        .unwrap()
        .as_str()
        .unwrap();
    assert_eq!(masked.chars().count(), orig.chars().count());
    let n = orig.chars().count() - 4;
    assert!(masked.chars().take(n).all(|c| c == '*'));
    assert_eq!(&masked[n..], &orig[orig.len() - 4..]);
    assert!(input.pointer("/records/0/login_history").is_some());
    assert!(out.pointer("/records/0/login_history").is_none());
    assert!(out
        .pointer("/records/0/subscriber/other_access_numbers")
        .is_none());
}
