//! Generated identifiers in the formats of the real API (API.md, "Identifiers").

use rand::RngExt;
use rand::rngs::StdRng;

const ALNUM_LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const HEX: &[u8] = b"0123456789abcdef";

fn pick(rng: &mut StdRng, alphabet: &[u8], len: usize) -> String {
    (0..len)
        .map(|_| {
            let i = rng.random_range(0..alphabet.len());
            char::from(alphabet.get(i).copied().unwrap_or(b'0'))
        })
        .collect()
}

/// A random (version 4) UUID, lower case: account, application and `error_id` values.
pub fn uuid(rng: &mut StdRng) -> String {
    let mut b: [u8; 16] = rng.random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// A 16-digit decimal SCIM id without a leading zero, e.g. `2323502488275632`.
pub fn service_principal_id(rng: &mut StdRng) -> String {
    rng.random_range(1_000_000_000_000_000u64..10_000_000_000_000_000u64)
        .to_string()
}

/// A 64-hex-digit OAuth secret id.
pub fn secret_id(rng: &mut StdRng) -> String {
    pick(rng, HEX, 64)
}

/// A secret value: `dose` and 36 lower-case alphanumerics.
pub fn secret_value(rng: &mut StdRng) -> String {
    format!("dose{}", pick(rng, ALNUM_LOWER, 36))
}

/// An opaque bearer token. Deliberately not JWT-shaped: clients must not parse it.
pub fn access_token(rng: &mut StdRng) -> String {
    format!("emu{}", pick(rng, ALNUM, 61))
}

/// A stable, opaque `secret_hash` derived from the value (FNV-1a; the real format is unknown).
pub fn secret_hash(value: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in value.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn formats() {
        let mut rng = StdRng::seed_from_u64(7);
        let u = uuid(&mut rng);
        assert_eq!(u.len(), 36);
        assert_eq!(u.as_bytes()[14], b'4');
        let sp = service_principal_id(&mut rng);
        assert_eq!(sp.len(), 16);
        assert!(sp.bytes().all(|b| b.is_ascii_digit()));
        let id = secret_id(&mut rng);
        assert_eq!(id.len(), 64);
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
        let s = secret_value(&mut rng);
        assert!(s.starts_with("dose") && s.len() == 40);
        assert_eq!(secret_hash("x"), secret_hash("x"));
        assert_ne!(secret_hash("x"), secret_hash("y"));
    }
}
