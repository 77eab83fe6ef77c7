"""Every hook batchproc calls, grouped by the phase that calls it.

Each built-in stage is a plugin that implements some of these hooks, registered exactly like a
third-party plugin (see :mod:`batchproc._plugins`). For *first-result* hooks the built-in
implementation is marked ``trylast``, so any plugin that answers takes over; for *collecting*
hooks every plugin's answer is used.

docs/plugins.md documents each hook (a test checks that every hook has a section there and a
``test_hook_<name>`` test in tests/test_hooks.py).

Hooks are synchronous. A hook that has to wait (a network call, a worker thread) may return an
awaitable instead of a value; the runner awaits it. This is the one async boundary.

Phases, in the order a run calls them:

1. **Setup** — :func:`batchproc_extractors`, :func:`batchproc_check_manifest`.
2. **Per asset, concurrently** — :func:`batchproc_extract`, then :func:`batchproc_package_dir`
   and :func:`batchproc_public_path`, then :func:`batchproc_render_files`.
3. **Batch** — :func:`batchproc_commit` once for the whole batch, then :func:`batchproc_report`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping, Sequence
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:  # only for annotations: importing the runner here would be circular
    from batchproc._context import RunContext
    from batchproc._report import BatchReport
    from batchproc.errors import BatchprocError
    from batchproc.models import IDF, Asset, Manifest, OutputFile

PROJECT = "batchproc"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# --- 1. setup ------------------------------------------------------------------------------


@hookspec
def batchproc_extractors() -> Mapping[str, str]:
    """Name the extractors this plugin provides.

    Returns a mapping of extractor name (what a manifest writes as ``extractor:``) to the
    extractor's version. The version is part of the cache key, so bump it whenever the facts an
    extractor gives would change. Collected from every plugin; the built-ins provide ``local``
    and ``http``.
    """


@hookspec
def batchproc_check_manifest(manifest: Manifest) -> Sequence[BatchprocError] | None:
    """Check a validated manifest beyond the schema and the built-in rules.

    :param manifest: the loaded manifest.

    Returns the problems found (each a :class:`~batchproc.errors.BatchprocError`, ideally with
    ``file``, ``line`` and ``where`` set), or ``None``. Collected from every plugin; any problem
    stops the run before an image is read, exactly like a schema error.
    """


# --- 2. per asset --------------------------------------------------------------------------


@hookspec(firstresult=True)
def batchproc_extract(asset: Asset, manifest: Manifest, run: RunContext) -> IDF | Awaitable[IDF] | None:
    """Measure one asset's image design facts (IDF).

    :param asset: the asset whose ``path`` is the PNG to read.
    :param manifest: the batch; ``manifest.extractor.name`` says which extractor the user chose
        and ``manifest.extractor.options`` holds its options.
    :param run: the run's context; ``run.to_thread(fn, *args)`` runs blocking work in a worker
        thread under the run's capacity limiter.

    Return ``None`` unless ``manifest.extractor.name`` is one of yours. First result wins; the
    built-in ``local`` (Pillow) and ``http`` (vision model) extractors answer by default. Raise
    :class:`~batchproc.errors.ExtractionError` for an image you cannot measure.
    """


@hookspec(firstresult=True)
def batchproc_package_dir(asset: Asset, idf: IDF, manifest: Manifest) -> str | None:
    """Choose the folder (relative to the repository root) of an asset's package.

    First result wins; by default ``<layout.packages>/<layout.package_dir>``, i.e.
    ``assets/ASSET-3-<slug>``.
    """


@hookspec(firstresult=True)
def batchproc_public_path(asset: Asset, idf: IDF, manifest: Manifest) -> str | None:
    """Choose the path (relative to the repository root) of an asset's public PNG.

    First result wins; by default ``<layout.public>/<category>/<name>`` with the name from the
    category's naming pattern (``{slug}-tile-{size}.png`` for patterns, and so on).
    """


@hookspec
def batchproc_render_files(
    asset: Asset, idf: IDF, manifest: Manifest, package_dir: str, public_path: str, run: RunContext
) -> Sequence[OutputFile] | Awaitable[Sequence[OutputFile]] | None:
    """Produce files for one asset.

    :param package_dir: the asset's package folder, from :func:`batchproc_package_dir`.
    :param public_path: the asset's public PNG path, from :func:`batchproc_public_path`.

    Returns :class:`~batchproc.models.OutputFile` objects. Collected from every plugin: the
    built-ins give ``context.md`` and ``usage.md`` (jinja2), ``tokens.json`` (DTCG) and the
    public copy of the PNG; a plugin may add more (a WebP copy, another document). Two files
    aimed at one path fail the batch.
    """


# --- 3. batch ------------------------------------------------------------------------------


@hookspec(firstresult=True)
def batchproc_commit(
    files: Mapping[str, bytes], message: str, manifest: Manifest, run: RunContext
) -> str | Awaitable[str | None] | None:
    """Land the whole batch's files as one commit.

    :param files: every file of the batch, by path relative to ``run.repo_root``.
    :param message: the commit message.

    Returns the commit id, or ``None`` when nothing changed. First result wins; the built-in
    implementation writes one commit with pygit2 and updates the work tree and index for exactly
    these paths.
    """


@hookspec
def batchproc_report(report: BatchReport) -> None:
    """Read the final report of a run that finished.

    :param report: ``report.status`` is ``committed``, ``no changes`` or ``dry run``; it holds
        each asset's files and stage times and the commit id.

    Called once per run, after the commit; not for a batch that failed, nor by ``plan`` or the
    pytest plugin (they render without running the batch). Collected from every plugin; the
    return value is ignored.
    """


__all__ = ["PROJECT", "hookimpl", "hookspec"] + [name for name in dir() if name.startswith("batchproc_")]
