"""A cache of extraction results (IDFs) in the user's cache directory.

A remote extraction costs seconds (and money); re-applying an unchanged manifest must not ask
again. An entry is keyed by everything that can change the answer: the image's bytes, the
extractor's name and version, its options (secrets left out) and the contents of the files the
options name (``prompt_file``). Entries are JSON files written atomically; an entry that cannot
be read or no longer fits the IDF model is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from batchproc._atomic import write_atomically
from batchproc._context import RunContext
from batchproc.models import IDF, Asset, Manifest

ENV_DIR = "BATCHPROC_CACHE_DIR"
"""Set it to move the cache (CI caches, a shared disk, a scratch folder)."""

KEY_FORMAT = 1
"""Bump when the key material or the entry layout changes, so old entries are simply missed."""

_SECRET_NAME = re.compile(r"(secret|password|passwd|token|api_?key)$", re.IGNORECASE)
"""Options that would hold a secret are never part of a key (``api_key_env`` names a variable)."""


def default_dir() -> Path:
    """``$BATCHPROC_CACHE_DIR``, else the platform's user cache folder plus ``batchproc``."""
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override).expanduser()
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        return (Path(local) if local else Path.home() / "AppData" / "Local") / "batchproc" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "batchproc"
    xdg = os.environ.get("XDG_CACHE_HOME")
    # the XDG spec says a relative value is invalid and must be ignored
    return (Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache") / "batchproc"


def cache_key(image: Path, manifest: Manifest, version: str) -> str:
    """The entry key of ``image`` measured by the manifest's extractor at ``version``."""
    options = {name: value for name, value in manifest.extractor.options.items() if not _SECRET_NAME.search(name)}
    material = {
        "format": KEY_FORMAT,
        "image": _digest(image),
        "extractor": manifest.extractor.name,
        "version": version,
        "options": options,
        "files": _named_files(options, manifest.path.parent),
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True, default=str).encode()).hexdigest()


def _named_files(options: Mapping[str, Any], base: Path) -> dict[str, str | None]:
    """An option called ``*_file`` names a file next to the manifest: its contents count, not its name."""
    return {
        name: _digest(base / value)
        for name, value in options.items()
        if name.endswith("_file") and isinstance(value, str)
    }


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


class Cache:
    """IDF entries under ``root/idf/<first two hex digits>/<key>.json``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def entry(self, key: str) -> Path:
        """Where the entry for ``key`` lives."""
        return self.root / "idf" / key[:2] / f"{key}.json"

    def load(self, key: str) -> IDF | None:
        """The cached IDF, or None when absent, unreadable or corrupt."""
        try:
            return IDF.model_validate_json(self.entry(key).read_bytes())
        except (OSError, ValueError):  # pydantic's ValidationError is a ValueError
            return None

    def store(self, key: str, idf: IDF) -> None:
        """Write the entry atomically; a cache that cannot be written never fails a batch."""
        try:
            write_atomically(self.entry(key), idf.model_dump_json(indent=2).encode(), durable=False)
        except OSError:
            pass


async def extract_cached(
    asset: Asset,
    manifest: Manifest,
    run: RunContext,
    version: str,
    extract: Callable[[], Awaitable[IDF | None]],
) -> IDF | None:
    """``extract()``'s answer, from the cache when an entry exists and ``run.use_cache``.

    Without ``use_cache`` (``--no-cache``) the entry is not read but is refreshed with the new
    answer, so the next run gets the newest facts.
    """
    cache = Cache(run.cache_dir or default_dir())
    key = await run.to_thread(cache_key, asset.path, manifest, version)
    cached = await run.to_thread(cache.load, key) if run.use_cache else None
    if cached is not None:
        # the same bytes may sit at another path now; the facts are the same, the path is not
        source = cached.source.model_copy(update={"path": str(asset.path)})
        return cached.model_copy(update={"source": source})
    idf = await extract()
    if idf is not None:
        await run.to_thread(cache.store, key, idf)
    return idf
