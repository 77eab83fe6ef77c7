"""The IDF cache: where it lives, what its key covers, and that a bad entry is only a miss."""

from __future__ import annotations

from pathlib import Path

import pytest
import trio

from batchproc._cache import Cache, cache_key, default_dir, extract_cached
from batchproc._context import RunContext
from batchproc._manifest import load_manifest
from batchproc._stages.local_extractor import measure_idf
from batchproc.models import Manifest


@pytest.fixture
def manifest(tmp_path: Path, write_png) -> Manifest:
    write_png("a.png", colour="#203040")
    (tmp_path / "prompt.txt").write_text("Describe $name.")
    path = tmp_path / "batch.yaml"
    path.write_text(
        "batch_id: b\nextractor:\n  name: http\n"
        "  options: {base_url: 'http://x/v1', model: m, api_key_env: VISION_KEY, prompt_file: prompt.txt}\n"
        "assets:\n  - {asset_id: A-1, path: a.png, score: 95}\n"
    )
    return load_manifest(path)


def with_options(manifest: Manifest, **changes: object) -> Manifest:
    options = {**manifest.extractor.options, **changes}
    return manifest.model_copy(update={"extractor": manifest.extractor.model_copy(update={"options": options})})


def test_the_default_folder_follows_the_platform(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("BATCHPROC_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_dir() == tmp_path / "xdg/batchproc"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/is/ignored")
    assert default_dir() == Path.home() / ".cache/batchproc"
    monkeypatch.setattr("sys.platform", "darwin")
    assert default_dir() == Path.home() / "Library/Caches/batchproc"
    monkeypatch.setattr("sys.platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    assert default_dir() == tmp_path / "Local/batchproc/Cache"
    monkeypatch.setenv("BATCHPROC_CACHE_DIR", str(tmp_path / "moved"))
    assert default_dir() == tmp_path / "moved"


def test_the_key_covers_image_extractor_version_options_and_prompt_file(manifest: Manifest, tmp_path: Path, write_png) -> None:
    image = manifest.assets[0].path
    key = cache_key(image, manifest, "1")
    assert cache_key(image, manifest, "1") == key
    assert cache_key(image, manifest, "2") != key
    assert cache_key(image, with_options(manifest, model="other"), "1") != key
    assert cache_key(image, with_options(manifest, retries=5), "1") != key
    assert cache_key(image, with_options(manifest, api_key="sk-secret"), "1") == key  # secrets are never key material
    (tmp_path / "prompt.txt").write_text("Describe $name in one word.")
    assert cache_key(image, manifest, "1") != key
    (tmp_path / "prompt.txt").write_text("Describe $name.")
    write_png("a.png", colour="#203041")
    assert cache_key(image, manifest, "1") != key


def run_cached(manifest: Manifest, tmp_path: Path, calls: list[str], use_cache: bool = True):
    asset = manifest.assets[0]
    run = RunContext(repo_root=tmp_path, cache_dir=tmp_path / "cache", use_cache=use_cache)

    async def extract():
        calls.append(asset.asset_id)
        return measure_idf(asset.path)

    return trio.run(extract_cached, asset, manifest, run, "1", extract)


def test_a_hit_skips_extraction_and_a_corrupt_entry_is_a_miss(manifest: Manifest, tmp_path: Path) -> None:
    calls: list[str] = []
    first = run_cached(manifest, tmp_path, calls)
    assert run_cached(manifest, tmp_path, calls) == first
    assert calls == ["A-1"]
    (entry,) = (tmp_path / "cache/idf").rglob("*.json")
    assert entry == Cache(tmp_path / "cache").entry(cache_key(manifest.assets[0].path, manifest, "1"))
    for garbage in (b"{not json", b'{"schema_version": 1}', b""):
        entry.write_bytes(garbage)
        assert run_cached(manifest, tmp_path, calls) == first
    assert calls == ["A-1"] * 4
    assert [path.name for path in entry.parent.iterdir()] == [entry.name]  # no temporary files left behind


def test_no_cache_extracts_again_and_refreshes_the_entry(manifest: Manifest, tmp_path: Path) -> None:
    calls: list[str] = []
    run_cached(manifest, tmp_path, calls)
    run_cached(manifest, tmp_path, calls, use_cache=False)
    run_cached(manifest, tmp_path, calls)
    assert calls == ["A-1", "A-1"]


def test_a_hit_reports_the_images_current_path(manifest: Manifest, tmp_path: Path, write_png) -> None:
    calls: list[str] = []
    run_cached(manifest, tmp_path, calls)
    copy = write_png("elsewhere/b.png", colour="#203040")
    moved = manifest.model_copy(update={"assets": (manifest.assets[0].model_copy(update={"path": copy}),)})
    idf = run_cached(moved, tmp_path, calls)
    assert (calls, idf.source.path) == (["A-1"], str(copy))
