"""Hanweb (大汉) columns: ``/module/web/jpage/dataproxy.jsp`` answers a POST with an XML list.

The response wraps each entry's ``<li><a …></a></li>`` in ``<record><![CDATA[…]]></record>``
and prints ``<totalrecord>``. The form fields (``col``, ``appid``, ``webid``, ``columnid``,
``unitid``, …) are copied from the column page into the entry's ``pagination.form``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.portals.base import Adapter, Lister, PageRequest, with_param
from pipeline.portals.links import page_links
from pipeline.portals.registry import Portal

RECORD = re.compile(rb"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
TOTAL = re.compile(rb"<totalrecord>\s*(\d+)\s*</totalrecord>")


class HanwebAdapter(Adapter):
    name = "hanweb"

    def check_config(self, portal: Portal) -> tuple[str, str] | None:
        if portal.pagination.get("style") != "hanweb":
            return "pagination.style", "the hanweb adapter needs style: hanweb"
        if not isinstance(portal.pagination.get("form", {}), dict):
            return "pagination.form", "must be a mapping of the dataproxy.jsp form fields"
        return None

    def list_links(self, portal: Portal, lister: Lister) -> Iterator[tuple[str, str]]:
        perpage = int(portal.pagination.get("perpage", 15))
        batch = int(portal.pagination.get("batch", perpage * 3))
        form = {k: str(v) for k, v in portal.pagination.get("form", {}).items()}
        seen: set[str] = set()
        for start in portal.start_urls:
            for k in range(portal.max_pages):
                url = with_param(
                    with_param(
                        with_param(start, "startrecord", k * batch + 1),
                        "endrecord",
                        (k + 1) * batch,
                    ),
                    "perpage",
                    perpage,
                )
                got = lister.page(PageRequest(url, method="POST", data=form, optional=k > 0))
                if got is None:
                    break
                body, charset = got
                new = []
                for fragment in RECORD.findall(body):
                    for link, title in page_links(fragment, url, charset or "utf-8"):
                        if link not in seen:
                            seen.add(link)
                            new.append((link, title))
                if not new:
                    break
                yield from new
                total = TOTAL.search(body)
                if total and (k + 1) * batch >= int(total.group(1)):
                    break
            else:
                lister.page_limit(start)
