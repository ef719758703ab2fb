"""Crawl benchmark on the bundled sample portals (six loopback hosts).

1. Nightly no-change recrawl: after a full crawl, crawl again; every request should be
   conditional and zero document bytes stored.
2. Full crawl with a 1 s politeness delay: hosts are crawled in parallel, so the wall time is
   about the busiest host's requests × delay, not the sum over hosts.

Run: ``.venv/bin/python bench/bench_crawl.py`` (part of ``make bench``).
"""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

from pipeline.config import settings
from pipeline.crawl import crawl
from pipeline.samples.serve import sample_portals, serving
from pipeline.samples.site import SITE_DIR, ensure_site


def with_delay(portals, delay: float, jitter: float):
    return [
        replace(p, politeness=replace(p.politeness, delay=delay, jitter=jitter)) for p in portals
    ]


def main() -> None:
    ensure_site()
    log: list = []
    rows = []
    with serving(SITE_DIR, 0, log=log) as server, tempfile.TemporaryDirectory() as tmp:
        portals = sample_portals(server.port)
        conf = replace(settings(), archive_dir=Path(tmp) / "nightly")
        first = crawl(portals, conf, progress=False)
        log.clear()
        again = crawl(portals, conf, progress=False)
        conditional = sum(1 for *_, c in log if c)
        rows.append(
            (
                "nightly no-change recrawl (6 portals, delay 0.05 s)",
                f"{len(log)} requests ({conditional} conditional), "
                f"{again.total('bytes_stored')} document bytes stored, "
                f"{again.total('unchanged')} unchanged / {again.total('new')} new, "
                f"{again.seconds:.2f} s",
            )
        )
        rows.append(
            (
                "  (first full crawl, same delay)",
                f"{first.total('requests')} requests, {first.total('new')} documents, "
                f"{first.total('bytes_stored')} bytes stored, {first.seconds:.2f} s",
            )
        )

        delay = 1.0
        log.clear()
        conf = replace(settings(), archive_dir=Path(tmp) / "polite")
        full = crawl(with_delay(portals, delay, 0.5), conf, progress=False)
        per_host = Counter(address for address, *_ in log)
        busiest = max(per_host.values())
        rows.append(
            (
                f"full crawl, delay {delay:.0f} s ±50% jitter, 6 hosts in parallel",
                f"{sum(per_host.values())} requests, wall {full.seconds:.1f} s",
            )
        )
        rows.append(
            (
                "  busiest host: requests × delay",
                f"{busiest} × {delay:.0f} s ≈ {busiest * delay:.0f} s",
            )
        )
        rows.append(
            (
                "  if hosts were crawled one after another",
                f"≈ {sum(per_host.values()) * delay:.0f} s",
            )
        )
        rows.append(
            ("  requests per host", ", ".join(f"{h} {n}" for h, n in sorted(per_host.items())))
        )
    width = max(len(r[0]) for r in rows)
    print(f"{'crawl benchmark'.ljust(width)}  result")
    print("-" * (width + 60))
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")


if __name__ == "__main__":
    main()
