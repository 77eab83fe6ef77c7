from __future__ import annotations

import time

import pytest

from batchproc._yaml import load
from batchproc.errors import InputError


def test_yaml_1_1_surprises_stay_text() -> None:
    text = "a: no\nb: yes\nc: on\nd: off\ne: y\nf: 1:30\ng: 2024-01-01\nh: 0777\ni: .5\nj: ~\nk: true\nl: 1_000\nm: 0x1F\n"
    data = load(text, file="m.yaml").data
    assert data == {
        "a": "no", "b": "yes", "c": "on", "d": "off", "e": "y", "f": "1:30", "g": "2024-01-01",
        "h": 777, "i": 0.5, "j": None, "k": True, "l": "1_000", "m": 31,
    }


def test_plain_text_of_typed_scalars_is_kept() -> None:
    document = load("name: 1.0\nid: 0042\n", file="m.yaml")
    assert document.plain_text == {("name",): "1.0", ("id",): "0042"}


def test_lines_of_values_and_keys() -> None:
    document = load("batch_id: x\nassets:\n  - asset_id: A\n    score: 92\n", file="m.yaml")
    assert document.lines[("assets", 0, "score")] == 4
    assert document.key_lines[("assets",)] == 2
    assert document.line_of(("assets", 0, "score", "deeper")) == 4


def test_duplicate_key_names_both_lines() -> None:
    with pytest.raises(InputError) as caught:
        load("batch_id: a\ntitle: t\nbatch_id: b\n", file="m.yaml")
    assert str(caught.value) == "m.yaml:3: duplicate key 'batch_id' (first on line 1); keep one of them"


def test_alias_bomb_fails_fast() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for index, name in enumerate("bcdefghi"):
        previous = "abcdefghi"[index]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    started = time.perf_counter()
    with pytest.raises(InputError) as caught:
        load("\n".join(lines) + "\n", file="bomb.yaml")
    assert time.perf_counter() - started < 2
    assert "more than 10000 values (nested aliases?)" in str(caught.value)


def test_python_tags_are_rejected() -> None:
    with pytest.raises(InputError) as caught:
        load("a: !!python/object:os.system ls\n", file="m.yaml")
    assert str(caught.value) == "m.yaml:1: YAML tag '!!python/object:os.system' is not allowed; write a plain value"


def test_syntax_error_has_line() -> None:
    with pytest.raises(InputError) as caught:
        load("a: [1, 2\nb: 3\n", file="m.yaml")
    assert str(caught.value).startswith("m.yaml:")
    assert "invalid YAML" in str(caught.value)
