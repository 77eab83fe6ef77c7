"""Structural promises: no git subprocess, one importer per heavy dependency, a clean public API."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import batchproc

PACKAGE = Path(batchproc.__file__).resolve().parent

OWNERS = {
    "PIL": {"_imaging.py"},
    "jinja2": {"_stages/package_docs.py"},
    "pygit2": {"_gitrepo.py"},
    "yaml": {"_yaml.py"},
    "rich": {"_console.py"},
    "httpx": {"_stages/http_extractor.py"},
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def package_modules() -> dict[str, set[str]]:
    return {path.relative_to(PACKAGE).as_posix(): imported_modules(path) for path in PACKAGE.rglob("*.py")}


def test_no_subprocess_or_git_cli_in_the_package() -> None:
    offenders = [name for name, imports in package_modules().items() if imports & {"subprocess", "sh", "pexpect"}]
    assert offenders == []


def test_each_heavy_dependency_has_exactly_one_importer() -> None:
    modules = package_modules()
    for dependency, owners in OWNERS.items():
        importers = {name for name, imports in modules.items() if dependency in imports}
        assert importers == owners, dependency


def test_public_api_is_explicit() -> None:
    for name in batchproc.__all__:
        assert getattr(batchproc, name) is not None
    assert all(not name.startswith("_") or name == "__version__" for name in batchproc.__all__)


def test_importing_batchproc_loads_no_heavy_dependency() -> None:
    code = "import sys, batchproc; print(sorted(m for m in ('PIL', 'jinja2', 'pygit2', 'httpx', 'rich', 'trio') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"


def test_a_local_batch_never_imports_the_http_client() -> None:
    """httpx costs tens of milliseconds to import; only the http extractor's requests need it."""
    code = (
        "import sys; from batchproc._plugins import make_plugin_manager; make_plugin_manager(); "
        "print('httpx' in sys.modules)"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "False"
