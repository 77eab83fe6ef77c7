"""``batchproc plan``: what ``apply`` would add, change or leave as it is; writes nothing."""

from __future__ import annotations

import json

from batchproc._commands import target_root
from batchproc._console import print_lines
from batchproc._context import RunContext
from batchproc._manifest import load_manifest
from batchproc._plugins import make_plugin_manager
from batchproc._runner import commit_message, render_batch


def plan(manifest_path: str, *, repo: str | None = None, json_output: bool = False, detailed_exitcode: bool = False) -> int:
    """Render the batch in memory and compare every file with the repository's HEAD."""
    from batchproc._gitrepo import TargetRepository

    manifest = load_manifest(manifest_path)
    manager = make_plugin_manager()
    run = RunContext(repo_root=target_root(repo, manifest.path.parent), concurrency=manifest.limits.concurrency, dry_run=True)
    repository = TargetRepository.discover(run.repo_root)
    changes = repository.classify(render_batch(manifest, manager, run))
    counts = {status: sum(1 for change in changes if change.status == status) for status in ("add", "change", "same")}
    pending = counts["add"] + counts["change"] > 0
    message = commit_message(manifest)
    if json_output:
        print(json.dumps({"changes": [{"path": c.path, "status": c.status} for c in changes], "counts": counts, "message": message if pending else None}, indent=2))
    else:
        symbols = {"add": "+", "change": "~", "same": "="}
        lines = [f"  {symbols[c.status]} {c.path}" for c in changes]
        if pending:
            lines.append(f"Plan: {counts['add']} to add, {counts['change']} to change, {counts['same']} unchanged.")
            lines.append(f"Commit message: {message}")
        else:
            lines.append("No changes: the repository already holds this batch.")
        print_lines(lines)
    return 2 if detailed_exitcode and pending else 0
