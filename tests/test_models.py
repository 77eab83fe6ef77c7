from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import jsonschema

from batchproc._resources import schema
from batchproc.models import Asset
from conftest import ROOT, EXAMPLES


def load_exporter():
    spec = importlib.util.spec_from_file_location("export_idf_schema", ROOT / "scripts" / "export_idf_schema.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_idf_schema_file_is_up_to_date() -> None:
    assert schema("idf") == load_exporter().idf_schema(), "run: python scripts/export_idf_schema.py"


def test_extracted_idf_is_valid_against_the_schema_file() -> None:
    from batchproc._stages.local_extractor import measure_idf

    idf = measure_idf(EXAMPLES / "images" / "asset-4-masks-specimen.png")
    jsonschema.Draft202012Validator(schema("idf")).validate(json.loads(idf.model_dump_json()))


def test_manifest_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema("manifest"))
    jsonschema.Draft202012Validator.check_schema(schema("idf"))


def test_asset_number_for_commit_messages() -> None:
    def number(asset_id: str) -> str:
        return Asset(asset_id=asset_id, path=Path("/x.png"), source="x.png", score=95, name="x", slug="x", category="c").number

    assert [number("ASSET-3"), number("ASSET-007"), number("hero"), number("v2-b")] == ["3", "7", "hero", "v2-b"]
