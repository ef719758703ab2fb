"""Worst cases of each hostile class: wall time and peak RSS of the whole process tree.

Documents: every file of ``tests/hostile/generate.py`` through ``python -m pipeline extract``
(start-up and the isolated reader worker included), beside a real report page for reference.
Crawl: a gzip bomb (1 GB of zeros, the default 100 MB cap), a URL dripping a byte at a time
(total-time limit 5 s) crawled on two nights, and a list that never ends (``max_pages`` 50,
a page that changes on every request) crawled twice; each crawl runs in its own process.
The peak RSS is the largest sum of the resident sets of the process and all its descendants,
sampled every 10 ms from /proc.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.crawl.faultsite import (  # noqa: E402
    Server,
    basic_site,
    list_page,
    portal_entry,
    send,
)
from tests.hostile.generate import hostile_files, report_html  # noqa: E402

TARGET = "/files/2022.pdf"


def _children(pid: int) -> list[int]:
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out += [int(c) for c in fh.read().split()]
    except OSError:
        pass
    return out


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kb(root: int) -> int:
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _rss_kb(pid)
        stack.extend(_children(pid))
    return total


def measured(command: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """(seconds, peak MB of the process tree, stdout) of ``command``."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=out, stderr=subprocess.DEVNULL, env=env or os.environ
        )
        peak = 0
        while process.poll() is None:
            peak = max(peak, tree_rss_kb(process.pid))
            time.sleep(0.01)
        seconds = time.perf_counter() - start
        out.seek(0)
        return seconds, peak / 1024, out.read().decode("utf-8", "replace")


def documents() -> list[tuple[str, int, float, float, str, str]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        files = {"real report page (reference).html": report_html}
        files.update(hostile_files())
        for name, make in files.items():
            path = Path(tmp) / name
            path.write_bytes(make())
            seconds, peak, out = measured([sys.executable, "-m", "pipeline", "extract", str(path)])
            try:
                result = json.loads(out)
                status, reason = result["status"], (result["errors"] or [""])[0]
            except (json.JSONDecodeError, KeyError):
                status, reason = "no JSON", out[:80]
            rows.append((name, path.stat().st_size, seconds, peak, status, reason))
    return rows


CRAWL = """
import json, sys
from dataclasses import replace
from pathlib import Path
from pipeline.config import settings
from pipeline.crawl import crawl_portal
from pipeline.portals.registry import parse_registry
entry, archive = json.loads(sys.argv[1]), Path(sys.argv[2])
portal = parse_registry({"portals": [entry]})[0]
result = crawl_portal(portal, replace(settings(), archive_dir=archive), others=[])
print(json.dumps({"errors": [e["class"] for e in result.errors], "list_pages": result.list_pages,
                  "skipped": result.skipped_known_failures, "stored": result.bytes_stored,
                  "records": bool(result.run_file)}))
"""


def crawl_cases() -> list[tuple[str, str, float, float, str]]:
    bomb = gzip.compress(b"\0" * (1024 * 1024 * 1024), 9)
    rows = []

    def drip(h, site):
        h.send_response(200)
        h.send_header("Content-Type", "application/pdf")
        h.send_header("Content-Length", "100000")
        h.end_headers()
        try:
            for _ in range(600):
                h.wfile.write(b"x")
                h.wfile.flush()
                time.sleep(0.05)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def endless(h, site):
        page = int(h.path.rsplit("_", 1)[-1].split(".")[0]) if "_" in h.path else 0
        links = [(f"/news/{page}-{i}.html", f"通知{page}-{i}") for i in range(20)]
        body = list_page(links, pages=100000, current=page)
        send(h, 200, body.replace("</body>", f"<!-- {time.time()} --></body>").encode())

    cases = {
        "gzip bomb (1 GB decoded, cap 100 MB)": (
            {
                TARGET: lambda h, s: send(
                    h, 200, bomb, "application/pdf", {"Content-Encoding": "gzip"}
                )
            },
            {},
            {},
            1,
        ),
        "slow drip (total-time limit 5 s)": ({TARGET: drip}, {"total_timeout": 5}, {}, 3),
        "endless list (max_pages 50)": ({"*list*": endless}, {}, {"max_pages": 50}, 2),
    }
    for label, (faults, politeness, overrides, nights) in cases.items():
        site = basic_site()
        with Server(site) as server, tempfile.TemporaryDirectory() as archive:
            server.httpd.handle_error = lambda *args: None  # the crawler hanging up is expected
            for path, handler in faults.items():
                if path == "*list*":
                    site.fault("/col/index.html", handler)
                    for k in range(1, 60):
                        site.fault(f"/col/index_{k}.html", handler)
                else:
                    site.fault(path, handler)
            entry = portal_entry(server.port, politeness=dict(politeness), **overrides)
            entry["politeness"].update(delay=0.0, max_body_bytes=100 * 1024 * 1024)
            for night in range(1, nights + 1):
                seconds, peak, out = measured(
                    [sys.executable, "-c", CRAWL, json.dumps(entry), archive]
                )
                rows.append((label, f"night {night}", seconds, peak, out.strip()))
    return rows


def main() -> None:
    print("documents (python -m pipeline extract, whole process tree)")
    print(f"{'file':<40} {'KB':>7} {'s':>6} {'peak MB':>8}  status: reason")
    for name, size, seconds, peak, status, reason in documents():
        print(f"{name:<40} {size / 1024:>7.0f} {seconds:>6.2f} {peak:>8.0f}  {status}: {reason}")
    print("\ncrawl (one portal per process, loopback fault server)")
    for label, night, seconds, peak, out in crawl_cases():
        print(f"{label:<38} {night:<8} {seconds:>6.2f} s {peak:>6.0f} MB  {out}")


if __name__ == "__main__":
    main()
