"""Portal discovery and download: one partition per district, every night.

The crawl writes the archive and the catalog files only (never DuckDB), so district partitions
run in parallel; the instance's tag limit keeps one run per portal (see dagster.yaml).
"""

import dagster as dg

from assets.partitions import Layout
from assets.resources import GongkaiSettings
from pipeline.crawl import crawl_portal
from pipeline.crawl.runner import PortalResult
from pipeline.portals.registry import Portal
from pipeline.records import FetchErrorRecord

# Transient trouble (timeouts, 5xx, connection resets): retry the step with growing, jittered
# pauses. Permanent trouble raises Failure(allow_retries=False) and is not retried.
CRAWL_RETRY = dg.RetryPolicy(
    max_retries=3, delay=30, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)
PERMANENT = ("blocked", "robots", "http", "redirect", "too_large", "invalid")


def unreachable(portal: Portal, result: PortalResult) -> tuple[str, list[FetchErrorRecord]] | None:
    """Why the portal could not be crawled at all: ("permanent"|"transient", errors), or None.

    A portal is unreachable when a start URL failed or its host answered a WAF page; a single
    failed attachment is not (it is recorded in the catalog and asked again next night).
    """
    fatal = [
        e
        for e in result.errors
        if e["url"] in portal.start_urls or e["class"] in ("blocked", "robots")
    ]
    if not fatal:
        return None
    permanent = all(not e.get("retryable") and e["class"] in PERMANENT for e in fatal)
    return ("permanent" if permanent else "transient"), fatal


def build_portal_documents(layout: Layout) -> dg.AssetsDefinition:
    """The crawl asset over the registry's districts: one district per run, so a portal's
    transient trouble retries that portal alone."""

    @dg.asset(
        partitions_def=layout.districts,
        group_name="crawl",
        kinds={"python"},
        retry_policy=CRAWL_RETRY,
        description="Crawl the district's portal(s): report articles and attachments into the "
        "archive, one JSON Lines catalog file per run (GONGKAI_ARCHIVE_DIR).",
    )
    def portal_documents(
        context: dg.AssetExecutionContext, gongkai: GongkaiSettings
    ) -> dg.MaterializeResult:
        return dg.MaterializeResult(
            metadata=crawl_district(layout, context.partition_key, gongkai.settings())
        )

    return portal_documents


def crawl_district(layout: Layout, code: str, conf) -> dict:
    """Crawl every portal of one district; the partition's metadata, or a (retryable) failure."""
    portals = layout.portals_of(code)
    if not portals:
        raise dg.Failure(
            f"no portal for division code {code} in {conf.portals_file}", allow_retries=False
        )
    meta: dict = {}
    for portal in portals:
        prefix = f"{portal.id}: " if len(portals) > 1 else ""
        result = crawl_portal(portal, conf)
        problem = unreachable(portal, result)
        if problem is not None:
            kind, errors = problem
            text = "; ".join(
                f"{e['class']} {e.get('http_status') or ''} {e['url']}: {e.get('message')}"
                for e in errors
            )
            if kind == "permanent":
                raise dg.Failure(
                    f"portal {portal.id} cannot be crawled (permanent): {text}",
                    allow_retries=False,
                    metadata={"errors": dg.MetadataValue.json(errors)},
                )
            raise RuntimeError(f"portal {portal.id} unreachable, will retry: {text}")
        by_year: dict[str, int] = {}
        for record in result.documents:
            year = str(record.get("year"))
            by_year[year] = by_year.get(year, 0) + 1
        meta.update(
            {
                f"{prefix}{key}": value
                for key, value in {
                    "portal": portal.id,
                    "district": portal.district_name,
                    "start_urls": ", ".join(portal.start_urls),
                    "documents found": len(result.documents),
                    "new": result.new,
                    "changed": result.changed,
                    "unchanged": result.unchanged,
                    "documents per year": dg.MetadataValue.json(dict(sorted(by_year.items()))),
                    "requests": result.requests,
                    "fetch errors": len(result.errors),
                    "catalog run file": result.run_file or "(nothing new)",
                }.items()
            }
        )
        if result.errors:
            meta[f"{prefix}fetch error detail"] = dg.MetadataValue.json(result.errors[:20])
    return meta
