"""Run a batch: one trio nursery, one task per asset, then one commit.

Each asset flows extract ─▶ place ─▶ render on its own, so an asset renders as soon as its
own facts are ready (a pipeline, not a barrier). Nothing touches the repository until every
asset has succeeded; the first failure cancels the rest.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

import pluggy
import trio

from batchproc import _testpoint
from batchproc._cache import extract_cached
from batchproc._context import RunContext, resolve, resolve_all
from batchproc._naming import TargetOwners, unsafe_path
from batchproc._provenance import extractor_versions, input_fingerprints
from batchproc._report import AssetReport, BatchReport
from batchproc.errors import BatchFailed, BatchprocError, InputError, ManifestError
from batchproc.models import IDF, Asset, Manifest, OutputFile


T = TypeVar("T")


class Progress(Protocol):
    """Told what each asset is doing; the console shows it, tests may record it."""

    def stage(self, asset_id: str, stage: str) -> None: ...

    def finished(self, asset_id: str, ok: bool) -> None: ...


class SilentProgress:
    """Shows nothing (``--json`` and library use)."""

    def stage(self, asset_id: str, stage: str) -> None:
        pass

    def finished(self, asset_id: str, ok: bool) -> None:
        pass


@dataclass
class AssetResult:
    """An asset that went through every stage, before anything is committed."""

    asset: Asset
    idf: IDF
    package_dir: str
    public_path: str
    files: list[OutputFile]
    timings: dict[str, float] = field(default_factory=dict)


def run_batch(
    manifest: Manifest,
    manager: pluggy.PluginManager,
    run: RunContext,
    progress: Progress | None = None,
    *,
    commit: bool = True,
    checked: bool = False,
) -> BatchReport:
    """Process every asset concurrently, then land them as one commit (unless ``commit`` is false).

    ``checked``: the caller has run :func:`check_manifest` on this manifest already.
    """
    landed: list[str | None] = []
    try:
        return run_trio(_run_batch, manifest, manager, run, progress or SilentProgress(), commit, checked, landed)
    except KeyboardInterrupt:
        # The commit runs in a worker thread that trio lets finish (half a commit would be
        # worse); Ctrl-C then surfaces here, and the user must hear that the batch did land.
        if landed:
            done = (
                f"the batch was already committed as {landed[0]}"
                if landed[0]
                else "the repository already held the batch"
            )
            raise KeyboardInterrupt(f"too late to cancel: {done}") from None
        raise


def run_trio(async_fn: Callable[..., Awaitable[T]], *args: object) -> T:
    """``trio.run``, with Ctrl-C raised as one plain KeyboardInterrupt: inside the asset nursery
    it arrives wrapped in an exception group, and callers (the CLI, a multi-manifest apply)
    tell the user what landed from the plain one."""
    try:
        return trio.run(async_fn, *args)
    except BaseExceptionGroup as group:
        if group.subgroup(KeyboardInterrupt) is None:
            raise
        raise KeyboardInterrupt() from None


def render_batch(manifest: Manifest, manager: pluggy.PluginManager, run: RunContext) -> dict[str, bytes]:
    """Every file the batch would commit, by path, rendered in memory; nothing is written."""
    return collect_files(manifest, render_assets(manifest, manager, run))


def render_assets(
    manifest: Manifest, manager: pluggy.PluginManager, run: RunContext, *, checked: bool = False
) -> dict[str, AssetResult]:
    """Every asset through its stages, in memory, by asset id; nothing is written.

    ``checked``: the caller has run :func:`check_manifest` on this manifest already.
    """

    async def render() -> dict[str, AssetResult]:
        if not checked:
            check_manifest(manifest, manager)
        return await process_assets(manifest, manager, run, SilentProgress())

    return run_trio(render)


async def _run_batch(
    manifest: Manifest,
    manager: pluggy.PluginManager,
    run: RunContext,
    progress: Progress,
    commit: bool,
    checked: bool,
    landed: list[str | None],
) -> BatchReport:
    if not checked:
        check_manifest(manifest, manager)
    started = time.perf_counter()
    results = await process_assets(manifest, manager, run, progress)
    files = collect_files(manifest, results)
    message = commit_message(manifest)
    commit_started = time.perf_counter()
    commit_id = None
    if commit:
        _testpoint.reached("commit")
        commit_id = await resolve(
            manager.hook.batchproc_commit(files=files, message=message, manifest=manifest, run=run)
        )
        landed.append(commit_id)
    finished = time.perf_counter()
    status = "dry run" if not commit else ("committed" if commit_id else "no changes")
    report = BatchReport(
        manifest=manifest.display_path,
        batch_id=manifest.batch_id,
        status=status,
        commit=commit_id,
        message=message,
        wall_seconds=finished - started,
        commit_seconds=finished - commit_started,
        assets=tuple(_asset_report(results[asset.asset_id]) for asset in manifest.assets),
        changes=dict(run.changes),
    )
    manager.hook.batchproc_report(report=report)
    return report


async def process_assets(
    manifest: Manifest, manager: pluggy.PluginManager, run: RunContext, progress: Progress
) -> dict[str, AssetResult]:
    """Every asset through extract, place and render; the first failure cancels the others."""
    results: dict[str, AssetResult] = {}
    failures: list[BatchprocError] = []
    broken: list[Exception] = []
    inputs_ready = trio.Event()

    async def fingerprint(cancel: trio.CancelScope) -> None:
        # Hashing every image and template feeds only the provenance written at render time,
        # so it runs beside the extractions (in a thread: blocking work) instead of before them.
        try:
            run.inputs.update(await run.to_thread(input_fingerprints, manifest, manager))
        except Exception as error:  # raised as it is once the nursery has closed
            broken.append(error)
            cancel.cancel()
        finally:
            inputs_ready.set()

    async def one(asset: Asset, cancel: trio.CancelScope) -> None:
        try:
            results[asset.asset_id] = await process_asset(asset, manifest, manager, run, progress, inputs_ready)
            progress.finished(asset.asset_id, True)
        except BatchprocError as error:
            failures.append(located(error, asset, manifest.display_path))
            progress.finished(asset.asset_id, False)
            cancel.cancel()

    async with trio.open_nursery() as nursery:
        nursery.start_soon(fingerprint, nursery.cancel_scope)
        for asset in manifest.assets:
            nursery.start_soon(one, asset, nursery.cancel_scope)
    if broken:
        raise broken[0]
    if failures:
        raise BatchFailed(failures)
    return results


async def process_asset(
    asset: Asset,
    manifest: Manifest,
    manager: pluggy.PluginManager,
    run: RunContext,
    progress: Progress,
    inputs_ready: trio.Event | None = None,
) -> AssetResult:
    """One asset: its facts, where its files go, and the files themselves (in memory).

    Rendering waits for ``inputs_ready`` when given: the run's input fingerprints, which the
    files record (a dry run without them records none).
    """
    timings: dict[str, float] = {}
    hook = manager.hook

    progress.stage(asset.asset_id, "extract")
    _testpoint.reached("extract")
    clock = time.perf_counter()
    version = extractor_versions(manager).get(manifest.extractor.name, "")
    extracted = False

    def extract() -> Awaitable[IDF | None]:
        nonlocal extracted
        extracted = True
        return resolve(hook.batchproc_extract(asset=asset, manifest=manifest, run=run))

    idf = await extract_cached(asset, manifest, run, version, extract)
    if idf is None:
        raise InputError(f"no plugin answered for extractor {manifest.extractor.name!r}", where=asset.asset_id)
    # The report says when the facts came from the cache, so a fast run is not mistaken for a measured one.
    timings["extract" if extracted else "cached"] = time.perf_counter() - clock

    if inputs_ready is not None:
        await inputs_ready.wait()
    progress.stage(asset.asset_id, "render")
    clock = time.perf_counter()
    package_dir = hook.batchproc_package_dir(asset=asset, idf=idf, manifest=manifest)
    public_path = hook.batchproc_public_path(asset=asset, idf=idf, manifest=manifest)
    answers = hook.batchproc_render_files(
        asset=asset, idf=idf, manifest=manifest, package_dir=package_dir, public_path=public_path, run=run
    )
    files = [output for answer in await resolve_all(answers) for output in answer or ()]
    timings["render"] = time.perf_counter() - clock
    return AssetResult(asset, idf, package_dir, public_path, files, timings)


def located(error: BatchprocError, asset: Asset, display: str, *, move_other_files: bool = False) -> BatchprocError:
    """Point an asset's error at its line in the manifest ``display`` names, with the file it
    arose in moved into the message (``batch.yaml:14: ASSET-4: images/x.png: …``).

    An error naming a file of its own (a template) keeps it, as apply shows it, unless
    ``move_other_files``: a CI check reports every problem at the manifest's line.
    """
    if error.file is not None and error.file != display and (move_other_files or error.file == str(asset.path)):
        origin = asset.source if error.file == str(asset.path) else error.file
        error.message = f"{origin}{f':{error.line}' if error.line else ''}: {error.message}"
        error.file = None
    if error.file is None:
        error.file, error.line = display, asset.line
    if error.where is None:
        error.where = asset.asset_id
    error.args = (error.render(),)
    return error


def collect_files(manifest: Manifest, results: Mapping[str, AssetResult]) -> dict[str, bytes]:
    """All files of the batch by path; two files aimed at one path (even by case) fail the batch."""
    files: dict[str, bytes] = {}
    owners = TargetOwners()
    for asset in manifest.assets:
        for output in results[asset.asset_id].files:
            _check_target(output.path, asset, manifest)
            clash = owners.clash(output.path, asset.asset_id)
            if clash:
                raise InputError(clash, file=manifest.display_path, line=asset.line, where=asset.asset_id)
            files[output.path] = output.data
    return files


def _check_target(path: str, asset: Asset, manifest: Manifest) -> None:
    why = unsafe_path(path)
    if why:
        raise InputError(
            f"target path {path!r} {why}",
            file=manifest.display_path,
            line=asset.line,
            where=asset.asset_id,
        )


def commit_message(manifest: Manifest) -> str:
    """The manifest's message template, filled (``... - Assets 3,4,6``)."""
    values = {
        "title": manifest.title,
        "batch_id": manifest.batch_id,
        "asset_numbers": ",".join(asset.number for asset in manifest.assets),
        "asset_ids": ", ".join(asset.asset_id for asset in manifest.assets),
        "count": len(manifest.assets),
    }
    try:
        return manifest.commit.message.format_map(values)
    except (KeyError, ValueError, IndexError) as error:
        raise InputError(
            f"commit.message: cannot fill {manifest.commit.message!r} ({error}); fields: {', '.join(values)}",
            file=manifest.display_path,
        ) from None


def check_manifest(manifest: Manifest, manager: pluggy.PluginManager) -> None:
    """Stop before any image is read: an unknown extractor, or a plugin's manifest check fails."""
    names = extractor_versions(manager)
    if manifest.extractor.name not in names:
        known = ", ".join(sorted(names))
        raise InputError(
            f"extractor: no extractor named {manifest.extractor.name!r}; installed: {known}",
            file=manifest.display_path,
        )
    # the hookspec promises these problems stop the run like a schema error (exit 2)
    answers = manager.hook.batchproc_check_manifest(manifest=manifest)
    problems = [problem for answer in answers for problem in answer or ()]
    if problems:
        raise ManifestError(problems)


def _asset_report(result: AssetResult) -> AssetReport:
    return AssetReport(
        asset_id=result.asset.asset_id,
        name=result.asset.name,
        category=result.asset.category,
        package_dir=result.package_dir,
        public_path=result.public_path,
        files=tuple(sorted(output.path for output in result.files)),
        timings=result.timings,
        background=result.idf.background.hex if result.idf.background else None,
        palette=tuple(colour.hex for colour in result.idf.palette),
    )
