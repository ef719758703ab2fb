"""Bad settings and bad input end a command with one clear line each, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from pipeline.config import Settings, SettingsError
from tests.conftest import REPO


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_bad_setting_is_one_line_naming_it(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><body>x</body></html>")
    done = run_cli("extract", str(page), GONGKAI_READER_MEMORY_MB="abc")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines and all(line.startswith("error: ") for line in lines)
    assert "GONGKAI_READER_MEMORY_MB" in lines[0] and "'abc'" in lines[0]


def test_an_unreadable_registry_is_one_line(tmp_path):
    registry = tmp_path / "portals.yaml"
    registry.write_bytes(b"portals: [\xff\xfe")
    done = run_cli("crawl", GONGKAI_PORTALS=str(registry))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(f"error: registry {registry}")


def test_a_missing_warehouse_is_one_line(tmp_path):
    done = run_cli("warehouse", "describe", GONGKAI_ANALYST_COPY=str(tmp_path / "none.duckdb"))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "none.duckdb" in done.stderr


def test_values_out_of_range_are_named_one_line_each():
    bad = {
        "GONGKAI_READER_MEMORY_MB": "0",
        "GONGKAI_READER_TIMEOUT": "nan",
        "GONGKAI_REQUEST_DELAY": "-1",
        "GONGKAI_MAX_BODY_BYTES": "10",
        "GONGKAI_FIRST_YEAR": "19",
        "GONGKAI_MAX_FAILURE_RATE": "1.5",
        "GONGKAI_USER_AGENT": "bot\r\nX-Injected: 1",
    }
    with pytest.raises(SettingsError) as error:
        Settings.from_env(bad)
    lines = str(error.value).splitlines()
    assert sorted(line.split(":")[0] for line in lines) == sorted(bad)
    assert Settings.from_env({"GONGKAI_READER_MEMORY_MB": "512"}).reader_memory_mb == 512


def test_make_run_with_bad_settings_stops_at_start(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "assets.run"],
        cwd=REPO,
        env={**os.environ, "DAGSTER_HOME": str(tmp_path), "GONGKAI_READER_TIMEOUT": "-1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == "make run: GONGKAI_READER_TIMEOUT: must be more than 0, got '-1'"


def test_settings_command_prints_each_value_and_its_source(tmp_path):
    done = run_cli("settings", GONGKAI_WORKERS="3")
    assert done.returncode == 0, done.stderr
    lines = dict(line.split(None, 1) for line in done.stdout.splitlines()[:-1])
    assert lines["GONGKAI_WORKERS"] == "3  (environment)"
    assert lines["GONGKAI_FIRST_YEAR"] == "2019  (default)"
    assert done.stdout.splitlines()[-1].startswith("registry: 6 portals")
    bad = run_cli("settings", GONGKAI_WORKERS="many", GONGKAI_PORTALS=str(tmp_path / "none.yaml"))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.splitlines()[0].startswith("error: GONGKAI_WORKERS: ")


def test_make_ui_stops_at_a_bad_setting_before_dagster_starts(tmp_path):
    done = subprocess.run(
        ["make", "--no-print-directory", "ui", f"DAGSTER_HOME={tmp_path}"],
        cwd=REPO,
        env={**os.environ, "GONGKAI_OCR_PAGE_TIMEOUT": "soon"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and "dagster" not in done.stdout + done.stderr
    assert "error: GONGKAI_OCR_PAGE_TIMEOUT: must be a number, got 'soon'" in done.stderr


def test_the_code_location_load_error_is_the_bad_value_not_our_frames(tmp_path):
    """Dagster prints the message of a load error and the frames of user code under it: the
    message names the setting, and no frame of the code that read it is shown."""
    done = subprocess.run(
        [sys.executable, "-m", "dagster", "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO,
        env={**os.environ, "DAGSTER_HOME": str(tmp_path), "GONGKAI_READER_MEMORY_MB": "abc"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    out = done.stdout + done.stderr
    assert "SettingsError: GONGKAI_READER_MEMORY_MB: must be an integer, got 'abc'" in out
    assert "pipeline/config.py" not in out and "During handling" not in out
