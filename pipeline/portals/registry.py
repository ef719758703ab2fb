"""The portal registry (``data/portals.yaml``): which district portals to crawl, and how.

Validated on load so a typo in one entry is reported with the entry and field it is in, before
any request is made. Entries are declarative; the CMS family is an adapter chosen by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import yaml

from pipeline.config import Settings
from pipeline.portals import adapter_names, get_adapter
from pipeline.records import RegisteredDistrict

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DEFAULT_INCLUDE = (r"政府信息公开", r"年度报告|年报")
DEFAULT_EXCLUDE = (r"解读", r"图解", r"问答", r"答记者问")
DEFAULT_YEAR = r"((?:19|20)\d{2})\s*年"
PAGINATION_STYLES = ("index", "query", "json", "hanweb", "none")
DEFAULT_PORTS = (80, 443)


def _host_port(url: str) -> tuple[str, int]:
    """(lower-case host, port) of ``url``, the scheme's default port when none is given."""
    parts = urlsplit(url)
    return (parts.hostname or "").lower(), parts.port or (443 if parts.scheme == "https" else 80)


def _host_entry(url: str) -> str:
    """The ``allowed_hosts`` entry for ``url``: bare host on a default port, else host:port."""
    host, port = _host_port(url)
    return host if port in DEFAULT_PORTS else f"{host}:{port}"


class RegistryError(ValueError):
    """A registry entry is invalid; the message names the entry and the field."""


@dataclass(frozen=True)
class Politeness:
    """How gently one host is treated; see docs/crawl.md for the defaults' reasons."""

    delay: float = 1.0  # seconds between requests to one host (before jitter)
    jitter: float = 0.5  # delay is drawn from delay * [1 - jitter, 1 + jitter]
    max_delay: float = 60.0  # ceiling when slowing down for a slow host
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 180.0  # whole response, so a dripping server cannot hold a worker
    retries: int = 3  # extra attempts after the first, for retryable failures
    backoff: float = 2.0  # first backoff in seconds, doubled per attempt, with jitter
    retry_after_max: float = 120.0  # longer Retry-After: give up for this run
    blocked_cooldown: float = 6 * 3600.0  # seconds a host that answered a WAF page is left alone
    max_body_bytes: int = 100 * 1024 * 1024  # decoded body cap


@dataclass(frozen=True)
class LinkRule:
    """Which list entries are annual reports: every include matches and no exclude does."""

    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    year: str = DEFAULT_YEAR

    def matches(self, title: str) -> bool:
        return all(re.search(p, title) for p in self.include) and not any(
            re.search(p, title) for p in self.exclude
        )

    def covered_year(self, title: str) -> int | None:
        match = re.search(self.year, title)
        return int(match.group(1)) if match else None


@dataclass(frozen=True)
class Portal:
    id: str
    district_name: str
    division_code: str
    city: str
    province: str
    adapter: str
    start_urls: tuple[str, ...]
    allowed_hosts: tuple[str, ...]
    pagination: dict[str, Any] = field(default_factory=dict)
    link_rule: LinkRule = LinkRule()
    politeness: Politeness = Politeness()
    allow_private: bool = False
    sample: bool = False
    verified: bool = True
    max_pages: int = 50
    district_aliases: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)  # adapter-specific settings

    @property
    def district(self) -> RegisteredDistrict:
        """The district this portal covers, as ``core.dim_district`` records it."""
        return RegisteredDistrict(
            self.division_code, self.district_name, self.city, self.province, self.sample
        )

    def host_allowed(self, url: str) -> bool:
        """``allowed_hosts`` entries are ``host:port``, or ``host`` for its default ports only.

        A bare host allows 80 and 443, never another service on the same machine: with
        ``allow_private`` a redirect could otherwise reach any loopback port.
        """
        try:
            host, port = _host_port(url)
        except ValueError:
            return False
        return any(
            entry == f"{host}:{port}" or (entry == host and port in DEFAULT_PORTS)
            for entry in self.allowed_hosts
        )

    def with_port(self, port: int) -> Portal:
        """The same portal moved to ``port``: start URLs and the allowed ``host:port`` entries."""

        def move(url: str) -> str:
            p = urlsplit(url)
            return urlunsplit((p.scheme, f"{p.hostname}:{port}", p.path, p.query, p.fragment))

        old = {"{}:{}".format(*_host_port(u)) for u in self.start_urls}
        hosts = [f"{e.rsplit(':', 1)[0]}:{port}" if e in old else e for e in self.allowed_hosts]
        hosts += [f"{_host_port(u)[0]}:{port}" for u in self.start_urls]
        return replace(
            self,
            start_urls=tuple(move(u) for u in self.start_urls),
            allowed_hosts=tuple(dict.fromkeys(hosts)),
        )


def move_entry_to_port(entry: dict, port: int) -> dict:
    """A raw registry entry with its start URLs, and the ``allowed_hosts`` entries naming their
    ``host:port``, moved to ``port`` (a test server's, or another free port for the samples)."""
    urls = entry["start_urls"] if isinstance(entry["start_urls"], list) else [entry["start_urls"]]
    old = {"{}:{}".format(*_host_port(u)) for u in urls}
    moved = dict(entry)
    moved["start_urls"] = [
        urlunsplit(p._replace(netloc=f"{p.hostname}:{port}")) for p in map(urlsplit, urls)
    ]
    if "allowed_hosts" in entry:
        hosts = [f"{h.rsplit(':', 1)[0]}:{port}" if h in old else h for h in entry["allowed_hosts"]]
        moved["allowed_hosts"] = list(dict.fromkeys(hosts))
    return moved


def _fail(entry: str, fld: str, problem: str) -> RegistryError:
    return RegistryError(f"portal {entry!r}, field {fld!r}: {problem}")


def _str(raw: dict, entry: str, name: str, *, required: bool = True, default: str = "") -> str:
    value = raw.get(name)
    if value is None:
        if required:
            raise _fail(entry, name, "is required")
        return default
    if not isinstance(value, str) or not value.strip():
        raise _fail(entry, name, f"must be a non-empty string, got {value!r}")
    return value.strip()


def _bool(raw: dict, entry: str, name: str, default: bool) -> bool:
    value = raw.get(name, default)
    if not isinstance(value, bool):
        raise _fail(entry, name, f"must be true or false, got {value!r}")
    return value


def _urls(raw: dict, entry: str) -> tuple[str, ...]:
    value = raw.get("start_urls")
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise _fail(entry, "start_urls", "must be a URL or a non-empty list of URLs")
    for url in value:
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise _fail(entry, "start_urls", f"{url!r} is not an http(s) URL")
    return tuple(value)


def _politeness(raw: Any, entry: str, base: Politeness) -> Politeness:
    if raw is None:
        return base
    if not isinstance(raw, dict):
        raise _fail(entry, "politeness", "must be a mapping")
    known = Politeness.__dataclass_fields__
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            raise _fail(entry, f"politeness.{key}", f"unknown setting (known: {', '.join(known)})")
        kind = int if key in ("retries", "max_body_bytes") else float
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise _fail(entry, f"politeness.{key}", f"must be a non-negative number, got {value!r}")
        values[key] = kind(value)
    return replace(base, **values)


def _link_rule(raw: Any, entry: str) -> LinkRule:
    if raw is None:
        return LinkRule()
    if not isinstance(raw, dict):
        raise _fail(entry, "link_rule", "must be a mapping with include/exclude/year")
    out: dict[str, Any] = {}
    for key in ("include", "exclude"):
        if key in raw:
            patterns = raw[key]
            if isinstance(patterns, str):
                patterns = [patterns]
            if not isinstance(patterns, list):
                raise _fail(entry, f"link_rule.{key}", "must be a list of regular expressions")
            out[key] = tuple(patterns)
    if "year" in raw:
        out["year"] = raw["year"]
    for key, patterns in out.items():
        for pattern in [patterns] if isinstance(patterns, str) else patterns:
            try:
                re.compile(pattern)
            except (re.error, TypeError) as exc:
                raise _fail(
                    entry, f"link_rule.{key}", f"bad regular expression {pattern!r}: {exc}"
                ) from exc
    if "year" in out and re.compile(out["year"]).groups < 1:
        raise _fail(entry, "link_rule.year", "needs one capturing group for the year")
    return LinkRule(**out)


def _pagination(raw: Any, entry: str) -> dict[str, Any]:
    if raw is None:
        return {"style": "index"}
    if not isinstance(raw, dict) or raw.get("style") not in PAGINATION_STYLES:
        raise _fail(entry, "pagination.style", f"must be one of {', '.join(PAGINATION_STYLES)}")
    if raw["style"] == "query" and not isinstance(raw.get("param"), str):
        raise _fail(entry, "pagination.param", "query pagination needs the page parameter name")
    return dict(raw)


def parse_portal(raw: Any, index: int, defaults: Politeness) -> Portal:
    """One registry entry; ``index`` names the entry when it has no usable id."""
    if not isinstance(raw, dict):
        raise RegistryError(f"portal #{index + 1}: must be a mapping, got {type(raw).__name__}")
    entry: str = raw["id"] if isinstance(raw.get("id"), str) else f"#{index + 1}"
    pid = _str(raw, entry, "id")
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", pid):
        raise _fail(entry, "id", "use lower-case letters, digits, '-' and '_' (it names files)")
    code = raw.get("division_code")
    if isinstance(code, int):
        code = str(code)
    if not isinstance(code, str) or not re.fullmatch(r"\d{6}", code):
        raise _fail(entry, "division_code", f"must be the 6-digit division code, got {code!r}")
    adapter = _str(raw, entry, "adapter", required=False, default="trs")
    if adapter not in adapter_names():
        raise _fail(
            entry, "adapter", f"unknown adapter {adapter!r} (known: {', '.join(adapter_names())})"
        )
    start_urls = _urls(raw, entry)
    hosts = raw.get("allowed_hosts")
    if hosts is None:
        hosts = sorted({_host_entry(u) for u in start_urls})
    if not isinstance(hosts, list) or not all(isinstance(h, str) and h for h in hosts):
        raise _fail(entry, "allowed_hosts", "must be a list of host or host:port strings")
    for host in hosts:
        name, colon, port = host.rpartition(":") if ":" in host else (host, "", "")
        if colon and not (port.isdigit() and 0 < int(port) < 65536 and name):
            raise _fail(entry, "allowed_hosts", f"{host!r}: the port must be a number 1-65535")
    max_pages = raw.get("max_pages", 50)
    if isinstance(max_pages, bool) or not isinstance(max_pages, int) or max_pages < 1:
        raise _fail(entry, "max_pages", f"must be a positive integer, got {max_pages!r}")
    aliases = raw.get("district_aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise _fail(entry, "district_aliases", "must be a list of agency names")
    options = raw.get("options", {})
    if not isinstance(options, dict):
        raise _fail(entry, "options", "must be a mapping")
    portal = Portal(
        id=pid,
        district_name=_str(raw, entry, "district"),
        division_code=code,
        city=_str(raw, entry, "city"),
        province=_str(raw, entry, "province"),
        adapter=adapter,
        start_urls=start_urls,
        allowed_hosts=tuple(h.lower() for h in hosts),
        pagination=_pagination(raw.get("pagination"), entry),
        link_rule=_link_rule(raw.get("link_rule"), entry),
        politeness=_politeness(raw.get("politeness"), entry, defaults),
        allow_private=_bool(raw, entry, "allow_private", False),
        sample=_bool(raw, entry, "sample", False),
        verified=_bool(raw, entry, "verified", True),
        max_pages=max_pages,
        district_aliases=tuple(aliases),
        options=options,
    )
    for url in start_urls:
        if not portal.host_allowed(url):
            raise _fail(entry, "allowed_hosts", f"does not allow the start URL {url}")
    problem = get_adapter(adapter).check_config(portal)
    if problem:
        raise _fail(entry, problem[0], problem[1])
    return portal


def parse_registry(
    doc: Any, *, default_delay: float = 1.0, max_body_bytes: int | None = None
) -> list[Portal]:
    if not isinstance(doc, dict) or not isinstance(doc.get("portals"), list):
        raise RegistryError("registry: top level must be a mapping with a 'portals' list")
    base = Politeness(delay=default_delay)
    if max_body_bytes is not None:
        base = replace(base, max_body_bytes=max_body_bytes)
    base = _politeness(doc.get("politeness"), "(defaults)", base)
    portals = [parse_portal(raw, i, base) for i, raw in enumerate(doc["portals"])]
    seen: set[str] = set()
    for portal in portals:
        if portal.id in seen:
            raise _fail(portal.id, "id", "is used by more than one entry")
        seen.add(portal.id)
    return portals


def load_portals(path: Path | str, conf: Settings | None = None) -> list[Portal]:
    """Read and validate the registry at ``path``; ``conf`` gives the default delay and cap."""
    conf = conf or Settings()
    path = Path(path)
    try:
        # libyaml's parser when PyYAML has it: a national registry (2,850 entries) loads in
        # well under a second instead of about ten.
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(f"registry {path}: cannot read: {exc}") from exc
    except yaml.YAMLError as exc:
        raise RegistryError(f"registry {path}: not valid YAML: {exc}") from exc
    return parse_registry(doc, default_delay=conf.request_delay, max_body_bytes=conf.max_body_bytes)


def get_portal(portals: list[Portal], portal_id: str) -> Portal:
    for portal in portals:
        if portal.id == portal_id:
            return portal
    raise RegistryError(
        f"no portal {portal_id!r} in the registry (have: {', '.join(p.id for p in portals)})"
    )
