"""Which text is a web address, which IP addresses must never be contacted, and URL keys."""

import ipaddress
from urllib.parse import urldefrag

WEB_SCHEMES = frozenset({"http", "https"})
_WEB_PREFIXES = tuple(f"{scheme}://" for scheme in sorted(WEB_SCHEMES))

_NAT64_PREFIXES = (
    ipaddress.IPv6Network("64:ff9b::/96"),  # well-known NAT64
    ipaddress.IPv6Network("64:ff9b:1::/48"),  # local-use NAT64
)
# Not global, but not flagged by every Python 3.11 patch release's `ipaddress` either.
_ALSO_FORBIDDEN = (
    ipaddress.IPv4Network("192.0.0.0/24"),  # IETF protocol assignments
    ipaddress.IPv4Network("100.64.0.0/10"),  # carrier-grade NAT
    ipaddress.IPv4Network("198.18.0.0/15"),  # benchmarking
)


# Cloud instance metadata services answer on these addresses with the machine's
# credentials: never contacted, even with private addresses allowed, unless named one by one.
METADATA_NETWORKS = (
    ipaddress.IPv4Network("169.254.0.0/16"),  # link-local: AWS, GCP, Azure, Oracle, ECS...
    ipaddress.IPv4Network("100.100.100.200/32"),  # Alibaba Cloud
    ipaddress.IPv6Network("fd00:ec2::/64"),  # AWS over IPv6 (fd00:ec2::254)
)


def is_metadata_address(address: str) -> bool:
    """True for a cloud metadata address, in any IPv4 or IPv6 spelling of it."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _translated_ipv4(ip) or _tunnelled_ipv4(ip)
        if inner is not None and is_metadata_address(str(inner)):
            return True
    return any(ip.version == net.version and ip in net for net in METADATA_NETWORKS)


def same_address(address: str, named: tuple[str, ...]) -> bool:
    """True when `address` is one of the addresses the user named (any spelling)."""
    try:
        ip = _plain(ipaddress.ip_address(address.split("%", 1)[0]))
    except ValueError:
        return False
    for text in named:
        try:
            if _plain(ipaddress.ip_address(text.strip().strip("[]"))) == ip:
                return True
        except ValueError:
            continue
    return False


def _plain(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> object:
    """The IPv4 address an IPv4-mapped or NAT64 address stands for; else the address."""
    if isinstance(ip, ipaddress.IPv6Address):
        return _translated_ipv4(ip) or ip
    return ip


def is_web_address(text: str) -> bool:
    """True when `text` is meant as a web address (starts with http:// or https://)."""
    return text.strip().lower().startswith(_WEB_PREFIXES)


def without_fragment(url: str) -> str:
    """`url` without its #fragment: the key under which a page or image is fetched once."""
    return urldefrag(url)[0]


def is_forbidden_address(address: str) -> bool:
    """True when an IP address is not on the public internet and must not be contacted.

    Covers loopback, private, shared (carrier-grade NAT), link-local, multicast, reserved,
    documentation and unspecified ranges, for IPv4 and IPv6, including IPv4 addresses
    carried inside IPv6 (mapped, 6to4, Teredo, NAT64). Anything unparsable is refused.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address):
        translated = _translated_ipv4(ip)
        if translated is not None:
            # These reach exactly the IPv4 address inside, so that address decides alone.
            return is_forbidden_address(str(translated))
        tunnelled = _tunnelled_ipv4(ip)
        if tunnelled is not None and is_forbidden_address(str(tunnelled)):
            return True
    return (
        any(ip in network for network in _ALSO_FORBIDDEN)
        or ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def _translated_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address that an IPv4-mapped, IPv4-compatible (`::a9fe:a9fe`, deprecated but
    still routed by some systems) or NAT64 IPv6 address connects to."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if int(ip) >> 32 == 0 and int(ip) > 1:  # ::/96 except :: and ::1
        return ipaddress.IPv4Address(int(ip))
    if any(ip in prefix for prefix in _NAT64_PREFIXES):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _tunnelled_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 endpoint a 6to4 or Teredo IPv6 address tunnels to."""
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]  # the client behind the Teredo relay
    return None
