//! Hashing for keys the analysis computes itself: a fast hash of text, and
//! maps keyed by values that are hashes already.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A fast, non-cryptographic 64-bit hash of `bytes` (eight bytes per step,
/// in the manner of FxHash, with a final avalanche): keys are hashed on
/// every analysis, and contents are not adversarial.
pub(crate) fn fast_hash(bytes: &[u8], seed: u64) -> u64 {
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let step = |hash: u64, word: u64| (hash.rotate_left(5) ^ word).wrapping_mul(K);
    let mut hash = seed ^ (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        hash = step(hash, u64::from_le_bytes(word));
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    hash = step(hash, u64::from_le_bytes(tail));
    // Avalanche (the finaliser of MurmurHash3), so every input bit reaches
    // every output bit.
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    hash ^ (hash >> 33)
}

/// A map keyed by hashes: the keys pass through the hasher.
pub(crate) type PrehashedMap<K, V> = HashMap<K, V, BuildHasherDefault<Prehashed>>;

/// A hasher for values that are hashes already: 64-bit ones pass through,
/// 32-bit ones are spread over 64 bits (the table uses the top bits too).
#[derive(Default)]
pub(crate) struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u32(&mut self, value: u32) {
        self.0 = u64::from(value).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}
