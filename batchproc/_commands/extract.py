"""``batchproc extract``: print one image's design facts (IDF) as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from batchproc._stages.local_extractor import measure_idf


def extract(image: str) -> int:
    """Measure ``image`` with the local extractor and print its IDF."""
    idf = measure_idf(Path(image))
    print(json.dumps(idf.model_dump(mode="json"), indent=2))
    return 0
