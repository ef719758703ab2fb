"""Settings read from ``GONGKAI_*`` environment variables, with defaults that work in a checkout.

Every setting is documented in the README ("Configuration"). Paths default to ``data/`` in the
repository so ``make run`` needs no configuration at all.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"


def _path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, got {value!r}") from exc


def _float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ValueError(f"{name} must be a number, got {value!r}") from exc


@dataclass(frozen=True)
class Settings:
    """One snapshot of the environment; call :func:`settings` again to re-read it."""

    portals_file: Path
    archive_dir: Path
    warehouse_path: Path
    analyst_copy_path: Path
    export_dir: Path
    first_year: int
    last_year: int
    request_delay: float
    max_body_bytes: int
    user_agent: str
    reader_timeout: float = 60.0  # seconds per PDF/Word document in the isolated reader
    reader_memory_mb: int = 1024  # address-space cap of the isolated reader process
    ocr_memory_mb: int = 2048  # address-space cap of the OCR worker (ONNX runtime + models)
    ocr_page_timeout: float = 30.0  # seconds of OCR per page before the document fails
    extracted_dir: Path = DATA_DIR / "out" / "extracted"  # contract JSON per district × year
    max_failure_rate: float = 0.25  # share of failed reports above which publishing stops
    workers: int = 1  # isolated reader workers extracting in parallel (one per core by default)

    @property
    def catalog_dir(self) -> Path:
        """Per-portal crawl catalog files live beside the archive they describe."""
        return self.archive_dir / "catalog"

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))


def settings() -> Settings:
    out = DATA_DIR / "out"
    first, last = _int("GONGKAI_FIRST_YEAR", 2019), _int("GONGKAI_LAST_YEAR", 2024)
    if last < first:
        raise ValueError(f"GONGKAI_LAST_YEAR ({last}) is before GONGKAI_FIRST_YEAR ({first})")
    return Settings(
        portals_file=_path("GONGKAI_PORTALS", DATA_DIR / "portals.yaml"),
        archive_dir=_path("GONGKAI_ARCHIVE_DIR", out / "archive"),
        warehouse_path=_path("GONGKAI_WAREHOUSE", out / "warehouse.duckdb"),
        analyst_copy_path=_path("GONGKAI_ANALYST_COPY", out / "gongkai.duckdb"),
        export_dir=_path("GONGKAI_EXPORT_DIR", out / "export"),
        first_year=first,
        last_year=last,
        request_delay=_float("GONGKAI_REQUEST_DELAY", 1.0),
        max_body_bytes=_int("GONGKAI_MAX_BODY_BYTES", 100 * 1024 * 1024),
        user_agent=os.environ.get(
            "GONGKAI_USER_AGENT",
            "GongkaiBot/0.1 (+https://github.com/gongkai-data/gongkai; open-data research crawler)",
        ),
        reader_timeout=_float("GONGKAI_READER_TIMEOUT", 60.0),
        reader_memory_mb=_int("GONGKAI_READER_MEMORY_MB", 1024),
        ocr_memory_mb=_int("GONGKAI_OCR_MEMORY_MB", 2048),
        ocr_page_timeout=_float("GONGKAI_OCR_PAGE_TIMEOUT", 30.0),
        extracted_dir=_path("GONGKAI_EXTRACTED_DIR", out / "extracted"),
        max_failure_rate=_float("GONGKAI_MAX_FAILURE_RATE", 0.25),
        workers=max(1, _int("GONGKAI_WORKERS", len(os.sched_getaffinity(0)))),
    )
