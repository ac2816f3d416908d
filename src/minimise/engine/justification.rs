//! The look at the input that tells whether a justification is there at all.

use crate::json::{DupCheck, Scanner};
use crate::policy::path;
use crate::Result;

/// Whether the payload holds a non-empty string, object or array at `path` (member names only).
/// A targeted walk: only the objects on the path are entered; everything else is skipped.
/// (`cold_`: out of `Engine::run` in wasm, see scripts/build-wasm: only policies with a
/// justification rule call it, the others do not compile it at their first `minimise`.)
#[cfg_attr(target_arch = "wasm32", inline(never))]
pub(super) fn cold_justification_present(
    input: &[u8],
    segs: &[path::Seg],
    max_depth: usize,
) -> Result<bool> {
    let mut s = Scanner::new(input, max_depth);
    let mut dup = DupCheck::default();
    let mut stack = Vec::new();
    let mut scratch = Vec::new();
    for (depth, seg) in segs.iter().enumerate() {
        let path::Seg::Child(name) = seg else {
            return Ok(false);
        };
        s.skip_ws();
        if s.peek() != Some(b'{') || depth + 1 > max_depth {
            return Ok(false);
        }
        s.pos += 1;
        dup.begin();
        s.skip_ws();
        if s.peek() == Some(b'}') {
            return Ok(false);
        }
        loop {
            let k = s.key(&mut dup, &mut scratch)?;
            if s.decoded(k, &mut scratch) == name.as_bytes() {
                break;
            }
            s.scan_value::<false>(&mut Vec::new(), &mut dup, &mut stack, depth + 1)?;
            s.skip_ws();
            match s.peek() {
                Some(b',') => s.pos += 1,
                _ => return Ok(false),
            }
        }
    }
    s.skip_ws();
    Ok(match s.peek() {
        Some(b'"') => {
            let k = s.string()?;
            k.end > k.start
        }
        Some(b'{' | b'[') => {
            s.pos += 1;
            s.skip_ws();
            !matches!(s.peek(), Some(b'}' | b']'))
        }
        _ => false,
    })
}
