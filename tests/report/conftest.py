"""A warehouse of the bundled sample's district reports, loaded straight from its facts file.

Loading the facts directly (no crawl, no extraction) keeps these tests fast; a few reports are
left out and one cell is blanked, so the charts have missing district-years and a blank figure
to draw as missing. One district of a second city gives the index two cities.
"""

from __future__ import annotations

import copy
import hashlib

import pytest

from pipeline import contract
from pipeline.records import RegisteredDistrict
from pipeline.samples.facts import load_facts
from pipeline.warehouse import ReportSource, build_marts, connect, load_districts, load_report

LEFT_OUT = {("630225", 2019), ("630224", 2024)}
BLANKED = ("630223", 2022)  # its granted total is printed blank
OTHER_CITY = ("320813", "洪泽区", "淮安市", "江苏省")
YEARS = (2019, 2024)


def _document(report: dict) -> dict:
    facts = copy.deepcopy(report["facts"])
    return {"contract": contract.CONTRACT, **facts}


def _blank_granted(document: dict) -> None:
    for entry in document["applications"]:
        if entry["outcome"] == "granted" and entry["requester"] == "total":
            entry["value"], entry["raw"] = None, ""


def load_sample(path) -> None:
    facts = load_facts()
    portals = {p["id"]: p for p in facts["portals"]}
    with connect(path) as con:
        load_districts(
            con,
            [
                RegisteredDistrict(p["division_code"], p["district"], p["city"], p["province"])
                for p in portals.values()
            ]
            + [RegisteredDistrict(*OTHER_CITY)],
        )
        for report in facts["reports"]:
            portal = portals[report["portal"]]
            code, year = portal["division_code"], report["year"]
            if report["agency_kind"] != "district" or (code, year) in LEFT_OUT:
                continue
            document = _document(report)
            if (code, year) == BLANKED:
                _blank_granted(document)
            load_report(
                con,
                document,
                ReportSource(
                    code,
                    is_sample=report["sample"],
                    url=f"http://sample.test/{code}/{year}.html",
                    sha256=hashlib.sha256(f"{code}|{year}".encode()).hexdigest(),
                    extracted_at="2025-01-01T00:00:00Z",
                ),
            )
        # 洪泽区 (another city): the seed's figures as its 2021 report, real data.
        seed = next(r for r in facts["reports"] if not r["sample"])
        load_report(
            con,
            {**_document(seed), "report": {**seed["facts"]["report"], "agency": "洪泽区人民政府"}},
            ReportSource(OTHER_CITY[0], url="http://other.test/2021.html", sha256="f" * 64),
        )
        build_marts(con, *YEARS)


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "warehouse.duckdb"
    load_sample(path)
    return path
