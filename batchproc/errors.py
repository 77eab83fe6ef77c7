"""The one family of user-facing errors.

Every problem a user can fix (a bad manifest, an unreadable image, a dirty target path) is
raised as a :class:`BatchprocError` and rendered as a single line::

    manifests/x.yaml:14: assets[2].score: 89 is below the minimum 90

Anything else that escapes is a bug in batchproc and is shown with a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "BatchFailed",
    "BatchprocError",
    "ExtractionError",
    "InputError",
    "ManifestError",
    "RepositoryError",
]


class BatchprocError(Exception):
    """A problem the user can fix, shown as one line without a traceback.

    ``file`` and ``line`` say where the problem is, ``where`` names the asset or the manifest
    path (``assets[2].score``), and ``message`` says what is wrong and how to fix it.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        where: str | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.where = where
        super().__init__(self.render())

    def render(self) -> str:
        """The one line shown to the user."""
        prefix = ""
        if self.file is not None:
            prefix = self.file if self.line is None else f"{self.file}:{self.line}"
            prefix += ": "
        if self.where:
            prefix += f"{self.where}: "
        return prefix + self.message

    def lines(self) -> list[str]:
        """All lines to show; one unless the error gathers several problems."""
        return [self.render()]


class InputError(BatchprocError):
    """Bad input: a manifest, an image, a path or a command-line argument (exit code 2)."""


class ManifestError(InputError):
    """A manifest that does not load or validate; may gather several problems."""

    def __init__(self, problems: Iterable[BatchprocError]) -> None:
        self.problems = list(problems)
        first = self.problems[0]
        super().__init__(first.message, file=first.file, line=first.line, where=first.where)

    def lines(self) -> list[str]:
        return [problem.render() for problem in self.problems]


class ExtractionError(BatchprocError):
    """An image whose design facts could not be extracted (fails the asset, exit code 1)."""

    exit_code = 1


class RepositoryError(InputError):
    """The target repository is in a state batchproc will not write to (exit code 2)."""


class BatchFailed(BatchprocError):
    """One or more assets failed; nothing was written (exit code 1)."""

    exit_code = 1

    def __init__(self, failures: Iterable[BatchprocError]) -> None:
        self.failures = list(failures)
        count = len(self.failures)
        noun = "asset" if count == 1 else "assets"
        super().__init__(f"{count} {noun} failed; nothing was written and no commit was made")

    def lines(self) -> list[str]:
        return [failure.render() for failure in self.failures] + [self.render()]
