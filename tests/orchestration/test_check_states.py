"""What an operator reads over GraphQL (the UI's own API): per district-year check states, the
names beside the codes, and no first-visit pop-up."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest
from dagster_graphql.test.utils import define_out_of_process_context, execute_dagster_graphql

from assets.automation import DISTRICT_TAG, TIMEZONE
from assets.names import district_names
from assets.partitions import district_year_key
from pipeline.portals.registry import load_portals
from tests.orchestration.conftest import report_page

REPO = Path(__file__).resolve().parents[2]
EXECUTION = """
query ($check: String!, $partition: String!) {
  assetCheckExecutions(assetKey: {path: ["extracted_reports"]}, checkName: $check,
                       partition: $partition, limit: 1) {
    status partition evaluation { severity description }
  }
}
"""
CHECKS = """
{
  shouldShowNux
  assetNodes(assetKeys: [{path: ["extracted_reports"]}]) {
    assetChecksOrError { ... on AssetChecks { checks {
      name description
      executionForLatestMaterialization { status partition evaluation { severity description } }
      partitionStatuses { ... on AssetCheckMultiPartitionStatuses { ranges {
        primaryDimStartKey primaryDimEndKey
        secondaryDim { ... on AssetCheckDefaultPartitionStatuses {
          succeededPartitions failedPartitions executionFailedPartitions } } } } }
    } } }
  }
}
"""


@pytest.fixture
def instance(tmp_path):
    """An instance configured by the bundled dagster.yaml (nux off, limits, pools)."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "data" / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(home)) as inst:
        yield inst


def _state(executions: dict, key: str) -> str:
    """ok / flagged / pipeline fault of one district-year, from its two checks' latest runs."""
    rules, faults = executions[("contract_rules", key)], executions[("extraction_faults", key)]
    if faults["status"] == "FAILED" and faults["evaluation"]["severity"] == "ERROR":
        return "pipeline fault"
    if rules["status"] == "FAILED" and rules["evaluation"]["severity"] == "WARN":
        return "flagged"
    assert (rules["status"], faults["status"]) == ("SUCCEEDED", "SUCCEEDED")
    return "ok"


def _list_state(check: dict) -> str:
    """The status the UI's check list shows (dagster-webserver 1.13): the worst partition
    status when partition statuses are recorded, else the latest execution's."""
    ranges = (check["partitionStatuses"] or {}).get("ranges") or []
    counts = {"succeeded": 0, "failed": 0}
    for r in ranges:
        statuses = r["secondaryDim"]
        counts["succeeded"] += len(statuses["succeededPartitions"])
        counts["failed"] += len(statuses["failedPartitions"])
        counts["failed"] += len(statuses["executionFailedPartitions"])
    if not any(counts.values()):
        latest = check["executionForLatestMaterialization"]
        return latest["status"] if latest else "NOT_EVALUATED"
    return "FAILED" if counts["failed"] else "SUCCEEDED"


def test_check_states_over_graphql(catalog, conf, defs, instance):
    names = district_names(load_portals(conf.portals_file, conf))
    ok_code, other = sorted(names)[:2]
    flagged = catalog.document(other, 2020, report_page(other, 2020, planted_error=True))
    fault = catalog.document(other, 2021, report_page(other, 2021))
    clean = catalog.document(ok_code, 2021, report_page(ok_code, 2021))
    (catalog.archive / fault["archive_path"]).unlink()  # archived file lost: our fault
    catalog.commit([flagged, fault, clean])
    expected = {f"{other}|2020": "flagged", f"{other}|2021": "pipeline fault"}
    expected[f"{ok_code}|2021"] = "ok"
    job = defs.resolve_job_def("extract_and_load")
    for key in expected:
        code, year = key.split("|")
        job.execute_in_process(
            instance=instance, partition_key=district_year_key(code, year), raise_on_error=False
        )

    with define_out_of_process_context(str(REPO / "workspace.yaml"), None, instance) as context:
        executions = {
            (check, key): execute_dagster_graphql(
                context, EXECUTION, {"check": check, "partition": key}
            ).data["assetCheckExecutions"][0]
            for check in ("contract_rules", "extraction_faults")
            for key in expected
        }
        data = execute_dagster_graphql(context, CHECKS).data

    assert {key: _state(executions, key) for key in expected} == expected
    for (_, key), execution in executions.items():
        code, year = key.split("|")
        # The name first, the partition key beside it.
        assert execution["evaluation"]["description"].startswith(f"{names[code]['name']} {year}")
    assert "flagged" in executions[("contract_rules", f"{other}|2020")]["evaluation"]["description"]

    checks = {c["name"]: c for c in data["assetNodes"][0]["assetChecksOrError"]["checks"]}
    for check in checks.values():  # the list and the latest execution agree
        assert _list_state(check) == check["executionForLatestMaterialization"]["status"]
    assert "district_names" in checks["contract_rules"]["description"]
    assert data["shouldShowNux"] is False


def test_runs_carry_the_district_name(catalog, conf, defs, instance):
    names = district_names(load_portals(conf.portals_file, conf))
    code = sorted(names)[0]
    catalog.commit([catalog.document(code, 2021, report_page(code, 2021))])
    sensor = defs.resolve_sensor_def("catalog_sensor")
    [request] = sensor(dg.build_sensor_context(instance=instance)).run_requests
    assert request.tags[DISTRICT_TAG] == f"{names[code]['name']} 2021 ({code}|2021)"
    when = datetime(2025, 3, 1, 2, 0, tzinfo=ZoneInfo(TIMEZONE))
    schedule = defs.resolve_schedule_def("nightly_crawl")
    for crawl in schedule(dg.build_schedule_context(scheduled_execution_time=when)):
        code = crawl.partition_key
        assert crawl.tags[DISTRICT_TAG] == f"{names[code]['name']} ({code})"
