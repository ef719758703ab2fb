"""``python -m pipeline warehouse ...`` end to end on the shared real reports."""

from __future__ import annotations

import json

import duckdb

from pipeline.cli import main
from tests.warehouse.conftest import division_of


def test_cli_builds_publishes_exports_and_describes(tmp_path, truths, capsys):
    db, copy = tmp_path / "w.duckdb", tmp_path / "gongkai.duckdb"
    assert main(["warehouse", "migrate", "--db", str(db)]) == 0
    for path, document in truths:
        contract = tmp_path / f"{path.stem}.json"
        contract.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        assert (
            main(
                [
                    "warehouse",
                    "load-report",
                    str(contract),
                    "--db",
                    str(db),
                    "--division-code",
                    division_of(path),
                ]
            )
            == 0
        )
    assert (
        main(
            [
                "warehouse",
                "refresh",
                "--db",
                str(db),
                "--to",
                str(copy),
                "--catalog-dir",
                str(tmp_path / "no-catalog"),
                "--portals",
                str(tmp_path / "no-portals.yaml"),
                "--first-year",
                "2019",
                "--last-year",
                "2024",
            ]
        )
        == 0
    )
    capsys.readouterr()
    with duckdb.connect(str(copy), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM marts.district_year").fetchone()[0] == 5
    assert (
        main(["warehouse", "export", "--source", str(copy), "--out", str(tmp_path / "export")]) == 0
    )
    assert (tmp_path / "export" / "district_year.parquet").is_file()
    capsys.readouterr()
    assert main(["warehouse", "describe", "marts.coverage", "--source", str(copy)]) == 0
    out = capsys.readouterr().out
    assert "coverage\tVARCHAR\t覆盖状态" in out
    assert main(["warehouse", "export", "--source", str(tmp_path / "none.duckdb")]) == 2


def test_cli_rejects_unreadable_contract_files(tmp_path, capsys):
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    assert (
        main(
            [
                "warehouse",
                "load-report",
                str(broken),
                "--db",
                str(tmp_path / "w.duckdb"),
                "--division-code",
                "630202",
            ]
        )
        == 2
    )
    assert "broken.json" in capsys.readouterr().err
