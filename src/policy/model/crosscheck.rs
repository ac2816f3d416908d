//! Checks between the parts of a policy: rules against each other, against forbidden paths,
//! and `required_any_of` groups against the rules, by hashed lookups.

use super::read::Ctx;
use super::*;

/// The rule and forbidden paths, found by hash: the loader stays linear in the number of rules
/// and forbidden paths (a pairwise scan would make a large policy a denial of service).
pub(super) struct Known<'a> {
    /// The first rule with each distinct path: (path, index into the rules).
    rules: Vec<(&'a [Seg], usize)>,
    rules_ix: HashIndex,
    /// Each rule's path hash, by position.
    hashes: Vec<u64>,
    forbidden: &'a [Vec<Seg>],
    forbidden_ix: HashIndex,
}

impl<'a> Known<'a> {
    pub(super) fn new(rules: &'a [(usize, RuleDef)], forbidden: &'a [Vec<Seg>]) -> Self {
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
    pub(super) fn rule(&self, p: &[Seg]) -> Option<usize> {
        self.rule_hashed(path_hash(p), p)
    }

    /// [`Self::rule`] with `p`'s hash given.
    pub(super) fn rule_hashed(&self, h: u64, p: &[Seg]) -> Option<usize> {
        let k = self
            .rules_ix
            .find(h, |k| self.rules.get(k).is_some_and(|e| e.0 == p))?;
        self.rules.get(k).map(|e| e.1)
    }

    /// Whether `p` or one of its prefixes is a forbidden path (each prefix's hash extends the
    /// previous one's: linear in the path's length).
    pub(super) fn forbidden_prefix(&self, p: &[Seg]) -> bool {
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
    pub(super) fn under_subtree(&self, p: &[Seg], rules: &[(usize, RuleDef)]) -> bool {
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
pub(super) fn check_rules(
    rules: &[(usize, RuleDef)],
    known: &Known,
    allow: &[usize],
    ctx: &mut Ctx,
) {
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

/// `required_any_of`: groups of paths of which at least one must lead to a kept, non-empty
/// value. Each path must be one a rule keeps (its own path, or under a `subtree` rule's path),
/// not forbidden and not of a category the policy does not allow, and the paths of a group must
/// share their anchor (the part up to the last wildcard before the final step), so the group is
/// checked once per anchor match like a `required` rule.
pub(super) fn read_any_of(
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
    if list.len() > crate::policy::MAX_RULES || total > MAX_GROUP_PATHS {
        return Err(vec![format!(
            "$.required_any_of: {} groups with {total} paths; a policy has at most {} groups and {MAX_GROUP_PATHS} group paths",
            list.len(),
            crate::policy::MAX_RULES
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
pub(super) fn check_group_path(
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
pub(super) fn path_hash(path: &[Seg]) -> u64 {
    path.iter().fold(0, seg_hash)
}

/// `h` extended by one segment.
pub(super) fn seg_hash(h: u64, s: &Seg) -> u64 {
    match s {
        Seg::Child(n) => hash_bytes(mix(h, 1), n.as_bytes()),
        Seg::Wild => mix(h, 2),
        Seg::Desc(n) => hash_bytes(mix(h, 3), n.as_bytes()),
    }
}
