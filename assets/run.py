"""``make run``: the whole graph through Dagster, over the bundled sample portals, then a summary.

Serves the sample portals on loopback itself, points the registry at them, and materialises the
graph stage by stage (one job per partitions definition: crawl every district, extract and load
every district × year, then the marts and the analyst copy) in the persistent instance at
``DAGSTER_HOME``, so ``make ui`` shows these runs afterwards.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import yaml

from pipeline.config import DATA_DIR, settings

DEFAULT_HOME = DATA_DIR / "dagster_home"
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


def sample_registry(registry: Path, port: int, out: Path) -> Path:
    """The registry's sample entries, their start URLs moved to ``port``, written to ``out``."""
    doc = yaml.safe_load(registry.read_text(encoding="utf-8"))
    entries = [e for e in doc.get("portals", []) if isinstance(e, dict) and e.get("sample")]
    if not entries:
        raise SystemExit(f"{registry} has no sample portal (entries with sample: true)")
    for entry in entries:
        urls = (
            entry["start_urls"] if isinstance(entry["start_urls"], list) else [entry["start_urls"]]
        )
        entry["start_urls"] = [
            urlunsplit(p._replace(netloc=f"{p.hostname}:{port}")) for p in map(urlsplit, urls)
        ]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        yaml.safe_dump({**doc, "portals": entries}, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return out


def registry_port(registry: Path) -> int:
    """The port the registry's sample entries name (0 when they name none)."""
    doc = yaml.safe_load(registry.read_text(encoding="utf-8"))
    for entry in doc.get("portals", []):
        if isinstance(entry, dict) and entry.get("sample"):
            urls = (
                entry["start_urls"]
                if isinstance(entry["start_urls"], list)
                else [entry["start_urls"]]
            )
            return urlsplit(urls[0]).port or 0
    return 0


@contextmanager
def sample_portals(conf) -> Iterator[Path]:
    """Generate the sample site if needed, serve it on loopback, yield a registry of the sample
    portals at the port it got: the registry's own port when free (so document URLs, and with
    them the catalog, stay the same from one run to the next), else any free port."""
    from pipeline.samples.serve import serving
    from pipeline.samples.site import SITE_DIR, ensure_site

    site = ensure_site(SITE_DIR)
    with ExitStack() as stack:
        try:
            server = stack.enter_context(serving(site, port=registry_port(conf.portals_file)))
        except OSError:
            server = stack.enter_context(serving(site, port=0))
        print(f"sample portals served on 127.0.0.2-7, port {server.port}", flush=True)
        yield sample_registry(
            conf.portals_file, server.port, conf.archive_dir.parent / "sample_portals.yaml"
        )


def quiet() -> None:
    """No preview/beta notices on the console (run logs go to the UI, see QUIET)."""
    import warnings

    import dagster as dg

    warnings.filterwarnings("ignore", category=dg.PreviewWarning)
    warnings.filterwarnings("ignore", category=dg.BetaWarning)


# Tags the sensor daemon reads to skip run keys already used (dagster._core.storage.tags).
RUN_KEY_TAG, SENSOR_NAME_TAG = "dagster/run_key", "dagster/sensor_name"
# Step-by-step logs stay in the instance (the UI); the console gets one line per run.
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


class Session:
    """Runs of one ``make run``: which failed, and every check evaluation they recorded."""

    def __init__(self, instance):
        self.instance = instance
        self.failures: list[str] = []
        self.checks: dict[tuple[str, str, str | None], object] = {}

    def execute(self, job, partition_key=None, tags=None) -> bool:
        result = job.execute_in_process(
            instance=self.instance,
            partition_key=partition_key,
            run_config=QUIET,
            tags=tags,
            raise_on_error=False,
        )
        for evaluation in result.get_asset_check_evaluations():
            key = (
                evaluation.asset_key.to_user_string(),
                evaluation.check_name,
                str(partition_key) if partition_key is not None else None,
            )
            self.checks[key] = evaluation
        if not result.success:
            failed = [e.message for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
            self.failures.append(
                f"{job.name} {partition_key or ''}: {failed[0] if failed else 'run failed'}"
            )
        return result.success

    def stage(
        self, name: str, job, partition_keys: list | None, tags: dict[str, dict] | None = None
    ) -> None:
        """Execute ``job`` once per partition (or once when unpartitioned)."""
        started = time.monotonic()
        keys = partition_keys if partition_keys is not None else [None]
        ok = 0
        for number, key in enumerate(keys, 1):
            success = self.execute(job, key, (tags or {}).get(str(key)))
            ok += success
            print(
                f"  [{number}/{len(keys)}] {key if key is not None else name}: "
                f"{'ok' if success else 'FAILED'}",
                flush=True,
            )
        print(
            f"stage {name}: {ok}/{len(keys)} runs succeeded in {time.monotonic() - started:.1f} s",
            flush=True,
        )

    def failed_checks(self, severity_name: str, names: set[str] | None = None) -> list[str]:
        return sorted(
            f"{asset}:{check}" + (f" [{key}]" if key else "")
            for (asset, check, key), e in self.checks.items()
            if not e.passed
            and e.severity.name == severity_name
            and (names is None or check in names)
        )


def summary(conf, partitions: list[tuple[str, int]], session: Session) -> str:
    import duckdb

    from pipeline.report_choice import read_results

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
                rows = con.execute(f'SELECT count(*) FROM {schema}."{table}"').fetchone()[0]
                lines.append(f"  {schema}.{table:<28} {rows:>8}")
            result = con.execute(EXAMPLE_QUERY)
            header = [d[0] for d in result.description]
            rows = result.fetchall()
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


def sensor_tags(instance) -> dict[str, dict]:
    """The catalog sensor's run keys for this catalog, as tags for make run's extraction runs.

    The sensor daemon skips a run key that a run tagged with it and the sensor's name already
    used, so once ``make ui`` starts, the sensor does not extract again what make run just did;
    a document changed later gets a new key and reruns.
    """
    import dagster as dg

    from assets.automation import catalog_sensor

    result = catalog_sensor(dg.build_sensor_context(instance=instance))
    requests = result.run_requests if isinstance(result, dg.SensorResult) else []
    return {
        str(r.partition_key): {
            **r.tags,
            RUN_KEY_TAG: r.run_key,
            SENSOR_NAME_TAG: catalog_sensor.name,
        }
        for r in requests
    }


def run_all(instance, *, stages: tuple[str, ...] = ("crawl", "extract", "marts")) -> Session:
    """Materialise the graph stage by stage in ``instance``."""
    from assets.automation import crawl_job, extract_load_job, marts_job
    from assets.definitions import defs
    from assets.partitions import district_years, districts

    session = Session(instance)
    if "crawl" in stages:
        session.stage("crawl", defs.resolve_job_def(crawl_job.name), districts.get_partition_keys())
    if "extract" in stages:
        session.stage(
            "extract and load",
            defs.resolve_job_def(extract_load_job.name),
            district_years.get_partition_keys(),
            sensor_tags(instance),
        )
    if "marts" in stages:
        lost = session.failed_checks("ERROR", {"load_complete"})
        if lost:
            session.failures.append(
                "marts not built: a warehouse load lost rows: " + ", ".join(lost)
            )
        else:
            session.stage("marts and publish", defs.resolve_job_def(marts_job.name), None)
    return session


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assets.run", description=__doc__)
    parser.parse_args(argv)
    dagster_home()
    quiet()
    conf = settings()
    conf.archive_dir.mkdir(parents=True, exist_ok=True)
    with sample_portals(conf) as registry:
        os.environ["GONGKAI_PORTALS"] = str(registry)
        import dagster as dg

        from assets.partitions import district_years

        with dg.DagsterInstance.get() as instance:
            session = run_all(instance)
    partitions = [
        (k.keys_by_dimension["district"], int(k.keys_by_dimension["year"]))
        for k in district_years.get_partition_keys()
    ]
    print(summary(settings(), partitions, session))
    # Source errors (warnings) are the data's; failed runs and ERROR checks are ours.
    return 1 if session.failures or session.failed_checks("ERROR") else 0


if __name__ == "__main__":
    sys.exit(main())
