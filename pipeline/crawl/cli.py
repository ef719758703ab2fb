"""``python -m pipeline crawl [--portal ID] [--year Y]``: crawl the registry's portals."""

from __future__ import annotations

import argparse
import contextlib
import sys


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--portal", action="append", metavar="ID", help="only this portal (repeatable)"
    )
    parser.add_argument("--year", type=int, help="only reports covering this year")
    parser.add_argument(
        "--registry", metavar="PATH", help="portal registry (default GONGKAI_PORTALS)"
    )
    parser.add_argument(
        "--serve-sample",
        action="store_true",
        help="serve the bundled sample portals on loopback during the crawl (make run)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pipeline.config import settings
    from pipeline.crawl import crawl
    from pipeline.portals.registry import RegistryError, get_portal, load_portals

    conf = settings()
    try:
        portals = load_portals(args.registry or conf.portals_file, conf)
        if args.portal:
            portals = [get_portal(portals, pid) for pid in args.portal]
    except RegistryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with contextlib.ExitStack() as stack:
        if args.serve_sample:
            from pipeline.samples.serve import serving_registry_port

            stack.enter_context(serving_registry_port(portals))
        summary = crawl(portals, conf, year=args.year, progress=not args.no_progress)
    print(summary.format())
    for error in summary.errors:
        print(
            f"  {error['portal']}: {error['class']} {error['url']} ({error['message']})",
            file=sys.stderr,
        )
    return 0
