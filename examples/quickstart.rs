//! The README's Rust quick start, compiled and run by `cargo run --example quickstart`:
//! minimise the sample Art. 7 order under its built-in profile, seal it to an authority's key
//! and sign it as the sending portal, then open it as the authority, check the signature
//! against the portal's public key, verify the payload against the policy, and export the
//! evidence a third party can check.

use minseal::{
    minimise_and_seal, open_and_verify, proof, Envelope, OpenOptions, Policy, PublicKey,
    ReceiveOptions, SealOptions, SealParams, SecretKey, SignatureAlg, SigningKey, VerifyingKey,
};

fn main() -> Result<(), minseal::Error> {
    // The authority's key pair; senders only ever see the public JWK.
    let authority = SecretKey::generate()?;
    let authority_jwk = authority.public_key().to_jwk();
    // The portal's signing key; the authority trusts its public JWK.
    let portal = SigningKey::generate(SignatureAlg::Es256)?;
    let portal_jwk = portal.verifying_key().to_jwk();

    // Sender: minimise under the built-in profile, seal to the authority, sign.
    let order = include_bytes!("../tests/fixtures/2ap-art7-order/input.json");
    let policy = Policy::builtin("2ap/art7-order")?;
    let recipient = PublicKey::from_jwk(&authority_jwk)?;
    let opts = SealOptions::new(SealParams::now()).signed_by(&portal);
    let sealed = minimise_and_seal(&policy, order, &[recipient], &opts)?;
    println!("receipt: {}", sealed.receipt.to_json());
    let wire = sealed.envelope.to_json(); // or .to_binary()

    // Authority: parse, open with the private key, check the signature against the keys it
    // trusts (an unsigned envelope or another signer is refused), verify against the policy.
    let trusted = VerifyingKey::parse_set(&portal_jwk)?;
    let opts = ReceiveOptions {
        open: OpenOptions::default().trust(trusted.clone()),
        ..Default::default()
    };
    let received = open_and_verify(&Envelope::from_json(&wire)?, &authority, &opts)?;
    received.require_conformance()?;
    if let Some(sig) = &received.signature {
        println!(
            "signed by {} ({}), verified: {}",
            sig.kid, sig.alg, sig.verified
        );
    }
    println!("received: {}", String::from_utf8_lossy(&received.payload));

    // Evidence for a third party, checked with the portal's public key alone.
    let evidence = received.proof()?;
    let checked = proof::verify(&evidence, &trusted)?;
    println!("proof verified: signed by {}", checked.signature.kid);
    Ok(())
}
