//! `required` rules and `required_any_of` groups: frames opened at their anchors, satisfied by
//! kept values below, reported as missing or of the wrong type when closed; and the
//! justification's kept-and-non-empty mark; and the `type` test these reports rest on.

use super::Engine;
use crate::json::Scanner;
use crate::policy::compile::JUSTIFICATION;
use crate::policy::model::{
    anchor_len, T_ARRAY, T_BOOLEAN, T_INTEGER, T_NULL, T_NUMBER, T_OBJECT, T_STRING,
};
use crate::policy::path;
use crate::Result;

pub(super) struct Frame {
    rule: u16,
    level: usize,
    ok: bool,
    path: u32,
    /// The types the required value had to have, when it was there but removed for its type
    /// (0: it was not there).
    wrong: u8,
}

impl Engine<'_> {
    /// Does the value at the cursor have one of `types`? (`cold_`: out of `value` in wasm, as
    /// only rules with a `type` need it; see `value`.)
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    pub(super) fn cold_type_ok(&self, types: u8) -> Result<bool> {
        let bit = match self.s.peek() {
            Some(b'"') => T_STRING,
            Some(b'{') => T_OBJECT,
            Some(b'[') => T_ARRAY,
            Some(b't' | b'f') => T_BOOLEAN,
            Some(b'n') => T_NULL,
            Some(b'-' | b'0'..=b'9') => {
                if types & T_NUMBER != 0 {
                    return Ok(true);
                }
                let mut look = Scanner::new(self.s.buf, self.s.max_depth);
                look.pos = self.s.pos;
                match look.number() {
                    Ok((_, _, true)) => T_INTEGER,
                    Ok(_) => T_NUMBER,
                    Err(e) => return Err(e),
                }
            }
            // Not a value: let the parse report it.
            _ => return Ok(true),
        };
        Ok(types & bit != 0)
    }

    /// Marks the frames a kept value at the current path satisfies; its output starts at
    /// `start`. A `required_any_of` group (an id past the rules') needs a non-empty value.
    pub(super) fn satisfy(&mut self, sat: &[(u16, u16)], start: usize) {
        for &(rule, k) in sat {
            if usize::from(rule) >= self.pol.doc.rules.len() {
                if !non_empty(self.out.get(start..).unwrap_or_default()) {
                    continue;
                }
                if rule == JUSTIFICATION {
                    self.justification_kept = true;
                    continue;
                }
            }
            let Some(level) = self.path.len().checked_sub(usize::from(k)) else {
                continue;
            };
            if let Some(f) = self
                .frames
                .iter_mut()
                .rev()
                .find(|f| f.rule == rule && f.level == level)
            {
                f.ok = true;
            }
        }
    }

    /// A value removed for its type where `required` rules end (`sat`): their frames report a
    /// type mismatch instead of a missing value, unless another value satisfies them.
    /// (`cold_`: out of `value` in wasm, see `value`.)
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    pub(super) fn cold_wrong_type(&mut self, sat: &[(u16, u16)], types: u8) {
        let rules = self.pol.doc.rules.len();
        for &(rule, k) in sat {
            let Some(level) = self.path.len().checked_sub(usize::from(k)) else {
                continue;
            };
            if usize::from(rule) >= rules {
                continue;
            }
            if let Some(f) = self
                .frames
                .iter_mut()
                .rev()
                .find(|f| f.rule == rule && f.level == level)
            {
                f.wrong = types;
            }
        }
    }

    /// Records a `required` rule's missing value. (`cold_`: out of `value` in wasm, see
    /// `value`.)
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    pub(super) fn cold_report_missing(&mut self, f: Frame) {
        let doc = &self.pol.doc;
        let base = self.paths.text(f.path);
        // The anchor's text followed by the part of the path below the anchor.
        let below = |p: &[path::Seg]| {
            let suffix = path::display(p.get(anchor_len(p)..).unwrap_or_default());
            format!("{base}{}", suffix.get(1..).unwrap_or_default())
        };
        let text = match doc.rules.get(usize::from(f.rule)) {
            Some(rule) if f.wrong != 0 => {
                let at = below(&rule.path);
                self.wrong_type
                    .insert(format!("{at}: expected {}", type_names(f.wrong)));
                return;
            }
            Some(rule) => below(&rule.path),
            None => {
                let Some(g) = doc.any_of.get(usize::from(f.rule) - doc.rules.len()) else {
                    return;
                };
                let paths: Vec<String> = g.paths.iter().map(|p| below(p)).collect();
                format!("any_of({})", paths.join(", "))
            }
        };
        self.missing.insert(text);
    }

    /// Opens a frame per `required` rule anchored at this value (at path level `level`).
    /// (`cold_`: out of `value` in wasm, see `value`; one call per anchored value.)
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    pub(super) fn cold_open_frames(&mut self, anchors: &[u16], level: usize) {
        let path = self.path_id();
        for &rule in anchors {
            self.frames.push(Frame {
                rule,
                level,
                ok: false,
                path,
                wrong: 0,
            });
        }
    }

    /// Closes the frames opened at `level`, reporting the rules no value satisfied.
    /// (`cold_`: out of `value` in wasm, see `value`.)
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    pub(super) fn cold_close_frames(&mut self, level: usize) {
        while self.frames.last().is_some_and(|f| f.level == level) {
            if let Some(f) = self.frames.pop() {
                if !f.ok {
                    self.cold_report_missing(f);
                }
            }
        }
    }
}

/// The type names in `types` (normalised bits), in POLICY.md's order, joined by ` or `;
/// `number` covers `integer`.
pub(super) fn type_names(types: u8) -> String {
    let mut names = Vec::new();
    for (bit, name) in [
        (T_STRING, "string"),
        (T_NUMBER, "number"),
        (T_INTEGER, "integer"),
        (T_BOOLEAN, "boolean"),
        (T_NULL, "null"),
        (T_OBJECT, "object"),
        (T_ARRAY, "array"),
    ] {
        if types & bit != 0 && !(bit == T_INTEGER && types & T_NUMBER != 0) {
            names.push(name);
        }
    }
    names.join(" or ")
}

/// Whether written output `v` (one value) is a non-empty string, object or array.
pub(super) fn non_empty(v: &[u8]) -> bool {
    v.len() > 2 && matches!(v.first(), Some(b'"' | b'{' | b'['))
}
