"""``batchproc plugins``: what is loaded and which hooks each plugin implements."""

from __future__ import annotations

import json
from typing import Any

from batchproc import __version__
from batchproc._console import print_lines
from batchproc._plugins import PluginManager, make_plugin_manager


def plugins(*, json_output: bool = False) -> int:
    """List every registered plugin with its distribution, version and hooks."""
    rows = plugin_rows(make_plugin_manager())
    if json_output:
        print(json.dumps(rows, indent=2))
    else:
        print_lines(_line(row) for row in rows)
    return 0


def plugin_rows(manager: PluginManager) -> list[dict[str, Any]]:
    """One row per plugin, built-ins first: name, distribution, version, hooks, extractors."""
    rows = []
    for name, plugin in manager.list_name_plugin():
        callers = manager.get_hookcallers(plugin) or []
        distribution, version = manager.origins.get(name, ("batchproc", __version__))
        extractors = getattr(plugin, "batchproc_extractors", None)
        rows.append(
            {
                "name": name,
                "distribution": distribution,
                "version": version,
                "builtin": name not in manager.origins,
                "hooks": sorted(caller.name for caller in callers),
                "extractors": sorted(extractors()) if "batchproc_extractors" in {c.name for c in callers} else [],
            }
        )
    return rows


def _line(row: dict[str, Any]) -> str:
    origin = "built-in" if row["builtin"] else f"{row['distribution']} {row['version']}"
    extractors = f" (extractors: {', '.join(row['extractors'])})" if row["extractors"] else ""
    return f"{row['name']:<16} {origin:<24} {', '.join(row['hooks'])}{extractors}"
