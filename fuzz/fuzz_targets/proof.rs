#![no_main]
//! See fuzz/src/lib.rs: `proof` holds the target's body and its oracle (evidence documents and
//! the signature they carry).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| minseal_fuzz::proof(data));
