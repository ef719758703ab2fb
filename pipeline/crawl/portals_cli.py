"""``python -m pipeline portals check ID``: what an operator runs when adding a portal.

Fetches the portal's list pages live (politely, robots.txt respected, nothing archived) and
prints the reports the crawler would take, with the year and the agency it would record.
"""

from __future__ import annotations

import argparse
import sys

from pipeline.portals.base import PageRequest


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="portals_command", required=True)
    check = sub.add_parser(
        "check", help="fetch a portal's list pages live and print the reports it would take"
    )
    check.add_argument("portal_id", metavar="ID")
    check.add_argument(
        "--registry", metavar="PATH", help="portal registry (default GONGKAI_PORTALS)"
    )
    check.add_argument(
        "--attachments", action="store_true", help="also open each article and list its attachments"
    )
    check.set_defaults(run=run_check)
    listing = sub.add_parser("list", help="validate the registry and list its portals")
    listing.add_argument("--registry", metavar="PATH")
    listing.set_defaults(run=run_list)


class _LiveLister:
    """Fetches list pages without the catalog; failures are printed, not recorded."""

    def __init__(self, portal, fetcher, permitted):
        self.portal, self.fetcher, self.permitted = portal, fetcher, permitted
        self.pages = 0
        self.links = 0

    def page(self, request: PageRequest):
        from pipeline.crawl.errors import FetchError

        self.pages += 1
        try:
            resp = self.fetcher.fetch(
                request.url,
                self.portal,
                method=request.method,
                data=request.data or None,
                permitted=self.permitted,
            )
        except FetchError as exc:
            if not (request.optional and exc.http_status == 404):
                print(f"  list page failed: {request.url}: {exc}", file=sys.stderr)
            return None
        return resp.body, resp.charset

    def page_limit(self, start_url: str) -> None:
        print(f"  page limit ({self.portal.max_pages}) reached for {start_url}", file=sys.stderr)


def run_check(args: argparse.Namespace) -> int:
    from pipeline.config import settings
    from pipeline.crawl.discovery import attachments, entry_for
    from pipeline.crawl.errors import FetchError
    from pipeline.crawl.fetcher import Fetcher
    from pipeline.crawl.runner import ROBOTS_TOKEN
    from pipeline.portals import get_adapter
    from pipeline.portals.registry import RegistryError, get_portal, load_portals

    try:
        portal = get_portal(load_portals(args.registry), args.portal_id)
    except RegistryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from protego import Protego

    adapter = get_adapter(portal.adapter)
    robots: dict[str, Protego | None] = {}
    with Fetcher(settings().user_agent) as fetcher:

        def permitted(url: str) -> None:
            origin = "/".join(url.split("/", 3)[:3])
            if origin not in robots:
                try:
                    resp = fetcher.fetch(f"{origin}/robots.txt", portal)
                    robots[origin] = Protego.parse(resp.body.decode("utf-8", "replace"))
                except FetchError as exc:
                    if not (exc.http_status and 400 <= exc.http_status < 500):
                        raise FetchError(
                            "robots", f"robots.txt unavailable: {exc}", retryable=True
                        ) from exc
                    robots[origin] = None
            rules = robots[origin]
            if rules is not None and not rules.can_fetch(url, ROBOTS_TOKEN):
                raise FetchError("robots", "robots.txt disallows it", retryable=False)

        lister = _LiveLister(portal, fetcher, permitted)
        print(
            f"{portal.id}: {portal.province}{portal.city}{portal.district_name}"
            f" ({portal.division_code}), "
            f"adapter {portal.adapter}{'' if portal.verified else ', UNVERIFIED entry'}"
        )
        taken, seen = [], set()
        for url, title in adapter.list_links(portal, lister):
            lister.links += 1
            entry = entry_for(url, title, portal)
            if entry and entry.url not in seen:
                seen.add(entry.url)
                taken.append(entry)
        print(f"{lister.pages} list pages, {lister.links} links, {len(taken)} reports:")
        for entry in sorted(taken, key=lambda e: (e.year or 0, e.agency_kind, e.url)):
            print(
                f"  {entry.year or '????'}  {entry.agency_kind:<10} "
                f" {entry.agency}  {entry.title}\n        {entry.url}"
            )
            if args.attachments:
                req = adapter.article_request(portal, entry.url)
                try:
                    resp = fetcher.fetch(req.url, portal, permitted=permitted)
                except FetchError as exc:
                    print(f"        article failed: {exc}")
                    continue
                markup = adapter.article_markup(portal, resp.body)
                for link, label in attachments(markup, entry.url, resp.charset):
                    print(f"        attachment: {label} {link}")
    return 0 if taken else 1


def run_list(args: argparse.Namespace) -> int:
    from pipeline.portals.registry import RegistryError, load_portals

    try:
        portals = load_portals(args.registry)
    except RegistryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for p in portals:
        flags = " ".join(
            f for f, on in (("sample", p.sample), ("unverified", not p.verified)) if on
        )
        print(
            f"{p.id:<12} {p.division_code}"
            f" {p.province}{p.city}{p.district_name:<12} {p.adapter:<9} "
            f"{p.start_urls[0]} {flags}"
        )
    return 0
