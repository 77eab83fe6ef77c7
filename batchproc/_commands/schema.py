"""``batchproc schema``: print the manifest (or IDF) JSON Schema."""

from __future__ import annotations

import json

from batchproc._resources import schema as load_schema


def schema(name: str = "manifest") -> int:
    """Print the JSON Schema called ``name``."""
    print(json.dumps(load_schema(name), indent=2))
    return 0
