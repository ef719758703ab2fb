"""Extracted facts per district × covered year: files only, so partitions run in parallel."""

import dagster as dg

from assets.crawl import portal_documents
from assets.partitions import district_years, split_key
from pipeline.report_choice import ReportResult, extract_district_year, preview_markdown


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


@dg.asset(
    partitions_def=district_years,
    # The district dimension is the crawl's partitions definition, so Dagster maps each
    # district-year onto its district's crawl (MultiToSingleDimensionPartitionMapping).
    deps=[portal_documents],
    group_name="extract",
    kinds={"python"},
    description="Choose and extract the report documents of one district × covered year from "
    "the crawl catalog (article page or attachment, best status wins); contract JSON "
    "under GONGKAI_EXTRACTED_DIR/<code>/<year>/.",
)
def extracted_reports(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    code, year = split_key(context)
    results = extract_district_year(code, year)
    if not results:
        context.log.info(f"no report document in the catalog for {code} {year}")
    return dg.MaterializeResult(metadata=report_metadata(results))
