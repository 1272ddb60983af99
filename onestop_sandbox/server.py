"""The sandbox HTTP service: a ThreadingHTTPServer over the SQLAlchemy table of dossiers.

Fault injection (``POST /_faults``) exists only when the server is built with
``faults_enabled=True`` (``python -m onestop_sandbox --faults``); tests use it to make the
service misbehave the ways a real one-stop system does.
"""

from __future__ import annotations

import hmac
import json
import logging
import socket
import threading
import time
from dataclasses import asdict, dataclass
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import select

from onestop_sandbox.models import DATE_COLUMNS, dossiers, engine_for
from onestop_sandbox.seed import seed
from procedure_kb.working_days import today_in_vietnam

logger = logging.getLogger(__name__)

API_PREFIX = "/api/v1/dossiers/"
DATE_FORMAT = "%Y%m%d%H%M%S"
FAULT_MODES = ("none", "down", "slow", "http_error", "malformed", "unknown_status")
MAX_BODY = 4096


@dataclass
class Faults:
    """How the next API requests misbehave; ``times`` None means until changed."""

    mode: str = "none"
    delay: float = 5.0
    status: int = 503
    times: int | None = None


class SandboxServer(ThreadingHTTPServer):
    """The HTTP server; holds the database engine, the API key and the fault settings."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        database_url: str,
        api_key: str,
        faults_enabled: bool = False,
        today: date | None = None,
    ) -> None:
        self.engine = engine_for(database_url)
        self.api_key = api_key
        self.faults_enabled = faults_enabled
        self.faults = Faults()
        self._faults_lock = threading.Lock()
        seed(self.engine, today or today_in_vietnam())
        super().__init__(address, Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (timeout) is normal here; no traceback on stderr."""
        logger.debug("sandbox: connection ended early")

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def set_faults(self, faults: Faults) -> None:
        with self._faults_lock:
            self.faults = faults

    def take_fault(self) -> Faults:
        """The fault for this request (counting down ``times``)."""
        with self._faults_lock:
            current = Faults(**asdict(self.faults))
            if current.mode != "none" and self.faults.times is not None:
                self.faults.times -= 1
                if self.faults.times <= 0:
                    self.faults = Faults()
            return current

    def find(self, code: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(dossiers).where(dossiers.c.MaHoSo == code)).mappings().first()
        if row is None:
            return None
        record = dict(row)
        for column in DATE_COLUMNS:
            value = record.get(column)
            record[column] = value.strftime(DATE_FORMAT) if isinstance(value, datetime) else None
        return record


class Handler(BaseHTTPRequestHandler):
    """Routes: /health, /api/v1/dossiers/{code}, /_faults."""

    server: SandboxServer
    protocol_version = "HTTP/1.1"
    server_version = "OnestopSandbox/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        logger.debug("sandbox: " + format, *args)

    def _send_json(self, status: int, payload: Any) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self._send_raw(status, body)

    def _send_raw(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        path = urlsplit(self.path).path
        if path == "/health":
            self._send_json(200, {"status": "ok"})
        elif path.startswith(API_PREFIX):
            self._dossier(unquote(path[len(API_PREFIX) :]))
        elif path == "/_faults" and self.server.faults_enabled:
            self._send_json(200, asdict(self.server.faults))
        else:
            self._send_json(404, {"error": "not_found"})

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        if urlsplit(self.path).path != "/_faults" or not self.server.faults_enabled:
            self._send_json(404, {"error": "not_found"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            raw = json.loads(self.rfile.read(min(length, MAX_BODY)) or b"{}")
            faults = Faults(
                mode=str(raw.get("mode", "none")),
                delay=float(raw.get("delay", 5.0)),
                status=int(raw.get("status", 503)),
                times=int(raw["times"]) if raw.get("times") is not None else None,
            )
        except (ValueError, TypeError, AttributeError):
            self._send_json(400, {"error": "bad_request"})
            return
        if faults.mode not in FAULT_MODES:
            self._send_json(400, {"error": "unknown_mode", "modes": list(FAULT_MODES)})
            return
        self.server.set_faults(faults)
        self._send_json(200, asdict(faults))

    def _authorised(self) -> bool:
        given = self.headers.get("X-API-Key") or ""
        return hmac.compare_digest(given.encode(), self.server.api_key.encode())

    def _dossier(self, code: str) -> None:
        fault = self.server.take_fault()
        if fault.mode == "down":
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if fault.mode == "slow":
            time.sleep(fault.delay)
        if fault.mode == "http_error":
            self._send_json(fault.status, {"error": "internal_error"})
            return
        if not self._authorised():
            self._send_json(401, {"error": "unauthorized"})
            return
        if fault.mode == "malformed":
            self._send_raw(200, b'{"data": {"MaHoSo": "' + code.encode()[:8])
            return
        record = self.server.find(code.strip().upper())
        if record is None:
            self._send_json(404, {"error": "not_found"})
            return
        if fault.mode == "unknown_status":
            record["TrangThaiHoSo"] = "99"
        self._send_json(200, {"data": record})


def start_in_thread(
    host: str,
    port: int,
    database_url: str,
    api_key: str,
    faults_enabled: bool = False,
    today: date | None = None,
) -> tuple[SandboxServer, threading.Thread]:
    """Start a sandbox in a daemon thread (tests); stop it with ``server.shutdown()``."""
    server = SandboxServer((host, port), database_url, api_key, faults_enabled, today)
    thread = threading.Thread(target=server.serve_forever, name="onestop-sandbox", daemon=True)
    thread.start()
    return server, thread
