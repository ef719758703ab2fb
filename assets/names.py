"""District names for the UI: partition keys stay division codes (names change: 洪泽县 became
洪泽区), and every place that shows a district or district-year also shows its name.

Names come from ``data/divisions.csv`` (the official current name), else from the portal
registry; the ``district_names`` asset puts the whole lookup on one page of the UI.
"""

from __future__ import annotations

import dagster as dg

from pipeline.portals.registry import Portal
from pipeline.warehouse.districts import read_divisions

Names = dict[str, dict[str, str]]


def district_names(portals: list[Portal]) -> Names:
    """Division code → name, city and province of every registry district."""
    official = {row["division_code"]: row for row in read_divisions()}
    out: Names = {}
    for portal in sorted(portals, key=lambda p: p.division_code):
        if portal.division_code in out:
            continue
        row = official.get(portal.division_code) or {}
        out[portal.division_code] = {
            "name": row.get("name") or portal.district_name,
            "city": row.get("city") or portal.city,
            "province": row.get("province") or portal.province,
        }
    return out


def district_label(code: str, names: Names) -> str:
    """``乐都区 (630202)``; the bare code when the district is unknown."""
    entry = names.get(code)
    return f"{entry['name']} ({code})" if entry else code


def district_year_label(code: str, year: int, names: Names) -> str:
    """``乐都区 2021 (630202|2021)``: the name first, the partition key beside it."""
    entry = names.get(code)
    return f"{entry['name']} {year} ({code}|{year})" if entry else f"{code}|{year}"


def build_district_names(names: Names) -> dg.AssetsDefinition:
    @dg.asset(
        name="district_names",
        group_name="reference",
        kinds={"python"},
        description="Partition keys are division codes (GB/T 2260); this asset's page is the "
        "name lookup: every district of the portal registry with its official name, city and "
        "province (data/divisions.csv, else the registry). Materialize it after editing either.",
    )
    def district_names_lookup() -> dg.MaterializeResult:
        rows = "\n".join(
            f"| `{code}` | {n['name']} | {n['city']} | {n['province']} |"
            for code, n in names.items()
        )
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": len(names),
                "districts": dg.MetadataValue.md(
                    "| partition key | district | city | province |\n|---|---|---|---|\n" + rows
                ),
                "lookup": dg.MetadataValue.json(names),
            }
        )

    return district_names_lookup
