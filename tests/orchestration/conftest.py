"""Fixtures: a temporary Gongkai environment (archive, catalog, warehouse, Dagster instance).

The catalog here is written by hand in the crawler's format (one JSON Lines run file per
"night"), so the orchestration tests do not need a network or the sample server; the sample
run test serves the real sample portals.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from pathlib import Path

import dagster as dg
import pytest
import yaml

from assets.definitions import build_definitions
from pipeline.config import Settings
from pipeline.extract.validate import findings
from pipeline.portals.registry import load_portals, move_entry_to_port
from pipeline.records import CatalogDocument, Listing, catalog_document
from pipeline.samples.render import render_html, render_text
from tests.extract.contract_reports import applications, report

STAMP = "2025-01-15T03:00:00.000000Z"
# The bundled registry's portal per district: the catalog is kept per portal id.
PORTAL_OF = {p.division_code: p.id for p in load_portals(Settings().portals_file)}


class Catalog:
    """Writes archived documents and catalog run files the way the crawler does."""

    def __init__(self, archive_dir: Path):
        self.archive = archive_dir
        self.catalog = archive_dir / "catalog"
        self.night = 0

    def document(
        self,
        code: str,
        year: int,
        body: bytes,
        *,
        role: str = "article",
        parent_url: str | None = None,
        url: str | None = None,
        agency_kind: str = "district",
        agency: str | None = None,
        sniffed: str = "html",
    ) -> CatalogDocument:
        sha = hashlib.sha256(body).hexdigest()
        relative = f"{sha[:2]}/{sha}.{'html' if sniffed == 'html' else 'txt'}"
        (self.archive / relative).parent.mkdir(parents=True, exist_ok=True)
        (self.archive / relative).write_bytes(body)
        return catalog_document(
            run_id="",
            portal=PORTAL_OF.get(code, f"p{code}"),
            division_code=code,
            url=url or f"http://portal.test/{code}/{year}/{agency_kind}.html",
            listing=Listing(
                f"{agency or code}{year}年政府信息公开工作年度报告",
                year,
                agency or f"{code}人民政府",
                agency_kind,
                role,
                parent_url,
            ),
            sniffed_type=sniffed,
            size=len(body),
            sha256=sha,
            archive_path=relative,
            is_sample=True,
            fetched_at=STAMP,
        )

    def commit(self, records: list[CatalogDocument]) -> None:
        """One crawl run: one committed run file per portal."""
        self.night += 1
        by_portal: dict[str, list[CatalogDocument]] = {}
        for record in records:
            by_portal.setdefault(record["portal"], []).append(record)
        for portal, rows in by_portal.items():
            folder = self.catalog / portal
            folder.mkdir(parents=True, exist_ok=True)
            name = f"202501{self.night:02d}T030000000000Z-{secrets.token_hex(3)}.jsonl"
            (folder / name).write_text(
                "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
            )


def report_doc(
    code: str, year: int, *, base: int = 3, agency: str | None = None, planted_error: bool = False
) -> dict:
    """A consistent report (``base`` varies its numbers); ``planted_error`` breaks one total."""
    doc = report(year=year, agency=agency or f"{code}人民政府")
    doc["applications"] = applications(False, base=base)
    if planted_error:
        total = next(
            e
            for e in doc["applications"]
            if e["outcome"] == "total_handled" and e["requester"] == "total"
        )
        total["value"] += 1
        total["raw"] = str(total["value"])
    doc["findings"] = findings(doc["applications"], doc["appeals"])
    return doc


def report_page(code: str, year: int, **kwargs) -> bytes:
    return render_html(report_doc(code, year, **kwargs))


def report_text(code: str, year: int) -> bytes:
    return render_text(report(year=year, agency=f"{code}人民政府")).encode("utf-8")


@pytest.fixture
def conf(tmp_path) -> Settings:
    """Settings of a temporary Gongkai environment (the bundled registry; os.environ untouched)."""
    return Settings(
        archive_dir=tmp_path / "archive",
        warehouse_path=tmp_path / "warehouse.duckdb",
        analyst_copy_path=tmp_path / "gongkai.duckdb",
        extracted_dir=tmp_path / "extracted",
        export_dir=tmp_path / "export",
        report_dir=tmp_path / "report",
    )


@pytest.fixture
def defs(conf) -> dg.Definitions:
    return build_definitions(conf)


@pytest.fixture
def catalog(conf) -> Catalog:
    return Catalog(conf.archive_dir)


@pytest.fixture
def instance():
    with dg.instance_for_test() as inst:
        yield inst


def moved_registry(registry: Path, port: int, out: Path) -> Path:
    """``registry`` with its sample portals moved to ``port`` (a test server's), at ``out``."""
    doc = yaml.safe_load(registry.read_text(encoding="utf-8"))
    doc["portals"] = [move_entry_to_port(entry, port) for entry in doc["portals"]]
    out.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out
