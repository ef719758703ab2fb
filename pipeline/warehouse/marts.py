"""Rebuild the comparison marts from ``sql/marts/*.sql``.

Each file creates one ``marts.<name>`` table and re-applies its comments (``CREATE OR
REPLACE`` drops them). A ``-- depends: a, b`` header line orders the files; all of them run in
one transaction, so the working database never holds a mix of old and new marts.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from pipeline.warehouse.schema import SQL_DIR

MARTS_DIR = SQL_DIR / "marts"
_DEPENDS = re.compile(r"^--\s*depends:(.*)$", re.MULTILINE)


def mart_dependencies(directory: Path = MARTS_DIR) -> dict[str, list[str]]:
    """Each mart's name → the marts its ``-- depends:`` header names (checked to exist)."""
    files = {path.stem: path for path in sorted(directory.glob("*.sql"))}
    needs = {}
    for name, path in files.items():
        match = _DEPENDS.search(path.read_text(encoding="utf-8"))
        needs[name] = [d.strip() for d in match.group(1).split(",") if d.strip()] if match else []
        unknown = set(needs[name]) - set(files)
        if unknown:
            raise ValueError(f"{path.name} depends on unknown marts {sorted(unknown)}")
    return needs


def mart_files(directory: Path = MARTS_DIR) -> list[Path]:
    """The mart files, each after the marts it depends on."""
    needs = mart_dependencies(directory)
    ordered: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in ordered:
            return
        if name in visiting:
            raise ValueError(f"mart dependency cycle through {name}")
        visiting.add(name)
        for dependency in needs[name]:
            visit(dependency)
        visiting.discard(name)
        ordered.append(name)

    for name in needs:
        visit(name)
    return [directory / f"{name}.sql" for name in ordered]


def build_marts(
    con: duckdb.DuckDBPyConnection, first_year: int, last_year: int, min_rank_base: int = 10
) -> dict[str, int]:
    """Rebuild every mart for the configured years; return the rows of each.

    ``min_rank_base`` (GONGKAI_MIN_RANK_BASE): a rate whose denominator is smaller is not ranked
    in marts.city_ranking.
    """
    if last_year < first_year:
        raise ValueError(f"last_year {last_year} is before first_year {first_year}")
    if min_rank_base < 0:
        raise ValueError(f"min_rank_base {min_rank_base} is negative")
    con.execute("SET VARIABLE first_year = ?", [int(first_year)])
    con.execute("SET VARIABLE last_year = ?", [int(last_year)])
    con.execute("SET VARIABLE min_rank_base = ?", [int(min_rank_base)])
    files = mart_files()
    con.execute("BEGIN TRANSACTION")
    try:
        for path in files:
            con.execute(path.read_text(encoding="utf-8"))
        counts = {
            path.stem: con.execute(f"SELECT count(*) FROM marts.{path.stem}").fetchone()[0]
            for path in files
        }
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return counts
