// -*- mode: rust; -*-
//
// This file is part of x25519-dalek.
// Copyright (c) 2017-2021 isis lovecruft
// Copyright (c) 2019-2021 DebugSteven
// See LICENSE for licensing information.
//
// Authors:
// - isis agora lovecruft <isis@patternsinthevoid.net>
// - DebugSteven <debugsteven@gmail.com>

// Refuse to compile if documentation is missing, but only on nightly.
//
// This means that missing docs will still fail CI, but means we can use
// README.md as the crate documentation.

#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
#![doc(
    html_logo_url = "https://cdn.jsdelivr.net/gh/dalek-cryptography/curve25519-dalek/docs/assets/dalek-logo-clear.png"
)]
#![doc = include_str!("../README.md")]

pub use rand_core;

//------------------------------------------------------------------------
// x25519-dalek public API
//------------------------------------------------------------------------

// minseal patch: the lazily built basepoint table on wasm32 needs `std::sync::OnceLock`.
#[cfg(all(target_arch = "wasm32", feature = "precomputed-tables"))]
extern crate std;

mod basepoint;
mod x25519;

pub use crate::x25519::*;
