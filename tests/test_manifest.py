from __future__ import annotations

from pathlib import Path

import pytest

from batchproc._manifest import load_manifest
from batchproc.errors import ManifestError
from conftest import EXAMPLES


def write(tmp_path: Path, text: str, name: str = "batch.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ManifestError) as caught:
        load_manifest(path)
    return caught.value.lines()


def test_seed_json_is_a_valid_manifest_with_defaults(tmp_path: Path, write_png) -> None:
    write_png("downloads/asset-3-validated.png")
    path = write(
        tmp_path,
        '{"batch_id": "batch-theatrical-specimens",\n'
        ' "assets": [{"asset_id": "ASSET-3", "path": "downloads/asset-3-validated.png", "score": 92,\n'
        '             "specs": {}}]}\n',
        "seed.json",
    )
    manifest = load_manifest(path)
    assert manifest.title == "batch-theatrical-specimens"
    assert manifest.extractor.name == "local"
    (asset,) = manifest.assets
    assert (asset.asset_id, asset.slug, asset.category, asset.score) == ("ASSET-3", "asset-3", "specimens", 92)
    assert asset.path == tmp_path / "downloads/asset-3-validated.png"
    assert manifest.naming_for("patterns") == "{slug}-tile-{size}.png"
    assert manifest.naming_for("specimens") == "{slug}-{width}.png"


def test_example_manifest_loads() -> None:
    manifest = load_manifest(EXAMPLES / "theatrical.yaml")
    assert [a.asset_id for a in manifest.assets] == ["ASSET-3", "ASSET-4", "ASSET-6"]
    assert [a.score for a in manifest.assets] == [92, 94, 91]
    assert [a.category for a in manifest.assets] == ["patterns", "specimens", "specimens"]
    assert [a.slug for a in manifest.assets] == ["velvet-curtain", "comedy-and-tragedy-masks", "spotlight"]


def test_every_schema_problem_is_reported_with_its_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "batch_id: b\n"
        "asets: []\n"
        "assets:\n"
        "  - asset_id: A-1\n"
        "    path: a.png\n"
        "    score: 101\n"
        "    colour: red\n",
    )
    assert problems(path) == [
        f"{path}:2: unknown key 'asets'; did you mean 'assets'?",
        f"{path}:6: assets[0].score: 101 is above the maximum 100",
        f"{path}:7: assets[0]: unknown key 'colour'; allowed keys: asset_id, path, score, name, category, specs",
    ]


def test_semantic_rules(tmp_path: Path, write_png) -> None:
    write_png("a.png")
    (tmp_path / "photo.png").write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 20)
    (tmp_path / "empty.png").write_bytes(b"")
    path = write(
        tmp_path,
        "batch_id: b\n"
        "assets:\n"
        "  - {asset_id: A-1, path: a.png, score: 89}\n"
        "  - {asset_id: a-1, path: photo.png, score: 95}\n"
        "  - {asset_id: A-3, path: empty.png, score: 95}\n"
        "  - {asset_id: A-4, path: missing.png, score: 95}\n",
    )
    assert problems(path) == [
        f"{path}:3: assets[0].score: 89 is below the minimum 90",
        f"{path}:4: assets[1].asset_id: 'a-1' is already used by assets[0]; ids must be unique",
        f"{path}:4: assets[1].path: photo.png: is a JPEG file, not a PNG; export it as PNG",
        f"{path}:5: assets[2].path: empty.png: file is empty; export the image as PNG",
        f"{path}:6: assets[3].path: missing.png: no such file",
    ]


def test_more_than_five_assets(tmp_path: Path, write_png) -> None:
    write_png("a.png")
    rows = "".join(f"  - {{asset_id: A-{i}, path: a.png, score: 95, name: n{i}}}\n" for i in range(6))
    path = write(tmp_path, "batch_id: b\nassets:\n" + rows)
    assert problems(path) == [f"{path}:3: assets: 6 assets; a batch holds at most 5"]


def test_norway_problem_keeps_text(tmp_path: Path, write_png) -> None:
    write_png("a.png")
    path = write(tmp_path, "batch_id: b\nassets:\n  - {asset_id: A-1, path: a.png, score: 95, category: no, name: 1.10}\n")
    (asset,) = load_manifest(path).assets
    assert (asset.category, asset.name, asset.slug) == ("no", "1.10", "1-10")


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, "- a\n- b\n")
    assert problems(path) == [f"{path}:1: the top level must be a mapping (batch_id:, assets:)"]
    empty = write(tmp_path, "", "empty.yaml")
    assert problems(empty) == [f"{empty}:1: is empty; write a batch_id and a list of assets"]


def test_extractor_object_form_error_points_at_that_branch(tmp_path: Path, write_png) -> None:
    write_png("a.png")
    path = write(tmp_path, "batch_id: b\nextractor:\n  name: http\n  option: {}\nassets:\n  - {asset_id: A, path: a.png, score: 95}\n")
    assert problems(path) == [f"{path}:4: extractor: unknown key 'option'; did you mean 'options'?"]
