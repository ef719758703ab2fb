"""One request at a time per host, hosts in parallel; checked by the servers, not by a clock."""

from __future__ import annotations

import threading

from pipeline.crawl import crawl
from tests.crawl.faultsite import PDF, Server, basic_site, conf_for, make_portal, send


def instrument(site, counters: dict, name: str):
    original = site.serve
    lock = threading.Lock()

    def serve(handler):
        with lock:
            counters[name] = counters.get(name, 0) + 1
            counters[name + "_max"] = max(counters.get(name + "_max", 0), counters[name])
        try:
            original(handler)
        finally:
            with lock:
                counters[name] -= 1

    site.serve = serve


def test_one_request_per_host_hosts_in_parallel(tmp_path):
    a, b = basic_site(), basic_site()
    counters: dict = {}
    instrument(a, counters, "a")
    instrument(b, counters, "b")
    b_started = threading.Event()
    overlapped = []
    original_b = b.serve

    def b_serve(handler):
        b_started.set()
        original_b(handler)

    b.serve = b_serve

    def a_waits_for_b(h, site):
        # host A holds its only slot until host B has been asked something: possible only if
        # the two hosts are crawled concurrently
        overlapped.append(b_started.wait(timeout=20))
        send(h, 200, PDF + b"2021", "application/pdf")

    a.fault("/files/2021.pdf", a_waits_for_b)
    with Server(a) as sa, Server(b) as sb:
        portals = [
            make_portal(sa.port, id="host-a", politeness={"delay": 0.01}),
            make_portal(sb.port, id="host-b", politeness={"delay": 0.01}),
        ]
        # two portals on host B share its slot too
        portals.append(make_portal(sb.port, id="host-b2", politeness={"delay": 0.01}))
        summary = crawl(portals, conf_for(tmp_path), progress=False)
    assert not summary.errors
    assert overlapped == [True]
    assert counters["a_max"] == 1 and counters["b_max"] == 1
