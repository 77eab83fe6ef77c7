"""Whose file is it? A batch must not silently overwrite another asset's public file.

Each package's ``tokens.json`` records, in its provenance, the asset id and the public path it
shipped. Before committing, the public paths the batch would change are looked up in HEAD's
packages: a path shipped by a different asset is refused (``--force`` overrides), so a name
clash across batches is an error instead of one asset's image quietly replacing another's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from batchproc._provenance import read_provenances
from batchproc.errors import InputError

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
