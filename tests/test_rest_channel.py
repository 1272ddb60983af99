"""Start the real servers (sandbox, action server, Rasa) and talk over the REST channel."""

from __future__ import annotations

import pytest
import requests

from bot.run import start, stop_all
from bot.settings import load
from tests.conftest import stack_env

VIETNAMESE_MARKS = set("ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


@pytest.fixture(scope="module")
def stack(trained_model, kb_url, tmp_path_factory):
    env = stack_env(tmp_path_factory.mktemp("state"), kb_url)
    settings = load(env)
    processes = start(settings, trained_model, env)
    yield f"http://{settings.host}:{settings.rasa_port}/webhooks/rest/webhook", processes
    stop_all(processes)


@pytest.fixture
def rest_url(stack):
    return stack[0]


def say(url: str, sender: str, message) -> list[dict]:
    response = requests.post(url, json={"sender": sender, "message": message}, timeout=60)
    assert response.status_code < 500, response.text
    return response.json()


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def is_vietnamese_reply(replies: list[dict]) -> bool:
    joined = texts(replies).lower()
    return bool(joined) and any(ch in VIETNAMESE_MARKS for ch in joined)


def test_greeting_gets_a_vietnamese_welcome(rest_url):
    replies = say(rest_url, "rest-greet", "xin chào")
    assert is_vietnamese_reply(replies)
    assert "Trợ lý Dịch vụ công" in texts(replies)


def test_procedure_question_is_answered_from_the_knowledge_base(rest_url):
    replies = say(rest_url, "rest-fee", "lệ phí làm hộ chiếu bao nhiêu")
    assert is_vietnamese_reply(replies)
    assert "hộ chiếu" in texts(replies).lower()


@pytest.mark.parametrize(
    "message",
    [
        "",
        "   ",
        "😀🙏😀",
        "\x00\x01\x02\x7f",
        "a" * 20_000,
        "làm hộ chiếu " * 2000,
        "<script>alert(1)</script>",
        "'; DROP TABLE procedures; --",
        "\ufffd\ufffd\u200b\u202e",
    ],
)
def test_bad_input_gets_a_clear_vietnamese_reply_and_no_server_error(rest_url, message):
    replies = say(rest_url, "rest-bad", message)
    assert is_vietnamese_reply(replies), replies
    assert "Traceback" not in texts(replies)


def test_restart_is_silent_and_the_conversation_goes_on(rest_url):
    say(rest_url, "rest-restart", "lệ phí làm hộ chiếu bao nhiêu")
    assert say(rest_url, "rest-restart", "/restart") == []  # no apology: nothing failed
    replies = say(rest_url, "rest-restart", "xin chào")
    assert "Trợ lý Dịch vụ công" in texts(replies)


def test_non_string_message_is_rejected_without_server_error(rest_url):
    response = requests.post(rest_url, json={"sender": "x", "message": 12345}, timeout=60)
    assert response.status_code < 500


def test_action_server_down_gets_an_apology_not_silence(stack):
    # Runs last in this module: it stops the action server of the shared stack.
    url, processes = stack
    action_server = processes[1]
    action_server.terminate()
    action_server.wait(timeout=30)
    replies = say(url, "rest-down", "lệ phí làm hộ chiếu bao nhiêu")
    assert is_vietnamese_reply(replies)
    assert "1800 1096" in texts(replies)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/conversations/rest-greet/tracker"),
        ("POST", "/conversations/rest-greet/tracker/events"),
        ("PUT", "/model"),
        ("GET", "/status"),
    ],
)
def test_rasa_http_api_is_off_by_default(stack, method: str, path: str) -> None:
    base = stack[0].removesuffix("/webhooks/rest/webhook")
    assert requests.request(method, base + path, json={}, timeout=10).status_code == 404
    assert requests.get(base + "/", timeout=10).status_code == 200  # the server itself is up
