//! A value under a `transform` rule: transformed, or left as it is when already in the
//! transform's output form.

use super::Engine;
use crate::minimise::transform;
use crate::policy::model::Transform;
use crate::{Error, ErrorCode, Result};

impl Engine<'_> {
    pub(super) fn transform_failed(&mut self, op: &str, why: &str) -> Error {
        let path = self.current_path();
        Error::new(
            ErrorCode::TransformFailed,
            format!("transform `{op}` failed at {path}: {why}"),
        )
    }

    /// A value under a `transform` rule. (`cold_`: out of `value` in wasm, see `value`: 2.9 KB
    /// of wasm; each string transform is a `cold_` function of its own, src/minimise/transform.rs.)
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    pub(super) fn cold_transform(&mut self, ri: u16) -> Result<()> {
        let pol = self.pol;
        let Some(t) = pol
            .doc
            .rules
            .get(usize::from(ri))
            .and_then(|r| r.transform.as_ref())
        else {
            return Ok(());
        };
        let op = t.op();
        let key = if self.verify { None } else { self.key };
        let mut leaves = 1;
        // A value already in the transform's output form is left as it is and counts as kept,
        // not transformed: that is what makes a second pass report nothing (POLICY.md).
        let mut changed = true;
        match (t, self.s.peek()) {
            (Transform::Replace { json }, _) => {
                let mut seen = Vec::new();
                leaves = self.s.scan_value::<true>(
                    &mut seen,
                    &mut self.dup,
                    &mut self.stack,
                    self.depth,
                )?;
                changed = seen != json.as_bytes();
                if self.verify && changed {
                    let p = self.current_path();
                    self.not_transformed.insert(p);
                }
                self.out.extend_from_slice(json.as_bytes());
            }
            (_, Some(b'"')) => {
                let k = self.s.string()?;
                let mut buf = Vec::new();
                let decoded = core::str::from_utf8(self.s.decoded(k, &mut buf))
                    .unwrap_or_default()
                    .to_owned();
                match transform::apply_str(t, &decoded, key) {
                    Ok(r) if r == decoded => {
                        changed = false;
                        self.out
                            .extend_from_slice(self.s.slice(k.start - 1, k.end + 1));
                    }
                    Ok(r) => {
                        if self.verify {
                            let p = self.current_path();
                            self.not_transformed.insert(p);
                        }
                        crate::json::write_string(&r, &mut self.out);
                    }
                    Err(why) if self.verify => {
                        let _ = why;
                        let p = self.current_path();
                        self.not_transformed.insert(p);
                    }
                    Err(why) => return Err(self.transform_failed(op, why)),
                }
            }
            (Transform::Hash { prefix }, Some(b'-' | b'0'..=b'9')) => {
                let (a, b, _) = self.s.number()?;
                if self.verify {
                    let p = self.current_path();
                    self.not_transformed.insert(p);
                } else {
                    let r = transform::hash(prefix, self.s.slice(a, b), None, key)
                        .map_err(|why| self.transform_failed(op, why))?;
                    crate::json::write_string(&r, &mut self.out);
                }
            }
            _ => {
                if self.verify {
                    let p = self.current_path();
                    self.not_transformed.insert(p);
                    leaves = self.skip()?;
                } else {
                    // Validate first so a JSON error wins over the transform error.
                    self.skip()?;
                    return Err(self
                        .transform_failed(op, "the value is not of a type this transform takes"));
                }
            }
        }
        if !changed {
            self.kept += leaves;
            return Ok(());
        }
        self.transformed_leaves += leaves;
        let id = self.path_id();
        match self.transformed_at.get(&u64::from(id)) {
            Some(&i) => {
                if let Some(t) = self.transformed.get_mut(i as usize) {
                    t.2 += 1;
                }
            }
            None => {
                let i = self.transformed.len() as u32;
                self.transformed_at.insert(u64::from(id), i);
                self.transformed.push((id, op, 1));
            }
        }
        Ok(())
    }
}
