"""schemas/idf.schema.json is generated from the IDF model and must not drift from it."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import jsonschema

from batchproc._stages.local_extractor import measure_idf
from conftest import ROOT
from http_server import FACTS


def generator():
    spec = importlib.util.spec_from_file_location("make_idf_schema", ROOT / "scripts/make_idf_schema.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_schema_file_is_up_to_date() -> None:
    assert (ROOT / "schemas/idf.schema.json").read_text(encoding="utf-8") == generator().text(), (
        "run: python scripts/make_idf_schema.py"
    )


def test_batchproc_schema_idf_prints_it() -> None:
    result = subprocess.run([sys.executable, "-m", "batchproc", "schema", "idf"], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == generator().generate()


def test_a_merged_idf_fits_the_schema_and_a_bad_semantic_does_not(write_png) -> None:
    schema = generator().generate()
    idf = measure_idf(write_png("a.png")).model_dump(mode="json")
    jsonschema.validate({**idf, "semantic": FACTS}, schema)
    errors = jsonschema.Draft202012Validator(schema).iter_errors({**idf, "semantic": {**FACTS, "mode": "dusky"}})
    best = jsonschema.exceptions.best_match(errors)
    assert (list(best.absolute_path), best.instance) == (["semantic", "mode"], "dusky")
