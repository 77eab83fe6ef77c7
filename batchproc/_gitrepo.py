"""The target repository: the checks before an apply and the batch landed as one commit.

The only module that imports pygit2. A commit is built directly from objects — blobs, a tree
made of HEAD's tree plus the batch's paths, one commit, the branch moved — and only then are
the work tree and the index brought up to date for exactly those paths, so ``git status`` is
clean for them and nothing else the user has staged or edited is touched.

Order matters for "killed at any point, a re-run converges": objects first (harmless if
orphaned), then a small journal, then the ref, then files and index. A re-run that finds the
branch at the journal's commit knows the stale files are ours, not the user's, and refreshes them.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pygit2
from pygit2.enums import FileMode, RepositoryState

from batchproc import _gitblob, _gitlfs, _lockfile, _testpoint
from batchproc._atomic import remove_stale_temps, write_atomically
from batchproc._naming import unsafe_path
from batchproc.errors import RepositoryError
from batchproc.models import Author

__all__ = ["Change", "TargetRepository"]

# What to say for each state in which git itself would refuse to commit: (what, how to get out).
_BUSY_STATES = {
    RepositoryState.MERGE: ("a merge", "git merge --continue or git merge --abort"),
    RepositoryState.REVERT: ("a revert", "git revert --continue or git revert --abort"),
    RepositoryState.REVERT_SEQUENCE: ("a revert", "git revert --continue or git revert --abort"),
    RepositoryState.CHERRYPICK: ("a cherry-pick", "git cherry-pick --continue or --abort"),
    RepositoryState.CHERRYPICK_SEQUENCE: ("a cherry-pick", "git cherry-pick --continue or --abort"),
    RepositoryState.BISECT: ("a bisect", "git bisect reset"),
    RepositoryState.REBASE: ("a rebase", "git rebase --continue or git rebase --abort"),
    RepositoryState.REBASE_INTERACTIVE: ("a rebase", "git rebase --continue or git rebase --abort"),
    RepositoryState.REBASE_MERGE: ("a rebase", "git rebase --continue or git rebase --abort"),
    RepositoryState.APPLY_MAILBOX: ("git am", "git am --continue or git am --abort"),
    RepositoryState.APPLY_MAILBOX_OR_REBASE: ("git am or a rebase", "--continue or --abort it"),
}
_JOURNAL = "batchproc-pending.json"
_LOCK = "batchproc.lock"


@dataclass(frozen=True)
class Change:
    """One file of the batch and how it compares with HEAD."""

    path: str
    """Posix path relative to the repository root."""
    data: bytes
    status: Literal["add", "change", "same"]


@dataclass(frozen=True)
class _Planned:
    """A file of the batch resolved against HEAD: what the commit and the work tree get."""

    path: str
    data: bytes  # the work tree's bytes
    blob: bytes  # the commit's bytes: ``data``, or its LFS pointer
    blob_id: pygit2.Oid
    mode: int
    head_id: pygit2.Oid | None
    lfs_oid: str | None  # sha256 of ``data`` when LFS stores it
    lfs_path: bool  # LFS owns the path (``data`` may already be a pointer, as HEAD holds it)

    @property
    def status(self) -> Literal["add", "change", "same"]:
        if self.head_id is None:
            return "add"
        return "same" if self.head_id == self.blob_id else "change"


class TargetRepository:
    """The git repository a batch lands in, with its work tree."""

    lock_timeout: float | None = None
    """Seconds to wait for another apply before giving up; None: $BATCHPROC_LOCK_TIMEOUT, else 10."""

    def __init__(self, repo: pygit2.Repository, branch: str, *, attach_head: bool) -> None:
        self._repo = repo
        self.root = Path(repo.workdir)
        self.branch = branch
        # Detached HEAD committed to --branch: point HEAD at that branch afterwards, so the
        # work tree (which we update) and HEAD agree, as after `git switch -c`.
        self._attach_head = attach_head
        self._gitdir = Path(repo.path)  # per work tree: its index, HEAD, our journal
        self._commondir = _common_dir(self._gitdir)  # shared: refs, objects, LFS store, lock
        self._lock_depth = 0
        self._lock_guard = threading.Lock()
        self._last_plan: tuple[tuple[object, ...], list[_Planned]] | None = None
        self._head_blobs: dict[tuple[pygit2.Oid | None, str], bytes | None] = {}

    # --- opening ---------------------------------------------------------------------------

    @classmethod
    def discover(cls, start: Path, *, branch: str | None = None) -> TargetRepository:
        """The repository holding ``start`` (a file or folder), checked ready for a commit."""
        start = Path(start).absolute()
        probe = start
        while not probe.is_dir() and probe != probe.parent:
            probe = probe.parent
        found = pygit2.discover_repository(str(probe))
        if found is None:
            raise RepositoryError(f"{start} is not inside a git repository; run `git init` or pass --repo")
        repo = _open(found)
        if repo.is_bare or repo.workdir is None:
            raise RepositoryError(
                f"{found.rstrip('/')} is a bare repository; pass --repo with a clone that has a work tree"
            )
        # The state first: a rebase in progress also detaches HEAD, and "finish the rebase"
        # is the message that helps.
        _check_state(repo)
        name, attach = _pick_branch(repo, branch)
        return cls(repo, name, attach_head=attach)

    # --- reading ---------------------------------------------------------------------------

    def _tip(self) -> pygit2.Commit | None:
        """The commit the batch goes on top of; None in a repository without commits."""
        ref = self._repo.references.get(f"refs/heads/{self.branch}")
        if ref is not None:
            return ref.peel(pygit2.Commit)
        if self._repo.head_is_unborn:
            return None
        return self._repo.head.peel(pygit2.Commit)  # detached HEAD, branch still to be made

    def head_blob(self, path: str) -> bytes | None:
        """The content of ``path`` in HEAD's tree (an LFS pointer as stored); None if absent.

        Kept per HEAD commit: the ownership check, the removals and ``plan`` each read the
        batch's packages' ``tokens.json`` and public files from HEAD.
        """
        tip = self._tip()
        key = (tip.id if tip is not None else None, path)
        if key not in self._head_blobs:
            entry = _entry(tip.tree, path) if tip is not None else None
            self._head_blobs[key] = entry.data if isinstance(entry, pygit2.Blob) else None
        return self._head_blobs[key]

    def head_paths(self, folder: str) -> list[str]:
        """Every file under ``folder`` in HEAD's tree, sorted; empty when HEAD has no such folder."""
        tip = self._tip()
        tree = _entry(tip.tree, folder) if tip is not None else None
        found: list[str] = []

        def walk(node: pygit2.Tree, prefix: str) -> None:
            for child in node:
                path = f"{prefix}/{child.name}"
                if isinstance(child, pygit2.Tree):
                    walk(child, path)
                else:
                    found.append(path)

        if isinstance(tree, pygit2.Tree):
            walk(tree, folder.strip("/"))
        return sorted(found)

    def classify(self, files: Mapping[str, bytes]) -> list[Change]:
        """Each file of the batch as an add, a change or the same as HEAD."""
        return [Change(p.path, p.data, p.status) for p in self._plan(files)]

    def changed_files_since(self, ref: str) -> list[str]:
        """Paths that differ between ``ref`` and HEAD (both sides of a rename), sorted."""
        try:
            old = self._repo.revparse_single(ref).peel(pygit2.Commit)
        except (KeyError, ValueError, pygit2.GitError) as error:
            raise RepositoryError(
                f"--changed-since {ref}: no such commit in {self.root}; give a branch, tag or commit id"
            ) from error
        tip = self._tip()
        diff = old.tree.diff_to_tree(tip.tree) if tip is not None else old.tree.diff_to_tree(swap=True)
        paths = set()
        for delta in diff.deltas:
            paths.update((delta.old_file.path, delta.new_file.path))
        return sorted(paths)

    # --- checks ----------------------------------------------------------------------------

    def check_worktree(self, files: Mapping[str, bytes], *, force: bool = False, remove: Iterable[str] = ()) -> None:
        """Refuse to overwrite what the user has not committed, links and odd paths.

        A target path whose index entry or work-tree file differs from both HEAD and the new
        output holds work we would lose; ``force`` overwrites it anyway. A deleted target holds
        nothing to lose and is written again. A file to ``remove`` must hold what HEAD holds (or
        be gone already). Links, ``.git`` and paths that clash with a file or folder are
        refused even with ``force``.
        """
        planned = self._plan(files)
        removals = self._removals(files, remove)
        for path in [item.path for item in planned] + [path for path, _ in removals]:
            self._check_on_disk(path)
        if force:
            return
        recovering = self._interrupted_run()
        index = self._repo.index
        index.read()
        if recovering is not None and not recovering[1] <= set(files) and self._unfinished(recovering, index):
            tip = self._tip()
            assert tip is not None  # a journal of the current HEAD
            raise RepositoryError(
                f"the apply that made {str(tip.id)[:7]} ({tip.message.splitlines()[0]}) was interrupted before "
                "it updated the work tree and the index; apply that manifest again to finish it, or pass --force"
            )
        conflicts = index.conflicts
        for item in planned:
            # None: a target deleted (or `git rm`ed) holds no content to lose; the batch
            # declares the file, so it comes back, like `git checkout` would bring it back.
            allowed = {item.head_id, item.blob_id, None}
            if recovering is not None and item.path in recovering[1]:
                previous = _entry(recovering[0], item.path) if recovering[0] is not None else None
                allowed.add(previous.id if previous is not None else None)
            entry = _staged(index, item.path)
            staged = entry.id if entry is not None else None
            on_disk = self._worktree_id(item)
            if (conflicts is not None and item.path in conflicts) or not (staged in allowed and on_disk in allowed):
                raise RepositoryError(
                    f"{item.path} has local changes that differ from HEAD and from the new "
                    "output; commit or stash them, or pass --force"
                )
        rules = self._lfs_rules([path for path, _ in removals])
        for path, head_id in removals:
            entry = _staged(index, path)
            on_disk = self._file_id(path, lfs_path=any(_gitlfs.is_lfs_path(path, r) for r in rules))
            if {entry.id if entry is not None else None, on_disk} - {head_id, None}:
                raise RepositoryError(
                    f"{path} has local changes, and batchproc would remove it (an earlier apply "
                    "shipped it; this batch no longer writes it); commit or stash them, or pass --force"
                )

    def _unfinished(
        self, recovering: tuple[pygit2.Tree | None, set[str], list[tuple[str, pygit2.Oid]]], index: pygit2.Index
    ) -> bool:
        """Whether an interrupted run left its paths' index entries unlike HEAD (the index is
        written last, once the work tree is done, so a matching index means it finished)."""
        tip = self._tip()
        if tip is None:
            return False
        for path in recovering[1]:
            entry, staged = _entry(tip.tree, path), _staged(index, path)
            if (entry.id if entry is not None else None) != (staged.id if staged is not None else None):
                return True
        return any(_staged(index, path) is not None for path, _ in recovering[2])

    def _worktree_id(self, item: _Planned) -> pygit2.Oid | None:
        """The blob id git would store for the work-tree file (its LFS pointer if LFS owns it)."""
        return self._file_id(item.path, lfs_path=item.lfs_path)

    def _file_id(self, path: str, *, lfs_path: bool) -> pygit2.Oid | None:
        try:
            data = (self.root / path).read_bytes()
        except FileNotFoundError:
            return None
        if lfs_path and not _gitlfs.is_pointer(data):
            data = _gitlfs.pointer_for(data)[0]
        return pygit2.Oid(hex=_gitblob.blob_id(data))

    def _check_on_disk(self, path: str) -> None:
        current = self.root
        parts = path.split("/")
        for depth, part in enumerate(parts, start=1):
            current = current / part
            prefix = "/".join(parts[:depth])
            last = depth == len(parts)
            if current.is_symlink():
                where = "it" if last else f"its folder {prefix}"
                raise RepositoryError(
                    f"{path}: {where} is a symlink in the work tree; batchproc does not write "
                    "through links, so replace it with a real folder or file"
                )
            if last and current.is_dir():
                raise RepositoryError(f"{path} is a folder in the work tree; move it away first")
            if not last and current.exists() and not current.is_dir():
                raise RepositoryError(f"{path}: {prefix} is a file in the work tree, not a folder; move it away first")

    # --- the commit ------------------------------------------------------------------------

    @contextlib.contextmanager
    def locked(self, timeout: float | None = None) -> Iterator[None]:
        """Hold this repository's apply lock; re-entrant for this object.

        An exclusive flock on a file in the common git dir, so two applies (two processes,
        two objects, two linked work trees) never interleave. Waits up to ``timeout`` seconds
        (default :attr:`lock_timeout`). Re-entrant per object rather than per thread, because
        a trio runner holds the lock in its own thread and commits from a worker thread.
        """
        with self._lock_guard:
            nested = self._lock_depth > 0
            if nested:
                self._lock_depth += 1
        if nested:
            try:
                yield
            finally:
                with self._lock_guard:
                    self._lock_depth -= 1
            return
        if timeout is None:
            timeout = self.lock_timeout if self.lock_timeout is not None else _lockfile.timeout_from_env()
        busy = f"another batchproc apply is running on {self.root}; try again"
        with _lockfile.exclusive(self._commondir / _LOCK, timeout, busy):
            with self._lock_guard:
                self._lock_depth = 1
            try:
                yield
            finally:
                with self._lock_guard:
                    self._lock_depth = 0

    def commit(
        self,
        files: Mapping[str, bytes],
        message: str,
        author: Author | None,
        *,
        force: bool = False,
        remove: Iterable[str] = (),
    ) -> str | None:
        """Land ``files`` as one commit on :attr:`branch`, without the paths of ``remove``; the
        new commit id, or None.

        None means HEAD already holds every file and none of ``remove``; the work tree and
        index are still brought up to date (a run killed after moving the branch converges
        here, removals included). Checks the work tree first (see :meth:`check_worktree`;
        ``force`` skips that), all under :meth:`locked`.
        """
        remove = tuple(remove)  # read twice: by the check and by the commit
        with self.locked():
            _testpoint.reached("locked")
            _check_state(self._repo)
            _pick_branch(self._repo, self.branch)  # HEAD may have moved since discover
            self.check_worktree(files, force=force, remove=remove)
            planned = self._plan(files)
            removals = self._removals(files, remove)
            remove_stale_temps({self._gitdir} | {(self.root / p).parent for p in files})  # a killed run's
            recovering = self._interrupted_run()
            if recovering is not None and recovering[2]:
                # A run killed after moving the branch left files to remove that only its journal
                # names; this run's journal replaces that one, so finish them first.
                self._update_worktree([], recovering[2])
            self._store(planned)
            _testpoint.reached("objects")
            tip = self._tip()
            if not removals and all(item.status == "same" for item in planned):
                self._update_worktree(planned)
                (self._gitdir / _JOURNAL).unlink(missing_ok=True)
                return None
            text = _clean_message(message)
            author_sig = self.resolve_author(author)
            entries: dict[str, tuple[pygit2.Oid, int] | None] = {p.path: (p.blob_id, p.mode) for p in planned}
            entries.update((path, None) for path, _ in removals)
            tree = self._build_tree(tip.tree if tip is not None else None, entries)
            parents = [tip.id] if tip is not None else []
            commit_id = self._repo.create_commit(None, author_sig, self._committer(author_sig), text, tree, parents)
            self._write_journal(commit_id, tip, planned, removals)
            _testpoint.reached("journal")
            self._move_branch(commit_id, tip, f"batchproc: {text.splitlines()[0]}")
            _testpoint.reached("ref")
            self._update_worktree(planned, removals)
            _testpoint.reached("worktree")
            (self._gitdir / _JOURNAL).unlink(missing_ok=True)
            return str(commit_id)

    def resolve_author(self, author: Author | None) -> pygit2.Signature:
        """The author: the manifest's, else GIT_AUTHOR_NAME/EMAIL, else user.name/email."""
        if author is not None:
            return _signature(author.name, author.email)
        name = os.environ.get("GIT_AUTHOR_NAME") or self._config("user.name")
        email = os.environ.get("GIT_AUTHOR_EMAIL") or self._config("user.email")
        if not name or not email:
            raise RepositoryError(
                f"no author for the commit in {self.root}: set commit.author in the manifest, "
                'or run `git config user.name "Your Name"` and `git config user.email you@example.com`'
            )
        return _signature(name, email)

    def _committer(self, author: pygit2.Signature) -> pygit2.Signature:
        name = os.environ.get("GIT_COMMITTER_NAME") or self._config("user.name") or author.name
        email = os.environ.get("GIT_COMMITTER_EMAIL") or self._config("user.email") or author.email
        return _signature(name, email)

    def _config(self, key: str) -> str | None:
        try:
            return self._repo.config[key] or None
        except KeyError:
            return None

    # --- building blocks -------------------------------------------------------------------

    def _plan(self, files: Mapping[str, bytes]) -> list[_Planned]:
        """Check every path and work out the blob each file becomes.

        Classifying, checking and committing one batch each need this; it hashes every file,
        so the last answer is kept for the same files (the same bytes objects) on the same tip.
        """
        tip = self._tip()
        key = (tip.id if tip is not None else None, *((path, id(data)) for path, data in files.items()))
        if self._last_plan is not None and self._last_plan[0] == key:
            return self._last_plan[1]  # its _Planned items hold the bytes, so no id is reused
        planned = self._plan_afresh(files, tip)
        self._last_plan = (key, planned)
        return planned

    def _plan_afresh(self, files: Mapping[str, bytes], tip: pygit2.Commit | None) -> list[_Planned]:
        tree = tip.tree if tip is not None else None
        for path in files:
            _check_path(path, files, tree)
        rules = self._lfs_rules(files)
        planned = []
        for path, data in files.items():
            head = _entry(tree, path) if tree is not None else None
            lfs_path = any(_gitlfs.is_lfs_path(path, r) for r in rules)
            blob, lfs_oid = _gitlfs.pointer_for(data) if lfs_path and not _gitlfs.is_pointer(data) else (data, None)
            # Keep an executable bit HEAD already has; everything new is a plain file.
            mode = head.filemode if head is not None else FileMode.BLOB
            planned.append(
                _Planned(
                    path,
                    data,
                    blob,
                    pygit2.Oid(hex=_gitblob.blob_id(blob)),
                    mode,
                    head.id if head is not None else None,
                    lfs_oid,
                    lfs_path,
                )
            )
        return planned

    def _removals(self, files: Mapping[str, bytes], remove: Iterable[str]) -> list[tuple[str, pygit2.Oid]]:
        """The paths of ``remove`` that HEAD holds as files, with their blob ids, sorted."""
        tip = self._tip()
        found = []
        for path in sorted(set(remove) - set(files)):
            reason = unsafe_path(path)
            if reason is not None:
                raise RepositoryError(f"{path!r} {reason}")
            entry = _entry(tip.tree, path) if tip is not None else None
            if isinstance(entry, pygit2.Blob):
                found.append((path, entry.id))
        return found

    def _lfs_rules(self, paths: Iterable[str]) -> list[list[_gitlfs.AttributeRule]]:
        """Attribute rules from the work tree and from HEAD; a path is LFS if either says so.

        Both, because a fresh .gitattributes not yet committed and a committed one the user
        has not checked out both mean "LFS here"; committing a raw PNG there is the one
        mistake that cannot be undone cheaply.
        """
        folders = {""}
        for path in paths:
            parts = path.split("/")[:-1]
            folders.update("/".join(parts[:n]) for n in range(1, len(parts) + 1))
        tip = self._tip()
        worktree: list[_gitlfs.AttributeRule] = []
        head: list[_gitlfs.AttributeRule] = []
        for folder in sorted(folders, key=lambda f: (f.count("/") + bool(f), f)):
            name = f"{folder}/.gitattributes" if folder else ".gitattributes"
            on_disk = self.root / name
            if on_disk.is_file() and not on_disk.is_symlink():
                worktree += _gitlfs.parse_gitattributes(on_disk.read_text("utf-8", "replace"), folder)
            blob = _entry(tip.tree, name) if tip is not None else None
            if isinstance(blob, pygit2.Blob):
                head += _gitlfs.parse_gitattributes(blob.data.decode("utf-8", "replace"), folder)
        info = self._commondir / "info" / "attributes"  # overrides every .gitattributes
        extra = _gitlfs.parse_gitattributes(info.read_text("utf-8", "replace")) if info.is_file() else []
        return [worktree + extra, head + extra]

    def _store(self, planned: list[_Planned]) -> None:
        """Write blobs and LFS objects before anything refers to them."""
        storage = self._config("lfs.storage")
        lfs_dir = self._commondir / storage if storage else self._commondir / "lfs"
        for item in planned:
            if item.blob_id in self._repo:
                continue  # an unchanged file, or a run killed after writing its objects
            if _gitblob.is_compressed(item.blob):
                _gitblob.write_stored_blob(self._commondir / "objects", str(item.blob_id), item.blob)
            else:
                self._repo.create_blob(item.blob)
            if item.lfs_oid is not None:
                _gitlfs.store_object(lfs_dir / "objects", item.lfs_oid, item.data)

    def _build_tree(
        self, base: pygit2.Tree | None, entries: Mapping[str, tuple[pygit2.Oid, int] | None]
    ) -> pygit2.Oid:
        """``base`` with ``entries`` (paths relative to it) written in, or taken out where the
        value is None, one level at a time; a folder left empty goes too, as git has no empty trees."""
        return self._tree_level(base, entries) or self._repo.TreeBuilder().write()

    def _tree_level(
        self, base: pygit2.Tree | None, entries: Mapping[str, tuple[pygit2.Oid, int] | None]
    ) -> pygit2.Oid | None:
        builder = self._repo.TreeBuilder(base) if base is not None else self._repo.TreeBuilder()
        folders: dict[str, dict[str, tuple[pygit2.Oid, int] | None]] = {}
        for path, entry in entries.items():
            name, slash, rest = path.partition("/")
            if slash:
                folders.setdefault(name, {})[rest] = entry
            elif entry is None:
                if builder.get(name) is not None:
                    builder.remove(name)
            else:
                builder.insert(name, *entry)
        for name, inner in folders.items():
            existing = base[name] if base is not None and name in base else None
            subtree = self._tree_level(existing if isinstance(existing, pygit2.Tree) else None, inner)
            if subtree is not None:
                builder.insert(name, subtree, FileMode.TREE)
            elif builder.get(name) is not None:
                builder.remove(name)
        return builder.write() if len(builder) else None

    def _move_branch(self, commit_id: pygit2.Oid, tip: pygit2.Commit | None, reflog: str) -> None:
        name = f"refs/heads/{self.branch}"
        ref = self._repo.references.get(name)
        if ref is not None and (tip is None or ref.target != tip.id):
            raise RepositoryError(f"branch {self.branch} moved during the apply; run batchproc again")
        try:
            if ref is None:
                self._repo.create_reference_direct(name, commit_id, False, reflog)
            else:
                ref.set_target(commit_id, reflog)  # libgit2 refuses if the ref moved meanwhile
        except (pygit2.GitError, ValueError) as error:
            raise RepositoryError(f"branch {self.branch} moved during the apply; run batchproc again") from error
        if self._attach_head and self._repo.head_is_detached:
            self._repo.create_reference_symbolic("HEAD", name, True, f"batchproc: switch to {self.branch}")

    def _update_worktree(self, planned: list[_Planned], removals: Sequence[tuple[str, pygit2.Oid]] = ()) -> None:
        """Write exactly these files and their index entries, take out the removed ones; leave
        everything else alone.

        A removed file goes from the work tree only while it holds what the commit before held
        (with ``--force`` a locally changed one stays, untracked), and so do folders it leaves
        empty, as ``git rm`` does.
        """
        index = self._repo.index
        index.read()
        dirty = False
        written = 0
        rules = self._lfs_rules([path for path, _ in removals]) if removals else []
        for path, old_id in removals:
            staged = _staged(index, path)
            if staged is not None and staged.id != old_id:
                continue  # staged work (with --force): the index keeps it as an added file, and the file stays
            lfs_path = any(_gitlfs.is_lfs_path(path, r) for r in rules)
            target = self.root / path
            if not target.is_symlink() and target.is_file() and self._file_id(path, lfs_path=lfs_path) == old_id:
                target.unlink()
                _remove_empty_folders(target.parent, self.root)
            if staged is not None:
                index.remove(path)
                dirty = True
        for item in planned:
            target = self.root / item.path
            wrote = not _has_content(target, item.data)
            if wrote:
                try:
                    write_atomically(target, item.data, executable=item.mode == FileMode.BLOB_EXECUTABLE, durable=False)
                except OSError as error:
                    raise RepositoryError(
                        f"{item.path} could not be written ({error.strerror}); "
                        "fix that and run batchproc again to finish"
                    ) from error
                written += 1
                _testpoint.reached(f"file-{written}")
            entry = _staged(index, item.path)
            conflicts = index.conflicts
            if conflicts is not None and item.path in conflicts:
                del conflicts[item.path]
                entry = None
            if wrote or entry is None or entry.id != item.blob_id or entry.mode != item.mode:
                index.add(_StatEntry(item.path, item.blob_id, item.mode, target.lstat()))
                dirty = True
        if dirty:
            _testpoint.reached("index")
            try:
                index.write()
            except pygit2.GitError as error:
                raise RepositoryError(
                    f"the index of {self.root} could not be written ({error}); run batchproc again to finish"
                ) from error

    def _write_journal(
        self,
        commit_id: pygit2.Oid,
        tip: pygit2.Commit | None,
        planned: list[_Planned],
        removals: Sequence[tuple[str, pygit2.Oid]],
    ) -> None:
        journal = {
            "commit": str(commit_id),
            "parent": str(tip.id) if tip is not None else None,
            "paths": [item.path for item in planned],
            "removed": [path for path, _ in removals],
        }
        write_atomically(self._gitdir / _JOURNAL, json.dumps(journal).encode())

    def _interrupted_run(self) -> tuple[pygit2.Tree | None, set[str], list[tuple[str, pygit2.Oid]]] | None:
        """The tree before an earlier run that moved the branch but did not finish, its paths,
        and the files it removed with their ids in that tree (to take out of the work tree)."""
        try:
            journal = json.loads((self._gitdir / _JOURNAL).read_text())
        except (FileNotFoundError, ValueError):
            return None
        tip = self._tip()
        if tip is None or str(tip.id) != journal.get("commit"):
            return None  # killed before the ref moved: the work tree was never touched
        try:
            parent = journal.get("parent")
            tree = self._repo[parent].peel(pygit2.Tree) if parent else None
        except (KeyError, ValueError, pygit2.GitError):
            return None  # a damaged journal: fall back to the plain dirty check
        removed = []
        for path in journal.get("removed", ()):
            entry = _entry(tree, path) if tree is not None and isinstance(path, str) and not unsafe_path(path) else None
            if isinstance(entry, pygit2.Blob):
                removed.append((path, entry.id))
        return tree, set(journal.get("paths", ())), removed


class _StatEntry(pygit2.IndexEntry):
    """An index entry carrying the file's stat data, so git sees it clean without rehashing.

    pygit2's IndexEntry has only path, id and mode; an entry without stat data is still
    correct (git compares contents when the recorded size is 0, as after
    ``update-index --cacheinfo``), just slower on the first ``git status`` — and for LFS paths
    that first status must run git-lfs. So fill the C struct pygit2 builds; should a future
    pygit2 stop calling ``_to_c``, this quietly degrades to the plain entry.
    """

    def __init__(self, path: str, oid: pygit2.Oid, mode: int, st: os.stat_result) -> None:
        super().__init__(path, oid, mode)
        self._stat = st

    def _to_c(self):  # type: ignore[no-untyped-def]
        centry, keep = super()._to_c()
        st = self._stat
        for field, ns in (("ctime", st.st_ctime_ns), ("mtime", st.st_mtime_ns)):
            stamp = getattr(centry, field)
            stamp.seconds, stamp.nanoseconds = divmod(ns, 1_000_000_000)
        mask = 0xFFFFFFFF  # git stores these as 32 bits
        centry.dev, centry.ino = st.st_dev & mask, st.st_ino & mask
        centry.uid, centry.gid = st.st_uid & mask, st.st_gid & mask
        centry.file_size = st.st_size & mask
        return centry, keep


def _open(gitdir: str) -> pygit2.Repository:
    try:
        return pygit2.Repository(gitdir)
    except pygit2.GitError as error:  # e.g. a SHA-256 repository, which libgit2 cannot open yet
        where = gitdir.rstrip("/")
        found = re.search(r"unknown object format '([^']+)'", str(error))
        if found:
            raise RepositoryError(
                f"{where} uses {found[1]} object ids, which libgit2 (batchproc's git library) cannot "
                "read or write yet; apply to a repository made with git's default (SHA-1)"
            ) from None
        raise RepositoryError(f"{where} cannot be opened as a git repository: {error}") from None


def _check_state(repo: pygit2.Repository) -> None:
    """Refuse a repository where git itself would not commit: a merge, a rebase, …"""
    state = RepositoryState(repo.state())
    if state in _BUSY_STATES:
        what, way_out = _BUSY_STATES[state]
        raise RepositoryError(f"{Path(repo.workdir)} is in the middle of {what}; finish it first ({way_out})")


def _pick_branch(repo: pygit2.Repository, branch: str | None) -> tuple[str, bool]:
    """The branch that will move, and whether HEAD must be attached to it afterwards."""
    root = Path(repo.workdir)
    if branch is not None and not pygit2.reference_is_valid_name(f"refs/heads/{branch}"):
        raise RepositoryError(f"{branch!r} is not a valid branch name")
    if repo.head_is_detached:
        short = str(repo.head.target)[:7]
        if branch is None:
            raise RepositoryError(f"HEAD of {root} is detached (at {short}); check out a branch or pass --branch")
        ref = repo.references.get(f"refs/heads/{branch}")
        if ref is not None and ref.target != repo.head.target:
            raise RepositoryError(
                f"branch {branch} is at {str(ref.target)[:7]}, not at the detached HEAD {short}; "
                "check it out or pass a new branch name"
            )
        return branch, True
    current = repo.references["HEAD"].target  # works for an unborn HEAD too
    current = current.removeprefix("refs/heads/") if isinstance(current, str) else branch
    if branch is not None and branch != current:
        raise RepositoryError(
            f"HEAD of {root} is on branch {current}, not {branch}; check out {branch} or drop --branch"
        )
    return current, False


def _check_path(path: str, files: Mapping[str, bytes], tree: pygit2.Tree | None) -> None:
    """Refuse a path that is not plain, points into .git, or clashes with a file or folder."""
    parts = path.split("/")
    reason = unsafe_path(path)  # the one path-safety rule, also applied to layout and naming
    if reason is not None:
        raise RepositoryError(f"{path!r} {reason}")
    for depth in range(1, len(parts)):
        prefix = "/".join(parts[:depth])
        if prefix in files:
            raise RepositoryError(f"{path}: {prefix} is also a file of this batch")
        entry = _entry(tree, prefix) if tree is not None else None
        if entry is not None and not isinstance(entry, pygit2.Tree):
            raise RepositoryError(f"{path}: {prefix} is a file in HEAD, not a folder")
    entry = _entry(tree, path) if tree is not None else None
    if entry is not None and entry.filemode not in (FileMode.BLOB, FileMode.BLOB_EXECUTABLE):
        kind = {FileMode.TREE: "a folder", FileMode.LINK: "a symlink", FileMode.COMMIT: "a submodule"}
        raise RepositoryError(
            f"{path} is {kind.get(entry.filemode, 'not a file')} in HEAD; batchproc writes only regular files"
        )


def _remove_empty_folders(folder: Path, root: Path) -> None:
    """Remove ``folder`` and its parents while they are empty, up to (not including) ``root``."""
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:  # not empty (or already gone): the folders above stay too
            return
        folder = folder.parent


def _staged(index: pygit2.Index, path: str) -> pygit2.IndexEntry | None:
    try:
        return index[path]
    except KeyError:
        return None


def _entry(tree: pygit2.Tree, path: str) -> pygit2.Object | None:
    try:
        return tree[path]
    except KeyError:
        return None


def _common_dir(gitdir: Path) -> Path:
    """The git dir shared by all work trees (a linked work tree's gitdir names it)."""
    pointer = gitdir / "commondir"
    if pointer.is_file():
        return (gitdir / pointer.read_text().strip()).resolve()
    return gitdir


def _signature(name: str, email: str) -> pygit2.Signature:
    try:
        return pygit2.Signature(name, email)
    except (ValueError, pygit2.GitError) as error:
        raise RepositoryError(f"{name} <{email}> is not a usable git identity: {error}") from error


def _clean_message(message: str) -> str:
    """Like git's default cleanup: no surrounding blank lines, one final newline."""
    text = "\n".join(line.rstrip() for line in message.strip().splitlines())
    if not text:
        raise RepositoryError("the commit message is empty; set commit.message in the manifest")
    return text + "\n"


def _has_content(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except FileNotFoundError:
        return False
