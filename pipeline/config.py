"""One settings object, read once at the edge (CLI, code location, ``make run``) and passed down.

Every ``GONGKAI_*`` variable is parsed in one place, :data:`VARIABLES` (name, field, parser);
its default is the field's default below, so ``make run`` needs no configuration at all. Library
code takes a :class:`Settings` argument and never reads the environment itself. The README
("Settings") documents every variable.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
OUT_DIR = DATA_DIR / "out"
USER_AGENT = "GongkaiBot/0.1 (+https://github.com/gongkai-data/gongkai; open-data research crawler)"


class SettingsError(ValueError):
    """Bad settings: one line per bad value, naming the variable."""


def _path(value: str) -> Path:
    if "\x00" in value:
        raise ValueError("must be a path, got a NUL byte in it")
    return Path(value).expanduser().resolve()


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"must be an integer, got {value!r}") from None


def _float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"must be a finite number, got {value!r}")
    return number


def _non_negative(value: str) -> int:
    number = _int(value)
    if number < 0:
        raise ValueError(f"must be 0 or more, got {number}")
    return number


def _at_least(parse: Callable[[str], float], low: float, unit: str = ""):
    """``parse`` followed by a lower bound, so ``0`` or ``-5`` is refused by name at start."""

    def check(value: str):
        number = parse(value)
        if number < low:
            raise ValueError(f"must be at least {low:g}{unit}, got {value!r}")
        return number

    return check


def _positive(value: str) -> float:
    number = _float(value)
    if number <= 0:
        raise ValueError(f"must be more than 0, got {value!r}")
    return number


def _year(value: str) -> int:
    year = _int(value)
    if not 2008 <= year <= 2100:  # the disclosure regulations and their reports start in 2008
        raise ValueError(f"must be a year from 2008 to 2100, got {value!r}")
    return year


def _share(value: str) -> float:
    share = _float(value)
    if not 0 <= share <= 1:
        raise ValueError(f"must be a share from 0 to 1, got {value!r}")
    return share


def _user_agent(value: str) -> str:
    if not value.strip() or not value.isprintable():
        raise ValueError(f"must be one printable line, got {value!r}")
    return value


_workers = _at_least(_int, 1)


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass(frozen=True)
class Settings:
    """Where Gongkai reads and writes, which years it covers, and its limits."""

    portals_file: Path = DATA_DIR / "portals.yaml"
    archive_dir: Path = OUT_DIR / "archive"
    warehouse_path: Path = OUT_DIR / "warehouse.duckdb"
    analyst_copy_path: Path = OUT_DIR / "gongkai.duckdb"
    export_dir: Path = OUT_DIR / "export"
    first_year: int = 2019
    last_year: int = 2024
    request_delay: float = 1.0
    max_body_bytes: int = 100 * 1024 * 1024
    user_agent: str = USER_AGENT
    reader_timeout: float = 60.0  # seconds per PDF/Word document in the isolated reader
    reader_memory_mb: int = 1024  # address-space cap of the isolated reader process
    extracted_dir: Path = OUT_DIR / "extracted"  # contract JSON per district × year
    max_failure_rate: float = 0.25  # share of failed reports above which publishing stops
    report_dir: Path = OUT_DIR / "report"  # the comparison report's HTML pages
    min_rank_base: int = 10  # a rate with a smaller denominator is not ranked (city_ranking)
    workers: int = field(default_factory=_cores)  # isolated extraction workers (one per core)

    @property
    def catalog_dir(self) -> Path:
        """Per-portal crawl catalog files live beside the archive they describe."""
        return self.archive_dir / "catalog"

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> Settings:
        """Parse ``environ`` (default ``os.environ``); unset or empty variables keep defaults.

        Every bad value is reported, one line each, in one :class:`SettingsError`.
        ``overrides`` (CLI flags, tests) replace fields after parsing.
        """
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        errors: list[str] = []
        for name, (attr, parse) in VARIABLES.items():
            raw = environ.get(name)
            if not raw:
                continue
            try:
                values[attr] = parse(raw)
            except ValueError as exc:
                errors.append(f"{name}: {exc}")
        conf = replace(cls(), **values, **overrides)
        if conf.last_year < conf.first_year:
            errors.append(
                f"GONGKAI_LAST_YEAR: {conf.last_year} is before GONGKAI_FIRST_YEAR "
                f"({conf.first_year})"
            )
        if errors:
            raise SettingsError("\n".join(errors))
        return conf

    def environ(self) -> dict[str, str]:
        """These settings as ``GONGKAI_*`` variables (for a child process or a resource)."""
        return {name: str(getattr(self, attr)) for name, (attr, _) in VARIABLES.items()}


VARIABLES: dict[str, tuple[str, Callable[[str], object]]] = {
    "GONGKAI_PORTALS": ("portals_file", _path),
    "GONGKAI_ARCHIVE_DIR": ("archive_dir", _path),
    "GONGKAI_WAREHOUSE": ("warehouse_path", _path),
    "GONGKAI_ANALYST_COPY": ("analyst_copy_path", _path),
    "GONGKAI_EXPORT_DIR": ("export_dir", _path),
    "GONGKAI_FIRST_YEAR": ("first_year", _year),
    "GONGKAI_LAST_YEAR": ("last_year", _year),
    "GONGKAI_REQUEST_DELAY": ("request_delay", _at_least(_float, 0, " s")),
    "GONGKAI_MAX_BODY_BYTES": ("max_body_bytes", _at_least(_int, 1024, " bytes")),
    "GONGKAI_USER_AGENT": ("user_agent", _user_agent),
    "GONGKAI_READER_TIMEOUT": ("reader_timeout", _positive),
    # below about 200 MB the worker cannot even import its parsers
    "GONGKAI_READER_MEMORY_MB": ("reader_memory_mb", _at_least(_int, 256, " MB")),
    "GONGKAI_EXTRACTED_DIR": ("extracted_dir", _path),
    "GONGKAI_MAX_FAILURE_RATE": ("max_failure_rate", _share),
    "GONGKAI_MIN_RANK_BASE": ("min_rank_base", _non_negative),
    "GONGKAI_WORKERS": ("workers", _workers),
    "GONGKAI_REPORT_DIR": ("report_dir", _path),
}


def settings() -> Settings:
    """The settings of this process's environment: for edges only (CLI, code location)."""
    return Settings.from_env()
