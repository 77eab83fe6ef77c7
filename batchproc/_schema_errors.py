"""JSON Schema validation whose errors point at the fix: path, line, expected shape."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError

from batchproc._yaml import Document
from batchproc.errors import InputError

ENV_NAME_PATTERN = "^[A-Z_][A-Z0-9_]*$"

_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping (key: value)",
    "array": "a list",
    "null": "nothing",
}


_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
MAX_SHOWN = 40
"""Longest value quoted in a message; a 5000-character value would bury the line."""


def where(path: tuple[str | int, ...] | list[str | int]) -> str:
    """``("assets", 2, "score")`` as ``assets[2].score``; an odd key as ``specs['a b']``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not _NAME.match(part) or len(part) > MAX_SHOWN:
            text += f"[{shown(part)}]"  # quoted and escaped: a key may hold '.', spaces or a newline
        else:
            text += f".{part}" if text else part
    return text


def shown(value: object, original: str | None = None) -> str:
    """A value as a message quotes it: on one line, short, in YAML's words (true, not True)."""
    if original is not None:
        return original if len(original) <= MAX_SHOWN else f"{original[:MAX_SHOWN]}… ({len(original)} characters)"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str) and len(value) > MAX_SHOWN:
        return f"{value[:MAX_SHOWN]!r}… ({len(value)} characters)"
    return repr(value)


def validate(document: Document, schema: dict[str, Any], *, file: str) -> list[InputError]:
    """Every schema problem in the document, each as one line with its YAML line, in file order."""
    validator = jsonschema.Draft202012Validator(schema)
    problems = [
        problem for error in _leaves(validator.iter_errors(document.data)) for problem in _explain(error, document, file)
    ]
    problems.sort(key=lambda problem: (problem.line or 0, problem.where or ""))
    unique: dict[str, InputError] = {}
    for problem in problems:
        unique.setdefault(problem.render(), problem)
    return list(unique.values())


def _leaves(errors: Iterator[ValidationError]) -> Iterator[ValidationError]:
    """Replace a oneOf/anyOf error by the errors of the branch the user meant."""
    for error in errors:
        if error.validator in ("oneOf", "anyOf") and error.context:
            branch = _meant_branch(error)
            if branch is None:
                yield error  # no branch has the value's type: explained as one type error
            else:
                yield from _leaves(iter(branch))
        else:
            yield error


def _meant_branch(error: ValidationError) -> list[ValidationError] | None:
    """The branch whose type matches the value (a mapping meant the object form), or None."""
    by_branch: dict[int, list[ValidationError]] = {}
    for sub in error.context:
        by_branch.setdefault(sub.schema_path[0], []).append(sub)
    typed = [errs for errs in by_branch.values() if not any(e.validator == "type" and not e.path for e in errs)]
    return min(typed, key=len) if typed else None


def _type_names(expected: object) -> str:
    return " or ".join(_TYPE_NAMES.get(t, t) for t in (expected if isinstance(expected, list) else [expected]))


def _explain(error: ValidationError, document: Document, file: str) -> list[InputError]:
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        extras = [key for key in error.instance if key not in allowed] if isinstance(error.instance, dict) else []
        return [_unknown_key(key, allowed, path, document, file) for key in extras]
    return [_explain_one(error, path, document, file)]


def _unknown_key(key: str, allowed: list[str], path: tuple[str | int, ...], document: Document, file: str) -> InputError:
    hint = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if not hint:  # a key in another case (Score, ASSETS) is the same typo
        hint = [name for name in allowed if name.casefold() == key.casefold()]
    fix = f"did you mean {hint[0]!r}?" if hint else f"allowed keys: {', '.join(allowed)}"
    key_line = document.key_lines.get(path + (key,), document.line_of(path))
    return InputError(f"unknown key {shown(key)}; {fix}", file=file, line=key_line, where=where(path) or None)


def _explain_one(error: ValidationError, path: tuple[str | int, ...], document: Document, file: str) -> InputError:
    line = document.line_of(path)
    value = error.instance
    kind = error.validator
    if kind in ("oneOf", "anyOf"):  # no branch had the value's type (see _leaves)
        names = " or ".join(_type_names(branch.get("type")) for branch in error.validator_value)
        return InputError(f"expected {names}, got {shown(value)}", file=file, line=line, where=where(path) or None)
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return InputError(f"missing required key {missing!r}", file=file, line=line, where=where(path) or None)
    if kind == "type":
        return InputError(_type_message(error, path, document), file=file, line=line, where=where(path))
    written = shown(value, document.plain_text.get(path))
    if kind == "minimum":
        return InputError(f"{written} is below the minimum {error.validator_value}", file=file, line=line, where=where(path))
    if kind == "exclusiveMinimum":
        return InputError(f"{written} must be more than {error.validator_value}", file=file, line=line, where=where(path))
    if kind == "maximum":
        return InputError(f"{written} is above the maximum {error.validator_value}", file=file, line=line, where=where(path))
    if kind == "minItems":
        noun = "item" if error.validator_value == 1 else "items"
        message = f"is empty; list at least {error.validator_value} {noun}"
        return InputError(message, file=file, line=line, where=where(path))
    if kind == "minLength":
        return InputError("is empty; write a value", file=file, line=line, where=where(path))
    if kind == "maxLength":
        return InputError(f"is longer than {error.validator_value} characters", file=file, line=line, where=where(path))
    if kind == "pattern" and error.validator_value == ENV_NAME_PATTERN:  # never echo what may be a pasted key
        message = "is not the NAME of an environment variable (capitals, digits and '_', such as GEMINI_API_KEY)"
        return InputError(message, file=file, line=line, where=where(path))
    if kind == "pattern":
        key_line = document.key_lines.get(path + (value,))  # a propertyNames pattern checks a key
        return InputError(
            f"{shown(value)} is not allowed here; {_pattern_hint(error.validator_value)}",
            file=file,
            line=key_line or line,
            where=where(path),
        )
    return InputError(error.message, file=file, line=line, where=where(path) or None)


def _type_message(error: ValidationError, path: tuple[str | int, ...], document: Document) -> str:
    expected, value = error.validator_value, error.instance
    names = _type_names(expected)
    if value is None:
        return f"expected {names}, got nothing; write a value or remove the key"
    if path in document.quoted and "number" in names and _looks_numeric(value):
        return f"expected {names}, got {shown(value)} (quoted, so text); remove the quotes"
    return f"expected {names}, got {shown(value, document.plain_text.get(path))}"


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _pattern_hint(pattern: str) -> str:
    hints = {
        "^[A-Za-z0-9][A-Za-z0-9_-]*$": "use letters, digits, '-' and '_' (no '/', '.', spaces)",
        "^[A-Za-z0-9][A-Za-z0-9._-]*$": "use letters, digits, '.', '-' and '_' (no '/' or spaces)",
        "^[a-z0-9][a-z0-9-]*$": "use lower-case letters, digits and '-'",
        "^[a-z][a-z0-9_-]*$": "use lower-case letters, digits, '-' and '_'",
        "^[^/\\\\]+\\.png$": "a file name ending in .png, without '/'",
        "^[^<>\\s]+@[^<>\\s]+$": "an e-mail address such as name@example.com",
        "^(\\*|[a-z0-9][a-z0-9-]*)$": "name a category in lower-case letters, digits and '-', or '*' for all others",
        "^https?://\\S+$": "an http:// or https:// URL such as http://localhost:11434/v1",
    }
    return hints.get(pattern, f"it must match {pattern}")
