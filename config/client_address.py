"""The client's network address: the one answer every per-address limit and record uses.

Behind a proxy every request reaches the site from the proxy, so REMOTE_ADDR is the same for
every visitor, and a limit keyed on it treats the whole world as one person (ten wrong passwords
from one stranger would lock everyone out of signing in). Each proxy appends the address it was
reached from to X-Forwarded-For. Only the entries our own proxies wrote can be believed: anything
to their left came with the request and can say anything. So `TRUSTED_PROXY_COUNT` says how many
proxies of ours stand in front of the site, and the client is the entry that many places from the
right. With 0 (the default: no proxy) the header is ignored whatever it says.

A count rather than a list of proxy addresses: it is what allauth itself understands
(`ALLAUTH_TRUSTED_PROXY_COUNT`, fed from the same variable in settings), and it needs no change
when a load balancer's address does. It relies on the web server being reachable only through
the proxies (gunicorn bound to 127.0.0.1 in the README), which is also what makes X-Forwarded-Proto
trustworthy. Neither gunicorn nor Django rewrites REMOTE_ADDR from the header, so it is read here;
allauth's adapter (accounts/adapter.py) asks this function too, so its sign-in limits and the
sessions list agree with the posting limits about who a client is.
"""

import ipaddress

from django.conf import settings

# Rate limits key an IPv6 client on its /64: one connection usually holds a whole /64 and could
# otherwise step through its addresses to escape a limit (allauth does the same for its own).
IPV6_LIMIT_PREFIX = 64


def client_ip(request) -> str:
    """The address of the client as our nearest trusted proxy saw it; REMOTE_ADDR without one.

    A malformed entry where a trusted proxy should have written an address (a misconfigured count
    or proxy) falls back to REMOTE_ADDR: the request is still served, keyed on the proxy."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count <= 0 or not forwarded.strip():
        return _address(remote) or remote
    hops = [hop.strip() for hop in forwarded.split(",")]
    # Fewer entries than proxies: the request entered behind the outermost one (a health check
    # sent straight to the inner proxy, say). Every entry was then written by one of ours, and the
    # leftmost is the farthest from us.
    hop = hops[-count] if len(hops) >= count else hops[0]
    return _address(hop) or _address(remote) or remote


def limit_key(ip: str) -> str:
    """What a per-address limit counts under: the address, or an IPv6 address's /64."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network(f"{address}/{IPV6_LIMIT_PREFIX}", strict=False).network_address)
    return str(address)


def _address(value: str) -> str | None:
    """`value` as a normalised IP address, ports and brackets removed; None if it is not one."""
    value = value.strip()
    if value.startswith("["):  # [2001:db8::1]:443
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:  # 203.0.113.7:52100 (some load balancers add the port)
        value = value.partition(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    # A dual-stack listener reports IPv4 clients as ::ffff:a.b.c.d; as IPv6 they would all fall
    # in one /64 and share every limit.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)
