"""``python -m pipeline <command>``: one argparse sub-command per module listed here.

Only the module of the command being run is imported (its readers, DuckDB or the crawler
take far longer to import than the command line takes to parse), so ``--help`` and every
sub-command's start stay cheap. Each module's ``register(parser)`` adds its arguments and sets
``run``; the one-line help lives here, so the list of commands needs no import.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = {
    "extract": (
        "pipeline.extract.cli",
        "extract report documents into the facts contract (JSON on stdout)",
    ),
    "warehouse": ("pipeline.warehouse.cli", "DuckDB warehouse: load, marts, publish"),
    "crawl": ("pipeline.crawl.cli", "crawl district portals into the archive and catalog"),
    "portals": ("pipeline.crawl.portals_cli", "inspect the portal registry"),
    "serve-sample": ("pipeline.samples.serve", "serve the bundled sample portals on 127.0.0.2-7"),
    "report": ("pipeline.report.cli", "write the comparison report (HTML charts) from the marts"),
    "settings": (
        "pipeline.settings_cli",
        "check and print the GONGKAI_* settings and the registry a run would use",
    ),
}


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
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Gongkai: crawl district portals, extract their annual reports, load DuckDB.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = argv[0] if argv and not argv[0].startswith("-") else None
    for name, (module, help_text) in COMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        if name == chosen:
            importlib.import_module(module).register(sub)
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
