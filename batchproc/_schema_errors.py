"""JSON Schema validation whose errors point at the fix: path, line, expected shape."""

from __future__ import annotations

import difflib
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


def where(path: tuple[str | int, ...] | list[str | int]) -> str:
    """``("assets", 2, "score")`` as ``assets[2].score``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def validate(document: Document, schema: dict[str, Any], *, file: str) -> list[InputError]:
    """Every schema problem in the document, each as one line with its YAML line, in file order."""
    validator = jsonschema.Draft202012Validator(schema)
    problems = [_explain(error, document, file) for error in _leaves(validator.iter_errors(document.data))]
    problems.sort(key=lambda problem: (problem.line or 0, problem.where or ""))
    unique: dict[str, InputError] = {}
    for problem in problems:
        unique.setdefault(problem.render(), problem)
    return list(unique.values())


def _leaves(errors: Iterator[ValidationError]) -> Iterator[ValidationError]:
    """Replace a oneOf/anyOf error by the errors of the branch the user meant."""
    for error in errors:
        if error.validator in ("oneOf", "anyOf") and error.context:
            yield from _leaves(iter(_meant_branch(error)))
        else:
            yield error


def _meant_branch(error: ValidationError) -> list[ValidationError]:
    """The branch whose type matches the value: a mapping meant the object form, and so on."""
    by_branch: dict[int, list[ValidationError]] = {}
    for sub in error.context:
        by_branch.setdefault(sub.schema_path[0], []).append(sub)
    typed = [errs for errs in by_branch.values() if not any(e.validator == "type" and not e.path for e in errs)]
    candidates = typed or list(by_branch.values())
    return min(candidates, key=len)


def _explain(error: ValidationError, document: Document, file: str) -> InputError:
    path = tuple(error.absolute_path)
    line = document.line_of(path)
    value = error.instance
    kind = error.validator
    if kind == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        extras = [key for key in value if key not in allowed] if isinstance(value, dict) else []
        key = extras[0] if extras else "?"
        hint = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        fix = f"did you mean {hint[0]!r}?" if hint else f"allowed keys: {', '.join(allowed)}"
        key_line = document.key_lines.get(path + (key,), line)
        return InputError(f"unknown key {key!r}; {fix}", file=file, line=key_line, where=where(path) or None)
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return InputError(f"missing required key {missing!r}", file=file, line=line, where=where(path) or None)
    if kind == "type":
        expected = error.validator_value
        names = [_TYPE_NAMES.get(t, t) for t in (expected if isinstance(expected, list) else [expected])]
        got = "nothing" if value is None else repr(value)
        return InputError(f"expected {' or '.join(names)}, got {got}", file=file, line=line, where=where(path))
    if kind == "minimum":
        return InputError(f"{value} is below the minimum {error.validator_value}", file=file, line=line, where=where(path))
    if kind == "exclusiveMinimum":
        return InputError(f"{value} must be more than {error.validator_value}", file=file, line=line, where=where(path))
    if kind == "maximum":
        return InputError(f"{value} is above the maximum {error.validator_value}", file=file, line=line, where=where(path))
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
        return InputError(
            f"{value!r} is not allowed here; {_pattern_hint(error.validator_value)}",
            file=file,
            line=line,
            where=where(path),
        )
    if kind == "propertyNames":
        return InputError(f"{value!r} is not a valid name here", file=file, line=line, where=where(path))
    return InputError(error.message, file=file, line=line, where=where(path) or None)


def _pattern_hint(pattern: str) -> str:
    hints = {
        "^[A-Za-z0-9][A-Za-z0-9_-]*$": "use letters, digits, '-' and '_' (no '/', '.', spaces)",
        "^[A-Za-z0-9][A-Za-z0-9._-]*$": "use letters, digits, '.', '-' and '_' (no '/' or spaces)",
        "^[a-z0-9][a-z0-9-]*$": "use lower-case letters, digits and '-'",
        "^[a-z][a-z0-9_-]*$": "use lower-case letters, digits, '-' and '_'",
        "^[^/\\\\]+\\.png$": "a file name ending in .png, without '/'",
        "^[^<>\\s]+@[^<>\\s]+$": "an e-mail address such as name@example.com",
        "^https?://\\S+$": "an http:// or https:// URL such as http://localhost:11434/v1",
    }
    return hints.get(pattern, f"it must match {pattern}")
