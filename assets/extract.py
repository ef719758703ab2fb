"""Extracted facts per district × covered year: files only, so batches run in parallel.

A backfill runs many district-years per run (``BackfillPolicy``); each keeps its own metadata
and its own check results (``AssetCheckEvaluation`` with its partition), so the UI shows every
district-year as if it had run alone, and a failed one can be rerun alone.
"""

import dagster as dg

from assets.names import district_names, district_year_label
from assets.partitions import Layout, district_years_of, partitioned_check
from assets.resources import GongkaiSettings
from pipeline.flow import extract_batch, faults_of
from pipeline.report_choice import ReportResult, preview_markdown, results_fingerprint

EXTRACTED_REPORTS = dg.AssetKey("extracted_reports")
CONTRACT_RULES, EXTRACTION_FAULTS = "contract_rules", "extraction_faults"
BATCH = 50  # district-years per backfill run
FINGERPRINT = "documents fingerprint"  # the catalog sensor compares it with the catalog's
LIST_LIMIT = 50
NAMES_NOTE = (
    " Partition keys are division codes; each result's description starts with the district's "
    "name (lookup: asset district_names)."
)


def report_metadata(results: list[ReportResult]) -> dict:
    """What an operator needs on the partition page: what was found, chosen and why."""
    district = [r for r in results if r.agency_kind == "district"]
    main = district[0] if district else (results[0] if results else None)
    meta: dict = {
        "documents found": sum(len(r.candidates) for r in results),
        "reports": len(results),
        "district reports": len(district),
        "department reports": len(results) - len(district),
        "status": main.status if main else "missing",
        FINGERPRINT: results_fingerprint(results),
    }
    if main is None:
        return meta
    meta.update(
        {
            "agency": main.agency or "",
            "title": main.title or "",
            "source url": dg.MetadataValue.url(main.url),
            "sha256": main.sha256,
            "cells": main.cells,
            "findings": len(main.findings),
            "extracted json": dg.MetadataValue.path(main.json_path),
            "preview": dg.MetadataValue.md(preview_markdown(main.contract())),
            "candidates": dg.MetadataValue.json(
                [
                    {"url": c.url, "role": c.role, "status": c.status, "cells": c.cells}
                    for c in main.candidates
                ]
            ),
        }
    )
    if main.findings:
        meta["finding detail"] = dg.MetadataValue.json(main.findings)
    if main.errors:
        meta["errors"] = "; ".join(main.errors)
    faults = [f"{r.url}: {r.fault}" for r in results if r.fault]
    if faults:
        meta["pipeline faults"] = dg.MetadataValue.json(faults)
    return meta


def check_evaluations(
    key, results: list[ReportResult], label: str
) -> list[dg.AssetCheckEvaluation]:
    """The two per-report checks of one district-year, recorded on its partition.

    A failing contract rule is the source's arithmetic (WARN, still loaded). A pipeline fault
    is ours (ERROR): the load holds that district-year back itself (pipeline.flow.load_batch),
    so the check does not block the rest of the batch. Each description starts with the
    district-year's ``label`` (its name, then its partition key) and says its state.
    """
    findings = [{"url": r.url, **f} for r in results for f in r.findings]
    faults = faults_of(results)
    rules_state = (
        f"flagged: {len(findings)} finding(s) in the source's arithmetic; loaded anyway"
        if findings
        else f"ok: the contract's rules hold in {len(results)} report(s)"
    )
    faults_state = (
        f"pipeline fault in {len(faults)} document(s): {faults[0]}"
        if faults
        else f"no pipeline fault in {len(results)} report(s)"
    )
    return [
        dg.AssetCheckEvaluation(
            asset_key=EXTRACTED_REPORTS,
            check_name=CONTRACT_RULES,
            passed=not findings,
            severity=dg.AssetCheckSeverity.WARN,
            partition=key,
            description=f"{label}: {rules_state}",
            metadata={
                "district-year": label,
                "reports": len(results),
                "findings": len(findings),
                "detail": dg.MetadataValue.json(findings[:LIST_LIMIT]),
            },
        ),
        dg.AssetCheckEvaluation(
            asset_key=EXTRACTED_REPORTS,
            check_name=EXTRACTION_FAULTS,
            passed=not faults,
            severity=dg.AssetCheckSeverity.ERROR,
            partition=key,
            description=f"{label}: {faults_state}",
            metadata={
                "district-year": label,
                "reports": len(results),
                "faults": dg.MetadataValue.json(faults),
            },
        ),
    ]


def build_extracted_reports(layout: Layout) -> dg.AssetsDefinition:
    partitions = layout.district_years
    names = district_names(layout.portals)
    checks = [
        partitioned_check(
            CONTRACT_RULES,
            EXTRACTED_REPORTS,
            partitions,
            description="The contract's rules (carry_balance, outcome_sum, requester_sum, "
            "appeal_sum) hold in every report of the district-year. A failing rule is the "
            "source's arithmetic: a warning (flagged), the report still loads." + NAMES_NOTE,
        ),
        partitioned_check(
            EXTRACTION_FAULTS,
            EXTRACTED_REPORTS,
            partitions,
            description="No report failed because of the pipeline (a reader crash, a format "
            "without reader, an archived file missing or altered). An error: this "
            "district-year is not loaded (the rest of its batch is) until it is fixed."
            + NAMES_NOTE,
        ),
    ]

    @dg.multi_asset(
        specs=[
            dg.AssetSpec(
                EXTRACTED_REPORTS,
                partitions_def=partitions,
                # The district dimension is the crawl's partitions definition, so Dagster maps
                # each district-year onto its district's crawl.
                deps=["portal_documents"],
                group_name="extract",
                kinds={"python"},
                description="Choose and extract the report documents of each district × "
                "covered year from the crawl catalog (article page or attachment, best status "
                "wins); contract JSON under GONGKAI_EXTRACTED_DIR/<code>/<year>/.",
            )
        ],
        check_specs=checks,
        backfill_policy=dg.BackfillPolicy.multi_run(max_partitions_per_run=BATCH),
        can_subset=True,  # check results are events per partition, not step outputs
        name="extracted_reports",
    )
    def extracted_reports(context: dg.AssetExecutionContext, gongkai: GongkaiSettings):
        conf = gongkai.settings()
        keys = {
            split: key
            for split, key in zip(district_years_of(context), context.partition_keys, strict=True)
        }
        extracted = extract_batch(keys, conf, layout.portals)
        for (code, year), results in extracted.items():
            if not results:
                context.log.info(f"no report document in the catalog for {code} {year}")
            context.add_asset_metadata(
                {
                    "district-year": district_year_label(code, year, names),
                    **report_metadata(results),
                },
                asset_key=EXTRACTED_REPORTS,
                partition_key=keys[code, year],
            )
        yield dg.MaterializeResult(asset_key=EXTRACTED_REPORTS)
        for (code, year), results in extracted.items():
            yield from check_evaluations(
                keys[code, year], results, district_year_label(code, year, names)
            )

    return extracted_reports
