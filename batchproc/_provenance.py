"""Provenance: a fingerprint of everything that decides an asset's files.

``tokens.json`` records it (``$extensions["dev.batchproc"].inputs``) beside the source hash,
score, extractor and batch id. ``plan`` reads it from HEAD: an asset whose recorded fingerprint
equals the one computed now is up to date, and its files are reported as unchanged without
extracting its image again.

What goes in (any change re-renders the asset): batchproc's version; the asset's entry as
written (id, name, category, score, specs, source path); the extraction cache's key (the image's
sha256, the extractor's name, version and options without secrets, and the files the options
name, see :func:`batchproc._cache.cache_key`); the manifest's batch id, title, layout and naming;
every template file's bytes (the built-ins and the manifest's ``templates:`` folder); and the
plugins that place or render files. Paths on this machine are left out, so a fingerprint made
on a laptop holds in CI. The commit message and limits are left out: they change no file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pluggy

from batchproc import __version__
from batchproc._cache import cache_key
from batchproc._resources import data_dir
from batchproc.models import Asset, Manifest

# Hooks whose answers shape the files; a plugin implementing one is part of every fingerprint.
_OUTPUT_HOOKS = ("batchproc_package_dir", "batchproc_public_path", "batchproc_render_files")


def extractor_versions(manager: pluggy.PluginManager) -> dict[str, str]:
    """Every installed extractor's name and version, as the plugins declare them."""
    names: dict[str, str] = {}
    for answer in manager.hook.batchproc_extractors():
        names.update(answer)
    return names


def input_fingerprints(manifest: Manifest, manager: pluggy.PluginManager) -> dict[str, str]:
    """Each asset's fingerprint (sha256 hex), by asset id."""
    version = extractor_versions(manager).get(manifest.extractor.name, "")
    shared = {
        "batchproc": __version__,
        "manifest": manifest.model_dump(mode="json", include={"batch_id", "title", "layout"}),
        "templates": _folder_digest(manifest.templates) + _folder_digest(data_dir("templates")),
        "plugins": _output_plugins(manager),
    }
    return {asset.asset_id: _digest({**shared, **_asset_inputs(asset, manifest, version)}) for asset in manifest.assets}


def _asset_inputs(asset: Asset, manifest: Manifest, extractor_version: str) -> dict[str, Any]:
    return {
        "asset": asset.model_dump(mode="json", exclude={"path", "line"}),
        "naming": manifest.naming_for(asset.category),
        "extraction": cache_key(asset.path, manifest, extractor_version),
    }


def _output_plugins(manager: pluggy.PluginManager) -> list[str]:
    """Who places and renders files: module (or class) names, with the distribution's version."""
    origins: Mapping[str, tuple[str, str]] = getattr(manager, "origins", {})
    names = set()
    for hook in _OUTPUT_HOOKS:
        for impl in getattr(manager.hook, hook).get_hookimpls():
            plugin = impl.plugin
            label = getattr(plugin, "__name__", None) or f"{type(plugin).__module__}.{type(plugin).__qualname__}"
            dist = origins.get(impl.plugin_name)
            names.add(f"{label} ({dist[0]} {dist[1]})" if dist else label)
    return sorted(names)


def _folder_digest(folder: Path | None) -> list[list[str]]:
    if folder is None or not Path(folder).is_dir():
        return []
    files = sorted(path for path in Path(folder).rglob("*") if path.is_file())
    return [[path.relative_to(folder).as_posix(), hashlib.sha256(path.read_bytes()).hexdigest()] for path in files]


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


EXTENSION_KEY = "dev.batchproc"
"""Where tokens.json keeps batchproc's provenance: a reverse-DNS key under ``$extensions``."""


def read_provenances(data: bytes | None) -> list[dict[str, Any]]:
    """The provenance records in one tokens.json (one per token group); none for a file that
    is missing, not JSON or hand-edited out of shape, which owns nothing and proves nothing."""
    try:
        tokens = json.loads(data or b"")
    except ValueError:
        return []
    found = []
    for group in tokens.values() if isinstance(tokens, dict) else ():
        extensions = group.get("$extensions") if isinstance(group, dict) else None
        record = extensions.get(EXTENSION_KEY) if isinstance(extensions, dict) else None
        if isinstance(record, dict):
            found.append(record)
    return found

