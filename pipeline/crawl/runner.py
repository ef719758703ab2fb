"""Crawl portals: list pages → report articles → attachments, into the archive and the catalog.

Each portal runs in its own thread with its own catalog; requests share one fetcher, whose host
slots keep one request at a time per host. Every list page, article and attachment is fetched
conditionally with the validators from the catalog; a 304 (or an identical body) stores nothing
and records nothing, only ``last_seen`` in the portal's state file.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from protego import Protego

from pipeline.config import Settings
from pipeline.crawl.archive import TMP, Archive
from pipeline.crawl.catalog import PortalCatalog, utcnow
from pipeline.crawl.discovery import Entry, attachments, entry_for
from pipeline.crawl.errors import FetchError
from pipeline.crawl.fetcher import Fetcher, Response
from pipeline.crawl.published import article_date, list_dates, publication
from pipeline.decode import decode_bytes
from pipeline.portals import get_adapter
from pipeline.portals.base import PageRequest
from pipeline.portals.links import page_links
from pipeline.portals.registry import Portal, RegistryError, load_portals
from pipeline.records import (
    CatalogDocument,
    FetchErrorRecord,
    Listing,
    ResourceKind,
    catalog_document,
    fetch_error_record,
)
from pipeline.sniff import sniff

ROBOTS_TOKEN = "GongkaiBot"
# A URL that failed permanently (404, too large, off the allow-list) is asked again after this.
RECHECK_PERMANENT_SECONDS = 7 * 24 * 3600
MAX_CRAWL_DELAY = 30.0
# What every synthetic page of a sample portal prints; a page of a sample portal without it
# (乐都区 2021 carries the real published figures) is not sample data.
SAMPLE_MARK = "示例数据（合成）"

# A URL that fails (timeouts, 5xx) runs in a row skips 0, 1, 3, 7 … nights (at most 31), so a
# dead or dripping URL costs the total-time limit once in a while, not every night. A night is
# counted 20 h so that the next nightly run, about 24 h later, is not missed by minutes.
NIGHT_SECONDS = 24 * 3600
NIGHT_SLACK_SECONDS = 4 * 3600
MAX_SKIPPED_NIGHTS = 31
# Pages the crawl parses (list pages, articles) are read into memory up to this size.
MAX_PAGE_BYTES = 16 * 1024 * 1024


def _next_attempt(failures: int, retry_after: float | None = None) -> str:
    """UTC timestamp before which a URL that failed ``failures`` runs in a row is not asked."""
    nights = min(2 ** (failures - 1) - 1, MAX_SKIPPED_NIGHTS)
    wait = nights * NIGHT_SECONDS - NIGHT_SLACK_SECONDS if nights else 0.0
    wait = max(wait, retry_after or 0.0)
    return (datetime.now(UTC) + timedelta(seconds=wait)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _report_items(doc, portal: Portal) -> set[str]:
    """JSON objects anywhere in ``doc`` with a string value the link rule takes as a report."""
    found: set[str] = set()
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            strings = [v for v in node.values() if isinstance(v, str)]
            if any(portal.link_rule.matches(v) for v in strings):
                found.add(json.dumps(node, sort_keys=True, ensure_ascii=False))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


@dataclass
class PortalResult:
    portal: str
    division_code: str
    run_id: str
    list_pages: int = 0
    requests: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    bytes_stored: int = 0
    skipped_known_failures: int = 0
    errors: list[FetchErrorRecord] = field(default_factory=list)
    page_limits: list[str] = field(default_factory=list)
    documents: list[CatalogDocument] = field(default_factory=list)  # report documents seen this run
    run_file: str | None = None
    recovered_records: int = 0

    @property
    def permanent_errors(self) -> list[FetchErrorRecord]:
        return [e for e in self.errors if not e["retryable"]]

    @property
    def retryable_errors(self) -> list[FetchErrorRecord]:
        return [e for e in self.errors if e["retryable"]]


@dataclass
class CrawlSummary:
    portals: list[PortalResult]
    blocked_hosts: dict[str, str]
    seconds: float

    def total(self, name: str) -> int:
        return sum(getattr(p, name) for p in self.portals)

    @property
    def errors(self) -> list[FetchErrorRecord]:
        return [e for p in self.portals for e in p.errors]

    def errors_by_class(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for error in self.errors:
            out[error["class"]] = out.get(error["class"], 0) + 1
        return dict(sorted(out.items()))

    def format(self) -> str:
        classes = ", ".join(f"{k} {v}" for k, v in self.errors_by_class().items()) or "none"
        lines = [
            f"portals        {len(self.portals)}",
            f"list pages     {self.total('list_pages')}",
            f"requests       {self.total('requests')}",
            f"documents      new {self.total('new')}, changed {self.total('changed')}, "
            f"unchanged {self.total('unchanged')}",
            f"bytes stored   {self.total('bytes_stored')}",
            f"errors         {len(self.errors)} ({classes}); retryable "
            f"{sum(len(p.retryable_errors) for p in self.portals)}, permanent "
            f"{sum(len(p.permanent_errors) for p in self.portals)}",
            f"blocked hosts  {', '.join(self.blocked_hosts) or 'none'}",
            f"wall time      {self.seconds:.1f} s",
        ]
        limits = [u for p in self.portals for u in p.page_limits]
        if limits:
            lines.append(f"page limit hit {', '.join(limits)}")
        return "\n".join(lines)


def _error_record(run_id: str, portal: Portal, url: str, exc: FetchError) -> FetchErrorRecord:
    return fetch_error_record(
        run_id=run_id,
        portal=portal.id,
        division_code=portal.division_code,
        url=url,
        error_class=exc.cls,
        http_status=exc.http_status,
        message=exc.message,
        attempts=exc.attempts,
        retryable=exc.retryable,
        at=utcnow(),
    )


def _age_seconds(stamp: str) -> float:
    try:
        when = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    except (TypeError, ValueError):
        return float("inf")
    return (datetime.now(UTC) - when).total_seconds()


class PortalCrawl:
    """One run over one portal."""

    def __init__(
        self,
        portal: Portal,
        conf: Settings,
        fetcher: Fetcher,
        *,
        year: int | None,
        on_event: Callable[..., None] | None,
        run_id: str | None,
        others: tuple[Portal, ...] = (),
    ):
        self.portal = portal
        self.others = others  # the registry's districts: a report of one of them is filed there
        self.fetcher = fetcher
        self.year = year
        self.on_event = on_event or (lambda *a, **k: None)
        self.adapter = get_adapter(portal.adapter)
        self.archive = Archive(conf.archive_dir)
        self.catalog = PortalCatalog(conf.catalog_dir, self.archive, portal.id, run_id)
        self.result = PortalResult(
            portal.id,
            portal.division_code,
            self.catalog.run_id,
            recovered_records=self.catalog.recovered,
        )
        self.robots: dict[str, Protego | FetchError | None] = {}
        self.list_dates: dict[str, datetime] = {}  # url -> date printed beside it on a list
        for host, info in self.catalog.state["hosts"].items():
            if info.get("blocked_until", 0) > time.time():
                fetcher.slots.block(host, info["blocked_until"], info.get("reason", "earlier run"))

    # -- robots.txt -------------------------------------------------------------------------
    def permitted(self, url: str) -> None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self.robots:
            self.robots[origin] = None  # re-entrancy guard while robots.txt itself is fetched
            self.robots[origin] = self._load_robots(origin)
        rules = self.robots[origin]
        if isinstance(rules, FetchError):
            raise FetchError("robots", rules.message, retryable=True, attempts=0)
        if rules is not None and not rules.can_fetch(url, ROBOTS_TOKEN):
            raise FetchError(
                "robots", f"robots.txt disallows {parts.path or '/'}", retryable=False, attempts=0
            )

    def _load_robots(self, origin: str) -> Protego | FetchError | None:
        """RFC 9309: 4xx means no rules; 5xx or no answer means everything is disallowed."""
        url = f"{origin}/robots.txt"
        try:
            got = self._fetch(PageRequest(url), "robots", None, raise_errors=True)
        except FetchError as exc:
            if exc.http_status and 400 <= exc.http_status < 500 and exc.cls == "http":
                return None
            return FetchError(
                "robots",
                f"robots.txt unavailable ({exc}); host disallowed for this run",
                retryable=True,
            )
        if got is None:
            return None
        if got[0] is None:
            return None  # a robots.txt beyond the page size limit is no robots.txt
        rules = Protego.parse(decode_bytes(got[0], got[1]))
        delay = rules.crawl_delay(ROBOTS_TOKEN)
        if delay and delay > self.portal.politeness.delay:
            pol = self.portal.politeness
            self.portal = replace(
                self.portal, politeness=replace(pol, delay=min(float(delay), MAX_CRAWL_DELAY))
            )
        return rules

    # -- fetching ---------------------------------------------------------------------------
    def _skip_known_failure(self, url: str) -> bool:
        error = self.catalog.last_error.get(url)
        if not error or error.get("retryable", True) or error["class"] in ("blocked", "robots"):
            return False  # robots.txt is re-read every run; a WAF cool-down has its own clock
        return _age_seconds(error["at"]) < RECHECK_PERMANENT_SECONDS

    def _record_error(self, url: str, exc: FetchError) -> None:
        record = _error_record(self.result.run_id, self.portal, url, exc)
        last = self.catalog.last_error.get(url)
        repeat = (
            last
            and not exc.retryable
            and (last["class"], last["http_status"], last["message"])
            == (exc.cls, exc.http_status, exc.message)
        )
        if not repeat:  # the same permanent failure as last night adds no record
            self.catalog.append(record)
        self.result.errors.append(record)
        self.on_event("error", portal=self.portal.id, record=record)

    def _fetch(
        self,
        req: PageRequest,
        kind: ResourceKind,
        listing: Listing | None,
        *,
        raise_errors: bool = False,
    ):
        """Fetch (conditionally), archive if new, record; returns (body, charset, record) or None.

        The body streams to a temp file in the archive's staging directory and is renamed into
        the archive, never held in memory; ``body`` is its bytes only for what the crawl parses
        (list pages, robots.txt, HTML articles up to ``MAX_PAGE_BYTES``), else None.
        """
        url = req.url
        if self._skip_known_failure(url) or (kind != "robots" and self._backing_off(url)):
            self.result.skipped_known_failures += 1
            return None
        known = self.catalog.latest.get(url)
        if known and not self.archive.holds(
            known["archive_path"], known["sha256"], known.get("bytes")
        ):
            known = None  # archive lost the file: fetch it whole
        headers = self.catalog.validators(url) if known and req.method == "GET" else {}
        try:
            resp = self.fetcher.fetch(
                url,
                self.portal,
                method=req.method,
                data=req.data or None,
                headers=headers,
                permitted=None if kind == "robots" else self.permitted,
                spool_dir=self.archive.root / TMP,
                spool_suffix=f".{self.portal.id}.{self.result.run_id}.tmp",
            )
        except FetchError as exc:
            self.result.requests += exc.attempts
            if exc.retryable and exc.cls not in ("robots", "blocked") and kind != "robots":
                self.catalog.failed(url, partial(_next_attempt, retry_after=exc.retry_after))
            if raise_errors:
                raise
            if not (req.optional and exc.http_status == 404):
                self._record_error(url, exc)
            return None
        self.result.requests += resp.attempts
        try:
            return self._store(req, kind, listing, resp, known)
        finally:
            resp.discard()  # stored by rename, or not needed: never left in the staging area

    def _store(
        self,
        req: PageRequest,
        kind: ResourceKind,
        listing: Listing | None,
        resp: Response,
        known: Mapping[str, Any] | None,
    ):
        url, now, charset = req.url, utcnow(), resp.charset
        if resp.status == 304 and known:
            self.catalog.seen(url, now)
            parsed = self._parsed(kind, listing, known["sniffed_type"])
            body = self._page_bytes(parsed, known["bytes"], known=known)
            return body, charset, {**known, "change": "unchanged"}
        sha = resp.sha256 or ""
        sniffed = sniff(resp.head)
        body = self._page_bytes(self._parsed(kind, listing, sniffed), resp.size, path=resp.path)
        etag, modified = resp.headers.get("etag"), resp.headers.get("last-modified")
        entries = self._entries_sha256(body, url, charset) if kind == "list_page" else None
        if known and (
            known["sha256"] == sha or (entries is not None and known.get("entries") == entries)
        ):
            self.catalog.seen(url, now, etag, modified)  # a list page whose reports are the same
            return body, charset, {**known, "change": "unchanged"}
        relative = self.archive.relative_path(sha, sniffed)
        found = (
            self._provenance(url, body, charset, sniffed, modified) if kind == "document" else {}
        )
        record = catalog_document(
            kind=kind,
            run_id=self.result.run_id,
            portal=self.portal.id,
            division_code=(listing and listing.division_code) or self.portal.division_code,
            url=url,
            final_url=resp.final_url,
            listing=listing,
            http_status=resp.status,
            etag=etag,
            last_modified=modified,
            content_type=resp.content_type,
            sniffed_type=sniffed,
            size=resp.size,
            sha256=sha,
            archive_path=relative,
            is_sample=found.get("is_sample", self.portal.sample),
            first_seen=self.catalog.first_seen.get(url, now),
            fetched_at=now,
            change="changed" if known else "new",
            published_at=found.get("published_at"),
            published_source=found.get("published_source"),
            entries=entries,
        )
        is_new_file = not self.archive.path(relative).exists()
        assert resp.path is not None  # only a 304 has no body, and it returned above
        staged = self.archive.stage_file(resp.path, sha, self.portal.id, self.result.run_id)
        self.catalog.append(record)
        self.archive.commit(staged, relative)
        self.catalog.first_seen.setdefault(url, now)
        self.catalog.seen(url, now, etag, modified)
        if is_new_file:
            self.result.bytes_stored += resp.size
        return body, charset, record

    def _provenance(
        self, url: str, body: bytes | None, charset: str | None, sniffed: str, modified: str | None
    ) -> dict:
        """Publication date and its source; sample or not, decided per document."""
        printed, is_sample = None, self.portal.sample
        if sniffed in ("html", "text") and body is not None:  # a page the crawl parsed
            printed = article_date(body, charset)
            is_sample = is_sample and SAMPLE_MARK in decode_bytes(body, charset)
        found = publication(printed, self.list_dates.get(url), modified)
        return {**found, "is_sample": is_sample}

    @staticmethod
    def _parsed(kind: ResourceKind, listing: Listing | None, sniffed: str) -> bool:
        """List pages, robots.txt and HTML articles are parsed; documents are only stored."""
        return kind in ("list_page", "robots") or (
            listing is not None and listing.role == "article" and sniffed in ("html", "text")
        )

    def _page_bytes(self, parsed: bool, size: int, *, path=None, known=None) -> bytes | None:
        """The bytes of a page the crawl parses, if it is not beyond ``MAX_PAGE_BYTES``."""
        if not parsed or size > MAX_PAGE_BYTES:
            return None
        if known is not None:
            return self.archive.read(known["archive_path"])
        return path.read_bytes() if path is not None else None

    def _entries_sha256(self, body: bytes | None, url: str, charset: str | None) -> str:
        """What the crawl takes from a list page: the report entries on it (HTML links, or JSON
        items with a title the link rule takes). A list of notices that shifted is unchanged."""
        found: set[str] = set()
        if body is not None:
            for link, title in page_links(body, url, charset):
                if entry_for(link, title, self.portal) is not None:
                    found.add(f"{link}\t{title}")
            try:
                doc = json.loads(decode_bytes(body, charset))
            except ValueError:
                doc = None
            found.update(_report_items(doc, self.portal))
        return hashlib.sha256("\n".join(sorted(found)).encode("utf-8")).hexdigest()

    def _backing_off(self, url: str) -> bool:
        """A URL that failed runs in a row waits (see :func:`_next_attempt`)."""
        when = self.catalog.next_attempt(url)
        return when is not None and when > utcnow()

    # -- the walk ---------------------------------------------------------------------------
    def page(self, request: PageRequest):
        self.result.list_pages += 1
        got = self._fetch(request, "list_page", None)
        if got is None or got[0] is None:
            return None
        self.list_dates.update(list_dates(got[0], request.url, got[1]))
        return got[0], got[1]

    def page_limit(self, start_url: str) -> None:
        self.result.page_limits.append(start_url)

    def entries(self) -> list[Entry]:
        out: dict[str, Entry] = {}
        for url, title in self.adapter.list_links(self.portal, self):
            entry = entry_for(url, title, self.portal, self.others)
            if entry is None or entry.url in out:
                continue
            if self.year is not None and entry.year != self.year:
                continue
            out[entry.url] = entry
        return list(out.values())

    def _document(self, req: PageRequest, entry: Entry, role: str, parent: str | None, title: str):
        listing = Listing(
            title,
            entry.year,
            entry.agency,
            entry.agency_kind,
            role,
            parent,
            division_code=entry.division_code,
        )
        got = self._fetch(req, "document", listing)
        if got is None:
            return None
        record = got[2]
        change = record["change"]
        setattr(self.result, change, getattr(self.result, change) + 1)
        self.result.documents.append(record)
        self.on_event("document", portal=self.portal.id, record=record)
        return got

    def run(self) -> PortalResult:
        try:
            done: set[str] = set()
            for entry in self.entries():
                req = self.adapter.article_request(self.portal, entry.url)
                got = self._document(req, entry, "article", None, entry.title)
                done.add(req.url)
                if got is None or got[0] is None:  # a document, not a page with attachments
                    continue
                markup = self.adapter.article_markup(self.portal, got[0])
                for url, label in attachments(markup, entry.url, got[1]):
                    if url in done:
                        continue
                    done.add(url)
                    self._document(
                        PageRequest(url), entry, "attachment", req.url, label or entry.title
                    )
            path = self.catalog.finish(self.fetcher.slots.blocked())
            self.result.run_file = str(path) if path else None
        finally:
            self.catalog.close()
        return self.result


def crawl_portal(
    portal: Portal,
    conf: Settings,
    *,
    fetcher: Fetcher | None = None,
    year: int | None = None,
    on_event: Callable[..., None] | None = None,
    run_id: str | None = None,
    others: list[Portal] | None = None,
) -> PortalResult:
    """Crawl one portal (a Dagster per-district asset calls this); see :func:`crawl`.

    ``others`` are the registry's portals (default: read from ``conf.portals_file``): a report
    of another district found on this portal is filed under that district.
    """
    if others is None:
        try:
            others = load_portals(conf.portals_file, conf)
        except RegistryError:
            others = []
    own = fetcher is None
    fetcher = fetcher or Fetcher(conf.user_agent)
    try:
        crawl = PortalCrawl(
            portal, conf, fetcher, year=year, on_event=on_event, run_id=run_id, others=tuple(others)
        )
        return crawl.run()
    finally:
        if own:
            fetcher.close()


def _result_of(portal: Portal, future: Future) -> PortalResult:
    """A portal whose crawl broke (a bug, a full disk) is reported, not allowed to sink the rest.

    Its journal stays as ``.part`` and is recovered by the portal's next run.
    """
    try:
        return future.result()
    except Exception as exc:
        result = PortalResult(portal.id, portal.division_code, run_id="")
        message = f"crawl aborted: {type(exc).__name__}: {exc}"
        aborted = FetchError("invalid", message, retryable=True, attempts=0)
        result.errors.append(_error_record("", portal, portal.start_urls[0], aborted))
        return result


def crawl(
    portals: list[Portal],
    conf: Settings,
    *,
    year: int | None = None,
    progress: bool = True,
    on_event: Callable[..., None] | None = None,
) -> CrawlSummary:
    """Crawl ``portals`` in parallel (one thread each, one politeness slot per host)."""
    started = time.monotonic()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(unit="doc", desc="crawl", dynamic_ncols=True)

    def event(kind: str, **info) -> None:
        if bar is not None and kind in ("document", "error"):
            bar.update(1)
            bar.set_postfix_str(info["portal"])
        if on_event:
            on_event(kind, **info)

    results: list[PortalResult] = []
    with (
        Fetcher(conf.user_agent) as fetcher,
        ThreadPoolExecutor(max_workers=max(1, min(len(portals), 32))) as pool,
    ):
        futures = [
            pool.submit(
                crawl_portal, p, conf, fetcher=fetcher, year=year, on_event=event, others=portals
            )
            for p in portals
        ]
        for portal, future in zip(portals, futures, strict=True):
            results.append(_result_of(portal, future))
        blocked = {k: reason for k, (_, reason) in fetcher.slots.blocked().items()}
    if bar is not None:
        bar.close()
    results.sort(key=lambda r: r.portal)
    return CrawlSummary(results, blocked, time.monotonic() - started)
