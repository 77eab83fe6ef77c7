"""``batchproc extract``: print one image's design facts (IDF) as JSON."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from batchproc._stages.local_extractor import measure_idf
from batchproc.errors import InputError


def extract(image: str) -> int:
    """Measure ``image`` with the local extractor and print its IDF."""
    path = Path(image)
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):
        mode = None  # missing or unreadable: the extractor says so in its own words
    if mode is not None and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        # /dev/zero or a pipe: reading it whole would never end
        raise InputError("is not a regular file (a device or a pipe); point at the PNG file", file=image)
    idf = measure_idf(path)
    print(json.dumps(idf.model_dump(mode="json"), indent=2))
    return 0
