"""The code location: ``dagster dev -w workspace.yaml`` loads :func:`defs`.

``Definitions`` come from :func:`build_definitions`, which reads the registry it is given when
the code location loads (never at import): partitions, assets, jobs, schedule and sensors are
built from it. Tests and benchmarks call it with their own :class:`~pipeline.config.Settings`.
Every job runs in process: steps share one process (and its warm extraction workers) instead
of paying a process and a code-location load per step.
"""

from __future__ import annotations

import dagster as dg

from assets.automation import (
    build_automation_sensor,
    build_catalog_sensor,
    build_jobs,
    build_nightly_crawl,
)
from assets.checks import CHECKS
from assets.crawl import build_portal_documents
from assets.extract import build_extracted_reports
from assets.names import build_district_names, district_names
from assets.partitions import Layout
from assets.report import build_comparison_report
from assets.resources import GongkaiSettings, Warehouse
from assets.warehouse import (
    build_analyst_copy,
    build_marts,
    build_warehouse_reports,
    mart_specs,
    warehouse_catalog,
)
from pipeline.config import Settings, SettingsError, settings
from pipeline.portals.registry import RegistryError, load_portals


def build_definitions(
    conf: Settings,
    *,
    from_environment: bool = False,
    executor: dg.ExecutorDefinition = dg.in_process_executor,
) -> dg.Definitions:
    """Everything Dagster runs, for the registry and years of ``conf``.

    Resources follow the environment (``EnvVar``) when ``from_environment``, else ``conf``.
    ``executor`` stays in process on one machine; a cluster passes its own (deploy/).
    """
    layout = Layout.of(load_portals(conf.portals_file, conf), conf.years)
    specs = mart_specs()
    mart_keys = [spec.key for spec in specs]
    analyst_copy = build_analyst_copy(mart_keys)
    report = build_comparison_report(mart_keys)
    return dg.Definitions(
        assets=[
            build_portal_documents(layout),
            build_extracted_reports(layout),
            build_warehouse_reports(layout),
            warehouse_catalog,
            build_marts(specs),
            analyst_copy,
            report,
            build_district_names(district_names(layout.portals)),
        ],
        asset_checks=CHECKS,
        jobs=build_jobs(layout, mart_keys),
        schedules=[build_nightly_crawl(layout)],
        sensors=[
            build_catalog_sensor(conf, layout),
            build_automation_sensor(
                [dg.AssetKey("warehouse_catalog"), *mart_keys, analyst_copy.key, report.key]
            ),
        ],
        resources={
            "gongkai": GongkaiSettings.from_environment()
            if from_environment
            else GongkaiSettings.of(conf),
            "warehouse": Warehouse.from_environment(conf)
            if from_environment
            else Warehouse.of(conf),
        },
        executor=executor,
    )


@dg.definitions
def defs() -> dg.Definitions:
    """The code location of this environment (read when it loads).

    A bad setting or registry is bad input, not a bug: it is raised again without the frames
    that read it, so the load error Dagster shows is its message, one line per bad value.
    """
    try:
        return build_definitions(settings(), from_environment=True)
    except (SettingsError, RegistryError) as exc:
        raise type(exc)(
            f"{exc}\n(`python -m pipeline settings` checks them; then reload the code location)"
        ) from None
