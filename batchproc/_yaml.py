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
  nested aliases (a "billion laughs") fail fast in bounded memory; an alias inside its own
  anchor (a cycle) and nesting deeper than :data:`MAX_DEPTH` are errors, never a RecursionError;
- numbers Python cannot hold as written (``.inf``, ``.nan``, ``1e999``, 5000 digits) stay text,
  so the schema reports them as "expected a number" instead of letting a NaN score through;
- ``!!str`` marks a value as text; every other explicit tag (``!!python/object``, ``!!int`` …)
  is rejected, as are merge keys (``<<``) and a second document (``---``).

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

MAX_DEPTH = 20
"""Deeper than any manifest (assets, an asset, specs, a list: 5); PyYAML's composer recurses,
so an unbounded ``[[[[…`` would otherwise end in a RecursionError."""

MAX_NUMBER_DIGITS = 30
"""A longer run of digits is not a number anyone means (and Python refuses past 4300)."""

_PLAIN = "tag:batchproc,2026:plain"
"""The tag PyYAML gives an untagged value, so an explicit ``!!str``/``!!map`` is told apart."""

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_OCT = re.compile(r"^0o[0-7]+$")
_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_STR = "tag:yaml.org,2002:str"


class _UntypedLoader(yaml.SafeLoader):
    """Resolves no implicit types: every untagged value gets :data:`_PLAIN` until we type it."""

    yaml_implicit_resolvers: dict = {}  # type: ignore[type-arg]
    DEFAULT_SCALAR_TAG = DEFAULT_SEQUENCE_TAG = DEFAULT_MAPPING_TAG = _PLAIN
    file = ""
    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        """Compose one node, refusing a collection nested deeper than :data:`MAX_DEPTH`.

        PyYAML's composer recurses once per level, so an unbounded ``[[[[…`` would end in a
        RecursionError; counting here costs nothing and needs no second pass over the text.
        """
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH and self.check_event(yaml.CollectionStartEvent):
                raise InputError(
                    f"nested more than {MAX_DEPTH} levels deep; a manifest is far flatter",
                    file=self.file,
                    line=self.peek_event().start_mark.line + 1,
                )
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            self.depth -= 1


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
    quoted: set[Path_] = field(default_factory=set)
    """The paths of quoted scalars: text because the user said so."""

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
        loader = _UntypedLoader(text)
        loader.file = file
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        raise InputError(
            f"invalid YAML: control character U+{error.character:04X} is not allowed; remove it",
            file=file,
            line=line,
        ) from None
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error, file) from None
    document = Document(data=None)
    if node is None:
        return document
    builder = _Builder(document, file)
    document.data = builder.build(node, ())
    return document


# What to say for the syntax errors users actually make, by PyYAML's words for them.
_SYNTAX_HINTS = (
    ("found character '\\t'", "a tab character; YAML indents with spaces only"),
    ("but found another document", "more than one YAML document (---); put one batch in each file"),
    ("mapping values are not allowed here", "a ':' inside a value; put the value in quotes"),
    ("found undefined alias", "{problem}; define the anchor (&name) before the alias (*name)"),
    ("found duplicate anchor", "an anchor (&name) is defined twice; rename one of them"),
)


def _syntax_error(error: yaml.MarkedYAMLError, file: str) -> InputError:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark is not None else None
    words = " ".join(part for part in (error.context, error.problem) if part)
    for marker, hint in _SYNTAX_HINTS:
        if marker in words:
            message = hint.format(problem=error.problem)
            break
    else:
        message = (error.problem or "cannot be parsed") + (f" ({error.context})" if error.context else "")
    return InputError(f"invalid YAML: {' '.join(message.split())}", file=file, line=line)


class _Builder:
    def __init__(self, document: Document, file: str) -> None:
        self.document = document
        self.file = file
        self.count = 0
        self.building: set[int] = set()
        """The collections being built (the current one and its parents): an alias to one is a cycle."""

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
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path, line)
        if id(node) in self.building:
            raise InputError(
                "an alias (*name) inside the value it names (a cycle); write the value out",
                file=self.file,
                line=line,
            )
        self.building.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            self._check_tag(node, line)
            return [self.build(item, path + (index,)) for index, item in enumerate(node.value)]
        finally:
            self.building.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[str, Any]:
        self._check_tag(node, node.start_mark.line + 1)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if key_node.tag == _PLAIN and key_node.value == "<<" and key_node.style is None:
                raise InputError("merge keys (<<) are not supported; write the keys out", file=self.file, line=key_line)
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError("a mapping key must be plain text, not a list or mapping", file=self.file, line=key_line)
            self._check_tag(key_node, key_line)
            key = str(key_node.value)
            child = path + (key,)
            if key in result:
                first = self.document.key_lines[child]
                shown = key if len(key) <= 40 else f"{key[:40]}…"
                raise InputError(
                    f"duplicate key {shown!r} (first on line {first}); keep one of them",
                    file=self.file,
                    line=key_line,
                )
            self.document.key_lines[child] = key_line
            result[key] = self.build(value_node, child)
        return result

    def _scalar(self, node: yaml.ScalarNode, path: Path_, line: int) -> Any:
        text = node.value
        if node.tag == _STR or node.style is not None:
            if node.style in ("'", '"'):
                self.document.quoted.add(path)
            return text  # !!str, quoted or block: always text
        self._check_tag(node, line)
        value = _resolve_plain(text)
        if not isinstance(value, str):
            self.document.plain_text[path] = text
        return value

    def _check_tag(self, node: yaml.Node, line: int) -> None:
        if node.tag != _PLAIN:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise InputError(f"YAML tag {tag!r} is not allowed; write a plain value", file=self.file, line=line)


def _resolve_plain(text: str) -> Any:
    """Type a plain scalar by the YAML 1.2 core schema."""
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if len(text) > MAX_NUMBER_DIGITS:
        return text
    if _INT.match(text):
        return int(text)
    if _OCT.match(text):
        return int(text[2:], 8)
    if _HEX.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text) and math.isfinite(number := float(text)):
        return number
    return text  # including .inf and .nan: no score, size or limit is infinite or not a number
