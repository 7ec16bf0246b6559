"""crowdmock's HTTP protocol for uvicorn (`crowdmock serve` runs uvicorn with `http=CrowdmockProtocol`): uvicorn's
httptools protocol with a response writer of our own, which

- writes a vendor's reason phrase into the status line (REASON_KEY, core/reason.py): Drupal Services answers
  `HTTP/1.1 403 : Access denied for user anonymous`, and ASGI has no field for it;
- writes the status line, headers and first body chunk in one write (uvicorn writes the head and the body apart:
  two system calls where one does);
- logs each request in uvicorn's access-log format at a fraction of its cost (`AccessLog`);
- offers DROP_EXTENSION in the scope: a callable that closes the connection without a response (fault rules).

The writer follows uvicorn's own `RequestResponseCycle.send` (uvicorn is pinned in requirements/), which stays the
fallback for everything not named here."""

import asyncio
import atexit
import logging
import re
import sys
from http import HTTPStatus

from starlette.types import Message
from uvicorn.protocols.http.httptools_impl import (
    HEADER_RE,
    HEADER_VALUE_RE,
    STATUS_LINE,
    HttpToolsProtocol,
    RequestResponseCycle,
)

from crowdmock.core.reason import REASON_KEY

# The scope extension through which fault rules drop a connection (app/core/faults.py).
DROP_EXTENSION = "crowdmock.drop_connection"
_UNSAFE = re.compile(r"[^\x20-\x7e]")
UVICORN_ACCESS_FORMAT = '%(levelprefix)s %(client_addr)s - "%(request_line)s" %(status_code)s'  # its default config
# Characters per write: PIPE_BUF (4096 bytes on Linux, what a pipe writes whole) over the 2 bytes in UTF-8 of any
# character a line holds (a request target is decoded from latin-1).
ATOMIC_WRITE = 2048
_PHRASES = {status.value: status.phrase for status in HTTPStatus}


class AccessLog:
    """uvicorn's access log line (`INFO:     127.0.0.1:5000 - "GET /path HTTP/1.1" 200 OK`), the same text its
    default configuration prints, without a log record, a formatter and a flushed write per request: lines are
    gathered and written to stdout together, at most FLUSH_AFTER seconds after the first of them (so `docker compose
    logs` shows them at once). Where uvicorn's access logger is configured otherwise (`--log-config`, a terminal
    that gets colours), it is used as it is. `CROWDMOCK_ACCESS_LOG=false` turns the log off."""

    FLUSH_AFTER = 0.05
    MAX_LINES = 512

    def __init__(self):
        self.lines: list[str] = []
        atexit.register(self.flush)

    def add(self, line: str, loop) -> None:
        lines = self.lines
        lines.append(line)
        if len(lines) == 1:
            loop.call_later(self.FLUSH_AFTER, self.flush)
        elif len(lines) >= self.MAX_LINES:
            self.flush()

    def flush(self) -> None:
        lines, self.lines = self.lines, []
        chunk, size = [], 0
        try:
            for line in lines:
                if size + len(line) > ATOMIC_WRITE and chunk:
                    self._write("".join(chunk))
                    chunk, size = [], 0
                chunk.append(line)
                size += len(line)
            if chunk:
                self._write("".join(chunk))
        except (OSError, ValueError):  # stdout closed or gone: the log is lost, not the request
            pass

    @staticmethod
    def _write(text: str) -> None:
        # One write each, of whole lines: the workers of `--workers N` share the pipe, and a write up to PIPE_BUF
        # bytes is never interleaved with another's.
        sys.stdout.write(text)
        sys.stdout.flush()


ACCESS_LOG = AccessLog()


def _access_log_mode(logger: logging.Logger) -> str:
    """ "fast" (our writer), "logger" (uvicorn's logger, configured by the user or colouring a terminal) or "off"."""
    from crowdmock.settings import Settings

    if not Settings().access_log or not logger.isEnabledFor(logging.INFO) or not logger.hasHandlers():
        return "off"
    handlers = logger.handlers
    default = (
        len(handlers) == 1
        and type(handlers[0]) is logging.StreamHandler
        and getattr(handlers[0], "stream", None) is sys.stdout
        and not getattr(handlers[0].formatter, "use_colors", False)
        and getattr(handlers[0].formatter, "_fmt", None) == UVICORN_ACCESS_FORMAT
    )
    return "fast" if default else "logger"


class CrowdmockCycle(RequestResponseCycle):
    """One request and its response on a connection (uvicorn's cycle with the writer described above)."""

    log_mode = "off"  # set per connection by CrowdmockProtocol
    target = b""  # the request target as sent (layers may rewrite the scope's path: a tenant's `/t/<name>`)
    head = b""  # status line and headers not yet written: they go with the first body chunk

    def drop_connection(self) -> None:
        """Hang up without a response (a fault rule's `drop_connection`)."""
        self.response_started = self.response_complete = self.disconnected = True
        self.transport.close()

    async def send(self, message: Message) -> None:
        if self.flow.write_paused and not self.disconnected:
            await self.flow.drain()
        if self.disconnected:
            return
        if not self.response_started:
            if message["type"] != "http.response.start":
                raise RuntimeError(f"Expected ASGI message 'http.response.start', but got '{message['type']}'.")
            self._start(message)
        elif not self.response_complete:
            if message["type"] != "http.response.body":
                raise RuntimeError(f"Expected ASGI message 'http.response.body', but got '{message['type']}'.")
            self._body(message.get("body", b""), message.get("more_body", False))
        else:
            raise RuntimeError(f"Unexpected ASGI message '{message['type']}' sent, after response already completed.")

    def _start(self, message: Message) -> None:
        self.response_started = True
        self.waiting_for_100_continue = False
        status = message["status"]
        scope = self.scope
        if self.log_mode != "off":
            self._log(status)
        reason = message.get(REASON_KEY)
        if reason:
            content = [f"HTTP/1.1 {status} {_UNSAFE.sub('', str(reason))}\r\n".encode("ascii")]
        else:
            content = [STATUS_LINE[status]]
        has_connection_close = False
        for name, value in (*self.default_headers, *message.get("headers", ())):
            if HEADER_RE.search(name):
                raise RuntimeError("Invalid HTTP header name.")
            if HEADER_VALUE_RE.search(value):
                raise RuntimeError("Invalid HTTP header value.")
            name = name.lower()
            if name == b"content-length" and self.chunked_encoding is None:
                self.expected_content_length = int(value.decode())
                self.chunked_encoding = False
            elif name == b"transfer-encoding" and value.lower() == b"chunked":
                self.expected_content_length = 0
                self.chunked_encoding = True
            elif name == b"connection" and b"close" in [token.lower().strip() for token in value.split(b",")]:
                self.keep_alive = False
                has_connection_close = True
            content.extend((name, b": ", value, b"\r\n"))
        if not self.keep_alive and not has_connection_close:
            content.append(b"connection: close\r\n")
        if self.chunked_encoding is None and scope["method"] != "HEAD" and status not in (204, 304):
            self.chunked_encoding = True
            content.append(b"transfer-encoding: chunked\r\n")
        content.append(b"\r\n")
        self.head = b"".join(content)

    def _body(self, body: bytes, more_body: bool) -> None:
        head, self.head = self.head, b""
        if self.scope["method"] == "HEAD":
            self.expected_content_length = 0
            data = head
        elif self.chunked_encoding:
            data = head + (b"%x\r\n%b\r\n" % (len(body), body) if body else b"") + (b"" if more_body else b"0\r\n\r\n")
        else:
            if len(body) > self.expected_content_length:
                raise RuntimeError("Response content longer than Content-Length")
            self.expected_content_length -= len(body)
            data = head + body if head else body
        if data:
            self.transport.write(data)
        if not more_body:
            if self.expected_content_length != 0:
                raise RuntimeError("Response content shorter than Content-Length")
            self.response_complete = True
            self.message_event.set()
            if not self.keep_alive:
                self.transport.close()
            self.on_response()

    def _log(self, status: int) -> None:
        scope = self.scope
        client = scope.get("client")
        address = f"{client[0]}:{client[1]}" if client else ""
        target = self.target.decode("latin1")
        if scope["query_string"]:
            target = f"{target}?{scope['query_string'].decode('ascii')}"
        target = target.replace('"', "%22")
        if self.log_mode == "fast":
            line = f'INFO:     {address} - "{scope["method"]} {target} HTTP/{scope["http_version"]}" '
            ACCESS_LOG.add(f"{line}{status} {_PHRASES.get(status, '')}\n", asyncio.get_running_loop())
        else:
            self.access_logger.info(
                '%s - "%s %s HTTP/%s" %d', address, scope["method"], target, scope["http_version"], status
            )


class CrowdmockProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, answering through CrowdmockCycle."""

    log_mode: str | None = None  # decided on the first connection, once logging is configured

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        if CrowdmockProtocol.log_mode is None:
            CrowdmockProtocol.log_mode = _access_log_mode(self.access_logger)

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        # The cycle was just created and its task not yet started; give it our writer.
        cycle = self.cycle
        if type(cycle) is RequestResponseCycle:
            cycle.__class__ = CrowdmockCycle
            cycle.log_mode, cycle.target = self.log_mode, self.scope["raw_path"]
            cycle.scope.setdefault("extensions", {})[DROP_EXTENSION] = cycle.drop_connection
