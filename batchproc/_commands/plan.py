"""``batchproc plan``: what ``apply`` would add, change or leave as it is; writes nothing.

With ``--detailed-exitcode`` the exit code tells the outcome, as ``terraform plan`` does: 0 no
changes, 2 changes to apply, 1 an error (any error, bad input included, so 2 means only
"changes").
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from batchproc._commands import target_root
from batchproc._console import print_lines
from batchproc._context import RunContext
from batchproc._manifest import load_manifest
from batchproc._plan import make_plan
from batchproc._plugins import make_plugin_manager
from batchproc.errors import BatchprocError

EXIT_NO_CHANGES, EXIT_ERROR, EXIT_CHANGES = 0, 1, 2


def plan(
    manifest_path: str,
    *,
    repo: str | None = None,
    branch: str | None = None,
    force: bool = False,
    json_output: bool = False,
    detailed_exitcode: bool = False,
    plugins: Iterable[object] = (),
) -> int:
    """Show what applying ``manifest_path`` would do to its repository; write nothing."""
    try:
        result = _plan(manifest_path, repo, branch, force, plugins)
    except BatchprocError as error:
        if detailed_exitcode:
            error.exit_code = EXIT_ERROR  # 2 is taken by "changes"
        raise
    if json_output:
        print(json.dumps(result.to_json(), indent=2))
    else:
        print_lines(result.lines())
    return EXIT_CHANGES if detailed_exitcode and result.pending else EXIT_NO_CHANGES


def _plan(manifest_path: str, repo: str | None, branch: str | None, force: bool, plugins: Iterable[object]):  # type: ignore[no-untyped-def]
    from batchproc._gitrepo import TargetRepository  # pygit2 loads only for commands that need it

    manifest = load_manifest(manifest_path)
    manager = make_plugin_manager(plugins)
    root = target_root(repo, manifest.path.parent)
    # dry_run: no stage writes to the repository; only the extraction cache may be filled.
    run = RunContext(repo_root=root, concurrency=manifest.limits.concurrency, force=force, branch=branch, dry_run=True)
    return make_plan(manifest, manager, run, TargetRepository.discover(root, branch=branch))
