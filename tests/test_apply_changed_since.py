"""``batchproc apply --changed-since REF``: only the manifests that changed, one commit each."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from batchproc._cli import main
from conftest import git


def manifest(batch_id: str, image: str, score: int = 95) -> str:
    return f"batch_id: {batch_id}\ntitle: {batch_id.title()}\nassets:\n  - {{asset_id: A-1, path: {image}, score: {score}, name: {batch_id}}}\n"


@pytest.fixture
def history(repo: Path, write_png: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> str:
    """Three manifests committed; returns that commit's id. The current directory is the repository."""
    for name, colour in (("plum", "#3b1030"), ("gold", "#d4a537"), ("teal", "#1f8a8a")):
        write_png(f"frontend/manifests/images/{name}.png", size=(16, 16), colour=colour)
        (repo / f"manifests/{name}.yaml").write_text(manifest(name, f"images/{name}.png"), encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "three manifests")
    monkeypatch.chdir(repo)
    return git(repo, "rev-parse", "HEAD").strip()


def subjects(repo: Path) -> list[str]:
    return git(repo, "log", "--format=%s").splitlines()


def test_nothing_changed_says_so_and_exits_0(history: str, repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["apply", "--changed-since", history]) == 0
    assert capsys.readouterr().out == f"No manifests changed since {history}; nothing to apply.\n"
    assert subjects(repo) == ["three manifests"]


def test_each_changed_manifest_is_applied_as_its_own_commit(history: str, repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "manifests/teal.yaml").write_text(manifest("teal", "images/teal.png", score=97), encoding="utf-8")
    (repo / "manifests/plum.yaml").write_text(manifest("plum", "images/plum.png", score=99), encoding="utf-8")
    git(repo, "rm", "--quiet", "manifests/gold.yaml")  # gone: nothing to apply for it
    git(repo, "commit", "--quiet", "-am", "rescore")
    assert main(["apply", "--changed-since", history, "--quiet"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line for line in out if line.startswith("==")] == ["== manifests/plum.yaml", "== manifests/teal.yaml"]
    assert subjects(repo) == ["feat(assets): Add batch Teal - Assets 1", "feat(assets): Add batch Plum - Assets 1", "rescore", "three manifests"]
    assert git(repo, "show", "--name-only", "--format=", "HEAD").splitlines() == [
        "assets/A-1-teal/context.md",
        "assets/A-1-teal/tokens.json",
        "assets/A-1-teal/usage.md",
        "frontend/public/assets/specimens/teal-16.png",
    ]
    assert main(["apply", "--changed-since", history, "--quiet"]) == 0  # again: both already there
    assert capsys.readouterr().out.count("No changes: the repository already holds this batch; no commit made") == 2
    assert len(subjects(repo)) == 4


def test_named_manifests_narrow_the_choice(history: str, repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("plum", "gold"):
        (repo / f"manifests/{name}.yaml").write_text(manifest(name, f"images/{name}.png", score=91), encoding="utf-8")
    git(repo, "commit", "--quiet", "-am", "rescore")
    assert main(["apply", "--changed-since", "HEAD~1", "manifests/gold.yaml", "manifests/teal.yaml", "--quiet"]) == 0
    assert subjects(repo)[0] == "feat(assets): Add batch Gold - Assets 1"
    assert len(subjects(repo)) == 3


def test_a_json_report_per_manifest(history: str, repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    (repo / "manifests/gold.yaml").write_text(manifest("gold", "images/gold.png", score=92), encoding="utf-8")
    git(repo, "commit", "--quiet", "-am", "rescore")
    assert main(["apply", "--changed-since", history, "--json"]) == 0
    reports = json.loads(capsys.readouterr().out)
    assert [(r["batch_id"], r["status"], r["commit"]) for r in reports] == [("gold", "committed", git(repo, "rev-parse", "HEAD").strip())]


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (["apply"], "error: give a manifest to apply, or --changed-since REF to apply the manifests changed since REF"),
        (["apply", "--changed-since", "no-such-ref"], "error: --changed-since no-such-ref: no such commit in {repo}; give a branch, tag or commit id"),
        (["apply", "--changed-since", "HEAD", "/elsewhere/x.yaml"], "error: /elsewhere/x.yaml: is not inside the repository {repo} that --changed-since reads"),
    ],
)
def test_bad_use_is_one_line_and_exit_2(argv: list[str], error: str, history: str, repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert capsys.readouterr().err == error.format(repo=repo) + "\n"
    assert subjects(repo) == ["three manifests"]
