"""Partitions of one registry: districts keyed by division code × covered years.

Built by the ``Definitions`` factory from the registry it was given, when the code location
loads (never at import). Years run from ``first_year`` to ``last_year``, never from the clock:
the report for year Y is published in year Y+1. The crawl asset and the district dimension
share one definition, which is what lets Dagster map a portal's crawl onto every year of that
district.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import dagster as dg

from pipeline.portals.registry import Portal

DISTRICT, YEAR = "district", "year"


@dataclass(frozen=True)
class Layout:
    """The registry's portals and the partitions built from them."""

    portals: list[Portal]
    years: list[int]
    districts: dg.StaticPartitionsDefinition
    district_years: dg.MultiPartitionsDefinition

    @classmethod
    def of(cls, portals: list[Portal], years: list[int]) -> Layout:
        districts = dg.StaticPartitionsDefinition(sorted({p.division_code for p in portals}))
        year_keys = dg.StaticPartitionsDefinition([str(y) for y in years])
        return cls(
            portals=portals,
            years=list(years),
            districts=districts,
            district_years=dg.MultiPartitionsDefinition({DISTRICT: districts, YEAR: year_keys}),
        )

    def portals_of(self, division_code: str) -> list[Portal]:
        """Every portal of a district: a district partition crawls them all."""
        return [p for p in self.portals if p.division_code == division_code]


def district_year_key(division_code: str, year: int | str) -> dg.MultiPartitionKey:
    return dg.MultiPartitionKey({DISTRICT: division_code, YEAR: str(year)})


def split(key) -> tuple[str, int]:
    """(division code, year) of a district × year partition key."""
    keys = (
        key.keys_by_dimension
        if isinstance(key, dg.MultiPartitionKey)
        else dict(zip((DISTRICT, YEAR), str(key).split("|"), strict=True))
    )
    return keys[DISTRICT], int(keys[YEAR])


def district_years_of(context) -> list[tuple[str, int]]:
    """The district-years of the run: one, or a batch of a backfill (BackfillPolicy)."""
    return [split(key) for key in context.partition_keys]


def partitioned_check(name: str, asset: dg.AssetKey, partitions, **kwargs) -> dg.AssetCheckSpec:
    """A check with one result per partition.

    Partitioned checks are a preview feature in Dagster 1.13, used here on purpose (a report's
    check belongs to its district-year), so the preview warning is silenced for these alone.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.PreviewWarning)
        return dg.AssetCheckSpec(name, asset=asset, partitions_def=partitions, **kwargs)
