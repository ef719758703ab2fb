"""Partitions: districts keyed by division code (from the portal registry) × covered years.

Years run from ``GONGKAI_FIRST_YEAR`` to ``GONGKAI_LAST_YEAR``, never from the clock: the report
for year Y is published in year Y+1, so "the current year" has no report yet. The crawl asset and
the district dimension share one definition, which is what lets Dagster map a portal's crawl
onto every year of that district.
"""

from __future__ import annotations

import dagster as dg

from pipeline.config import settings
from pipeline.portals.registry import Portal, load_portals

DISTRICT, YEAR = "district", "year"


def registry() -> list[Portal]:
    return load_portals()


def portals_by_code(portals: list[Portal] | None = None) -> dict[str, list[Portal]]:
    """Portals per division code: a district partition crawls every portal of its district."""
    out: dict[str, list[Portal]] = {}
    for portal in portals if portals is not None else registry():
        out.setdefault(portal.division_code, []).append(portal)
    return out


districts = dg.StaticPartitionsDefinition(sorted(portals_by_code()))
years = dg.StaticPartitionsDefinition([str(y) for y in settings().years])
district_years = dg.MultiPartitionsDefinition({DISTRICT: districts, YEAR: years})


def district_year_key(division_code: str, year: int | str) -> dg.MultiPartitionKey:
    return dg.MultiPartitionKey({DISTRICT: division_code, YEAR: str(year)})


def split_key(context) -> tuple[str, int]:
    """(division code, year) of the district × year partition being run."""
    key = context.partition_key
    keys = (
        key.keys_by_dimension
        if isinstance(key, dg.MultiPartitionKey)
        else dict(zip((DISTRICT, YEAR), key.split("|"), strict=True))
    )
    return keys[DISTRICT], int(keys[YEAR])
