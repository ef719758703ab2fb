"""Settings: read once from a mapping, every variable parsed in one place."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from pipeline.config import VARIABLES, Settings, SettingsError


def test_every_field_has_one_variable():
    assert sorted(attr for attr, _ in VARIABLES.values()) == sorted(
        f.name for f in fields(Settings)
    )


def test_defaults_without_environment_and_values_from_a_mapping(tmp_path):
    assert Settings.from_env({}) == Settings()
    conf = Settings.from_env(
        {
            "GONGKAI_ARCHIVE_DIR": str(tmp_path / "a"),
            "GONGKAI_WORKERS": "3",
            "GONGKAI_LAST_YEAR": "",
        }
    )
    assert conf.archive_dir == tmp_path / "a" and conf.catalog_dir == tmp_path / "a" / "catalog"
    assert conf.workers == 3 and conf.last_year == Settings().last_year


def test_round_trip_through_the_environment_form(tmp_path):
    conf = Settings(archive_dir=tmp_path / "archive", first_year=2020, workers=5)
    assert Settings.from_env(conf.environ()) == conf


def test_every_bad_value_is_one_line():
    with pytest.raises(SettingsError) as error:
        Settings.from_env(
            {"GONGKAI_WORKERS": "0", "GONGKAI_FIRST_YEAR": "soon", "GONGKAI_REQUEST_DELAY": "x"}
        )
    lines = str(error.value).splitlines()
    assert len(lines) == 3
    assert {line.split(":")[0] for line in lines} == {
        "GONGKAI_WORKERS",
        "GONGKAI_FIRST_YEAR",
        "GONGKAI_REQUEST_DELAY",
    }


def test_years_in_order():
    with pytest.raises(SettingsError, match="GONGKAI_LAST_YEAR"):
        Settings.from_env({"GONGKAI_FIRST_YEAR": "2024", "GONGKAI_LAST_YEAR": "2020"})
    assert Settings.from_env({"GONGKAI_PORTALS": "x.yaml"}).portals_file == Path("x.yaml").resolve()
