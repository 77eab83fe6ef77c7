"""Finding the JSON in a model's answer."""

from __future__ import annotations

import json

import pytest

from batchproc._remote.reply import ReplyError, find_json_object, semantic_from_reply
from batchproc.models import Semantic


def completion(content: object) -> bytes:
    return json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()


@pytest.mark.parametrize(
    "text",
    [
        '{"mode": "dark"}',
        '```json\n{"mode": "dark"}\n```',
        'Here is the JSON you asked for:\n```JSON\n{"mode": "dark"}\n```\nAnything else?',
        'The facts are {"mode": "dark"} as requested.',
        'Set {braces} aside; {"mode": "dark"}',
        '```\n[1, 2]\n```\n{"mode": "dark"}',
    ],
)
def test_the_first_json_object_is_found(text: str) -> None:
    assert find_json_object(text) == {"mode": "dark"}


@pytest.mark.parametrize(
    "text",
    ["no json here", "[1, 2, 3]", '{"mode": "dark"', "{{{{{{", '{"a":' * 16_000, "{" * 99_000],
    ids=["prose", "array", "unclosed", "braces", "deep-nesting", "many-braces"],
)
def test_no_object_is_none(text: str) -> None:
    assert find_json_object(text) is None


def test_content_parts_are_joined() -> None:
    body = completion([{"type": "text", "text": '{"motifs": ["stars"],'}, {"type": "text", "text": ' "mode": "light"}'}])
    assert semantic_from_reply(body) == Semantic(motifs=("stars",), mode="light")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the model's answer is empty"),
        (None, "the model's answer is empty"),
        ("x" * 100_001, "the model's answer is 100001 characters; expected one short JSON object"),
        ('{"narrative": ""}', "reply does not fit the IDF: semantic.narrative: is empty; write a value"),
        (json.dumps({"motifs": ["m"] * 13}), "reply does not fit the IDF: semantic.motifs: has more than 12 items"),
        (json.dumps({"purpose": "p" * 121}), "reply does not fit the IDF: semantic.purpose: is longer than 120 characters"),
        ('{"mode": null, "motifs": null}', "reply does not fit the IDF: semantic.motifs: expected a list of text, got nothing"),
    ],
)
def test_unusable_answers(content: object, message: str) -> None:
    with pytest.raises(ReplyError) as caught:
        semantic_from_reply(completion(content))
    assert str(caught.value) == message
