//! The README's Rust quick start, compiled and run by `cargo run --example quickstart`:
//! minimise the sample Art. 7 order under its built-in profile, seal it to an authority's key,
//! then open and verify it as the authority.

use minseal::api::{minimise_and_seal, open_and_verify};
use minseal::keys::{PublicKey, SecretKey};
use minseal::minimise::MinimiseOptions;
use minseal::policy::Policy;
use minseal::seal::{Envelope, SealParams};

fn main() -> Result<(), minseal::Error> {
    // The authority's key pair; senders only ever see the public JWK.
    let authority = SecretKey::generate()?;
    let public_jwk = authority.public_key().to_jwk();

    // Sender: minimise under the built-in profile, then seal to the authority.
    let order = include_bytes!("../tests/fixtures/2ap-art7-order/input.json");
    let policy = Policy::builtin("2ap/art7-order")?;
    let recipient = PublicKey::from_jwk(&public_jwk)?;
    let sealed = minimise_and_seal(
        &policy,
        order,
        &[recipient],
        &MinimiseOptions::default(),
        SealParams::now(),
    )?;
    println!("receipt: {}", sealed.receipt.to_json());
    let wire = sealed.envelope.to_json(); // or .to_binary()

    // Authority: parse, open with the private key, verify against the policy the header names.
    let received = open_and_verify(
        &Envelope::from_json(&wire)?,
        &authority,
        None,
        &MinimiseOptions::default(),
    )?;
    received.require_conformance()?;
    println!("received: {}", String::from_utf8_lossy(&received.payload));
    Ok(())
}
