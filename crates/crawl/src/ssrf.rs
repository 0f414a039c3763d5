//! The SSRF guard: which addresses the crawler may connect to.
//!
//! Names are resolved by [`GuardedResolver`], which hands reqwest only the addresses that
//! passed the check, so the connection goes to the checked address (no second lookup).
//! IP-literal URLs, the first one and every redirect hop, are checked by the fetcher.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Where the crawler may connect. The default refuses every non-public address.
#[derive(Debug, Clone, Default)]
pub struct AddressPolicy {
    /// Tests and the demo only: any address is allowed.
    pub allow_private: bool,
    /// Hosts allowed to resolve to non-public addresses (e.g. fixture hosts on loopback).
    pub private_hosts: HashSet<String>,
    /// Fixed resolutions, checked like any other (a fixture web on 127.0.0.1).
    pub overrides: HashMap<String, Vec<IpAddr>>,
}

impl AddressPolicy {
    /// Whether `ip` may be contacted for `host` (`None` for an IP-literal URL).
    pub fn permits(&self, host: Option<&str>, ip: IpAddr) -> bool {
        self.allow_private
            || is_public(ip)
            || host.is_some_and(|h| self.private_hosts.contains(&h.to_ascii_lowercase()))
    }
}

/// A globally routable unicast address: not loopback, private, link-local (cloud metadata
/// lives at 169.254.169.254), CGNAT, multicast, unspecified, broadcast, documentation,
/// benchmarking or reserved; IPv4-mapped and NAT64 IPv6 addresses are judged by their IPv4.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let s = v6.segments();
            if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
                let [a, b] = s[6].to_be_bytes();
                let [c, d] = s[7].to_be_bytes();
                return is_public_v4(Ipv4Addr::new(a, b, c, d));
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local, incl. fd00:ec2::254 (AWS metadata)
                || (s[0] & 0xffc0) == 0xfe80 // link-local
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || v6 == Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 1))
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // CGNAT 100.64.0.0/10
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240)
}

/// Resolves names and keeps only the addresses the policy permits.
#[derive(Debug, Clone)]
pub struct GuardedResolver {
    policy: Arc<AddressPolicy>,
}

impl GuardedResolver {
    pub fn new(policy: Arc<AddressPolicy>) -> Self {
        Self { policy }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("refused: {host} resolves only to non-public addresses ({addresses})")]
pub struct RefusedAddress {
    pub host: String,
    pub addresses: String,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy.clone();
        let host = name.as_str().to_ascii_lowercase();
        Box::pin(async move {
            let candidates: Vec<IpAddr> = match policy.overrides.get(&host) {
                Some(ips) => ips.clone(),
                None => tokio::net::lookup_host((host.as_str(), 0))
                    .await?
                    .map(|a| a.ip())
                    .collect(),
            };
            let permitted: Vec<SocketAddr> = candidates
                .iter()
                .filter(|ip| policy.permits(Some(&host), **ip))
                .map(|ip| SocketAddr::new(*ip, 0))
                .collect();
            if permitted.is_empty() {
                let addresses = candidates
                    .iter()
                    .map(IpAddr::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                return Err(
                    Box::new(RefusedAddress { host, addresses }) as Box<dyn std::error::Error + Send + Sync>
                );
            }
            Ok(Box::new(permitted.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_public_addresses_are_refused() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "192.0.2.1",
            "198.18.0.1",
            "240.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd00:ec2::254",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "2001:db8::1",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert!(!is_public(ip), "{ip} must be refused");
        }
        for ip in [
            "1.1.1.1",
            "130.225.0.1",
            "2a00:1450:4001::1",
            "::ffff:8.8.8.8",
            "100.128.0.1",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert!(is_public(ip), "{ip} is public");
        }
    }

    #[test]
    fn allow_lists_are_explicit() {
        let mut policy = AddressPolicy::default();
        let lo: IpAddr = "127.0.0.1".parse().unwrap();
        assert!(!policy.permits(Some("fixture.test"), lo));
        policy.private_hosts.insert("fixture.test".into());
        assert!(policy.permits(Some("Fixture.TEST"), lo));
        assert!(
            !policy.permits(None, lo),
            "an IP literal is not an allow-listed host"
        );
        policy.allow_private = true;
        assert!(policy.permits(None, lo));
    }

    #[tokio::test]
    async fn the_resolver_hands_out_only_checked_addresses() {
        let mut policy = AddressPolicy::default();
        policy
            .overrides
            .insert("evil.test".into(), vec!["10.0.0.7".parse().unwrap()]);
        policy.overrides.insert(
            "mixed.test".into(),
            vec!["10.0.0.7".parse().unwrap(), "93.184.216.34".parse().unwrap()],
        );
        let resolver = GuardedResolver::new(Arc::new(policy));
        let err = match resolver.resolve("evil.test".parse().unwrap()).await {
            Err(e) => e.to_string(),
            Ok(_) => panic!("evil.test must be refused"),
        };
        assert_eq!(
            err,
            "refused: evil.test resolves only to non-public addresses (10.0.0.7)"
        );
        let addrs: Vec<SocketAddr> = resolver
            .resolve("mixed.test".parse().unwrap())
            .await
            .unwrap()
            .collect();
        assert_eq!(addrs, vec!["93.184.216.34:0".parse().unwrap()]);
    }
}
