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


def message(text: str) -> str:
    with pytest.raises(InputError) as caught:
        load(text, file="m.yaml")
    return str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: .inf\nb: -.Inf\nc: .nan\nd: 1e999\n", {"a": ".inf", "b": "-.Inf", "c": ".nan", "d": "1e999"}),
        ("a: " + "9" * 5000 + "\n", {"a": "9" * 5000}),
        ("a: !!str 42\nb: '0777'\nc: \"yes\"\n", {"a": "42", "b": "0777", "c": "yes"}),
        ("a: 2001:db8::1\nb: 12:30:00\nc: 2024-01-01T10:00:00Z\nd: 0b101\ne: 1,000\n",
         {"a": "2001:db8::1", "b": "12:30:00", "c": "2024-01-01T10:00:00Z", "d": "0b101", "e": "1,000"}),
        ("a:\nb: ~\nc: null\nd: NULL\ne: ''\n", {"a": None, "b": None, "c": None, "d": None, "e": ""}),
        ("a: On\nb: OFF\nc: Y\nd: n\ne: NO\nf: True\n", {"a": "On", "b": "OFF", "c": "Y", "d": "n", "e": "NO", "f": True}),
    ],
    ids=["non-finite", "huge-int", "explicit-text", "sexagesimal-and-friends", "nulls", "yaml-1.1-booleans"],
)
def test_values_that_yaml_1_1_would_retype(text: str, expected: dict) -> None:
    assert load(text, file="m.yaml").data == expected


def test_quoted_scalars_are_remembered() -> None:
    assert load("a: '95'\nb: 95\nc: \"x\"\n", file="m.yaml").quoted == {("a",), ("c",)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("base: &b {x: 1}\nitem:\n  <<: *b\n", "m.yaml:3: merge keys (<<) are not supported; write the keys out"),
        ("a: 1\n---\na: 2\n", "m.yaml:2: invalid YAML: more than one YAML document (---); put one batch in each file"),
        ("a:\n\t- 1\n", "m.yaml:2: invalid YAML: a tab character; YAML indents with spaces only"),
        ("a: b\x00\n", "m.yaml:1: invalid YAML: control character U+0000 is not allowed; remove it"),
        ("a: 1\nb: \x07\n", "m.yaml:2: invalid YAML: control character U+0007 is not allowed; remove it"),
        ("title: Act 1: Curtain\n", "m.yaml:1: invalid YAML: a ':' inside a value; put the value in quotes"),
        ("a: *nope\n", "m.yaml:1: invalid YAML: found undefined alias 'nope'; define the anchor (&name) before the alias (*name)"),
        ("a: &x 1\nb: &x 2\n", "m.yaml:2: invalid YAML: an anchor (&name) is defined twice; rename one of them"),
        ("a: [1, 2\n", "m.yaml:2: invalid YAML: expected ',' or ']', but got '<stream end>' (while parsing a flow sequence)"),
        ("a: !!int 95\n", "m.yaml:1: YAML tag '!!int' is not allowed; write a plain value"),
        ("a: !!binary aGVsbG8=\n", "m.yaml:1: YAML tag '!!binary' is not allowed; write a plain value"),
        ("a: !!map {b: 1}\n", "m.yaml:1: YAML tag '!!map' is not allowed; write a plain value"),
        ("a: !custom 1\n", "m.yaml:1: YAML tag '!custom' is not allowed; write a plain value"),
        ("? [a, b]\n: 1\n", "m.yaml:1: a mapping key must be plain text, not a list or mapping"),
        ("a: &a [1, *a]\n", "m.yaml:1: an alias (*name) inside the value it names (a cycle); write the value out"),
        ("a: " + "[" * 25 + "]" * 25 + "\n", "m.yaml:1: nested more than 20 levels deep; a manifest is far flatter"),
        ("a: " + "[" * 5000 + "]" * 5000 + "\n", "m.yaml:1: nested more than 20 levels deep; a manifest is far flatter"),
        ("a:\n" + "".join("  " * i + "- \n" for i in range(1, 30)), "m.yaml:21: nested more than 20 levels deep; a manifest is far flatter"),
    ],
    ids=[
        "merge-key", "two-documents", "tab", "nul", "bell", "colon-in-value", "undefined-alias", "duplicate-anchor",
        "unclosed-list", "int-tag", "binary-tag", "map-tag", "local-tag", "complex-key", "alias-cycle", "deep-25",
        "deep-5000", "deep-block",
    ],
)
def test_yaml_surprises_are_one_clear_line(text: str, expected: str) -> None:
    assert message(text) == expected


def test_duplicate_key_in_a_nested_mapping_names_both_lines() -> None:
    text = "assets:\n  - asset_id: A\n    score: 92\n    name: x\n    score: 95\n"
    assert message(text) == "m.yaml:5: duplicate key 'score' (first on line 3); keep one of them"


def test_duplicate_key_written_two_ways_is_still_a_duplicate() -> None:
    assert message("'no': 1\nno: 2\n") == "m.yaml:2: duplicate key 'no' (first on line 1); keep one of them"


def test_alias_bomb_is_rejected_in_bounded_memory() -> None:
    import tracemalloc

    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for index, name in enumerate("bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{'abcdefghi'[index]}"] * 9) + "]")
    text = "\n".join(lines) + "\n"
    assert len(text) < 400
    tracemalloc.start()
    try:
        assert message(text) == "m.yaml:1: more than 10000 values (nested aliases?); a manifest is far smaller"
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000  # expanded, it would be 9**9 (387 million) strings
