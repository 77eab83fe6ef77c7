"""Whose file is it? A batch must not silently overwrite another asset's public file.

Each package's ``tokens.json`` records, in its provenance, the asset id and the public path it
shipped. Before committing, the public paths the batch would change are looked up in HEAD's
packages: a path shipped by a different asset is refused (``--force`` overrides), so a name
clash across batches is an error instead of one asset's image quietly replacing another's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from batchproc._gitlfs import content_sha256
from batchproc._provenance import read_provenances
from batchproc.errors import InputError
from batchproc.models import Manifest

TOKENS_FILE = "tokens.json"


def shipped_by(tokens_files: Mapping[str, bytes | None]) -> dict[str, str]:
    """Public path to the asset id that shipped it, from packages' ``tokens.json`` files."""
    owners: dict[str, str] = {}
    for data in tokens_files.values():
        for provenance in read_provenances(data):
            if isinstance(provenance.get("public_path"), str) and isinstance(provenance.get("asset_id"), str):
                owners[provenance["public_path"]] = provenance["asset_id"]
    return owners


def check_ownership(
    files: Mapping[str, bytes], head_package_files: Iterable[str], read_head: Callable[[str], bytes | None]
) -> None:
    """Raise when the batch would change a public file that another asset shipped."""
    ours = shipped_by({path: data for path, data in files.items() if path.endswith("/" + TOKENS_FILE)})
    theirs = shipped_by({path: read_head(path) for path in head_package_files if path.endswith("/" + TOKENS_FILE)})
    for path, asset_id in sorted(ours.items()):
        owner = theirs.get(path)
        if owner is not None and owner != asset_id and read_head(path) != files.get(path):
            raise InputError(
                f"{path} was shipped by {owner}; give {asset_id} another name (or category), or pass --force to replace it",
                where=asset_id,
            )


def superseded(
    files: Mapping[str, bytes],
    batch_id: str,
    asset_ids: Iterable[str],
    head_package_files: Iterable[str],
    read_head: Callable[[str], bytes | None],
    public_root: str,
) -> dict[str, str]:
    """Files an earlier apply of this batch shipped for these assets that it no longer writes,
    each with the asset id it was shipped for. An asset is its batch and its id, as provenance
    records them (two batches may each have an ``A-1``).

    An asset renamed, or measured at a new size, gets a new package folder or public file; the
    old ones would stay in the repository, owned by nobody. Only what batchproc itself wrote
    goes: a provenance counts when it names the package folder it sits in (a copy a person made
    elsewhere, or one written before provenance recorded its folder, claims its files instead);
    from that folder, the files of the names the batch writes (a person's own file there stays);
    and the public file it names, if that lies under ``public_root`` and outside every package
    folder, still holds the bytes the provenance's source hash records, and no other
    provenance claims it.
    """
    ids = set(asset_ids)
    head_files = sorted(head_package_files)
    new_names = {path.rpartition("/")[2] for path in files}
    public_prefix = f"{public_root.strip('/')}/" if public_root.strip("/") else ""  # "": the repository root
    folders = {path.rpartition("/")[0] for path in head_files}
    claimed: set[str] = set()
    stale: dict[str, str] = {}
    for tokens in (path for path in head_files if path.endswith("/" + TOKENS_FILE)):
        folder = tokens.rpartition("/")[0]
        for provenance in read_provenances(read_head(tokens)):
            asset_id, public = provenance.get("asset_id"), provenance.get("public_path")
            ours = (
                isinstance(asset_id, str)
                and asset_id in ids
                and provenance.get("batch_id") == batch_id
                and provenance.get("package_dir") == folder
            )
            if not ours:
                if isinstance(public, str):
                    claimed.add(public)
                continue
            assert isinstance(asset_id, str)
            if isinstance(public, str) and public.startswith(public_prefix) and public.rpartition("/")[0] not in folders:
                shipped = read_head(public)
                source = provenance.get("source")
                # Only the very bytes batchproc copied there: the source's hash, as recorded.
                if shipped is not None and isinstance(source, dict) and source.get("sha256") == content_sha256(shipped):
                    stale[public] = asset_id
            for path in head_files:
                parent, _, name = path.rpartition("/")
                if parent == folder and name in new_names:
                    stale[path] = asset_id
    return {path: owner for path, owner in sorted(stale.items()) if path not in files and path not in claimed}


def superseded_by(
    files: Mapping[str, bytes],
    manifest: Manifest,
    head_package_files: Iterable[str],
    read_head: Callable[[str], bytes | None],
) -> dict[str, str]:
    """:func:`superseded` for the assets of ``manifest``, under its layout's public folder."""
    ids = [asset.asset_id for asset in manifest.assets]
    return superseded(files, manifest.batch_id, ids, head_package_files, read_head, manifest.layout.public)
