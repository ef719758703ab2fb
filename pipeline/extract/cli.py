"""``python -m pipeline extract PATH``: print one contract JSON object per document."""

from __future__ import annotations

import argparse
import json
import sys

from pipeline.contract import FORMATS


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="report document(s)")
    parser.add_argument("--pretty", action="store_true", help="indent the JSON")
    parser.add_argument("--format", choices=FORMATS, help="force a reader instead of sniffing")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pipeline.config import settings
    from pipeline.extract import extract_paths
    from pipeline.extract.isolation import shared_pool

    exit_code = 0
    for result in extract_paths(args.paths, fmt=args.format, pool=shared_pool(settings())):
        json.dump(
            result,
            sys.stdout,
            ensure_ascii=False,
            allow_nan=False,
            indent=2 if args.pretty else None,
        )
        sys.stdout.write("\n")
        if result["status"] == "failed":
            exit_code = 1
    return exit_code
