"""``batchproc extract``: print one image's design facts (IDF) as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from batchproc._rules import png_header
from batchproc._stages.local_extractor import measure_idf
from batchproc.errors import InputError


def extract(image: str) -> int:
    """Measure ``image`` with the local extractor and print its IDF."""
    if not image:
        raise InputError("no file named; give the path of the PNG to measure", where="extract")
    path = Path(image)
    # The same file checks as a manifest's sources get (a device, a folder, a cut-off or
    # corrupt PNG): bad input, exit 2, before any pixel is decoded.
    problem = png_header(path)
    if isinstance(problem, str):
        raise InputError(problem, file=image)
    idf = measure_idf(path)
    print(json.dumps(idf.model_dump(mode="json"), indent=2))
    return 0
