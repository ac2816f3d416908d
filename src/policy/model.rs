//! The policy document model: reads a strictly parsed policy and lists every problem at once
//! (a reader that stops at the first problem would make fixing a policy a loop of reloads).

use super::path::{self, Seg};
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

/// The roles of the authority register, for `audience` (the recipient) and `senders`.
pub(crate) const ROLES: &[&str] = &[
    "competent_authority",
    "notified_authority",
    "designated_authority",
    "poc_24_7",
    "central_authority",
    "service_provider",
    "registrar",
    "requested_party",
    "requesting_authority",
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

/// The problems found so far. Its helpers are `#[inline(never)]`: each is called from many
/// places in this cold code, and one copy apiece keeps the loader small.
struct Ctx {
    problems: Vec<String>,
}

impl Ctx {
    fn p(&mut self, at: &str, what: impl core::fmt::Display) {
        self.push(at, &what);
    }

    /// The formatting behind [`Ctx::p`], once rather than per argument type.
    #[inline(never)]
    fn push(&mut self, at: &str, what: &dyn core::fmt::Display) {
        self.problems.push(format!("{at}: {what}"));
    }

    /// A problem at member `key` of `at` (`{at}.{key}: {what}`), without formatting the
    /// location into a temporary `String` at each call site.
    #[inline(never)]
    fn pm(&mut self, at: &str, key: &str, what: &dyn core::fmt::Display) {
        self.problems.push(format!("{at}.{key}: {what}"));
    }

    #[inline(never)]
    fn fields(&mut self, at: &str, obj: &Object, allowed: &[&str]) {
        for k in obj.keys() {
            if !allowed.contains(&k) {
                self.p(at, format_args!("unknown field `{k}`"));
            }
        }
    }

    #[inline(never)]
    fn string(&mut self, at: &str, obj: &Object, key: &str, required: bool) -> Option<String> {
        match obj.get(key) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.pm(at, key, &"must be a string");
                None
            }
            None => {
                if required {
                    self.p(at, format_args!("missing field `{key}`"));
                }
                None
            }
        }
    }

    #[inline(never)]
    fn boolean(&mut self, at: &str, obj: &Object, key: &str) -> bool {
        match obj.get(key) {
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                self.pm(at, key, &"must be true or false");
                false
            }
            None => false,
        }
    }

    #[inline(never)]
    fn uint(&mut self, at: &str, obj: &Object, key: &str, max: u64) -> Option<u64> {
        match obj.get(key).map(Value::as_u64) {
            Some(Some(n)) if n <= max => Some(n),
            Some(_) => {
                self.pm(at, key, &format_args!("must be an integer from 0 to {max}"));
                None
            }
            None => {
                self.p(at, format_args!("missing parameter `{key}`"));
                None
            }
        }
    }

    #[inline(never)]
    fn path(&mut self, at: &str, v: &Value) -> Option<Vec<Seg>> {
        match v {
            Value::String(s) => match path::parse(s) {
                Ok(p) => Some(p),
                Err(e) => {
                    self.p(at, format_args!("invalid path: {e}"));
                    None
                }
            },
            _ => {
                self.p(at, "must be a path string");
                None
            }
        }
    }

    #[inline(never)]
    fn category(&mut self, at: &str, v: &Value) -> Option<usize> {
        let found = v
            .as_str()
            .and_then(|s| CATEGORIES.iter().position(|c| *c == s));
        if found.is_none() {
            self.p(at, "unknown category");
        }
        found
    }
}

/// A number a policy may contain: an integer written without fraction or exponent, below 2^53
/// in magnitude (so canonical JSON writes it exactly). `-0` is read as `0` before this check
/// ([`without_negative_zero`]).
fn number_ok(v: &Value) -> bool {
    v.as_u64().is_some_and(|u| u < 1 << 53)
        || v.as_i64().is_some_and(|i| i.unsigned_abs() < 1 << 53)
}

/// `v` with every `-0` written `0` (RFC 8785's form of negative zero, which the canonical
/// writer, integer-only, does not take); `None` when `v` has no `-0` (the common case: nothing
/// is copied).
pub(crate) fn without_negative_zero(v: &Value) -> Option<Value> {
    fn has(v: &Value) -> bool {
        match v {
            Value::Number(n) => n == "-0",
            Value::Array(a) => a.iter().any(has),
            Value::Object(o) => o.iter().any(|(_, x)| has(x)),
            _ => false,
        }
    }
    fn zero(v: &Value) -> Value {
        match v {
            Value::Number(n) if n == "-0" => Value::Number("0".into()),
            Value::Array(a) => Value::Array(a.iter().map(zero).collect()),
            Value::Object(o) => Value::Object(Object::new(
                o.iter().map(|(k, x)| (k.clone(), zero(x))).collect(),
            )),
            other => other.clone(),
        }
    }
    has(v).then(|| zero(v))
}

/// Every number in `v` is [`number_ok`] (the common case, checked without building locations).
fn numbers_ok(v: &Value) -> bool {
    match v {
        Value::Number(_) => number_ok(v),
        Value::Array(a) => a.iter().all(numbers_ok),
        Value::Object(o) => o.into_iter().all(|(_, x)| numbers_ok(x)),
        _ => true,
    }
}

/// Reports every number that is not [`number_ok`], with its location.
fn check_numbers(v: &Value, at: &str, ctx: &mut Ctx) {
    match v {
        Value::Number(_) if !number_ok(v) => {
            ctx.p(
                at,
                "numbers in a policy must be integers below 2^53 in magnitude",
            );
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                check_numbers(x, &format!("{at}[{i}]"), ctx);
            }
        }
        Value::Object(o) => {
            for (k, x) in o {
                check_numbers(x, &format!("{at}.{k}"), ctx);
            }
        }
        _ => {}
    }
}

fn transform(at: &str, v: &Value, ctx: &mut Ctx) -> Option<Transform> {
    let Some(o) = v.as_object() else {
        ctx.p(at, "must be an object with `op`");
        return None;
    };
    let op = o.get("op").and_then(Value::as_str).unwrap_or_default();
    let t = match op {
        "mask" => {
            ctx.fields(at, o, &["op", "keep_last", "char"]);
            let keep_last = ctx.uint(at, o, "keep_last", u64::MAX)?;
            let ch = match o.get("char") {
                None => '*',
                Some(Value::String(s)) if s.chars().count() == 1 => s.chars().next()?,
                Some(_) => {
                    ctx.pm(at, "char", &"must be a string of one character");
                    return None;
                }
            };
            Transform::Mask { keep_last, ch }
        }
        "hash" => {
            ctx.fields(at, o, &["op", "prefix"]);
            let prefix = ctx
                .string(at, o, "prefix", false)
                .unwrap_or_else(|| "hmac:".into());
            Transform::Hash { prefix }
        }
        "truncate_ip" => {
            ctx.fields(at, o, &["op", "v4", "v6"]);
            let v4 = ctx.uint(at, o, "v4", 32);
            let v6 = ctx.uint(at, o, "v6", 128);
            Transform::TruncateIp {
                v4: u8::try_from(v4?).ok()?,
                v6: u8::try_from(v6?).ok()?,
            }
        }
        "generalise_date" => {
            ctx.fields(at, o, &["op", "to"]);
            let to = match o.get("to").and_then(Value::as_str) {
                Some("year") => DatePart::Year,
                Some("month") => DatePart::Month,
                Some("day") => DatePart::Day,
                _ => {
                    ctx.pm(at, "to", &"must be `year`, `month` or `day`");
                    return None;
                }
            };
            Transform::GeneraliseDate { to }
        }
        "max_len" => {
            ctx.fields(at, o, &["op", "len"]);
            Transform::MaxLen {
                len: ctx.uint(at, o, "len", u64::MAX)?,
            }
        }
        "replace" => {
            ctx.fields(at, o, &["op", "value"]);
            let Some(value) = o.get("value") else {
                ctx.p(at, "missing parameter `value`");
                return None;
            };
            let json = crate::jcs::canonicalize(value).ok()?;
            Transform::Replace {
                json: String::from_utf8(json).ok()?,
            }
        }
        "" => {
            ctx.p(at, "missing `op`");
            return None;
        }
        _ => {
            ctx.pm(at, "op", &"unknown transform");
            return None;
        }
    };
    Some(t)
}

fn rule(at: &str, v: &Value, ctx: &mut Ctx) -> Option<RuleDef> {
    let Some(o) = v.as_object() else {
        ctx.p(at, "a rule must be an object");
        return None;
    };
    ctx.fields(
        at,
        o,
        &[
            "path",
            "required",
            "type",
            "transform",
            "subtree",
            "category",
            "note",
        ],
    );
    let path = match o.get("path") {
        Some(p) => ctx.path(&format!("{at}.path"), p),
        None => {
            ctx.p(at, "missing field `path`");
            None
        }
    };
    let required = ctx.boolean(at, o, "required");
    let subtree = ctx.boolean(at, o, "subtree");
    if o.get("note").is_some_and(|n| !n.is_string()) {
        ctx.pm(at, "note", &"must be a string");
    }
    let types = match o.get("type") {
        None => Some(T_ANY),
        Some(t) => {
            let names: Vec<&Value> = match t {
                Value::Array(a) if !a.is_empty() => a.iter().collect(),
                Value::String(_) => vec![t],
                _ => vec![],
            };
            let mut bits = 0u8;
            let mut ok = !names.is_empty();
            for n in names {
                match n.as_str().and_then(type_bit) {
                    Some(b) => bits |= b,
                    None => ok = false,
                }
            }
            if ok {
                Some(norm_types(bits))
            } else {
                ctx.pm(
                    at,
                    "type",
                    &"must be a type name or a non-empty array of them",
                );
                None
            }
        }
    };
    let transform = match o.get("transform") {
        Some(t) => Some(transform(&format!("{at}.transform"), t, ctx)?),
        None => None,
    };
    let category = match o.get("category") {
        Some(c) => Some(ctx.category(&format!("{at}.category"), c)?),
        None => None,
    };
    if let Some(t) = &transform {
        if subtree {
            ctx.p(at, "`transform` together with `subtree`");
        }
        if let (Some(types), true) = (types, o.contains_key("type")) {
            // Every type the rule admits must be one the transform takes.
            if types & !t.input_types() != 0 {
                ctx.p(
                    at,
                    format_args!("`type` admits values `{}` cannot take", t.op()),
                );
            }
        }
    }
    Some(RuleDef {
        path: path?,
        required,
        types: types?,
        transform,
        subtree,
        category,
    })
}

/// Validates a parsed policy document; `Err` holds every problem found.
pub(crate) fn read(doc: &Value) -> Result<Doc, Vec<String>> {
    let mut ctx = Ctx {
        problems: Vec::new(),
    };
    if !numbers_ok(doc) {
        check_numbers(doc, "$", &mut ctx);
    }
    let Some(o) = doc.as_object() else {
        return Err(vec!["$: a policy must be a JSON object".into()]);
    };
    ctx.fields(
        "$",
        o,
        &[
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
        ],
    );
    match o.get("minseal_policy") {
        Some(v) if v.as_u64() == Some(1) => {}
        Some(_) => ctx.p("$.minseal_policy", "only version 1 exists"),
        None => ctx.p("$", "missing field `minseal_policy`"),
    }
    let id = read_id(o, &mut ctx);
    let version = ctx.string("$", o, "version", true);
    let title = ctx.string("$", o, "title", true);
    let basis = ctx.string("$", o, "basis", true);
    let audience = ctx.string("$", o, "audience", true);
    if audience.as_deref().is_some_and(|a| !ROLES.contains(&a)) {
        ctx.p("$.audience", "unknown role");
    }
    let senders = read_senders(o, &mut ctx);
    ctx.string("$", o, "description", false);
    let rules = read_rules(o, &mut ctx)?;
    let forbidden = read_forbidden(o, &mut ctx)?;
    let (allow, justification) = read_sensitive(o, &mut ctx);

    let known = Known::new(&rules, &forbidden);
    check_rules(&rules, &known, &allow, &mut ctx);
    if let Some(j) = &justification {
        check_justification_kept(j, &rules, &mut ctx);
    }
    let any_of = read_any_of(o, &rules, &known, &allow, &mut ctx)?;

    if !ctx.problems.is_empty() {
        return Err(ctx.problems);
    }
    Ok(Doc {
        id: id.unwrap_or_default(),
        version: version.unwrap_or_default(),
        title: title.unwrap_or_default(),
        basis: basis.unwrap_or_default(),
        audience: audience.unwrap_or_default(),
        senders,
        rules: rules.into_iter().map(|(_, r)| r).collect(),
        any_of,
        forbidden,
        allow,
        justification,
    })
}

/// `id`: `[a-z0-9][a-z0-9._/-]*`, at most 128 characters.
fn read_id(o: &Object, ctx: &mut Ctx) -> Option<String> {
    let id = ctx.string("$", o, "id", true);
    if let Some(id) = &id {
        let b = id.as_bytes();
        let ok = b.len() <= 128
            && b.first()
                .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            && b.iter().all(|c| {
                c.is_ascii_lowercase()
                    || c.is_ascii_digit()
                    || matches!(c, b'.' | b'_' | b'/' | b'-')
            });
        if !ok {
            ctx.p(
                "$.id",
                "must match [a-z0-9][a-z0-9._/-]* and be at most 128 characters",
            );
        }
    }
    id
}

/// `rules`, each with its index in the document; `Err` at once for too many (the later checks
/// are linear, but each rule costs automaton states).
fn read_rules(o: &Object, ctx: &mut Ctx) -> Result<Vec<(usize, RuleDef)>, Vec<String>> {
    let mut rules = Vec::new();
    match o.get("rules") {
        Some(Value::Array(a)) if a.len() > super::MAX_RULES => {
            return Err(vec![format!(
                "$.rules: {} rules; a policy has at most {} rules",
                a.len(),
                super::MAX_RULES
            )]);
        }
        Some(Value::Array(a)) => {
            for (i, r) in a.iter().enumerate() {
                if let Some(r) = rule(&format!("$.rules[{i}]"), r, ctx) {
                    rules.push((i, r));
                }
            }
        }
        Some(_) => ctx.p("$.rules", "must be an array"),
        None => ctx.p("$", "missing field `rules`"),
    }
    Ok(rules)
}

/// `forbidden`: paths; `Err` at once for too many.
fn read_forbidden(o: &Object, ctx: &mut Ctx) -> Result<Vec<Vec<Seg>>, Vec<String>> {
    let mut forbidden = Vec::new();
    match o.get("forbidden") {
        Some(Value::Array(a)) if a.len() > super::MAX_RULES => {
            return Err(vec![format!(
                "$.forbidden: {} paths; a policy has at most {} forbidden paths",
                a.len(),
                super::MAX_RULES
            )]);
        }
        Some(Value::Array(a)) => {
            for (i, f) in a.iter().enumerate() {
                if let Some(p) = ctx.path(&format!("$.forbidden[{i}]"), f) {
                    forbidden.push(p);
                }
            }
        }
        Some(_) => ctx.p("$.forbidden", "must be an array of paths"),
        None => {}
    }
    Ok(forbidden)
}

/// `sensitive`: the allowed categories and the justification path (member names only).
fn read_sensitive(o: &Object, ctx: &mut Ctx) -> (Vec<usize>, Option<Vec<Seg>>) {
    let mut allow = Vec::new();
    let mut justification = None;
    match o.get("sensitive") {
        Some(Value::Object(s)) => {
            ctx.fields("$.sensitive", s, &["allow", "justification"]);
            match s.get("allow") {
                Some(Value::Array(a)) => {
                    for (i, c) in a.iter().enumerate() {
                        if let Some(c) = ctx.category(&format!("$.sensitive.allow[{i}]"), c) {
                            allow.push(c);
                        }
                    }
                }
                Some(_) => ctx.p("$.sensitive.allow", "must be an array of categories"),
                None => {}
            }
            if let Some(j) = s.get("justification") {
                justification = ctx.path("$.sensitive.justification", j);
                if justification
                    .as_ref()
                    .is_some_and(|p| p.is_empty() || p.iter().any(|s| !matches!(s, Seg::Child(_))))
                {
                    ctx.p(
                        "$.sensitive.justification",
                        "must name one member path (no wildcards)",
                    );
                    justification = None;
                }
            }
            if !allow.is_empty() && s.get("justification").is_none() {
                ctx.p("$.sensitive", "`allow` needs a `justification` path");
            }
        }
        Some(_) => ctx.p("$.sensitive", "must be an object"),
        None => {}
    }
    (allow, justification)
}

/// Some uncategorised rule keeps the justification as written: its own path, or a `subtree`
/// rule's path above it (what the engine would do to it is checked on the automaton, `lint`).
fn check_justification_kept(j: &[Seg], rules: &[(usize, RuleDef)], ctx: &mut Ctx) {
    let kept = rules.iter().any(|(_, r)| {
        r.category.is_none() && (r.path == j || (r.subtree && j.starts_with(&r.path)))
    });
    if !kept {
        ctx.p(
            "$.sensitive.justification",
            "no rule keeps this path (the recipient must receive the justification)",
        );
    }
}

/// The rule and forbidden paths, found by hash: the loader stays linear in the number of rules
/// and forbidden paths (a pairwise scan would make a large policy a denial of service).
struct Known<'a> {
    /// The first rule with each distinct path: (path, index into the rules).
    rules: Vec<(&'a [Seg], usize)>,
    rules_ix: HashIndex,
    /// Each rule's path hash, by position.
    hashes: Vec<u64>,
    forbidden: &'a [Vec<Seg>],
    forbidden_ix: HashIndex,
}

impl<'a> Known<'a> {
    fn new(rules: &'a [(usize, RuleDef)], forbidden: &'a [Vec<Seg>]) -> Self {
        let mut k = Known {
            rules: Vec::new(),
            rules_ix: HashIndex::default(),
            hashes: Vec::with_capacity(rules.len()),
            forbidden,
            forbidden_ix: HashIndex::default(),
        };
        for f in forbidden {
            k.forbidden_ix.push(path_hash(f));
        }
        for (n, (_, r)) in rules.iter().enumerate() {
            let h = path_hash(&r.path);
            k.hashes.push(h);
            if k.rule_hashed(h, &r.path).is_none() {
                k.rules_ix.push(h);
                k.rules.push((&r.path, n));
            }
        }
        k
    }

    /// The position (in the rules) of the first rule with path `p`.
    fn rule(&self, p: &[Seg]) -> Option<usize> {
        self.rule_hashed(path_hash(p), p)
    }

    /// [`Self::rule`] with `p`'s hash given.
    fn rule_hashed(&self, h: u64, p: &[Seg]) -> Option<usize> {
        let k = self
            .rules_ix
            .find(h, |k| self.rules.get(k).is_some_and(|e| e.0 == p))?;
        self.rules.get(k).map(|e| e.1)
    }

    /// Whether `p` or one of its prefixes is a forbidden path (each prefix's hash extends the
    /// previous one's: linear in the path's length).
    fn forbidden_prefix(&self, p: &[Seg]) -> bool {
        let mut h = path_hash(&[]);
        (0..=p.len()).any(|k| {
            if let Some(s) = k.checked_sub(1).and_then(|k| p.get(k)) {
                h = seg_hash(h, s);
            }
            let prefix = p.get(..k).unwrap_or_default();
            self.forbidden_ix
                .find(h, |f| {
                    self.forbidden
                        .get(f)
                        .is_some_and(|f| f.as_slice() == prefix)
                })
                .is_some()
        })
    }

    /// Whether a proper prefix of `p` is the path of a `subtree` rule.
    fn under_subtree(&self, p: &[Seg], rules: &[(usize, RuleDef)]) -> bool {
        let mut h = path_hash(&[]);
        (0..p.len()).any(|k| {
            if let Some(s) = k.checked_sub(1).and_then(|k| p.get(k)) {
                h = seg_hash(h, s);
            }
            self.rule_hashed(h, p.get(..k).unwrap_or_default())
                .and_then(|n| rules.get(n))
                .is_some_and(|(_, r)| r.subtree)
        })
    }
}

/// The contradictions within and between rules (POLICY.md, "Rules").
fn check_rules(rules: &[(usize, RuleDef)], known: &Known, allow: &[usize], ctx: &mut Ctx) {
    for (n, (i, r)) in rules.iter().enumerate() {
        let at = format!("$.rules[{i}]");
        let h = known.hashes.get(n).copied().unwrap_or_default();
        if let Some(first) = known.rule_hashed(h, &r.path).filter(|&f| f != n) {
            let j = rules.get(first).map_or(0, |e| e.0);
            ctx.p(&at, format_args!("same path as $.rules[{j}]"));
        }
        if known.forbidden_prefix(&r.path) {
            ctx.p(&at, "path is forbidden (or lies under a forbidden path)");
        }
        if let Some(c) = r.category {
            if r.required && !allow.contains(&c) {
                ctx.p(&at, "required, but its category is not in sensitive.allow");
            }
        }
        if r.required && matches!(r.path.last(), Some(Seg::Desc(_)) | None) {
            ctx.p(
                &at,
                "`required` needs a path ending in a member name or [*]",
            );
        }
    }
}

/// `senders`: distinct roles from [`ROLES`], at least one when present.
fn read_senders(o: &Object, ctx: &mut Ctx) -> Vec<String> {
    let mut senders: Vec<String> = Vec::new();
    match o.get("senders") {
        None => {}
        Some(Value::Array(a)) if !a.is_empty() => {
            for (i, v) in a.iter().enumerate() {
                let at = format!("$.senders[{i}]");
                match v.as_str() {
                    Some(r) if !ROLES.contains(&r) => ctx.p(&at, "unknown role"),
                    Some(r) if senders.iter().any(|s| s == r) => ctx.p(&at, "listed twice"),
                    Some(r) => senders.push(r.to_owned()),
                    None => ctx.p(&at, "must be a role name"),
                }
            }
        }
        Some(_) => ctx.p("$.senders", "must be a non-empty array of roles"),
    }
    senders
}

/// `required_any_of`: groups of paths of which at least one must lead to a kept, non-empty
/// value. Each path must be one a rule keeps (its own path, or under a `subtree` rule's path),
/// not forbidden and not of a category the policy does not allow, and the paths of a group must
/// share their anchor (the part up to the last wildcard before the final step), so the group is
/// checked once per anchor match like a `required` rule.
fn read_any_of(
    o: &Object,
    rules: &[(usize, RuleDef)],
    known: &Known,
    allow: &[usize],
    ctx: &mut Ctx,
) -> Result<Vec<AnyOf>, Vec<String>> {
    let mut groups = Vec::new();
    let list = match o.get("required_any_of") {
        None => return Ok(groups),
        Some(Value::Array(a)) => a,
        Some(_) => {
            ctx.p("$.required_any_of", "must be an array of groups");
            return Ok(groups);
        }
    };
    let total: usize = list
        .iter()
        .filter_map(|g| match g.as_object()?.get("paths")? {
            Value::Array(a) => Some(a.len()),
            _ => None,
        })
        .sum();
    if list.len() > super::MAX_RULES || total > MAX_GROUP_PATHS {
        return Err(vec![format!(
            "$.required_any_of: {} groups with {total} paths; a policy has at most {} groups and {MAX_GROUP_PATHS} group paths",
            list.len(),
            super::MAX_RULES
        )]);
    }
    for (g, v) in list.iter().enumerate() {
        let at = format!("$.required_any_of[{g}]");
        let Some(go) = v.as_object() else {
            ctx.p(&at, "a group must be an object with `paths`");
            continue;
        };
        ctx.fields(&at, go, &["paths", "note"]);
        if go.get("note").is_some_and(|n| !n.is_string()) {
            ctx.pm(&at, "note", &"must be a string");
        }
        let Some(Value::Array(items)) = go.get("paths") else {
            ctx.pm(&at, "paths", &"must be a non-empty array of paths");
            continue;
        };
        if items.is_empty() {
            ctx.pm(&at, "paths", &"must be a non-empty array of paths");
            continue;
        }
        let mut paths: Vec<Vec<Seg>> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let pat = format!("{at}.paths[{i}]");
            let Some(p) = ctx.path(&pat, item) else {
                continue;
            };
            if paths.contains(&p) {
                ctx.p(&pat, "listed twice in the group");
                continue;
            }
            check_group_path(&pat, &p, rules, known, allow, ctx);
            if let Some(first) = paths.first() {
                let n = anchor_len(first);
                if anchor_len(&p) != n || p.get(..n) != first.get(..n) {
                    ctx.p(
                        &pat,
                        "the paths of a group must share the part up to their last wildcard",
                    );
                }
            }
            paths.push(p);
        }
        groups.push(AnyOf { paths });
    }
    Ok(groups)
}

/// One path of a `required_any_of` group: it can be satisfied (see [`read_any_of`]).
fn check_group_path(
    at: &str,
    p: &[Seg],
    rules: &[(usize, RuleDef)],
    known: &Known,
    allow: &[usize],
    ctx: &mut Ctx,
) {
    if p.is_empty() || matches!(p.last(), Some(Seg::Desc(_))) {
        ctx.p(at, "needs a path ending in a member name or [*]");
        return;
    }
    if known.forbidden_prefix(p) {
        ctx.p(at, "path is forbidden (or lies under a forbidden path)");
    }
    let own = known.rule(p).and_then(|n| rules.get(n)).map(|(_, r)| r);
    let kept = own.is_some_and(|r| r.category.is_none_or(|c| allow.contains(&c)))
        || known.under_subtree(p, rules);
    if !kept {
        ctx.p(
            at,
            "no rule keeps this path (the group could never be satisfied)",
        );
    }
}

/// The hash of a path, segment by segment ([`seg_hash`]).
fn path_hash(path: &[Seg]) -> u64 {
    path.iter().fold(0, seg_hash)
}

/// `h` extended by one segment.
fn seg_hash(h: u64, s: &Seg) -> u64 {
    match s {
        Seg::Child(n) => hash_bytes(mix(h, 1), n.as_bytes()),
        Seg::Wild => mix(h, 2),
        Seg::Desc(n) => hash_bytes(mix(h, 3), n.as_bytes()),
    }
}
