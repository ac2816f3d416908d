//! Randomness for the default (non-`_with_rng`) entry points.
//!
//! `hpke` and `rand_core` 0.10 want an infallible `CryptoRng`, but the system source can fail
//! (and must not panic in wasm). So every byte a sealing needs is fetched up front with
//! `getrandom::fill`, whose failure is an ordinary `randomness_unavailable` error, and handed out
//! from a buffer. Should a dependency ever draw more than was fetched, the RNG returns zeros
//! and records the overdraw; the caller then discards everything and fails.

use crate::{Error, ErrorCode, Result};
use hpke::rand_core::{Infallible, TryCryptoRng, TryRng};
use zeroize::Zeroizing;

pub(crate) struct PrefetchedRng {
    buf: Zeroizing<Vec<u8>>,
    pos: usize,
    overdrawn: bool,
}

impl PrefetchedRng {
    /// `n` bytes from the system random source.
    pub(crate) fn new(n: usize) -> Result<Self> {
        let mut buf = Zeroizing::new(vec![0u8; n]);
        getrandom::fill(buf.as_mut_slice()).map_err(|_| {
            Error::new(
                ErrorCode::RandomnessUnavailable,
                "the system random source failed",
            )
        })?;
        Ok(Self {
            buf,
            pos: 0,
            overdrawn: false,
        })
    }

    /// Errors if more bytes were drawn than fetched (the output must then be discarded).
    pub(crate) fn check(&self) -> Result<()> {
        if self.overdrawn {
            return Err(Error::new(
                ErrorCode::RandomnessUnavailable,
                "internal: more randomness drawn than fetched",
            ));
        }
        Ok(())
    }
}

impl TryRng for PrefetchedRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        match self
            .pos
            .checked_add(dst.len())
            .and_then(|end| self.buf.get(self.pos..end).map(|src| (end, src)))
        {
            Some((end, src)) => {
                dst.copy_from_slice(src);
                self.pos = end;
            }
            None => {
                dst.fill(0);
                self.overdrawn = true;
            }
        }
        Ok(())
    }
}

impl TryCryptoRng for PrefetchedRng {}

#[cfg(test)]
mod tests {
    use super::*;
    use hpke::rand_core::Rng;

    #[test]
    fn overdraw_is_recorded() {
        let mut r = PrefetchedRng::new(8).unwrap();
        let mut a = [0u8; 8];
        r.fill_bytes(&mut a);
        assert!(r.check().is_ok());
        r.fill_bytes(&mut a);
        assert_eq!(a, [0; 8]);
        assert_eq!(
            r.check().unwrap_err().code(),
            ErrorCode::RandomnessUnavailable
        );
    }
}
