//! The chunk size a header names when the caller names none: 64 KiB for streams and payloads up
//! to 1 MiB, then at most 16 chunks, up to 4 MiB; a size the caller names always wins.

use chacha20::ChaCha20Rng;
use hpke::rand_core::SeedableRng;
use minseal::keys::SecretKey;
use minseal::seal::{self, auto_chunk_size, Envelope, Opener, SealParams, Sealer};

const KIB: usize = 1024;
const MIB: usize = 1024 * KIB;

#[test]
fn automatic_chunk_size_by_payload_length() {
    for (len, want) in [
        (0, 64 * KIB),
        (1, 64 * KIB),
        (MIB, 64 * KIB),
        (MIB + 1, 128 * KIB),
        (16 * MIB, MIB),
        (16 * MIB + 1, 2 * MIB),
        (64 * MIB, 4 * MIB),
        (usize::MAX, 4 * MIB),
    ] {
        assert_eq!(
            auto_chunk_size(len) as usize,
            want,
            "payload of {len} bytes"
        );
    }
}

#[test]
fn in_memory_seal_uses_it_streams_and_named_sizes_do_not() {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let sk = SecretKey::generate_with_rng(&mut rng);
    let to = [sk.public_key().clone()];
    let payload = vec![0x5a; 3 * MIB];
    let auto = SealParams::new(1_700_000_000);

    let env = seal::seal(&payload, &to, &auto, None).unwrap();
    assert_eq!(env.header().chunk_size as usize, 256 * KIB);
    assert_eq!(
        seal::open(&env, &sk, &minseal::seal::OpenOptions::default())
            .unwrap()
            .payload,
        payload
    );
    let parts = seal::seal_parts(&to, &auto, payload.len(), None).unwrap();
    assert_eq!(parts.chunk_size() as usize, 256 * KIB);

    // A stream's length is unknown when the header is written.
    let mut sealer = Sealer::new(Vec::new(), &to, &auto, None).unwrap();
    std::io::Write::write_all(&mut sealer, &payload).unwrap();
    let bytes = sealer.finish().unwrap();
    let env = Envelope::from_binary(&bytes).unwrap();
    assert_eq!(env.header().chunk_size, seal::DEFAULT_CHUNK_SIZE);
    let mut out = Vec::new();
    Opener::new(&bytes[..], &sk, &minseal::seal::OpenOptions::default())
        .unwrap()
        .copy_to(&mut out)
        .unwrap();
    assert_eq!(out, payload);

    let named = auto.clone().with_chunk_size(4096);
    assert_eq!(
        seal::seal(&payload, &to, &named, None)
            .unwrap()
            .header()
            .chunk_size,
        4096
    );
    assert_eq!(
        seal::seal_parts(&to, &named, payload.len(), None)
            .unwrap()
            .chunk_size(),
        4096
    );
}
