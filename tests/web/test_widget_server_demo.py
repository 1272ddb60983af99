"""The demo page server (python -m bot.web.demo_server) over real HTTP on 127.0.0.1, the settings
it reads, and its place in bot/run.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from test_widget_server import raw_get

from bot.rasa_server import rasa_argv
from bot.run import commands
from bot.settings import load
from bot.web import DEMO_DIR
from bot.web.demo_server import make_server
from tests.conftest import ROOT, free_port

PUBLIC = "http://tro-ly.tinh.example.gov.vn:8443"
PAGE = '<!doctype html><html lang="vi"><script src="{{SERVER_URL}}/webhooks/widget/widget.js">'
PNG = b"\x89PNG{{SERVER_URL}}"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[str]:
    """The server in a thread, on a folder of our own (the real page is the other helper's)."""
    root = tmp_path_factory.mktemp("demo")
    (root / "secret.txt").write_text("bí mật", encoding="utf-8")
    folder = root / "demo"
    folder.mkdir()
    (folder / "index.html").write_text(PAGE, encoding="utf-8")
    (folder / "tinh.css").write_text("a { color: #0b4a8f; }", encoding="utf-8")
    (folder / "anh.png").write_bytes(PNG)
    (folder / ".git").write_text("x", encoding="utf-8")
    (folder / "lien-ket.txt").symlink_to(root / "secret.txt")
    (folder / "con").mkdir()
    (folder / "con" / "index.html").write_text("bí mật", encoding="utf-8")
    settings = load({"WEB_PORT": str(free_port()), "PUBLIC_URL": PUBLIC + "/"})
    server = make_server(settings, folder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{settings.host}:{settings.web_port}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("path", ["/", "/index.html", "/?tu-khoa=can-cuoc"])
def test_page_has_the_bot_address_in_place_of_the_placeholder(demo: str, path: str) -> None:
    response = requests.get(demo + path, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "{{SERVER_URL}}" not in response.text
    assert f'src="{PUBLIC}/webhooks/widget/widget.js"' in response.text


def test_other_files_by_name_and_binaries_untouched(demo: str) -> None:
    css = requests.get(f"{demo}/tinh.css", timeout=10)
    assert css.headers["Content-Type"] == "text/css; charset=utf-8" and "#0b4a8f" in css.text
    png = requests.get(f"{demo}/anh.png", timeout=10)
    assert png.headers["Content-Type"] == "image/png" and png.content == PNG


def test_health(demo: str) -> None:
    response = requests.get(f"{demo}/health", timeout=10)
    assert response.status_code == 200 and response.text == "ok"


@pytest.mark.parametrize(
    "path",
    [
        "/khong-co.html",
        "/.git",
        "/lien-ket.txt",
        "/con",
        "/con/",
        "/con/index.html",
        "/../secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e/secret.txt",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "/index.html%00",
    ],
)
def test_anything_else_is_a_vietnamese_404_without_listing(demo: str, path: str) -> None:
    status, content_type, body = raw_get(demo, path)
    assert status == 404 and content_type == "text/html; charset=utf-8"
    text = body.decode()
    assert "Không tìm thấy trang" in text and "bí mật" not in text and "Index of" not in text


def test_other_methods_and_bad_requests_get_a_short_vietnamese_page(demo: str) -> None:
    response = requests.post(demo + "/", data=b"x", timeout=10)
    assert response.status_code == 501
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<html lang="vi">' in response.text and "Lỗi 501" in response.text
    head = requests.head(demo + "/", timeout=10)
    assert head.status_code == 200 and head.content == b""


def test_settings_public_url_and_web_port() -> None:
    default = load({"BOT_HOST": "127.0.0.1", "RASA_PORT": "5105"})
    assert default.public_url == "http://127.0.0.1:5105" and default.web_port == 5080
    given = load({"PUBLIC_URL": "https://tro-ly.tinh.gov.vn/", "WEB_PORT": "6080"})
    assert given.public_url == "https://tro-ly.tinh.gov.vn" and given.web_port == 6080
    assert load({"PUBLIC_URL": ""}).public_url == "http://127.0.0.1:5005"


DEMO_ORIGINS = ["http://127.0.0.1:5080", "http://localhost:5080"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, DEMO_ORIGINS),  # development: the demo page only
        (
            "https://dvc.tinh.gov.vn  https://tinh.gov.vn",
            ["https://dvc.tinh.gov.vn", "https://tinh.gov.vn"],
        ),
        ("  ", DEMO_ORIGINS),
    ],
)
def test_rasa_gets_the_configured_cors_origins(value: str | None, expected: list[str]) -> None:
    settings = load({} if value is None else {"CORS_ORIGINS": value})
    rasa = rasa_argv(settings, Path("m.tar.gz"), Path("endpoints.yml"))
    start = rasa.index("--cors") + 1
    assert rasa[start : start + len(expected)] == expected
    assert (rasa[start + len(expected) :] or ["--"])[0].startswith("--")
    assert "*" not in rasa


def test_run_starts_the_demo_server_last_and_waits_for_its_health() -> None:
    settings = load({"WEB_PORT": "6081"})
    name, argv, health = commands(settings, Path("model.tar.gz"))[-1]
    assert argv[-2:] == ["-m", "bot.web.demo_server"]
    assert health == "http://127.0.0.1:6081/health"


def test_module_serves_the_real_page_and_stops_on_sigterm() -> None:
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT), WEB_PORT=str(port), PUBLIC_URL=PUBLIC)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.web.demo_server"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{url}/health", timeout=1).text == "ok":
                    break
            except requests.ConnectionError:
                assert time.monotonic() < deadline and process.poll() is None
                time.sleep(0.1)
        page = requests.get(url + "/", timeout=10)
        if (DEMO_DIR / "index.html").is_file():
            assert page.status_code == 200 and "{{SERVER_URL}}" not in page.text
            assert PUBLIC in page.text
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert f"Trang minh hoạ: {url}/" in process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()
