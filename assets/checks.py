"""Asset checks. A source's own error warns; a pipeline fault is an ERROR that blocks.

The per-district-year checks (contract rules, extraction faults, load complete) are evaluated
by the extraction and load steps themselves, one result per partition (assets/extract.py,
assets/warehouse.py). Per batch, here: coverage of expected district-years and cross-year continuity
(WARN), and the failure rate (ERROR, blocking: the analyst copy is not published).
"""

import dagster as dg

from assets.resources import DUCKDB_POOL, GongkaiSettings, Warehouse
from pipeline.flow import failure_rate
from pipeline.warehouse.schema import scalar

COVERAGE = dg.AssetKey(["marts", "coverage"])
QUALITY = dg.AssetKey(["marts", "quality"])
LIST_LIMIT = 50


@dg.asset_check(
    asset=COVERAGE,
    pool=DUCKDB_POOL,
    description="Every expected district × year (registry × configured years) has a "
    "usable district-government report. Missing reports are the portals' "
    "doing: a warning listing them with the reason.",
)
def expected_reports_present(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        total = scalar(con, "SELECT count(*) FROM marts.coverage")
        gaps = con.execute(
            "SELECT division_code, district_name, year, coverage, reason FROM marts.coverage "
            "WHERE coverage <> 'found' ORDER BY division_code, year"
        ).fetchall()
    return dg.AssetCheckResult(
        passed=not gaps,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "expected": total,
            "found": total - len(gaps),
            "gaps": len(gaps),
            "detail": dg.MetadataValue.json(
                [
                    {"division_code": c, "district": n, "year": y, "coverage": k, "reason": r}
                    for c, n, y, k, r in gaps[:LIST_LIMIT]
                ]
            ),
        },
    )


@dg.asset_check(
    asset=QUALITY,
    pool=DUCKDB_POOL,
    description="Cross-year continuity: each year's 上年结转 equals the previous "
    "year's 结转下年度继续办理 (marts.quality, carried_over_continuity). "
    "A break is in the sources: a warning.",
)
def cross_year_continuity(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        breaks = con.execute(
            "SELECT division_code, district_name, year, location, message FROM marts.quality "
            "WHERE rule = 'carried_over_continuity' ORDER BY division_code, year, location"
        ).fetchall()
    return dg.AssetCheckResult(
        passed=not breaks,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "breaks": len(breaks),
            "detail": dg.MetadataValue.json(
                [
                    {"division_code": c, "district": n, "year": y, "where": w, "message": m}
                    for c, n, y, w, m in breaks[:LIST_LIMIT]
                ]
            ),
        },
    )


@dg.asset_check(
    asset=COVERAGE,
    pool=DUCKDB_POOL,
    blocking=True,
    description="The share of current reports whose extraction failed stays at or "
    "below GONGKAI_MAX_FAILURE_RATE; above it the extractor is suspect, "
    "and the analyst copy is not published.",
)
def extraction_failure_rate(warehouse: Warehouse, gongkai: GongkaiSettings) -> dg.AssetCheckResult:
    limit = gongkai.settings().max_failure_rate
    with warehouse.connect() as con:
        rate, statuses = failure_rate(con)
    return dg.AssetCheckResult(
        passed=rate <= limit,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "failure rate": dg.MetadataValue.float(round(rate, 4)),
            "limit": limit,
            "reports by status": dg.MetadataValue.json(statuses),
        },
    )


CHECKS = [
    expected_reports_present,
    cross_year_continuity,
    extraction_failure_rate,
]
