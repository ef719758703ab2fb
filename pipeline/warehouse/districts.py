"""``core.dim_district``: the bundled division-code table plus the portal registry.

data/divisions.csv holds official GB/T 2260 codes (nothing is fetched at run time); the
registry says which districts a report is expected from. Registry entries missing from the
CSV are kept with a level derived from their name.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline.records import RegisteredDistrict

# data/divisions.csv, linked into the package so an installed warehouse finds it too.
DIVISIONS_CSV = Path(__file__).parent / "divisions.csv"
_CODE = re.compile(r"^\d{6}$")
# Longest suffix first: 自治县 before 县, 自治旗 before 旗.
_LEVELS = (
    ("自治县", "自治县"),
    ("自治旗", "自治旗"),
    ("林区", "林区"),
    ("特区", "特区"),
    ("区", "市辖区"),
    ("县", "县"),
    ("旗", "旗"),
    ("市", "县级市"),
)


def level_from_name(name: str) -> str | None:
    """The kind of county-level division its official name ends with (市辖区, 县, 自治县, ...)."""
    for suffix, level in _LEVELS:
        if name.endswith(suffix):
            return level
    return None


def read_divisions(path: Path = DIVISIONS_CSV) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for number, row in enumerate(rows, start=2):
        if not _CODE.match(row["division_code"] or ""):
            raise ValueError(f"{path}:{number}: division_code must be 6 digits")
    return rows


def load_districts(
    con: duckdb.DuckDBPyConnection,
    registered: Iterable[RegisteredDistrict] = (),
    divisions_csv: Path = DIVISIONS_CSV,
) -> int:
    """Replace core.dim_district with the CSV rows plus the registry's; return the row count."""
    rows = {
        r["division_code"]: {**r, "in_registry": False, "is_sample": False}
        for r in read_divisions(divisions_csv)
    }
    for district in registered:
        if not _CODE.match(district.division_code):
            raise ValueError(f"registry district {district!r}: division_code must be 6 digits")
        row = rows.get(district.division_code)
        if row is None:
            name = district.name or district.division_code
            row = rows[district.division_code] = {
                "division_code": district.division_code,
                "name": name,
                "city": district.city,
                "province": district.province,
                "level": level_from_name(name),
                "note": "not in data/divisions.csv",
                "in_registry": False,
                "is_sample": False,
            }
        row["in_registry"] = True
        row["is_sample"] = row["is_sample"] or district.sample
    columns = (
        "division_code",
        "name",
        "city",
        "province",
        "level",
        "note",
        "in_registry",
        "is_sample",
    )
    table = pa.table(
        {
            c: [
                row.get(c) or (None if c not in ("in_registry", "is_sample") else False)
                for row in rows.values()
            ]
            for c in columns
        }
    )
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM core.dim_district")
        con.register("district_rows", table)
        names = ", ".join(columns)
        con.execute(f"INSERT INTO core.dim_district ({names}) SELECT {names} FROM district_rows")
        con.unregister("district_rows")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return len(rows)
