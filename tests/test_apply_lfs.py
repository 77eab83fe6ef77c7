"""apply into a repository that routes PNGs to Git LFS, checked with the real git-lfs CLI."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from conftest import git
from test_plan import ASSET_3, ASSET_4, ASSET_6

from batchproc._cli import main

pytestmark = pytest.mark.skipif(
    shutil.which("git-lfs") is None, reason="git-lfs is not installed (apt-get install git-lfs; .ci/run does)"
)
PNGS = [ASSET_3[3], ASSET_4[3], ASSET_6[3]]


@pytest.fixture
def lfs_repo(repo: Path) -> Path:
    git(repo, "lfs", "install")  # into the test's own global config, so clones get the filter too
    (repo / ".gitattributes").write_text("*.png filter=lfs diff=lfs merge=lfs -text\n")
    git(repo, "add", ".gitattributes")
    git(repo, "commit", "--quiet", "-m", "route PNGs to LFS")
    return repo


def test_pngs_land_as_lfs_pointers_with_their_objects(lfs_repo: Path, example_batch: Path) -> None:
    assert main(["apply", str(example_batch), "--quiet"]) == 0
    assert git(lfs_repo, "lfs", "fsck").strip() == "Git LFS fsck OK"
    assert sorted(git(lfs_repo, "lfs", "ls-files", "--name-only").split()) == sorted(PNGS)
    for path in PNGS:
        data = (lfs_repo / path).read_bytes()
        assert data.startswith(b"\x89PNG")  # the work tree holds the real image
        oid = hashlib.sha256(data).hexdigest()
        assert git(lfs_repo, "cat-file", "blob", f"HEAD:{path}") == (
            f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {len(data)}\n"
        )
        assert (lfs_repo / ".git/lfs/objects" / oid[:2] / oid[2:4] / oid).read_bytes() == data
    # git-lfs's clean filter agrees with the pointers: nothing shows as modified.
    assert git(lfs_repo, "status", "--porcelain").splitlines() == ["?? manifests/"]
    git(lfs_repo, "fsck", "--strict")


def test_a_fresh_clone_checks_out_the_real_pngs(lfs_repo: Path, example_batch: Path, tmp_path: Path) -> None:
    assert main(["apply", str(example_batch), "--quiet"]) == 0
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", f"file://{lfs_repo}", str(clone))
    for path in PNGS:
        assert (clone / path).read_bytes() == (lfs_repo / path).read_bytes()
    assert git(clone, "status", "--porcelain") == ""


def test_applying_again_into_lfs_makes_no_commit(lfs_repo: Path, example_batch: Path, capsys) -> None:
    assert main(["apply", str(example_batch), "--quiet"]) == 0
    first = git(lfs_repo, "rev-parse", "HEAD")
    capsys.readouterr()
    assert main(["apply", str(example_batch), "--quiet"]) == 0
    assert (
        capsys.readouterr().out.splitlines()[-1]
        == "No changes: the repository already holds this batch; no commit made"
    )
    assert git(lfs_repo, "rev-parse", "HEAD") == first
    assert main(["plan", str(example_batch), "--detailed-exitcode"]) == 0
