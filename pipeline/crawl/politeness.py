"""One politeness slot per host (``host:port``): one request at a time, spaced, slower when slow.

Portals crawl in parallel threads; every request first takes its host's slot, so two portals
on one host still share one slot while different hosts proceed independently.
"""

from __future__ import annotations

import random
import threading
import time
from contextlib import contextmanager
from urllib.parse import urlsplit

from pipeline.crawl.errors import FetchError
from pipeline.portals.registry import Politeness


def host_key(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{(parts.hostname or '').lower()}:{port}"


class HostSlot:
    def __init__(self, key: str):
        self.key = key
        self.lock = threading.Lock()
        self.next_at = 0.0  # monotonic time before which no request starts
        self.latency = 0.0  # moving average of response times, seconds
        self.blocked_until = 0.0  # wall-clock time (persisted across runs)
        self.blocked_reason = ""

    def observe(self, seconds: float) -> None:
        """A response's time to its headers. Failures and long bodies are not the host's pace:
        a URL dripping until the total-time limit must not slow every later request."""
        self.latency = seconds if self.latency == 0 else 0.7 * self.latency + 0.3 * seconds

    def delay(self, politeness: Politeness) -> float:
        """Configured delay, raised to the host's recent latency (AutoThrottle's rule)."""
        base = min(politeness.max_delay, max(politeness.delay, self.latency))
        spread = politeness.jitter * base
        return max(0.0, base + random.uniform(-spread, spread))


class HostSlots:
    """The slots of one crawl, shared by every portal crawled in it."""

    def __init__(self):
        self._slots: dict[str, HostSlot] = {}
        self._lock = threading.Lock()

    def slot(self, url: str) -> HostSlot:
        key = host_key(url)
        with self._lock:
            if key not in self._slots:
                self._slots[key] = HostSlot(key)
            return self._slots[key]

    def blocked(self) -> dict[str, tuple[float, str]]:
        with self._lock:
            return {
                k: (s.blocked_until, s.blocked_reason)
                for k, s in self._slots.items()
                if s.blocked_until > time.time()
            }

    def block(self, key: str, until: float, reason: str) -> None:
        with self._lock:
            slot = self._slots.setdefault(key, HostSlot(key))
        slot.blocked_until = max(slot.blocked_until, until)
        slot.blocked_reason = reason

    @contextmanager
    def turn(self, url: str, politeness: Politeness):
        """Hold the host's slot for one request; the next request waits out the delay."""
        slot = self.slot(url)
        with slot.lock:
            if slot.blocked_until > time.time():
                raise FetchError(
                    "blocked",
                    f"host {slot.key} is cooling down after an"
                    f" anti-bot answer ({slot.blocked_reason})",
                    retryable=False,
                    attempts=0,
                )
            wait = slot.next_at - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                yield slot
            finally:
                slot.next_at = max(slot.next_at, time.monotonic() + slot.delay(politeness))

    def defer(self, url: str, seconds: float) -> None:
        """Push the host's next request back (backoff, Retry-After)."""
        slot = self.slot(url)
        slot.next_at = max(slot.next_at, time.monotonic() + seconds)
