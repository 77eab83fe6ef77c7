"""pytest plugin: ``pytest`` checks batch manifests, one test per manifest and per asset.

Registered through the ``pytest11`` entry point, so it is active wherever batchproc and pytest
are installed together. The ini option ``batchproc_manifests`` (default ``manifests/*.yaml``;
globs relative to the rootdir, several separated by spaces) names the manifests; each becomes a
file of tests: ``<manifest>::manifest`` (schema, rules, plugin checks) and ``<manifest>::<asset>``
(score, the PNG, a dry run of extraction and rendering into a temp folder, target collisions).
A failure is the one line ``apply`` would print — ``manifests/x.yaml:14: assets[2].score: …`` —
not a traceback.

It costs nothing when unused: this module imports only pytest and the standard library;
batchproc's own modules load when a manifest is actually collected.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

INI = "batchproc_manifests"
DEFAULT = ["manifests/*.yaml"]
_MATCHED = pytest.StashKey[frozenset[Path]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(INI, type="args", default=DEFAULT, help=f"globs of batchproc manifests to check (default: {DEFAULT[0]})")


def pytest_configure(config: pytest.Config) -> None:
    for pattern in config.getini(INI):
        if Path(pattern).is_absolute():  # Path.glob refuses them; say so before collecting
            raise pytest.UsageError(f"{INI}: {pattern} must be relative to the rootdir ({config.rootpath})")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path in _manifests(parent.config):
        return ManifestFile.from_parent(parent, path=file_path)
    return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A skipped manifest check points at the manifest's line, not at this module."""
    report = yield
    if isinstance(item, ManifestItem) and report.skipped and isinstance(report.longrepr, tuple):
        report.longrepr = (str(item.path), item.line or 1, report.longrepr[2])
    return report


def _manifests(config: pytest.Config) -> frozenset[Path]:
    """The files the ini globs match, found once per session."""
    if _MATCHED not in config.stash:
        root = config.rootpath
        config.stash[_MATCHED] = frozenset(path for pattern in config.getini(INI) for path in root.glob(pattern) if path.is_file())
    return config.stash[_MATCHED]


class ManifestFile(pytest.File):
    """One manifest: loaded once, its checks shared by its items."""

    def collect(self) -> Any:
        from batchproc._manifest_checks import ManifestChecks  # batchproc loads only now

        relative = os.path.relpath(self.path)
        display = relative if not relative.startswith("..") else str(self.path)
        factory = getattr(self.config, "_tmp_path_factory", None)  # pytest's own --basetemp folder
        workdir = factory.mktemp("batchproc-dry-run") if factory is not None else Path(tempfile.mkdtemp(prefix="batchproc-"))
        self.checks = ManifestChecks(self.path, display, workdir)
        for name, line in self.checks.names():
            yield ManifestItem.from_parent(self, name=name, line=line)


class ManifestItem(pytest.Item):
    """One check: the manifest as a whole, or one asset."""

    def __init__(self, *, line: int | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.line = line

    def runtest(self) -> None:
        from batchproc._manifest_checks import NotChecked

        try:
            self.parent.checks.check(self.name)  # type: ignore[attr-defined]
        except NotChecked as reason:
            pytest.skip(str(reason))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:  # type: ignore[override]
        from batchproc.errors import BatchprocError

        if isinstance(excinfo.value, BatchprocError):
            return "\n".join(excinfo.value.lines())
        return str(super().repr_failure(excinfo, style=style))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, (self.line - 1 if self.line else None), f"{self.name} ({self.path.name})"
