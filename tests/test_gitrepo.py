"""The target repository: real repositories made with the git CLI, checked with git and pygit2."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import threading
import zlib
from pathlib import Path

import pygit2
import pytest
from pygit2.enums import ConfigLevel

from batchproc import _gitblob, _gitlfs
from batchproc._gitrepo import Change, TargetRepository
from batchproc.errors import RepositoryError
from batchproc.models import Author

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
PUBLIC = "frontend/public/assets/patterns/gilded-tile-256.png"
CONTEXT = "assets/ASSET-3-gilded/context.md"
MESSAGE = "feat(assets): Add batch Theatrical - Assets 3\n\nBatch batch-theatrical."


@pytest.fixture(autouse=True)
def isolated_git(tmp_path_factory, monkeypatch):
    """No global or system git config, for the git CLI and for libgit2 alike."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    for name in ("NAME", "EMAIL", "DATE"):
        monkeypatch.delenv(f"GIT_AUTHOR_{name}", raising=False)
        monkeypatch.delenv(f"GIT_COMMITTER_{name}", raising=False)
    levels = (ConfigLevel.GLOBAL, ConfigLevel.XDG, ConfigLevel.SYSTEM)
    saved = {level: pygit2.settings.search_path[level] for level in levels}
    for level in levels:
        pygit2.settings.search_path[level] = str(home)
    yield
    for level, value in saved.items():
        pygit2.settings.search_path[level] = value


def git(cwd: Path, *args: str, check: bool = True) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if check and result.returncode:
        raise AssertionError(f"git {' '.join(args)} failed: {result.stderr}")
    return result.stdout


def make_repo(path: Path, *, commit: bool = True) -> Path:
    git(path.parent, "init", "-q", "-b", "main", path.name)
    git(path, "config", "user.name", "Config Person")
    git(path, "config", "user.email", "config@example.com")
    if commit:
        write(path, "README.md", "readme\n")
        write(path, "notes.txt", "notes\n")
        git(path, "add", ".")
        git(path, "commit", "-q", "-m", "initial")
    return path


def write(root: Path, path: str, text: str | bytes) -> None:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(text.encode() if isinstance(text, str) else text)


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def files_in(root: Path, rev: str = "HEAD") -> list[str]:
    return git(root, "show", "--name-only", "--format=", rev).split()


def assert_clean(root: Path) -> None:
    assert git(root, "fsck", "--strict", "--no-dangling").strip() == ""
    assert git(root, "status", "--porcelain") == ""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo")


BATCH = {PUBLIC: PNG, CONTEXT: b"# Gilded\n"}


# --- the commit ------------------------------------------------------------------------------


def test_commit_lands_the_batch_as_one_commit(repo: Path) -> None:
    before = head(repo)
    target = TargetRepository.discover(repo / "notes.txt")

    commit_id = target.commit(BATCH, MESSAGE, None)

    assert commit_id == head(repo)
    assert sorted(files_in(repo)) == sorted(BATCH)
    assert git(repo, "log", "-1", "--format=%B") == MESSAGE + "\n\n"  # %B adds one newline
    assert git(repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>").strip() == (
        "Config Person <config@example.com>|Config Person <config@example.com>"
    )
    assert git(repo, "rev-parse", "HEAD^").strip() == before
    assert git(repo, "reflog", "-1", "--format=%gs", "main").strip() == (
        "batchproc: feat(assets): Add batch Theatrical - Assets 3"
    )
    assert (repo / PUBLIC).read_bytes() == PNG
    assert_clean(repo)
    # The index carries real stat data: plumbing that does not refresh sees nothing either.
    git(repo, "diff-files", "--quiet")
    commit = pygit2.Repository(str(repo))[commit_id]
    assert [p.id for p in commit.parents] == [pygit2.Oid(hex=before)]
    assert (commit.tree / PUBLIC).data == PNG
    assert target.root == repo and target.branch == "main"


def test_classify_and_head_blob(repo: Path) -> None:
    target = TargetRepository.discover(repo)
    assert target.head_blob("README.md") == b"readme\n"
    assert target.head_blob(PUBLIC) is None
    files = {"README.md": b"readme\n", "notes.txt": b"new notes\n", PUBLIC: PNG}
    assert target.classify(files) == [
        Change("README.md", b"readme\n", "same"),
        Change("notes.txt", b"new notes\n", "change"),
        Change(PUBLIC, PNG, "add"),
    ]


def test_second_commit_of_same_files_makes_none(repo: Path) -> None:
    target = TargetRepository.discover(repo)
    first = target.commit(BATCH, MESSAGE, None)
    assert target.commit(BATCH, MESSAGE, None) is None
    assert head(repo) == first
    assert target.commit({}, MESSAGE, None) is None


def test_unborn_repository_gets_a_root_commit(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "fresh", commit=False)
    target = TargetRepository.discover(root)
    assert target.branch == "main"
    assert target.head_blob(PUBLIC) is None
    assert {c.status for c in target.classify(BATCH)} == {"add"}

    commit_id = target.commit(BATCH, MESSAGE, None)

    assert git(root, "rev-list", "--parents", "-n1", "HEAD").split() == [commit_id]
    assert sorted(files_in(root)) == sorted(BATCH)
    assert_clean(root)


def test_unrelated_work_is_left_alone(repo: Path) -> None:
    write(repo, "README.md", "staged edit\n")
    write(repo, "staged-new.txt", "brand new\n")
    git(repo, "add", "README.md", "staged-new.txt")
    write(repo, "notes.txt", "unstaged edit\n")
    write(repo, "scratch.txt", "untracked\n")
    staged_before = git(repo, "diff", "--cached")

    TargetRepository.discover(repo).commit(BATCH, MESSAGE, None)

    assert sorted(files_in(repo)) == sorted(BATCH)
    assert git(repo, "status", "--porcelain").splitlines() == [
        "M  README.md",
        " M notes.txt",
        "A  staged-new.txt",
        "?? scratch.txt",
    ]
    assert git(repo, "diff", "--cached") == staged_before
    assert (repo / "notes.txt").read_text() == "unstaged edit\n"
    assert (repo / "scratch.txt").read_text() == "untracked\n"


def test_a_changed_file_keeps_its_executable_bit(repo: Path) -> None:
    write(repo, "tool.sh", "#!/bin/sh\n")
    (repo / "tool.sh").chmod(0o755)
    git(repo, "add", "tool.sh")
    git(repo, "commit", "-q", "-m", "tool")
    TargetRepository.discover(repo).commit({"tool.sh": b"#!/bin/sh\necho hi\n"}, "tool", None)
    assert git(repo, "ls-tree", "HEAD", "tool.sh").split()[0] == "100755"
    assert_clean(repo)


# --- never lose a user's work ----------------------------------------------------------------

DIRTY = (
    f"{PUBLIC} has local changes that differ from HEAD and from the new output; commit or stash them, or pass --force"
)


@pytest.fixture
def committed(repo: Path) -> Path:
    """A repository whose HEAD already holds the batch, ready for a second version."""
    TargetRepository.discover(repo).commit(BATCH, "first", None)
    return repo


def test_dirty_target_stops_the_run_and_force_overwrites(committed: Path) -> None:
    write(committed, PUBLIC, b"hand edited")
    before = head(committed)
    target = TargetRepository.discover(committed)
    new = {PUBLIC: PNG + b"v2"}

    with pytest.raises(RepositoryError) as caught:
        target.commit(new, "second", None)
    assert str(caught.value) == DIRTY
    assert head(committed) == before
    assert (committed / PUBLIC).read_bytes() == b"hand edited"

    assert target.commit(new, "second", None, force=True) is not None
    assert (committed / PUBLIC).read_bytes() == PNG + b"v2"
    assert_clean(committed)


def test_staged_change_to_a_target_stops_the_run(committed: Path) -> None:
    write(committed, PUBLIC, b"staged edit")
    git(committed, "add", PUBLIC)
    write(committed, PUBLIC, PNG)  # work tree back to HEAD, index still differs
    with pytest.raises(RepositoryError, match="has local changes"):
        TargetRepository.discover(committed).check_worktree({PUBLIC: PNG + b"v2"})


def test_untracked_file_at_a_new_target_stops_the_run(repo: Path) -> None:
    write(repo, PUBLIC, b"someone's file")
    with pytest.raises(RepositoryError) as caught:
        TargetRepository.discover(repo).check_worktree({PUBLIC: PNG})
    assert str(caught.value) == DIRTY


def test_local_file_equal_to_the_new_output_is_fine(committed: Path) -> None:
    write(committed, PUBLIC, PNG + b"v2")
    assert TargetRepository.discover(committed).commit({PUBLIC: PNG + b"v2"}, "second", None)
    assert_clean(committed)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (".git/hooks/pre-commit", "'.git/hooks/pre-commit' enters .git; choose another folder"),
        (".GIT./config", "'.GIT./config' enters .git; choose another folder"),
        ("a/../b.png", "'a/../b.png' goes up with '..'; write it relative to the repository root"),
        ("README.md/x.png", "README.md/x.png: README.md is a file in HEAD, not a folder"),
    ],
)
def test_odd_paths_are_refused(repo: Path, path: str, message: str) -> None:
    with pytest.raises(RepositoryError) as caught:
        TargetRepository.discover(repo).check_worktree({path: PNG}, force=True)
    assert str(caught.value) == message


def test_symlinks_are_refused_even_with_force(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (repo / "frontend").symlink_to(outside)
    target = TargetRepository.discover(repo)
    with pytest.raises(RepositoryError) as caught:
        target.commit({PUBLIC: PNG}, "x", None, force=True)
    assert str(caught.value) == (
        f"{PUBLIC}: its folder frontend is a symlink in the work tree; batchproc does not write "
        "through links, so replace it with a real folder or file"
    )
    (repo / "link.png").symlink_to(outside / "x.png")
    with pytest.raises(RepositoryError, match=r"^link.png: it is a symlink in the work tree"):
        target.check_worktree({"link.png": PNG}, force=True)
    assert list(outside.iterdir()) == []


def test_run_killed_after_moving_the_branch_converges(repo: Path, monkeypatch) -> None:
    TargetRepository.discover(repo).commit(BATCH, "first", None)
    new = {PUBLIC: PNG + b"v2", CONTEXT: b"# Gilded v2\n"}

    def killed(self, planned, removals=()):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(TargetRepository, "_update_worktree", killed)
        with pytest.raises(KeyboardInterrupt):
            TargetRepository.discover(repo).commit(new, "second", None)
    moved = head(repo)
    assert git(repo, "status", "--porcelain") != ""  # stale files and index

    assert TargetRepository.discover(repo).commit(new, "second", None) is None
    assert head(repo) == moved
    assert (repo / PUBLIC).read_bytes() == PNG + b"v2"
    assert_clean(repo)
    assert not (repo / ".git" / "batchproc-pending.json").exists()


# --- repositories batchproc will not write to ------------------------------------------------


def conflicting(repo: Path) -> None:
    """A side branch and main both changing README.md."""
    git(repo, "switch", "-q", "-c", "side")
    write(repo, "README.md", "side\n")
    git(repo, "commit", "-q", "-am", "side")
    git(repo, "switch", "-q", "main")
    write(repo, "README.md", "main\n")
    git(repo, "commit", "-q", "-am", "main")


@pytest.mark.parametrize(
    ("command", "what", "way_out"),
    [
        (["merge", "side"], "a merge", "git merge --continue or git merge --abort"),
        (["cherry-pick", "side"], "a cherry-pick", "git cherry-pick --continue or --abort"),
        (["rebase", "side"], "a rebase", "git rebase --continue or git rebase --abort"),
        (["revert", "HEAD~1"], "a revert", "git revert --continue or git revert --abort"),
        (["bisect", "start"], "a bisect", "git bisect reset"),
    ],
)
def test_refuses_a_repository_in_the_middle_of_something(repo: Path, command, what, way_out) -> None:
    conflicting(repo)
    if command[0] == "revert":  # reverting the commit before "main" conflicts with "main"
        write(repo, "README.md", "again\n")
        git(repo, "commit", "-q", "-am", "again")
        command = ["revert", "HEAD~1"]
    git(repo, *command, check=False)
    with pytest.raises(RepositoryError) as caught:
        TargetRepository.discover(repo)
    assert str(caught.value) == f"{repo} is in the middle of {what}; finish it first ({way_out})"


@pytest.mark.parametrize(
    ("option", "name", "message"),
    [
        ("--bare", "bare.git", "{root} is a bare repository; pass --repo with a clone that has a work tree"),
        (  # a SHA-256 repository: libgit2 cannot open one yet
            "--object-format=sha256",
            "sha",
            "{root}/.git uses sha256 object ids, which libgit2 (batchproc's git library) "
            "cannot read or write yet; apply to a repository made with git's default (SHA-1)",
        ),
    ],
)
def test_refuses_a_repository_it_cannot_commit_to(tmp_path: Path, option: str, name: str, message: str) -> None:
    git(tmp_path, "init", "-q", option, name)
    with pytest.raises(RepositoryError) as caught:
        TargetRepository.discover(tmp_path / name)
    assert str(caught.value) == message.format(root=tmp_path / name)


def test_refuses_a_folder_outside_any_repository(tmp_path: Path) -> None:
    with pytest.raises(RepositoryError) as caught:
        TargetRepository.discover(tmp_path / "manifest.yaml")
    assert str(caught.value) == (
        f"{tmp_path / 'manifest.yaml'} is not inside a git repository; run `git init` or pass --repo"
    )


def test_detached_head_needs_a_branch(repo: Path) -> None:
    git(repo, "switch", "-q", "--detach")
    short = head(repo)[:7]
    with pytest.raises(RepositoryError) as caught:
        TargetRepository.discover(repo)
    assert str(caught.value) == f"HEAD of {repo} is detached (at {short}); check out a branch or pass --branch"


def test_detached_head_with_a_branch_commits_there(repo: Path) -> None:
    git(repo, "switch", "-q", "--detach")
    before = head(repo)
    target = TargetRepository.discover(repo, branch="assets/batch")

    commit_id = target.commit(BATCH, MESSAGE, None)

    assert git(repo, "rev-parse", "assets/batch").strip() == commit_id
    assert git(repo, "rev-parse", "main").strip() == before
    assert git(repo, "symbolic-ref", "HEAD").strip() == "refs/heads/assets/batch"
    assert_clean(repo)


def test_detached_head_with_a_branch_elsewhere_is_refused(repo: Path) -> None:
    main = head(repo)
    git(repo, "commit", "-q", "--allow-empty", "-m", "later")
    git(repo, "switch", "-q", "--detach", "HEAD~1")
    with pytest.raises(RepositoryError) as caught:
        TargetRepository.discover(repo, branch="main")
    later = git(repo, "rev-parse", "main").strip()
    assert str(caught.value) == (
        f"branch main is at {later[:7]}, not at the detached HEAD {main[:7]}; check it out or pass a new branch name"
    )


def test_branch_other_than_the_checked_out_one_is_refused(repo: Path) -> None:
    with pytest.raises(RepositoryError) as caught:
        TargetRepository.discover(repo, branch="other")
    assert str(caught.value) == f"HEAD of {repo} is on branch main, not other; check out other or drop --branch"


def test_linked_worktree(repo: Path, tmp_path: Path) -> None:
    git(repo, "worktree", "add", "-q", "-b", "feat", str(tmp_path / "wt"))
    main_before = head(repo)
    target = TargetRepository.discover(tmp_path / "wt")
    assert (target.root, target.branch) == (tmp_path / "wt", "feat")

    commit_id = target.commit(BATCH, MESSAGE, None)

    assert git(repo, "rev-parse", "feat").strip() == commit_id
    assert head(repo) == main_before
    assert not (repo / PUBLIC).exists()
    assert_clean(tmp_path / "wt")
    assert_clean(repo)


def test_changed_files_since(repo: Path) -> None:
    start = head(repo)
    TargetRepository.discover(repo).commit(BATCH, MESSAGE, None)
    git(repo, "mv", "notes.txt", "notes.md")
    git(repo, "commit", "-q", "-m", "rename")
    target = TargetRepository.discover(repo)
    assert target.changed_files_since(start) == sorted([*BATCH, "notes.md", "notes.txt"])
    assert target.changed_files_since("HEAD") == []
    with pytest.raises(RepositoryError) as caught:
        target.changed_files_since("no-such-ref")
    assert str(caught.value) == (
        f"--changed-since no-such-ref: no such commit in {repo}; give a branch, tag or commit id"
    )


# --- authors ---------------------------------------------------------------------------------


def test_author_from_the_manifest_wins(repo: Path, monkeypatch) -> None:
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Env Person")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "env@example.com")
    TargetRepository.discover(repo).commit(BATCH, MESSAGE, Author(name="Bot", email="bot@example.com"))
    assert git(repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>").strip() == (
        "Bot <bot@example.com>|Config Person <config@example.com>"
    )


def test_author_and_committer_from_the_environment(repo: Path, monkeypatch) -> None:
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Env Person")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "env@example.com")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "CI")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "ci@example.com")
    TargetRepository.discover(repo).commit(BATCH, MESSAGE, None)
    assert git(repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>").strip() == (
        "Env Person <env@example.com>|CI <ci@example.com>"
    )


def test_no_identity_anywhere(tmp_path: Path) -> None:
    root = tmp_path / "anon"
    git(tmp_path, "init", "-q", "-b", "main", "anon")
    target = TargetRepository.discover(root)
    with pytest.raises(RepositoryError) as caught:
        target.commit(BATCH, MESSAGE, None)
    assert str(caught.value) == (
        f"no author for the commit in {root}: set commit.author in the manifest, "
        'or run `git config user.name "Your Name"` and `git config user.email you@example.com`'
    )
    sig = target.resolve_author(Author(name="Bot", email="bot@example.com"))
    assert (sig.name, sig.email) == ("Bot", "bot@example.com")
    # The committer falls back to the author.
    assert target.commit(BATCH, MESSAGE, Author(name="Bot", email="bot@example.com"))
    assert git(root, "log", "-1", "--format=%cn <%ce>").strip() == "Bot <bot@example.com>"


# --- the lock --------------------------------------------------------------------------------

HOLD_LOCK = """
import fcntl, sys
with open(sys.argv[1], "a") as lock:
    fcntl.flock(lock, fcntl.LOCK_EX)
    print("held", flush=True)
    sys.stdin.read()
"""


def test_a_second_apply_waits_then_gives_up(repo: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(repo / ".git" / "batchproc.lock")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "held\n"
        target = TargetRepository.discover(repo)
        target.lock_timeout = 0.2
        with pytest.raises(RepositoryError) as caught:
            target.commit(BATCH, MESSAGE, None)
        assert str(caught.value) == f"another batchproc apply is running on {repo}; try again"
    finally:
        holder.communicate("")
    assert target.commit(BATCH, MESSAGE, None) is not None


def test_the_lock_is_reentrant_per_object(repo: Path) -> None:
    """A runner may hold the lock and commit from a worker thread; another object must wait."""
    target = TargetRepository.discover(repo)
    other = TargetRepository.discover(repo)
    results = []

    def in_a_worker() -> None:
        results.append(target.commit(BATCH, MESSAGE, None))  # same object: nested, no wait
        try:
            with other.locked(timeout=0.1):
                results.append("other got in")
        except RepositoryError as error:
            results.append(str(error))

    with target.locked():
        worker = threading.Thread(target=in_a_worker)
        worker.start()
        worker.join()
    assert results[0] == head(repo)
    assert results[1:] == [f"another batchproc apply is running on {repo}; try again"]
    with other.locked(timeout=0.1):
        pass


# --- Git LFS ---------------------------------------------------------------------------------

needs_lfs = pytest.mark.skipif(
    shutil.which("git-lfs") is None, reason="the git-lfs CLI is not installed (apt-get install git-lfs)"
)


@needs_lfs
@pytest.mark.parametrize("committed_attributes", [True, False], ids=["head", "worktree"])
def test_lfs_paths_get_a_pointer_and_the_object_store(repo: Path, committed_attributes: bool) -> None:
    git(repo, "lfs", "install", "--local")
    write(repo, ".gitattributes", "frontend/public/assets/** filter=lfs diff=lfs merge=lfs -text\n")
    if committed_attributes:
        git(repo, "add", ".gitattributes")
        git(repo, "commit", "-q", "-m", "lfs")

    commit_id = TargetRepository.discover(repo).commit(BATCH, MESSAGE, None)

    oid = hashlib.sha256(PNG).hexdigest()
    pointer = f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {len(PNG)}\n"
    assert git(repo, "cat-file", "blob", f"{commit_id}:{PUBLIC}") == pointer
    assert git(repo, "cat-file", "blob", f"{commit_id}:{CONTEXT}") == "# Gilded\n"
    assert (repo / ".git" / "lfs" / "objects" / oid[:2] / oid[2:4] / oid).read_bytes() == PNG
    assert (repo / PUBLIC).read_bytes() == PNG
    git(repo, "diff-files", "--quiet")
    expected_status = "" if committed_attributes else "?? .gitattributes\n"
    assert git(repo, "status", "--porcelain") == expected_status
    assert git(repo, "fsck", "--strict", "--no-dangling").strip() == ""
    assert "Git LFS fsck OK" in git(repo, "lfs", "fsck")
    assert git(repo, "lfs", "ls-files", "--name-only").split() == [PUBLIC]


@needs_lfs
def test_lfs_in_a_linked_worktree_uses_the_common_store(repo: Path, tmp_path: Path) -> None:
    git(repo, "lfs", "install", "--local")
    write(repo, ".gitattributes", "*.png filter=lfs diff=lfs merge=lfs -text\n")
    git(repo, "add", ".gitattributes")
    git(repo, "commit", "-q", "-m", "lfs")
    git(repo, "worktree", "add", "-q", "-b", "feat", str(tmp_path / "wt"))
    TargetRepository.discover(tmp_path / "wt").commit(BATCH, MESSAGE, None)
    oid = hashlib.sha256(PNG).hexdigest()
    assert (repo / ".git" / "lfs" / "objects" / oid[:2] / oid[2:4] / oid).is_file()
    assert git(tmp_path / "wt", "status", "--porcelain") == ""
    assert "Git LFS fsck OK" in git(tmp_path / "wt", "lfs", "fsck")


def test_lfs_dirty_check_compares_real_bytes(repo: Path) -> None:
    write(repo, ".gitattributes", "*.png filter=lfs\n")
    git(repo, "add", ".gitattributes")
    git(repo, "commit", "-q", "-m", "lfs")
    target = TargetRepository.discover(repo)
    target.commit(BATCH, "first", None)
    assert target.classify({PUBLIC: PNG}) == [Change(PUBLIC, PNG, "same")]
    target.check_worktree({PUBLIC: PNG + b"v2"})  # work tree holds HEAD's real bytes: clean
    write(repo, PUBLIC, b"edited")
    with pytest.raises(RepositoryError, match="has local changes"):
        target.check_worktree({PUBLIC: PNG + b"v2"})


@pytest.mark.parametrize(
    ("attributes", "path", "lfs"),
    [
        ("*.png filter=lfs diff=lfs merge=lfs -text", "a/b/c.png", True),
        ("*.png filter=lfs", "a/b/c.md", False),
        ("frontend/public/assets/** filter=lfs", "frontend/public/assets/x/y.png", True),
        ("frontend/public/assets/** filter=lfs", "other/frontend/public/assets/y.png", False),
        ("/assets/*.png filter=lfs", "assets/deep/y.png", False),
        ("**/patterns/*.png filter=lfs", "frontend/patterns/y.png", True),
        ("*.png filter=lfs\nbig/*.png -filter", "big/y.png", False),
        ("*.[pP][nN][gG] filter=lfs", "Y.PNG", True),
        ("# *.png filter=lfs\n[attr]binary -diff", "y.png", False),
    ],
)
def test_gitattributes_patterns(attributes: str, path: str, lfs: bool) -> None:
    assert _gitlfs.is_lfs_path(path, _gitlfs.parse_gitattributes(attributes)) is lfs


def test_nested_gitattributes_apply_below_their_folder() -> None:
    rules = _gitlfs.parse_gitattributes("*.png filter=lfs") + _gitlfs.parse_gitattributes(
        "icons/*.png -filter", "frontend"
    )
    assert _gitlfs.is_lfs_path("frontend/icons/a.png", rules) is False
    assert _gitlfs.is_lfs_path("frontend/patterns/a.png", rules) is True
    assert _gitlfs.is_lfs_path("icons/a.png", rules) is True


def test_the_lock_file_lives_in_the_common_git_dir(repo: Path) -> None:
    with TargetRepository.discover(repo).locked():
        assert (repo / ".git" / "batchproc.lock").exists()
    assert os.listdir(repo / ".git").count("batchproc.lock") == 1


def test_an_index_held_by_git_fails_cleanly_and_a_rerun_finishes(repo: Path) -> None:
    (repo / ".git" / "index.lock").write_bytes(b"")
    with pytest.raises(
        RepositoryError, match=r"^the index of .* could not be written .*; run batchproc again to finish$"
    ):
        TargetRepository.discover(repo).commit(BATCH, MESSAGE, None)
    moved = head(repo)
    (repo / ".git" / "index.lock").unlink()
    assert TargetRepository.discover(repo).commit(BATCH, MESSAGE, None) is None
    assert head(repo) == moved
    assert_clean(repo)


def test_an_edit_after_an_interrupted_run_is_still_protected(repo: Path, monkeypatch) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(TargetRepository, "_update_worktree", lambda self, planned, removals=(): None)
        TargetRepository.discover(repo).commit(BATCH, MESSAGE, None)  # "killed" before files
    write(repo, PUBLIC, b"the user's own file")
    with pytest.raises(RepositoryError) as caught:
        TargetRepository.discover(repo).commit(BATCH, MESSAGE, None)
    assert str(caught.value) == DIRTY


# --- blobs -----------------------------------------------------------------------------------


def real_png(path: Path) -> bytes:
    from PIL import Image

    noise = Image.effect_noise((96, 96), 64).convert("RGB")  # noise: deflate cannot shrink it
    noise.save(path / "noise.png")
    return (path / "noise.png").read_bytes()


@pytest.mark.parametrize("data", [b"", b"hello\n", PNG, bytes(range(256)) * 300])
def test_blob_id_is_what_git_hash_object_prints(tmp_path: Path, data: bytes) -> None:
    (tmp_path / "file").write_bytes(data)
    expected = subprocess.run(
        ["git", "hash-object", str(tmp_path / "file")], capture_output=True, text=True, check=True
    )
    assert _gitblob.blob_id(data) == expected.stdout.strip()


def test_images_are_stored_without_deflating_and_git_reads_them(repo: Path, tmp_path: Path) -> None:
    png = real_png(tmp_path)
    context = b"# Gilded\n\nA tileable pattern.\n" * 50
    commit_id = TargetRepository.discover(repo).commit({PUBLIC: png, CONTEXT: context}, MESSAGE, None)

    blob = git(repo, "rev-parse", f"{commit_id}:{PUBLIC}").strip()
    stored = repo / ".git" / "objects" / blob[:2] / blob[2:]
    raw = stored.read_bytes()
    assert len(raw) > len(png)  # zlib stored blocks: the PNG as it is, framed
    assert zlib.decompress(raw) == b"blob %d\0" % len(png) + png
    assert stored.stat().st_mode & 0o777 == 0o444
    shown = subprocess.run(["git", "cat-file", "blob", blob], cwd=repo, capture_output=True, check=True).stdout
    assert shown == png
    assert pygit2.Repository(str(repo))[blob].data == png
    assert_clean(repo)
    # Text still goes through libgit2, deflated.
    text = git(repo, "rev-parse", f"{commit_id}:{CONTEXT}").strip()
    assert len((repo / ".git" / "objects" / text[:2] / text[2:]).read_bytes()) < len(context) // 10
    assert not list((repo / ".git" / "objects").rglob("tmp_obj_*"))


def test_an_object_already_stored_is_left_alone(repo: Path, tmp_path: Path) -> None:
    png = real_png(tmp_path)
    oid = _gitblob.blob_id(png)
    objects = repo / ".git" / "objects"
    _gitblob.write_stored_blob(objects, oid, png)
    before = (objects / oid[:2] / oid[2:]).stat()
    _gitblob.write_stored_blob(objects, oid, png)
    assert (objects / oid[:2] / oid[2:]).stat().st_mtime_ns == before.st_mtime_ns
    assert git(repo, "cat-file", "-t", oid).strip() == "blob"


@pytest.mark.parametrize(
    ("data", "compressed"),
    [
        (PNG, True),
        (b"\xff\xd8\xff\xe0" + b"\0" * 20, True),  # JPEG
        (b"GIF89a" + b"\0" * 20, True),
        (b"RIFF\x10\0\0\0WEBPVP8 ", True),
        (b"\0\0\0\x1cftypavif\0\0\0\0", True),
        (b"RIFF\x10\0\0\0WAVEfmt ", False),
        (b"# Gilded\n", False),
        (b'{"color": {}}', False),
        (b"", False),
    ],
)
def test_which_files_count_as_compressed(data: bytes, compressed: bool) -> None:
    assert _gitblob.is_compressed(data) is compressed


def test_a_batch_is_hashed_once_per_commit(repo: Path, monkeypatch) -> None:
    calls: list[int] = []
    original = _gitblob.blob_id

    def counting(data: bytes) -> str:
        calls.append(len(data))
        return original(data)

    monkeypatch.setattr(_gitblob, "blob_id", counting)
    target = TargetRepository.discover(repo)
    target.classify(BATCH)
    target.check_worktree(BATCH)
    target.commit(BATCH, MESSAGE, None)
    assert sorted(calls) == sorted(len(data) for data in BATCH.values())


def test_removed_files_leave_tree_index_and_work_tree(repo: Path) -> None:
    TargetRepository.discover(repo).commit(BATCH, "first", None)
    renamed = {"frontend/public/assets/patterns/plum-tile-256.png": PNG, CONTEXT: b"# Plum\n"}
    target = TargetRepository.discover(repo)
    assert target.commit(renamed, "renamed", None, remove=[PUBLIC, "not/in/head.png"]) is not None
    changed = git(repo, "show", "--name-status", "--no-renames", "--format=", "HEAD").splitlines()
    assert sorted(changed) == sorted([f"M\t{CONTEXT}", f"A\t{next(iter(renamed))}", f"D\t{PUBLIC}"])
    assert git(repo, "ls-tree", "-r", "--name-only", "HEAD", "frontend").split() == [
        "frontend/public/assets/patterns/plum-tile-256.png"
    ]
    assert not (repo / PUBLIC).exists()
    assert_clean(repo)
    # A folder left empty leaves the tree and the work tree, as with git rm.
    assert target.commit({CONTEXT: b"# Plum\n"}, "gone", None, remove=list(renamed)) is not None
    assert git(repo, "ls-tree", "--name-only", "HEAD").split() == ["README.md", "assets", "notes.txt"]
    assert not (repo / "frontend").exists()
    assert_clean(repo)


RENAMED = {"frontend/public/assets/patterns/plum-tile-256.png": PNG, CONTEXT: b"# Plum\n"}


@pytest.mark.parametrize("next_batch", ["the same batch", "another batch"])
def test_a_run_killed_before_removing_files_is_finished_by_the_next(repo: Path, monkeypatch, next_batch: str) -> None:
    TargetRepository.discover(repo).commit(BATCH, "first", None)

    def killed(self, planned, removals=()):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(TargetRepository, "_update_worktree", killed)
        with pytest.raises(KeyboardInterrupt):
            TargetRepository.discover(repo).commit(RENAMED, "renamed", None, remove=[PUBLIC])
    assert (repo / PUBLIC).exists() and PUBLIC not in git(repo, "ls-tree", "-r", "--name-only", "HEAD")
    if next_batch == "the same batch":
        # The re-run finds nothing left to remove in HEAD; the journal finishes the work tree.
        assert TargetRepository.discover(repo).commit(RENAMED, "renamed", None) is None
        assert_clean(repo)
    else:  # another batch would leave the killed run's work half done: it stops, saying which run
        other = {"other/file.md": b"other\n"}
        with pytest.raises(RepositoryError) as caught:
            TargetRepository.discover(repo).commit(other, "other", None)
        assert str(caught.value) == (
            f"the apply that made {head(repo)[:7]} (renamed) was interrupted before it updated the work tree "
            "and the index; apply that manifest again to finish it, or pass --force"
        )
        # With --force it goes on; the killed run's removals, which only its journal names, are done first.
        assert TargetRepository.discover(repo).commit(other, "other", None, force=True) is not None
        assert PUBLIC not in git(repo, "ls-files")
    assert not (repo / PUBLIC).exists()
