"""Entry-point plugins: the example package installed with pip, and broken plugins, each one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from batchproc._cli import main
from batchproc._plugins import make_plugin_manager
from conftest import ROOT, git

EXAMPLE = ROOT / "examples" / "batchproc-webp"
BUILTINS = ["local_extractor", "http_extractor", "placement", "package_docs", "design_tokens", "public_copy", "git_commit"]


@pytest.fixture(scope="session")
def webp_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example plugin installed by pip (a real wheel build) into a folder of its own.

    A folder rather than the test venv, so the suite never changes the environment it runs
    in and works from any venv with the test extras (hatchling is one, hence no network).
    """
    target = tmp_path_factory.mktemp("site-packages")
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index"]
    result = subprocess.run([*command, "--target", str(target), str(EXAMPLE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return target


@pytest.fixture
def with_webp(webp_site: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Autoload on, and the example plugin's folder on the path (this process and children)."""
    monkeypatch.delenv("BATCHPROC_DISABLE_PLUGIN_AUTOLOAD")
    monkeypatch.syspath_prepend(str(webp_site))
    monkeypatch.setenv("PYTHONPATH", str(webp_site))
    return webp_site


def fake_distribution(site: Path, dist: str, module: str, source: str, *, entry_point: str | None = None) -> None:
    """An installed distribution as importlib.metadata sees one: a module and its dist-info."""
    site.mkdir(exist_ok=True)
    (site / f"{module}.py").write_text(source, encoding="utf-8")
    info = site / f"{dist.replace('-', '_')}-1.2.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.2\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[batchproc]\n{entry_point or module} = {module}\n", encoding="utf-8")


def test_plugins_lists_the_installed_example_with_its_distribution(with_webp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["name"] for row in rows] == [*BUILTINS, "webp"]
    assert rows[-1] == {
        "name": "webp",
        "distribution": "batchproc-webp",
        "version": "0.3.0",
        "builtin": False,
        "hooks": ["batchproc_extract", "batchproc_extractors", "batchproc_public_path", "batchproc_render_files", "batchproc_report"],
        "extractors": ["average"],
    }
    assert rows[0]["distribution"] == "batchproc" and rows[0]["builtin"] is True
    assert main(["plugins"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "webp             batchproc-webp 0.3.0     batchproc_extract, batchproc_extractors, batchproc_public_path, "
        "batchproc_render_files, batchproc_report (extractors: average)"
    )


def test_autoload_off_leaves_the_example_out(webp_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(webp_site))
    assert [name for name, _ in make_plugin_manager().list_name_plugin()] == BUILTINS  # conftest turns autoload off
    first, second = make_plugin_manager(autoload=True), make_plugin_manager(autoload=True)
    assert first is not second and first.get_plugin("webp") is not None  # a fresh manager per run
    first.unregister(name="webp")
    assert second.get_plugin("webp") is not None


def test_example_plugin_through_the_cli(with_webp: Path, repo: Path, write_png) -> None:  # type: ignore[no-untyped-def]
    """Extractor chosen by name, a WebP copy in every package, Open Graph placement, the report read."""
    write_png("frontend/manifests/plum.png", size=(40, 20), colour="#3b1030")
    write_png("frontend/manifests/card.png", size=(60, 30), colour="#f3d98b")
    (repo / "manifests/batch.yaml").write_text(
        "batch_id: batch-webp\ntitle: WebP\nextractor: average\nassets:\n"
        "  - {asset_id: A-1, path: plum.png, score: 93, name: Plum, category: wallpapers}\n"
        "  - {asset_id: A-2, path: card.png, score: 90, name: Launch Card, category: social}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "batchproc", "apply", "manifests/batch.yaml", "--quiet"], cwd=repo, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == "batchproc-webp: 2 WebP copies in batch batch-webp (committed)\n"
    assert git(repo, "show", "--name-only", "--format=", "HEAD").splitlines() == [
        "assets/A-1-plum/context.md",
        "assets/A-1-plum/tokens.json",
        "assets/A-1-plum/usage.md",
        "assets/A-2-launch-card/context.md",
        "assets/A-2-launch-card/tokens.json",
        "assets/A-2-launch-card/usage.md",
        "frontend/public/assets/wallpapers/texture-dark-plum-40.png",
        "frontend/public/assets/wallpapers/texture-dark-plum-40.webp",
        "frontend/public/og/launch-card-60x30.png",
        "frontend/public/og/launch-card-60x30.webp",
    ]
    webp = repo / "frontend/public/og/launch-card-60x30.webp"
    assert webp.read_bytes()[:4] == b"RIFF" and webp.read_bytes()[8:12] == b"WEBP"
    tokens = json.loads((repo / "assets/A-1-plum/tokens.json").read_text())
    assert tokens["plum"]["color"]["background"]["$value"]["hex"] == "#3b1030"
    assert tokens["plum"]["$extensions"]["dev.batchproc"]["extractor"] == {"name": "average", "version": "0.3.0+mean.1"}


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "import batchproc_no_such_dependency\n",
            "cannot be imported: ModuleNotFoundError: No module named 'batchproc_no_such_dependency'; fix or uninstall broken-dist",
        ),
        (
            "from batchproc import hookimpl\n@hookimpl\ndef batchproc_render_file(asset):\n    return []\n",
            "implements batchproc_render_file, which is not a batchproc hook; did you mean batchproc_render_files?",
        ),
        (
            "from batchproc import hookimpl\n@hookimpl\ndef batchproc_public_path(asset, size):\n    return None\n",
            "batchproc_public_path takes 'size', which the hook does not pass; it may take any of: asset, idf, manifest",
        ),
        (
            "def batchproc_report(report):\n    print(report)\n",
            "batchproc_report is not decorated with @batchproc.hookimpl, so it would never be called",
        ),
    ],
    ids=["import-error", "unknown-hook", "wrong-signature", "no-marker"],
)
def test_a_broken_plugin_is_one_line_naming_it_and_its_distribution(
    source: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest
) -> None:
    module = f"broken_{request.node.callspec.id.replace('-', '_')}"
    fake_distribution(tmp_path / "site", "broken-dist", module, source, entry_point="broken")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.delenv("BATCHPROC_DISABLE_PLUGIN_AUTOLOAD")
    assert main(["plugins"]) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", f"error: plugin 'broken' (broken-dist 1.2): {message}\n")


def test_a_broken_plugin_passed_by_a_caller_is_named_too() -> None:
    from batchproc import InputError, hookimpl

    class Typo:
        @hookimpl
        def batchproc_comit(self, files):  # type: ignore[no-untyped-def]
            return None

    with pytest.raises(InputError) as caught:
        make_plugin_manager([Typo()])
    assert str(caught.value) == "plugin 'Typo': implements batchproc_comit, which is not a batchproc hook; did you mean batchproc_commit?"
