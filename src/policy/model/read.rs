//! Reading a policy document: every section checked, every problem listed.

use super::crosscheck::{check_rules, read_any_of, Known};
use super::*;
use crate::policy::path;

/// The problems found so far. Its helpers are `#[inline(never)]`: each is called from many
/// places in this cold code, and one copy apiece keeps the loader small.
pub(super) struct Ctx {
    problems: Vec<String>,
}

impl Ctx {
    pub(super) fn p(&mut self, at: &str, what: impl core::fmt::Display) {
        self.push(at, &what);
    }

    /// The formatting behind [`Ctx::p`], once rather than per argument type.
    #[inline(never)]
    pub(super) fn push(&mut self, at: &str, what: &dyn core::fmt::Display) {
        self.problems.push(format!("{at}: {what}"));
    }

    /// A problem at member `key` of `at` (`{at}.{key}: {what}`), without formatting the
    /// location into a temporary `String` at each call site.
    #[inline(never)]
    pub(super) fn pm(&mut self, at: &str, key: &str, what: &dyn core::fmt::Display) {
        self.problems.push(format!("{at}.{key}: {what}"));
    }

    #[inline(never)]
    pub(super) fn fields(&mut self, at: &str, obj: &Object, allowed: &[&str]) {
        for k in obj.keys() {
            if !allowed.contains(&k) {
                self.p(at, format_args!("unknown field `{k}`"));
            }
        }
    }

    #[inline(never)]
    pub(super) fn string(
        &mut self,
        at: &str,
        obj: &Object,
        key: &str,
        required: bool,
    ) -> Option<String> {
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
    pub(super) fn boolean(&mut self, at: &str, obj: &Object, key: &str) -> bool {
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
    pub(super) fn uint(&mut self, at: &str, obj: &Object, key: &str, max: u64) -> Option<u64> {
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
    pub(super) fn path(&mut self, at: &str, v: &Value) -> Option<Vec<Seg>> {
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
    pub(super) fn category(&mut self, at: &str, v: &Value) -> Option<usize> {
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
pub(super) fn number_ok(v: &Value) -> bool {
    v.as_u64().is_some_and(|u| u < 1 << 53)
        || v.as_i64().is_some_and(|i| i.unsigned_abs() < 1 << 53)
}

/// `v` with every `-0` written `0` (RFC 8785's form of negative zero, which the canonical
/// writer, integer-only, does not take); `None` when `v` has no `-0` (the common case: nothing
/// is copied).
pub(crate) fn without_negative_zero(v: &Value) -> Option<Value> {
    pub(super) fn has(v: &Value) -> bool {
        match v {
            Value::Number(n) => n == "-0",
            Value::Array(a) => a.iter().any(has),
            Value::Object(o) => o.iter().any(|(_, x)| has(x)),
            _ => false,
        }
    }
    pub(super) fn zero(v: &Value) -> Value {
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
pub(super) fn numbers_ok(v: &Value) -> bool {
    match v {
        Value::Number(_) => number_ok(v),
        Value::Array(a) => a.iter().all(numbers_ok),
        Value::Object(o) => o.into_iter().all(|(_, x)| numbers_ok(x)),
        _ => true,
    }
}

/// Reports every number that is not [`number_ok`], with its location.
pub(super) fn check_numbers(v: &Value, at: &str, ctx: &mut Ctx) {
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

pub(super) fn transform(at: &str, v: &Value, ctx: &mut Ctx) -> Option<Transform> {
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

pub(super) fn rule(at: &str, v: &Value, ctx: &mut Ctx) -> Option<RuleDef> {
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
pub(super) fn read_id(o: &Object, ctx: &mut Ctx) -> Option<String> {
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
pub(super) fn read_rules(o: &Object, ctx: &mut Ctx) -> Result<Vec<(usize, RuleDef)>, Vec<String>> {
    let mut rules = Vec::new();
    match o.get("rules") {
        Some(Value::Array(a)) if a.len() > crate::policy::MAX_RULES => {
            return Err(vec![format!(
                "$.rules: {} rules; a policy has at most {} rules",
                a.len(),
                crate::policy::MAX_RULES
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
pub(super) fn read_forbidden(o: &Object, ctx: &mut Ctx) -> Result<Vec<Vec<Seg>>, Vec<String>> {
    let mut forbidden = Vec::new();
    match o.get("forbidden") {
        Some(Value::Array(a)) if a.len() > crate::policy::MAX_RULES => {
            return Err(vec![format!(
                "$.forbidden: {} paths; a policy has at most {} forbidden paths",
                a.len(),
                crate::policy::MAX_RULES
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
pub(super) fn read_sensitive(o: &Object, ctx: &mut Ctx) -> (Vec<usize>, Option<Vec<Seg>>) {
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
pub(super) fn check_justification_kept(j: &[Seg], rules: &[(usize, RuleDef)], ctx: &mut Ctx) {
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

/// `senders`: distinct roles from [`ROLES`], at least one when present.
pub(super) fn read_senders(o: &Object, ctx: &mut Ctx) -> Vec<String> {
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
