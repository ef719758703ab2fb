"""Asset checks. A source's own error warns; a pipeline fault is an ERROR that blocks.

Per report (district × year partitions): the contract's arithmetic rules (WARN: the source is
wrong, we flag it and load it) and extraction faults (ERROR, blocking: the extractor failed on
a document, so the load does not run). Per load: every extracted cell is in the warehouse
(ERROR, blocking). Per batch: coverage of expected district-years and cross-year continuity
(WARN), and the failure rate (ERROR, blocking: the analyst copy is not published).
"""

import warnings

import dagster as dg

from assets.extract import extracted_reports
from assets.partitions import district_years, split_key
from assets.resources import DUCKDB_POOL, Warehouse
from assets.warehouse import warehouse_reports
from pipeline.config import settings
from pipeline.report_choice import read_results
from pipeline.warehouse.report_load import report_id_of

COVERAGE = dg.AssetKey(["marts", "coverage"])
QUALITY = dg.AssetKey(["marts", "quality"])
LIST_LIMIT = 50


def _per_district_year(**kwargs):
    """``@asset_check`` with one result per district × year partition.

    Partitioned checks are a preview feature in Dagster 1.13, used here on purpose (a report's
    check belongs to its partition), so the preview warning is silenced for these alone.
    """

    def wrap(fn):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", dg.PreviewWarning)
            return dg.asset_check(partitions_def=district_years, **kwargs)(fn)

    return wrap


def _results(context):
    code, year = split_key(context)
    return code, year, read_results(code, year) or []


@_per_district_year(
    asset=extracted_reports,
    description="The contract's rules (carry_balance, outcome_sum, requester_sum, "
    "appeal_sum) hold in every report of the district-year. A failing "
    "rule is the source's arithmetic: a warning, the report still loads.",
)
def contract_rules(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
    _, _, results = _results(context)
    findings = [{"url": r.url, **f} for r in results for f in r.findings]
    return dg.AssetCheckResult(
        passed=not findings,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "reports": len(results),
            "findings": len(findings),
            "detail": dg.MetadataValue.json(findings[:LIST_LIMIT]),
        },
    )


@_per_district_year(
    asset=extracted_reports,
    blocking=True,
    description="No report failed because of the pipeline (a reader crash, a format "
    "without reader, an archived file missing or altered). An error: the "
    "load of this district-year does not run until it is fixed.",
)
def extraction_faults(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
    _, _, results = _results(context)
    faults = [{"url": r.url, "fault": r.fault} for r in results if r.fault]
    return dg.AssetCheckResult(
        passed=not faults,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"reports": len(results), "faults": dg.MetadataValue.json(faults)},
    )


@_per_district_year(
    asset=warehouse_reports,
    blocking=True,
    pool=DUCKDB_POOL,
    description="Every report of the district-year is in core.dim_report with as many "
    "fact rows as its extraction has cells: a load that lost rows is an "
    "error and blocks the marts.",
)
def load_complete(
    context: dg.AssetCheckExecutionContext, warehouse: Warehouse
) -> dg.AssetCheckResult:
    _, _, results = _results(context)
    problems = []
    with warehouse.connect() as con:
        for result in results:
            report_id = report_id_of(result.sha256)
            row = con.execute(
                "SELECT cell_count, load_errors FROM core.dim_report WHERE report_id = ?",
                [report_id],
            ).fetchone()
            if row is None:
                problems.append({"url": result.url, "problem": "not in core.dim_report"})
                continue
            if row[1]:
                continue  # rejected by the warehouse on purpose, recorded with its reasons
            rows = con.execute(
                "SELECT count(*) FROM core.report_cells WHERE report_id = ?", [report_id]
            ).fetchone()[0]
            if rows != result.cells:
                problems.append(
                    {
                        "url": result.url,
                        "problem": f"{rows} fact rows in the"
                        " warehouse, {result.cells} cells extracted",
                    }
                )
    return dg.AssetCheckResult(
        passed=not problems,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"reports": len(results), "problems": dg.MetadataValue.json(problems)},
    )


@dg.asset_check(
    asset=COVERAGE,
    pool=DUCKDB_POOL,
    description="Every expected district × year (registry × configured years) has a "
    "usable district-government report. Missing reports are the portals' "
    "doing: a warning listing them with the reason.",
)
def expected_reports_present(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        total = con.execute("SELECT count(*) FROM marts.coverage").fetchone()[0]
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
def extraction_failure_rate(warehouse: Warehouse) -> dg.AssetCheckResult:
    limit = settings().max_failure_rate
    with warehouse.connect() as con:
        statuses = dict(
            con.execute(
                "SELECT status, count(*) FROM core.dim_report WHERE is_current GROUP BY status"
            ).fetchall()
        )
    total = sum(statuses.values())
    rate = statuses.get("failed", 0) / total if total else 0.0
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
    contract_rules,
    extraction_faults,
    load_complete,
    expected_reports_present,
    cross_year_continuity,
    extraction_failure_rate,
]
