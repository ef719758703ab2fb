"""``python -m pipeline settings``: the settings a run would use, checked before it starts.

Prints every ``GONGKAI_*`` variable with its value and whether the environment set it, then
loads the registry the way the code location does. ``make ui`` runs it before starting
Dagster, so a bad value stops there with one ``error:`` line each (exit code 2) instead of
surfacing as a code-location load error in the UI.
"""

from __future__ import annotations

import argparse
import os


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--quiet", action="store_true", help="print nothing when everything is valid"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pipeline.config import VARIABLES, settings
    from pipeline.portals.registry import load_portals

    conf = settings()
    portals = load_portals(conf.portals_file, conf)
    if args.quiet:
        return 0
    width = max(map(len, VARIABLES))
    for name, (attr, _) in VARIABLES.items():
        source = "environment" if os.environ.get(name) else "default"
        print(f"{name:<{width}}  {getattr(conf, attr)}  ({source})")
    print(
        f"registry: {len(portals)} portals, {len({p.division_code for p in portals})} districts;"
        f" years {conf.first_year}-{conf.last_year}"
    )
    return 0
