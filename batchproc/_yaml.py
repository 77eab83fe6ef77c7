"""Read YAML the way users mean it, remembering the line of every value.

PyYAML implements YAML 1.1, where ``no`` is ``False``, ``1:30`` is 90 and ``2024-01-01`` is a
date, and it silently keeps the last of two duplicate keys. batchproc instead composes the node
graph and builds values itself:

- plain scalars follow the YAML 1.2 core schema (only ``true``/``false`` are booleans, only
  ``null``/``~``/empty is null, decimal/octal ``0o``/hex ``0x`` integers, decimal floats);
  everything else is text, and the original text of every plain scalar is kept so a value
  the schema wants as a string can be given back exactly as written;
- a duplicate key is an error naming both lines;
- aliases are followed, but the number of values built is capped, so a few hundred bytes of
  nested aliases (a "billion laughs") fail fast in bounded memory;
- explicit tags (``!!python/object``, ``!!binary`` …) are rejected.

This is the only module that imports PyYAML.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from batchproc.errors import InputError

Path_ = tuple[str | int, ...]

MAX_VALUES = 10_000
"""More values than any real manifest holds (5 assets); far fewer than an alias bomb builds."""

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_OCT = re.compile(r"^0o[0-7]+$")
_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")
_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


class _UntypedLoader(yaml.SafeLoader):
    """Resolves no implicit types: every untagged scalar stays text until we type it."""

    yaml_implicit_resolvers: dict = {}  # type: ignore[type-arg]


@dataclass
class Document:
    """A loaded YAML document: its data and where each value came from."""

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    """1-based line of each value, by its path (``("assets", 0, "score")``)."""
    key_lines: dict[Path_, int] = field(default_factory=dict)
    """1-based line of each mapping key, by the path of its value."""
    plain_text: dict[Path_, str] = field(default_factory=dict)
    """The original text of every plain (unquoted) scalar that did not become a string."""

    def line_of(self, path: Path_) -> int | None:
        """The line of the value at ``path``, or of its nearest enclosing value."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())


def load(text: str, *, file: str) -> Document:
    """Parse one YAML document; raise :class:`InputError` with the file and line if it is bad."""
    try:
        node = yaml.compose(text, Loader=_UntypedLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = error.problem or error.context or "cannot be parsed"
        raise InputError(f"invalid YAML: {problem}", file=file, line=line) from None
    except yaml.YAMLError as error:
        raise InputError(f"invalid YAML: {error}", file=file) from None
    document = Document(data=None)
    if node is None:
        return document
    builder = _Builder(document, file)
    document.data = builder.build(node, ())
    return document


class _Builder:
    def __init__(self, document: Document, file: str) -> None:
        self.document = document
        self.file = file
        self.count = 0

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.count += 1
        line = node.start_mark.line + 1
        if self.count > MAX_VALUES:
            raise InputError(
                f"more than {MAX_VALUES} values (nested aliases?); a manifest is far smaller",
                file=self.file,
                line=line,
            )
        self.document.lines.setdefault(path, line)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            self._check_tag(node, "tag:yaml.org,2002:seq", line)
            return [self.build(item, path + (index,)) for index, item in enumerate(node.value)]
        return self._scalar(node, path, line)

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[str, Any]:
        self._check_tag(node, "tag:yaml.org,2002:map", node.start_mark.line + 1)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise InputError("merge keys (<<) are not supported; write the keys out", file=self.file, line=key_line)
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError("a mapping key must be plain text", file=self.file, line=key_line)
            key = str(key_node.value)
            child = path + (key,)
            if key in result:
                first = self.document.key_lines[child]
                raise InputError(
                    f"duplicate key {key!r} (first on line {first}); keep one of them",
                    file=self.file,
                    line=key_line,
                )
            self.document.key_lines[child] = key_line
            result[key] = self.build(value_node, child)
        return result

    def _scalar(self, node: yaml.ScalarNode, path: Path_, line: int) -> Any:
        text = node.value
        if node.tag != "tag:yaml.org,2002:str":
            raise InputError(f"YAML tag {node.tag!r} is not allowed; write a plain value", file=self.file, line=line)
        if node.style is not None:
            return text  # quoted or block: always text
        value = _resolve_plain(text)
        if not isinstance(value, str):
            self.document.plain_text[path] = text
        return value

    def _check_tag(self, node: yaml.Node, standard: str, line: int) -> None:
        if node.tag != standard:
            raise InputError(f"YAML tag {node.tag!r} is not allowed; write a plain value", file=self.file, line=line)


def _resolve_plain(text: str) -> Any:
    """Type a plain scalar by the YAML 1.2 core schema."""
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return int(text)
    if _OCT.match(text):
        return int(text[2:], 8)
    if _HEX.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN.match(text):
        return math.nan
    return text
