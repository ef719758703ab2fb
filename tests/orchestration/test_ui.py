"""The code location validates, and the Dagster webserver serves the graph and the schedule."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
STARTUP_LIMIT = 180  # seconds: loading the code location imports dagster, duckdb, pandas
QUERY = """
{
  assetNodes { assetKey { path } groupName hasAssetChecks }
  repositoriesOrError {
    ... on RepositoryConnection {
      nodes {
        name
        schedules { name cronSchedule executionTimezone }
        sensors { name }
      }
    }
  }
}
"""


@pytest.fixture
def dagster_home(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "data" / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    return home


def _env(home: Path) -> dict:
    return {**os.environ, "DAGSTER_HOME": str(home)}


def test_definitions_validate(dagster_home):
    done = subprocess.run(
        [BIN / "dagster", "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO,
        env=_env(dagster_home),
        capture_output=True,
        text=True,
        timeout=STARTUP_LIMIT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All code locations passed validation" in done.stdout + done.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_webserver_serves_graph_and_schedule(dagster_home, tmp_path):
    port = _free_port()
    log = (tmp_path / "webserver.log").open("w")
    server = subprocess.Popen(
        [BIN / "dagster-webserver", "-h", "127.0.0.1", "-p", str(port), "-w", "workspace.yaml"],
        cwd=REPO,
        env=_env(dagster_home),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + STARTUP_LIMIT
        data = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                answer = _graphql(port, QUERY)
            except OSError:
                time.sleep(1)
                continue
            nodes = answer.get("data", {}).get("repositoriesOrError", {}).get("nodes")
            if nodes:
                data = answer["data"]
                break
            time.sleep(1)  # up, but the code location is still loading
        assert data is not None, (tmp_path / "webserver.log").read_text()[-3000:]
    finally:
        # The webserver and the code server it spawned share the session started above.
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()

    keys = {"/".join(node["assetKey"]["path"]) for node in data["assetNodes"]}
    assert {
        "portal_documents",
        "extracted_reports",
        "warehouse_reports",
        "warehouse_catalog",
        "marts/district_year",
        "marts/coverage",
        "analyst_copy",
        "comparison_report",
        "district_names",
    } <= keys
    assert any(node["hasAssetChecks"] for node in data["assetNodes"])
    [repository] = data["repositoriesOrError"]["nodes"]
    assert {
        "name": "nightly_crawl",
        "cronSchedule": "0 2 * * *",
        "executionTimezone": "Asia/Shanghai",
    } in repository["schedules"]
    assert {"catalog_sensor", "refresh_marts"} <= {s["name"] for s in repository["sensors"]}
