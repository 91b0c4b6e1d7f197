"""The visitor's IP address, for per-address rate limits (login, enquiries).

Behind a reverse proxy every request comes from the proxy, so REMOTE_ADDR alone would make a
per-address limit site-wide. Each proxy we run appends the address it received the request
from to X-Forwarded-For, so with N trusted proxies the client is the Nth entry from the right.
Entries further left were written by the client and can be forged; they are never read.
"""

import ipaddress

from django.conf import settings


def _valid(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str:
    """The address DIZ_TRUSTED_PROXIES says is the client's; REMOTE_ADDR when no proxy is
    trusted or the header is shorter than the proxies we run (a request that bypassed them)."""
    remote = _valid(request.META.get("REMOTE_ADDR", "")) or "unknown"
    trusted = settings.DIZ_TRUSTED_PROXIES
    if not trusted:
        return remote
    entries = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(entries) < trusted:
        return remote
    return _valid(entries[-trusted]) or remote
