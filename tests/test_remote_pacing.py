"""Retry-After, backoff and the run's rate limit (on trio's virtual clock: real trio, no waiting)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import trio
import trio.testing

from batchproc._remote.pacing import RateLimit, backoff_delay, retry_after_seconds

NOW = datetime(2026, 12, 3, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("7", 7.0),
        (" 2 ", 2.0),
        ("1.5", 1.5),
        ("Thu, 03 Dec 2026 12:00:30 GMT", 30.0),
        ("Thursday, 03-Dec-26 12:01:00 GMT", 60.0),
        ("Thu, 03 Dec 2026 11:59:00 GMT", 0.0),
        ("Thu, 03 Dec 2026 12:00:05 -0000", 5.0),
        ("-3", None),
        ("soon", None),
        ("", None),
        ("Thu, 99 Dec 2026 12:00:00 GMT", None),
        (None, None),
    ],
)
def test_retry_after_is_seconds_or_an_http_date_and_garbage_is_ignored(header: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(header, NOW) == seconds


def test_backoff_doubles_up_to_the_cap() -> None:
    assert [backoff_delay(attempt, 0.5, 3.0) for attempt in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_the_rate_limit_holds_in_every_window_and_lets_a_burst_through() -> None:
    starts: list[float] = []

    async def main() -> None:
        limit = RateLimit(3, period=60.0)

        async def request() -> None:
            await limit.acquire()
            starts.append(trio.current_time())

        async with trio.open_nursery() as nursery:
            for _ in range(8):
                nursery.start_soon(request)

    trio.run(main, clock=trio.testing.MockClock(autojump_threshold=0))
    assert starts == [0.0, 0.0, 0.0, 60.0, 60.0, 60.0, 120.0, 120.0]
    for start in starts:
        assert sum(start <= other < start + 60.0 for other in starts) <= 3


def test_the_rate_limit_counts_from_each_start_not_from_whole_minutes() -> None:
    starts: list[float] = []

    async def main() -> None:
        limit = RateLimit(2, period=60.0)
        for at in (0.0, 10.0, 20.0, 25.0, 80.0):
            await trio.sleep_until(at)
            await limit.acquire()
            starts.append(trio.current_time())

    trio.run(main, clock=trio.testing.MockClock(autojump_threshold=0))
    assert starts == [0.0, 10.0, 60.0, 70.0, 120.0]
