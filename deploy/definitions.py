"""The code location of a Kubernetes deployment (docs/deploy.md): every step in its own pod.

The same ``Definitions`` as ``assets.definitions``, with dagster-k8s's ``k8s_job_executor``:
the extraction step of a batch and its load step run as separate Kubernetes Jobs, each with the
resources of ``deploy/run_config.yaml``. Install with ``pip install '.[k8s]'``.
"""

from __future__ import annotations

import dagster as dg
from dagster_k8s import k8s_job_executor

from assets.definitions import build_definitions
from pipeline.config import settings


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions(settings(), from_environment=True, executor=k8s_job_executor)
