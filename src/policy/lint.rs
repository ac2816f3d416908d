//! Load-time checks that need the compiled automaton: what the engine will do at a node, not
//! how the paths are written (POLICY.md, "Rules" and "Sensitive data").

use super::compile::{Automaton, DState, DEAD};
use super::model::{Doc, T_ARRAY, T_OBJECT, T_STRING};
use super::path::{display, Seg};
use crate::hashindex::IdMap;

/// Every problem the automaton shows; empty when there is none.
pub(crate) fn check(doc: &Doc, a: &Automaton) -> Vec<String> {
    let mut problems = Vec::new();
    transformed_anchors(doc, a, &mut problems);
    if let Some(j) = &doc.justification {
        justification(j, a, &mut problems);
    }
    problems
}

/// The name of requirement `id` (a rule, or a `required_any_of` group after the rules).
fn requirement(doc: &Doc, id: u16) -> String {
    let i = usize::from(id);
    match i.checked_sub(doc.rules.len()) {
        None => format!("$.rules[{i}]"),
        Some(g) => format!("$.required_any_of[{g}]"),
    }
}

/// A `required` rule (or group) anchored where a transform applies: the engine writes the
/// transform's output there and does not look inside, so the requirement could neither be
/// checked nor met.
fn transformed_anchors(doc: &Doc, a: &Automaton, problems: &mut Vec<String>) {
    // (requirement, transform rule) pairs already reported, as `id << 16 | rule`.
    let mut seen = IdMap::default();
    for ds in &a.states {
        let Some(t) = ds.matched.and_then(|m| m.transform) else {
            continue;
        };
        for &id in ds.anchors.iter() {
            if seen.insert(u64::from(id) << 16 | u64::from(t), 0).is_some() {
                continue;
            }
            let path = doc
                .rules
                .get(usize::from(t))
                .map(|r| display(&r.path))
                .unwrap_or_default();
            problems.push(format!(
                "{}: anchored at nodes that $.rules[{t}] ({path}) transforms, so it could never be checked",
                requirement(doc, id)
            ));
        }
    }
}

/// The justification must reach the recipient as the payload gives it: no rule on the way to it
/// or at it may remove it (forbidden, a `type` that excludes it, a category) or rewrite it (a
/// transform).
fn justification(j: &[Seg], a: &Automaton, problems: &mut Vec<String>) {
    const AT: &str = "$.sensitive.justification";
    let mut st = a.start;
    for (depth, seg) in j.iter().enumerate() {
        let Some(ds) = a.states.get(st as usize) else {
            return;
        };
        let here = display(j.get(..depth).unwrap_or_default());
        if let Some(why) = removes(ds, T_OBJECT) {
            problems.push(format!("{AT}: at {here}, {why}"));
            return;
        }
        let Seg::Child(name) = seg else { return };
        st = ds.child(name.as_bytes());
        if st == DEAD {
            return;
        }
    }
    if let Some(why) = a
        .states
        .get(st as usize)
        .and_then(|ds| removes(ds, T_STRING | T_OBJECT | T_ARRAY))
    {
        problems.push(format!("{AT}: {why}"));
    }
}

/// Why the engine would remove or rewrite every value of types `need` at a node in state `ds`.
fn removes(ds: &DState, need: u8) -> Option<&'static str> {
    if ds.forbidden {
        return Some("a forbidden path removes it");
    }
    let m = ds.matched?;
    if m.transform.is_some() {
        return Some("a rule transforms it");
    }
    if m.sensitive.is_some() {
        return Some("a rule with a category matches it");
    }
    if m.types & need == 0 {
        return Some("a rule's `type` admits no value that could justify");
    }
    None
}
