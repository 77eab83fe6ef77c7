"""``batchproc apply``: ship a batch as one commit."""

from __future__ import annotations

import json

from batchproc._commands import target_root
from batchproc._console import print_lines, progress_display
from batchproc._context import RunContext
from batchproc._manifest import load_manifest
from batchproc._plugins import make_plugin_manager
from batchproc._runner import run_batch


def apply(
    manifest_path: str,
    *,
    repo: str | None = None,
    json_output: bool = False,
    quiet: bool = False,
    force: bool = False,
    branch: str | None = None,
    use_cache: bool = True,
) -> int:
    """Apply one manifest to its repository (the one holding it, or ``repo``)."""
    manifest = load_manifest(manifest_path)
    manager = make_plugin_manager()
    run = RunContext(
        repo_root=target_root(repo, manifest.path.parent),
        concurrency=manifest.limits.concurrency,
        force=force,
        branch=branch,
        use_cache=use_cache,
    )
    with progress_display(quiet=quiet or json_output) as progress:
        report = run_batch(manifest, manager, run, progress)
    if json_output:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print_lines(report.lines())
    return 0
