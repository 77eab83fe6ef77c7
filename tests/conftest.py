"""Shared fixtures: real git repositories and real PNG files in temporary folders."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

pytest_plugins = ("http_server",)  # the chat_server fixture: a real OpenAI-compatible server on 127.0.0.1

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "manifests"


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test sees the developer's git identity, cache or plugins."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("BATCHPROC_DISABLE_PLUGIN_AUTOLOAD", "1")
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "GIT_DIR", "GIT_WORK_TREE"):
        monkeypatch.delenv(name, raising=False)
    import pygit2

    for level in (pygit2.enums.ConfigLevel.GLOBAL, pygit2.enums.ConfigLevel.XDG, pygit2.enums.ConfigLevel.SYSTEM):
        pygit2.settings.search_path[level] = str(home)
    return home


def git(repo: Path, *args: str, check: bool = True) -> str:
    """Run the git CLI in ``repo`` and return its output (tests check with the real git)."""
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {result.stderr}")
    return result.stdout


def init_repo(path: Path) -> Path:
    """A new repository at ``path`` (no commit yet) with a local identity."""
    path.mkdir(parents=True)
    git(path, "init", "--quiet", "--initial-branch=main")
    git(path, "config", "user.name", "Dee Signer")
    git(path, "config", "user.email", "dee@example.com")
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """An empty repository (no commit yet) with a local identity."""
    return init_repo(tmp_path / "frontend")


@pytest.fixture
def example_batch(repo: Path) -> Path:
    """The shipped example manifest and its images, copied into ``repo/manifests``."""
    target = repo / "manifests"
    shutil.copytree(EXAMPLES, target)
    return target / "theatrical.yaml"


@pytest.fixture
def write_png(tmp_path: Path) -> Callable[..., Path]:
    """Write a real PNG with Pillow: ``write_png("a.png", size=(64, 64), colour="#102030")``."""
    from PIL import Image

    def write(name: str, *, size: tuple[int, int] = (64, 64), colour: str = "#1a0f1f", mode: str = "RGB") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.new(mode, size, colour).save(path)
        return path

    return write


def corpus() -> Path | None:
    """The shared corpus when BATCHPROC_CORPUS points at it (CI sets it), else None."""
    value = os.environ.get("BATCHPROC_CORPUS")
    return Path(value) if value and Path(value).is_dir() else None
