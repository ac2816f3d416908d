#![no_main]
//! See fuzz/src/lib.rs: `open` holds the target's body and its oracle.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| minseal_fuzz::open(data));
