//! The cluster's only source of randomness: a seeded SplitMix64 generator.
//!
//! The algorithm is pinned here (not borrowed from a crate whose stream could change between
//! versions) because generated names and UIDs end up in transcripts that must stay byte-identical.

/// Characters Kubernetes uses for generated suffixes (`k8s.io/apimachinery/pkg/util/rand`):
/// no vowels and no confusable digits, so that no words are spelt by accident.
const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`); the tiny modulo bias is irrelevant for names.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// `utilrand.String(n)`: the random suffix of `generateName` (`web-7d4b9c8f5-x2k9p`).
    pub fn suffix(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(ALPHANUMS[self.below(ALPHANUMS.len() as u64) as usize]))
            .collect()
    }

    /// A version-4 UUID, as the API server assigns to `metadata.uid`.
    pub fn uuid(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        let b = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xFFFF,
            a & 0x0FFF,
            b >> 48,
            b & 0xFFFF_FFFF_FFFF
        )
    }
}

/// `rand.SafeEncodeString`: maps each byte of `s` into the suffix alphabet. Deployments use it to
/// turn a template hash (printed as decimal) into the `pod-template-hash` label.
pub fn safe_encode(s: &str) -> String {
    s.bytes()
        .map(|b| char::from(ALPHANUMS[b as usize % ALPHANUMS.len()]))
        .collect()
}

/// 32-bit FNV-1a, the hash upstream uses for pod-template hashes.
pub fn fnv1a32(data: &[u8]) -> u32 {
    data.iter().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

/// 32-bit FNV-1 (multiply, then xor), the hash of ControllerRevision names
/// (`HashControllerRevision` uses Go's `fnv.New32`, not the `a` variant).
pub fn fnv1_32(data: &[u8]) -> u32 {
    data.iter().fold(0x811c_9dc5u32, |h, b| {
        h.wrapping_mul(0x0100_0193) ^ u32::from(*b)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        assert_eq!(a.suffix(5), b.suffix(5));
        assert_eq!(a.uuid(), b.uuid());
    }

    #[test]
    fn uuid_is_version_4() {
        let id = Rng::new(1).uuid();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn fnv_variants_match_go() {
        // Go: fnv.New32() and fnv.New32a() over "a".
        assert_eq!(fnv1_32(b"a"), 0x050c_5d7e);
        assert_eq!(fnv1a32(b"a"), 0xe40c_292c);
    }

    #[test]
    fn safe_encode_maps_digits_like_upstream() {
        // Decimal digits land on "4".."9" and "b".."f", which is why template hashes look like
        // `5d8c8b9f7d`.
        assert_eq!(safe_encode("0123456789"), "456789bcdf");
    }
}
