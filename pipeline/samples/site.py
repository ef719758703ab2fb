"""Generate the six sample portals (``data/sample_portals/site/``) from the one facts file.

Three CMS styles, as the crawler meets them in the wild:

- ``trs``: static list pages ``index.html``, ``index_1.html`` … (with TRS's
  ``createPageHTML``), article pages holding the report as HTML or linking its PDF;
- ``json``: a JSON list endpoint ``/api/ndbg/list?page=N``;
- ``pdf_link``: articles that are only a link to the PDF (``<a>``, an extensionless download
  URL, a pdf.js viewer iframe, ``onclick``, ``<embed>``, or the list linking the PDF itself).

Decoys (a 解读 article, a 图解, a notice, a non-disclosure annual report, a department's report)
and duplicates (a pinned report repeated on every list page) sit among the reports. The same
plan produces the files and :func:`expected_reports`, so the site and its expectations never
drift apart. Output is deterministic; ``__HOSTPORT__`` in a page is filled in by the server.
"""

from __future__ import annotations

import fcntl
import hashlib
import html
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import formatdate
from pathlib import Path
from urllib.parse import quote

from reportlab import rl_config

from pipeline.config import DATA_DIR
from pipeline.samples.facts import FACTS_FILE, load_facts
from pipeline.samples.render import SAMPLE_NOTE, render_html
from pipeline.samples.render_pdf import render_pdf

SITE_DIR = DATA_DIR / "sample_portals" / "site"
BEIJING = timezone(timedelta(hours=8))
PER_PAGE = {"trs": 5, "json": 4, "pdf_link": 4}
LIST_PATH = {
    "trs": "/xxgk/ndbg/index.html",
    "json": "/api/ndbg/list",
    "pdf_link": "/gk/ndbg/index.html",
}
HTML_TYPE = "text/html; charset=utf-8"
NEWS = (
    "关于开展{y}年政务公开培训的通知",
    "{d}{y}年法治政府建设年度报告",
    "{d}{y}年国民经济和社会发展统计公报",
)


@dataclass
class Route:
    body: bytes
    ctype: str
    modified: str


@dataclass
class ExpectedReport:
    """One report the crawl must find, and where: paths are on the portal's own host."""

    portal: str
    host: str
    year: int
    agency: str
    agency_kind: str
    title: str
    article_path: str
    document_path: str  # the report itself: the article page (HTML) or the attachment (PDF)
    attachment_path: str | None
    sniffed_type: str
    facts_index: int  # position in facts["reports"]
    published: str | None = None  # the date the pages print (Beijing), None when undated
    published_source: str = "last_modified"  # where the crawler must find it

    def url(self, path: str, port: int) -> str:
        return f"http://{self.host}:{port}{path}"


@dataclass
class PortalPlan:
    portal: dict
    routes: dict[str, Route] = field(default_factory=dict)
    # (href, title, year, printed date or None) newest first
    listing: list[tuple[str, str, int, str | None]] = field(default_factory=list)
    expected: list[ExpectedReport] = field(default_factory=list)


def _modified(year: int, day: int = 20) -> str:
    """Server file time of an undated page: reports covering Y come out in January of Y+1."""
    return formatdate(datetime(year + 1, 1, day, 9, 0, tzinfo=UTC).timestamp(), usegmt=True)


def _published_modified(published: str) -> str:
    """Last-Modified of a page published on ``published`` (10:00 Beijing time)."""
    when = datetime.fromisoformat(published).replace(hour=10, tzinfo=BEIJING)
    return formatdate(when.timestamp(), usegmt=True)


def _page(
    title: str,
    body: str,
    *,
    sample: bool = True,
    published: str | None = None,
    dated_by: str = "meta",
) -> bytes:
    """An article page; a published one prints its date as CMSs do: ``<meta name="PubDate">``
    (TRS, dated_by="meta") or a 发布时间 line under the title (dated_by="text")."""
    note = f'<p class="sample-note">{SAMPLE_NOTE}</p>' if sample else ""
    meta = info = ""
    if published and dated_by == "meta":
        meta = f'<meta name="PubDate" content="{published} 10:00">'
    elif published:
        info = f'<div class="info">发布时间：{published} 10:00　来源：政府办公室</div>'
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8">{meta}'
        f"<title>{html.escape(title)}</title></head>"
        '<body><div class="header">政府门户网站</div><div'
        f' class="TRS_Editor"><h1>{html.escape(title)}</h1>{info}'
        f"{note}{body}</div></body></html>"
    ).encode()


def _attachment_markup(style: str, path: str, label: str, n: int) -> tuple[str, str]:
    """(article markup linking the PDF, the URL path the PDF is served at)."""
    if style == "download_noext":
        target = f"/module/download/downfile.jsp?classid=0&fileid={n}"
        return f'<p>附件：<a href="{html.escape(target)}">点击下载</a></p>', target
    if style == "viewer_iframe":
        return (
            f'<iframe src="/pdfjs/web/viewer.html?file={quote(path, safe="")}"'
            ' width="100%" height="800">'
            "</iframe>"
        ), path
    if style == "onclick":
        return f'<p><span class="btn" onclick="window.open(\'{path}\')">查看原文</span></p>', path
    if style == "embed":
        return (
            f'<embed src="../../..{path}" type="application/pdf" width="100%" height="800">',
            path,
        )
    return f'<p>附件：<a href="{path}">{html.escape(label)}.pdf</a></p>', path


def _plan_portal(portal: dict, reports: list[tuple[int, dict]], decoys: list[dict]) -> PortalPlan:
    plan = PortalPlan(portal)
    style, pid, host = portal["style"], portal["id"], portal["host"]
    plan.routes["/robots.txt"] = Route(
        b"User-agent: *\nDisallow: /admin/\nAllow: /\n", "text/plain", _modified(2018)
    )
    base = "/xxgk/ndbg" if style == "trs" else "/zwgk/ndbg" if style == "json" else "/gk/ndbg"
    for index, spec in reports:
        facts, year = spec["facts"], spec["year"]
        title = facts["report"]["title"]
        n = int(hashlib.sha256(f"{pid}{year}{title}".encode()).hexdigest()[:6], 16) % 90000 + 10000
        month = f"{year + 1}01"
        article = f"{base}/{month}/t{year + 1}0120_{n}.html"
        pdf_path = (
            f"/uploads/ndbg/{year}/P0{year + 1}0120{n}.pdf"
            if style == "pdf_link"
            else f"{base}/{month}/P0{year + 1}0120{n}.pdf"
        )
        published = spec.get("published")
        modified = _published_modified(published) if published else _modified(year, 25)
        attachment = None
        # where the date is printed: the list page always (when dated); a PDF's article page
        # also in its metadata (TRS, pdf_link) or as a 发布时间 line (json CMS)
        source = "list_page" if published else "last_modified"
        if spec["document"] == "html":
            body = render_html(facts, quirks=frozenset(spec["quirks"]))
            ctype = "text/html" if "gbk_no_charset" in spec["quirks"] else HTML_TYPE
            plan.routes[article] = Route(body, ctype, modified)
            document, sniffed = article, "html"
        else:
            pdf = render_pdf(facts, **spec["pdf_options"])
            markup, attachment = _attachment_markup(spec["link_style"], pdf_path, title, n)
            # one PDF is served with a misleading type: the crawler must trust the bytes
            pdf_type = (
                "application/octet-stream"
                if spec["link_style"] == "download_noext"
                else (HTML_TYPE if year == 2022 and style == "trs" else "application/pdf")
            )
            plan.routes[attachment] = Route(pdf, pdf_type, modified)
            if spec["link_style"] == "direct":
                article, document, attachment = attachment, attachment, None
            else:
                intro = f"<p>{html.escape(title)}全文见附件。</p>"
                dated_by = "text" if style == "json" else "meta"
                plan.routes[article] = Route(
                    _page(
                        title,
                        intro + markup,
                        sample=spec["sample"],
                        published=published,
                        dated_by=dated_by,
                    ),
                    HTML_TYPE,
                    modified,
                )
                document = attachment
                if published:
                    source = "article_meta" if dated_by == "meta" else "article_text"
            sniffed = "pdf"
        plan.listing.append((article, title, year, published))
        plan.expected.append(
            ExpectedReport(
                pid,
                host,
                year,
                facts["report"]["agency"],
                spec["agency_kind"],
                title,
                article,
                document,
                attachment,
                sniffed,
                index,
                published,
                source,
            )
        )
    for i, decoy in enumerate(decoys):
        path = f"{base}/{decoy['year'] + 1}02/t{decoy['year'] + 1}0215_{i + 1}.html"
        plan.routes[path] = Route(
            _page(decoy["title"], "<p>示例门户中的非报告文章。</p>"),
            HTML_TYPE,
            _modified(decoy["year"], 25),
        )
        plan.listing.append((path, decoy["title"], decoy["year"], f"{decoy['year'] + 1}-02-15"))
    for year in (2020, 2022, 2024):
        for j, pattern in enumerate(NEWS):
            title = pattern.format(y=year, d=portal["district"])
            path = f"{base}/{year}03/t{year}0301_{j}.html"
            plan.routes[path] = Route(
                _page(title, "<p>示例门户中的其他信息。</p>"), HTML_TYPE, _modified(year - 1, 28)
            )
            plan.listing.append((path, title, year, f"{year}-03-01"))
    plan.listing.sort(key=lambda item: (-item[2], item[0]))
    return plan


def _href(path: str, list_path: str, k: int) -> str:
    """Vary link forms: relative, ``../``, absolute path, protocol-relative."""
    list_dir = list_path.rsplit("/", 1)[0]
    if k % 4 == 0 and path.startswith(list_dir + "/"):
        return "./" + path[len(list_dir) + 1 :]
    if k % 4 == 1 and path.startswith(list_dir.rsplit("/", 1)[0] + "/"):
        return "../" + path[len(list_dir.rsplit("/", 1)[0]) + 1 :]
    if k % 4 == 2:
        return "//__HOSTPORT__" + path
    return path


def _list_html(title: str, entries: list[tuple[str, str, str | None]], pages: int, k: int) -> bytes:
    items = "".join(
        f'<li><a href="{html.escape(h)}" title="{html.escape(t)}"'
        f' target="_blank">{html.escape(t)}</a>' + (f"<span>{d}</span>" if d else "") + "</li>"
        for h, t, d in entries
    )
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>'
        '<div class="nav"><a href="/">首页</a> &gt;'
        ' <a href="/xxgk/">信息公开</a> &gt; 年度报告</div>'
        f'<p class="sample-note">{SAMPLE_NOTE}</p><ul class="list">{items}</ul>'
        f'<script>createPageHTML({pages}, {k}, "index", "html");</script></body></html>'
    ).encode()


def _write_lists(plan: PortalPlan) -> None:
    style = plan.portal["style"]
    list_path = LIST_PATH[style]
    per = PER_PAGE[style]
    listing = plan.listing
    pinned = max(
        (e for e in plan.expected if e.agency_kind == "district"),
        key=lambda e: e.year,
        default=None,
    )
    pages = [listing[i : i + per] for i in range(0, len(listing), per)]
    for k, chunk in enumerate(pages):
        entries = [
            (_href(path, list_path, k + j), title, printed)
            for j, (path, title, _, printed) in enumerate(chunk)
        ]
        if style == "trs" and pinned and plan.portal["id"] == "ledu":
            entries.insert(
                0, (pinned.article_path, f"【置顶】{pinned.title}", pinned.published)
            )  # the same report, every page
        if style == "json":
            doc = {
                "code": 0,
                "data": {
                    "page": k + 1,
                    "pages": len(pages),
                    "total": len(listing),
                    "list": [{"title": t, "url": h, "publishTime": d or ""} for h, t, d in entries],
                },
            }
            plan.routes[f"{list_path}?page={k + 1}"] = Route(
                json.dumps(doc, ensure_ascii=False).encode("utf-8"),
                "application/json; charset=utf-8",
                _modified(2023, 21),
            )
        else:
            name = "index.html" if k == 0 else f"index_{k}.html"
            plan.routes[list_path.rsplit("/", 1)[0] + "/" + name] = Route(
                _list_html(
                    f"{plan.portal['district']} 政府信息公开工作年度报告", entries, len(pages), k
                ),
                HTML_TYPE,
                _modified(2023, 21),
            )


def plan_site(facts: dict) -> list[PortalPlan]:
    plans = []
    for portal in facts["portals"]:
        reports = [(i, r) for i, r in enumerate(facts["reports"]) if r["portal"] == portal["id"]]
        decoys = [d for d in facts["decoys"] if d["portal"] == portal["id"]]
        plan = _plan_portal(portal, reports, decoys)
        _write_lists(plan)
        plans.append(plan)
    return plans


def expected_reports(facts: dict | None = None) -> list[ExpectedReport]:
    """Every report (district and department) the crawl must archive; decoys are not in it."""
    facts = facts or load_facts()
    return [e for plan in plan_site(facts) for e in plan.expected]


def facts_digest(path: Path = FACTS_FILE) -> str:
    return hashlib.sha256(path.read_bytes() + Path(__file__).read_bytes()).hexdigest()


def generate(site_dir: Path = SITE_DIR, facts_path: Path = FACTS_FILE) -> Path:
    """Write the site (files, per-portal ``routes.json``, ``hosts.json``); returns ``site_dir``."""
    rl_config.invariant = 1  # no timestamps or random ids in the PDFs: same facts, same bytes
    facts = load_facts(facts_path)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
    hosts = {}
    for plan in plan_site(facts):
        root = tmp / plan.portal["id"]
        routes = {}
        for n, (target, route) in enumerate(sorted(plan.routes.items())):
            name = f"files/{n:04d}-{hashlib.sha256(target.encode()).hexdigest()[:10]}"
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(route.body)
            routes[target] = {"file": name, "type": route.ctype, "modified": route.modified}
        (root / "routes.json").write_text(
            json.dumps(routes, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        hosts[plan.portal["host"]] = plan.portal["id"]
    (tmp / "hosts.json").write_text(json.dumps(hosts, indent=1), encoding="utf-8")
    (tmp / "expected.json").write_text(
        json.dumps([asdict(e) for e in expected_reports(facts)], ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    (tmp / "digest").write_text(facts_digest(facts_path))
    tmp.chmod(0o755)
    old = site_dir.with_name(f".{site_dir.name}-old-{os.getpid()}")
    if site_dir.exists():
        site_dir.rename(old)
    tmp.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)
    return site_dir


def ensure_site(site_dir: Path = SITE_DIR, facts_path: Path = FACTS_FILE) -> Path:
    """Generate the site unless it is already up to date with the facts file and this generator."""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha256(str(site_dir.resolve()).encode()).hexdigest()[:12]
    with open(
        Path(tempfile.gettempdir()) / f"gongkai-site-{key}.lock", "a"
    ) as lock:  # generate once
        fcntl.flock(lock, fcntl.LOCK_EX)
        stamp = site_dir / "digest"
        if not stamp.is_file() or stamp.read_text() != facts_digest(facts_path):
            generate(site_dir, facts_path)
    return site_dir
