"""A local Peppol access point for tests: a threaded HTTP server that records what it gets.

It behaves as a real access point's HTTP API does where Samla relies on it: a document is
POSTed with a bearer key and an `Idempotency-Key`; a key seen before answers the first
answer again (the document is not taken twice); a wrong key is 401. Tests can make it
answer an error status the next n times (`fail_next`), or take the document and then
hang past the client's timeout (`hang_next`: the document arrived, the answer is lost).

`received` lists the documents taken (one per idempotency key); `requests` every request.

    with FakeAccessPoint() as ap:
        client = HttpAccessPoint(ap.url, ap.key, timeout=1)
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

PATH = "/v1/documents"


@dataclass(frozen=True)
class Received:
    body: bytes
    headers: dict[str, str]
    message_id: str

    @property
    def idempotency_key(self) -> str:
        return self.headers.get("idempotency-key", "")


class FakeAccessPoint:
    def __init__(self, key: str = "ap-test-key") -> None:
        self.key = key
        self.received: list[Received] = []
        self.requests: list[Received] = []
        self._by_key: dict[str, str] = {}
        self._failures: list[int] = []
        self._hangs: list[float] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{PATH}"

    def fail_next(self, times: int = 1, status: int = 500) -> None:
        """Answer `status` (taking nothing) to the next `times` requests."""
        with self._lock:
            self._failures.extend([status] * times)

    def hang_next(self, times: int = 1, seconds: float = 5.0) -> None:
        """Take the next `times` documents, then wait `seconds` before answering."""
        with self._lock:
            self._hangs.extend([seconds] * times)

    def start(self) -> FakeAccessPoint:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeAccessPoint:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def _take(self, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any], float]:
        """(status, JSON answer, seconds to wait before answering) for one request."""
        with self._lock:
            self.requests.append(Received(body, headers, ""))
            if headers.get("authorization") != f"Bearer {self.key}":
                return 401, {"error": "unauthorized"}, 0.0
            if self._failures:
                return self._failures.pop(0), {"error": "try again"}, 0.0
            key = headers.get("idempotency-key", "")
            if not key:
                return 400, {"error": "Idempotency-Key required"}, 0.0
            if not body.lstrip().startswith(b"<"):
                return 422, {"error": "not a UBL document"}, 0.0
            if key in self._by_key:
                return 200, {"message_id": self._by_key[key], "duplicate": True}, 0.0
            message_id = f"ap-{uuid.uuid4().hex[:16]}"
            self._by_key[key] = message_id
            self.received.append(Received(body, headers, message_id))
            hang = self._hangs.pop(0) if self._hangs else 0.0
            return 201, {"message_id": message_id}, hang

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {name.lower(): value for name, value in self.headers.items()}
                if self.path != PATH:
                    status, answer, hang = 404, {"error": "not found"}, 0.0
                else:
                    status, answer, hang = fake._take(body, headers)
                if hang:
                    fake._stopping.wait(hang)
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up waiting

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler
