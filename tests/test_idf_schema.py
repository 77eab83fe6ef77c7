"""The IDF schema's ``semantic`` part: what a vision model's reply must fit."""

from __future__ import annotations

import jsonschema
from http_server import FACTS

from batchproc._resources import schema
from batchproc._stages.local_extractor import measure_idf


def test_a_merged_idf_fits_the_schema_and_a_bad_semantic_does_not(write_png) -> None:
    idf = measure_idf(write_png("a.png")).model_dump(mode="json")
    jsonschema.validate({**idf, "semantic": FACTS, "extractor": {"name": "http", "version": "1", "model": "m"}}, schema("idf"))
    errors = jsonschema.Draft202012Validator(schema("idf")).iter_errors({**idf, "semantic": {**FACTS, "mode": "dusky"}})
    best = jsonschema.exceptions.best_match(errors)
    assert (list(best.absolute_path), best.instance) == (["semantic", "mode"], "dusky")
