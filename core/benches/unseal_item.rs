//! Cost of unsealing one item with one RSA-4096 key: the controller's per-item price.
//!
//! Run: `cargo bench -p sealgate-core --bench unseal_item` (env `UNSEAL_BENCH_ITERS`, default 500).
//! Prints `unseal_item rsa4096 <ms> ms/item`, comparable to `openssl speed -seconds 3 rsa4096`'s
//! private-key op ("sign") time on the same machine.

use std::time::Instant;

use sealgate_core::seal::{
    KeyBits, KeyGenOptions, Scope, UnsealingKeys, generate_key_pair, seal_raw, unseal_raw,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let iterations: u32 = std::env::var("UNSEAL_BENCH_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let pair = generate_key_pair(&KeyGenOptions {
        bits: KeyBits::Rsa4096,
        ..KeyGenOptions::default()
    })?;
    let cert = pair.sealing_cert()?;
    let keys: UnsealingKeys = std::iter::once(pair.private_key()?).collect();
    let value = vec![0x5a_u8; 64];
    let blob = seal_raw(&cert, Scope::Strict, Some("bench"), Some("item"), &value)?;

    // Warm-up so lazy initialisation inside aws-lc is not counted.
    for _ in 0..5 {
        unseal_raw(&keys, Scope::Strict, "bench", "item", &blob)?;
    }
    let start = Instant::now();
    for _ in 0..iterations {
        let plain = unseal_raw(&keys, Scope::Strict, "bench", "item", &blob)?;
        if plain.as_bytes() != value.as_slice() {
            return Err("round trip mismatch".into());
        }
    }
    let per_item_ms = start.elapsed().as_secs_f64() * 1000.0 / f64::from(iterations);
    println!(
        "unseal_item rsa4096 {per_item_ms:.3} ms/item ({iterations} iterations, 64-byte value)"
    );

    let start = Instant::now();
    for _ in 0..iterations {
        seal_raw(&cert, Scope::Strict, Some("bench"), Some("item"), &value)?;
    }
    let per_seal_ms = start.elapsed().as_secs_f64() * 1000.0 / f64::from(iterations);
    println!("seal_item rsa4096 {per_seal_ms:.3} ms/item ({iterations} iterations, 64-byte value)");
    Ok(())
}
