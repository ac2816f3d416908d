//! The built-in profiles for the Second Additional Protocol, compiled into the crate.
//! Each is data (`policies/*.json`), so a lawyer can correct a field list without touching code.
//!
//! They are stored pre-read (`builtin_data.rs`, generated from `policies/*.json` by the full
//! loader): each profile's RFC 8785 canonical text (what its digest hashes) and its validated
//! document model, so that [`Policy::builtin`](super::Policy::builtin) skips the JSON parser, the
//! validation of `model::read` and the canonicalisation. A fresh process has to compile (V8
//! compiles wasm lazily, function by function) only the automaton's subset construction, which
//! stays at run time because the automata are 10 to 20 times larger than the documents
//! (docs/BENCHMARKS.md, "Less to compile at the first call"). The unit tests below check, for
//! every profile, that the stored form gives a policy equal in every field to the one loaded
//! from its file, and fail when `builtin_data.rs` is stale; regenerate it with
//! `MINSEAL_BLESS=1 cargo test --lib policy::builtin` (then run the tests again: that run still
//! checks the old file; if the old file no longer compiles, empty its `PROFILES` first). The
//! generator reads only `policies/*.json`, through `Policy::from_json`.

use super::model::{AnyOf, DatePart, Doc, RuleDef, Transform, CATEGORIES};
use super::path;

/// One stored profile: the document model with its paths as path text (parsed again at load:
/// strings are smaller than lists of segments).
pub(crate) struct Pre {
    pub(crate) id: &'static str,
    pub(crate) version: &'static str,
    pub(crate) title: &'static str,
    pub(crate) basis: &'static str,
    pub(crate) audience: &'static str,
    pub(crate) senders: &'static [&'static str],
    /// The RFC 8785 canonical text of the document.
    pub(crate) canonical: &'static str,
    /// `(path, bits)` per rule: the type bits (7), then `required` (bit 7), `subtree` (bit 8)
    /// and the category index + 1 (bits 9 and up; 0 for none).
    pub(crate) rules: &'static [(&'static str, u16)],
    /// `(rule index, transform)`: rare (one rule in each subscriber-information response), so kept apart.
    pub(crate) transforms: &'static [(u16, Tr)],
    /// `required_any_of`: each group's paths.
    pub(crate) any_of: &'static [&'static [&'static str]],
    pub(crate) forbidden: &'static [&'static str],
    /// `sensitive.allow`, as indices into [`CATEGORIES`].
    pub(crate) allow: &'static [u8],
    pub(crate) justification: Option<&'static str>,
}

/// [`Transform`] with static text.
#[allow(
    dead_code,
    reason = "the generated data constructs only the transforms today's profiles use"
)]
pub(crate) enum Tr {
    Mask(u64, char),
    Hash(&'static str),
    TruncateIp(u8, u8),
    GeneraliseDate(DatePart),
    MaxLen(u64),
    Replace(&'static str),
}

const REQUIRED: u16 = 1 << 7;
const SUBTREE: u16 = 1 << 8;
const CATEGORY_SHIFT: u16 = 9;

impl Pre {
    /// The document model, as `model::read` gives it for the canonical text. `Err` only if the
    /// stored data were wrong (the tests below prove they are not).
    pub(crate) fn doc(&self) -> Result<Doc, String> {
        let mut rules = Vec::with_capacity(self.rules.len());
        for (i, &(p, bits)) in self.rules.iter().enumerate() {
            let category = match bits >> CATEGORY_SHIFT {
                0 => None,
                c => Some(usize::from(c - 1)),
            };
            let transform = self
                .transforms
                .iter()
                .find(|(r, _)| usize::from(*r) == i)
                .map(|(_, t)| match *t {
                    Tr::Mask(keep_last, ch) => Transform::Mask { keep_last, ch },
                    Tr::Hash(prefix) => Transform::Hash {
                        prefix: prefix.to_owned(),
                    },
                    Tr::TruncateIp(v4, v6) => Transform::TruncateIp { v4, v6 },
                    Tr::GeneraliseDate(to) => Transform::GeneraliseDate { to },
                    Tr::MaxLen(len) => Transform::MaxLen { len },
                    Tr::Replace(json) => Transform::Replace {
                        json: json.to_owned(),
                    },
                });
            rules.push(RuleDef {
                path: path::parse(p)?,
                required: bits & REQUIRED != 0,
                types: (bits & 0x7f) as u8,
                transform,
                subtree: bits & SUBTREE != 0,
                category,
            });
        }
        let mut forbidden = Vec::with_capacity(self.forbidden.len());
        for p in self.forbidden {
            forbidden.push(path::parse(p)?);
        }
        Ok(Doc {
            id: self.id.to_owned(),
            version: self.version.to_owned(),
            title: self.title.to_owned(),
            basis: self.basis.to_owned(),
            audience: self.audience.to_owned(),
            senders: self.senders.iter().map(|&s| s.to_owned()).collect(),
            rules,
            any_of: self
                .any_of
                .iter()
                .map(|g| {
                    g.iter()
                        .map(|p| path::parse(p))
                        .collect::<Result<Vec<_>, _>>()
                        .map(|paths| AnyOf { paths })
                })
                .collect::<Result<Vec<_>, _>>()?,
            forbidden,
            allow: self.allow.iter().map(|&c| usize::from(c)).collect(),
            justification: self.justification.map(path::parse).transpose()?,
        })
    }
}

// `PROFILES`: every built-in profile, in display order (generated; see the module comment).
include!("builtin_data.rs");

/// `CATEGORIES` has 8 entries: their index + 1 fits the 7 bits above [`CATEGORY_SHIFT`].
const _: () = assert!(CATEGORIES.len() < 1 << (16 - CATEGORY_SHIFT));

#[cfg(test)]
mod tests {
    use super::{CATEGORY_SHIFT, PROFILES, REQUIRED, SUBTREE};
    use crate::policy::model::Transform;
    use crate::policy::path::display;
    use crate::policy::{builtins, Policy};
    use core::fmt::Write as _;

    /// The display order of the built-in profiles; `policies/<id with - for />.json` each.
    const ORDER: &[&str] = &[
        "2ap/art6-domain-registration",
        "2ap/art7-order",
        "2ap/art7-order-notified",
        "2ap/art8-subscriber",
        "2ap/art8-traffic",
        "2ap/art8-subscriber-provider",
        "2ap/art8-traffic-provider",
        "2ap/art9-emergency",
        "2ap/art9-emergency-provider",
        "2ap/art10-emergency-mla",
        "2ap/art10-emergency-mla-judicial",
        "2ap/art10-emergency-mla-poc",
        "2ap/subscriber-response",
        "2ap/subscriber-response-art8",
        "2ap/traffic-response",
    ];

    fn path_of(id: &str) -> std::path::PathBuf {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/policies");
        std::path::Path::new(dir).join(format!("{}.json", id.replace('/', "-")))
    }

    /// Each profile loaded from its source file by the full loader (`Policy::from_json`).
    fn from_files() -> Vec<Policy> {
        ORDER
            .iter()
            .map(|id| {
                let src = std::fs::read(path_of(id)).unwrap();
                let p = Policy::from_json(&src).unwrap();
                assert_eq!(p.id(), *id);
                p
            })
            .collect()
    }

    /// `s` as a Rust raw string literal.
    fn raw(s: &str) -> String {
        let mut hashes = String::from("#");
        while s.contains(&format!("\"{hashes}")) {
            hashes.push('#');
        }
        format!("r{hashes}\"{s}\"{hashes}")
    }

    /// The text of `builtin_data.rs` for the profiles in `policies/`.
    fn generate() -> String {
        let ix = |p: &[crate::policy::path::Seg]| format!("{:?}", display(p));
        let mut out = String::from(
            "// @generated from policies/*.json by the full policy loader (src/policy/builtin.rs,\n\
             // `generate`): do not edit. Regenerate with\n\
             // `MINSEAL_BLESS=1 cargo test --lib policy::builtin`; a test fails while it is stale.\n\
             \n\
             /// Every built-in profile, in display order, pre-read ([`Pre`]).\n\
             pub(crate) static PROFILES: &[Pre] = &[\n",
        );
        for p in from_files() {
            let d = &p.inner.doc;
            let w = &mut out;
            writeln!(w, "    Pre {{").unwrap();
            for (k, v) in [
                ("id", &d.id),
                ("version", &d.version),
                ("title", &d.title),
                ("basis", &d.basis),
                ("audience", &d.audience),
            ] {
                writeln!(w, "        {k}: {v:?},").unwrap();
            }
            writeln!(w, "        senders: &{:?},", d.senders).unwrap();
            writeln!(w, "        canonical: {},", raw(p.canonical_json())).unwrap();
            let mut rules = Vec::new();
            let mut transforms = Vec::new();
            for (i, r) in d.rules.iter().enumerate() {
                let mut bits = u16::from(r.types);
                if r.required {
                    bits |= REQUIRED;
                }
                if r.subtree {
                    bits |= SUBTREE;
                }
                if let Some(c) = r.category {
                    bits |= (c as u16 + 1) << CATEGORY_SHIFT;
                }
                rules.push(format!("({}, {bits})", ix(&r.path)));
                let t = match &r.transform {
                    None => continue,
                    Some(Transform::Mask { keep_last, ch }) => format!("Mask({keep_last}, {ch:?})"),
                    Some(Transform::Hash { prefix }) => format!("Hash({prefix:?})"),
                    Some(Transform::TruncateIp { v4, v6 }) => format!("TruncateIp({v4}, {v6})"),
                    Some(Transform::GeneraliseDate { to }) => {
                        format!("GeneraliseDate(DatePart::{to:?})")
                    }
                    Some(Transform::MaxLen { len }) => format!("MaxLen({len})"),
                    Some(Transform::Replace { json }) => format!("Replace({json:?})"),
                };
                transforms.push(format!("({i}, Tr::{t})"));
            }
            writeln!(w, "        rules: &[{}],", rules.join(", ")).unwrap();
            writeln!(w, "        transforms: &[{}],", transforms.join(", ")).unwrap();
            let groups: Vec<String> = d
                .any_of
                .iter()
                .map(|g| {
                    let paths: Vec<String> = g.paths.iter().map(|p| ix(p)).collect();
                    format!("&[{}]", paths.join(", "))
                })
                .collect();
            writeln!(w, "        any_of: &[{}],", groups.join(", ")).unwrap();
            let forbidden: Vec<String> = d.forbidden.iter().map(|f| ix(f)).collect();
            writeln!(w, "        forbidden: &[{}],", forbidden.join(", ")).unwrap();
            writeln!(w, "        allow: &{:?},", d.allow).unwrap();
            let j = d
                .justification
                .as_ref()
                .map_or("None".into(), |j| format!("Some({})", ix(j)));
            writeln!(w, "        justification: {j},").unwrap();
            writeln!(w, "    }},").unwrap();
        }
        out.push_str("];\n");
        out
    }

    /// `builtin_data.rs` is what `generate` writes for today's `policies/*.json`
    /// (`MINSEAL_BLESS=1` rewrites it instead).
    #[test]
    fn stored_profiles_are_fresh() {
        let file = concat!(env!("CARGO_MANIFEST_DIR"), "/src/policy/builtin_data.rs");
        let want = generate();
        if std::env::var_os("MINSEAL_BLESS").is_some() {
            std::fs::write(file, &want).unwrap();
        }
        let have = std::fs::read_to_string(file).unwrap();
        assert!(
            have == want,
            "src/policy/builtin_data.rs is stale: run `MINSEAL_BLESS=1 cargo test --lib policy::builtin`"
        );
    }

    /// `Policy::builtin` (the stored form) equals the profile loaded from its file in every
    /// field: the whole compiled `Inner` (document model, automaton, canonical text, digest,
    /// flags) compared through its `Debug` text, plus what minimising a varied payload gives.
    #[test]
    fn stored_profiles_equal_the_loaded_ones() {
        assert_eq!(PROFILES.len(), ORDER.len());
        for (pre, loaded) in PROFILES.iter().zip(from_files()) {
            let b = Policy::builtin(pre.id).unwrap();
            assert_eq!(b.canonical_json(), loaded.canonical_json(), "{}", pre.id);
            assert_eq!(b.digest(), loaded.digest(), "{}", pre.id);
            assert_eq!(
                format!("{:?}", b.inner),
                format!("{:?}", loaded.inner),
                "{}",
                pre.id
            );
            let fixture = format!(
                "{}/tests/fixtures/{}/input.json",
                env!("CARGO_MANIFEST_DIR"),
                pre.id.replace('/', "-")
            );
            let mut all = payloads(&loaded);
            all.push(std::fs::read_to_string(fixture).unwrap());
            let mut ok = 0;
            for payload in &all {
                for strict in [false, true] {
                    let opts = crate::minimise::MinimiseOptions {
                        strict,
                        ..Default::default()
                    };
                    let x = crate::minimise::minimise(&b, payload.as_bytes(), &opts);
                    let y = crate::minimise::minimise(&loaded, payload.as_bytes(), &opts);
                    ok += usize::from(x.is_ok());
                    assert_eq!(format!("{x:?}"), format!("{y:?}"), "{}", pre.id);
                }
            }
            // Outputs and receipts were compared, not only errors.
            assert!(ok >= 5, "{}: {ok} payloads minimised", pre.id);
        }
    }

    /// Payloads that reach every rule and forbidden path of `p`, each path filled in with a
    /// string, a number, an object and an array: one payload per path, and per leaf one with
    /// every path in it (so required members are there); unlisted members (`zz`, `deep`) too.
    fn payloads(p: &Policy) -> Vec<String> {
        use crate::policy::path::Seg;
        use serde_json::{json, Value};
        /// Puts `leaf` at `path` in `v`, merging with what is there.
        fn put(v: &mut Value, path: &[Seg], leaf: &Value) {
            let Some((seg, rest)) = path.split_first() else {
                if !v.is_object() {
                    *v = leaf.clone();
                }
                return;
            };
            let (name, v) = match seg {
                Seg::Wild => {
                    if !v.is_array() {
                        *v = json!([null]);
                    }
                    return put(&mut v[0], rest, leaf);
                }
                Seg::Child(n) => (n, v),
                Seg::Desc(n) => {
                    if !v.is_object() {
                        *v = json!({ "zz": 1 });
                    }
                    (n, &mut v["deep"])
                }
            };
            if !v.is_object() {
                *v = json!({ "zz": 1 });
            }
            put(&mut v[name.as_str()], rest, leaf);
        }
        /// `leaf` if a rule with type bits `types` admits it, else a sample of a type it does.
        fn admitted(types: u8, leaf: &Value) -> Value {
            use crate::policy::model::{T_ARRAY, T_BOOLEAN, T_INTEGER, T_NULL, T_OBJECT, T_STRING};
            let samples = [
                (T_STRING, json!("s")),
                (T_INTEGER, json!(7)),
                (T_BOOLEAN, json!(true)),
                (T_NULL, json!(null)),
                (T_OBJECT, json!({})),
                (T_ARRAY, json!([])),
            ];
            let bit = match leaf {
                Value::String(_) => T_STRING,
                Value::Number(_) => T_INTEGER,
                Value::Bool(_) => T_BOOLEAN,
                Value::Null => T_NULL,
                Value::Object(_) => T_OBJECT,
                Value::Array(_) => T_ARRAY,
            };
            if types & bit != 0 {
                return leaf.clone();
            }
            samples
                .into_iter()
                .find(|(b, _)| types & b != 0)
                .map_or(Value::Null, |(_, s)| s)
        }
        let d = &p.inner.doc;
        let paths = d.rules.iter().map(|r| &r.path).chain(d.forbidden.iter());
        let leaves = [
            json!("x1234567"),
            json!(42),
            json!({"a": 1, "b": [true, null]}),
            json!(["u", 7]),
        ];
        let mut out = Vec::new();
        for leaf in &leaves {
            let mut merged = json!({});
            for path in paths.clone() {
                put(&mut merged, path, leaf);
                let mut one = json!({});
                put(&mut one, path, leaf);
                out.push(one.to_string());
            }
            out.push(merged.to_string());
            // Every rule's path with a value its `type` admits: a payload that minimises.
            let mut valid = json!({});
            for r in &d.rules {
                put(&mut valid, &r.path, &admitted(r.types, leaf));
            }
            out.push(valid.to_string());
        }
        out
    }

    /// What `builtins()` lists without loading is what each profile says once loaded, every
    /// profile is listed once, and each listed one loads.
    #[test]
    fn listed_metadata_equals_the_loaded_profiles() {
        let list = builtins();
        assert_eq!(list.len(), ORDER.len());
        for (b, id) in list.iter().zip(ORDER) {
            assert_eq!(b.id, *id);
            let p = Policy::builtin(id).unwrap();
            assert_eq!(
                [b.id, &b.version, &b.title, &b.basis, &b.audience],
                [p.id(), p.version(), p.title(), p.basis(), p.audience()]
            );
            assert_eq!(b.senders, p.senders());
        }
    }

    /// Every `policies/*.json` is a built-in profile.
    #[test]
    fn every_policy_file_is_built_in() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/policies");
        let mut files = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                files += 1;
                let src = std::fs::read_to_string(&path).unwrap();
                let id = Policy::from_json(src.as_bytes()).unwrap().id().to_owned();
                assert_eq!(path_of(&id), path);
                assert!(ORDER.contains(&id.as_str()), "{}", path.display());
            }
        }
        assert_eq!(files, ORDER.len());
    }
}
