"""A batch never silently replaces a public file that another asset shipped."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from conftest import git

from batchproc._cli import main
from batchproc._ownership import check_ownership, shipped_by, superseded
from batchproc.errors import InputError

TOKENS = b'{"brick": {"$extensions": {"dev.batchproc": {"asset_id": "C-1", "batch_id": "b", "public_path": "p/brick-64.png"}}}}'


def test_shipped_by_reads_provenance_and_ignores_broken_files() -> None:
    assert shipped_by({"a/tokens.json": TOKENS, "b/tokens.json": b"{not json", "c/tokens.json": None}) == {
        "p/brick-64.png": "C-1"
    }


def test_check_ownership_refuses_another_assets_file() -> None:
    ours = b'{"wood": {"$extensions": {"dev.batchproc": {"asset_id": "D-7", "public_path": "p/brick-64.png"}}}}'
    head = {"assets/C-1-brick/tokens.json": TOKENS, "p/brick-64.png": b"old"}
    with pytest.raises(InputError) as caught:
        check_ownership({"assets/D-7-wood/tokens.json": ours, "p/brick-64.png": b"new"}, head, head.get)
    assert str(caught.value) == (
        "D-7: p/brick-64.png was shipped by C-1; give D-7 another name (or category), or pass --force to replace it"
    )
    # The same asset shipping a new version of its own file is no clash.
    check_ownership({"assets/C-1-brick/tokens.json": TOKENS, "p/brick-64.png": b"new"}, head, head.get)


def record(asset_id: object, public: str, folder: str | None, batch: str = "b", shipped: bytes = b"old") -> bytes:
    source = {"sha256": hashlib.sha256(shipped).hexdigest()}  # what the public copy holds
    provenance: dict[str, object] = {"asset_id": asset_id, "batch_id": batch, "public_path": public, "source": source}
    if folder is not None:
        provenance["package_dir"] = folder
    return json.dumps({"group": {"$extensions": {"dev.batchproc": provenance}}}).encode()


def test_superseded_names_only_what_batchproc_shipped_for_the_asset_and_no_longer_writes() -> None:
    head = {
        "assets/C-1-brick/tokens.json": record("C-1", "p/brick-64.png", "assets/C-1-brick"),  # C-1 as shipped
        "assets/C-1-brick/usage.md": b"usage",
        "assets/C-1-brick/notes.md": b"a person's notes",  # not a name batchproc writes
        "p/brick-64.png": b"old",
        "assets/C-1-old/tokens.json": record("C-1", "p/shared.png", "assets/C-1-old"),  # names a file E-2 claims
        "assets/E-2-tile/tokens.json": record("E-2", "p/shared.png", "assets/E-2-tile"),
        "p/shared.png": b"E-2's",
        "assets/C-1-slate/tokens.json": record("C-1", "p/slate.png", "assets/C-1-slate", batch="z"),  # another batch
        "p/slate.png": b"z's",
        "assets/my-copy/tokens.json": record("C-1", "p/copy.png", "assets/C-1-brick"),  # a person's copy
        "p/copy.png": b"the copy's",
        "assets/C-1-legacy/tokens.json": record("C-1", "p/legacy.png", None),  # written before package_dir
        "p/legacy.png": b"legacy",
        "assets/C-1-odd/tokens.json": record(["C-1"], "p/odd.png", "assets/C-1-odd"),  # hand-edited
        "assets/C-1-inner/tokens.json": record("C-1", "assets/E-2-tile/tokens.json", "assets/C-1-inner"),
        "assets/C-1-edited/tokens.json": record("C-1", "p/mine.png", "assets/C-1-edited", shipped=b"ours"),
        "p/mine.png": b"a person's file, not the bytes batchproc shipped",
    }
    files = {"assets/C-1-stone/tokens.json": b"{}", "assets/C-1-stone/usage.md": b"", "p/stone-64.png": b""}
    packages = [path for path in head if path.startswith("assets/")]
    assert superseded(files, "b", ["C-1"], packages, head.get, "p") == {
        "assets/C-1-brick/tokens.json": "C-1",
        "assets/C-1-brick/usage.md": "C-1",
        "assets/C-1-edited/tokens.json": "C-1",  # its package goes, p/mine.png (other bytes) stays
        "assets/C-1-inner/tokens.json": "C-1",
        "assets/C-1-old/tokens.json": "C-1",
        "p/brick-64.png": "C-1",
    }
    # Nothing goes for an asset the batch does not hold, or a file the batch writes again.
    assert superseded(files, "b", ["X-9"], packages, head.get, "p") == {}
    assert "p/brick-64.png" not in superseded({**files, "p/brick-64.png": b""}, "b", ["C-1"], packages, head.get, "p")
    # A public path outside the public folder (a hand-edited provenance) is never touched.
    assert "p/brick-64.png" not in superseded(files, "b", ["C-1"], packages, head.get, "frontend/public")
    # Nor one inside a package folder, even when the public folder holds the packages.
    assert "assets/E-2-tile/tokens.json" not in superseded(files, "b", ["C-1"], packages, head.get, "")


def write_batch(folder: Path, name: str, asset_id: str, colour: str, write_png) -> Path:
    write_png(f"{folder.name}/{asset_id}.png", size=(64, 64), colour=colour)
    manifest = folder / f"{name}.yaml"
    manifest.write_text(
        f"batch_id: {name}\nassets:\n  - {{asset_id: {asset_id}, path: {asset_id}.png, score: 95, name: Brick}}\n"
    )
    return manifest


def test_a_second_batch_cannot_take_over_a_public_file(
    repo: Path, tmp_path: Path, write_png, capsys: pytest.CaptureFixture[str]
) -> None:
    first = write_batch(tmp_path / "one", "c1", "C-1", "#646464", write_png)
    second = write_batch(tmp_path / "two", "d1", "D-7", "#3a2412", write_png)
    assert main(["apply", str(first), "--repo", str(repo), "--quiet"]) == 0
    shipped = git(repo, "rev-parse", "HEAD").strip()
    capsys.readouterr()

    assert main(["apply", str(second), "--repo", str(repo), "--quiet"]) == 2
    assert capsys.readouterr().err == (
        "error: D-7: frontend/public/assets/specimens/brick-64.png was shipped by C-1; "
        "give D-7 another name (or category), or pass --force to replace it\n"
    )
    assert git(repo, "rev-parse", "HEAD").strip() == shipped
    assert git(repo, "status", "--porcelain") == ""

    assert main(["apply", str(second), "--repo", str(repo), "--quiet", "--force"]) == 0
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == [
        "assets/D-7-brick/context.md",
        "assets/D-7-brick/tokens.json",
        "assets/D-7-brick/usage.md",
        "frontend/public/assets/specimens/brick-64.png",
    ]


def test_a_hand_edited_tokens_file_owns_nothing() -> None:
    broken = b'{"brick": {"$extensions": []}, "other": 3, "more": {"$extensions": {"dev.batchproc": "x"}}}'
    assert shipped_by({"a/tokens.json": broken, "b/tokens.json": b"[1, 2]"}) == {}


def test_content_sha256_reads_through_an_lfs_pointer() -> None:
    from batchproc import _gitlfs

    data = b"\x89PNG pixels"
    assert _gitlfs.content_sha256(data) == hashlib.sha256(data).hexdigest()
    assert _gitlfs.content_sha256(_gitlfs.pointer_for(data)[0]) == hashlib.sha256(data).hexdigest()
