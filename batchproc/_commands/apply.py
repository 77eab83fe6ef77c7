"""``batchproc apply``: ship a batch as one commit (or, with ``--changed-since``, each changed batch)."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from batchproc import _testpoint
from batchproc._commands import target_root
from batchproc._console import print_lines, progress_display
from batchproc._context import RunContext
from batchproc._manifest import load_manifest
from batchproc._plugins import make_plugin_manager
from batchproc._report import BatchReport
from batchproc._runner import check_manifest, run_batch
from batchproc.errors import BatchprocError, InputError
from batchproc.models import Manifest

DEFAULT_MANIFESTS = ("manifests/*.yaml", "manifests/*.yml", "manifests/*.json")
"""Where ``--changed-since`` looks when no manifest is named (relative to the repository root)."""


def apply(
    manifest_paths: str | Sequence[str],
    *,
    changed_since: str | None = None,
    repo: str | None = None,
    json_output: bool = False,
    quiet: bool = False,
    force: bool = False,
    branch: str | None = None,
    use_cache: bool = True,
) -> int:
    """Apply each manifest to its repository (the one holding it, or ``repo``), one commit each.

    With ``changed_since``, only those of the manifests (default: ``manifests/*.yaml|yml|json``
    of the repository) that changed between that commit and HEAD; none changed is not an error.
    Manifests are applied in order and the first failure stops the rest; those already applied
    stay committed, and running the same command again finds them unchanged.
    """
    paths = [manifest_paths] if isinstance(manifest_paths, str) else list(manifest_paths)
    if changed_since is not None:
        paths = changed_manifests(paths, changed_since, repo=repo, branch=branch)
        if not paths:
            print(json.dumps([]) if json_output else f"No manifests changed since {changed_since}; nothing to apply.")
            return 0
    elif not paths:
        raise InputError("give a manifest to apply, or --changed-since REF to apply the manifests changed since REF")
    several = changed_since is not None or len(paths) > 1
    # All loaded first: bad input in any manifest stops the run before the first commit, not halfway.
    manifests = [load_manifest(path) for path in paths]
    reports: list[BatchReport] = []
    for number, (path, manifest) in enumerate(zip(paths, manifests), start=1):
        try:
            if several and not json_output:
                print(f"== {path}")
            _testpoint.reached(f"manifest-{number}")
            report = apply_one(
                manifest,
                repo=repo,
                quiet=quiet or json_output,
                force=force,
                branch=branch,
                use_cache=use_cache,
            )
        except KeyboardInterrupt as interrupt:
            if not reports:
                raise
            raise KeyboardInterrupt(_interrupted_after(path, reports, interrupt)) from None
        except BatchprocError as error:
            if reports:  # "exit 1 or 2 means nothing was written" holds for this manifest only
                error.add_note(f"applied before {path}, and kept: {_landed(reports)}")
            raise
        reports.append(report)
        if not json_output:
            print_lines(report.lines())
    if json_output:
        data = [report.to_json() for report in reports]
        print(json.dumps(data if several else data[0], indent=2))
    return 0


def _interrupted_after(path: str, applied: Sequence[BatchReport], interrupt: KeyboardInterrupt) -> str:
    """What Ctrl-C left behind in a multi-manifest apply: the manifests already committed stay."""
    detail = interrupt.args[0] if interrupt.args and isinstance(interrupt.args[0], str) else None
    now = detail or f"nothing of {path} was written"
    return f"{now}; applied before it: {_landed(applied)}"


def _landed(applied: Sequence[BatchReport]) -> str:
    return ", ".join(
        f"{report.manifest} as {report.commit}" if report.commit else f"{report.manifest} (no changes)"
        for report in applied
    )


def apply_one(
    manifest: Manifest, *, repo: str | None, quiet: bool, force: bool, branch: str | None, use_cache: bool
) -> BatchReport:
    """One loaded manifest, one run: a fresh plugin manager and one commit (or none if unchanged)."""
    run = RunContext(
        repo_root=target_root(repo, manifest.path.parent),
        concurrency=manifest.limits.concurrency,
        force=force,
        branch=branch,
        use_cache=use_cache,
    )
    from batchproc._gitrepo import TargetRepository

    manager = make_plugin_manager()
    # The manifest's own problems first, then a repository that cannot take a commit (none,
    # bare, mid-merge, detached HEAD): both before spending time, or a remote model's quota.
    check_manifest(manifest, manager)
    TargetRepository.discover(run.repo_root, branch=branch)
    with progress_display(quiet=quiet) as progress:
        return run_batch(manifest, manager, run, progress, checked=True)


def changed_manifests(candidates: Sequence[str], ref: str, *, repo: str | None, branch: str | None) -> list[str]:
    """Those of ``candidates`` (or of the default globs) that differ between ``ref`` and HEAD."""
    from batchproc._gitrepo import TargetRepository  # pygit2 loads only for --changed-since

    repository = TargetRepository.discover(target_root(repo, Path.cwd()), branch=branch)
    root = repository.root.resolve()
    changed = set(repository.changed_files_since(ref))
    if not candidates:
        found = sorted({path for pattern in DEFAULT_MANIFESTS for path in root.glob(pattern)})
        candidates = [os.path.relpath(path) for path in found]
    selected = []
    for candidate in candidates:
        absolute = Path(candidate).resolve()
        if not absolute.is_relative_to(root):
            raise InputError(f"is not inside the repository {root} that --changed-since reads", file=candidate)
        if absolute.relative_to(root).as_posix() in changed and absolute.is_file():
            selected.append(candidate)
    return selected
