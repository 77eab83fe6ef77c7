"""A real OpenAI-compatible chat-completions server on 127.0.0.1, for tests and benchmarks.

Threaded (one thread per connection, like a real server under load) and scriptable: a fixed
latency per request, then per request a *behaviour* taken from a queue (a status with headers,
a slow drip, a hang, a malformed or fenced reply), and a default reply once the queue is empty.
It records what a test needs to assert: how many requests came, the most in flight at once,
when each started, and every request's headers and body.

    with ChatServer(latency=0.2) as server:
        server.queue(Status(503), Status(429, {"Retry-After": "1"}))
        ...  # point base_url at server.base_url
        assert server.count == 3 and server.max_in_flight == 1
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

FACTS = {
    "motifs": ["gold stars", "curtain folds"],
    "mode": "dark",
    "purpose": "section background",
    "narrative": "A plum velvet tile scattered with gold stars, for theatre nights.",
}
"""What the server's model 'sees' by default: facts that fit the IDF."""


@dataclass(frozen=True)
class Reply:
    """200 with a chat completion whose answer is ``content`` (text as the model wrote it)."""

    content: str = json.dumps(FACTS)


@dataclass(frozen=True)
class Status:
    """An error status with headers (``Status(429, {"Retry-After": "2"})``)."""

    code: int
    headers: dict[str, str] = field(default_factory=dict)
    body: str = '{"error": {"message": "try again later"}}'


@dataclass(frozen=True)
class Drip:
    """200, then the body one byte every ``interval`` seconds: never silent long enough for a read timeout."""

    interval: float = 0.05


@dataclass(frozen=True)
class Hang:
    """Read the request, then answer nothing until the server stops."""


@dataclass(frozen=True)
class Raw:
    """200 with exactly these bytes as the body (a malformed reply)."""

    body: bytes


Behaviour = Reply | Status | Drip | Hang | Raw


@dataclass
class Request:
    """One request as the server saw it."""

    started: float
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class ChatServer:
    """The server; a context manager that starts it on a free port and stops it."""

    def __init__(self, latency: float = 0.0, default: Behaviour = Reply()) -> None:
        self.latency = latency
        self.default = default
        self.requests: list[Request] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._queues: list[tuple[str | None, list[Behaviour]]] = []
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, name="chat-server", daemon=True
        )

    @property
    def base_url(self) -> str:
        """What a manifest writes as ``base_url``."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    @property
    def count(self) -> int:
        """Requests received so far."""
        with self._lock:
            return len(self.requests)

    def queue(self, *behaviours: Behaviour, when: str | None = None) -> None:
        """Answer the next requests with ``behaviours`` in order; with ``when``, only requests whose
        body contains that text (an asset's id in the prompt) take from this queue."""
        with self._lock:
            self._queues.append((when, list(behaviours)))

    def _next(self, body: bytes) -> Behaviour:
        text = body.decode("utf-8", "replace")
        with self._lock:
            for when, behaviours in self._queues:
                if behaviours and (when is None or when in text):
                    return behaviours.pop(0)
        return self.default

    def __enter__(self) -> ChatServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()


def _handler(server: ChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

        def handle(self) -> None:
            try:
                super().handle()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client closed a kept-alive connection: normal, not a test failure

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with server._lock:
                server.requests.append(Request(time.monotonic(), dict(self.headers.items()), body))
                server.in_flight += 1
                server.max_in_flight = max(server.max_in_flight, server.in_flight)
            try:
                if self.path != "/v1/chat/completions":
                    self._send(404, b'{"error": {"message": "no such route"}}')
                    return
                behaviour = server._next(body)
                if server.stopping.wait(server.latency):
                    return
                self._behave(behaviour, json.loads(body).get("model", ""))
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (deadline, cancellation): that is what tests provoke
            finally:
                with server._lock:
                    server.in_flight -= 1

        def _behave(self, behaviour: Behaviour, model: str) -> None:
            if isinstance(behaviour, Reply):
                completion = {
                    "id": "chatcmpl-test",
                    "object": "chat.completion",
                    "model": model,
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": behaviour.content}, "finish_reason": "stop"}],
                }
                self._send(200, json.dumps(completion).encode())
            elif isinstance(behaviour, Status):
                self._send(behaviour.code, behaviour.body.encode(), behaviour.headers)
            elif isinstance(behaviour, Raw):
                self._send(200, behaviour.body)
            elif isinstance(behaviour, Drip):
                data = json.dumps({"choices": [{"message": {"content": json.dumps(FACTS)}}]}).encode()
                self._start(200, len(data), {})
                for byte in data:
                    if server.stopping.wait(behaviour.interval):
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
            else:  # Hang
                server.stopping.wait()
                self.close_connection = True

        def _start(self, code: int, length: int, headers: dict[str, str]) -> None:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(length))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()

        def _send(self, code: int, data: bytes, headers: dict[str, str] | None = None) -> None:
            self._start(code, len(data), headers or {})
            self.wfile.write(data)
            self.wfile.flush()

    return Handler


@pytest.fixture
def chat_server() -> Iterator[ChatServer]:
    """A fresh server with no latency; tests set ``latency`` and queue behaviours."""
    with ChatServer() as server:
        yield server
