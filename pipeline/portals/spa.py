"""Single-page-app portals: the article URL is a JS shell, the text comes from a JSON API.

The list is a JSON endpoint (as :mod:`jsonlist`); each article is fetched from
``options.article_api`` (``{id}`` filled from the article URL by ``options.id_pattern``) and
its attachments are read from the HTML in ``options.content_field``.
"""

from __future__ import annotations

import json
import re

from pipeline.decode import decode_bytes
from pipeline.portals.base import PageRequest
from pipeline.portals.jsonlist import JsonListAdapter, dig
from pipeline.portals.registry import Portal


class SpaAdapter(JsonListAdapter):
    name = "spa"

    def check_config(self, portal: Portal) -> tuple[str, str] | None:
        api = portal.options.get("article_api")
        if not isinstance(api, str) or "{id}" not in api:
            return "options.article_api", "needs the article API URL with an {id} placeholder"
        try:
            if re.compile(portal.options.get("id_pattern", r"(\d+)")).groups < 1:
                return "options.id_pattern", "needs one capturing group"
        except (re.error, TypeError) as exc:
            return "options.id_pattern", f"bad regular expression: {exc}"
        return super().check_config(portal)

    def article_request(self, portal: Portal, url: str) -> PageRequest:
        match = re.search(
            portal.options.get("id_pattern", r"(\d+)"), url.rsplit("/", 1)[-1]
        ) or re.search(portal.options.get("id_pattern", r"(\d+)"), url)
        if not match:
            return PageRequest(url)
        return PageRequest(portal.options["article_api"].replace("{id}", match.group(1)))

    def article_markup(self, portal: Portal, body: bytes) -> bytes:
        try:
            doc = json.loads(decode_bytes(body))
        except json.JSONDecodeError:
            return body
        content = dig(doc, portal.options.get("content_field", "content"))
        return content.encode("utf-8") if isinstance(content, str) else b""
