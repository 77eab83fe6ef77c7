"""pydantic validation errors as the one-line problems batchproc shows (``where: what``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from batchproc._schema_errors import where

_EXPECTED = {
    "string_type": "text",
    "float_type": "a number",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "tuple_type": "a list of text",
    "list_type": "a list of text",
    "model_type": "a mapping (key: value)",
    "dict_type": "a mapping (key: value)",
}


def describe(error: ValidationError, model: type[BaseModel], prefix: tuple[str | int, ...]) -> list[tuple[str, str]]:
    """Each problem as ``(where, what)``; ``prefix`` is where the validated value sits."""
    return [_one(detail, model, prefix) for detail in error.errors(include_url=False)]


def _one(detail: Any, model: type[BaseModel], prefix: tuple[str | int, ...]) -> tuple[str, str]:
    loc = tuple(part for part in detail["loc"] if not (isinstance(part, str) and part.startswith(("literal[", "function-"))))
    kind, value, ctx = detail["type"], detail.get("input"), detail.get("ctx") or {}
    if kind == "missing":
        return where(prefix), f"missing required key {loc[-1]!r}"
    if kind == "extra_forbidden":
        return where(prefix + loc), f"unknown key; expected one of {', '.join(model.model_fields)}"
    at = where(prefix + loc)
    got = "nothing" if value is None else repr(value)
    if kind in _EXPECTED:
        return at, f"expected {_EXPECTED[kind]}, got {got}"
    if kind == "literal_error":
        return at, f"expected {ctx['expected']}, got {got}"
    if kind == "string_too_short":
        return at, "is empty; write a value"
    if kind == "string_too_long":
        return at, f"is longer than {ctx['max_length']} characters"
    if kind == "too_long":
        return at, f"has more than {ctx['max_length']} items"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        word = {"greater_than": "more than", "greater_than_equal": "at least", "less_than": "less than"}.get(kind, "at most")
        bound = next(iter(ctx.values()))
        return at, f"must be {word} {bound}, got {got}"
    if kind == "string_pattern_mismatch":  # the value is not echoed: it may be a pasted secret
        return at, f"does not have the expected form ({ctx['pattern']})"
    return at, str(detail["msg"]).removeprefix("Value error, ")
