"""apply as users rely on it: idempotent, all or nothing, the user's work safe, refusals, the lock."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import git
from pngbytes import damage_idat
from test_apply import EXPECTED_FILES
from test_plan import ASSET_3, ASSET_4, ASSET_6

from batchproc._cli import main

NO_CHANGES = "No changes: the repository already holds this batch; no commit made"
DIRTY = "has local changes that differ from HEAD and from the new output; commit or stash them, or pass --force"


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def commits(repo: Path) -> int:
    return int(git(repo, "rev-list", "--count", "--all").strip() or 0)


def initial_commit(repo: Path) -> str:
    (repo / "README.md").write_text("frontend\n")
    (repo / "src").mkdir()
    (repo / "src" / "app.js").write_text("console.log('v1')\n")
    git(repo, "add", "README.md", "src/app.js")
    git(repo, "commit", "--quiet", "-m", "initial")
    return head(repo)


# --- idempotence -------------------------------------------------------------------------------


def test_applying_twice_makes_no_second_commit(
    repo: Path, example_batch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["apply", str(example_batch), "--quiet"]) == 0
    first = head(repo)
    capsys.readouterr()
    assert main(["apply", str(example_batch), "--quiet"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-2:] == ["Checked: 12 files across 5 directories", NO_CHANGES]
    assert head(repo) == first and commits(repo) == 1
    assert git(repo, "status", "--porcelain").splitlines() == ["?? manifests/"]


def test_changing_one_assets_specs_recommits_only_its_files(repo: Path, example_batch: Path) -> None:
    assert main(["apply", str(example_batch), "--quiet"]) == 0
    first = head(repo)
    example_batch.write_text(example_batch.read_text().replace("purpose: feature panel", "purpose: footer band"))
    assert main(["apply", str(example_batch), "--quiet"]) == 0
    assert git(repo, "rev-parse", "HEAD~1").strip() == first
    assert git(repo, "diff", "--name-only", "HEAD~1", "HEAD").split() == [ASSET_6[0], ASSET_6[1]]
    assert git(repo, "status", "--porcelain").splitlines() == ["?? manifests/"]


# --- all or nothing ----------------------------------------------------------------------------


def test_a_failure_in_the_commit_stage_writes_nothing(
    repo: Path, example_batch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = initial_commit(repo)
    (repo / ASSET_6[3]).mkdir(parents=True)  # a folder where the public PNG must go
    assert main(["apply", str(example_batch), "--quiet"]) == 2
    assert capsys.readouterr().err == f"error: {ASSET_6[3]} is a folder in the work tree; move it away first\n"
    assert head(repo) == before and commits(repo) == 1
    assert not (repo / "assets").exists()
    assert sorted(p.name for p in (repo / ASSET_6[3]).parent.iterdir()) == ["spotlight-512.png"]
    assert git(repo, "status", "--porcelain").splitlines() == ["?? manifests/"]


def test_two_failing_assets_give_one_line_each(
    repo: Path, example_batch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = initial_commit(repo)
    for name in ("asset-4-masks-specimen.png", "asset-6-spotlight-specimen.png"):
        image = example_batch.parent / "images" / name
        image.write_bytes(damage_idat(image.read_bytes(), fix_crc=True))  # passes validation, fails to decode
    assert main(["apply", str(example_batch), "--quiet"]) == 1
    err = capsys.readouterr().err.splitlines()
    expected = {
        f"error: {example_batch}:{line}: {asset}: images/{name}: cannot decode the image "
        "(broken data stream when reading image file); re-export the file"
        for name, asset, line in (("asset-4-masks-specimen.png", "ASSET-4", 22), ("asset-6-spotlight-specimen.png", "ASSET-6", 32))
    }
    # The first failure cancels the other assets: usually both were already extracting and both
    # report, but on a busy machine the second may be cancelled first. Either way one line per
    # asset that failed, and the count agrees.
    failed = err[:-1]
    assert failed and set(failed) <= expected and len(set(failed)) == len(failed)
    noun = "asset" if len(failed) == 1 else "assets"
    assert err[-1] == f"error: {len(failed)} {noun} failed; nothing was written and no commit was made"
    assert head(repo) == before
    assert git(repo, "status", "--porcelain").splitlines() == ["?? manifests/"]


# --- the user's work ---------------------------------------------------------------------------


def test_unrelated_staged_unstaged_and_untracked_work_is_untouched(repo: Path, example_batch: Path) -> None:
    before = initial_commit(repo)
    (repo / "src" / "app.js").write_text("console.log('v2, staged')\n")
    git(repo, "add", "src/app.js")
    (repo / "README.md").write_text("frontend, edited\n")
    (repo / "notes.txt").write_text("untracked notes\n")
    assert main(["apply", str(example_batch), "--quiet"]) == 0
    assert git(repo, "rev-parse", "HEAD~1").strip() == before
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == EXPECTED_FILES
    assert git(repo, "show", "HEAD:src/app.js") == "console.log('v1')\n"
    assert git(repo, "diff", "--cached", "--name-only").split() == ["src/app.js"]  # still staged
    assert git(repo, "status", "--porcelain").splitlines() == [
        " M README.md",
        "M  src/app.js",
        "?? manifests/",
        "?? notes.txt",
    ]
    assert (repo / "README.md").read_text() == "frontend, edited\n"
    assert (repo / "notes.txt").read_text() == "untracked notes\n"


def test_a_dirty_target_stops_before_anything_is_written_and_force_overwrites(
    repo: Path, example_batch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["apply", str(example_batch), "--quiet"]) == 0
    first = head(repo)
    (repo / ASSET_3[0]).write_text("my notes on the curtain\n")
    example_batch.write_text(example_batch.read_text().replace("purpose: section background", "purpose: page"))
    capsys.readouterr()
    assert main(["apply", str(example_batch), "--quiet"]) == 2
    assert capsys.readouterr().err == f"error: {ASSET_3[0]} {DIRTY}\n"
    assert head(repo) == first
    assert (repo / ASSET_3[0]).read_text() == "my notes on the curtain\n"
    assert git(repo, "status", "--porcelain").splitlines() == [f" M {ASSET_3[0]}", "?? manifests/"]

    assert main(["apply", str(example_batch), "--quiet", "--force"]) == 0
    assert git(repo, "diff", "--name-only", "HEAD~1", "HEAD").split() == [ASSET_3[0], ASSET_3[1]]
    assert "page" in (repo / ASSET_3[0]).read_text()
    assert git(repo, "status", "--porcelain").splitlines() == ["?? manifests/"]


def test_a_local_edit_equal_to_head_or_the_new_output_does_not_stop_the_run(repo: Path, example_batch: Path) -> None:
    assert main(["apply", str(example_batch), "--quiet"]) == 0
    staged = (repo / ASSET_4[0]).read_text()
    git(repo, "add", ASSET_4[0])  # staged, equal to HEAD
    assert main(["apply", str(example_batch), "--quiet"]) == 0
    assert (repo / ASSET_4[0]).read_text() == staged


def test_a_deleted_target_comes_back_without_force(
    repo: Path, example_batch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A deletion holds no content to lose: the batch declares the file, so apply restores it."""
    assert main(["apply", str(example_batch), "--quiet"]) == 0
    first = head(repo)
    expected = (repo / ASSET_4[3]).read_bytes()
    (repo / ASSET_4[3]).unlink()
    git(repo, "rm", "--quiet", "--cached", ASSET_6[2])
    (repo / ASSET_6[2]).unlink()
    capsys.readouterr()
    assert main(["apply", str(example_batch), "--quiet"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == NO_CHANGES
    assert head(repo) == first
    assert (repo / ASSET_4[3]).read_bytes() == expected
    assert git(repo, "status", "--porcelain").splitlines() == ["?? manifests/"]


def test_stale_temporary_files_of_a_killed_run_are_removed(repo: Path, example_batch: Path) -> None:
    folder = repo / "frontend/public/assets/specimens"
    folder.mkdir(parents=True)
    stale = folder / ".spotlight-512.png.batchproc-0a1b2c3d.tmp"
    stale.write_bytes(b"half a png")
    users = [folder / ".draft.batchproc-notes.tmp", folder / "spotlight.tmp", folder / ".x.batchproc-0a1b2c3.tmp"]
    for path in users:
        path.write_text("the user's\n")
    assert main(["apply", str(example_batch), "--quiet"]) == 0
    assert not stale.exists()
    assert all(path.read_text() == "the user's\n" for path in users)


# --- repositories apply refuses ------------------------------------------------------------------


def conflicting(repo: Path) -> None:
    git(repo, "switch", "--quiet", "-c", "side")
    (repo / "README.md").write_text("side\n")
    git(repo, "commit", "--quiet", "-am", "side")
    git(repo, "switch", "--quiet", "main")
    (repo / "README.md").write_text("main\n")
    git(repo, "commit", "--quiet", "-am", "main")


@pytest.mark.parametrize(
    ("command", "what"),
    [
        (["merge", "side"], "a merge; finish it first (git merge --continue or git merge --abort)"),
        (["rebase", "side"], "a rebase; finish it first (git rebase --continue or git rebase --abort)"),
        (["cherry-pick", "side"], "a cherry-pick; finish it first (git cherry-pick --continue or --abort)"),
    ],
)
def test_refuses_a_repository_in_the_middle_of_something(
    repo: Path, example_batch: Path, capsys: pytest.CaptureFixture[str], command: list[str], what: str
) -> None:
    initial_commit(repo)
    conflicting(repo)
    git(repo, *command, check=False)
    before = (head(repo), git(repo, "status", "--porcelain"))
    assert main(["apply", str(example_batch), "--quiet"]) == 2
    assert capsys.readouterr().err == f"error: {repo} is in the middle of {what}\n"
    assert (head(repo), git(repo, "status", "--porcelain")) == before


def test_refuses_a_bare_repository(tmp_path: Path, example_batch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bare = tmp_path / "bare.git"
    git(tmp_path, "init", "--quiet", "--bare", str(bare))
    assert main(["apply", str(example_batch), "--quiet", "--repo", str(bare)]) == 2
    assert capsys.readouterr().err == (
        f"error: {bare} is a bare repository; pass --repo with a clone that has a work tree\n"
    )
    assert git(bare, "rev-list", "--all") == ""


def test_detached_head_needs_branch(repo: Path, example_batch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = initial_commit(repo)
    git(repo, "switch", "--quiet", "--detach")
    assert main(["apply", str(example_batch), "--quiet"]) == 2
    assert capsys.readouterr().err == (
        f"error: HEAD of {repo} is detached (at {before[:7]}); check out a branch or pass --branch\n"
    )
    assert head(repo) == before and not (repo / "assets").exists()
    assert main(["apply", str(example_batch), "--quiet", "--branch", "assets"]) == 0
    assert git(repo, "symbolic-ref", "HEAD").strip() == "refs/heads/assets"
    assert git(repo, "rev-parse", "assets~1").strip() == before
    assert git(repo, "status", "--porcelain").splitlines() == ["?? manifests/"]


def test_works_in_a_linked_worktree(repo: Path, tmp_path: Path, example_batch: Path) -> None:
    before = initial_commit(repo)
    linked = tmp_path / "linked"
    git(repo, "worktree", "add", "--quiet", "-b", "assets", str(linked))
    assert main(["apply", str(example_batch), "--quiet", "--repo", str(linked)]) == 0
    assert git(linked, "rev-parse", "assets~1").strip() == before
    assert head(repo) == before  # main, checked out in the first work tree, did not move
    assert git(linked, "status", "--porcelain") == ""
    assert git(repo, "status", "--porcelain").splitlines() == ["?? manifests/"]
    git(repo, "fsck", "--strict")


# --- two applies at once -----------------------------------------------------------------------


def test_a_held_lock_makes_the_second_apply_fail_clearly(
    repo: Path, example_batch: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BATCHPROC_LOCK_TIMEOUT", "0.3")
    fd = os.open(repo / ".git" / "batchproc.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another apply, as far as batchproc can tell
        assert main(["apply", str(example_batch), "--quiet"]) == 2
    finally:
        os.close(fd)
    assert capsys.readouterr().err == f"error: another batchproc apply is running on {repo}; try again\n"
    assert commits(repo) == 0 and not (repo / "assets").exists()
    assert main(["apply", str(example_batch), "--quiet"]) == 0


def test_two_applies_at_once_never_interleave(repo: Path, example_batch: Path) -> None:
    command = [sys.executable, "-m", "batchproc", "apply", str(example_batch), "--quiet"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    endings = sorted(out.splitlines()[-1] for out, _ in outputs)
    assert endings[0].startswith("  feat(assets)") and endings[1] == NO_CHANGES
    assert commits(repo) == 1
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == EXPECTED_FILES
    git(repo, "fsck", "--strict")
    assert git(repo, "status", "--porcelain").splitlines() == ["?? manifests/"]


# --- reported by users ---------------------------------------------------------------------------


def test_a_repository_that_cannot_take_a_commit_is_refused_before_any_extraction(
    tmp_path: Path, example_batch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lonely = tmp_path / "no-repo"
    lonely.mkdir()
    assert main(["apply", str(example_batch), "--repo", str(lonely)]) == 2
    captured = capsys.readouterr()
    # No progress lines: nothing was extracted before the refusal.
    assert captured.err == f"error: {lonely} is not inside a git repository; run `git init` or pass --repo\n"


def test_the_report_counts_added_changed_and_unchanged_files(
    repo: Path, example_batch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["apply", str(example_batch), "--quiet"]) == 0
    assert "Created: 12 files across 5 directories" in capsys.readouterr().out
    example_batch.write_text(example_batch.read_text().replace("score: 91", "score: 96"))
    assert main(["apply", str(example_batch), "--quiet"]) == 0
    assert "Wrote: 12 files across 5 directories (0 added, 2 changed, 10 unchanged)" in capsys.readouterr().out.splitlines()


def test_a_single_asset_report_has_no_speed_up(repo: Path, write_png, capsys: pytest.CaptureFixture[str]) -> None:
    write_png("frontend/one/a.png")
    manifest = repo / "one" / "batch.yaml"
    manifest.write_text("batch_id: b\nassets:\n  - {asset_id: A-1, path: a.png, score: 95}\n")
    assert main(["apply", str(manifest), "--quiet"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("Processed: 1 asset in ") and first.endswith(" s")


def test_json_errors_are_on_stdout_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["apply", str(tmp_path / "nope.yaml"), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"error: {tmp_path / 'nope.yaml'}: no such file\n"
    assert json.loads(captured.out) == {"ok": False, "exit_code": 2, "errors": [f"{tmp_path / 'nope.yaml'}: no such file"]}


def test_several_manifests_are_all_checked_before_the_first_commit(
    repo: Path, example_batch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = example_batch.parent / "broken.yaml"
    broken.write_text("batch_id: g3\nassets:\n  - {asset_id: G-3, path: nope.png, score: 95}\n")
    assert main(["apply", str(example_batch), str(broken), "--quiet"]) == 2
    assert capsys.readouterr().err == f"error: {broken}:3: assets[0].path: nope.png: no such file\n"
    assert git(repo, "rev-list", "--all") == ""


def test_ctrl_c_while_a_later_manifest_extracts_names_the_commits_that_stay(
    repo: Path, example_batch: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C inside the asset nursery (here: while the second manifest extracts) reaches the
    CLI as one plain interrupt, which says that the first manifest's commit stays."""
    from batchproc._stages import local_extractor

    encore = example_batch.parent / "encore.yaml"
    encore.write_text(example_batch.read_text().replace("batch_id: ", "batch_id: encore-", 1))
    measure, applied = local_extractor.measure_idf, []

    def measure_until_the_second_manifest(path: Path):  # type: ignore[no-untyped-def]
        if len(applied) >= 3:  # the three assets of the first manifest are measured
            raise KeyboardInterrupt
        applied.append(path)
        return measure(path)

    monkeypatch.setattr(local_extractor, "measure_idf", measure_until_the_second_manifest)
    assert main(["apply", str(example_batch), str(encore), "--quiet", "--no-cache"]) == 130
    first = head(repo)
    assert capsys.readouterr().err == (
        f"interrupted: nothing of {encore} was written; applied before it: {example_batch} as {first}\n"
    )
    assert commits(repo) == 1  # the first manifest's, in a repository that had none
    assert git(repo, "log", "-1", "--format=%s").strip() == "feat(assets): Add batch Theatrical Specimens - Assets 3,4,6"


def test_a_later_manifest_failing_says_the_earlier_commit_stays(
    repo: Path, example_batch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    images = example_batch.parent / "images"
    damaged = images / "damaged-masks.png"
    damaged.write_bytes(damage_idat((images / "asset-4-masks-specimen.png").read_bytes(), fix_crc=True))
    encore = example_batch.parent / "encore.yaml"
    encore.write_text(
        example_batch.read_text()
        .replace("batch_id: ", "batch_id: encore-", 1)
        .replace("images/asset-4-masks-specimen.png", "images/damaged-masks.png")
    )
    assert main(["apply", str(example_batch), str(encore), "--quiet", "--json"]) == 1
    first = head(repo)
    captured = capsys.readouterr()
    note = f"note: applied before {encore}, and kept: {example_batch} as {first}"
    assert captured.err.splitlines()[-1] == note
    assert json.loads(captured.out)["errors"][-1] == note
    assert commits(repo) == 1


# --- an asset renamed or resized: what it shipped before goes --------------------------------


def rename_velvet(example_batch: Path) -> None:
    example_batch.write_text(example_batch.read_text().replace("name: Velvet Curtain", "name: Plum Velvet"))


OLD_VELVET = [
    "assets/ASSET-3-velvet-curtain/context.md",
    "assets/ASSET-3-velvet-curtain/tokens.json",
    "assets/ASSET-3-velvet-curtain/usage.md",
    "frontend/public/assets/patterns/velvet-curtain-tile-512.png",
]


def test_a_renamed_asset_takes_its_old_files_with_it(
    repo: Path, example_batch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["apply", str(example_batch), "--quiet"]) == 0
    (repo / "assets" / "ASSET-3-velvet-curtain" / "notes.md").write_text("a designer's own notes\n")
    git(repo, "add", "assets/ASSET-3-velvet-curtain/notes.md")
    git(repo, "commit", "-q", "-m", "notes")
    capsys.readouterr()
    rename_velvet(example_batch)

    assert main(["plan", str(example_batch)]) == 0
    plan = capsys.readouterr().out.splitlines()
    assert [line for line in plan if line.startswith("  - ")] == [f"  - {path}" for path in OLD_VELVET]
    assert "Plan: 4 to add, 0 to change, 4 to remove, 8 unchanged." in plan

    assert main(["apply", str(example_batch), "--quiet"]) == 0
    report = capsys.readouterr().out.splitlines()
    assert f"Removed: 4 files shipped earlier under another name or size: {', '.join(OLD_VELVET)}" in report
    changed = git(repo, "show", "--name-status", "--no-renames", "--format=", "HEAD").splitlines()
    assert sorted(line for line in changed if line.startswith("D")) == [f"D\t{path}" for path in OLD_VELVET]
    assert "A\tfrontend/public/assets/patterns/plum-velvet-tile-512.png" in changed
    for path in OLD_VELVET:
        assert not (repo / path).exists()
    assert (repo / "assets" / "ASSET-3-velvet-curtain" / "notes.md").exists()  # not batchproc's file
    assert git(repo, "status", "--porcelain") == "?? manifests/\n"
    git(repo, "fsck", "--strict")
    assert main(["apply", str(example_batch), "--quiet"]) == 0  # and again: nothing more to do
    assert "No changes: the repository already holds this batch; no commit made" in capsys.readouterr().out


def test_a_changed_file_that_would_be_removed_stops_the_apply(
    repo: Path, example_batch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["apply", str(example_batch), "--quiet"]) == 0
    before = head(repo)
    edited = repo / "assets" / "ASSET-3-velvet-curtain" / "usage.md"
    edited.write_text("hand-written usage\n")
    rename_velvet(example_batch)
    capsys.readouterr()
    assert main(["apply", str(example_batch), "--quiet"]) == 2
    assert capsys.readouterr().err == (
        "error: assets/ASSET-3-velvet-curtain/usage.md has local changes, and batchproc would remove it "
        "(an earlier apply shipped it; this batch no longer writes it); commit or stash them, or pass --force\n"
    )
    assert head(repo) == before
    assert main(["apply", str(example_batch), "--quiet", "--force"]) == 0  # out of HEAD; the edit stays
    assert edited.read_text() == "hand-written usage\n"
    assert "?? assets/ASSET-3-velvet-curtain/" in git(repo, "status", "--porcelain").splitlines()


def test_a_persons_copy_of_a_package_folder_is_never_removed(
    repo: Path, example_batch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["apply", str(example_batch), "--quiet"]) == 0
    original = repo / "assets" / "ASSET-3-velvet-curtain"
    copy = repo / "assets" / "my-variant"
    copy.mkdir()
    for name in ("context.md", "tokens.json", "usage.md"):
        (copy / name).write_bytes((original / name).read_bytes())
    git(repo, "add", "assets/my-variant")
    git(repo, "commit", "-q", "-m", "a variant")
    before = head(repo)
    capsys.readouterr()
    assert main(["apply", str(example_batch), "--quiet"]) == 0  # unchanged: nothing to do
    assert "No changes: the repository already holds this batch; no commit made" in capsys.readouterr().out
    assert head(repo) == before
    rename_velvet(example_batch)
    assert main(["apply", str(example_batch), "--quiet"]) == 0  # renamed: the original goes, the copy stays
    removed = git(repo, "show", "--name-status", "--no-renames", "--format=", "HEAD").splitlines()
    # ... and so does the public PNG, which the copy's provenance still names.
    assert sorted(line for line in removed if line.startswith("D")) == [f"D\t{path}" for path in OLD_VELVET[:3]]
    assert OLD_VELVET[3] in git(repo, "ls-tree", "-r", "--name-only", "HEAD")
    assert sorted(path.name for path in copy.iterdir()) == ["context.md", "tokens.json", "usage.md"]


def test_force_keeps_staged_work_on_a_file_it_removes(
    repo: Path, example_batch: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["apply", str(example_batch), "--quiet"]) == 0
    usage = repo / "assets" / "ASSET-3-velvet-curtain" / "usage.md"
    shipped = usage.read_bytes()
    usage.write_bytes(shipped + b"\nStaged note.\n")
    git(repo, "add", str(usage))
    usage.write_bytes(shipped)  # staged differs from HEAD, the work tree does not: status MM
    rename_velvet(example_batch)
    assert main(["apply", str(example_batch), "--quiet", "--force"]) == 0
    assert "assets/ASSET-3-velvet-curtain/usage.md" not in git(repo, "ls-tree", "-r", "--name-only", "HEAD")
    assert git(repo, "show", ":assets/ASSET-3-velvet-curtain/usage.md").endswith("Staged note.\n")  # still staged
    assert usage.read_bytes() == shipped
