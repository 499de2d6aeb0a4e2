//! Name-based UUIDs (RFC 9562 version 5), so that every CrowdAnki UUID is
//! derived from a stable examkit id instead of drawn at random.

use sha1::{Digest, Sha1};

/// examkit's namespace for CrowdAnki UUIDs: the version-5 UUID of the URL
/// `urn:examkit:crowdanki` (`7a1d457a-8772-5844-8625-c393c31cd45f`).
///
/// Part of the export format: changing it changes every UUID, and
/// CrowdAnki would then create new decks and note types.
const NAMESPACE: [u8; 16] = [
    0x7a, 0x1d, 0x45, 0x7a, 0x87, 0x72, 0x58, 0x44, 0x86, 0x25, 0xc3, 0x93, 0xc3, 0x1c, 0xd4, 0x5f,
];

/// The version-5 UUID of `name` in examkit's namespace, in the usual
/// lower-case `8-4-4-4-12` form.
pub(crate) fn uuid_for(name: &str) -> String {
    v5(&NAMESPACE, name)
}

/// The version-5 UUID of `name` in `namespace`.
fn v5(namespace: &[u8; 16], name: &str) -> String {
    let digest = Sha1::new()
        .chain_update(namespace)
        .chain_update(name.as_bytes())
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x50; // version 5
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC variant
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 9562's URL namespace, `6ba7b811-9dad-11d1-80b4-00c04fd430c8`.
    const URL: [u8; 16] = [
        0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30,
        0xc8,
    ];

    /// Expected values from Python's `uuid.uuid5`.
    #[test]
    fn matches_the_reference_implementation() {
        assert_eq!(
            v5(&URL, "urn:examkit:crowdanki"),
            "7a1d457a-8772-5844-8625-c393c31cd45f"
        );
        assert_eq!(
            uuid_for("aif-c01/deck/exam"),
            "df3952b5-27de-5809-992f-60adc5ddb28b"
        );
        assert_eq!(
            uuid_for("aif-c01/deck/task/1.1"),
            "2378d3fd-ba14-5bc5-8dbc-f0647f7a34c4"
        );
        assert_eq!(
            uuid_for("note-type/1691937695"),
            "77dbcaaf-04bb-55ec-8889-6b360364f4ad"
        );
        assert_ne!(uuid_for("a"), uuid_for("b"));
    }
}
