"""apply end to end: a real repository, the shipped example batch, checked with pygit2 and git."""

from __future__ import annotations

import json
from pathlib import Path

import pygit2
import pytest

from batchproc._cli import main
from pngbytes import damage_idat
from conftest import git

EXPECTED_FILES = [
    "assets/ASSET-3-velvet-curtain/context.md",
    "assets/ASSET-3-velvet-curtain/tokens.json",
    "assets/ASSET-3-velvet-curtain/usage.md",
    "assets/ASSET-4-comedy-and-tragedy-masks/context.md",
    "assets/ASSET-4-comedy-and-tragedy-masks/tokens.json",
    "assets/ASSET-4-comedy-and-tragedy-masks/usage.md",
    "assets/ASSET-6-spotlight/context.md",
    "assets/ASSET-6-spotlight/tokens.json",
    "assets/ASSET-6-spotlight/usage.md",
    "frontend/public/assets/patterns/velvet-curtain-tile-512.png",
    "frontend/public/assets/specimens/comedy-and-tragedy-masks-512.png",
    "frontend/public/assets/specimens/spotlight-512.png",
]


def test_apply_lands_the_batch_as_one_commit(repo: Path, example_batch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["apply", str(example_batch)]) == 0
    out = capsys.readouterr().out

    repository = pygit2.Repository(str(repo))
    head = repository.head.peel(pygit2.Commit)
    assert head.parents == []  # the repository had no commit yet
    assert head.message == "feat(assets): Add batch Theatrical Specimens - Assets 3,4,6\n"
    assert (head.author.name, head.author.email) == ("Dee Signer", "dee@example.com")
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == EXPECTED_FILES
    assert git(repo, "rev-list", "--count", "HEAD").strip() == "1"
    git(repo, "fsck", "--strict")
    # Only the manifest folder (copied in by the test) is untracked; every batch path is clean.
    assert git(repo, "status", "--porcelain").splitlines() == ["?? manifests/"]

    for name, public in [
        ("asset-3-velvet-curtain-pattern.png", "patterns/velvet-curtain-tile-512.png"),
        ("asset-4-masks-specimen.png", "specimens/comedy-and-tragedy-masks-512.png"),
        ("asset-6-spotlight-specimen.png", "specimens/spotlight-512.png"),
    ]:
        source = (example_batch.parent / "images" / name).read_bytes()
        assert (repo / "frontend/public/assets" / public).read_bytes() == source
        assert repository.revparse_single(f"HEAD:frontend/public/assets/{public}").data == source

    assert f"Committed: 1 consolidated commit {head.id}" in out
    assert "Processed: 3 assets in " in out
    assert "Created: 12 files across 5 directories" in out


def test_apply_json_report(repo: Path, example_batch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["apply", str(example_batch), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    head = str(pygit2.Repository(str(repo)).head.target)
    assert report["status"] == "committed"
    assert report["commit"] == head
    assert report["files"] == EXPECTED_FILES
    assert len(report["directories"]) == 5
    assert [a["asset_id"] for a in report["assets"]] == ["ASSET-3", "ASSET-4", "ASSET-6"]
    assert all(set(a["timings"]) == {"extract", "render"} for a in report["assets"])
    assert report["serial_seconds"] >= max(a["seconds"] for a in report["assets"])


def test_apply_into_a_repository_with_history_and_the_repo_option(
    tmp_path: Path, repo: Path, write_png, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "README.md").write_text("frontend\n")
    git(repo, "add", "README.md")
    git(repo, "commit", "--quiet", "-m", "initial")
    before = git(repo, "rev-parse", "HEAD").strip()
    write_png("elsewhere/wall.png", size=(96, 64), colour="#0b1a2c")
    manifest = tmp_path / "elsewhere" / "batch.yaml"
    manifest.write_text(
        "batch_id: night\ntitle: Night\ncommit:\n  author: {name: Ci Bot, email: ci@example.com}\n"
        "assets:\n  - {asset_id: ASSET-12, path: wall.png, score: 95, category: wallpapers, name: Deep Night}\n"
    )
    assert main(["apply", str(manifest), "--repo", str(repo), "--quiet"]) == 0
    head = pygit2.Repository(str(repo)).head.peel(pygit2.Commit)
    assert [str(p.id) for p in head.parents] == [before]
    assert head.message == "feat(assets): Add batch Night - Assets 12\n"
    assert head.author.name == "Ci Bot"
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == [
        "assets/ASSET-12-deep-night/context.md",
        "assets/ASSET-12-deep-night/tokens.json",
        "assets/ASSET-12-deep-night/usage.md",
        "frontend/public/assets/wallpapers/texture-dark-deep-night-96.png",
    ]
    assert git(repo, "status", "--porcelain") == ""
    tokens = json.loads((repo / "assets/ASSET-12-deep-night/tokens.json").read_text())
    assert tokens["deep-night"]["color"]["background"]["$value"]["hex"] == "#0b1a2c"


def test_a_failing_asset_writes_nothing(repo: Path, example_batch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Valid header and chunks, broken compressed pixels: passes validation, fails extraction.
    image = example_batch.parent / "images" / "asset-6-spotlight-specimen.png"
    image.write_bytes(damage_idat(image.read_bytes(), fix_crc=True))
    assert main(["apply", str(example_batch)]) == 1
    err = capsys.readouterr().err
    assert "ASSET-6" in err
    assert err.strip().splitlines()[-1] == "error: 1 asset failed; nothing was written and no commit was made"
    assert git(repo, "rev-list", "--all") == ""
    assert git(repo, "status", "--porcelain").splitlines() == ["?? manifests/"]
    assert not (repo / "assets").exists() and not (repo / "frontend").exists()


def test_user_templates_override_the_built_ins(repo: Path, example_batch: Path) -> None:
    templates = example_batch.parent / "my-templates"
    templates.mkdir()
    (templates / "context.md.j2").write_text("# {{ asset.asset_id }} on {{ idf.background.hex }}\n")
    text = example_batch.read_text().replace("title: Theatrical Specimens\n", "title: Theatrical Specimens\ntemplates: my-templates\n")
    example_batch.write_text(text)
    assert main(["apply", str(example_batch), "--quiet"]) == 0
    assert (repo / "assets/ASSET-3-velvet-curtain/context.md").read_text() == "# ASSET-3 on #1a0f1f\n"
    assert (repo / "assets/ASSET-3-velvet-curtain/usage.md").read_text().startswith("# Using Velvet Curtain (ASSET-3)")


def test_a_template_typo_is_one_line_with_the_template_line(
    repo: Path, example_batch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    templates = example_batch.parent / "my-templates"
    templates.mkdir()
    (templates / "usage.md.j2").write_text("# usage\n\n{{ idf.backgruond.hex }}\n")
    example_batch.write_text(example_batch.read_text().replace("title: Theatrical Specimens\n", "title: T\ntemplates: my-templates\n"))
    assert main(["apply", str(example_batch), "--quiet"]) == 1
    err = capsys.readouterr().err.splitlines()
    # Assets render concurrently: whichever reaches the typo first fails and cancels the rest.
    expected = f"{templates / 'usage.md.j2'}:3: ASSET-{{}}: template error: 'batchproc.models.IDF object' has no attribute 'backgruond'"
    assert err[0] in {"error: " + expected.format(n) for n in (3, 4, 6)}
    assert err[-1].endswith("failed; nothing was written and no commit was made")
    assert git(repo, "rev-list", "--all") == ""
