"""From pages to candidate documents: list entries, attachments, covered year, publishing agency.

Pages are parsed by :mod:`pipeline.portals.links`, the HTML reading the adapters share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

from pipeline.portals.links import canonical, parse_html
from pipeline.portals.registry import Portal

DOC_EXTENSIONS = (".pdf", ".doc", ".docx", ".wps", ".ofd", ".xls", ".xlsx", ".et")
# Download endpoints that carry no extension (download.jsp?id=…, /attach/…, getFile?…).
DOWNLOAD_HINT = re.compile(r"download|attach|getfile|fileid|filedown|downfile|/upload/", re.I)
ONCLICK_URL = re.compile(r"""["']([^"'\s]+)["']""")


@dataclass(frozen=True)
class Entry:
    """One list entry that the link rule took as an annual report."""

    title: str
    url: str
    year: int | None
    agency: str
    agency_kind: str  # "district" | "department" | "other" (another government, not in registry)
    division_code: str | None = None  # another registry district's code, when it is its report


def _is_document_url(url: str) -> bool:
    path = urlsplit(url).path.lower()
    return path.endswith(DOC_EXTENSIONS) or bool(DOWNLOAD_HINT.search(url))


def _viewer_file(url: str) -> str | None:
    """The document behind a pdf.js ``viewer.html?file=…`` link, relative to the viewer."""
    parts = urlsplit(url)
    if "viewer" not in parts.path.lower():
        return None
    files = parse_qs(parts.query).get("file")
    return urljoin(url, unquote(files[0])) if files else None


def attachments(data: bytes, base: str, charset: str | None = None) -> list[tuple[str, str]]:
    """(absolute url, label) of documents an article page links or embeds, first occurrence kept.

    Looks in ``<a href>``, ``<iframe>/<embed>/<object>``, ``onclick`` handlers and pdf.js viewer
    links. Whether a target really is a PDF or Word file is decided later from its bytes.
    """
    root = parse_html(data, charset)
    if root is None:
        return []
    found: dict[str, str] = {}

    def consider(raw: str, label: str, *, embedded: bool = False) -> None:
        raw = (raw or "").strip()
        if not raw or raw.startswith(("javascript:", "mailto:", "#", "data:")):
            return
        url = canonical(urljoin(base, raw))
        if urlsplit(url).scheme not in ("http", "https"):
            return
        target = _viewer_file(url)
        if target:
            url = canonical(target)
        elif not (embedded or _is_document_url(url) or label.lower().endswith(DOC_EXTENSIONS)):
            return
        found.setdefault(url, " ".join(label.split()))

    for el in root.iter("a", "iframe", "embed", "object"):
        label = (el.get("title") or el.text_content() or "").strip() if el.tag == "a" else ""
        if el.tag == "a":
            consider(el.get("href"), label)
        else:
            consider(el.get("src") or el.get("data"), label, embedded=True)
    for el in root.xpath("//*[@onclick]"):
        label = (el.text_content() or "").strip()
        for candidate in ONCLICK_URL.findall(el.get("onclick")):
            if "/" in candidate or "." in candidate:
                url = canonical(urljoin(base, candidate))
                if _is_document_url(url) or _viewer_file(url):
                    consider(candidate, label)
    return list(found.items())


BODY_CLASS = re.compile(r"TRS_Editor|article|content|zoom|detail|main", re.I)


def body_images(data: bytes, base: str, charset: str | None = None) -> list[str]:
    """Absolute URLs of the images an article's body shows (tables pasted as screenshots), in
    page order, first occurrence kept. When the page has an article container (``TRS_Editor``,
    ``article_content``, ``zoom`` …) with images, only its images count: logos stay out."""
    root = parse_html(data, charset)
    if root is None:
        return []
    containers = [
        el
        for el in root.iter("div", "article", "section", "td")
        if BODY_CLASS.search(f"{el.get('class') or ''} {el.get('id') or ''}")
        and next(el.iter("img"), None) is not None
    ]
    scope = containers[-1] if containers else root  # nested containers: the innermost
    found: dict[str, None] = {}
    for img in scope.iter("img"):
        raw = (img.get("src") or img.get("data-src") or "").strip()
        if not raw or raw.startswith("data:"):
            continue
        url = canonical(urljoin(base, raw))
        if urlsplit(url).scheme in ("http", "https"):
            found.setdefault(url, None)
    return list(found)


TAGS = re.compile(r"^(?:\s*(?:【[^】]{0,8}】|\[[^\]]{0,8}\]))+")
_PUNCT = "《》〈〉“”\"'（）()【】[]　 -—:：,，、"
GOVERNMENT = ("人民政府", "政府")
# A name ending like a county-level or higher government (城东区, 湟中县, 海东市人民政府), and not
# like the parts of a district (an industrial park, a scenic area, a neighbourhood).
OTHER_GOVERNMENT = re.compile(r"(?<!园|发|景|社)(区|县|旗|市|州|盟)(人民政府|政府)?$")


def _strip_prefixes(name: str, portal: Portal) -> str:
    for prefix in (
        portal.province,
        portal.city,
        portal.province.rstrip("省"),
        portal.city.rstrip("市"),
    ):
        if prefix and name.startswith(prefix):
            name = name[len(prefix) :]
    return name


def _belongs_to(name: str, portal: Portal) -> str | None:
    """ "district" or "department" when ``name`` is ``portal``'s government or one of its
    departments (province and city prefixes allowed), else None."""
    if not name:
        return "district"  # no agency printed before the year: the portal's own report
    short = _strip_prefixes(name, portal)
    district = portal.district_name
    own = {district, *(district + g for g in GOVERNMENT), *portal.district_aliases}
    if short in own or name in portal.district_aliases:
        return "district"
    if short.startswith((district, *portal.district_aliases)):
        return "department"
    return None


def agency_of(
    title: str, portal: Portal, others: tuple[Portal, ...] = ()
) -> tuple[str, str, str | None]:
    """(publishing agency, district|department|other, registry code if not the portal's).

    The agency is the text before the year (or between the year and 政府信息公开). The report
    is the portal district's when that name is the district (province and city prefixes and
    the entry's ``district_aliases`` allowed), its department's when it starts with the
    district or names no government at all (a bureau, a town). A name of another registry
    district (``others``) files the report under that district; any other district, city or
    province is ``other``, recorded with the name as printed and never as a department.
    """
    match = re.search(portal.link_rule.year, title)
    before = title[: match.start()] if match else title.split("政府信息公开")[0]
    after = title[match.end() :].split("政府信息公开")[0] if match else ""
    name = before.strip(_PUNCT) or after.lstrip("度").strip(_PUNCT)
    name = re.sub(r"^关于", "", name)
    district = portal.district_name
    kind = _belongs_to(name, portal)
    if kind == "district":
        return (name if name and name != district else f"{district}人民政府"), "district", None
    if kind == "department":
        return name, "department", None
    for other in others:
        if other.division_code != portal.division_code:
            other_kind = _belongs_to(name, other)
            if other_kind and name:
                return name, other_kind, other.division_code
    short = _strip_prefixes(name, portal)
    bare = name.removesuffix("人民政府").removesuffix("政府")
    if short != name or bare in (portal.city, portal.province) or OTHER_GOVERNMENT.search(name):
        return name, "other", None  # the city's own report, or another district's
    return name, "department", None


def entry_for(
    url: str, title: str, portal: Portal, others: tuple[Portal, ...] = ()
) -> Entry | None:
    """The list entry if the link rule takes ``title`` as a report, else None."""
    title = TAGS.sub("", title).strip()  # 【置顶】, [new] and the like
    if not title or not portal.link_rule.matches(title):
        return None
    agency, kind, code = agency_of(title, portal, others)
    return Entry(
        title=title,
        url=canonical(url),
        year=portal.link_rule.covered_year(title),
        agency=agency,
        agency_kind=kind,
        division_code=code,
    )
