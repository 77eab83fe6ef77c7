"""What ``apply`` would do, worked out without writing anything.

An asset whose ``tokens.json`` in HEAD records the same input fingerprint (see
:mod:`batchproc._provenance`) is up to date: its files in HEAD are reported as unchanged and
its image is not extracted again. Every other asset is rendered in memory and its files are
compared with HEAD, then checked against the work tree as ``apply`` would check them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import pluggy

from batchproc._context import RunContext
from batchproc._ownership import superseded_by
from batchproc._provenance import input_fingerprints, read_provenances
from batchproc._runner import check_manifest, collect_files, commit_message, render_assets
from batchproc.models import Asset, Manifest

if TYPE_CHECKING:  # pygit2 loads only through _gitrepo, which the caller opened
    from batchproc._gitrepo import TargetRepository

Status = Literal["add", "change", "same", "remove"]


@dataclass(frozen=True)
class PlannedFile:
    """One file of the batch and what apply would do to it."""

    path: str
    status: Status
    asset_id: str


@dataclass(frozen=True)
class Plan:
    """Every file of the batch with its status, the commit message, and the assets found current."""

    files: tuple[PlannedFile, ...]
    message: str
    up_to_date: tuple[str, ...]
    """Assets whose HEAD provenance matched: not extracted again."""

    @property
    def counts(self) -> dict[Status, int]:
        """How many files apply would add, change, remove and leave as they are."""
        statuses: tuple[Status, ...] = ("add", "change", "same", "remove")
        return {status: sum(1 for f in self.files if f.status == status) for status in statuses}

    @property
    def pending(self) -> bool:
        """Whether apply would make a commit."""
        return any(f.status != "same" for f in self.files)

    def lines(self) -> list[str]:
        """The plan as a terminal shows it."""
        symbols = {"add": "+", "change": "~", "same": "=", "remove": "-"}
        lines = [f"  {symbols[f.status]} {f.path}" for f in self.files]
        counts = self.counts
        if self.pending:
            removing = f", {counts['remove']} to remove" if counts["remove"] else ""
            lines.append(
                f"Plan: {counts['add']} to add, {counts['change']} to change{removing}, {counts['same']} unchanged."
            )
            lines.append(f"Commit message: {self.message.strip().splitlines()[0]}")
        else:
            lines.append("No changes: the repository already holds this batch.")
        if self.up_to_date:
            lines.append(f"Up to date in HEAD, not extracted again: {', '.join(self.up_to_date)}")
        return lines

    def to_json(self) -> dict[str, Any]:
        """The plan for ``--json``."""
        return {
            "changes": [{"path": f.path, "status": f.status, "asset_id": f.asset_id} for f in self.files],
            "counts": self.counts,
            "message": self.message if self.pending else None,
            "up_to_date": list(self.up_to_date),
        }


def make_plan(manifest: Manifest, manager: pluggy.PluginManager, run: RunContext, repository: TargetRepository) -> Plan:
    """Compare the batch with ``repository``'s HEAD; raises what ``apply`` would refuse with."""
    check_manifest(manifest, manager)  # plugins' manifest checks run even when nothing is extracted
    fingerprints = input_fingerprints(manifest, manager)
    current = {}
    for asset in manifest.assets:
        paths = current_files(repository, manifest, asset, fingerprints[asset.asset_id])
        if paths is not None:
            current[asset.asset_id] = paths
    stale = tuple(asset for asset in manifest.assets if asset.asset_id not in current)
    rows: dict[str, PlannedFile] = {}
    files: dict[str, bytes] = {}
    owner: dict[str, str] = {}
    if stale:
        partial = manifest.model_copy(update={"assets": stale})
        results = render_assets(partial, manager, run, checked=True)  # checked above
        files = collect_files(partial, results)
        owner = {output.path: asset_id for asset_id, result in results.items() for output in result.files}
    for asset_id, paths in current.items():
        rows.update((path, PlannedFile(path, "same", asset_id)) for path in paths)
        files.update((path, repository.head_blob(path) or b"") for path in paths)  # the output is HEAD's
    # Classified once the batch is complete, so the work-tree check below reuses these hashes.
    for change in repository.classify(files):
        if change.path in owner:
            rows[change.path] = PlannedFile(change.path, change.status, owner[change.path])
    packages = repository.head_paths(manifest.layout.packages)
    remove = superseded_by(files, manifest, packages, repository.head_blob)
    rows.update((path, PlannedFile(path, "remove", asset_id)) for path, asset_id in remove.items())
    repository.check_worktree(files, force=run.force, remove=remove)  # what apply would refuse, plan refuses
    order = {asset.asset_id: index for index, asset in enumerate(manifest.assets)}
    planned = sorted(rows.values(), key=lambda f: (order[f.asset_id], f.path))
    return Plan(
        tuple(planned), commit_message(manifest), tuple(a.asset_id for a in manifest.assets if a.asset_id in current)
    )


def current_files(repository: TargetRepository, manifest: Manifest, asset: Asset, fingerprint: str) -> list[str] | None:
    """The asset's files in HEAD when HEAD's tokens.json records ``fingerprint``; else None.

    The files are its package folder's and its public PNG (named in the provenance), which is
    what the built-in stages write; a package folder is found by its tokens.json, whatever the
    folder's name.
    """
    packages = manifest.layout.packages.strip("/")
    for path in repository.head_paths(packages):
        folder, _, name = path.rpartition("/")
        if name != "tokens.json" or folder.count("/") != packages.count("/") + 1:
            continue
        provenance = next(iter(read_provenances(repository.head_blob(path))), {})
        if provenance.get("asset_id") != asset.asset_id or provenance.get("inputs") != fingerprint:
            continue
        public = provenance.get("public_path")
        if not isinstance(public, str) or repository.head_blob(public) is None:
            return None
        return sorted({*repository.head_paths(folder), public})
    return None
