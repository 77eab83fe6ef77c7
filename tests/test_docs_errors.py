"""docs/errors.md stays true to the code: every message it lists exists, and every message the
input-checking modules raise is listed."""

from __future__ import annotations

import ast
import re

from conftest import ROOT

DOC = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
PACKAGE = ROOT / "batchproc"
CHECKED = ["_yaml", "_schema_errors", "_rules", "_naming", "_png", "_manifest", "_runner", "_imaging"]
RAISERS = {"InputError", "ExtractionError", "RepositoryError", "fail", "problem"}


def literals() -> str:
    """Every string literal in batchproc, an f-string's fields written as '…', one per line."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                found.append("".join(part.value if isinstance(part, ast.Constant) else "…" for part in node.values))
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.append(node.value)
    return "\n".join(found)


LITERALS = literals()


def documented_messages() -> list[str]:
    """The code span that starts each row of the tables."""
    return [match.group(2) for match in re.finditer(r"^\| (``?)(.+?)\1 \|", DOC, re.MULTILINE)]


def fragments(message: str) -> list[str]:
    """The literal pieces of a documented message, split at placeholders and at the joints
    where the code composes a message from parts ('invalid YAML: ' + problem, 'x; ' + fix)."""
    parts = re.split(r"…|\bN\b|\bM\b|WxH|\d+|[/`'()$]|; |: ", message)
    return [part.strip(" ,") for part in parts if len(part.strip(" ,")) >= 12]


def raised_messages() -> list[tuple[str, str]]:
    """(module, longest literal piece) of every message the checked modules raise or return."""
    found = []
    for name in CHECKED:
        tree = ast.parse((PACKAGE / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            texts: list[ast.AST] = []
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in RAISERS and node.args:
                texts.append(node.args[0])
            elif isinstance(node, (ast.Return, ast.Yield)) and node.value is not None and name in ("_rules", "_naming"):
                texts.append(node.value.elts[0] if isinstance(node.value, ast.Tuple) else node.value)
            for text in texts:
                pieces = [text.value] if isinstance(text, ast.Constant) and isinstance(text.value, str) else [
                    part.value for part in getattr(text, "values", []) if isinstance(part, ast.Constant)
                ]
                if pieces:
                    found.append((name, max(pieces, key=len).strip(" '")))
    return found


def test_every_documented_message_is_in_the_code() -> None:
    missing = [(message, part) for message in documented_messages() for part in fragments(message) if part not in LITERALS]
    assert missing == []


def test_every_message_of_the_input_checks_is_documented() -> None:
    messages = raised_messages()
    assert len(messages) > 40
    undocumented = [(module, piece) for module, piece in messages if len(piece) >= 8 and piece not in DOC]
    assert undocumented == []
