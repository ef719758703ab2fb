"""``python -m pipeline portals check ID``: what an operator runs when adding a portal.

Walks the portal live with the crawler itself (``PortalCrawl``: its list walk, robots.txt
rules and politeness) into a throwaway archive, and prints the reports it would take, with the
year and the agency it would record (``--attachments``: the whole crawl, attachments too).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any


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


def run_check(args: argparse.Namespace) -> int:
    """The crawler's own walk (list pages, robots.txt, politeness) into a throwaway archive."""
    import tempfile
    from dataclasses import replace

    from pipeline.config import settings
    from pipeline.crawl.fetcher import Fetcher
    from pipeline.crawl.runner import PortalCrawl
    from pipeline.portals.registry import RegistryError, get_portal, load_portals

    conf = settings()
    try:
        portal = get_portal(load_portals(args.registry or conf.portals_file, conf), args.portal_id)
    except RegistryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"{portal.id}: {portal.province}{portal.city}{portal.district_name}"
        f" ({portal.division_code}), "
        f"adapter {portal.adapter}{'' if portal.verified else ', UNVERIFIED entry'}"
    )
    with (
        tempfile.TemporaryDirectory(prefix="gongkai-check-") as tmp,
        Fetcher(conf.user_agent) as fetcher,
    ):
        crawl = PortalCrawl(
            portal,
            replace(conf, archive_dir=Path(tmp)),
            fetcher,
            year=None,
            on_event=None,
            run_id=None,
        )
        if args.attachments:
            result = crawl.run()
            entries: list[Mapping[str, Any]] = [
                d for d in result.documents if d.get("role") == "article"
            ]
            attached = [d for d in result.documents if d.get("role") == "attachment"]
        else:
            try:
                entries = [
                    {
                        "year": e.year,
                        "agency_kind": e.agency_kind,
                        "agency": e.agency,
                        "title": e.title,
                        "url": e.url,
                    }
                    for e in crawl.entries()
                ]
            finally:
                crawl.catalog.close()
            result, attached = crawl.result, []
    print(f"{result.list_pages} list pages, {result.requests} requests, {len(entries)} reports:")
    for entry in sorted(entries, key=lambda e: (e["year"] or 0, e["agency_kind"], e["url"])):
        print(
            f"  {entry['year'] or '????'}  {entry['agency_kind']:<10} "
            f" {entry['agency']}  {entry['title']}\n        {entry['url']}"
        )
        for doc in attached:
            if doc.get("parent_url") == entry["url"]:
                print(f"        attachment: {doc.get('title')} {doc['url']}")
    for error in result.errors:
        print(f"  {error['class']} {error['url']}: {error['message']}", file=sys.stderr)
    for start_url in result.page_limits:
        print(f"  page limit ({portal.max_pages}) reached for {start_url}", file=sys.stderr)
    return 0 if entries else 1


def run_list(args: argparse.Namespace) -> int:
    from pipeline.config import settings
    from pipeline.portals.registry import RegistryError, load_portals

    conf = settings()
    try:
        portals = load_portals(args.registry or conf.portals_file, conf)
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
