"""tokens.json as real token tools read it: Style Dictionary 5 and Terrazzo, from npm.

The tools come from tests/js (package.json and package-lock.json; ``make test`` runs
``npm ci --prefix tests/js`` when npm exists, and this module runs it itself when the folder
has no node_modules yet). Without Node.js these tests are skipped, saying so.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

from batchproc._cli import main

JS = ROOT / "tests" / "js"
BIN = JS / "node_modules" / ".bin"

VELVET = {  # every colour variable of the velvet curtain, as measured from the example PNG
    "--velvet-curtain-color-background": "#1a0f1f",
    "--velvet-curtain-color-text": "#f3d98b",
    "--velvet-curtain-color-palette-1": "#1a0f1f",
    "--velvet-curtain-color-palette-2": "#a3162e",
    "--velvet-curtain-color-palette-3": "#6e0f22",
    "--velvet-curtain-color-palette-4": "#d4a537",
    "--velvet-curtain-color-palette-5": "#1f8a8a",
    "--velvet-curtain-color-palette-6": "#f3d98b",
}
BACKGROUNDS = {
    "--velvet-curtain-color-background": "#1a0f1f",
    "--comedy-and-tragedy-masks-color-background": "#160b1e",
    "--spotlight-color-background": "#1f0d1a",
}


@pytest.fixture(scope="module")
def tools() -> Path:
    """tests/js/node_modules/.bin, installed from the lock file if it is not there yet."""
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed: Style Dictionary and Terrazzo cannot run here")
    if not (BIN / "style-dictionary").exists() or not (BIN / "tz").exists():
        if shutil.which("npm") is None:
            pytest.skip("npm is not installed: cannot install Style Dictionary and Terrazzo from tests/js")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(JS)], check=True, capture_output=True)
    return BIN


@pytest.fixture
def token_files(repo: Path, example_batch: Path) -> list[Path]:
    assert main(["apply", str(example_batch)]) == 0
    return sorted(repo.glob("assets/*/tokens.json"))


def variables(css: str) -> dict[str, str]:
    return dict(re.findall(r"^\s*(--[\w-]+):\s*([^;]+);", css, flags=re.MULTILINE))


def run(command: list[str], cwd: Path) -> str:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return output


def expected_from(token_files: list[Path]) -> dict[str, str]:
    """Every colour token's hex, under the CSS variable name both tools derive from its path."""
    names = {}
    for path in token_files:
        for group, tree in json.loads(path.read_text()).items():
            for name, token in tree["color"].items():
                if not name.startswith("$"):
                    names[f"--{group}-color-{name}"] = token["$value"]["hex"]
    return names


def test_style_dictionary_builds_css_variables(tools: Path, token_files: list[Path], tmp_path: Path) -> None:
    config = {
        "source": [str(path) for path in token_files],
        "log": {"warnings": "error", "verbosity": "verbose"},  # any warning fails the build
        "platforms": {
            "css": {
                "transformGroup": "css",
                "buildPath": f"{tmp_path}/out/",
                "files": [{"destination": "variables.css", "format": "css/variables"}],
            }
        },
    }
    (tmp_path / "config.json").write_text(json.dumps(config))
    output = run([str(tools / "style-dictionary"), "build", "--config", "config.json"], tmp_path)
    assert "warn" not in output.lower(), output
    built = variables((tmp_path / "out" / "variables.css").read_text())
    assert {name: built[name] for name in VELVET} == VELVET
    assert {name: built[name] for name in BACKGROUNDS} == BACKGROUNDS
    assert {name: value for name, value in built.items() if "-color-" in name} == expected_from(token_files)
    assert built["--spotlight-size-width"] == "512px"


def test_terrazzo_builds_css_variables(tools: Path, token_files: list[Path], tmp_path: Path) -> None:
    plugin = JS / "node_modules" / "@terrazzo" / "plugin-css" / "dist" / "index.js"
    config = f"""import css from {json.dumps(plugin.as_uri())};
export default {{
  tokens: {json.dumps([str(path) for path in token_files])},
  outDir: {json.dumps(str(tmp_path / "out") + "/")},
  plugins: [css({{ filename: "tokens.css", legacyHex: true }})],
}};
"""
    (tmp_path / "terrazzo.config.mjs").write_text(config)
    output = run([str(tools / "tz"), "build", "--config", "terrazzo.config.mjs"], tmp_path)
    assert "warn" not in output.lower() and "⚠" not in output, output
    built = variables((tmp_path / "out" / "tokens.css").read_text())
    assert {name: built[name] for name in VELVET} == VELVET
    assert {name: built[name] for name in BACKGROUNDS} == BACKGROUNDS
    assert {name: value for name, value in built.items() if "-color-" in name} == expected_from(token_files)
    assert built["--spotlight-size-width"] == "512px"


def test_two_assets_with_one_token_group_are_refused(repo: Path, example_batch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = example_batch.read_text().replace("name: Spotlight", "name: Velvet  curtain!")
    example_batch.write_text(text)
    assert main(["validate", str(example_batch)]) == 2
    line = text.splitlines().index("  - asset_id: ASSET-6") + 1
    assert capsys.readouterr().out.splitlines() == [
        f"{example_batch}:{line}: assets[2].name: token group 'velvet-curtain' is already assets[0]'s; "
        "their CSS variables would collide, so give one of them another name"
    ]
