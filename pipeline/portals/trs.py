"""TRS WCM and other static list columns: ``index.html``, ``index_1.html`` … or ``?page=N``.

TRS pages print their page count in ``createPageHTML(total, current, "index", "html")``; when it
is there no page past the last is requested. Otherwise paging stops at the first 404, at a page
that offers no link not seen before (servers that answer any page number with page 1), or at the
entry's ``max_pages``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.portals.base import Adapter, Lister, PageRequest, with_param
from pipeline.portals.links import page_links
from pipeline.portals.registry import Portal

TOTAL_PAGES = r"createPageHTML\(\s*(\d+)"


def page_url(start: str, k: int, pagination: dict) -> str:
    """URL of page ``k`` (0-based) of the column that starts at ``start``."""
    style = pagination.get("style", "index")
    if style == "query":
        return with_param(start, pagination["param"], pagination.get("first", 1) + k)
    if k == 0:
        return start
    head, _, last = start.rpartition("/")
    stem, dot, ext = (last or "index.html").rpartition(".")
    return f"{head}/{stem}_{k}{dot}{ext}"


class TrsAdapter(Adapter):
    name = "trs"

    def check_config(self, portal: Portal) -> tuple[str, str] | None:
        if portal.pagination.get("style") not in ("index", "query", "none"):
            return "pagination.style", "the trs adapter pages by index, query or none"
        pattern = portal.pagination.get("total_pages_pattern", TOTAL_PAGES)
        try:
            if re.compile(pattern).groups < 1:
                return "pagination.total_pages_pattern", "needs one capturing group"
        except (re.error, TypeError) as exc:
            return "pagination.total_pages_pattern", f"bad regular expression: {exc}"
        return None

    def list_links(self, portal: Portal, lister: Lister) -> Iterator[tuple[str, str]]:
        pattern = re.compile(portal.pagination.get("total_pages_pattern", TOTAL_PAGES).encode())
        single = portal.pagination.get("style") == "none"
        seen: set[str] = set()
        for start in portal.start_urls:
            total = 1 if single else None
            for k in range(portal.max_pages):
                if total is not None and k >= total:
                    break
                url = page_url(start, k, portal.pagination)
                got = lister.page(PageRequest(url, optional=k > 0))
                if got is None:
                    break
                body, charset = got
                if total is None and (match := pattern.search(body)):
                    total = int(match.group(1))
                new = [(u, t) for u, t in page_links(body, url, charset) if u not in seen]
                if not new:
                    break
                seen.update(u for u, _ in new)
                yield from new
            else:
                if total is None or total > portal.max_pages:
                    lister.page_limit(start)
