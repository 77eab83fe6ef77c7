"""The http extractor end to end: `batchproc apply` against a real server on 127.0.0.1 and a real repo."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import git
from http_server import FACTS, ChatServer, Drip, Hang, Raw, Reply, Status

from batchproc._cli import main
from batchproc._context import RunContext
from batchproc._manifest import load_manifest
from batchproc._plugins import make_plugin_manager
from batchproc._runner import run_batch
from batchproc._stages.http_extractor import VERSION

KEY = "sk-test-0123456789abcdef"


@pytest.fixture
def batch(repo: Path, write_png: Callable[..., Path], chat_server: ChatServer) -> Callable[..., Path]:
    """Write ``repo/batch.yaml`` with ``count`` assets (ASSET-1…) and http options; return its path."""
    git(repo, "commit", "--quiet", "--allow-empty", "-m", "start")

    def make(count: int = 1, **options: object) -> Path:
        settings = {"base_url": chat_server.base_url, "model": "test-vision", "backoff": 0.01, "prompt": "Describe $asset_id."}
        settings.update(options)
        settings = {name: value for name, value in settings.items() if value is not None}
        lines = ["batch_id: remote", "extractor:", "  name: http", f"  options: {json.dumps(settings)}", "assets:"]
        for number in range(1, count + 1):
            write_png(f"frontend/images/a{number}.png", colour=f"#{number * 40:02x}3050")
            lines.append(f"  - {{asset_id: ASSET-{number}, path: images/a{number}.png, score: 95}}")
        path = repo / "batch.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return make


def apply(manifest: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["apply", str(manifest), "-q", *args])
    out, err = capsys.readouterr()
    return code, out, err


def failed(manifest: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """Apply a batch that must fail: exit 1, same commits, clean work tree; return the error lines."""
    repo = manifest.parent
    revisions = git(repo, "rev-list", "--all")
    code, out, err = apply(manifest, capsys)
    assert (code, out) == (1, "")
    assert git(repo, "rev-list", "--all") == revisions
    assert git(repo, "status", "--porcelain") == "?? batch.yaml\n?? images/\n"
    return err.splitlines()


def test_five_assets_go_out_at_once_and_land_as_one_commit(batch, chat_server: ChatServer, repo: Path, capsys) -> None:
    chat_server.latency = 0.5  # long enough that all five overlap even on a loaded machine
    code, out, err = apply(batch(5), capsys)
    assert (code, err) == (0, "")
    assert out.startswith("Processed: 5 assets in ")
    assert (chat_server.count, chat_server.max_in_flight) == (5, 5)
    assert git(repo, "rev-list", "--count", "HEAD") == "2\n"
    context = git(repo, "show", "HEAD:assets/ASSET-1-a1/context.md")
    assert f"## Seen by the vision model (http {VERSION})" in context
    assert FACTS["narrative"] in context and "- **motifs**: gold stars, curtain folds" in context


def test_max_concurrency_caps_requests_in_flight_for_the_whole_run(batch, chat_server: ChatServer, capsys) -> None:
    chat_server.latency = 0.2
    code, _, err = apply(batch(5, max_concurrency=2), capsys)
    assert (code, err) == (0, "")
    assert (chat_server.count, chat_server.max_in_flight) == (5, 2)


def test_reapplying_makes_no_request_and_no_commit(batch, chat_server: ChatServer, repo: Path, capsys) -> None:
    manifest = batch(3)
    assert apply(manifest, capsys)[0] == 0
    head = git(repo, "rev-parse", "HEAD")
    code, out, _ = apply(manifest, capsys)
    assert code == 0 and "No changes" in out
    assert chat_server.count == 3
    assert git(repo, "rev-parse", "HEAD") == head
    assert apply(manifest, capsys, "--no-cache")[0] == 0
    assert chat_server.count == 6


def test_plan_fills_the_cache_that_apply_then_uses(batch, chat_server: ChatServer, repo: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("BATCHPROC_CACHE_DIR", str(repo.parent / "moved-cache"))
    manifest = batch(2)
    assert main(["plan", str(manifest)]) == 0
    assert apply(manifest, capsys)[0] == 0
    assert chat_server.count == 2
    assert len(list((repo.parent / "moved-cache/idf").rglob("*.json"))) == 2
    assert not (Path.home() / ".cache/batchproc").exists()


def test_the_request_carries_the_prompt_the_png_and_the_key_only_in_its_header(
    batch, chat_server: ChatServer, repo: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("VISION_KEY", KEY)
    manifest = batch(1, api_key_env="VISION_KEY", prompt=None)  # the default prompt
    assert apply(manifest, capsys)[0] == 0
    (request,) = chat_server.requests
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    body = request.json
    assert body["model"] == "test-vision"
    (message,) = body["messages"]
    prompt, image = message["content"]
    assert prompt["type"] == "text" and 'The asset is called "a1" (category: specimens). Declared facts: {}' in prompt["text"]
    assert image["image_url"]["url"] == "data:image/png;base64," + base64.b64encode(
        (repo / "images/a1.png").read_bytes()
    ).decode()
    assert KEY not in request.body.decode()
    cache = Path.home() / ".cache" / "batchproc"
    assert all(KEY not in entry.read_text() for entry in cache.rglob("*.json"))
    assert git(repo, "grep", "-c", KEY, "HEAD", check=False) == ""


def test_a_key_echoed_by_the_server_is_redacted(batch, chat_server: ChatServer, repo: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("VISION_KEY", KEY)
    chat_server.queue(Status(401, body=json.dumps({"error": {"message": f"Incorrect API key provided: {KEY}."}})))
    assert failed(batch(1, api_key_env="VISION_KEY"), capsys)[0] == (
        "error: ASSET-1: http extractor: server answered 401 Unauthorized: Incorrect API key provided: ***.; "
        f"check the API key ({chat_server.base_url}/chat/completions)"
    )
    assert chat_server.count == 1


def test_a_missing_key_variable_is_bad_input_found_before_any_image_is_read(batch, chat_server: ChatServer, capsys) -> None:
    manifest = batch(3, api_key_env="NO_SUCH_KEY")
    code, out, err = apply(manifest, capsys)
    assert (code, out) == (2, "")
    assert err == (
        f"error: {manifest}: extractor.options.api_key_env: the environment variable NO_SUCH_KEY is not set; "
        "export the API key in it\n"
    )
    assert chat_server.count == 0


def test_503_then_429_are_retried_and_the_batch_lands(batch, chat_server: ChatServer, capsys) -> None:
    chat_server.queue(Status(503), Status(429, {"Retry-After": "1"}), Status(502))
    code, _, err = apply(batch(1), capsys)
    assert (code, err) == (0, "")
    _, second, third, _ = (request.started for request in chat_server.requests)
    assert third - second >= 1.0  # Retry-After: 1 honoured over the 0.02 s backoff


def test_after_the_last_retry_the_asset_fails_with_one_line_and_nothing_is_written(
    batch, chat_server: ChatServer, repo: Path, capsys
) -> None:
    chat_server.default = Status(503)
    assert failed(batch(1, retries=3), capsys) == [
        f"error: ASSET-1: http extractor: server answered 503 after 4 attempts ({chat_server.base_url}/chat/completions)",
        "error: 1 asset failed; nothing was written and no commit was made",
    ]
    assert chat_server.count == 4


@pytest.mark.parametrize(
    ("retry_after", "requests"),
    [("Thu, 01 Jan 1970 00:00:00 GMT", 2), ("soon-ish", 2)],
    ids=["http-date-in-the-past", "garbage"],
)
def test_retry_after_dates_and_garbage(batch, chat_server: ChatServer, capsys, retry_after: str, requests: int) -> None:
    chat_server.queue(Status(429, {"Retry-After": retry_after}))
    assert apply(batch(1), capsys)[0] == 0
    assert chat_server.count == requests


def test_a_retry_after_beyond_max_backoff_fails_at_once(batch, chat_server: ChatServer, capsys) -> None:
    chat_server.queue(Status(429, {"Retry-After": "120"}))
    assert failed(batch(1, max_backoff=5), capsys)[0] == (
        "error: ASSET-1: http extractor: server answered 429 and asked to wait 120 s (Retry-After), "
        f"more than max_backoff 5 s ({chat_server.base_url}/chat/completions)"
    )
    assert chat_server.count == 1


def test_a_dripping_server_hits_the_deadline(batch, chat_server: ChatServer, capsys) -> None:
    chat_server.default = Drip(interval=0.02)
    assert failed(batch(1, deadline=0.3, timeout=5, retries=1), capsys)[0] == (
        "error: ASSET-1: http extractor: no complete reply within the 0.3 s deadline after 2 attempts "
        f"({chat_server.base_url}/chat/completions)"
    )
    assert chat_server.count == 2


@pytest.mark.parametrize(
    ("limits", "cause"),
    [
        ({"timeout": 0.2}, "server sent nothing for 0.2 s (timeout)"),
        ({"timeout": 30, "deadline": 0.25}, "no complete reply within the 0.25 s deadline"),
    ],
    ids=["read-timeout", "deadline"],
)
def test_a_hanging_server_hits_the_read_timeout_or_the_deadline(
    batch, chat_server: ChatServer, capsys, limits: dict[str, float], cause: str
) -> None:
    chat_server.default = Hang()
    assert failed(batch(1, retries=0, **limits), capsys)[0] == (
        f"error: ASSET-1: http extractor: {cause} after 1 attempt ({chat_server.base_url}/chat/completions)"
    )


def test_one_failure_cancels_the_others_and_nothing_is_written(batch, chat_server: ChatServer, repo: Path, capsys) -> None:
    chat_server.latency = 0.2  # every request has arrived before ASSET-2's answer
    chat_server.default = Hang()  # the others would wait for ever (well, for the 30 s deadline)
    chat_server.queue(Status(500), when="ASSET-2")
    assert failed(batch(3, retries=0, deadline=30), capsys) == [
        f"error: ASSET-2: http extractor: server answered 500 after 1 attempt ({chat_server.base_url}/chat/completions)",
        "error: 1 asset failed; nothing was written and no commit was made",
    ]
    assert chat_server.count == 3


@pytest.mark.parametrize(
    "content",
    [
        "```json\n" + json.dumps(FACTS, indent=2) + "\n```",
        "Sure! Here are the facts:\n" + json.dumps(FACTS) + "\nHope this helps.",
        "```\n" + json.dumps(FACTS) + "\n```",
    ],
    ids=["json-fence", "prose", "bare-fence"],
)
def test_fenced_and_prose_replies_are_parsed(batch, chat_server: ChatServer, repo: Path, capsys, content: str) -> None:
    chat_server.default = Reply(content)
    assert apply(batch(1), capsys)[0] == 0
    assert FACTS["narrative"] in git(repo, "show", "HEAD:assets/ASSET-1-a1/context.md")


@pytest.mark.parametrize(
    ("reply", "cause"),
    [
        (Reply(json.dumps({**FACTS, "motifs": "stars"})), "reply does not fit the IDF: semantic.motifs: expected a list of text, got 'stars'"),
        (Reply(json.dumps({**FACTS, "mode": "dusky"})), "reply does not fit the IDF: semantic.mode: expected 'dark' or 'light', got 'dusky'"),
        (Reply(json.dumps({**FACTS, "motifs": ["stars", 3]})), "reply does not fit the IDF: semantic.motifs[1]: expected text, got 3"),
        (
            Reply(json.dumps({**FACTS, "colour": "red"})),
            "reply does not fit the IDF: semantic.colour: unknown key; expected one of motifs, mode, purpose, narrative",
        ),
        (Reply("I cannot describe this image."), "the model's answer holds no JSON object: 'I cannot describe this image.'"),
        (Raw(b"<html>Bad Gateway</html>"), "reply is not JSON: '<html>Bad Gateway</html>'"),
        (Raw(b'{"data": []}'), "reply is not a chat completion (no choices[0].message.content)"),
    ],
    ids=["motifs-not-a-list", "mode-not-allowed", "motif-not-text", "unknown-key", "no-json", "not-json", "not-a-completion"],
)
def test_a_reply_that_does_not_fit_fails_the_asset_naming_the_field(
    batch, chat_server: ChatServer, repo: Path, capsys, reply, cause: str
) -> None:
    chat_server.default = reply
    assert failed(batch(1), capsys)[0] == f"error: ASSET-1: http extractor: {cause} ({chat_server.base_url}/chat/completions)"
    assert chat_server.count == 1  # a bad answer is not retried: the model would say it again


def test_the_rate_limit_is_shared_by_the_assets_of_a_run_and_dies_with_it(batch, chat_server: ChatServer) -> None:
    manifest = load_manifest(batch(3, requests_per_minute=3))
    for _ in range(2):  # a limit that outlived the run would hold the second run for a minute
        run = RunContext(repo_root=manifest.path.parent, use_cache=False)
        run_batch(manifest, make_plugin_manager(autoload=False), run)
        assert len(run.plugin_state["http"].rate.starts) == 3
    assert chat_server.count == 6
