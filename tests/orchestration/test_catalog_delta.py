"""pipeline.flow.catalog_changes: the sensor reads only the catalog run files it has not seen."""

from __future__ import annotations

import json

from pipeline.flow import catalog_changes, catalog_positions


def write(catalog, portal: str, name: str, *records: tuple[str, int]) -> None:
    folder = catalog / portal
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        json.dumps({"kind": "document", "division_code": code, "year": year, "url": f"u{year}"})
        for code, year in records
    ]
    (folder / name).write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def test_only_new_run_files_are_read(tmp_path):
    catalog = tmp_path / "catalog"
    write(catalog, "a", "20250101T000000Z-1.jsonl", ("111111", 2020))
    write(catalog, "b", "20250101T000000Z-2.jsonl", ("222222", 2021))
    start = catalog_positions(catalog)

    assert catalog_changes(catalog, start) == (set(), start)

    write(catalog, "b", "20250102T000000Z-3.jsonl", ("222222", 2022))
    (catalog / "b" / ".20250103T000000Z-4.jsonl.part").write_text("{}\n")  # a run in progress
    touched, after = catalog_changes(catalog, start)
    assert touched == {("222222", 2022)}
    assert after["b"] == ["20250102T000000Z-3.jsonl", 2] and after["a"] == start["a"]


def test_a_recovered_older_run_file_rereads_that_portal(tmp_path):
    catalog = tmp_path / "catalog"
    write(catalog, "a", "20250105T000000Z-1.jsonl", ("111111", 2020))
    start = catalog_positions(catalog)
    # A crashed run's journal, committed by the next run under its own (older) name.
    write(catalog, "a", "20250101T000000Z-0.jsonl", ("111111", 2019))

    touched, _ = catalog_changes(catalog, start)

    assert touched == {("111111", 2019), ("111111", 2020)}
