"""The http extractor's options: one line per bad option with the manifest path, exit 2, before any request."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT
from http_server import ChatServer

from batchproc._cli import main
from batchproc._manifest import load_manifest
from batchproc._remote.options import DEFAULT_PROMPT, HttpOptions, load_options, prompt_template, render_prompt
from batchproc.errors import InputError


def manifest_with(tmp_path: Path, write_png, options: str) -> Path:
    write_png("a.png")
    path = tmp_path / "batch.yaml"
    path.write_text(
        "batch_id: b\nextractor:\n  name: http\n  options:\n" + options + "assets:\n  - {asset_id: A-1, path: a.png, score: 95}\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("options", "line"),
    [
        ("    base_url: http://x/v1\n    model: m\n    timeout: soon\n", "7: extractor.options.timeout: expected a number, got 'soon'"),
        (
            "    base_url: ftp://x\n    model: m\n",
            "5: extractor.options.base_url: 'ftp://x' is not allowed here; an http:// or https:// URL such as http://localhost:11434/v1",
        ),
        (
            "    base_url: http://x/v1\n    model: m\n    api_key_env: sk-live-abc123\n",
            "7: extractor.options.api_key_env: is not the NAME of an environment variable "
            "(capitals, digits and '_', such as GEMINI_API_KEY)",
        ),
        ("    model: m\n", "5: extractor.options: missing required key 'base_url'"),
        (
            "    base_url: http://x/v1\n    model: m\n    max_concurency: 2\n",
            "7: extractor.options: unknown key 'max_concurency'; did you mean 'max_concurrency'?",
        ),
        ("    base_url: http://x/v1\n    model: m\n    deadline: 0\n", "7: extractor.options.deadline: 0 must be more than 0"),
        ("    base_url: http://x/v1\n    model: m\n    retries: 11\n", "7: extractor.options.retries: 11 is above the maximum 10"),
    ],
    ids=["timeout-text", "ftp-url", "key-not-name", "no-base-url", "typo", "zero-deadline", "too-many-retries"],
)
def test_a_bad_option_is_one_line_with_the_manifest_line(tmp_path: Path, write_png, capsys, options: str, line: str) -> None:
    path = manifest_with(tmp_path, write_png, options)
    assert main(["validate", str(path)]) == 2
    assert capsys.readouterr().out == f"{path}:{line}\n"
    assert main(["apply", str(path), "-q"]) == 2
    assert capsys.readouterr().err == f"error: {path}:{line}\n"


@pytest.mark.parametrize(
    ("options", "line"),
    [
        (
            "    base_url: http://x/v1\n    model: m\n    prompt: hi\n    prompt_file: p.txt\n",
            "extractor.options: give prompt or prompt_file, not both",
        ),
        ("    base_url: http://x/v1\n    model: m\n    prompt_file: prompts/p.txt\n", "extractor.options.prompt_file: prompts/p.txt: no such file"),
        (
            "    base_url: http://x/v1\n    model: m\n    prompt: Describe $thing.\n",
            "extractor.options.prompt: unknown placeholder $thing; use $asset_id, $name, $slug, $category, $specs "
            "(and $$ for a dollar sign)",
        ),
    ],
    ids=["two-prompts", "missing-prompt-file", "unknown-placeholder"],
)
def test_prompt_problems_stop_apply_before_any_request(
    tmp_path: Path, write_png, capsys, chat_server: ChatServer, options: str, line: str
) -> None:
    path = manifest_with(tmp_path, write_png, options.replace("http://x/v1", chat_server.base_url))
    assert main(["apply", str(path), "-q"]) == 2
    assert capsys.readouterr().err == f"error: {path}: {line}\n"
    assert main(["validate", str(path)]) == 2
    assert capsys.readouterr().out == f"{path}: {line}\n"
    assert chat_server.count == 0


def test_the_string_form_needs_options(tmp_path: Path, write_png, capsys) -> None:
    write_png("a.png")
    path = tmp_path / "batch.yaml"
    path.write_text("batch_id: b\nextractor: http\nassets:\n  - {asset_id: A-1, path: a.png, score: 95}\n")
    assert main(["validate", str(path)]) == 2
    assert capsys.readouterr().out == (
        f"{path}: extractor.options: missing required key 'base_url'\n{path}: extractor.options: missing required key 'model'\n"
    )


def test_a_prompt_file_is_read_relative_to_the_manifest(tmp_path: Path, write_png) -> None:
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts/vision.txt").write_text("Name the motifs of $name ($asset_id, $category); $$5 budget.\n")
    manifest = load_manifest(manifest_with(tmp_path, write_png, "    base_url: http://x/v1\n    model: m\n    prompt_file: prompts/vision.txt\n"))
    options = load_options(manifest)
    assert (options.endpoint, options.timeout, options.retries, options.max_concurrency) == ("http://x/v1/chat/completions", 30.0, 3, 5)
    assert render_prompt(prompt_template(options, manifest), manifest.assets[0]) == (
        "Name the motifs of a (A-1, specimens); $5 budget.\n"
    )


def test_the_default_prompt_names_the_asset_and_its_specs(tmp_path: Path, write_png) -> None:
    manifest = load_manifest(manifest_with(tmp_path, write_png, "    base_url: http://x/v1\n    model: m\n"))
    asset = manifest.assets[0].model_copy(update={"specs": {"mode": "dark", "motifs": ["stars"]}})
    prompt = render_prompt(prompt_template(load_options(manifest), manifest), asset)
    assert prompt.endswith('The asset is called "a" (category: specimens). Declared facts: {"mode": "dark", "motifs": ["stars"]}\n')
    assert prompt.startswith(DEFAULT_PROMPT.split("\n", 1)[0])


def test_options_built_in_code_are_checked_by_the_model_too(tmp_path: Path, write_png) -> None:
    manifest = load_manifest(manifest_with(tmp_path, write_png, "    base_url: http://x/v1\n    model: m\n"))
    bad = manifest.model_copy(update={"extractor": manifest.extractor.model_copy(update={"options": {"base_url": "http://x", "model": "m", "retries": "3"}})})
    with pytest.raises(InputError) as caught:
        load_options(bad)
    assert str(caught.value) == f"{bad.display_path}: extractor.options.retries: expected a whole number, got '3'"


def test_the_schema_and_the_model_know_the_same_options() -> None:
    definition = json.loads((ROOT / "schemas/manifest.schema.json").read_text())["$defs"]["http_options"]
    assert list(definition["properties"]) == list(HttpOptions.model_fields)
    assert definition["required"] == [name for name, field in HttpOptions.model_fields.items() if field.is_required()]
    for name, field in HttpOptions.model_fields.items():
        if not field.is_required() and field.default is not None:
            assert definition["properties"][name]["default"] == field.default, name
