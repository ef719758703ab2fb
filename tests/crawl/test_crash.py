"""A crawl killed mid-run leaves nothing the next run cannot reconcile."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import yaml

from pipeline.crawl import crawl_portal
from pipeline.crawl.archive import TMP, Archive
from pipeline.crawl.catalog import PortalCatalog, read_records, run_files
from pipeline.portals.registry import parse_registry
from pipeline.records import catalog_document
from tests.crawl.faultsite import (
    PDF,
    Server,
    article,
    basic_site,
    conf_for,
    list_page,
    portal_entry,
)

REPO = Path(__file__).resolve().parents[2]
CRASHER = """
import os, sys
from pipeline.config import settings
from pipeline.crawl import crawl_portal
from pipeline.portals.registry import load_portals

limit, stored = int(sys.argv[2]), 0

def on_event(kind, **info):
    global stored
    if kind == "document" and info["record"]["change"] == "new":
        stored += 1
        if stored >= limit:
            os._exit(9)  # no cleanup, no finally: a crash

crawl_portal(load_portals(sys.argv[1])[0], settings(), on_event=on_event)
"""


def big_site():
    site = basic_site()
    years = range(2015, 2025)
    site.add(
        "/col/index.html",
        list_page([(f"/art/{y}.html", f"乐都区{y}年政府信息公开工作年度报告") for y in years]),
    )
    for y in years:
        site.add(f"/art/{y}.html", article(f"{y}年报告", f'<a href="/files/{y}.pdf">附件.pdf</a>'))
        site.add(f"/files/{y}.pdf", PDF + str(y).encode(), "application/pdf")
    return site


def assert_consistent(conf):
    archive = Archive(conf.archive_dir)
    records = [r for r in read_records(conf.catalog_dir) if r.get("archive_path")]
    for record in records:
        assert archive.holds(record["archive_path"], record["sha256"]), record["url"]
    referenced = {r["archive_path"] for r in records}
    assert set(archive.files()) == referenced  # no orphans
    assert (
        not list((conf.archive_dir / TMP).glob("*")) if (conf.archive_dir / TMP).exists() else True
    )
    assert not list(conf.catalog_dir.glob("*/.*.part"))
    duplicates = Counter((r["url"], r["sha256"]) for r in records)
    assert max(duplicates.values()) == 1


def test_crash_after_n_downloads_then_rerun(tmp_path):
    site = big_site()
    conf = conf_for(tmp_path)
    with Server(site) as server:
        registry = tmp_path / "portals.yaml"
        registry.write_text(
            yaml.safe_dump({"portals": [portal_entry(server.port)]}, allow_unicode=True)
        )
        env = {**os.environ, "GONGKAI_ARCHIVE_DIR": str(conf.archive_dir), "PYTHONPATH": str(REPO)}
        crashed = subprocess.run(
            [sys.executable, "-c", CRASHER, str(registry), "5"], env=env, cwd=REPO
        )
        assert crashed.returncode == 9
        assert list(conf.catalog_dir.glob("faulty/.*.jsonl.part"))  # the journal of the dead run
        assert not run_files(conf.catalog_dir, "faulty")

        portal = parse_registry({"portals": [portal_entry(server.port)]})[0]
        site.clear()
        rerun = crawl_portal(portal, conf)
        assert rerun.recovered_records >= 5
        assert not rerun.errors
    assert_consistent(conf)
    docs = [r for r in read_records(conf.catalog_dir) if r["kind"] == "document"]
    assert len({r["url"] for r in docs}) == 20 == len(docs)
    # documents journaled before the crash were revalidated, not downloaded again
    whole = {
        r.path for r in site.log if not r.conditional and r.path.startswith(("/art", "/files"))
    }
    assert len(whole) == 20 - 5


def test_recovery_finishes_staged_files_and_drops_strays(tmp_path):
    """The gaps inside one store: journaled but not yet renamed; staged but never journaled."""
    conf = conf_for(tmp_path)
    archive = Archive(conf.archive_dir)
    run_id = "20260101T000000000000Z-dead00"
    body = PDF + b"journaled"
    sha, staged = archive.stage(body, "faulty", run_id)
    _stray_sha, stray = archive.stage(PDF + b"stray", "faulty", run_id)
    relative = archive.relative_path(sha, "pdf")
    record = catalog_document(
        run_id=run_id,
        portal="faulty",
        division_code="630202",
        url="http://x/a.pdf",
        sha256=sha,
        archive_path=relative,
        sniffed_type="pdf",
        size=len(body),
        fetched_at="2026-01-01T00:00:00.000000Z",
    )
    lost = {
        **record,
        "url": "http://x/b.pdf",
        "sha256": "0" * 64,
        "archive_path": archive.relative_path("0" * 64, "pdf"),
    }
    journal = conf.catalog_dir / "faulty" / f".{run_id}.jsonl.part"
    journal.parent.mkdir(parents=True)
    journal.write_bytes(
        json.dumps(record).encode() + b"\n" + json.dumps(lost).encode() + b'\n{"kind": "docu'
    )

    catalog = PortalCatalog(conf.catalog_dir, archive, "faulty")
    catalog.close()
    assert catalog.recovered == 1
    assert archive.holds(relative, sha) and not staged.exists() and not stray.exists()
    assert hashlib.sha256(archive.read(relative)).hexdigest() == sha
    assert [r["url"] for r in read_records(conf.catalog_dir, "faulty")] == ["http://x/a.pdf"]
    assert_consistent(conf)
