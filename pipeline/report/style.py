"""One look for every chart: a CJK font, text kept as text in SVG, fixed colours.

Charts are drawn with matplotlib's object API (``Figure``, never ``pyplot``), so building them
touches no global backend state and runs inside Dagster steps and threads alike.
"""

from __future__ import annotations

import functools
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager

# Debian's fonts-noto-cjk (the Makefile installs it when missing); other systems' Noto CJK files.
CJK_FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts")
CJK_FONT_PATTERN = "NotoSansCJK-*.tt[cf]"
# Browsers pick these by name from the system; matplotlib uses the registered family.
CSS_FONT_STACK = '"Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", sans-serif'

MISSING_COLOUR = "#d9d9d9"
MISSING_HATCH = "////"
INK = "#222222"
MUTED = "#666666"
# Colour-blind-safe qualitative palette (Okabe–Ito), then two neutrals.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
    "#999999",
    "#8C564B",
)


def cjk_font_files() -> list[Path]:
    found: list[Path] = []
    for directory in CJK_FONT_DIRS:
        if directory.is_dir():
            found += sorted(directory.rglob(CJK_FONT_PATTERN))
    return found


@functools.cache
def configure() -> str | None:
    """Register a CJK font with matplotlib and set the chart defaults; the family used, or None
    when no CJK font is installed (SVG text still carries the characters; PNG shows boxes)."""
    family = None
    for path in cjk_font_files():
        font_manager.fontManager.addfont(str(path))
        if family is None and "Regular" in path.name:
            family = font_manager.FontProperties(fname=str(path)).get_name()
    mpl.rcParams.update(
        {
            "svg.fonttype": "none",  # <text> elements: searchable, selectable, the DOM holds them
            "svg.hashsalt": "gongkai",  # stable ids: the same data draws the same file
            "font.family": "sans-serif",
            "font.sans-serif": [f for f in (family, "DejaVu Sans") if f],
            "font.size": 9,
            "axes.titlesize": 10,
            "axes.titleweight": "bold",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.unicode_minus": False,
            "hatch.color": "#9a9a9a",
            "hatch.linewidth": 0.6,
        }
    )
    return family


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]
