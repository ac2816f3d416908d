//! Streams a large payload through `Sealer` into a temporary file, then through `Opener`
//! into a sink, and reports peak RSS (VmHWM from /proc/self/status, Linux).
//!
//! `cargo run --release --example stream_rss -- [MiB, default 1024]`

use minseal::keys::SecretKey;
use minseal::seal::{Opener, SealParams, Sealer};
use std::io::{BufReader, BufWriter, Write};
use std::time::Instant;

fn vm_hwm_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mib: u64 = std::env::args().nth(1).map_or(Ok(1024), |a| a.parse())?;
    let sk = SecretKey::generate()?;
    let path = std::env::temp_dir().join(format!("minseal-rss-{}.mnsl", std::process::id()));
    let block = vec![0x5au8; 1 << 20];

    let t = Instant::now();
    let file = BufWriter::new(std::fs::File::create(&path)?);
    let mut sealer = Sealer::new(file, &[sk.public_key().clone()], &SealParams::now(), None)?;
    for _ in 0..mib {
        sealer.write_all(&block)?;
    }
    sealer.finish()?.into_inner()?.sync_all()?;
    let seal_s = t.elapsed().as_secs_f64();
    let after_seal = vm_hwm_kib();
    let size = std::fs::metadata(&path)?.len();

    let t = Instant::now();
    let mut opener = Opener::new(
        BufReader::new(std::fs::File::open(&path)?),
        &sk,
        &minseal::seal::OpenOptions::default(),
    )?;
    let n = opener.copy_to(&mut std::io::sink())?;
    let open_s = t.elapsed().as_secs_f64();
    std::fs::remove_file(&path)?;
    assert_eq!(n, mib << 20);

    println!("payload {mib} MiB, envelope {size} bytes");
    println!("seal  {seal_s:.2} s ({:.0} MiB/s)", mib as f64 / seal_s);
    println!("open  {open_s:.2} s ({:.0} MiB/s)", mib as f64 / open_s);
    println!(
        "peak RSS (VmHWM) after seal {} KiB, after open {} KiB",
        after_seal.map_or("?".into(), |v| v.to_string()),
        vm_hwm_kib().map_or("?".into(), |v| v.to_string())
    );
    Ok(())
}
