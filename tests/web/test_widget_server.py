"""The widget channel (/webhooks/widget) in a real Rasa web app on 127.0.0.1, over real HTTP.

The app is built by Rasa's own ``configure_app`` with the configured origins (as ``rasa run --cors``
in bot/rasa_server.py; ``CORS_ORIGINS`` is the province's page ``PROVINCE``), the widget channel
and the socket.io channel; a stand-in agent answers every message
with the metadata it arrived with, so the socket.io test sees what the dossier lookup would see.
``serve()`` is imported by the checklist and feedback tests too.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
import socketio
import websocket

from procedure_kb import migrations
from tests.conftest import ROOT, free_port

PROVINCE = "http://tinh.example.gov.vn"  # the province's page that embeds the widget
FOREIGN = "http://lua-dao.example.com"  # any other website

LAUNCHER = """
import json, sys
from rasa.core.run import configure_app
from bot.channels.socketio import SafeSocketIOInput
from bot.channels.widget import WidgetInput
from bot.rasa_server import install_cors_policy
from bot.settings import load

install_cors_policy()

class EchoAgent:
    async def handle_message(self, message):
        reply = json.dumps(message.metadata, ensure_ascii=False)
        await message.output_channel.send_text_message(message.sender_id, reply)

port, static_dir = int(sys.argv[1]), sys.argv[2] or None
channels = [WidgetInput(static_dir=static_dir), SafeSocketIOInput(session_persistence=True)]
app = configure_app(channels, cors=load().cors_origins, enable_api=False, port=port)
app.ctx.agent = EchoAgent()
app.config.REAL_IP_HEADER = "x-real-ip"  # as behind a reverse proxy that sets X-Real-IP
app.config.GRACEFUL_SHUTDOWN_TIMEOUT = 1  # open socket.io polls need not delay the next test
app.run(host="127.0.0.1", port=port, access_log=False)
"""


@dataclass
class Server:
    """A running app: its base URL and the widget's URL prefix."""

    url: str
    process: subprocess.Popen

    @property
    def widget(self) -> str:
        return f"{self.url}/webhooks/widget"


def serve(kb_url: str, static_dir: Path | None = None, **settings: str) -> Iterator[Server]:
    """Start the app in a subprocess (KB_DATABASE_URL=kb_url, more ``settings`` as environment
    variables), yield it, stop it."""
    port = free_port()
    state = Path(tempfile.mkdtemp(prefix="widget-state-"))
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        KB_DATABASE_URL=kb_url,
        STATE_DATABASE_URL=f"sqlite:///{state / 'state.sqlite3'}",
        CORS_ORIGINS=PROVINCE,
        TF_CPP_MIN_LOG_LEVEL="3",
        **settings,
    )
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, str(port), str(static_dir or "")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the app did not start:\n{process.stderr.read()[-3000:]}")
            try:
                if requests.get(url, timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the app did not answer within 90 s")
            time.sleep(0.2)
        yield Server(url, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        process.stderr.close()
        shutil.rmtree(state, ignore_errors=True)


def raw_get(url: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    """GET ``path`` exactly as written (requests would normalise "../"): status, type, body."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, answer.getheader("Content-Type", ""), answer.read()
    finally:
        connection.close()


def one_header(response: requests.Response, name: str) -> str:
    """The value of a header that must appear exactly once (browsers refuse two CORS origins)."""
    values = response.raw.headers.getlist(name)
    assert len(values) == 1, f"{name}: {values}"
    return values[0]


WIDGET_JS = 'console.log("Trợ lý Dịch vụ công");\n'.encode()
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
SECRET = b"mat-khau-bi-mat"


@pytest.fixture(scope="module")
def static_dir(tmp_path_factory) -> Path:
    """A static folder like bot/web/static, plus things that must never be served."""
    root = tmp_path_factory.mktemp("widget")
    (root / "secret.txt").write_bytes(SECRET)
    static = root / "static"
    static.mkdir()
    (static / "widget.js").write_bytes(WIDGET_JS)
    (static / "widget.css").write_text(".tldvc { color: #1a1a1a; }\n", encoding="utf-8")
    (static / "logo.png").write_bytes(PNG)
    (static / ".env").write_bytes(SECRET)
    (static / "link.txt").symlink_to(root / "secret.txt")
    (static / "sub").mkdir()
    (static / "sub" / "inner.js").write_bytes(SECRET)
    return static


@pytest.fixture(scope="module")
def server(static_dir: Path, tmp_path_factory) -> Iterator[Server]:
    kb = f"sqlite:///{tmp_path_factory.mktemp('kb') / 'kb.sqlite3'}"
    migrations.upgrade(kb)
    yield from serve(kb, static_dir)


@pytest.fixture(scope="module")
def broken_server(tmp_path_factory) -> Iterator[Server]:
    """The app on a knowledge base that was never migrated (as before `make kb`)."""
    yield from serve(f"sqlite:///{tmp_path_factory.mktemp('empty') / 'kb.sqlite3'}")


@pytest.mark.parametrize("path", ["/webhooks/widget/", "/webhooks/widget"])
def test_health(server: Server, path: str) -> None:
    response = requests.get(server.url + path, timeout=10)
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.parametrize(
    ("name", "content_type", "body"),
    [
        ("widget.js", "text/javascript; charset=utf-8", WIDGET_JS),
        ("widget.css", "text/css; charset=utf-8", b".tldvc { color: #1a1a1a; }\n"),
        ("logo.png", "image/png", PNG),
    ],
)
@pytest.mark.parametrize("origin", [None, "http://tinh.example.gov.vn"])
def test_static_files_are_served_with_type_cache_and_one_cors_header(
    server: Server, name: str, content_type: str, body: bytes, origin: str | None
) -> None:
    headers = {"Origin": origin} if origin else {}
    response = requests.get(f"{server.widget}/{name}", headers=headers, timeout=10)
    assert response.status_code == 200
    assert response.content == body
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert one_header(response, "Access-Control-Allow-Origin") == "*"


@pytest.mark.parametrize(
    ("accept", "encoding"), [("gzip, deflate, br", "gzip"), ("identity", None), ("", None)]
)
def test_text_files_are_gzipped_when_the_browser_accepts_it(
    server: Server, accept: str, encoding: str | None
) -> None:
    def fetch(name: str) -> tuple[requests.Response, bytes]:
        response = requests.get(
            f"{server.widget}/{name}", headers={"Accept-Encoding": accept}, stream=True, timeout=10
        )
        return response, response.raw.read(decode_content=False)  # the bytes as sent

    response, body = fetch("widget.js")
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == encoding
    assert response.headers["Vary"] == "Accept-Encoding"
    assert (gzip.decompress(body) if encoding else body) == WIDGET_JS
    image, _ = fetch("logo.png")
    assert image.headers.get("Content-Encoding") is None  # already compressed formats stay as is


@pytest.mark.parametrize(
    "path",
    [
        "/webhooks/widget/..%2fsecret.txt",
        "/webhooks/widget/%2e%2e%2fsecret.txt",
        "/webhooks/widget/%2e%2e/secret.txt",
        "/webhooks/widget/../secret.txt",
        "/webhooks/widget/..%5csecret.txt",
        "/webhooks/widget/%2ftmp%2fsecret.txt",
        "/webhooks/widget//etc/passwd",
        "/webhooks/widget/%2fetc%2fpasswd",
        "/webhooks/widget/.env",
        "/webhooks/widget/link.txt",
        "/webhooks/widget/sub",
        "/webhooks/widget/sub/inner.js",
        "/webhooks/widget/sub%2finner.js",
        "/webhooks/widget/widget.js%00.png",
        "/webhooks/widget/WIDGET.JS",
        "/webhooks/widget/khong-co.js",
        "/webhooks/widget/" + "a" * 300 + ".js",
    ],
    ids=lambda path: path.removeprefix("/webhooks/widget/")[:40],
)
def test_anything_but_a_listed_file_is_404(server: Server, path: str) -> None:
    status, content_type, body = raw_get(server.url, path)
    assert status == 404
    assert SECRET not in body and WIDGET_JS not in body
    if content_type.startswith("application/json"):
        assert json.loads(body) == {"error": "Không tìm thấy nội dung Anh/Chị yêu cầu ạ."}


def test_the_folder_listing_is_read_on_each_request(server: Server, static_dir: Path) -> None:
    added = static_dir / "them-moi.js"
    added.write_text("// mới\n", encoding="utf-8")
    try:
        assert requests.get(f"{server.widget}/them-moi.js", timeout=10).text == "// mới\n"
    finally:
        added.unlink()
    assert requests.get(f"{server.widget}/them-moi.js", timeout=10).status_code == 404
    # The other helper may not have created the folder yet: no file, a 404, no error.
    moved = static_dir.with_name("static-moved")
    static_dir.rename(moved)
    try:
        response = requests.get(f"{server.widget}/widget.js", timeout=10)
        assert response.status_code == 404 and "error" in response.json()
    finally:
        moved.rename(static_dir)


def test_feedback_preflight_from_the_province_page_is_answered(server: Server) -> None:
    origin = PROVINCE
    preflight = requests.options(
        f"{server.widget}/feedback",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=10,
    )
    assert preflight.status_code in (200, 204)
    assert one_header(preflight, "Access-Control-Allow-Origin") == origin
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "content-type" in preflight.headers["Access-Control-Allow-Headers"].lower()
    posted = requests.post(
        f"{server.widget}/feedback",
        json={"session_id": "cors-1", "kind": "answer", "rating": "up"},
        headers={"Origin": origin},
        timeout=10,
    )
    assert posted.status_code == 201
    assert one_header(posted, "Access-Control-Allow-Origin") == origin


def test_feedback_from_another_website_is_refused_without_a_cors_grant(server: Server) -> None:
    preflight = requests.options(
        f"{server.widget}/feedback",
        headers={"Origin": FOREIGN, "Access-Control-Request-Method": "POST"},
        timeout=10,
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers
    posted = requests.post(
        f"{server.widget}/feedback",
        json={"session_id": "foreign-1", "kind": "answer", "rating": "up"},
        headers={"Origin": FOREIGN},
        timeout=10,
    )
    assert posted.status_code == 403
    assert posted.json() == {"error": "Trang web này không được phép gửi tin nhắn tới trợ lý."}
    assert "Access-Control-Allow-Origin" not in posted.headers


def test_opening_the_feedback_address_says_post_only(server: Server) -> None:
    response = requests.get(f"{server.widget}/feedback", timeout=10)
    assert response.status_code == 405
    assert response.json() == {"error": "Địa chỉ này chỉ nhận đánh giá gửi bằng POST ạ."}


def test_database_not_ready_gives_a_vietnamese_503_not_a_trace(broken_server: Server) -> None:
    page = requests.get(f"{broken_server.widget}/checklist/khai-sinh", timeout=10)
    assert page.status_code == 503
    assert '<html lang="vi">' in page.text and "thử lại sau ít phút" in page.text
    assert "Traceback" not in page.text and "sqlite" not in page.text.lower()
    posted = requests.post(
        f"{broken_server.widget}/feedback",
        json={"session_id": "s", "kind": "session", "rating": "satisfied"},
        timeout=10,
    )
    assert posted.status_code == 503
    assert posted.json() == {
        "error": "Hệ thống đang bận nên chưa lưu được đánh giá. Anh/Chị vui lòng thử lại sau ạ."
    }


def echoed_metadata(
    url: str, transport: str, metadata, headers: dict[str, str], asked_session=None
) -> tuple[str, dict]:
    """Ask for a session and send one message over socket.io; return the confirmed session id
    and the metadata Rasa's handler received (the reply reaches the client through the
    session's room)."""
    client = socketio.Client(reconnection=False)
    replies: queue.Queue = queue.Queue()
    client.on("bot_uttered", replies.put)
    client.on("session_confirm", replies.put)
    client.connect(url, headers=headers, transports=[transport], wait_timeout=20)
    try:
        client.emit("session_request", {"session_id": asked_session})
        session_id = replies.get(timeout=20)
        client.emit(
            "user_uttered", {"message": "xin chào", "session_id": session_id, "metadata": metadata}
        )
        return session_id, json.loads(replies.get(timeout=20)["text"])
    finally:
        # abort: a polling client would otherwise wait for its open long-poll (up to 30 s)
        client.eio.disconnect(abort=True)


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_socketio_client_ip_comes_from_the_connection_not_the_client(
    server: Server, transport: str
) -> None:
    spoofed = {"client_ip": "6.6.6.6", "trang": "demo"}
    proxied = {"X-Real-IP": "203.0.113.7"}
    _, seen = echoed_metadata(server.url, transport, spoofed, proxied)
    assert seen == {"client_ip": "203.0.113.7", "trang": "demo"}
    as_text = json.dumps({"client_ip": "6.6.6.6"})
    assert echoed_metadata(server.url, transport, as_text, {})[1] == {"client_ip": "127.0.0.1"}
    not_json = "không phải JSON"
    assert echoed_metadata(server.url, transport, not_json, {})[1] == {"client_ip": "127.0.0.1"}


@pytest.mark.parametrize(
    ("asked", "kept"),
    [("phien-cu-123", True), (None, False), ({"x": 1}, False), ("", False), ("a" * 500, False)],
    ids=["kept", "none", "not-text", "empty", "too-long"],
)
def test_socketio_session_is_kept_when_usable_and_answers_reach_it(
    server: Server, asked, kept: bool
) -> None:
    session_id, _ = echoed_metadata(server.url, "websocket", {}, {}, asked_session=asked)
    if kept:
        assert session_id == asked
    else:
        assert isinstance(session_id, str) and 16 <= len(session_id) <= 128


@pytest.mark.parametrize("origin", [PROVINCE, None])
def test_socketio_handshake_from_the_province_page_gets_one_cors_grant(
    server: Server, origin: str | None
) -> None:
    headers = {"Origin": origin} if origin else {}
    handshake = requests.get(
        f"{server.url}/socket.io/?EIO=4&transport=polling", headers=headers, timeout=10
    )
    assert handshake.status_code == 200 and '"sid"' in handshake.text
    if origin:
        assert one_header(handshake, "Access-Control-Allow-Origin") == origin
        assert "Access-Control-Allow-Credentials" not in handshake.headers


@pytest.mark.parametrize("transport", ["polling", "websocket"])
def test_socketio_refuses_pages_of_other_websites(server: Server, transport: str) -> None:
    if transport == "polling":
        handshake = requests.get(
            f"{server.url}/socket.io/?EIO=4&transport=polling",
            headers={"Origin": FOREIGN},
            timeout=10,
        )
        assert handshake.status_code == 400 and '"sid"' not in handshake.text
        assert "Access-Control-Allow-Origin" not in handshake.headers
        return
    # websocket-client sends exactly the Origin given (socketio.Client would add its own first)
    url = server.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(url, origin=FOREIGN, timeout=10)
    assert refused.value.status_code == 400
    allowed = websocket.create_connection(url, origin=PROVINCE, timeout=10)
    try:
        assert allowed.recv().startswith('0{"sid"')  # engine.io's open packet
    finally:
        allowed.close()
