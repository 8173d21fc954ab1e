"""A proxy in front of a real DAV server that misbehaves on cue, for the sync fault tests.

It forwards every request to the server behind it (Radicale, started by the test) and answers
with what the server said, except where a rule says otherwise: answer a status of its own (500,
507, 403 for an expired sync token), answer late (longer than the client waits), redirect, or do
something first (another client's write, just before ours, for a genuine 412). Rules match a
method and a part of the path, and apply a given number of times. Nothing is mocked: the server
behind is the real one, and so is its data.
"""

from __future__ import annotations

import contextlib
import http.client
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.servers.radicale import Server


@dataclass
class Rule:
    method: str
    path: str = ""  # a part of the path; "" matches every path
    status: int = 0  # answer this instead of forwarding
    body: bytes = b""
    delay: float = 0.0  # wait this long before answering
    location: str = ""  # answer a redirect to here
    before: Callable[[], None] | None = None  # run before forwarding
    hold: threading.Event | None = None  # wait for this before forwarding (a sync caught mid-way)
    times: int = 1
    after: int = 0  # let this many matching requests through first
    used: int = 0
    passed: int = 0


class FaultProxy:
    def __init__(self, server: Server) -> None:
        self.server = server
        self.rules: list[Rule] = []
        self.seen: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args) -> None:
                pass

            def _any(self) -> None:
                proxy._handle(self)

            do_GET = do_PUT = do_DELETE = do_PROPFIND = do_REPORT = do_MKCOL = do_MKCALENDAR = do_OPTIONS = _any
            do_POST = do_PROPPATCH = do_HEAD = _any

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def add(self, **rule) -> Rule:
        made = Rule(**rule)
        with self.lock:
            self.rules.append(made)
        return made

    def _rule_for(self, method: str, path: str) -> Rule | None:
        with self.lock:
            for rule in self.rules:
                if rule.method == method and rule.path in path and rule.used < rule.times:
                    if rule.passed < rule.after:
                        rule.passed += 1
                        return None
                    rule.used += 1
                    return rule
        return None

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        method, path = handler.command, handler.path
        with self.lock:
            self.seen.append((method, path))
        rule = self._rule_for(method, path)
        if rule is not None:
            if rule.hold is not None:
                rule.hold.wait(60)
            if rule.delay:
                time.sleep(rule.delay)
            if rule.before is not None:
                rule.before()
            if rule.location:
                return self._answer(handler, 301, b"", {"Location": rule.location})
            if rule.status:
                return self._answer(handler, rule.status, rule.body, {"Content-Type": "application/xml"})
        headers = {key: value for key, value in handler.headers.items() if key.lower() not in ("host", "connection")}
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
            passed = {key: value for key, value in response.getheaders()
                      if key.lower() not in ("transfer-encoding", "connection", "content-length")}
            self._answer(handler, response.status, answer, passed)
        finally:
            connection.close()

    @staticmethod
    def _answer(handler: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict) -> None:
        try:
            handler.send_response(status)
            for key, value in headers.items():
                handler.send_header(key, value)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting: as a real server sees it
            pass


@contextlib.contextmanager
def fault_proxy(server: Server) -> Iterator[FaultProxy]:
    proxy = FaultProxy(server)
    thread = threading.Thread(target=proxy.httpd.serve_forever, name="fault-proxy", daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        for rule in proxy.rules:  # nothing left waiting
            if rule.hold is not None:
                rule.hold.set()
        proxy.httpd.shutdown()
        proxy.httpd.server_close()
        thread.join(10)
