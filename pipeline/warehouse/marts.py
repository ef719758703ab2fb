"""Rebuild the comparison marts from ``sql/marts/*.sql``.

Each file creates one ``marts.<name>`` table and re-applies its comments (``CREATE OR
REPLACE`` drops them). A ``-- depends: a, b`` header line orders the files; all of them run in
one transaction, so the working database never holds a mix of old and new marts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.warehouse.schema import SQL_DIR, scalar

MARTS_DIR = SQL_DIR / "marts"
_DEPENDS = re.compile(r"^--\s*depends:(.*)$")
_HEADER_LINES = 8  # the description is the leading comment, at most this many lines


@dataclass(frozen=True)
class Mart:
    """One ``sql/marts/<name>.sql`` file and what its header comment says."""

    name: str
    path: Path
    depends: tuple[str, ...]  # the ``-- depends: a, b`` line
    description: str  # the other leading comment lines

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")


def read_mart(path: Path) -> Mart:
    """The mart file's header: its description and the marts it depends on."""
    depends: tuple[str, ...] = ()
    description = []
    for line in path.read_text(encoding="utf-8").splitlines()[:_HEADER_LINES]:
        if not line.startswith("--"):
            break
        match = _DEPENDS.match(line)
        if match:
            depends = tuple(d.strip() for d in match.group(1).split(",") if d.strip())
        else:
            description.append(line[2:].strip())
    return Mart(path.stem, path, depends, "\n".join(description))


def read_marts(directory: Path = MARTS_DIR) -> list[Mart]:
    """The marts, each after the marts it depends on (checked to exist, without cycles)."""
    found = {path.stem: read_mart(path) for path in sorted(directory.glob("*.sql"))}
    for mart in found.values():
        unknown = set(mart.depends) - set(found)
        if unknown:
            raise ValueError(f"{mart.path.name} depends on unknown marts {sorted(unknown)}")
    ordered: list[Mart] = []
    visiting: set[str] = set()

    def visit(mart: Mart) -> None:
        if mart in ordered:
            return
        if mart.name in visiting:
            raise ValueError(f"mart dependency cycle through {mart.name}")
        visiting.add(mart.name)
        for dependency in mart.depends:
            visit(found[dependency])
        visiting.discard(mart.name)
        ordered.append(mart)

    for mart in found.values():
        visit(mart)
    return ordered


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
    ordered = read_marts()
    con.execute("BEGIN TRANSACTION")
    try:
        for mart in ordered:
            con.execute(mart.sql)
        counts = {
            mart.name: scalar(con, f"SELECT count(*) FROM marts.{mart.name}") for mart in ordered
        }
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return counts
