"""``python -m pipeline warehouse ...``: build, refresh, publish and describe the warehouse."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipeline import contract
from pipeline.config import settings
from pipeline.portals.registry import load_portals
from pipeline.records import RegisteredDistrict, ReportSource
from pipeline.warehouse.catalog_load import load_catalog
from pipeline.warehouse.districts import load_districts
from pipeline.warehouse.marts import build_marts
from pipeline.warehouse.publish import export_parquet, publish
from pipeline.warehouse.report_load import load_report
from pipeline.warehouse.schema import connect, scalar


def _print(value) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _registry_districts(portals_file: Path) -> list[RegisteredDistrict]:
    """Districts of the registry, or none when the registry file is absent."""
    if not portals_file.exists():
        print(
            f"warehouse: {portals_file} not found; districts from data/divisions.csv only",
            file=sys.stderr,
        )
        return []
    return [portal.district for portal in load_portals(portals_file)]


def _migrate(args) -> int:
    with connect(args.db) as con:
        _print({"schema_version": scalar(con, "SELECT max(version) FROM main.schema_version")})
    return 0


def _load_districts(args) -> int:
    with connect(args.db) as con:
        _print({"districts": load_districts(con, _registry_districts(args.portals))})
    return 0


def _load_catalog(args) -> int:
    with connect(args.db) as con:
        _print(load_catalog(con, args.catalog_dir))
    return 0


def _load_report(args) -> int:
    source = ReportSource(
        division_code=args.division_code,
        agency_kind=args.agency_kind,
        url=args.url,
        is_sample=args.sample,
        published_at=args.published_at,
        published_source=args.published_source,
        year=args.year,
        agency=args.agency,
    )
    results = []
    with connect(args.db) as con:
        for path in args.contract:
            try:
                document = contract.loads(Path(path).read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                print(f"warehouse: {path}: {exc}", file=sys.stderr)
                return 2
            results.append({"file": str(path), **load_report(con, document, source)})
    _print(results)
    return 0


def _marts(args) -> int:
    with connect(args.db) as con:
        _print(build_marts(con, args.first_year, args.last_year, args.min_rank_base))
    return 0


def _publish(args) -> int:
    with connect(args.db) as con:
        _print(publish(con, args.to))
    return 0


def _refresh(args) -> int:
    """One batch: catalog, districts, marts, then the analyst copy (pipeline.flow.refresh)."""
    from dataclasses import replace

    from pipeline.warehouse.batch import PublishBlocked, refresh

    conf = replace(
        settings(),
        warehouse_path=args.db,
        portals_file=args.portals,
        analyst_copy_path=args.to,
        first_year=args.first_year,
        last_year=args.last_year,
        min_rank_base=args.min_rank_base,
    )
    with connect(conf.warehouse_path) as con:
        try:
            _print(refresh(con, conf, _registry_districts(conf.portals_file), args.catalog_dir))
        except PublishBlocked as exc:
            print(f"warehouse: {exc}", file=sys.stderr)
            return 1
    return 0


def _export(args) -> int:
    source = args.source
    if not Path(source).exists():
        print(
            f"warehouse: {source} does not exist; run `python -m pipeline warehouse publish` first",
            file=sys.stderr,
        )
        return 2
    _print(export_parquet(source, args.out))
    return 0


def _describe(args) -> int:
    """Print every table and view with its comment, or the columns of one of them."""
    import duckdb

    with duckdb.connect(str(args.source), read_only=True) as con:
        if args.table:
            schema, _, table = args.table.rpartition(".")
            rows = con.execute(
                "SELECT column_name, data_type, comment FROM duckdb_columns() "
                "WHERE table_name = ? AND (schema_name = ? OR ? = '') ORDER BY column_index",
                [table, schema, schema],
            ).fetchall()
        else:
            rows = con.execute(
                "SELECT schema_name || '.' || table_name, 'table', comment FROM duckdb_tables() "
                "WHERE schema_name IN ('raw', 'core', 'marts') UNION ALL "
                "SELECT schema_name || '.' || view_name, 'view', comment FROM duckdb_views() "
                "WHERE schema_name IN ('raw', 'core', 'marts') ORDER BY 1"
            ).fetchall()
    for name, kind, comment in rows:
        print(f"{name}\t{kind}\t{comment or ''}")
    return 0


def register(parser: argparse.ArgumentParser) -> None:
    conf = settings()
    commands = parser.add_subparsers(dest="warehouse_command", required=True)

    def command(name: str, run, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument(
            "--db",
            type=Path,
            default=conf.warehouse_path,
            help="working warehouse (default: %(default)s)",
        )
        sub.set_defaults(run=run)
        return sub

    def years(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--first-year", type=int, default=conf.first_year)
        sub.add_argument("--last-year", type=int, default=conf.last_year)
        sub.add_argument(
            "--min-rank-base",
            type=int,
            default=conf.min_rank_base,
            help="rates with a smaller denominator are not ranked (GONGKAI_MIN_RANK_BASE)",
        )

    command("migrate", _migrate, "create or upgrade the working warehouse")
    sub = command(
        "load-districts",
        _load_districts,
        "reload core.dim_district from data/divisions.csv and the portal registry",
    )
    sub.add_argument("--portals", type=Path, default=conf.portals_file)
    sub = command("load-catalog", _load_catalog, "load new crawl catalog records into raw")
    sub.add_argument("--catalog-dir", type=Path, default=conf.catalog_dir)
    sub = command(
        "load-report",
        _load_report,
        "load contract JSON files (output of `python -m pipeline extract`)",
    )
    sub.add_argument("contract", nargs="+", type=Path)
    sub.add_argument("--division-code", required=True)
    sub.add_argument("--agency-kind", choices=("district", "department"), default="district")
    sub.add_argument("--agency", help="publishing agency as listed (department reports)")
    sub.add_argument("--url")
    sub.add_argument("--year", type=int, help="covered year when the document prints none")
    sub.add_argument("--published-at", help="ISO-8601 publication time")
    sub.add_argument(
        "--published-source",
        choices=("article_meta", "article_text", "list_page", "last_modified"),
        help="where --published-at comes from (a printed date, or Last-Modified)",
    )
    sub.add_argument("--sample", action="store_true", help="synthetic sample-portal report")
    years(command("marts", _marts, "rebuild the marts"))
    sub = command("publish", _publish, "publish the read-only analyst copy (v1.0.0 storage)")
    sub.add_argument("--to", type=Path, default=conf.analyst_copy_path)
    sub = command(
        "refresh", _refresh, "one batch: load catalog and districts, rebuild marts, publish"
    )
    sub.add_argument("--catalog-dir", type=Path, default=conf.catalog_dir)
    sub.add_argument("--portals", type=Path, default=conf.portals_file)
    sub.add_argument("--to", type=Path, default=conf.analyst_copy_path)
    years(sub)
    sub = commands.add_parser("export", help="write the marts as Parquet")
    sub.add_argument(
        "--source",
        type=Path,
        default=conf.analyst_copy_path,
        help="published analyst copy (default: %(default)s)",
    )
    sub.add_argument("--out", type=Path, default=conf.export_dir)
    sub.set_defaults(run=_export)
    sub = commands.add_parser("describe", help="tables, views and columns with their comments")
    sub.add_argument("table", nargs="?", help="schema.table to list the columns of")
    sub.add_argument("--source", type=Path, default=conf.analyst_copy_path)
    sub.set_defaults(run=_describe)
