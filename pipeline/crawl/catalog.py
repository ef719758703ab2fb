"""Per-portal crawl catalog: JSON Lines run files beside the archive, never the warehouse.

Layout under ``Settings.catalog_dir``::

    <portal>/<run_id>.jsonl      one file per run that had something to say; written once
                                 (atomically, by rename) and never modified
    <portal>/.<run_id>.jsonl.part  the journal of a run in progress (readers ignore it)
    <portal>/state.json          per URL: last_seen, the latest validators, and for a URL that
                                 keeps failing its failures in a row and next attempt time; host
                                 cool-downs. Rewritten atomically each run (an unchanged night
                                 adds no records)
    <portal>/.lock               held while a run of this portal is alive

Records are ``document`` (article or attachment), ``list_page`` and ``robots`` (fetched
resources, with validators and archive path) and ``fetch_error``. The latest resource record of
a URL gives the next night's ``If-None-Match`` / ``If-Modified-Since``.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import secrets
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from pipeline.crawl.archive import TMP, Archive, fsync_dir, write_atomic
from pipeline.records import CatalogRecord, catalog_lines

RESOURCE_KINDS = ("document", "list_page", "robots")


def utcnow() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(3)


def _read_jsonl(path: Path) -> list[dict]:
    """The file's records; a bad line (see ``records.catalog_lines``) is skipped."""
    return [record for _, record, _ in catalog_lines(path.read_bytes()) if record is not None]


def read_run_file(path: Path) -> list[dict]:
    """The records of one committed run file (what a sensor reads of a night's delta)."""
    return _read_jsonl(path)


def run_files(catalog_dir: Path, portal_id: str | None = None) -> list[Path]:
    root = Path(catalog_dir)
    if not root.exists():
        return []
    dirs = [root / portal_id] if portal_id else sorted(p for p in root.iterdir() if p.is_dir())
    return [f for d in dirs if d.is_dir() for f in sorted(d.glob("[!.]*.jsonl"))]


def read_records(catalog_dir: Path, portal_id: str | None = None) -> Iterator[dict]:
    """Every committed record, run by run in time order."""
    for path in run_files(catalog_dir, portal_id):
        yield from _read_jsonl(path)


def read_state(catalog_dir: Path, portal_id: str) -> dict:
    path = Path(catalog_dir) / portal_id / "state.json"
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        state = {}
    state.setdefault("urls", {})
    state.setdefault("hosts", {})
    return state


def current_documents(catalog_dir: Path, portal_id: str | None = None) -> list[dict]:
    """The archived set now: the latest ``document`` per (portal, url), ``last_seen`` updated.

    This is what the extraction step and the Dagster sensor read; a URL whose latest fetch
    failed keeps its last good version here.
    """
    latest: dict[tuple[str, str], dict] = {}
    for record in read_records(catalog_dir, portal_id):
        if record.get("kind") == "document":
            latest[(record["portal"], record["url"])] = record
    states: dict[str, dict] = {}
    out = []
    for (portal, url), record in latest.items():
        if portal not in states:
            states[portal] = read_state(catalog_dir, portal)
        seen = states[portal]["urls"].get(url, {}).get("last_seen")
        out.append({**record, "last_seen": max(record["last_seen"], seen or "")})
    return out


class PortalCatalog:
    """The catalog of one portal during one run: index of what is known, journal of what is new."""

    def __init__(
        self, catalog_dir: Path, archive: Archive, portal_id: str, run_id: str | None = None
    ):
        self.dir = Path(catalog_dir) / portal_id
        self.archive = archive
        self.portal_id = portal_id
        self.run_id = run_id or new_run_id()
        self.dir.mkdir(parents=True, exist_ok=True)
        self._lock = open(self.dir / ".lock", "a+")  # noqa: SIM115 - held for the whole run
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        self.recovered = self._recover()
        self.latest: dict[str, Mapping[str, Any]] = {}  # url -> latest resource record
        self.first_seen: dict[str, str] = {}
        # url -> latest fetch_error, if after the latest resource
        self.last_error: dict[str, Mapping[str, Any]] = {}
        for record in read_records(catalog_dir, portal_id):
            url = record.get("url")
            if not isinstance(url, str):
                continue
            if record.get("kind") in RESOURCE_KINDS:
                self.latest[url] = record
                self.first_seen.setdefault(
                    url, record.get("first_seen") or record.get("fetched_at") or ""
                )
                self.last_error.pop(url, None)
            elif record.get("kind") == "fetch_error":
                self.last_error[url] = record
        self.state = read_state(catalog_dir, portal_id)
        self._journal_path = self.dir / f".{self.run_id}.jsonl.part"
        self._journal: BinaryIO | None = None
        self.written = 0

    # -- recovery -------------------------------------------------------------------------
    def _recover(self) -> int:
        """Finish the journals of runs of this portal that died; drop their staged leftovers."""
        recovered = 0
        for part in sorted(self.dir.glob(".*.jsonl.part")):
            run_id = part.name[1 : -len(".jsonl.part")]
            keep = []
            for record in _read_jsonl(part):
                path = record.get("archive_path")
                if path and not self.archive.holds(path, record["sha256"], record.get("bytes")):
                    staged = self.archive.staging_path(record["sha256"], self.portal_id, run_id)
                    if (
                        staged.is_file()
                        and hashlib.sha256(staged.read_bytes()).hexdigest() == record["sha256"]
                    ):
                        self.archive.commit(staged, path)
                    else:
                        continue
                keep.append(record)
            if keep:
                write_atomic(self.dir / f"{run_id}.jsonl", _lines(keep))
                recovered += len(keep)
            part.unlink()
        staging = self.archive.root / TMP
        if staging.is_dir():
            for leftover in staging.glob(f"*.{self.portal_id}.*.tmp"):
                leftover.unlink(missing_ok=True)
        return recovered

    # -- writing --------------------------------------------------------------------------
    def append(self, record: CatalogRecord) -> None:
        """Journal one record durably before the archive file it names is moved into place."""
        if self._journal is None:
            self._journal = open(self._journal_path, "ab")  # noqa: SIM115 - closed in finish()
        self._journal.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
        self._journal.flush()
        os.fsync(self._journal.fileno())
        self.written += 1
        if record.get("kind") in RESOURCE_KINDS:
            self.latest[record["url"]] = record
            self.last_error.pop(record["url"], None)
        elif record.get("kind") == "fetch_error":
            self.last_error[record["url"]] = record

    def seen(
        self, url: str, when: str, etag: str | None = None, last_modified: str | None = None
    ) -> None:
        entry = self.state["urls"].setdefault(url, {})
        entry["last_seen"] = when
        entry.pop("failures", None)
        entry.pop("next_attempt", None)
        if etag or last_modified:
            entry["etag"], entry["last_modified"] = etag, last_modified

    def failed(self, url: str, next_attempt: Callable[[int], str]) -> int:
        """Count one more failure in a row of ``url``; ``next_attempt(failures)`` is when it may
        be asked again. Returns the count."""
        entry = self.state["urls"].setdefault(url, {})
        entry["failures"] = entry.get("failures", 0) + 1
        entry["next_attempt"] = next_attempt(entry["failures"])
        return entry["failures"]

    def next_attempt(self, url: str) -> str | None:
        """When a URL that kept failing may be asked again (UTC timestamp), if it must wait."""
        return self.state["urls"].get(url, {}).get("next_attempt")

    def validators(self, url: str) -> dict[str, str]:
        """Conditional-request headers for ``url`` from the catalog (and the state's newer ones)."""
        record = self.latest.get(url)
        if record is None:
            return {}
        etag, modified = record.get("etag"), record.get("last_modified")
        fresh = self.state["urls"].get(url, {})
        if fresh.get("etag") or fresh.get("last_modified"):
            etag, modified = fresh.get("etag"), fresh.get("last_modified")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        return headers

    def finish(self, hosts: dict[str, tuple[float, str]] | None = None) -> Path | None:
        """Commit the run file (if anything was recorded) and the state; release the lock."""
        path = None
        try:
            if self._journal is not None:
                self._journal.close()
                path = self.dir / f"{self.run_id}.jsonl"
                os.replace(self._journal_path, path)
                fsync_dir(self.dir)
            if hosts is not None:
                self.state["hosts"] = {
                    k: {"blocked_until": t, "reason": r} for k, (t, r) in hosts.items()
                }
            write_atomic(
                self.dir / "state.json",
                json.dumps(self.state, ensure_ascii=False, sort_keys=True).encode("utf-8"),
            )
        finally:
            self.close()
        return path

    def close(self) -> None:
        """Release the lock; an unfinished journal stays for the next run's recovery."""
        if self._journal is not None and not self._journal.closed:
            self._journal.close()
        if not self._lock.closed:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()


def _lines(records: list[dict]) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode("utf-8") + b"\n" for r in records)
