"""Every file of the shared corpus extracts to a schema-valid IDF or fails with one clean line.

Runs when BATCHPROC_CORPUS names the corpus folder (.ci/run sets it); without it there is
nothing to run and the tests say so. Exit codes: 2 when the file is not a usable PNG (its
signature or header is wrong: ``validate`` catches these too), 1 when the header is fine but the
image data cannot be decoded (only extraction finds that). Either way stdout stays empty.
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
from pathlib import Path

import jsonschema
import pytest

from batchproc._cli import main
from batchproc._resources import schema
from batchproc._rules import png_header
from batchproc.models import IDF
from conftest import corpus

FOLDERS = ("pngsuite", "design", "odd")
CORPUS = corpus()
needs_corpus = pytest.mark.skipif(CORPUS is None, reason="BATCHPROC_CORPUS is not set (CI sets it)")


def corpus_files() -> list[Path]:
    assert CORPUS is not None
    return sorted(path for folder in FOLDERS for path in (CORPUS / folder).iterdir() if path.is_file())


def check(path: Path, code: int, out: str, err: str) -> str:
    """One file's outcome: 'ok' with a valid IDF on stdout, or 'failed' with one error line."""
    assert "Traceback" not in err and "This is a bug" not in err, f"{path.name} crashed:\n{err}"
    if code == 0:
        facts = json.loads(out)
        jsonschema.Draft202012Validator(schema("idf")).validate(facts)
        IDF.model_validate(facts)
        assert err == ""
        return "ok"
    # A file whose structure is broken (signature, header, chunks) is bad input, refused before
    # decoding (exit 2); one whose structure holds but whose pixels cannot be decoded fails (1).
    assert code == (2 if isinstance(png_header(path), str) else 1), f"{path.name}: exit {code}"
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}: "), f"{path.name}: {err!r}"
    return "failed"


@needs_corpus
def test_every_corpus_file_extracts_or_fails_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    outcomes: dict[str, str] = {}
    for path in corpus_files():
        code = main(["extract", str(path)])
        captured = capsys.readouterr()
        outcomes[f"{path.parent.name}/{path.name}"] = check(path, code, captured.out, captured.err)
    pngsuite = {name: outcome for name, outcome in outcomes.items() if name.startswith("pngsuite/")}
    # PngSuite's x*.png files are its corrupt ones; every other file is a valid PNG.
    assert {name for name, outcome in pngsuite.items() if outcome == "failed"} == {
        name for name in pngsuite if name.startswith("pngsuite/x")
    }
    assert [name for name, outcome in outcomes.items() if name.startswith("design/") and outcome != "ok"] == []
    assert len(pngsuite) == 175 and len(outcomes) >= 230


@needs_corpus
@pytest.mark.parametrize(
    "name",
    ["pngsuite/basn0g16.png", "pngsuite/xcsn0g01.png", "odd/jpeg-content-named-png.png", "odd/zero-length.png"],
)
def test_installed_console_script(name: str) -> None:
    assert CORPUS is not None
    path = CORPUS / name
    script = Path(sysconfig.get_path("scripts")) / "batchproc"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "batchproc"]
    result = subprocess.run([*command, "extract", str(path)], capture_output=True, text=True, timeout=60)
    check(path, result.returncode, result.stdout, result.stderr)
