"""The pytest plugin, run by pytester in a temporary project: manifests become tests."""

from __future__ import annotations

import importlib

import pytest

from conftest import git
from pngbytes import damage_idat
from test_hooks import MANIFEST

pytest_plugins = ["pytester"]

GOOD = MANIFEST.format(extractor="local")  # two assets, ASSET-1 at line 5 and ASSET-2 at line 10


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A project with two real PNGs in manifests/images and pytest's cache off."""
    from PIL import Image

    # pytester drops modules first imported during an in-process run; importing batchproc's
    # stages here keeps them, so each run does not pay for pydantic, jinja2 and Pillow again.
    from batchproc import _imaging, _manifest_checks, _plugins  # noqa: F401

    for name in _plugins.BUILTIN_PLUGINS:
        importlib.import_module(name)

    (pytester.path / "manifests/images").mkdir(parents=True)
    Image.new("RGB", (32, 32), "#3b1030").save(pytester.path / "manifests/images/plum.png")
    Image.new("RGB", (48, 48), "#d4a537").save(pytester.path / "manifests/images/gold.png")
    pytester.makeini("[pytest]\naddopts = -p no:cacheprovider -p no:hypothesispytest\n")
    return pytester


def write(project: pytest.Pytester, text: str, name: str = "manifests/batch.yaml") -> None:
    (project.path / name).write_text(text, encoding="utf-8")


def failures(result: pytest.RunResult) -> list[str]:
    """The lines of the FAILURES section, without pytest's ___ headers."""
    lines = result.stdout.lines
    start = lines.index(next(line for line in lines if "FAILURES" in line)) + 1
    end = lines.index(next(line for line in lines if "short test summary info" in line))
    return [line for line in lines[start:end] if not line.startswith("___")]


def test_a_good_manifest_is_one_test_per_asset_plus_the_manifest(project: pytest.Pytester) -> None:
    write(project, GOOD)
    result = project.runpytest("-v")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        ["manifests/batch.yaml::manifest PASSED*", "manifests/batch.yaml::ASSET-1 PASSED*", "manifests/batch.yaml::ASSET-2 PASSED*"]
    )


def test_schema_problems_fail_the_manifest_at_their_lines(project: pytest.Pytester) -> None:
    write(project, GOOD.replace("score: 95", "score: high").replace("title: Hooks\n", "title: Hooks\nlimts: {}\n"))
    result = project.runpytest("-rs")
    result.assert_outcomes(failed=2, skipped=1)
    assert failures(result) == [
        "manifests/batch.yaml:3: unknown key 'limts'; did you mean 'limits'?",
        "manifests/batch.yaml:8: assets[0].score: expected a number, got 'high'",
    ]
    result.stdout.fnmatch_lines(["SKIPPED [1] manifests/batch.yaml:11: not checked: manifests/batch.yaml has problems; see manifests/batch.yaml::manifest"])
    assert "Traceback" not in result.stdout.str()


def test_rule_problems_fail_their_asset_at_the_manifest_line(project: pytest.Pytester) -> None:
    write(project, GOOD.replace("score: 95", "score: 89").replace("images/gold.png", "images/gone.png"))
    result = project.runpytest()
    result.assert_outcomes(passed=1, failed=2)
    assert failures(result) == [
        "manifests/batch.yaml:7: assets[0].score: 89 is below the minimum 90",
        "manifests/batch.yaml:11: assets[1].path: images/gone.png: no such file",
    ]
    # pytest shortens the summary line to the terminal's width, except in CI (CI=true): both fit.
    summary = "FAILED manifests/batch.yaml::ASSET-1 - manifests/batch.yaml:7: assets[0].scor"
    assert any(line.startswith(summary) for line in result.stdout.lines)


def test_an_asset_is_skipped_with_its_line_while_the_manifest_does_not_load(project: pytest.Pytester) -> None:
    write(project, GOOD.replace("score: 95", "score: 89"))
    result = project.runpytest("-rs")
    result.assert_outcomes(passed=1, failed=1, skipped=1)
    result.stdout.fnmatch_lines(
        ["SKIPPED [1] manifests/batch.yaml:10: not checked: manifests/batch.yaml does not load until the other assets' problems are fixed"]
    )


def test_the_dry_run_finds_a_png_that_does_not_decode(project: pytest.Pytester) -> None:
    gold = project.path / "manifests/images/gold.png"
    # Header and chunk CRCs intact, compressed pixels broken: only decoding (the dry run) notices.
    gold.write_bytes(damage_idat(gold.read_bytes(), fix_crc=True))
    write(project, GOOD)
    result = project.runpytest()
    result.assert_outcomes(passed=2, failed=1)
    (line,) = failures(result)
    assert line.startswith("manifests/batch.yaml:10: ASSET-2: images/gold.png: cannot decode the image (")


def test_the_dry_run_finds_targets_that_collide_after_naming(project: pytest.Pytester) -> None:
    # {purpose} is only known once measured (specs, else the extractor, else "icon"), so only
    # the dry run can see that both assets end up at one path.
    naming = 'naming: {specimens: "hero-{purpose}.png"}'
    write(project, GOOD.replace("category: patterns", "category: specimens").replace("title: Hooks\n", f"title: Hooks\n{naming}\n"))
    result = project.runpytest()
    result.assert_outcomes(passed=1, failed=2)
    target = "frontend/public/assets/specimens/hero-icon.png"
    assert failures(result) == [
        f"manifests/batch.yaml:6: ASSET-1: {target} is also a target of ASSET-2; give one of them another name",
        f"manifests/batch.yaml:11: ASSET-2: {target} is also a target of ASSET-1; give one of them another name",
    ]


def test_the_dry_run_writes_nothing_to_the_repository(project: pytest.Pytester) -> None:
    write(project, GOOD)
    git(project.path, "init", "--quiet", "--initial-branch=main")
    git(project.path, "add", ".")
    git(project.path, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "--quiet", "-m", "batch")
    project.runpytest().assert_outcomes(passed=3)
    assert git(project.path, "status", "--porcelain", "--untracked-files=all") == ""
    assert git(project.path, "rev-list", "--count", "HEAD") == "1\n"


def test_the_ini_option_names_the_manifests(project: pytest.Pytester) -> None:
    write(project, GOOD)  # manifests/*.yaml: not matched once the option is set
    (project.path / "batches").mkdir()
    write(project, GOOD.replace("images/", "../manifests/images/"), "batches/one.json.yaml")
    write(project, '{"batch_id": "b", "assets": [{"asset_id": "A-9", "path": "../manifests/images/plum.png", "score": 90}]}', "batches/seed.json")
    project.makeini("[pytest]\naddopts = -p no:cacheprovider -p no:hypothesispytest\nbatchproc_manifests = batches/*.json batches/*.json.yaml\n")
    result = project.runpytest("--collect-only", "-q")
    assert result.stdout.lines[:5] == [
        "batches/one.json.yaml::manifest",
        "batches/one.json.yaml::ASSET-1",
        "batches/one.json.yaml::ASSET-2",
        "batches/seed.json::manifest",
        "batches/seed.json::A-9",
    ]


def test_a_repeated_asset_id_is_named_by_its_place(project: pytest.Pytester) -> None:
    write(project, GOOD.replace("ASSET-2", "ASSET-1"))
    result = project.runpytest("-v")
    result.assert_outcomes(passed=1, failed=1, skipped=1)
    result.stdout.fnmatch_lines(["manifests/batch.yaml::manifest PASSED*", "manifests/batch.yaml::ASSET-1 SKIPPED*", "manifests/batch.yaml::assets?1? FAILED*"])
    assert failures(result) == ["manifests/batch.yaml:10: assets[1].asset_id: 'ASSET-1' is already used by assets[0]; ids must be unique"]


def test_an_unknown_extractor_fails_the_manifest_check(project: pytest.Pytester) -> None:
    write(project, MANIFEST.format(extractor="avrage"))
    result = project.runpytest()
    result.assert_outcomes(failed=1, skipped=2)
    assert failures(result) == ["manifests/batch.yaml: extractor: no extractor named 'avrage'; installed: http, local"]


def test_an_absolute_glob_is_a_usage_error(project: pytest.Pytester) -> None:
    project.makeini(f"[pytest]\naddopts = -p no:cacheprovider -p no:hypothesispytest\nbatchproc_manifests = {project.path}/m/*.yaml\n")
    write(project, GOOD)
    result = project.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert f"ERROR: batchproc_manifests: {project.path}/m/*.yaml must be relative to the rootdir ({project.path})" in result.stderr.lines


def test_unused_it_loads_no_batchproc_module(pytester: pytest.Pytester) -> None:
    """In a project without manifests the plugin is registered but imports nothing of batchproc."""
    pytester.makepyfile(
        test_plain="""
        import sys

        def test_nothing_loaded():
            heavy = ("batchproc", "pydantic", "yaml", "jinja2", "pygit2", "PIL", "jsonschema", "httpx", "rich")
            loaded = sorted(name for name in sys.modules if name.split(".")[0] in heavy)
            assert loaded == ["batchproc", "batchproc.pytest_plugin"]
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:hypothesispytest")
    result.assert_outcomes(passed=1)
