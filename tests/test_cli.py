"""The installed console script, run as a user runs it: in a subprocess, from another folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from batchproc._cli import main
from conftest import ROOT, git

SCRIPT = Path(sys.executable).parent / "batchproc"


def batchproc(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed ``batchproc`` (the console script next to this Python)."""
    assert SCRIPT.exists(), f"batchproc is not installed in {SCRIPT.parent}; run `make test`"
    return subprocess.run([str(SCRIPT), *args], cwd=cwd, capture_output=True, text=True, env=os.environ.copy(), timeout=120)


def test_installed_cli_applies_the_example(repo: Path, example_batch: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = batchproc("apply", str(example_batch), cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Processed: 3 assets in ")
    assert "Created: 12 files across 5 directories" in lines
    head = git(repo, "rev-parse", "HEAD").strip()
    assert f"Committed: 1 consolidated commit {head}" in lines
    # Not a terminal: plain progress lines on stderr, no escape codes.
    assert "ASSET-3: extract" in result.stderr and "\x1b[" not in result.stderr
    git(repo, "fsck", "--strict")


def test_installed_cli_finds_its_schemas_and_templates(tmp_path: Path) -> None:
    result = batchproc("schema", cwd=tmp_path)
    assert result.returncode == 0
    assert json.loads(result.stdout)["title"] == "batchproc manifest"
    installed = subprocess.run(
        [sys.executable, "-c", "import batchproc._resources as r; print(r.data_dir('templates'))"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert (Path(installed) / "usage.md.j2").is_file()


def test_validate_reports_problems_with_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("batch_id: b\nassets:\n  - {asset_id: A-1, path: nope.png, score: 95}\n")
    result = batchproc("validate", str(bad), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == f"{bad}:3: assets[0].path: nope.png: no such file\n"
    assert "Traceback" not in result.stderr


def test_validate_ok(example_batch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(example_batch), str(example_batch.parent / "seed.json")]) == 0
    assert capsys.readouterr().out == f"{example_batch}: ok\n{example_batch.parent / 'seed.json'}: ok\n"


def test_extract_prints_the_idf(example_batch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    image = example_batch.parent / "images" / "asset-3-velvet-curtain-pattern.png"
    assert main(["extract", str(image)]) == 0
    idf = json.loads(capsys.readouterr().out)
    assert idf["background"]["hex"] == "#1a0f1f"
    assert idf["dimensions"] == {
        "width": 512, "height": 512, "mode": "RGB", "color_type": "rgb", "bit_depth": 8, "alpha": False, "frames": 1,
            "color_profile": None,
    }
    assert idf["extractor"]["name"] == "local"
    assert idf["tileability"]["tileable"] is True


def test_extract_of_a_bad_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    assert main(["extract", str(empty)]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_extract_checks_the_file_like_a_manifest_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cut = tmp_path / "cut.png"
    cut.write_bytes((ROOT / "manifests" / "images" / "asset-3-velvet-curtain-pattern.png").read_bytes()[:2000])
    assert main(["extract", str(cut)]) == 2  # bad input before decoding, as validate says
    assert capsys.readouterr().err == f"error: {cut}: image data is truncated (chunk IDAT runs past the end); re-export the file\n"
    assert main(["extract", ""]) == 2
    assert capsys.readouterr().err == "error: extract: no file named; give the path of the PNG to measure\n"


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["plan"])
    assert caught.value.code == 2
    assert capsys.readouterr().err == "batchproc plan: error: the following arguments are required: manifest (see batchproc plan --help)\n"
    assert main(["apply"]) == 2  # apply takes no manifest with --changed-since, so argparse cannot say it
    assert capsys.readouterr().err == "error: give a manifest to apply, or --changed-since REF to apply the manifests changed since REF\n"


def test_missing_manifest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["apply", str(tmp_path / "nope.yaml")]) == 2
    assert capsys.readouterr().err == f"error: {tmp_path / 'nope.yaml'}: no such file\n"


def test_apply_outside_a_repository(tmp_path: Path, example_batch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lonely = tmp_path / "lonely"
    shutil.copytree(example_batch.parent, lonely)
    assert main(["apply", str(lonely / "theatrical.yaml"), "--quiet"]) == 2
    assert capsys.readouterr().err == (
        f"error: {lonely} is not inside a git repository; run `git init` or pass --repo\n"
    )


def test_init_writes_a_manifest_that_validates_once_scored(tmp_path: Path, write_png, capsys: pytest.CaptureFixture[str]) -> None:
    write_png("pngs/Velvet Curtain.png")
    write_png("pngs/icon-moon-512.png", colour="#203040")
    (tmp_path / "pngs" / "notes.txt").write_text("not an image")
    target = tmp_path / "manifests" / "drop.yaml"  # a folder that does not exist yet
    assert main(["init", str(tmp_path / "pngs"), "-o", str(target)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"Wrote {target} with 2 assets (1 file skipped: not PNG)",
        f"Next: set each score, then `batchproc validate {target}`",
    ]
    # Unscored assets must not ship by accident: validate says where each score is missing.
    assert main(["validate", str(target)]) == 2
    assert capsys.readouterr().out.splitlines() == [
        f"{target}:8: assets[0].score: expected a number, got nothing; write a value or remove the key",
        f"{target}:13: assets[1].score: expected a number, got nothing; write a value or remove the key",
    ]
    text = target.read_text()
    assert 'name: "moon"\n    category: icons' in text  # the category is not repeated in the name
    target.write_text(text.replace("score:     #", "score: 93  #"))
    assert main(["validate", str(target)]) == 0
    assert main(["init", str(tmp_path / "pngs"), "-o", str(target)]) == 2


@pytest.mark.parametrize(
    ("stem", "name", "category"),
    [
        ("pattern-dark-wood", "dark-wood", "patterns"),
        ("icon-tango-address-book-128", "tango-address-book", "icons"),
        ("wallpaper-cyberpunk-street-pixel", "cyberpunk-street-pixel", "wallpapers"),
        ("illustration-horse-silhouette", "illustration-horse-silhouette", "specimens"),
        ("dark-wood-pattern", "dark-wood-pattern", "patterns"),  # only a leading word goes
        ("pattern", "pattern", "patterns"),  # nothing would be left
    ],
)
def test_init_guesses_name_and_category_from_the_file_name(stem: str, name: str, category: str) -> None:
    from batchproc._commands.init import guess_category, guess_name

    assert (guess_name(stem), guess_category(stem)) == (name, category)


def test_init_writes_valid_yaml_and_distinct_names_for_awkward_files(tmp_path: Path, write_png) -> None:
    for name in ('tile-"quoted".png', "tile\\new.png", "icon-moon-16.png", "icon-moon-512.png", "Gr\u00fcn Tile.png"):
        write_png(f"drop/{name}")
    target = tmp_path / "drop" / "batch.yaml"
    assert main(["init", str(tmp_path / "drop")]) == 0
    text = target.read_text(encoding="utf-8")
    assert main(["validate", str(target)]) == 2  # only the scores are missing, every path resolves
    target.write_text(text.replace("score:     #", "score: 95  #"), encoding="utf-8")
    assert main(["validate", str(target)]) == 0
    from batchproc._manifest import load_manifest

    manifest = load_manifest(str(target))
    assert [(asset.path.name, asset.name) for asset in manifest.assets] == [
        ("Gr\u00fcn Tile.png", "grun-tile"),
        ("icon-moon-16.png", "moon-16"),
        ("icon-moon-512.png", "moon-512"),
        ('tile-"quoted".png', "quoted"),
        ("tile\\new.png", "new"),
    ]


def test_plugins_lists_the_built_in_stages(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins", "--json"]) == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["local_extractor"]["hooks"] == ["batchproc_extract", "batchproc_extractors"]
    assert rows["git_commit"]["hooks"] == ["batchproc_commit"]
    assert rows["placement"]["hooks"] == ["batchproc_package_dir", "batchproc_public_path"]


def test_validate_refuses_an_extractor_no_plugin_provides(example_batch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    example_batch.write_text(example_batch.read_text().replace("title: Theatrical Specimens\n", "title: T\nextractor: nosuch\n"))
    assert main(["validate", str(example_batch)]) == 2
    assert capsys.readouterr().out == f"{example_batch}: extractor: no extractor named 'nosuch'; installed: http, local\n"
