"""Write schemas/idf.schema.json from the IDF model (tests fail when it is out of date)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from batchproc.models import IDF

TARGET = Path(__file__).resolve().parent.parent / "schemas" / "idf.schema.json"


def idf_schema() -> dict:
    """The IDF model's JSON Schema with the draft and id every schema in schemas/ carries."""
    schema = IDF.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://batchproc.dev/schemas/idf.schema.json",
        **schema,
    }


if __name__ == "__main__":
    TARGET.write_text(json.dumps(idf_schema(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {TARGET}", file=sys.stderr)
