"""Bad input that only shows once pixels are read or the repository is looked at: one clean
error, the right exit code, and the repository exactly as it was (refs, status, every file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from batchproc._cli import main
from batchproc._runner import AssetResult, collect_files
from batchproc.errors import InputError
from batchproc.models import Manifest, OutputFile
from conftest import git
from pngbytes import damage_idat
from repo_state import snapshot


@pytest.fixture
def project(repo: Path, write_png) -> Path:
    """``repo`` with one commit holding ``manifests/`` and two dark 64x64 PNGs."""
    write_png("frontend/manifests/dusk.png", colour="#101018")
    write_png("frontend/manifests/night.png", colour="#08080c")
    (repo / "README.md").write_text("frontend\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "start")
    return repo


def run(project: Path, manifest: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    path = project / "manifests" / "batch.yaml"
    path.write_text(manifest)
    before = snapshot(project)
    code = main(["apply", str(path), "--quiet"])
    after = snapshot(project)
    assert after == before, f"written: {sorted(after.written_since(before))}"
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, [line.replace(f"{path}", "batch.yaml") for line in err.splitlines()]


def test_targets_that_collide_only_once_measured(project: Path, capsys) -> None:
    # Both are 64 px wallpapers named by mode and width only: their public names differ only by
    # {mode}, which the manifest does not declare; both measure dark, so the runner finds the
    # collision. (Two assets with one slug are refused earlier: their tokens would collide.)
    manifest = (
        "batch_id: b\nnaming: {wallpapers: 'texture-{mode}-{width}.png'}\nassets:\n"
        "  - {asset_id: A-1, path: dusk.png, score: 95, name: Dusk, category: wallpapers}\n"
        "  - {asset_id: A-2, path: night.png, score: 95, name: Night, category: wallpapers}\n"
    )
    assert run(project, manifest, capsys) == (
        2,
        [
            "error: batch.yaml:5: A-2: frontend/public/assets/wallpapers/texture-dark-64.png is also a target"
            " of A-1; give one of them another name"
        ],
    )


def test_an_image_that_does_not_decode_fails_the_batch_and_writes_nothing(project: Path, capsys) -> None:
    night = project / "manifests" / "night.png"
    night.write_bytes(damage_idat(night.read_bytes(), fix_crc=True))
    manifest = (
        "batch_id: b\nassets:\n"
        "  - {asset_id: A-1, path: dusk.png, score: 95}\n"
        "  - {asset_id: A-2, path: night.png, score: 95}\n"
    )
    code, lines = run(project, manifest, capsys)
    assert (code, lines) == (
        1,
        [
            "error: batch.yaml:4: A-2: night.png: cannot decode the image "
            "(broken data stream when reading image file); re-export the file",
            "error: 1 asset failed; nothing was written and no commit was made",
        ],
    )


@pytest.mark.parametrize("link", ["folder", "file"])
def test_a_symlinked_destination_is_refused(project: Path, tmp_path_factory, capsys, link: str) -> None:
    outside = tmp_path_factory.mktemp("outside")
    target = project / "frontend" / "public" / "assets" / "specimens"
    if link == "folder":
        target.parent.mkdir(parents=True)
        target.symlink_to(outside, target_is_directory=True)
        expected = "its folder frontend/public/assets/specimens"
    else:
        target.mkdir(parents=True)
        (target / "dusk-64.png").symlink_to(outside / "dusk-64.png")
        expected = "it"
    manifest = "batch_id: b\nassets:\n  - {asset_id: A-1, path: dusk.png, score: 95}\n"
    assert run(project, manifest, capsys) == (
        2,
        [
            f"error: frontend/public/assets/specimens/dusk-64.png: {expected} is a symlink in the work tree; "
            "batchproc does not write through links, so replace it with a real folder or file"
        ],
    )
    assert list(outside.iterdir()) == []


def _results(manifest: Manifest, paths: dict[str, str]) -> dict[str, AssetResult]:
    results = {}
    for asset in manifest.assets:
        output = OutputFile(path=paths[asset.asset_id], data=b"x", asset_id=asset.asset_id, kind="public")
        results[asset.asset_id] = AssetResult(asset, None, "", output.path, [output])  # type: ignore[arg-type]
    return results


@pytest.mark.parametrize(
    ("first", "second"),
    [("web/Logo.png", "web/logo.png"), ("web/caf\u00e9.png", "web/cafe\u0301.png"), ("WEB/x.png", "web/X.PNG")],
    ids=["case", "nfc-nfd", "folder-case"],
)
def test_rendered_targets_that_differ_only_by_case_or_unicode_form(project: Path, first: str, second: str) -> None:
    from batchproc._manifest import load_manifest

    path = project / "manifests" / "batch.yaml"
    path.write_text(
        "batch_id: b\nassets:\n  - {asset_id: A-1, path: dusk.png, score: 95}\n  - {asset_id: A-2, path: night.png, score: 95}\n"
    )
    manifest = load_manifest(path)
    with pytest.raises(InputError) as caught:
        collect_files(manifest, _results(manifest, {"A-1": first, "A-2": second}))
    assert str(caught.value) == f"{path}:4: A-2: {second} is also a target of A-1 ({first}); give one of them another name"


@pytest.mark.parametrize(
    ("target", "why"),
    [
        ("../outside.png", "goes up with '..'; write it relative to the repository root"),
        ("/etc/x.png", "is an absolute path; write it relative to the repository root"),
        ("web/.git/hooks/x.png", "enters .git; choose another folder"),
    ],
)
def test_rendered_targets_outside_the_work_tree(project: Path, target: str, why: str) -> None:
    from batchproc._manifest import load_manifest

    path = project / "manifests" / "batch.yaml"
    path.write_text("batch_id: b\nassets:\n  - {asset_id: A-1, path: dusk.png, score: 95}\n")
    manifest = load_manifest(path)
    with pytest.raises(InputError) as caught:
        collect_files(manifest, _results(manifest, {"A-1": target}))
    assert str(caught.value) == f"{path}:3: A-1: target path {target!r} {why}"


@pytest.mark.parametrize("command", ["apply", "plan"])
def test_a_repo_folder_that_does_not_exist_is_not_the_enclosing_repository(
    project: Path, capsys, command: str, monkeypatch
) -> None:
    path = project / "manifests" / "batch.yaml"
    path.write_text("batch_id: b\nassets:\n  - {asset_id: A-1, path: dusk.png, score: 95}\n")
    monkeypatch.chdir(project)
    before = snapshot(project)
    assert main([command, str(path), "--repo", "fronted"]) == 2
    assert capsys.readouterr().err == "error: --repo fronted: no such folder; pass the target repository's folder\n"
    assert snapshot(project) == before


def test_init_with_a_folder_or_output_it_cannot_use(tmp_path: Path, write_png, capsys) -> None:
    write_png("pngs/a.png")
    long_name = "r" * 300
    assert main(["init", str(tmp_path / long_name)]) == 2
    (tmp_path / "taken").write_text("a file where a folder would go")
    assert main(["init", str(tmp_path / "pngs"), "--output", str(tmp_path / "taken" / "batch.yaml")]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"error: {tmp_path / long_name}: no such folder",
        f"error: {tmp_path / 'taken' / 'batch.yaml'}: cannot be written: File exists",
    ]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["pngs", "taken"]


def test_extract_refuses_a_device_instead_of_reading_it_forever(capsys) -> None:
    assert main(["extract", "/dev/zero"]) == 2
    assert capsys.readouterr().err == "error: /dev/zero: is not a regular file (a device or a pipe); point at the PNG file\n"
