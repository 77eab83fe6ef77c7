"""What one run shares with every stage: the repository, the options, the thread limiter."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import trio

T = TypeVar("T")


@dataclass
class RunContext:
    """Shared by the stages of one run; a new one for every run.

    ``limiter`` caps the work in flight (the manifest's ``limits.concurrency``), so a stage
    running blocking work goes through :meth:`to_thread` rather than calling trio directly.
    """

    repo_root: Path
    concurrency: int = 5
    force: bool = False
    use_cache: bool = True
    cache_dir: Path | None = None
    branch: str | None = None
    dry_run: bool = False
    inputs: dict[str, str] = field(default_factory=dict)
    """Each asset's input fingerprint by asset id (see ``_provenance``), recorded in tokens.json."""
    changes: dict[str, str] = field(default_factory=dict)
    """How each file of the batch compared with the target before the commit (``add``,
    ``change``, ``same``), filled by the commit stage for the report; empty if it cannot tell."""
    limiter: trio.CapacityLimiter = field(init=False)
    plugin_state: dict[str, Any] = field(default_factory=dict)
    """What a plugin shares between the assets of this run (the http extractor's rate limit),
    under the plugin's name; it dies with the run, so no state leaks from one run to the next."""

    def __post_init__(self) -> None:
        self.limiter = trio.CapacityLimiter(self.concurrency)

    async def to_thread(self, fn: Callable[..., T], *args: Any) -> T:
        """Run blocking ``fn(*args)`` in a worker thread under the run's limiter."""
        return await trio.to_thread.run_sync(fn, *args, limiter=self.limiter)


async def resolve(value: T | Awaitable[T]) -> T:
    """A hook's answer, awaited when the hook returned an awaitable: the one async boundary."""
    if inspect.isawaitable(value):
        return await value
    return value


async def resolve_all(values: list[T | Awaitable[T]]) -> list[T]:
    """Every answer of a collecting hook, in order; on failure the rest are closed, not leaked."""
    results: list[T] = []
    try:
        for value in values:
            results.append(await resolve(value))
    finally:
        for value in values[len(results) + 1 :]:
            if inspect.iscoroutine(value):
                value.close()
    return results
