"""A chat-completion reply turned into validated :class:`~batchproc.models.Semantic` facts.

Models wrap JSON in markdown fences or in a sentence of prose; the first JSON object in the
answer is taken. What it says must then fit the IDF's ``semantic`` schema exactly: a reply
that does not fit is an error, never a guess.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import ValidationError

from batchproc._remote.problems import describe
from batchproc.models import Semantic

MAX_ANSWER_CHARS = 100_000
"""The facts fit in a few kilobytes; a longer answer is not what was asked for (and searching
it for JSON would cost quadratic time)."""

MAX_OBJECT_STARTS = 100
"""Braces tried as the start of the object in prose; an answer is a sentence or two of it."""

_FENCE = re.compile(r"```[A-Za-z0-9_-]*[ \t]*\n(.*?)```", re.DOTALL)


class ReplyError(Exception):
    """The server answered 200 but the answer is unusable; the message says why, in one line."""


def semantic_from_reply(body: bytes) -> Semantic:
    """The semantic facts in a chat-completion response body."""
    answer = answer_text(body)
    found = find_json_object(answer)
    if found is None:
        raise ReplyError(f"the model's answer holds no JSON object: {_excerpt(answer)}")
    try:
        # JSON mode: a JSON array is a list of motifs, and nothing is coerced (3 is not text)
        return Semantic.model_validate_json(json.dumps(found), strict=True)
    except ValidationError as error:
        at, what = describe(error, Semantic, ("semantic",))[0]
        raise ReplyError(f"reply does not fit the IDF: {at}: {what}") from None


def answer_text(body: bytes) -> str:
    """``choices[0].message.content`` of an OpenAI-style chat completion (text parts joined)."""
    try:
        payload = json.loads(body)
    except ValueError:
        raise ReplyError(f"reply is not JSON: {_excerpt(body.decode('utf-8', 'replace'))}") from None
    try:
        content = payload["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise ReplyError("reply is not a chat completion (no choices[0].message.content)") from None
    if isinstance(content, list):  # some servers answer with content parts, like the request
        content = "".join(part.get("text", "") for part in content if isinstance(part, dict))
    if not isinstance(content, str) or not content.strip():
        raise ReplyError("the model's answer is empty")
    if len(content) > MAX_ANSWER_CHARS:
        raise ReplyError(f"the model's answer is {len(content)} characters; expected one short JSON object")
    return content


def find_json_object(text: str) -> dict[str, Any] | None:
    """The first JSON object in ``text``: the whole text, a fenced block, or one inside prose."""
    candidates = [text.strip()] + [block.strip() for block in _FENCE.findall(text)]
    for candidate in candidates:
        try:
            value = json.loads(candidate)
        except (ValueError, RecursionError):  # deep nesting is not facts either
            continue
        if isinstance(value, dict):
            return value
    decoder = json.JSONDecoder()
    for tries, match in enumerate(re.finditer(r"\{", text)):
        if tries == MAX_OBJECT_STARTS:
            break
        try:
            value, _ = decoder.raw_decode(text, match.start())
        except (ValueError, RecursionError):
            continue
        if isinstance(value, dict):
            return value
    return None


def _excerpt(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= limit else flat[: limit - 1] + "…")
