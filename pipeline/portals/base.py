"""What a CMS adapter does: walk a portal's list pages and say where each article's body is.

Adapters only parse; every request goes through the ``Lister`` the crawler hands them, which
fetches politely, revalidates against the catalog and records failures.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pipeline.portals.registry import Portal


@dataclass(frozen=True)
class PageRequest:
    url: str
    method: str = "GET"
    data: dict = field(default_factory=dict)
    optional: bool = False  # a later page: 404 means "no more pages", not an error


class Lister(Protocol):
    def page(self, request: PageRequest) -> tuple[bytes, str | None] | None:
        """The page body and declared charset, or None when it could not be fetched."""

    def page_limit(self, start_url: str) -> None:
        """The portal's ``max_pages`` stopped paging before the list did."""


def with_param(url: str, name: str, value) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != name]
    query.append((name, str(value)))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


class Adapter:
    """Default behaviour: an article is an HTML page fetched with GET at its own URL."""

    name = ""

    def check_config(self, portal: Portal) -> tuple[str, str] | None:
        """(field, problem) if the entry lacks something this adapter needs."""
        return None

    def list_links(self, portal: Portal, lister: Lister) -> Iterator[tuple[str, str]]:
        """(absolute url, title) of every entry on the portal's list pages."""
        raise NotImplementedError

    def article_request(self, portal: Portal, url: str) -> PageRequest:
        return PageRequest(url)

    def article_markup(self, portal: Portal, body: bytes) -> bytes:
        """The HTML in which the article's attachments are linked."""
        return body
