"""The checks behind the pytest plugin: one manifest, a check for the batch and one per asset.

The manifest check is the schema, the rules and the plugins' ``batchproc_check_manifest``.
An asset's check is its own problems from loading (score, file exists and is a PNG, …), then a
dry run of its extraction and rendering — files written under a temporary folder, never to a
repository, no commit — and finally its targets against every other asset's. Each failure is
a :class:`~batchproc.errors.BatchprocError`: the same one line, with the manifest's path and
line, that ``batchproc apply`` would print.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Any

from batchproc import _yaml
from batchproc._context import RunContext
from batchproc._manifest import load_manifest
from batchproc._plugins import PluginManager, make_plugin_manager
from batchproc._runner import (
    AssetResult,
    SilentProgress,
    check_manifest,
    collect_files,
    commit_message,
    located,
    process_asset,
    run_trio,
)
from batchproc.errors import BatchprocError, ManifestError
from batchproc.models import Asset, Manifest

MANIFEST_CHECK = "manifest"
_ASSET_WHERE = re.compile(r"^assets\[(\d+)\]")


class NotChecked(Exception):
    """An asset that cannot be checked because its manifest does not load (that check fails)."""


class ManifestChecks:
    """Every check of one manifest file; results are computed once and shared by its items."""

    def __init__(self, path: Path, display: str, workdir: Path) -> None:
        self.display = display
        self.workdir = workdir
        self.manifest: Manifest | None = None
        self.problems: list[BatchprocError] = []
        try:
            self.manifest = load_manifest(display)
        except ManifestError as error:
            self.problems = error.problems
        except BatchprocError as error:
            self.problems = [error]
        self._rendered: dict[str, AssetResult | BatchprocError] = {}
        self._manifest_problem: BatchprocError | bool | None = None  # None: not checked yet
        self.assets = self._asset_names(path)
        """(item name, manifest line) of each asset, in manifest order."""

    def names(self) -> list[tuple[str, int | None]]:
        """The checks to run, by name, with the line each is about."""
        return [(MANIFEST_CHECK, 1), *self.assets]

    def check(self, name: str) -> None:
        """Run the check ``name``; raise the problems it finds."""
        if name == MANIFEST_CHECK:
            self._check_manifest()
            return
        index = [asset for asset, _ in self.assets].index(name)
        own = [p for p in self.problems if _asset_index(p) == index]
        if own:
            raise ManifestError(own)
        try:
            self._check_manifest()
        except BatchprocError:
            raise NotChecked(f"not checked: {self.display} has problems; see {self.display}::{MANIFEST_CHECK}") from None
        if self.manifest is None:
            raise NotChecked(f"not checked: {self.display} does not load until the other assets' problems are fixed")
        asset = self.manifest.assets[index]
        result = self._render(asset)
        if isinstance(result, BatchprocError):
            raise result
        self._check_targets(asset)

    def _check_manifest(self) -> None:
        """Problems of the batch as a whole; an asset's own problems fail that asset's check."""
        if self._manifest_problem is None:
            self._manifest_problem = False
            try:
                problems = [p for p in self.problems if _asset_index(p) is None]
                if problems:
                    raise ManifestError(problems)
                if self.manifest is not None:
                    check_manifest(self.manifest, self._manager)
                    commit_message(self.manifest)
            except BatchprocError as error:
                self._manifest_problem = error
        if self._manifest_problem:
            raise self._manifest_problem

    @cached_property
    def _manager(self) -> PluginManager:
        return make_plugin_manager()  # one per manifest, as one per apply

    def _render(self, asset: Asset) -> AssetResult | BatchprocError:
        """The asset extracted and rendered once, its files written under the work folder."""
        if asset.asset_id not in self._rendered:
            assert self.manifest is not None
            run = RunContext(repo_root=self.workdir, concurrency=self.manifest.limits.concurrency, dry_run=True)
            try:
                result = run_trio(process_asset, asset, self.manifest, self._manager, run, SilentProgress())
                for output in result.files:
                    target = self.workdir.joinpath(*output.path.split("/"))
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(output.data)
                self._rendered[asset.asset_id] = result
            except BatchprocError as error:
                self._rendered[asset.asset_id] = located(error, asset, self.display, move_other_files=True)
        return self._rendered[asset.asset_id]

    def _check_targets(self, asset: Asset) -> None:
        """The asset's paths against every other asset's (those that render); theirs come first."""
        assert self.manifest is not None
        results = {asset.asset_id: self._render(asset)}
        for other in self.manifest.assets:
            if other is not asset and not isinstance(self._render(other), BatchprocError):
                results[other.asset_id] = self._render(other)
        order = tuple(a for a in self.manifest.assets if a.asset_id in results and a is not asset) + (asset,)
        collect_files(self.manifest.model_copy(update={"assets": order}), results)  # type: ignore[arg-type]

    def _asset_names(self, path: Path) -> list[tuple[str, int | None]]:
        """Asset ids and lines, from the loaded manifest or, when it does not load, the raw YAML.

        An id that is missing, repeated or ``manifest`` is named by its place (``assets[2]``).
        """
        if self.manifest is not None:
            raw: list[tuple[Any, int | None]] = [(asset.asset_id, asset.line) for asset in self.manifest.assets]
        else:
            raw = _raw_assets(path, self.display)
        names: list[tuple[str, int | None]] = []
        for index, (asset_id, line) in enumerate(raw):
            taken = {name for name, _ in names} | {MANIFEST_CHECK}
            name = asset_id if isinstance(asset_id, str) and asset_id and asset_id not in taken else f"assets[{index}]"
            names.append((name, line))
        return names


def _raw_assets(path: Path, display: str) -> list[tuple[Any, int | None]]:
    try:
        document = _yaml.load(path.read_text(encoding="utf-8-sig"), file=display)
    except (BatchprocError, OSError, UnicodeDecodeError):
        return []
    data = document.data
    assets = data.get("assets") if isinstance(data, dict) else None
    if not isinstance(assets, list):
        return []
    return [
        (raw.get("asset_id") if isinstance(raw, dict) else None, document.line_of(("assets", index)))
        for index, raw in enumerate(assets)
    ]


def _asset_index(problem: BatchprocError) -> int | None:
    match = _ASSET_WHERE.match(problem.where or "")
    return int(match.group(1)) if match else None
