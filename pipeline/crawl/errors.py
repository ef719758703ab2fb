"""Why a fetch failed, in the classes the catalog and the warehouse (``raw.fetch_errors``) use."""

from __future__ import annotations

CLASSES = ("timeout", "http", "blocked", "too_large", "robots", "redirect", "connection", "invalid")


class FetchError(Exception):
    """A request that did not yield a usable response.

    ``retryable`` says whether the next run should try again (timeouts, connection errors,
    5xx/408/429, robots.txt unavailable) or leave the URL alone (404, a WAF page, a redirect off
    the allow-list, an oversize body, a robots.txt rule).
    """

    def __init__(
        self,
        cls: str,
        message: str,
        *,
        retryable: bool,
        http_status: int | None = None,
        attempts: int = 1,
        url: str | None = None,
    ):
        assert cls in CLASSES, cls
        super().__init__(message)
        self.cls = cls
        self.message = message
        self.retryable = retryable
        self.http_status = http_status
        self.attempts = attempts
        self.url = url
        self.retry_after: float | None = None  # seconds the server asked us to wait
        # False when trying again in this run would cost as much again (a body dripping until
        # the total-time limit): the URL waits for the next run instead.
        self.retry_now = True

    def __str__(self) -> str:
        status = f" {self.http_status}" if self.http_status else ""
        return f"{self.cls}{status}: {self.message}"
