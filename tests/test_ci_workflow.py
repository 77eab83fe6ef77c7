"""docs/ci.md's workflow, run for real: its shell steps against a real origin and clone."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from batchproc import _yaml
from conftest import ROOT, git

WORKFLOW = ROOT / "docs" / "examples" / "batchproc.yml"
DOC = ROOT / "docs" / "ci.md"
MANIFEST = "batch_id: autumn\ntitle: Autumn\nassets:\n  - {asset_id: ASSET-7, path: images/leaf.png, score: 93, name: Leaf}\n"


def steps(job: str) -> list[dict]:
    workflow = _yaml.load(WORKFLOW.read_text(encoding="utf-8"), file=str(WORKFLOW)).data
    return workflow["jobs"][job]["steps"]


def bash(script: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """A step's ``run:`` as the runner runs it (bash -e), batchproc and python on PATH."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(["bash", "-e", "-c", script], cwd=cwd, capture_output=True, text=True, env={**os.environ, "PATH": path, **env})


@pytest.fixture
def clone(tmp_path: Path, write_png) -> Path:  # type: ignore[no-untyped-def]
    """A frontend repository with a bare origin, as actions/checkout leaves it (on main)."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(origin))
    work = tmp_path / "frontend"
    git(tmp_path, "clone", "--quiet", str(origin), str(work))
    git(work, "config", "user.name", "Dee Signer")
    git(work, "config", "user.email", "dee@example.com")
    (work / "package.json").write_text("{}\n", encoding="utf-8")
    ini = re.search(r"```ini\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert ini is not None
    (work / "pytest.ini").write_text(ini.group(1), encoding="utf-8")
    write_png("frontend/manifests/images/leaf.png", size=(24, 24), colour="#b5651d")
    git(work, "add", ".")
    git(work, "commit", "--quiet", "-m", "start")
    git(work, "push", "--quiet", "origin", "main")
    return work


def test_the_doc_shows_the_workflow_file_verbatim() -> None:
    assert f"```yaml\n{WORKFLOW.read_text(encoding='utf-8')}```" in DOC.read_text(encoding="utf-8")
    assert [step.get("name") for step in steps("ship")][-2:] == ["Apply the changed manifests", "Push the asset commits"]


def test_check_job_runs_pytest_on_the_manifests(clone: Path) -> None:
    (run,) = [step["run"] for step in steps("check") if "pytest" in step.get("run", "") and "pip" not in step["run"]]
    (clone / "manifests/autumn.yaml").write_text(MANIFEST, encoding="utf-8")
    (clone / "manifests/winter.yaml").write_text(MANIFEST.replace("autumn", "winter").replace("93", "88"), encoding="utf-8")
    result = bash(run, clone, PYTEST_ADDOPTS="-p no:hypothesispytest")  # hypothesis costs 2 s at exit; not under test
    assert result.returncode == 1
    assert re.match(r"^=+ 1 failed, 3 passed in ", result.stdout.splitlines()[-1])
    assert "manifests/winter.yaml:4: assets[0].score: 88 is below the minimum 90" in result.stdout.splitlines()


def test_ship_job_applies_the_changed_manifest_and_pushes(clone: Path) -> None:
    before = git(clone, "rev-parse", "HEAD").strip()
    (clone / "manifests/autumn.yaml").write_text(MANIFEST, encoding="utf-8")
    git(clone, "add", ".")
    git(clone, "commit", "--quiet", "-m", "Add the autumn batch (#12)")
    git(clone, "push", "--quiet", "origin", "main")  # the merge that triggers the job
    for step in steps("ship")[-2:]:
        env = {"BEFORE": before} if "BEFORE" in step.get("env", {}) else {}
        result = bash(step["run"], clone, **env)
        assert result.returncode == 0, result.stderr
    origin = clone.parent / "origin.git"
    assert git(origin, "log", "--format=%s %an", "main").splitlines() == [
        "feat(assets): Add batch Autumn - Assets 7 github-actions[bot]",
        "Add the autumn batch (#12) Dee Signer",
        "start Dee Signer",
    ]
    assert git(origin, "show", "--name-only", "--format=", "main").splitlines() == [
        "assets/ASSET-7-leaf/context.md",
        "assets/ASSET-7-leaf/tokens.json",
        "assets/ASSET-7-leaf/usage.md",
        "frontend/public/assets/specimens/leaf-24.png",
    ]
    applied = git(clone, "rev-parse", "HEAD~1").strip()  # a re-run after the commit: no manifest changed since
    again = bash(steps("ship")[-2]["run"], clone, BEFORE=applied)
    assert again.stdout == f"No manifests changed since {applied}; nothing to apply.\n"


def test_ship_job_on_a_push_with_no_manifest_change_does_nothing(clone: Path) -> None:
    before = git(clone, "rev-parse", "HEAD").strip()
    shutil.copy(clone / "package.json", clone / "package.lock")
    git(clone, "add", ".")
    git(clone, "commit", "--quiet", "-m", "unrelated")
    result = bash(steps("ship")[-2]["run"], clone, BEFORE=before)
    assert (result.returncode, result.stdout) == (0, f"No manifests changed since {before}; nothing to apply.\n")
