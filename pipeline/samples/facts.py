"""The one facts file behind the sample portals: ``data/sample_portals/facts.json``.

``python -m pipeline.samples.facts --regenerate`` rebuilds it with a fixed seed, so the file is
reproducible and reviewable; the site generator (:mod:`pipeline.samples.site`) reads only the
committed file. Every figure is synthetic (``"sample": true``) except 乐都区 2021, which carries
the published report's real figures (read from the shared seed truth file when regenerating;
the committed facts file holds them, never a copy of the seed document).

The synthetic figures obey the contract's four rules, and carried_over(Y) = carried_forward(Y-1)
holds, except where a source error is planted on purpose; those are listed in each report's
``expected_findings`` (the extractor must flag them) and in ``expected_cross_year``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
from datetime import date, timedelta
from pathlib import Path

from pipeline import contract as C
from pipeline.config import DATA_DIR, REPO_ROOT
from pipeline.extract.validate import findings

FACTS_FILE = DATA_DIR / "sample_portals" / "facts.json"
SEED_TRUTH = (
    REPO_ROOT.parent
    / "shared"
    / "corpus"
    / "seed"
    / "乐都区2021年政府信息公开工作年度报告.truth.json"
)
SEED = 20191231
YEARS = range(2019, 2025)
CITY, PROVINCE = "海东市", "青海省"
# id, district, real division code, loopback address, CMS style, agency name variants in titles
DISTRICTS = [
    ("ledu", "乐都区", "630202", "127.0.0.2", "trs", []),
    (
        "pingan",
        "平安区",
        "630203",
        "127.0.0.3",
        "trs",
        ["海东市平安区人民政府"],
    ),  # city prefix: still the district
    ("minhe", "民和回族土族自治县", "630222", "127.0.0.4", "json", []),
    ("huzhu", "互助土族自治县", "630223", "127.0.0.5", "json", ["互助县人民政府"]),
    ("hualong", "化隆回族自治县", "630224", "127.0.0.6", "pdf_link", []),
    ("xunhua", "循化撒拉族自治县", "630225", "127.0.0.7", "pdf_link", []),
]
# How each pdf_link article points at its PDF, cycled over the years.
LINK_STYLES = ("a_href", "download_noext", "viewer_iframe", "onclick", "embed", "direct")
HTML_QUIRKS = (
    ["word_markup"],
    ["gbk_no_charset"],
    ["split_table"],
    ["word_markup", "split_table"],
    ["nested_layout"],
    ["gbk_no_charset", "word_markup"],
)
# Planted source errors: (portal, year) -> what is wrong in the printed table.
PLANTED = {
    ("pingan", 2023): "appeals/reconsideration total printed one too high",
    ("huzhu", 2020): "applications/natural_person carried_forward printed one too low",
}
CROSS_YEAR_BREAK = ("minhe", 2022)  # carried_over printed 2 above last year's carried_forward
# Reports that print blank cells where there is nothing to report, as real (2019-format
# especially) reports do: every zero cell of these rows and columns is printed blank. Blank is
# not zero, so the marts' figures that need one of them are null (no figure from missing input).
BLANK_ZEROS = {("pingan", 2020), ("minhe", 2020), ("hualong", 2020)}
# Publication dates (Beijing) the sample pages print. Most reports come out in January to March
# of the following year; these come out late (a county-level government's deadline is 31 March,
# a department's 31 January: 2019 regulation, 第四十九条) or print no date at all (the crawler
# then only has the server's Last-Modified, and timeliness is not computed).
LATE = {("xunhua", 2019): "2020-05-12", ("huzhu", 2022): "2023-04-18"}
UNDATED = {("hualong", 2023)}
DEPARTMENT_PUBLISHED = "2024-02-06"
BLANK_ROWS = ("withheld_", "rejected_", "litigation_", "items_change")
BLANK_COLUMNS = ("research_institution", "social_welfare_org")


def _format(portal: str, year: int) -> tuple[str, str]:
    """(table 二 variant 2019|2021|mixed, 其他处理 single|split) of a report."""
    if year <= 2020:
        return "2019", "single"
    if year == 2021 and portal in ("ledu", "hualong"):
        return "mixed", "single"
    return "2021", "split" if (year + len(portal)) % 2 else "single"


def _active_disclosure(rng: random.Random, variant: str) -> list[dict]:
    out = []

    def put(item, measure, value):
        raw = f"{value:.2f}" if isinstance(value, float) else str(value)
        out.append({"item": item, "measure": measure, "value": value, "raw": raw})

    clause_one = C.AD_CLAUSES["一"][1] if variant in ("2019", "mixed") else C.AD_CLAUSES["一"][2]
    for item in C.AD_CLAUSES["一"][0]:
        made = rng.randint(0, 6) if item == "regulations" else rng.randint(2, 30)
        values = {
            "new_made": made,
            "new_published": made,
            "total_published": made + rng.randint(0, 80),
            "issued": made,
            "repealed": rng.randint(0, 3),
            "in_force": made + rng.randint(5, 60),
        }
        if item == "regulations":  # districts rarely make 规章
            values = dict.fromkeys(values, 0)
        for measure in clause_one:
            put(item, measure, values[measure])
    for clause in ("五", "六", "八", "九"):
        items, m2019, m2021 = C.AD_CLAUSES[clause]
        measures = m2019 if variant == "2019" else m2021
        for item in items:
            if variant != "2019" and item in ("other_services", "procurement"):
                continue
            for measure in measures:
                if measure == "amount_wan_yuan":
                    value = round(rng.uniform(0, 900), 2)
                elif measure == "items_change":
                    value = rng.randint(-5, 5)
                elif measure == "projects":
                    value = rng.randint(0, 40)
                else:
                    value = rng.randint(0, 3000 if measure == "decisions" else 200)
                put(item, measure, value)
    return out


def _applications(
    rng: random.Random,
    other: str,
    carried_over: dict[str, int],
    target_forward: dict[str, int] | None,
) -> list[dict]:
    leaves = [
        o
        for o in C.HANDLING_LEAVES
        if not (o in C.SPLIT_OTHER and other == "single")
        and not (o == "other_handling" and other == "split")
    ]
    weights = [
        30 if o == "granted" else 6 if o in ("partially_granted", "unavailable_not_held") else 1
        for o in leaves
    ]
    columns: dict[str, dict[str, int]] = {}
    for requester in C.REQUESTERS:
        if requester == "total":
            continue
        scale = {"natural_person": 40, "commercial_enterprise": 6, "legal_service_org": 3}.get(
            requester, 1
        )
        c = carried_over.get(requester, 0)
        handled = rng.randint(0, scale)
        if target_forward is not None:
            forward = target_forward.get(requester, 0)
            new = handled + forward - c
            if new < 0:
                handled, new = c - forward, 0
        else:
            new = handled + rng.randint(0, max(1, scale // 8)) - c
            if new < 0:
                handled, new = c, 0
            forward = new + c - handled
        col = dict.fromkeys(leaves, 0)
        for _ in range(handled):
            col[rng.choices(leaves, weights)[0]] += 1
        columns[requester] = {
            "new_received": new,
            "carried_over": c,
            **col,
            "total_handled": handled,
            "carried_forward": forward,
        }
    outcomes = [o for o in C.OUTCOMES if o in columns["natural_person"]]
    columns["total"] = {o: sum(col[o] for col in columns.values()) for o in outcomes}
    return [
        {"outcome": o, "requester": r, "value": columns[r][o], "raw": str(columns[r][o])}
        for o in outcomes
        for r in C.REQUESTERS
    ]


def _appeals(rng: random.Random) -> list[dict]:
    out: list[dict] = []
    for proceeding in C.PROCEEDINGS:
        values = {
            r: (rng.choices([0, 1, 2, 3], [6, 3, 1, 1])[0])
            for r in ("upheld", "corrected", "other", "pending")
        }
        values["total"] = sum(values.values())
        out.extend(
            {"proceeding": proceeding, "result": r, "value": v, "raw": str(v)}
            for r, v in values.items()
        )
    return out


def _published(portal: str, year: int) -> str | None:
    """The date a sample report's pages print: 9 January to 24 March of the next year."""
    if (portal, year) in UNDATED:
        return None
    if (portal, year) in LATE:
        return LATE[(portal, year)]
    offset = int(hashlib.sha256(f"{portal}{year}".encode()).hexdigest()[:8], 16) % 75
    return (date(year + 1, 1, 9) + timedelta(days=offset)).isoformat()


def _blank_zeros(facts: dict) -> int:
    """Print the zero cells of BLANK_ROWS / BLANK_COLUMNS blank; the number of cells blanked."""
    blanked = 0
    for table, (a, b) in C.ENTRY_KEYS.items():
        for entry in facts[table]:
            row, column = entry[a], entry[b]
            chosen = any(row.startswith(p) or column == p for p in BLANK_ROWS) or (
                column in BLANK_COLUMNS
            )
            if chosen and entry["value"] == 0:
                entry["value"], entry["raw"] = None, ""
                blanked += 1
    return blanked


def _in_force_continuity(reports: list[dict]) -> None:
    """现行有效(Y) = 现行有效(Y-1) + 本年制发(Y) - 本年废止(Y) across consecutive 2021-format
    years of one district, as a careful agency prints it (the warehouse's soft check holds).

    Rewrites only the synthetic in_force/repealed figures after generation, so every other
    figure of the seeded sample stays as it was.
    """
    previous: dict[tuple[str, str], int] = {}
    for report in sorted(reports, key=lambda r: (r["portal"], r["year"])):
        if report["agency_kind"] != "district":
            continue
        if not report["sample"]:  # real figures are printed as published, never adjusted
            previous = {k: v for k, v in previous.items() if k[0] != report["portal"]}
            continue
        cells = _cells(report["facts"]["active_disclosure"], "item", "measure")
        current = {}
        for item in C.AD_CLAUSES["一"][0]:
            in_force = cells.get((item, "in_force"))
            if in_force is None:
                continue
            issued, repealed = cells[(item, "issued")], cells[(item, "repealed")]
            before = previous.get((report["portal"], item))
            if before is not None:
                _set(repealed, min(repealed["value"], before + issued["value"]))
                _set(in_force, before + issued["value"] - repealed["value"])
            current[(report["portal"], item)] = in_force["value"]
        previous = {k: v for k, v in previous.items() if k[0] != report["portal"]}
        previous.update(current)


def _cells(entries: list[dict], a: str, b: str) -> dict[tuple[str, str], dict]:
    return {(e[a], e[b]): e for e in entries}


def _set(entry: dict, value: int) -> None:
    entry["value"], entry["raw"] = value, str(value)


def _forward(apps: list[dict]) -> dict[str, int]:
    return {e["requester"]: e["value"] for e in apps if e["outcome"] == "carried_forward"}


def _carried_over(apps: list[dict]) -> dict[str, int]:
    return {e["requester"]: e["value"] for e in apps if e["outcome"] == "carried_over"}


def _title(district: str, agency: str, year: int, aliases: list[str]) -> str:
    name = aliases[year % len(aliases)] if aliases and year % 2 else agency
    return f"{name}{year}年政府信息公开工作年度报告"


def _document(style: str, portal: str, year: int) -> str:
    if style == "pdf_link":
        return "pdf"
    if style == "json":
        return "pdf" if year % 2 else "html"
    return (
        "pdf"
        if (year in (2019, 2024) and portal != "ledu") or (portal == "ledu" and year == 2023)
        else "html"
    )


def build(seed_truth: dict) -> dict:
    rng = random.Random(SEED)
    portals: list[dict] = []
    reports: list[dict] = []
    for pid, district, code, host, style, aliases in DISTRICTS:
        agency = f"{district}人民政府"
        portals.append(
            {
                "id": pid,
                "district": district,
                "division_code": code,
                "city": CITY,
                "province": PROVINCE,
                "host": host,
                "style": style,
                "district_aliases": [a for a in aliases if not a.startswith(CITY)],
            }
        )
        forward: dict[str, int] = {}
        for i, year in enumerate(YEARS):
            variant, other = _format(pid, year)
            seed = pid == "ledu" and year == 2021
            if seed:
                facts = {
                    k: seed_truth[k]
                    for k in ("report", "templates", "active_disclosure", "applications", "appeals")
                }
                facts["report"] = {
                    **seed_truth["report"],
                    "title": "乐都区人民政府2021年政府信息公开工作年度报告",
                }
            else:
                target = (
                    _carried_over(seed_truth["applications"])
                    if pid == "ledu" and year == 2020
                    else None
                )
                carried = dict(forward)
                if (pid, year) == CROSS_YEAR_BREAK:
                    carried["natural_person"] = carried.get("natural_person", 0) + 2
                apps = _applications(rng, other, carried, target)
                facts = {
                    "report": {
                        "agency": agency,
                        "year": year,
                        "title": _title(district, agency, year, aliases),
                    },
                    "templates": {
                        "active_disclosure": "2021" if variant == "2021" else "2019",
                        "other_handling": other,
                    },
                    "active_disclosure": _active_disclosure(rng, variant),
                    "applications": apps,
                    "appeals": _appeals(rng),
                }
            planted = PLANTED.get((pid, year))
            if planted and "appeals" in planted:
                cell = _cells(facts["appeals"], "proceeding", "result")[
                    ("reconsideration", "total")
                ]
                _set(cell, cell["value"] + 1)
            elif planted:
                cells = _cells(facts["applications"], "outcome", "requester")
                _set(
                    cells[("carried_forward", "natural_person")],
                    cells[("carried_forward", "natural_person")]["value"] - 1,
                )
                _set(
                    cells[("carried_forward", "total")],
                    cells[("carried_forward", "total")]["value"] - 1,
                )
            blanked = _blank_zeros(facts) if (pid, year) in BLANK_ZEROS else 0
            expected = findings(facts["applications"], facts["appeals"])
            forward = {r: v or 0 for r, v in _forward(facts["applications"]).items()}
            document = _document(style, pid, year)
            reports.append(
                {
                    "portal": pid,
                    "year": year,
                    "agency_kind": "district",
                    "sample": not seed,
                    "provenance": (
                        "real figures of the published 乐都区 2021 report, document re-rendered; "
                        "its publication date is the sample portal's, not the real one"
                        if seed
                        else "synthetic sample data (示例数据（合成）)"
                        + (f"; {blanked} zero cells printed blank" if blanked else "")
                    ),
                    "blank_cells": sum(e["value"] is None for t in C.TABLES for e in facts[t]),
                    "variant": variant,
                    "document": document,
                    "quirks": HTML_QUIRKS[(i + len(pid)) % len(HTML_QUIRKS)]
                    if document == "html"
                    else [],
                    "pdf_options": (
                        {"split_applications_at": "unavailable_needs_creation"} if year % 2 else {}
                    )
                    if document == "pdf"
                    else {},
                    "link_style": LINK_STYLES[(i + len(pid)) % len(LINK_STYLES)]
                    if style == "pdf_link"
                    else "a_href",
                    "planted_error": planted,
                    "published": _published(pid, year),
                    "expected_status": "flagged" if expected else "ok",
                    "expected_findings": expected,
                    "facts": facts,
                }
            )
    # A department's report on the district portal: archived as agency_kind=department.
    dept = random.Random(SEED + 1)
    reports.append(
        {
            "portal": "pingan",
            "year": 2023,
            "agency_kind": "department",
            "sample": True,
            "provenance": "synthetic sample data (示例数据（合成）)",
            "variant": "2021",
            "document": "html",
            "quirks": [],
            "pdf_options": {},
            "link_style": "a_href",
            "planted_error": None,
            "published": DEPARTMENT_PUBLISHED,
            "blank_cells": 0,
            "expected_status": "ok",
            "expected_findings": [],
            "facts": {
                "report": {
                    "agency": "平安区教育局",
                    "year": 2023,
                    "title": "平安区教育局2023年政府信息公开工作年度报告",
                },
                "templates": {"active_disclosure": "2021", "other_handling": "single"},
                "active_disclosure": _active_disclosure(dept, "2021"),
                "applications": _applications(dept, "single", {}, None),
                "appeals": _appeals(dept),
            },
        }
    )
    _in_force_continuity(reports)
    for report in reports:
        report["facts"]["sample"] = report["sample"]
        report["facts"]["status"] = report["expected_status"]
        report["facts"]["findings"] = report["expected_findings"]
    cross = _cross_year(reports)
    return {
        "schema": "gongkai.sample_portals/1",
        "note": "Bundled sample portals of 海东市, 青海省. All figures are synthetic sample data "
        "(示例数据（合成）) except 乐都区 2021, which carries the real published figures.",
        "generator": "python -m pipeline.samples.facts --regenerate",
        "seed": SEED,
        "portals": portals,
        "reports": reports,
        "decoys": [
            {
                "portal": "ledu",
                "kind": "interpretation",
                "year": 2023,
                "title": "《乐都区人民政府2023年政府信息公开工作年度报告》的解读",
            },
            {
                "portal": "minhe",
                "kind": "interpretation",
                "year": 2022,
                "title": "图解：民和回族土族自治县2022年政府信息公开工作年度报告",
            },
            {
                "portal": "hualong",
                "kind": "notice",
                "year": 2024,
                "title": "关于做好2024年政府信息公开工作的通知",
            },
        ],
        "expected_cross_year": cross,
    }


def _cross_year(reports: list[dict]) -> list[dict]:
    """carried_over(Y) ≠ carried_forward(Y-1) pairs, per district and requester (warehouse rule)."""
    by_key = {(r["portal"], r["year"]): r for r in reports if r["agency_kind"] == "district"}
    out = []
    for (pid, year), report in sorted(by_key.items()):
        prev = by_key.get((pid, year - 1))
        if not prev:
            continue
        before, now = (
            _forward(prev["facts"]["applications"]),
            _carried_over(report["facts"]["applications"]),
        )
        for requester in C.REQUESTERS:
            if (before.get(requester) or 0) != (now.get(requester) or 0):  # blank counts as 0
                out.append(
                    {
                        "portal": pid,
                        "year": year,
                        "requester": requester,
                        "carried_forward_prev": before.get(requester),
                        "carried_over": now.get(requester),
                    }
                )
    return out


def dumps(facts: dict) -> str:
    """Indented JSON with one table cell per line, so reviews and diffs stay readable."""
    text = json.dumps(facts, ensure_ascii=False, indent=1)
    return (
        re.sub(
            r'\{\n\s+"(?:item|outcome|proceeding|rule)"[^{}]*?\n\s+\}',
            lambda m: " ".join(line.strip() for line in m.group(0).splitlines()),
            text,
        )
        + "\n"
    )


def load_facts(path: Path | None = None) -> dict:
    return json.loads((path or FACTS_FILE).read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.samples.facts", description=__doc__)
    parser.add_argument(
        "--regenerate", action="store_true", help="rebuild facts.json (needs the shared seed truth)"
    )
    parser.add_argument("--seed-truth", type=Path, default=SEED_TRUTH)
    parser.add_argument("--out", type=Path, default=FACTS_FILE)
    args = parser.parse_args(argv)
    if not args.regenerate:
        parser.print_help()
        return 0
    seed_truth = json.loads(args.seed_truth.read_text(encoding="utf-8"))
    facts = build(seed_truth)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(dumps(facts), encoding="utf-8")
    n = len(facts["reports"])
    print(
        f"wrote {args.out}: {n} reports,"
        f" {sum(r['expected_status'] == 'flagged' for r in facts['reports'])} "
        f"flagged, {len(facts['expected_cross_year'])} cross-year breaks"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
