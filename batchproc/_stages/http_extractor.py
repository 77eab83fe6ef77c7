"""Built-in extractor ``http``: a vision model behind an OpenAI-compatible chat-completions API.

The only module in batchproc that imports httpx. For each asset it measures the pixels locally
(size, palette and coverage always come from the pixels) while, at the same time, it sends the
PNG and the prompt to the server; the reply's semantic facts are validated against the IDF
model and merged in. Every asset of a run shares one concurrency limit and one rate limit.
The API key is read from the environment variable the manifest names and goes only into the
``Authorization`` header: never into a message, a report or the cache.
"""

from __future__ import annotations

import base64
import json
import ssl
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import trio

from batchproc._context import RunContext
from batchproc._remote.options import (
    HttpOptions,
    api_key,
    load_options,
    option_problems,
    prompt_template,
    render_prompt,
)
from batchproc._remote.pacing import RateLimit, backoff_delay, retry_after_seconds
from batchproc._remote.reply import ReplyError, semantic_from_reply
from batchproc._stages import local_extractor
from batchproc.errors import BatchprocError, ExtractionError
from batchproc.hookspecs import hookimpl
from batchproc.models import IDF, Asset, ExtractorInfo, Manifest, Semantic

if TYPE_CHECKING:
    import httpx  # imported where a request is made: a local-only batch never pays for it

NAME = "http"
VERSION = f"{local_extractor.VERSION}.http.1"
"""Part of the cache key: the pixel measurement's version plus this extractor's (bump on a
change to the request or the default prompt)."""

MAX_REPLY_BYTES = 2_000_000
"""A chat completion with a few facts is a few kilobytes; more is a server gone wrong."""


@hookimpl
def batchproc_extractors() -> Mapping[str, str]:
    """``http`` at :data:`VERSION`."""
    return {NAME: VERSION}


@hookimpl
def batchproc_check_manifest(manifest: Manifest) -> Sequence[BatchprocError] | None:
    """Bad options or an unreadable prompt file stop the run before any image is read."""
    if manifest.extractor.name != NAME:
        return None
    return option_problems(manifest)


@hookimpl(trylast=True)
def batchproc_extract(asset: Asset, manifest: Manifest, run: RunContext) -> Awaitable[IDF] | None:
    """The pixels' facts plus the model's ``semantic`` facts, when the manifest chose ``http``."""
    if manifest.extractor.name != NAME:
        return None
    return _extract(asset, manifest, run)


@dataclass
class _RunState:
    """What every asset of one run shares: options, prompt, key, and the two limits."""

    options: HttpOptions
    template: str
    api_key: str | None
    slots: trio.Semaphore
    rate: RateLimit | None
    tls: ssl.SSLContext
    """Loading the CA certificates takes ~60 ms of the event loop: once per run, not per asset."""


def _run_state(run: RunContext, manifest: Manifest) -> _RunState:
    """The run's state, made by the first asset that asks (inside trio, where the limits live)."""
    state = run.plugin_state.get(NAME)
    if state is None:
        import httpx

        options = load_options(manifest)  # checked with the manifest already; again for library callers
        state = _RunState(
            options=options,
            template=prompt_template(options, manifest),
            api_key=api_key(options, manifest),
            slots=trio.Semaphore(options.max_concurrency),
            rate=RateLimit(options.requests_per_minute) if options.requests_per_minute else None,
            tls=httpx.create_ssl_context(),
        )
        run.plugin_state[NAME] = state
    return state


async def _extract(asset: Asset, manifest: Manifest, run: RunContext) -> IDF:
    state = _run_state(run, manifest)
    prompt = render_prompt(state.template, asset)
    measured: list[IDF] = []

    async def measure() -> None:
        measured.append(await run.to_thread(local_extractor.measure_idf, asset.path))

    try:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(measure)  # the pixels are measured while the model thinks
            semantic = await _ask(state, asset, prompt, await run.to_thread(_read, asset))
    except BaseExceptionGroup as group:
        _raise_user_error(group)
    info = ExtractorInfo(name=NAME, version=VERSION, model=state.options.model)
    return measured[0].model_copy(update={"semantic": semantic, "extractor": info})


def _read(asset: Asset) -> bytes:
    try:
        return asset.path.read_bytes()
    except OSError as error:
        raise ExtractionError(f"http extractor: cannot read {asset.source}: {error.strerror}") from None


def _raise_user_error(group: BaseExceptionGroup) -> None:
    """Raise the user-facing error in the group as itself (the runner shows it as one line)."""
    user_errors, _ = group.split(BatchprocError)
    if user_errors is None:
        raise group
    error: BaseException = user_errors
    while isinstance(error, BaseExceptionGroup):
        error = error.exceptions[0]
    raise error from None


@dataclass(frozen=True)
class _Failure:
    """One attempt that did not give a usable reply."""

    reason: str
    retryable: bool
    retry_after: float | None = None


async def _ask(state: _RunState, asset: Asset, prompt: str, image: bytes) -> Semantic:
    """The model's facts, retrying 429, 5xx and timeouts with capped exponential backoff."""
    options = state.options
    body = request_body(options.model, prompt, image)
    headers = {"Authorization": f"Bearer {state.api_key}"} if state.api_key else {}
    attempts = options.retries + 1

    def fail(reason: str) -> ExtractionError:
        return ExtractionError(f"http extractor: {_redact(reason, state.api_key)} ({options.endpoint})", where=asset.asset_id)

    import httpx

    async with httpx.AsyncClient(timeout=httpx.Timeout(options.timeout), headers=headers, verify=state.tls) as client:
        for attempt in range(attempts):
            async with state.slots:
                if state.rate is not None:
                    await state.rate.acquire()
                outcome = await _attempt(client, options, body)
            if isinstance(outcome, bytes):
                try:
                    return semantic_from_reply(outcome)
                except ReplyError as error:
                    raise fail(str(error)) from None
            if not outcome.retryable:
                raise fail(outcome.reason)
            if attempt == attempts - 1:
                noun = "attempt" if attempts == 1 else "attempts"
                raise fail(f"{outcome.reason} after {attempts} {noun}")
            delay = backoff_delay(attempt, options.backoff, options.max_backoff)
            if outcome.retry_after is not None:
                if outcome.retry_after > options.max_backoff:
                    raise fail(
                        f"{outcome.reason} and asked to wait {outcome.retry_after:g} s (Retry-After), "
                        f"more than max_backoff {options.max_backoff:g} s"
                    )
                delay = max(delay, outcome.retry_after)
            await trio.sleep(delay)
    raise AssertionError("unreachable: the loop returns or raises")


def request_body(model: str, prompt: str, image: bytes) -> dict[str, object]:
    """The chat-completion request: one user message with the prompt and the PNG as a data URL."""
    data_url = "data:image/png;base64," + base64.b64encode(image).decode("ascii")
    return {
        "model": model,
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": prompt},
                    {"type": "image_url", "image_url": {"url": data_url}},
                ],
            }
        ],
    }


async def _attempt(client: httpx.AsyncClient, options: HttpOptions, body: dict[str, object]) -> bytes | _Failure:
    """One request under the overall deadline: the reply's bytes, or why there are none."""
    import httpx

    with trio.move_on_after(options.deadline):
        try:
            async with client.stream("POST", options.endpoint, json=body) as response:
                if response.status_code == 429 or response.status_code >= 500:
                    retry_after = retry_after_seconds(response.headers.get("Retry-After"))
                    return _Failure(f"server answered {response.status_code}", True, retry_after)
                if response.status_code != 200:
                    return _Failure(await _refusal(response), False)
                data = bytearray()
                async for chunk in response.aiter_bytes():
                    data += chunk
                    if len(data) > MAX_REPLY_BYTES:
                        return _Failure(f"reply is larger than {MAX_REPLY_BYTES} bytes", False)
                return bytes(data)
        except httpx.TimeoutException as error:
            return _Failure(_timeout_reason(error, options.timeout), True)
        except httpx.TransportError as error:
            return _Failure(f"connection failed ({type(error).__name__}: {error or 'no detail'})", True)
    return _Failure(f"no complete reply within the {options.deadline:g} s deadline", True)


def _timeout_reason(error: httpx.TimeoutException, seconds: float) -> str:
    import httpx

    if isinstance(error, httpx.ConnectTimeout):
        return f"no connection within {seconds:g} s (timeout)"
    if isinstance(error, httpx.ReadTimeout):
        return f"server sent nothing for {seconds:g} s (timeout)"
    return f"request timed out after {seconds:g} s ({type(error).__name__})"


async def _refusal(response: httpx.Response) -> str:
    """Why the server refused (4xx other than 429): its own message when it gives one, and a hint."""
    import httpx

    reason = f"server answered {response.status_code} {response.reason_phrase}".rstrip()
    try:
        text = (await response.aread())[:4000].decode("utf-8", "replace")
        payload = json.loads(text)
        detail = payload.get("error", {}).get("message") if isinstance(payload.get("error"), dict) else payload.get("error")
    except (ValueError, AttributeError, httpx.HTTPError):
        detail = None
    if isinstance(detail, str) and detail.strip():
        reason += ": " + " ".join(detail.split())[:200]
    hint = {401: "check the API key", 403: "check the API key", 404: "check base_url and model"}.get(response.status_code)
    return f"{reason}; {hint}" if hint else reason


def _redact(text: str, secret: str | None) -> str:
    """A server may echo the key in an error message; it never reaches the user's screen."""
    return text.replace(secret, "***") if secret else text
