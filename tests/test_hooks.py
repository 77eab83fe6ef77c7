"""One ``test_hook_<name>`` per hook in :mod:`batchproc.hookspecs`, each through a real run.

Every plugin here is a small class registered next to the built-ins, the way an installed
plugin would be; every run uses real PNGs and, where it commits, a real git repository.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import trio

from batchproc import IDF, InputError, OutputFile, hookimpl, hookspecs
from batchproc._context import RunContext
from batchproc._manifest import load_manifest
from batchproc._plugins import make_plugin_manager
from batchproc._runner import render_batch, run_batch
from batchproc._stages.local_extractor import measure_idf
from batchproc.errors import BatchFailed, ManifestError
from pngbytes import damage_idat
from conftest import ROOT, git

MANIFEST = """\
batch_id: batch-hooks
title: Hooks
extractor: {extractor}
assets:
  - asset_id: ASSET-1
    path: images/plum.png
    score: 95
    name: Plum
    category: patterns
  - asset_id: ASSET-2
    path: images/gold.png
    score: 91
    name: Gold
"""
PLUM_FILES = [
    "assets/ASSET-1-plum/context.md",
    "assets/ASSET-1-plum/tokens.json",
    "assets/ASSET-1-plum/usage.md",
    "frontend/public/assets/patterns/plum-tile-32.png",
]
GOLD_FILES = [
    "assets/ASSET-2-gold/context.md",
    "assets/ASSET-2-gold/tokens.json",
    "assets/ASSET-2-gold/usage.md",
    "frontend/public/assets/specimens/gold-48.png",
]


@pytest.fixture
def batch(repo: Path, write_png: Callable[..., Path]) -> Callable[..., Path]:
    """Write the two-asset manifest (and its PNGs) into ``repo``; returns the manifest's path."""

    def write(extractor: str = "local") -> Path:
        for name, size, colour in (("plum", (32, 32), "#3b1030"), ("gold", (48, 48), "#d4a537")):
            png = write_png(f"frontend/manifests/images/{name}.png", size=size, colour=colour)
            assert png.parent.parent.parent == repo
        path = repo / "manifests" / "batch.yaml"
        path.write_text(MANIFEST.format(extractor=extractor), encoding="utf-8")
        return path

    return write


def run(manifest_path: Path, *plugins: object, commit: bool = True):  # type: ignore[no-untyped-def]
    manifest = load_manifest(manifest_path)
    manager = make_plugin_manager(plugins, autoload=False)
    return run_batch(manifest, manager, RunContext(repo_root=manifest.path.parent.parent), commit=commit)


def render(manifest_path: Path, *plugins: object) -> dict[str, bytes]:
    manifest = load_manifest(manifest_path)
    manager = make_plugin_manager(plugins, autoload=False)
    return render_batch(manifest, manager, RunContext(repo_root=manifest.path.parent.parent, dry_run=True))


def test_hook_batchproc_extractors(batch: Callable[..., Path]) -> None:
    class Plugin:
        @hookimpl
        def batchproc_extractors(self) -> dict[str, str]:
            return {"pixels-again": "7"}

        @hookimpl
        def batchproc_extract(self, asset, manifest):  # type: ignore[no-untyped-def]
            if manifest.extractor.name == "pixels-again":
                idf = measure_idf(asset.path)
                return idf.model_copy(update={"extractor": idf.extractor.model_copy(update={"name": "pixels-again", "version": "7"})})
            return None

    files = render(batch("pixels-again"), Plugin())
    tokens = json.loads(files["assets/ASSET-1-plum/tokens.json"])
    assert tokens["plum"]["$extensions"]["dev.batchproc"]["extractor"] == {"name": "pixels-again", "version": "7"}

    path = batch("pixels-agian")
    with pytest.raises(InputError) as caught:
        render(path, Plugin())
    assert str(caught.value) == f"{path}: extractor: no extractor named 'pixels-agian'; installed: http, local, pixels-again"


def test_hook_batchproc_check_manifest(batch: Callable[..., Path], repo: Path) -> None:
    class Plugin:
        @hookimpl
        def batchproc_check_manifest(self, manifest):  # type: ignore[no-untyped-def]
            return [
                InputError("names starting with G are reserved for the gallery", file=manifest.display_path, line=a.line, where=a.asset_id)
                for a in manifest.assets
                if a.name.startswith("G")
            ]

    path = batch()
    with pytest.raises(ManifestError) as caught:
        run(path, Plugin())
    assert caught.value.lines() == [f"{path}:10: ASSET-2: names starting with G are reserved for the gallery"]
    assert git(repo, "rev-list", "--all") == ""  # stopped before anything was committed


def test_hook_batchproc_extract(batch: Callable[..., Path]) -> None:
    """First result wins over the built-in (trylast) extractor, and an awaitable is awaited."""
    seen: list[str] = []

    class Plugin:
        @hookimpl
        def batchproc_extract(self, asset, run):  # type: ignore[no-untyped-def]
            async def slow() -> IDF:
                await trio.sleep(0)
                seen.append(asset.asset_id)
                idf = await run.to_thread(measure_idf, asset.path)
                return idf.model_copy(update={"mode": "light"})

            return slow()

    files = render(batch(), Plugin())
    assert sorted(seen) == ["ASSET-1", "ASSET-2"]
    tokens = json.loads(files["assets/ASSET-1-plum/tokens.json"])
    assert tokens["plum"]["$extensions"]["dev.batchproc"]["mode"] == "light"  # the built-in says dark


def test_hook_batchproc_package_dir(batch: Callable[..., Path]) -> None:
    class Plugin:
        @hookimpl
        def batchproc_package_dir(self, asset, idf):  # type: ignore[no-untyped-def]
            return f"design/{idf.mode}/{asset.slug}" if asset.category == "patterns" else None

    files = render(batch(), Plugin())
    assert sorted(files) == sorted(
        ["design/dark/plum/context.md", "design/dark/plum/tokens.json", "design/dark/plum/usage.md", PLUM_FILES[3], *GOLD_FILES]
    )


def test_hook_batchproc_public_path(batch: Callable[..., Path]) -> None:
    class Plugin:
        @hookimpl
        def batchproc_public_path(self, asset, idf, manifest):  # type: ignore[no-untyped-def]
            return f"static/{manifest.batch_id}/{asset.asset_id.lower()}-{idf.dimensions.width}w.png"

    files = render(batch(), Plugin())
    assert sorted(files) == sorted([*PLUM_FILES[:3], *GOLD_FILES[:3], "static/batch-hooks/asset-1-32w.png", "static/batch-hooks/asset-2-48w.png"])
    assert "static/batch-hooks/asset-2-48w.png" in files["assets/ASSET-2-gold/usage.md"].decode()


def test_hook_batchproc_render_files(batch: Callable[..., Path], repo: Path) -> None:
    class Plugin:
        @hookimpl
        def batchproc_render_files(self, asset, package_dir, public_path):  # type: ignore[no-untyped-def]
            return [OutputFile(path=f"{package_dir}/LICENSE.txt", data=f"CC-BY {asset.name}\n".encode(), asset_id=asset.asset_id, kind="license")]

    report = run(batch(), Plugin())
    assert report.assets[0].files == tuple(sorted([*PLUM_FILES, "assets/ASSET-1-plum/LICENSE.txt"]))
    assert git(repo, "show", "HEAD:assets/ASSET-2-gold/LICENSE.txt") == "CC-BY Gold\n"

    class Clash:
        @hookimpl
        def batchproc_render_files(self, asset, public_path):  # type: ignore[no-untyped-def]
            return [OutputFile(path=public_path.upper(), data=b"x", asset_id=asset.asset_id, kind="clash")]

    with pytest.raises(InputError) as caught:
        render(batch(), Clash())
    assert caught.value.render() == (
        f"{repo / 'manifests/batch.yaml'}:5: ASSET-1: frontend/public/assets/patterns/plum-tile-32.png is also a target of "
        "ASSET-1 (FRONTEND/PUBLIC/ASSETS/PATTERNS/PLUM-TILE-32.PNG); give one of them another name"
    )


def test_hook_batchproc_commit(batch: Callable[..., Path], repo: Path) -> None:
    landed: dict[str, object] = {}

    class Plugin:
        @hookimpl
        def batchproc_commit(self, files, message, manifest):  # type: ignore[no-untyped-def]
            landed.update(paths=sorted(files), message=message, batch=manifest.batch_id)
            return "review-request-42"

    report = run(batch(), Plugin())
    assert landed == {"paths": sorted(PLUM_FILES + GOLD_FILES), "message": "feat(assets): Add batch Hooks - Assets 1,2", "batch": "batch-hooks"}
    assert (report.status, report.commit) == ("committed", "review-request-42")
    assert git(repo, "rev-list", "--all") == ""  # the built-in pygit2 commit never ran


def test_hook_batchproc_report(batch: Callable[..., Path], repo: Path) -> None:
    reports = []

    class Plugin:
        @hookimpl
        def batchproc_report(self, report):  # type: ignore[no-untyped-def]
            reports.append(report)

    run(batch(), Plugin())
    run(batch(), Plugin())
    assert [r.status for r in reports] == ["committed", "no changes"]
    assert reports[0].commit == git(repo, "rev-parse", "HEAD").strip()
    assert reports[0].files == tuple(sorted(PLUM_FILES + GOLD_FILES))

    gold = repo / "manifests/images/gold.png"
    gold.write_bytes(damage_idat(gold.read_bytes(), fix_crc=True))  # loads (chunks intact), fails to extract
    with pytest.raises(BatchFailed):  # a failed batch has no report to read
        run(repo / "manifests/batch.yaml", Plugin())
    assert len(reports) == 2


def test_every_hook_has_a_test_and_a_docs_section() -> None:
    hooks = sorted(name for name in dir(hookspecs) if name.startswith("batchproc_"))
    assert len(hooks) >= 8
    tested = {name.removeprefix("test_hook_") for name in globals() if name.startswith("test_hook_")}
    docs = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^### `(batchproc_\w+)\(", docs, flags=re.MULTILINE))
    assert [hook for hook in hooks if hook not in tested] == []
    assert [hook for hook in hooks if hook not in documented] == []
    assert sorted(tested - set(hooks)) == [] and sorted(documented - set(hooks)) == []
