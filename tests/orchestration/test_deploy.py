"""The cluster deployment (deploy/, docs/deploy.md): what can be checked without a cluster.

Checked here: the instance file validates (Postgres storage, K8sRunLauncher config against the
launcher's own schema), the k8s executor's run config validates against the job, and the
extraction job runs with steps in separate processes (the multiprocess executor: each step
process loads the code location again, as each pod does). Not run here: a cluster, Postgres,
the launcher and executor creating pods.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import yaml

# Dagster has no public validator for dagster.yaml or a launcher's config; these are what the
# instance itself calls when it loads.
from dagster._config import process_config
from dagster._core.instance.config import dagster_instance_config
from dagster_k8s import K8sRunLauncher, k8s_job_executor
from dagster_postgres import PostgresRunStorage

from assets.definitions import build_definitions
from assets.partitions import district_year_key
from assets.run import RANGE_END, RANGE_START
from pipeline.config import settings
from tests.orchestration.conftest import report_page

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
CLUSTER_ENV = {
    "DAGSTER_PG_HOST": "postgres.gongkai",
    "DAGSTER_PG_USER": "dagster",
    "DAGSTER_PG_PASSWORD": "not-a-secret",
    "DAGSTER_PG_DB": "dagster",
    "GONGKAI_IMAGE": "registry.example/gongkai:1",
}


def test_cluster_instance_config_validates(monkeypatch):
    for name, value in CLUSTER_ENV.items():
        monkeypatch.setenv(name, value)

    config, _ = dagster_instance_config(str(DEPLOY))

    launcher = config["run_launcher"]
    assert (launcher["module"], launcher["class"]) == ("dagster_k8s", "K8sRunLauncher")
    checked = process_config(K8sRunLauncher.config_type(), launcher["config"])
    assert checked.success, checked.errors
    storage = process_config(PostgresRunStorage.config_type(), config["storage"]["postgres"])
    assert storage.success, storage.errors
    assert config["concurrency"]["pools"]["default_limit"] == 1  # one warehouse writer


def test_k8s_executor_run_config_validates(conf):
    defs = build_definitions(conf, executor=k8s_job_executor)
    job = defs.resolve_job_def("extract_and_load")
    run_config = yaml.safe_load((DEPLOY / "run_config.yaml").read_text(encoding="utf-8"))

    assert job.executor_def is k8s_job_executor
    dg.validate_run_config(job, run_config)


def extract_and_load_in_subprocesses() -> dg.JobDefinition:
    """The job as a step process rebuilds it: from the environment, multiprocess executor."""
    defs = build_definitions(settings(), from_environment=True, executor=dg.multiprocess_executor)
    return defs.resolve_job_def("extract_and_load")


def test_extraction_runs_with_steps_in_separate_processes(conf, catalog, monkeypatch):
    # Step processes read their settings from the environment, as pods do: set it here only.
    for name, value in conf.environ().items():
        monkeypatch.setenv(name, value)
    codes = ["630202", "630203"]
    catalog.commit([catalog.document(c, 2021, report_page(c, 2021)) for c in codes])
    keys = sorted(str(district_year_key(c, 2021)) for c in codes)

    with dg.instance_for_test() as instance:
        with dg.execute_job(
            dg.reconstructable(extract_and_load_in_subprocesses),
            instance=instance,
            tags={RANGE_START: keys[0], RANGE_END: keys[-1]},
        ) as result:
            assert result.success
            engine = [e.message for e in result.all_events if e.event_type_value == "ENGINE_EVENT"]
        assert any("multiprocess" in m.lower() for m in engine), engine
        materialized = instance.get_materialized_partitions(dg.AssetKey("warehouse_reports"))
    assert materialized == set(keys)
