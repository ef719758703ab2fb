"""List columns served as JSON (``?page=N`` → items), including Guangdong's gkmlpt platform.

Field names live in the entry's ``pagination`` (``items``, ``title_field``, ``url_field``,
``pages_field``, ``total_field``, ``page_param``, ``first``), dotted for nested objects. Paging
stops when a page has no new item, when the page or item count printed by the endpoint is
reached, or at ``max_pages`` (endpoints that always offer a next page).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import ClassVar
from urllib.parse import urljoin

from pipeline.decode import decode_bytes
from pipeline.portals.base import Adapter, Lister, PageRequest, with_param
from pipeline.portals.links import canonical
from pipeline.portals.registry import Portal


def dig(obj, path: str | None):
    if not path:
        return None
    for key in path.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class JsonListAdapter(Adapter):
    name = "json_list"
    defaults: ClassVar[dict] = {
        "page_param": "page",
        "first": 1,
        "items": "items",
        "title_field": "title",
        "url_field": "url",
        "pages_field": None,
        "total_field": None,
    }

    def settings(self, portal: Portal) -> dict:
        return {**self.defaults, **portal.pagination}

    def check_config(self, portal: Portal) -> tuple[str, str] | None:
        if portal.pagination.get("style") != "json":
            return "pagination.style", f"the {self.name} adapter needs style: json"
        return None

    def list_links(self, portal: Portal, lister: Lister) -> Iterator[tuple[str, str]]:
        conf = self.settings(portal)
        seen: set[str] = set()
        for start in portal.start_urls:
            count = 0
            for k in range(portal.max_pages):
                url = with_param(start, conf["page_param"], conf["first"] + k)
                got = lister.page(PageRequest(url, optional=k > 0))
                if got is None:
                    break
                try:
                    doc = json.loads(decode_bytes(got[0], got[1]))
                except json.JSONDecodeError:
                    break
                items = dig(doc, conf["items"]) or []
                new = []
                for item in items if isinstance(items, list) else []:
                    link, title = dig(item, conf["url_field"]), dig(item, conf["title_field"])
                    if isinstance(link, str) and isinstance(title, str):
                        absolute = canonical(urljoin(url, link))
                        if absolute not in seen:
                            new.append((absolute, " ".join(title.split())))
                if not new:
                    break
                seen.update(u for u, _ in new)
                count += len(items)
                yield from new
                pages, total = (
                    _int(dig(doc, conf["pages_field"])),
                    _int(dig(doc, conf["total_field"])),
                )
                if (pages is not None and k + 1 >= pages) or (total is not None and count >= total):
                    break
            else:
                lister.page_limit(start)


class GkmlptAdapter(JsonListAdapter):
    """Guangdong 政府信息公开目录 platform: ``/gkmlpt/api/all/{cat}?page=N&sid=…``."""

    name = "gkmlpt"
    defaults: ClassVar[dict] = {
        **JsonListAdapter.defaults,
        "items": "articles",
        "total_field": "total",
    }
