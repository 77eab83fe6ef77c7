"""The ``http`` extractor's options (``extractor: {name: http, options: {...}}``) and its prompt.

The options are checked twice on purpose: by the manifest's JSON Schema (``$defs/http_options``,
with the YAML line, in every command) and by :class:`HttpOptions` here, which turns them into a
typed, frozen object for the extractor and also serves manifests built in code.
"""

from __future__ import annotations

import json
import os
from string import Template

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from batchproc._remote.problems import describe
from batchproc.errors import InputError
from batchproc.models import Asset, Manifest

MAX_PROMPT_BYTES = 64_000

DEFAULT_PROMPT = """\
You describe a design asset for a frontend team. Look at the attached image and answer with \
one JSON object and nothing else, with exactly these keys:
{"motifs": ["short noun phrases naming what is depicted, at most 12"],
 "mode": "dark" or "light" (the overall tone),
 "purpose": "the interface role it suits, in a few words",
 "narrative": "two or three sentences: what it is, its mood, where it fits"}
The asset is called "$name" (category: $category). Declared facts: $specs
"""
"""Placeholders: ``$asset_id``, ``$name``, ``$slug``, ``$category``, ``$specs`` (JSON); ``$$`` is a dollar sign."""

PLACEHOLDERS = ("asset_id", "name", "slug", "category", "specs")


class HttpOptions(BaseModel):
    """Where the vision model is and how hard batchproc may push it."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    base_url: str = Field(pattern=r"^https?://\S+$")
    """The OpenAI-compatible API root; ``/chat/completions`` is appended."""
    model: str = Field(min_length=1)
    api_key_env: str | None = Field(default=None, pattern=r"^[A-Z_][A-Z0-9_]*$")
    """The NAME of the environment variable holding the key, sent as ``Authorization: Bearer``."""
    prompt: str | None = Field(default=None, min_length=1)
    """The prompt template itself (see :data:`DEFAULT_PROMPT`)."""
    prompt_file: str | None = Field(default=None, min_length=1)
    """A file holding the prompt template, relative to the manifest."""
    timeout: float = Field(default=30.0, gt=0)
    """Seconds to connect, and the longest silence allowed while sending or reading."""
    deadline: float = Field(default=120.0, gt=0)
    """Seconds one request may take from start to the last byte of the reply (catches drips)."""
    max_concurrency: int = Field(default=5, ge=1, le=64)
    """Most requests in flight at once, for the whole run."""
    requests_per_minute: int | None = Field(default=None, ge=1)
    """Most requests started in any 60 seconds, for the whole run (retries count)."""
    retries: int = Field(default=3, ge=0, le=10)
    """Further attempts after a 429, a 5xx, a timeout or a dropped connection."""
    backoff: float = Field(default=1.0, ge=0)
    """Seconds before the first retry; doubles on each retry."""
    max_backoff: float = Field(default=30.0, ge=0)
    """Longest wait between attempts; a ``Retry-After`` asking for more fails the asset."""

    @model_validator(mode="after")
    def _one_prompt(self) -> HttpOptions:
        if self.prompt is not None and self.prompt_file is not None:
            raise ValueError("give prompt or prompt_file, not both")
        return self

    @property
    def endpoint(self) -> str:
        """The chat-completions URL."""
        return self.base_url.rstrip("/") + "/chat/completions"


def load_options(manifest: Manifest) -> HttpOptions:
    """The manifest's options as :class:`HttpOptions`; raise :class:`InputError` naming the first bad one."""
    problems = option_problems(manifest)
    if problems:
        raise problems[0]
    return HttpOptions.model_validate(dict(manifest.extractor.options))


def option_problems(manifest: Manifest) -> list[InputError]:
    """Every problem with the options and the prompt, each naming the manifest and the option."""
    file = manifest.display_path
    try:
        options = HttpOptions.model_validate(dict(manifest.extractor.options))
    except ValidationError as error:
        return [
            InputError(what, file=file, where=at)
            for at, what in describe(error, HttpOptions, ("extractor", "options"))
        ]
    try:
        template = prompt_template(options, manifest)
        Template(template).substitute(dict.fromkeys(PLACEHOLDERS, ""))
    except InputError as error:
        return [error]
    except (KeyError, ValueError) as error:
        option = "prompt_file" if options.prompt_file else "prompt"
        detail = f"unknown placeholder ${error.args[0]}" if isinstance(error, KeyError) else "a lone '$'"
        return [
            InputError(
                f"{detail}; use {', '.join('$' + name for name in PLACEHOLDERS)} (and $$ for a dollar sign)",
                file=file,
                where=f"extractor.options.{option}",
            )
        ]
    try:
        api_key(options, manifest)
    except InputError as error:
        return [error]
    return []


def api_key(options: HttpOptions, manifest: Manifest) -> str | None:
    """The key from the variable ``api_key_env`` names; a missing one is bad input, found before any image is read."""
    if options.api_key_env is None:
        return None
    key = os.environ.get(options.api_key_env)
    if not key:
        raise InputError(
            f"the environment variable {options.api_key_env} is not set; export the API key in it",
            file=manifest.display_path,
            where="extractor.options.api_key_env",
        )
    return key


def prompt_template(options: HttpOptions, manifest: Manifest) -> str:
    """The prompt text: the option, the file it names (relative to the manifest), or the default."""
    if options.prompt is not None:
        return options.prompt
    if options.prompt_file is None:
        return DEFAULT_PROMPT
    path = manifest.path.parent / options.prompt_file
    try:
        data = path.read_bytes()
        if len(data) > MAX_PROMPT_BYTES:
            raise InputError(
                f"{options.prompt_file}: is {len(data)} bytes; a prompt is at most {MAX_PROMPT_BYTES}",
                file=manifest.display_path,
                where="extractor.options.prompt_file",
            )
        return data.decode("utf-8-sig")
    except OSError as error:
        reason = "no such file" if isinstance(error, FileNotFoundError) else f"cannot be read: {error.strerror}"
        raise InputError(
            f"{options.prompt_file}: {reason}", file=manifest.display_path, where="extractor.options.prompt_file"
        ) from None
    except UnicodeDecodeError as error:
        raise InputError(
            f"{options.prompt_file}: is not UTF-8 text (byte {error.start})",
            file=manifest.display_path,
            where="extractor.options.prompt_file",
        ) from None


def render_prompt(template: str, asset: Asset) -> str:
    """The prompt for one asset (placeholders were checked with the manifest)."""
    values = {
        "asset_id": asset.asset_id,
        "name": asset.name,
        "slug": asset.slug,
        "category": asset.category,
        "specs": json.dumps(dict(asset.specs), ensure_ascii=False, sort_keys=True, default=str),
    }
    return Template(template).substitute(values)
