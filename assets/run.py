"""``make run``: the whole graph through Dagster's own jobs, over the bundled sample portals.

Serves the sample portals on loopback on the port the registry names (and stops with a message
when it is taken), then runs the code location's jobs through Dagster's public API on the
persistent instance at ``DAGSTER_HOME``: one crawl run per district, one extract-and-load run
over every district × year (a partition range, as a backfill batches it), then the marts and
the analyst copy. Every run carries the tag ``gongkai/launched_by=make-run``; ``make ui``
afterwards shows them, and its catalog sensor finds nothing left to extract.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.config import DATA_DIR, Settings, settings

if TYPE_CHECKING:
    import dagster as dg

DEFAULT_HOME = DATA_DIR / "dagster_home"
LAUNCHED_BY = {"gongkai/launched_by": "make-run"}
# Dagster's documented tags for a run over a partition range (what a batched backfill sets).
RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"
EXAMPLE_QUERY = """SELECT district_name, year, applications_received, grant_rate
FROM marts.district_year
WHERE applications_received IS NOT NULL
ORDER BY applications_received DESC, district_name, year
LIMIT 5"""


def dagster_home() -> Path:
    """DAGSTER_HOME, which must be absolute and persistent (the Makefile exports it)."""
    value = os.environ.get("DAGSTER_HOME")
    home = Path(value) if value else DEFAULT_HOME
    if not home.is_absolute():
        raise SystemExit(f"DAGSTER_HOME must be an absolute path, got {value!r}")
    home.mkdir(parents=True, exist_ok=True)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


class PortTaken(SystemExit):
    """The registry's sample port is in use: say which and how to choose another."""


def serve_samples(portals):
    """Serve the sample portals on the registry's own port, or stop saying why not.

    Moving to another port silently would change every document URL, and with them the whole
    catalog, so every report would be extracted again.
    """
    from urllib.parse import urlsplit

    from pipeline.samples.serve import SampleServer
    from pipeline.samples.site import SITE_DIR, ensure_site

    site = ensure_site(SITE_DIR)
    ports = sorted({urlsplit(u).port or 80 for p in portals if p.sample for u in p.start_urls})
    if len(ports) != 1:
        raise SystemExit(f"make run: the registry's sample portals must share one port: {ports}")
    try:
        server = SampleServer(site, ports[0])
    except OSError as exc:
        raise PortTaken(
            f"make run: port {ports[0]} on 127.0.0.2-7 (the port the registry's sample "
            f"portals name) is taken: {exc.strerror or exc}.\n"
            "Stop what uses it (another make run, make ui or serve-sample), or choose another "
            "port: copy data/portals.yaml, change the port in its sample start_urls and "
            "allowed_hosts and run GONGKAI_PORTALS=<the copy> make run."
        ) from exc
    return server.start()


def quiet() -> None:
    """No preview/beta notices on the console (run logs go to the UI, see QUIET)."""
    import warnings

    import dagster as dg

    warnings.filterwarnings("ignore", category=dg.PreviewWarning)
    warnings.filterwarnings("ignore", category=dg.BetaWarning)


# Step-by-step logs stay in the instance (the UI); the console gets one line per run.
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


class Session:
    """Runs of one ``make run``: which failed, and every check evaluation they recorded."""

    def __init__(self, instance, defs):
        self.instance = instance
        self.defs = defs
        self.failures: list[str] = []
        self.checks: dict[tuple[str, str, str | None], dg.AssetCheckEvaluation] = {}

    def execute(self, job_name: str, label: str, *, partition_key=None, tags=None) -> bool:
        """One run of a job of the code location, in process, tagged as make run's."""
        started = time.monotonic()
        result = self.defs.resolve_job_def(job_name).execute_in_process(
            instance=self.instance,
            partition_key=partition_key,
            run_config=QUIET,
            tags={**LAUNCHED_BY, **(tags or {})},
            raise_on_error=False,
        )
        for evaluation in result.get_asset_check_evaluations():
            key = (
                evaluation.asset_key.to_user_string(),
                evaluation.check_name,
                evaluation.partition,
            )
            self.checks[key] = evaluation
        if not result.success:
            failed = [e.message for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
            self.failures.append(f"{job_name} {label}: {failed[0] if failed else 'run failed'}")
        print(
            f"  {job_name} {label}: {'ok' if result.success else 'FAILED'} "
            f"({time.monotonic() - started:.1f} s)",
            flush=True,
        )
        return result.success

    def failed_checks(self, severity_name: str, names: set[str] | None = None) -> list[str]:
        return sorted(
            f"{asset}:{check}" + (f" [{key}]" if key else "")
            for (asset, check, key), e in self.checks.items()
            if not e.passed
            and e.severity.name == severity_name
            and (names is None or check in names)
        )


def summary(conf: Settings, partitions: list[tuple[str, int]], session: Session) -> str:
    import duckdb

    from pipeline.report_choice import read_results
    from pipeline.warehouse.schema import scalar

    statuses: Counter = Counter()
    faults = 0
    for code, year in partitions:
        for result in read_results(code, year, conf) or []:
            statuses[result.status] += 1
            faults += bool(result.fault)
    found = sum(statuses.values())
    usable = statuses["ok"] + statuses["flagged"] + statuses["partial"]
    lines = [
        "",
        "=" * 72,
        "Gongkai: sample run summary",
        "=" * 72,
        f"reports found        {found} (district-years: {len(partitions)})",
        f"  extracted          {usable} (ok {statuses['ok']}, flagged {statuses['flagged']}, "
        f"partial {statuses['partial']})",
        f"  flagged            {statuses['flagged']} (the source's arithmetic: see marts.quality)",
        f"  unsupported        {statuses['unsupported']}",
        f"  failed             {statuses['failed']} (pipeline faults: {faults})",
    ]
    copy = Path(conf.analyst_copy_path)
    if copy.is_file():
        con = duckdb.connect(str(copy), read_only=True)
        try:
            tables = con.execute(
                "SELECT schema_name, table_name FROM duckdb_tables() "
                "WHERE schema_name IN ('core', 'marts') AND (table_name LIKE 'fact_%' OR "
                "schema_name = 'marts') ORDER BY schema_name, table_name"
            ).fetchall()
            lines.append("rows per table")
            for schema, table in tables:
                rows = scalar(con, f'SELECT count(*) FROM {schema}."{table}"')
                lines.append(f"  {schema}.{table:<28} {rows:>8}")
            answer = con.execute(EXAMPLE_QUERY)
            header = [d[0] for d in answer.description]
            rows = answer.fetchall()
        finally:
            con.close()
        lines += [
            f"analyst copy         {copy} (read-only; open with duckdb -readonly)",
            f"working warehouse    {conf.warehouse_path}",
            "example query:",
            *("  " + line for line in EXAMPLE_QUERY.splitlines()),
            "result:",
            "  " + " | ".join(header),
        ]
        lines += ["  " + " | ".join(str(v) for v in row) for row in rows]
    else:
        lines.append(f"analyst copy         not published ({copy} missing)")
    report = Path(conf.report_dir) / "index.html"
    lines.append(
        f"comparison report    {report} (open it from disk; make report rebuilds it)"
        if report.is_file()
        else f"comparison report    not built ({report} missing)"
    )
    lines.append(f"Dagster history      DAGSTER_HOME={os.environ.get('DAGSTER_HOME')} (make ui)")
    checks = session.checks.values()
    warned, errors = session.failed_checks("WARN"), session.failed_checks("ERROR")
    lines.append(
        f"checks               {sum(e.passed for e in checks)} passed, "
        f"{len(warned)} warnings, {len(errors)} errors"
    )
    lines += [f"  warn   {c}" for c in warned] + [f"  ERROR  {c}" for c in errors]
    if session.failures:
        lines.append(f"failed runs          {len(session.failures)}")
        lines += [f"  {f}" for f in session.failures]
    return "\n".join(lines)


def run_all(instance, defs, stages: tuple[str, ...] = ("crawl", "extract", "marts")) -> Session:
    """Run the code location's jobs stage by stage in ``instance``."""
    from assets.automation import CRAWL_JOB, EXTRACT_LOAD_JOB, MARTS_JOB

    session = Session(instance, defs)
    if "crawl" in stages:
        districts = defs.resolve_job_def(CRAWL_JOB).partitions_def.get_partition_keys()
        for code in districts:
            session.execute(CRAWL_JOB, code, partition_key=code)
    if "extract" in stages:
        keys = defs.resolve_job_def(EXTRACT_LOAD_JOB).partitions_def.get_partition_keys()
        session.execute(
            EXTRACT_LOAD_JOB,
            f"{len(keys)} district-years",
            tags={RANGE_START: str(keys[0]), RANGE_END: str(keys[-1])},
        )
    if "marts" in stages:
        lost = session.failed_checks("ERROR", {"load_complete"})
        if lost:
            session.failures.append(
                "marts not built: a warehouse load lost rows: " + ", ".join(lost)
            )
        else:
            session.execute(MARTS_JOB, "")
    return session


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assets.run", description=__doc__)
    parser.parse_args(argv)
    dagster_home()
    quiet()
    from pipeline.portals.registry import load_portals

    try:  # bad settings or registry: one line each, before anything starts, no traceback
        conf = settings()
        portals = load_portals(conf.portals_file, conf)
    except ValueError as exc:
        for line in str(exc).splitlines():
            print(f"make run: {line}", file=sys.stderr)
        return 2
    import dagster as dg

    from assets.definitions import build_definitions
    from assets.partitions import split

    server = serve_samples(portals)
    try:
        print(f"sample portals served on 127.0.0.2-7, port {server.port}", flush=True)
        defs = build_definitions(conf)
        with dg.DagsterInstance.get() as instance:
            session = run_all(instance, defs)
    finally:
        server.stop()
    partitions = defs.resolve_job_def("extract_and_load").partitions_def
    keys = partitions.get_partition_keys() if partitions is not None else []
    print(summary(conf, [split(k) for k in keys], session))
    # Source errors (warnings) are the data's; failed runs and ERROR checks are ours.
    return 1 if session.failures or session.failed_checks("ERROR") else 0


if __name__ == "__main__":
    sys.exit(main())
