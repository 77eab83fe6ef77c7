"""Terminal output: a live progress display on a terminal, plain lines elsewhere.

The only module that imports rich, and only when a display is shown: rich takes about 0.1 s
to import, which ``validate``, ``plan`` and every quiet or piped run do not need to pay.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from batchproc._runner import Progress, SilentProgress

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgressBar


class PlainProgress:
    """One line per stage change, for CI logs and pipes."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started = time.perf_counter()

    def _say(self, text: str) -> None:
        print(f"[{time.perf_counter() - self.started:6.2f}s] {text}", file=self.stream, flush=True)

    def stage(self, asset_id: str, stage: str) -> None:
        self._say(f"{asset_id}: {stage}")

    def finished(self, asset_id: str, ok: bool) -> None:
        self._say(f"{asset_id}: {'done' if ok else 'failed'}")


class LiveProgress:
    """A rich progress display, one row per asset."""

    def __init__(self, bar: RichProgressBar) -> None:
        self.bar = bar
        self.rows: dict[str, int] = {}

    def _row(self, asset_id: str) -> int:
        if asset_id not in self.rows:
            self.rows[asset_id] = self.bar.add_task(asset_id, total=None, status="queued")
        return self.rows[asset_id]

    def stage(self, asset_id: str, stage: str) -> None:
        self.bar.update(self._row(asset_id), status=stage)

    def finished(self, asset_id: str, ok: bool) -> None:
        self.bar.update(self._row(asset_id), status="done" if ok else "[red]failed", total=1, completed=1)


@contextmanager
def progress_display(*, quiet: bool, stream: TextIO | None = None) -> Iterator[Progress]:
    """A live display on a terminal, plain lines in CI or a pipe, nothing when ``quiet``."""
    stream = stream or sys.stderr
    if quiet:
        yield SilentProgress()
        return
    from rich.console import Console
    from rich.progress import Progress as RichProgressBar
    from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(file=stream)
    if not console.is_terminal or console.is_dumb_terminal:
        yield PlainProgress(stream)
        return
    columns = (
        SpinnerColumn(finished_text="✓"),
        TextColumn("{task.description:<12}"),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
    )
    with RichProgressBar(*columns, console=console, transient=False) as bar:
        yield LiveProgress(bar)


def print_lines(lines: Iterable[str], *, stream: TextIO | None = None) -> None:
    """Plain lines to stdout (or ``stream``); rich markup is never interpreted in user text."""
    for line in lines:
        print(line, file=stream or sys.stdout)
