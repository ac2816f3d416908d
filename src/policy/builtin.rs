//! The built-in profiles for the Second Additional Protocol, compiled into the crate.
//! Each is data (`policies/*.json`), so a lawyer can correct a field list without touching code.
//! `build.rs` embeds them without insignificant whitespace (same document, same digest).

/// The embedded text of `policies/<stem>.json`: written by `build.rs` into `OUT_DIR` without
/// insignificant whitespace.
macro_rules! policy {
    ($stem:literal) => {
        include_str!(concat!(env!("OUT_DIR"), "/policies/", $stem, ".json"))
    };
}

include!(concat!(env!("OUT_DIR"), "/builtin_meta.rs"));

/// `(id, JSON source)` of every built-in profile, in display order.
pub(crate) const PROFILES: &[(&str, &str)] = &[
    (
        "2ap/art6-domain-registration",
        policy!("2ap-art6-domain-registration"),
    ),
    ("2ap/art7-order", policy!("2ap-art7-order")),
    (
        "2ap/art7-order-notified",
        policy!("2ap-art7-order-notified"),
    ),
    ("2ap/art8-subscriber", policy!("2ap-art8-subscriber")),
    ("2ap/art8-traffic", policy!("2ap-art8-traffic")),
    (
        "2ap/art8-subscriber-provider",
        policy!("2ap-art8-subscriber-provider"),
    ),
    (
        "2ap/art8-traffic-provider",
        policy!("2ap-art8-traffic-provider"),
    ),
    ("2ap/art9-emergency", policy!("2ap-art9-emergency")),
    (
        "2ap/art10-emergency-mla",
        policy!("2ap-art10-emergency-mla"),
    ),
    (
        "2ap/subscriber-response",
        policy!("2ap-subscriber-response"),
    ),
];

#[cfg(test)]
mod tests {
    use super::{META, PROFILES};
    use crate::policy::{builtins, Policy};

    /// What `builtins()` lists without loading (build.rs's `META`) is what each profile says
    /// once loaded, every profile is listed once, and each listed one loads.
    #[test]
    fn listed_metadata_equals_the_loaded_profiles() {
        let list = builtins();
        assert_eq!(list.len(), PROFILES.len());
        assert_eq!(META.len(), PROFILES.len());
        for (b, (id, _)) in list.iter().zip(PROFILES) {
            assert_eq!(b.id, *id);
            let p = Policy::builtin(id).unwrap();
            assert_eq!(
                [b.id, &b.version, &b.title, &b.basis, &b.audience],
                [p.id(), p.version(), p.title(), p.basis(), p.audience()]
            );
        }
    }

    /// The embedded (whitespace-stripped) profile is the same document as its source file.
    #[test]
    fn embedded_profiles_equal_their_source_files() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/policies");
        let mut files = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                files += 1;
                let src = std::fs::read_to_string(&path).unwrap();
                let from_file = Policy::from_json(src.as_bytes()).unwrap();
                let (_, embedded) = PROFILES
                    .iter()
                    .find(|(id, _)| *id == from_file.id())
                    .unwrap();
                assert!(embedded.len() < src.len(), "{}", path.display());
                let builtin = Policy::builtin(from_file.id()).unwrap();
                assert_eq!(builtin.canonical_json(), from_file.canonical_json());
                assert_eq!(builtin.digest(), from_file.digest());
            }
        }
        assert_eq!(files, PROFILES.len());
    }
}
