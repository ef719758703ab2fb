"""Refuse requests to addresses a public-portal crawler has no business reaching.

A portal (or a redirect from one) pointing at loopback, a private network or link-local space
would let a registry entry or a hostile server aim the crawler at internal services. Link-local
(169.254/16, fe80::/10: cloud metadata endpoints) is refused even for entries that allow
private addresses; those entries exist for the loopback sample portals and tests.
"""

from __future__ import annotations

import ipaddress
import socket

from pipeline.crawl.errors import FetchError


def check_address(host: str, port: int, *, allow_private: bool) -> None:
    """Raise ``FetchError`` if ``host`` resolves to an address this portal may not reach.

    httpx resolves the name again when it connects; a DNS answer that changes in between
    (rebinding) is not caught here. See docs/crawl.md.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise FetchError("connection", f"cannot resolve {host}: {exc}", retryable=True) from exc
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if address.is_link_local:
            raise FetchError("invalid", f"{host} resolves to link-local {address}", retryable=False)
        if address.is_multicast or address.is_unspecified or address.is_reserved:
            raise FetchError("invalid", f"{host} resolves to {address}", retryable=False)
        if (address.is_loopback or address.is_private) and not allow_private:
            raise FetchError(
                "invalid",
                f"{host} resolves to non-public {address} and the portal does not allow_private",
                retryable=False,
            )
