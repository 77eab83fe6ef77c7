"""``batchproc plugins``: what is loaded and which hooks each plugin implements."""

from __future__ import annotations

import json

from batchproc._console import print_lines
from batchproc._plugins import make_plugin_manager


def plugins(*, json_output: bool = False) -> int:
    """List every registered plugin with its distribution, version and hooks."""
    manager = make_plugin_manager()
    rows = []
    for name, plugin in manager.list_name_plugin():
        hooks = sorted(caller.name for caller in manager.get_hookcallers(plugin) or ())
        dist, version = manager.origins.get(name, ("batchproc (built-in)", _version()))
        rows.append({"name": name, "distribution": dist, "version": version, "hooks": hooks})
    if json_output:
        print(json.dumps(rows, indent=2))
    else:
        print_lines(f"{row['name']:<18} {row['distribution']} {row['version']}: {', '.join(row['hooks'])}" for row in rows)
    return 0


def _version() -> str:
    from batchproc import __version__

    return __version__
