"""Write schemas/idf.schema.json from the pydantic IDF model: the model is the one definition.

    python scripts/make_idf_schema.py        # rewrite the file
    python scripts/make_idf_schema.py --check  # exit 1 when the file is out of date

tests/test_idf_schema.py fails when someone changes the model and forgets to run this.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from batchproc.models import IDF

TARGET = Path(__file__).resolve().parent.parent / "schemas" / "idf.schema.json"


def generate() -> dict[str, Any]:
    """The IDF's JSON Schema (Draft 2020-12), as batchproc ships it."""
    body = IDF.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://batchproc.dev/schemas/idf.schema.json",
        **body,
    }


def text() -> str:
    """The file's exact contents."""
    return json.dumps(generate(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    if "--check" in argv:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text():
            print(f"{TARGET.name} is out of date; run python scripts/make_idf_schema.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
