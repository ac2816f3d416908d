//! The built-in profiles for the Second Additional Protocol, compiled into the crate.
//! Each is data (`policies/*.json`), so a lawyer can correct a field list without touching code.

/// `(id, JSON source)` of every built-in profile, in display order.
// Unused until the policy engine (src/policy/mod.rs) lands and reads it.
#[allow(dead_code)]
pub(crate) const PROFILES: &[(&str, &str)] = &[
    (
        "2ap/art6-domain-registration",
        include_str!("../../policies/2ap-art6-domain-registration.json"),
    ),
    (
        "2ap/art7-order",
        include_str!("../../policies/2ap-art7-order.json"),
    ),
    (
        "2ap/art7-order-notified",
        include_str!("../../policies/2ap-art7-order-notified.json"),
    ),
    (
        "2ap/art8-subscriber",
        include_str!("../../policies/2ap-art8-subscriber.json"),
    ),
    (
        "2ap/art8-traffic",
        include_str!("../../policies/2ap-art8-traffic.json"),
    ),
    (
        "2ap/art8-subscriber-provider",
        include_str!("../../policies/2ap-art8-subscriber-provider.json"),
    ),
    (
        "2ap/art8-traffic-provider",
        include_str!("../../policies/2ap-art8-traffic-provider.json"),
    ),
    (
        "2ap/art9-emergency",
        include_str!("../../policies/2ap-art9-emergency.json"),
    ),
    (
        "2ap/art10-emergency-mla",
        include_str!("../../policies/2ap-art10-emergency-mla.json"),
    ),
    (
        "2ap/subscriber-response",
        include_str!("../../policies/2ap-subscriber-response.json"),
    ),
];
