//! IP addresses and CIDR blocks as NetworkPolicy `ipBlock`s use them: parsing as Go's
//! `netutils.ParseCIDRSloppy` does (IPv4 octets may carry leading zeros, an address with bits
//! set past the prefix is taken as its subnet), containment, and "strict subset" for
//! `except`. IPv4 and IPv6; an IPv4 address never falls inside an IPv6 block or the other way.

use core::net::Ipv6Addr;

/// An address: IPv4 as its 32 bits, IPv6 as its 128.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Addr {
    V4(u32),
    V6(u128),
}

/// A block: its network address (host bits cleared) and prefix length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    pub net: Addr,
    pub prefix: u8,
}

/// IPv4 in dotted form with up to three digits an octet (leading zeros allowed, read as
/// decimal, as Go's sloppy parser reads them).
fn parse_v4(s: &str) -> Option<u32> {
    let mut bits: u32 = 0;
    let mut count = 0;
    for part in s.split('.') {
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let octet: u32 = part.parse().ok()?;
        if octet > 255 {
            return None;
        }
        bits = (bits << 8) | octet;
        count += 1;
    }
    (count == 4).then_some(bits)
}

/// An address, as `netutils.ParseIPSloppy`: IPv4 dotted, or IPv6 (an IPv4-mapped IPv6
/// address counts as the IPv4 one).
pub fn parse_ip(s: &str) -> Option<Addr> {
    if let Some(v4) = parse_v4(s) {
        return Some(Addr::V4(v4));
    }
    if !s.contains(':') {
        return None;
    }
    let v6: Ipv6Addr = s.parse().ok()?;
    match v6.to_ipv4_mapped() {
        Some(v4) => Some(Addr::V4(u32::from(v4))),
        None => Some(Addr::V6(u128::from(v6))),
    }
}

/// A CIDR block, as `netutils.ParseCIDRSloppy`: `address/prefix`, the prefix in decimal
/// (leading zeros allowed) and at most the address's width.
pub fn parse_cidr(s: &str) -> Option<Cidr> {
    let (ip, prefix) = s.split_once('/')?;
    if prefix.is_empty() || prefix.len() > 3 || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let prefix: u8 = prefix.parse().ok()?;
    let addr = match parse_v4(ip) {
        Some(v4) => Addr::V4(v4),
        None if ip.contains(':') => {
            let v6: Ipv6Addr = ip.parse().ok()?;
            // An IPv4-mapped address with a /96+ prefix is the IPv4 block, as Go reads it.
            match v6.to_ipv4_mapped() {
                Some(v4) if prefix >= 96 => {
                    return Some(Cidr::new(Addr::V4(u32::from(v4)), prefix - 96));
                }
                _ => Addr::V6(u128::from(v6)),
            }
        }
        None => return None,
    };
    let width = match addr {
        Addr::V4(_) => 32,
        Addr::V6(_) => 128,
    };
    (prefix <= width).then(|| Cidr::new(addr, prefix))
}

impl Cidr {
    fn new(addr: Addr, prefix: u8) -> Cidr {
        let net = match addr {
            Addr::V4(a) => Addr::V4(a & mask32(prefix)),
            Addr::V6(a) => Addr::V6(a & mask128(prefix)),
        };
        Cidr { net, prefix }
    }

    /// Whether the address lies in the block.
    pub fn contains(&self, ip: Addr) -> bool {
        match (self.net, ip) {
            (Addr::V4(net), Addr::V4(a)) => a & mask32(self.prefix) == net,
            (Addr::V6(net), Addr::V6(a)) => a & mask128(self.prefix) == net,
            _ => false,
        }
    }

    /// Whether `other` is a strict subset of this block (its network inside, a longer
    /// prefix), as validation requires of an `except` entry.
    pub fn strictly_contains(&self, other: &Cidr) -> bool {
        self.contains(other.net) && other.prefix > self.prefix
    }
}

fn mask32(prefix: u8) -> u32 {
    match prefix {
        0 => 0,
        p => u32::MAX << (32 - u32::from(p.min(32))),
    }
}

fn mask128(prefix: u8) -> u128 {
    match prefix {
        0 => 0,
        p => u128::MAX << (128 - u32::from(p.min(128))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_parse_sloppily() {
        let table: &[(&str, Option<Addr>)] = &[
            ("10.0.0.1", Some(Addr::V4(0x0a00_0001))),
            ("010.000.000.001", Some(Addr::V4(0x0a00_0001))),
            ("256.0.0.1", None),
            ("10.0.0", None),
            ("10.0.0.1.2", None),
            ("", None),
            ("::1", Some(Addr::V6(1))),
            ("::ffff:10.0.0.1", Some(Addr::V4(0x0a00_0001))),
            ("fe80::zz", None),
            ("web", None),
        ];
        for (s, want) in table {
            assert_eq!(parse_ip(s), *want, "{s}");
        }
    }

    #[test]
    fn blocks_parse_and_contain() {
        // (cidr, address, contained)
        let table = [
            ("10.0.0.0/8", "10.255.1.2", true),
            ("10.0.0.0/8", "11.0.0.1", false),
            ("172.17.1.0/24", "172.17.1.77", true),
            ("172.17.1.0/24", "172.17.2.1", false),
            ("0.0.0.0/0", "8.8.8.8", true),
            ("0.0.0.0/0", "::1", false),
            ("10.1.2.3/32", "10.1.2.3", true),
            ("10.1.2.3/32", "10.1.2.4", false),
            ("10.1.2.3/16", "10.1.200.9", true),
            ("2001:db8::/32", "2001:db8:1::5", true),
            ("2001:db8::/32", "2001:db9::5", false),
            ("::/0", "10.0.0.1", false),
            ("::ffff:10.0.0.0/104", "10.9.9.9", true),
        ];
        for (cidr, ip, want) in table {
            let block = parse_cidr(cidr).unwrap();
            let addr = parse_ip(ip).unwrap();
            assert_eq!(block.contains(addr), want, "{cidr} ∋ {ip}");
        }
    }

    #[test]
    fn bad_blocks_are_refused() {
        for s in [
            "10.0.0.0",
            "10.0.0.0/",
            "10.0.0.0/33",
            "10.0.0.0/-1",
            "x/8",
            "::/129",
            "10.0.0.0/8/8",
            "/8",
            "10.0.0.0/1000",
        ] {
            assert_eq!(parse_cidr(s), None, "{s}");
        }
        assert!(parse_cidr("10.0.0.0/008").is_some());
    }

    #[test]
    fn strict_subsets() {
        let block = parse_cidr("172.17.0.0/16").unwrap();
        for (except, want) in [
            ("172.17.1.0/24", true),
            ("172.17.0.0/16", false),
            ("172.16.0.0/12", false),
            ("10.0.0.0/24", false),
            ("2001:db8::/64", false),
        ] {
            assert_eq!(
                block.strictly_contains(&parse_cidr(except).unwrap()),
                want,
                "{except}"
            );
        }
    }
}
