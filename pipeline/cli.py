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
    """Run one command; bad settings or input end it with exit code 2 and one line each.

    Every ``GONGKAI_*`` value is checked before any work starts (commands read settings while
    registering their arguments). A bad setting, registry, file or database prints its
    reason(s) on stderr, never a traceback; an unexpected exception is a bug and keeps its
    traceback.
    """
    from pipeline.config import settings

    try:
        settings()
        return _main(argv)
    except _bad_input() as exc:
        for line in str(exc).splitlines() or [type(exc).__name__]:
            print(f"error: {line}", file=sys.stderr)
        return 2


def _main(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    args = parser.parse_args(argv)
    return args.run(args)


def _bad_input() -> tuple[type[BaseException], ...]:
    """Exception types that mean bad input: settings and registries raise ValueError
    subclasses, files OSError, and a DuckDB file that is missing or locked duckdb.Error
    (only if DuckDB was imported at all: then the command touched a database)."""
    kinds: list[type[BaseException]] = [ValueError, OSError]
    if "duckdb" in sys.modules:
        kinds.append(sys.modules["duckdb"].Error)
    return tuple(kinds)


if __name__ == "__main__":
    sys.exit(main())
