"""How fast requests may go: the run's rate limit, backoff between attempts, ``Retry-After``."""

from __future__ import annotations

import collections
import email.utils
import re
from datetime import UTC, datetime

import trio

_SECONDS = re.compile(r"^\d+(\.\d+)?$")


class RateLimit:
    """At most ``count`` requests started in any ``period`` seconds (a sliding window).

    A window rather than an even spacing: five assets under a limit of 10 per minute all start
    at once instead of one every six seconds, and the limit still holds for every minute. One
    instance serves every asset of a run; waiters are served in arrival order.
    """

    def __init__(self, count: int, period: float = 60.0) -> None:
        self.count = count
        self.period = period
        self.starts: collections.deque[float] = collections.deque()
        self._lock = trio.Lock()  # trio's Lock is fair: first come, first served

    async def acquire(self) -> None:
        """Wait until one more request may start, and count it."""
        async with self._lock:
            while True:
                now = trio.current_time()
                while self.starts and self.starts[0] <= now - self.period:
                    self.starts.popleft()
                if len(self.starts) < self.count:
                    self.starts.append(now)
                    return
                await trio.sleep_until(self.starts[0] + self.period)


def backoff_delay(attempt: int, base: float, cap: float) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (0 for the first): capped doubling."""
    return min(cap, base * 2**attempt)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """A ``Retry-After`` header in seconds: delta-seconds or an HTTP date; None when absent or garbage."""
    if value is None:
        return None
    value = value.strip()
    if _SECONDS.match(value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000" means UTC with no zone information (RFC 5322)
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
