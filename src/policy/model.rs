//! The policy document model: reads a strictly parsed policy and lists every problem at once
//! (a reader that stops at the first problem would make fixing a policy a loop of reloads).

use super::path::Seg;
use crate::hashindex::{hash_bytes, mix, HashIndex};
use crate::json::{Object, Value};

/// Type bits for `type`. `NUMBER` implies `INTEGER` once normalised (see [`norm_types`]).
pub(crate) const T_STRING: u8 = 1;
pub(crate) const T_NUMBER: u8 = 2;
pub(crate) const T_INTEGER: u8 = 4;
pub(crate) const T_BOOLEAN: u8 = 8;
pub(crate) const T_NULL: u8 = 16;
pub(crate) const T_OBJECT: u8 = 32;
pub(crate) const T_ARRAY: u8 = 64;
/// No `type` given: anything.
pub(crate) const T_ANY: u8 = 127;

fn type_bit(name: &str) -> Option<u8> {
    Some(match name {
        "string" => T_STRING,
        "number" => T_NUMBER,
        "integer" => T_INTEGER,
        "boolean" => T_BOOLEAN,
        "null" => T_NULL,
        "object" => T_OBJECT,
        "array" => T_ARRAY,
        _ => return None,
    })
}

/// A `number` type accepts integers too, so intersections of several rules stay right.
pub(crate) fn norm_types(t: u8) -> u8 {
    if t & T_NUMBER != 0 {
        t | T_INTEGER
    } else {
        t
    }
}

/// The Art. 14(4) categories.
pub(crate) const CATEGORIES: &[&str] = &[
    "racial_or_ethnic_origin",
    "political_opinions",
    "religious_or_other_beliefs",
    "trade_union_membership",
    "genetic_data",
    "biometric_data",
    "health_data",
    "sex_life",
];

/// The roles of the authority register (docs/TRUST.md), for `audience` (the recipient) and
/// `senders`, and for the roles of a register's entries.
pub const ROLES: &[&str] = &[
    "competent_authority",
    "notified_authority",
    "designated_authority",
    "poc_24_7",
    "central_authority",
    "service_provider",
    "registrar",
];

/// Most paths in all `required_any_of` groups together.
pub(crate) const MAX_GROUP_PATHS: usize = super::MAX_RULES;

/// `generalise_date` target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DatePart {
    Year,
    Month,
    Day,
}

/// A transform, with validated parameters.
#[derive(Clone, Debug)]
pub(crate) enum Transform {
    Mask {
        keep_last: u64,
        ch: char,
    },
    Hash {
        prefix: String,
    },
    TruncateIp {
        v4: u8,
        v6: u8,
    },
    GeneraliseDate {
        to: DatePart,
    },
    MaxLen {
        len: u64,
    },
    /// The replacement, already in its JCS text.
    Replace {
        json: String,
    },
}

impl Transform {
    /// The `op` name.
    pub(crate) fn op(&self) -> &'static str {
        match self {
            Self::Mask { .. } => "mask",
            Self::Hash { .. } => "hash",
            Self::TruncateIp { .. } => "truncate_ip",
            Self::GeneraliseDate { .. } => "generalise_date",
            Self::MaxLen { .. } => "max_len",
            Self::Replace { .. } => "replace",
        }
    }

    /// The type of what the transform writes (one bit; for `replace`, its value's type).
    pub(crate) fn output_type(&self) -> u8 {
        let Self::Replace { json } = self else {
            return T_STRING;
        };
        match json.as_bytes().first() {
            Some(b'"') => T_STRING,
            Some(b'{') => T_OBJECT,
            Some(b'[') => T_ARRAY,
            Some(b't' | b'f') => T_BOOLEAN,
            Some(b'n') => T_NULL,
            // JCS writes only integers here (the loader refuses other numbers).
            _ => T_INTEGER,
        }
    }

    /// The value types the transform takes.
    pub(crate) fn input_types(&self) -> u8 {
        match self {
            Self::Hash { .. } => T_STRING | T_NUMBER | T_INTEGER,
            Self::Replace { .. } => T_ANY,
            _ => T_STRING,
        }
    }
}

/// One rule after validation.
#[derive(Clone, Debug)]
pub(crate) struct RuleDef {
    pub(crate) path: Vec<Seg>,
    pub(crate) required: bool,
    /// Normalised type bits ([`T_ANY`] when absent).
    pub(crate) types: u8,
    pub(crate) transform: Option<Transform>,
    pub(crate) subtree: bool,
    /// Index into [`CATEGORIES`].
    pub(crate) category: Option<usize>,
}

/// One `required_any_of` group: at every match of its anchor, at least one of its paths must
/// lead to a kept, non-empty value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct AnyOf {
    pub(crate) paths: Vec<Vec<Seg>>,
}

impl AnyOf {
    /// The number of leading segments every path of the group shares as its anchor.
    pub(crate) fn anchor_len(&self) -> usize {
        self.paths.first().map_or(0, |p| anchor_len(p))
    }
}

/// Where a `required` rule's (or a group path's) check is anchored: the segments up to the last
/// wildcard or descendant before the final step (0, the root, if there is none).
pub(crate) fn anchor_len(path: &[Seg]) -> usize {
    path.get(..path.len().saturating_sub(1))
        .and_then(|p| p.iter().rposition(|s| !matches!(s, Seg::Child(_))))
        .map_or(0, |p| p + 1)
}

/// A validated policy document.
#[derive(Clone, Debug)]
pub(crate) struct Doc {
    pub(crate) id: String,
    pub(crate) version: String,
    pub(crate) title: String,
    pub(crate) basis: String,
    pub(crate) audience: String,
    /// Roles that may send under this policy (empty: not stated).
    pub(crate) senders: Vec<String>,
    pub(crate) rules: Vec<RuleDef>,
    pub(crate) any_of: Vec<AnyOf>,
    pub(crate) forbidden: Vec<Vec<Seg>>,
    /// Allowed categories (indices into [`CATEGORIES`]).
    pub(crate) allow: Vec<usize>,
    pub(crate) justification: Option<Vec<Seg>>,
}

mod crosscheck;
mod read;

pub(crate) use read::{read, without_negative_zero};
