"""Build the plugin manager for one run: specs, built-ins, entry points, the caller's plugins.

A fresh manager per run and nothing registered at import time, so two runs (or two tests)
never share state. ``BATCHPROC_DISABLE_PLUGIN_AUTOLOAD=1`` skips entry points.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable
from importlib.metadata import entry_points

import pluggy

from batchproc import hookspecs
from batchproc.errors import InputError

ENTRY_POINT_GROUP = "batchproc"
AUTOLOAD_OFF = "BATCHPROC_DISABLE_PLUGIN_AUTOLOAD"

BUILTIN_PLUGINS = (
    "batchproc._stages.local_extractor",
    "batchproc._stages.http_extractor",
    "batchproc._stages.placement",
    "batchproc._stages.package_docs",
    "batchproc._stages.design_tokens",
    "batchproc._stages.public_copy",
    "batchproc._stages.git_commit",
)
"""Built-in stages, each a module of hook implementations, registered like any plugin."""


class PluginManager(pluggy.PluginManager):
    """pluggy's manager, remembering which distribution each entry-point plugin came from."""

    def __init__(self) -> None:
        super().__init__(hookspecs.PROJECT)
        self.origins: dict[str, tuple[str, str]] = {}
        """Plugin name to (distribution, version), for ``batchproc plugins``."""


def make_plugin_manager(extra_plugins: Iterable[object] = (), *, autoload: bool | None = None) -> PluginManager:
    """A new manager with every hook spec, the built-ins, entry-point plugins and ``extra_plugins``."""
    manager = PluginManager()
    manager.add_hookspecs(hookspecs)
    for name in BUILTIN_PLUGINS:
        manager.register(importlib.import_module(name), name=name.rsplit(".", 1)[1])
    if autoload is None:
        autoload = not os.environ.get(AUTOLOAD_OFF)
    if autoload:
        _load_entry_points(manager)
    for plugin in extra_plugins:
        _register(manager, plugin, name=None, dist=None)
    _check(manager)
    return manager


def _load_entry_points(manager: PluginManager) -> None:
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        dist = entry_point.dist
        dist_label = f"{dist.name} {dist.version}" if dist is not None else "unknown distribution"
        if manager.get_plugin(entry_point.name) is not None or manager.is_blocked(entry_point.name):
            continue
        try:
            plugin = entry_point.load()
        except Exception as error:  # a plugin's own bug must not look like batchproc's
            raise InputError(
                f"cannot be imported: {type(error).__name__}: {error}; fix or uninstall {dist_label}",
                where=f"plugin {entry_point.name!r} ({dist_label})",
            ) from None
        _register(manager, plugin, name=entry_point.name, dist=dist_label)
        if dist is not None:
            manager.origins[entry_point.name] = (dist.name, dist.version)


def _register(manager: pluggy.PluginManager, plugin: object, *, name: str | None, dist: str | None) -> None:
    label = name or getattr(plugin, "__name__", type(plugin).__name__)
    try:
        manager.register(plugin, name=name)
    except (pluggy.PluginValidationError, ValueError) as error:
        origin = f" ({dist})" if dist else ""
        raise InputError(f"is not a valid plugin: {error}", where=f"plugin {label!r}{origin}") from None


def _check(manager: pluggy.PluginManager) -> None:
    """Fail on a hook implementation no spec knows (a typo in a hook name)."""
    try:
        manager.check_pending()
    except pluggy.PluginValidationError as error:
        plugin = error.plugin
        label = manager.get_name(plugin) or getattr(plugin, "__name__", repr(plugin))
        raise InputError(
            f"implements an unknown hook: {error}; see `batchproc plugins` and docs/plugins.md",
            where=f"plugin {label!r}",
        ) from None
