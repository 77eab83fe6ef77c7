"""``batchproc validate``: check manifests only (schema and rules), fast, reading no pixels."""

from __future__ import annotations

import json

from batchproc._console import print_lines
from batchproc._manifest import load_manifest
from batchproc._plugins import make_plugin_manager
from batchproc._runner import check_manifest
from batchproc.errors import BatchprocError


def validate(manifest_paths: list[str], *, json_output: bool = False) -> int:
    """Validate every manifest given; report every problem; exit 2 if any has one."""
    manager = make_plugin_manager()
    results: dict[str, list[str]] = {}
    for path in manifest_paths:
        try:
            # the same checks apply and plan make before reading pixels: a name no extractor has,
            # and every plugin's manifest check
            check_manifest(load_manifest(path), manager)
            results[path] = []
        except BatchprocError as error:
            results[path] = error.lines()
    if json_output:
        print(json.dumps({path: {"ok": not lines, "problems": lines} for path, lines in results.items()}, indent=2))
    else:
        print_lines(f"{path}: ok" if not lines else "\n".join(lines) for path, lines in results.items())
    return 2 if any(results.values()) else 0
