"""The crawl asset: permanent failures stop without retries, transient ones are retried."""

from __future__ import annotations

from dataclasses import replace

import dagster as dg
import yaml

from assets.crawl import CRAWL_RETRY, unreachable
from assets.definitions import build_definitions
from pipeline.config import Settings
from pipeline.crawl.runner import PortalResult
from pipeline.portals.registry import load_portals, move_entry_to_port
from pipeline.records import FetchErrorRecord, fetch_error_record
from pipeline.samples.serve import serving
from pipeline.samples.site import SITE_DIR, ensure_site


def _error(url: str, cls: str, retryable: bool, status: int | None = None) -> FetchErrorRecord:
    return fetch_error_record(
        run_id="run",
        portal="p",
        division_code="630202",
        url=url,
        error_class=cls,
        retryable=retryable,
        http_status=status,
        message=cls,
        at="2025-01-01T00:00:00.000000Z",
    )


def test_unreachable_tells_permanent_from_transient():
    portal = load_portals(Settings().portals_file)[0]
    start = portal.start_urls[0]
    result = PortalResult(portal.id, portal.division_code, "run")
    assert unreachable(portal, result) is None

    result.errors = [_error(f"{start}x.pdf", "http", False, 404)]
    assert unreachable(portal, result) is None  # one missing attachment: the crawl goes on

    result.errors = [_error(start, "http", False, 404)]
    assert unreachable(portal, result)[0] == "permanent"
    result.errors = [_error(f"{start}y.html", "blocked", False, 412)]
    assert unreachable(portal, result)[0] == "permanent"
    result.errors = [_error(start, "timeout", True)]
    assert unreachable(portal, result)[0] == "transient"


def test_retry_policy_backs_off_exponentially_with_jitter():
    assert CRAWL_RETRY.backoff == dg.Backoff.EXPONENTIAL
    assert CRAWL_RETRY.jitter == dg.Jitter.PLUS_MINUS
    assert CRAWL_RETRY.max_retries >= 1


def test_missing_start_page_fails_without_retry(conf, instance, tmp_path):
    doc = yaml.safe_load(conf.portals_file.read_text(encoding="utf-8"))
    [entry] = [e for e in doc["portals"] if e["division_code"] == "630202"]
    with serving(ensure_site(SITE_DIR), port=0) as server:
        entry = move_entry_to_port(entry, server.port)
        entry["start_urls"] = [f"http://127.0.0.2:{server.port}/no/such/list.html"]
        registry = tmp_path / "portals.yaml"
        registry.write_text(yaml.safe_dump({**doc, "portals": [entry]}, allow_unicode=True))
        defs = build_definitions(replace(conf, portals_file=registry))
        result = defs.resolve_job_def("crawl_portals").execute_in_process(
            instance=instance, partition_key="630202", raise_on_error=False
        )

    assert not result.success
    kinds = [e.event_type_value for e in result.all_events]
    assert "STEP_UP_FOR_RETRY" not in kinds
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert "permanent" in failure.message or "permanent" in str(failure.event_specific_data)
