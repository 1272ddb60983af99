"""A small web server for the demo page: a province's site with the chat widget embedded.

    python -m bot.web.demo_server        # http://BOT_HOST:WEB_PORT/ (bot/run.py starts it)

It runs on its own port, so the page is another origin than the bot, as on a real province site.
It serves ``bot/web/demo/index.html`` at ``/`` and the other files lying directly in
``bot/web/demo/`` by name, with ``{{SERVER_URL}}`` replaced by ``PUBLIC_URL`` (where the widget
loads from); ``/health`` answers "ok"; anything else is a short Vietnamese 404. No listing, no
sub-folders. SIGTERM and Ctrl-C stop it cleanly.
"""

from __future__ import annotations

import mimetypes
import signal
import sys
import threading
from functools import partial
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bot.settings import Settings, load
from bot.web import DEMO_DIR, file_in_folder

PLACEHOLDER = b"{{SERVER_URL}}"
_TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")
NOT_FOUND_PAGE = (
    '<!doctype html>\n<html lang="vi"><head><meta charset="utf-8">'
    "<title>Không tìm thấy trang</title></head>\n"
    "<body><h1>Không tìm thấy trang</h1><p>Xin lỗi, không có trang này. "
    'Anh/Chị vui lòng quay lại <a href="/">trang chủ</a> ạ.</p></body></html>\n'
).encode()


def content_type(name: str) -> str:
    """Content-Type of a demo file, with charset=utf-8 for text."""
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith(_TEXT_TYPES) else kind


class DemoHandler(BaseHTTPRequestHandler):
    """GET and HEAD of the demo files and /health."""

    server_version = "TroLyDemo"
    sys_version = ""
    # Other methods (501) and malformed requests (400) get this page from http.server.
    error_content_type = "text/html; charset=utf-8"
    error_message_format = (
        '<!doctype html>\n<html lang="vi"><head><meta charset="utf-8">'
        "<title>Lỗi %(code)d</title></head>\n<body><h1>Lỗi %(code)d</h1>"
        "<p>Trang không nhận yêu cầu này. Anh/Chị vui lòng quay lại "
        '<a href="/">trang chủ</a> ạ.</p></body></html>\n'
    )

    def __init__(self, *args, folder: Path, server_url: str, **kwargs) -> None:
        self.folder = folder
        self.server_url = server_url
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def _answer(self, with_body: bool) -> None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == "/health":
            self._send(200, "text/plain; charset=utf-8", b"ok", with_body)
            return
        found = file_in_folder(self.folder, "index.html" if path == "/" else path[1:])
        if found is None:
            self._send(404, "text/html; charset=utf-8", NOT_FOUND_PAGE, with_body)
            return
        kind = content_type(found.name)
        body = found.read_bytes()
        if kind.endswith("charset=utf-8"):
            body = body.replace(PLACEHOLDER, escape(self.server_url).encode())
        self._send(200, kind, body, with_body, cache="no-cache")

    def _send(
        self, status: int, kind: str, body: bytes, with_body: bool, cache: str = "no-store"
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        """Quiet: the demo page's visits are not worth a log line each."""


def make_server(settings: Settings, folder: Path = DEMO_DIR) -> ThreadingHTTPServer:
    """A server bound to ``settings.host:settings.web_port`` (not yet serving)."""
    handler = partial(DemoHandler, folder=folder, server_url=settings.public_url)
    server = ThreadingHTTPServer((settings.host, settings.web_port), handler)
    server.daemon_threads = True
    return server


def main() -> int:
    """Serve until SIGTERM or Ctrl-C."""
    settings = load()
    try:
        server = make_server(settings)
    except OSError as error:
        print(f"Không mở được cổng {settings.web_port}: {error.strerror}", file=sys.stderr)
        return 1

    def stop(*_: object) -> None:
        # shutdown() waits for serve_forever() to return, so it must run in another thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"Trang minh hoạ: http://{settings.host}:{settings.web_port}/", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
