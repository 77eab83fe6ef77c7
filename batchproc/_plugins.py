"""Build the plugin manager for one run: specs, built-ins, entry points, the caller's plugins.

A fresh manager per run and nothing registered at import time, so two runs (or two tests)
never share state. ``BATCHPROC_DISABLE_PLUGIN_AUTOLOAD=1`` skips entry points.

A broken plugin is the plugin author's bug, not batchproc's, so it is reported as one line
naming the plugin and its distribution (an :class:`~batchproc.errors.InputError`), never as a
traceback: one that cannot be imported, one that implements a hook no spec knows, or one whose
hook takes an argument the hook does not pass.
"""

from __future__ import annotations

import difflib
import importlib
import inspect
import os
import types
from collections.abc import Iterable, Iterator
from importlib.metadata import entry_points

import pluggy

from batchproc import hookspecs
from batchproc.errors import InputError

ENTRY_POINT_GROUP = "batchproc"
AUTOLOAD_OFF = "BATCHPROC_DISABLE_PLUGIN_AUTOLOAD"
PREFIX = "batchproc_"
_MARK = f"{hookspecs.PROJECT}_impl"  # the attribute @hookimpl sets on an implementation

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

    def parse_hookimpl_opts(self, plugin: object, name: str) -> pluggy.HookimplOpts | None:
        # pluggy asks this of every name in a plugin, a module's imports included, through
        # the slow inspect.getattr_static. In a module a plain lookup is just as static, and
        # only a function marked by @hookimpl can be an implementation.
        if isinstance(plugin, types.ModuleType):
            marked = getattr(plugin.__dict__.get(name), _MARK, None)
            if not isinstance(marked, dict):
                return None
        return super().parse_hookimpl_opts(plugin, name)


def make_plugin_manager(extra_plugins: Iterable[object] = (), *, autoload: bool | None = None) -> PluginManager:
    """A new manager with every hook spec, the built-ins, entry-point plugins and ``extra_plugins``."""
    manager = PluginManager()
    manager.add_hookspecs(hookspecs)
    for name in BUILTIN_PLUGINS:
        register(manager, importlib.import_module(name), name=name.rsplit(".", 1)[1])
    if autoload is None:
        autoload = not os.environ.get(AUTOLOAD_OFF)
    if autoload:
        _load_entry_points(manager)
    for plugin in extra_plugins:
        register(manager, plugin)
    return manager


def _load_entry_points(manager: PluginManager) -> None:
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        dist = entry_point.dist
        origin = (dist.name, dist.version) if dist is not None else ("unknown distribution", "?")
        if manager.get_plugin(entry_point.name) is not None or manager.is_blocked(entry_point.name):
            continue
        label = _label(entry_point.name, origin)
        try:
            plugin = entry_point.load()
        except Exception as error:  # a plugin's own bug must not look like batchproc's
            raise InputError(
                f"cannot be imported: {type(error).__name__}: {_first_line(error)}; fix or uninstall {origin[0]}",
                where=label,
            ) from None
        register(manager, plugin, name=entry_point.name, origin=origin)
        manager.origins[entry_point.name] = origin


def register(
    manager: PluginManager, plugin: object, *, name: str | None = None, origin: tuple[str, str] | None = None
) -> None:
    """Check ``plugin`` against the hook specs, then register it; one line per broken plugin."""
    label = _label(name or getattr(plugin, "__name__", type(plugin).__name__), origin)
    problem = hook_problem(manager, plugin)
    if problem is not None:
        raise InputError(problem, where=label)
    try:
        manager.register(plugin, name=name)
    except (pluggy.PluginValidationError, ValueError) as error:  # e.g. a wrapper that does not yield
        raise InputError(f"is not a valid plugin: {_first_line(error)}", where=label) from None


def hook_problem(manager: pluggy.PluginManager, plugin: object) -> str | None:
    """What is wrong with ``plugin``'s hook implementations, or None.

    Checked here rather than left to pluggy so the message is one line that names the hook and
    the fix: an unknown hook name (usually a typo), a hook function without ``@hookimpl``
    (pluggy would silently never call it), or an argument the hook does not pass.
    """
    known = {name for name in dir(hookspecs) if name.startswith(PREFIX)}
    for name, function in _hook_functions(plugin):
        opts = manager.parse_hookimpl_opts(plugin, name)
        if opts is None:
            return f"{name} is not decorated with @batchproc.hookimpl, so it would never be called"
        hook_name = opts.get("specname") or name
        if hook_name not in known:
            close = difflib.get_close_matches(hook_name, known, n=1)
            hint = f"did you mean {close[0]}?" if close else "see docs/plugins.md for the hooks"
            return f"implements {hook_name}, which is not a batchproc hook; {hint}"
        passed = getattr(manager.hook, hook_name).spec.argnames
        unknown = [arg for arg in _required_args(function) if arg not in passed]
        if unknown:
            return (
                f"{hook_name} takes {', '.join(repr(arg) for arg in unknown)}, which the hook does not pass; "
                f"it may take any of: {', '.join(passed)}"
            )
    return None


def _hook_functions(plugin: object) -> Iterator[tuple[str, object]]:
    for name in dir(plugin):
        if not name.startswith(PREFIX):
            continue
        try:
            value = getattr(plugin, name)
        except Exception:  # a property that raises is not a hook
            continue
        # A spec imported from hookspecs (``from batchproc.hookspecs import *``) is not an implementation.
        if inspect.isroutine(value) and getattr(value, "__module__", None) != hookspecs.__name__:
            yield name, value


def _required_args(function: object) -> list[str]:
    """Arguments without a default: the ones pluggy passes by name (``self`` excluded)."""
    try:
        parameters = inspect.signature(function).parameters.values()  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return []
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return [p.name for p in parameters if p.kind in kinds and p.default is inspect.Parameter.empty]


def _label(name: str, origin: tuple[str, str] | None) -> str:
    return f"plugin {name!r}" + (f" ({origin[0]} {origin[1]})" if origin else "")


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
