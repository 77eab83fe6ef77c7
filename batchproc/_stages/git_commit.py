"""Built-in stage: the batch lands as one commit, written with pygit2 (via ``_gitrepo``)."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping

from batchproc._context import RunContext
from batchproc._ownership import check_ownership, superseded_by
from batchproc.hookspecs import hookimpl
from batchproc.models import Manifest


@hookimpl(trylast=True)
def batchproc_commit(
    files: Mapping[str, bytes], message: str, manifest: Manifest, run: RunContext
) -> Awaitable[str | None]:
    return run.to_thread(commit_batch, files, message, manifest, run)


def commit_batch(files: Mapping[str, bytes], message: str, manifest: Manifest, run: RunContext) -> str | None:
    """One commit holding exactly ``files``, or None when the repository already has them."""
    from batchproc._gitrepo import TargetRepository  # pygit2 loads only when a commit is made

    repository = TargetRepository.discover(run.repo_root, branch=run.branch)
    with repository.locked():
        packages = repository.head_paths(manifest.layout.packages)
        if not run.force:
            check_ownership(files, packages, repository.head_blob)
        # What an earlier apply shipped for these assets under another name or size goes.
        remove = superseded_by(files, manifest, packages, repository.head_blob)
        run.changes.update((change.path, change.status) for change in repository.classify(files))
        run.changes.update((path, "remove") for path in remove)
        return repository.commit(files, message, manifest.commit.author, force=run.force, remove=remove)
