"""``python -m pipeline <command>``: one argparse sub-command per module listed here."""

from __future__ import annotations

import argparse
import importlib
import sys

COMMAND_MODULES = [
    "pipeline.extract.cli",
    "pipeline.warehouse.cli",
    "pipeline.crawl.cli",
    "pipeline.crawl.portals_cli",
    "pipeline.samples.serve",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
