//! Which addresses the bot may fetch from: public ones only, unless the operator allows
//! private hosts (`CLIPPINGS_ALLOW_PRIVATE_HOSTS`, for tests and private deployments). Checked
//! after DNS resolution, on every connection, so a redirect or a rebinding DNS name cannot
//! reach loopback, the private networks or a cloud metadata service.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Whether `ip` is on the public internet (not loopback, private, link-local, shared, metadata,
/// documentation, multicast or otherwise reserved).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let s = v6.segments();
            !(v6.is_unspecified()
                || v6.is_loopback()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local
                || (s[0] & 0xffc0) == 0xfe80 // link-local
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || (s[0] == 0x64 && s[1] == 0xff9b) // NAT64 (reaches IPv4 behind it)
                || (s[0] == 0x2002)) // 6to4 (embeds an IPv4 address)
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local() // 169.254/16: cloud metadata services live here
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (carrier NAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240) // reserved
}

/// Why an address was not fetched.
#[derive(Debug, thiserror::Error)]
#[error(
    "{host} resolves to a private or reserved address (set CLIPPINGS_ALLOW_PRIVATE_HOSTS=true to allow)"
)]
pub struct PrivateAddress {
    pub host: String,
}

/// The DNS resolver of the bot's HTTP client: the system's, with every non-public address
/// dropped unless private hosts are allowed.
#[derive(Debug, Clone, Copy)]
pub struct GuardedResolver {
    pub allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| allow_private || is_public(a.ip()))
                .collect();
            if found.is_empty() {
                return Err(Box::new(PrivateAddress { host }) as _);
            }
            Ok(Box::new(found.into_iter()) as Addrs)
        })
    }
}

/// Checks a host written as an address (`http://127.0.0.1/`, `http://[::1]/`), which the HTTP
/// client connects to without asking the resolver.
pub fn check_literal(url: &url::Url, allow_private: bool) -> Result<(), PrivateAddress> {
    let ip = match url.host() {
        Some(url::Host::Ipv4(v4)) => IpAddr::V4(v4),
        Some(url::Host::Ipv6(v6)) => IpAddr::V6(v6),
        _ => return Ok(()),
    };
    if allow_private || is_public(ip) {
        Ok(())
    } else {
        Err(PrivateAddress {
            host: url.host_str().unwrap_or_default().to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_private_link_local_and_metadata_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::7f00:1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn an_address_literal_is_checked_without_dns() {
        let local = url::Url::parse("http://127.0.0.1:8080/feed").unwrap();
        assert!(check_literal(&local, false).is_err());
        assert!(check_literal(&local, true).is_ok());
        let metadata = url::Url::parse("http://[::ffff:a9fe:a9fe]/latest").unwrap();
        assert!(check_literal(&metadata, false).is_err());
        let name = url::Url::parse("http://localhost/").unwrap();
        assert!(
            check_literal(&name, false).is_ok(),
            "names go through the resolver"
        );
    }

    #[tokio::test]
    async fn the_resolver_refuses_a_name_that_resolves_to_loopback() {
        let name = || -> Name { "localhost".parse().unwrap() };
        let refused = GuardedResolver {
            allow_private: false,
        }
        .resolve(name())
        .await;
        assert!(refused.is_err());
        let allowed = GuardedResolver {
            allow_private: true,
        }
        .resolve(name())
        .await
        .unwrap();
        assert!(allowed.into_iter().all(|a| a.ip().is_loopback()));
    }
}
