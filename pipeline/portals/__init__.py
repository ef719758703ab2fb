"""Portal registry and CMS adapters; an entry names its adapter, e.g. ``adapter: trs``."""

from __future__ import annotations

import importlib

ADAPTERS = {
    "trs": "pipeline.portals.trs:TrsAdapter",
    "json_list": "pipeline.portals.jsonlist:JsonListAdapter",
    "gkmlpt": "pipeline.portals.jsonlist:GkmlptAdapter",
    "hanweb": "pipeline.portals.hanweb:HanwebAdapter",
    "spa": "pipeline.portals.spa:SpaAdapter",
}


def adapter_names() -> list[str]:
    return sorted(ADAPTERS)


def get_adapter(name: str):
    """The adapter instance registered under ``name``."""
    module, _, cls = ADAPTERS[name].partition(":")
    return getattr(importlib.import_module(module), cls)()
