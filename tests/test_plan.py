"""batchproc plan: what apply would do, exit codes, writing nothing, and provenance shortcuts."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import git

from batchproc import _provenance
from batchproc._cli import main
from batchproc._commands.plan import plan
from batchproc.hookspecs import hookimpl

ASSET_3 = [
    "assets/ASSET-3-velvet-curtain/context.md",
    "assets/ASSET-3-velvet-curtain/tokens.json",
    "assets/ASSET-3-velvet-curtain/usage.md",
    "frontend/public/assets/patterns/velvet-curtain-tile-512.png",
]
ASSET_4 = [
    "assets/ASSET-4-comedy-and-tragedy-masks/context.md",
    "assets/ASSET-4-comedy-and-tragedy-masks/tokens.json",
    "assets/ASSET-4-comedy-and-tragedy-masks/usage.md",
    "frontend/public/assets/specimens/comedy-and-tragedy-masks-512.png",
]
ASSET_6 = [
    "assets/ASSET-6-spotlight/context.md",
    "assets/ASSET-6-spotlight/tokens.json",
    "assets/ASSET-6-spotlight/usage.md",
    "frontend/public/assets/specimens/spotlight-512.png",
]
MESSAGE = "feat(assets): Add batch Theatrical Specimens - Assets 3,4,6"


class CountExtractions:
    """Counts the extractions a run asks for, then lets the built-in extractor answer."""

    def __init__(self) -> None:
        self.assets: list[str] = []

    @hookimpl(tryfirst=True)
    def batchproc_extract(self, asset, manifest, run):  # type: ignore[no-untyped-def]
        self.assets.append(asset.asset_id)


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under ``root`` (the .git folder too) with its size and mtime."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder, name)
            stat = path.lstat()
            found[str(path.relative_to(root))] = (stat.st_size, stat.st_mtime_ns)
    return found


def applied(repo: Path, manifest: Path) -> str:
    """Apply, then empty the extraction cache, so a CountExtractions sees every extraction."""
    assert main(["apply", str(manifest), "--quiet"]) == 0
    shutil.rmtree(Path(os.environ["XDG_CACHE_HOME"]) / "batchproc")
    return git(repo, "rev-parse", "HEAD").strip()


def test_plan_on_an_empty_repository_lists_every_file_as_added(
    repo: Path, example_batch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", str(example_batch)]) == 0
    assert capsys.readouterr().out.splitlines() == [f"  + {path}" for path in ASSET_3 + ASSET_4 + ASSET_6] + [
        "Plan: 12 to add, 0 to change, 0 unchanged.",
        f"Commit message: {MESSAGE}",
    ]
    assert main(["plan", str(example_batch), "--detailed-exitcode"]) == 2


def test_plan_json(repo: Path, example_batch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", str(example_batch), "--json", "--detailed-exitcode"]) == 2
    result = json.loads(capsys.readouterr().out)
    assert result["counts"] == {"add": 12, "change": 0, "same": 0, "remove": 0}
    assert result["message"] == MESSAGE
    assert result["up_to_date"] == []
    assert result["changes"][0] == {"path": ASSET_3[0], "status": "add", "asset_id": "ASSET-3"}
    assert [c["path"] for c in result["changes"]] == ASSET_3 + ASSET_4 + ASSET_6


def test_plan_writes_nothing_in_the_repository(repo: Path, example_batch: Path, isolated_environment: Path) -> None:
    (repo / "README.md").write_text("frontend\n")
    git(repo, "add", "README.md")
    git(repo, "commit", "--quiet", "-m", "initial")
    (repo / "README.md").write_text("edited, not staged\n")
    before = (snapshot(repo), git(repo, "--no-optional-locks", "status", "--porcelain"), git(repo, "show-ref"))
    index_mtime = (repo / ".git" / "index").stat().st_mtime_ns
    cache = isolated_environment / ".cache"

    assert main(["plan", str(example_batch)]) == 0
    assert main(["plan", str(example_batch), "--json"]) == 0
    assert (snapshot(repo), git(repo, "--no-optional-locks", "status", "--porcelain"), git(repo, "show-ref")) == before
    assert (repo / ".git" / "index").stat().st_mtime_ns == index_mtime
    # Outside the repository, plan may only fill the extraction cache, so the apply that
    # follows does not pay for a (remote) extraction twice.
    written = sorted(path for path, _ in snapshot(cache).items() if (cache / path).is_file())
    assert len(written) == 3 and all(path.startswith("batchproc/idf/") and path.endswith(".json") for path in written)


def test_plan_of_an_applied_batch_reads_and_writes_no_cache(
    repo: Path, example_batch: Path, isolated_environment: Path
) -> None:
    applied(repo, example_batch)
    cache = isolated_environment / ".cache"
    before = snapshot(repo)
    assert main(["plan", str(example_batch)]) == 0
    assert list(cache.rglob("*.json")) == []  # every asset was up to date: nothing extracted, nothing cached
    assert snapshot(repo) == before


def test_plan_after_apply_says_no_changes_without_extracting(
    repo: Path, example_batch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    applied(repo, example_batch)
    capsys.readouterr()
    counter = CountExtractions()
    assert plan(str(example_batch), detailed_exitcode=True, plugins=[counter]) == 0
    assert counter.assets == []
    assert capsys.readouterr().out.splitlines() == [f"  = {path}" for path in ASSET_3 + ASSET_4 + ASSET_6] + [
        "No changes: the repository already holds this batch.",
        "Up to date in HEAD, not extracted again: ASSET-3, ASSET-4, ASSET-6",
    ]


def test_changed_specs_replan_only_that_asset(
    repo: Path, example_batch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    applied(repo, example_batch)
    example_batch.write_text(example_batch.read_text().replace("purpose: hero illustration", "purpose: page header"))
    capsys.readouterr()
    counter = CountExtractions()
    assert plan(str(example_batch), detailed_exitcode=True, json_output=True, plugins=[counter]) == 2
    assert counter.assets == ["ASSET-4"]
    result = json.loads(capsys.readouterr().out)
    changed = [c["path"] for c in result["changes"] if c["status"] == "change"]
    assert changed == [ASSET_4[0], ASSET_4[1]]  # context.md names the purpose; tokens.json its provenance
    assert result["counts"] == {"add": 0, "change": 2, "same": 10, "remove": 0}
    assert result["up_to_date"] == ["ASSET-3", "ASSET-6"]


@pytest.mark.parametrize("change", ["template", "version", "image", "score", "batch_id"])
def test_what_invalidates_the_shortcut(
    repo: Path, example_batch: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], change: str
) -> None:
    applied(repo, example_batch)
    text = example_batch.read_text()
    if change == "template":
        (example_batch.parent / "mine").mkdir()
        (example_batch.parent / "mine" / "extra.j2").write_text("unused by the built-ins, still an input\n")
        example_batch.write_text(
            text.replace("title: Theatrical Specimens\n", "title: Theatrical Specimens\ntemplates: mine\n")
        )
    elif change == "version":
        monkeypatch.setattr(_provenance, "__version__", "99.0")
    elif change == "image":
        image = example_batch.parent / "images" / "asset-6-spotlight-specimen.png"
        image.write_bytes(image.read_bytes() + b"trailing bytes after IEND")
    elif change == "score":
        example_batch.write_text(text.replace("score: 91", "score: 97"))
    else:
        example_batch.write_text(text.replace("batch_id: batch-theatrical-specimens", "batch_id: batch-encore"))
    capsys.readouterr()
    counter = CountExtractions()
    assert plan(str(example_batch), json_output=True, plugins=[counter]) == 0
    expected = {"template": 3, "version": 3, "image": 1, "score": 1, "batch_id": 3}[change]
    assert len(counter.assets) == expected
    assert json.loads(capsys.readouterr().out)["counts"]["change"] >= 1


def test_a_dirty_target_is_an_error_and_detailed_exitcode_makes_errors_1(
    repo: Path, example_batch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    applied(repo, example_batch)
    example_batch.write_text(example_batch.read_text().replace("purpose: hero illustration", "purpose: page header"))
    (repo / ASSET_4[0]).write_text("my own notes\n")
    capsys.readouterr()
    line = (
        f"error: {ASSET_4[0]} has local changes that differ from HEAD and from the new output; "
        "commit or stash them, or pass --force\n"
    )
    assert main(["plan", str(example_batch)]) == 2
    assert capsys.readouterr().err == line
    assert main(["plan", str(example_batch), "--detailed-exitcode"]) == 1
    assert capsys.readouterr().err == line
    assert main(["plan", str(example_batch), "--force", "--detailed-exitcode"]) == 2
    assert (repo / ASSET_4[0]).read_text() == "my own notes\n"


def test_detailed_exitcode_errors_are_1_for_bad_input_and_usage(
    repo: Path, example_batch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(example_batch.parent / "missing.yaml")
    assert main(["plan", missing]) == 2
    assert main(["plan", missing, "--detailed-exitcode"]) == 1
    assert capsys.readouterr().err.splitlines() == [f"error: {missing}: no such file"] * 2
    assert main(["plan", str(example_batch), "--detailed-exitcode", "--no-such-option"]) == 1
    assert capsys.readouterr().err == (
        "batchproc: error: unrecognized arguments: --no-such-option (see batchproc --help)\n"
    )
    with pytest.raises(SystemExit) as caught:
        main(["plan", str(example_batch), "--no-such-option"])
    assert caught.value.code == 2


def test_an_edited_target_of_an_up_to_date_asset_is_reported_as_apply_would(
    repo: Path, example_batch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    applied(repo, example_batch)
    (repo / ASSET_6[2]).write_text("hand edited usage\n")
    capsys.readouterr()
    assert main(["plan", str(example_batch), "--detailed-exitcode"]) == 1
    assert main(["apply", str(example_batch), "--quiet"]) == 2
    err = capsys.readouterr().err.splitlines()
    line = f"error: {ASSET_6[2]} has local changes that differ from HEAD and from the new output; "
    assert err == [line + "commit or stash them, or pass --force"] * 2
