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
    use super::PROFILES;
    use crate::policy::Policy;

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
