//! Writes the deterministic envelope vectors in `tests/vectors/format/`: fixed keys and fixed
//! RNG seeds (ChaCha20Rng, rand_core 0.10) → exact envelope bytes and every intermediate value
//! of docs/FORMAT.md. The cases are in tests/common/format_cases.rs.
//!
//! `cargo run --example gen_format_vectors` (then `cargo test --test seal_format_vectors`).

#[path = "../tests/common/format_cases.rs"]
mod format_cases;

fn main() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/format");
    std::fs::create_dir_all(dir).unwrap();
    for old in std::fs::read_dir(dir).unwrap() {
        let path = old.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) == Some("json") {
            std::fs::remove_file(path).unwrap();
        }
    }
    for case in format_cases::cases() {
        let v = format_cases::build(&case);
        let path = format!("{dir}/{}.json", case.name);
        std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap() + "\n").unwrap();
        println!("wrote {path}");
    }
}
