"""Start the real servers (sandbox, action server, Rasa) and talk over the REST channel.

The stack can lose a part and get it back, so tests that stop the action server or crash the Rasa
process leave it as they found it and run in any order. Conversations live in the SQL tracker
store (SQLite, the default of ``make run``), so a new Rasa process carries on a conversation.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.run import PROJECT_ROOT, child_environment, commands, start, stop_all, wait_until_up
from bot.settings import Settings, load
from tests.conftest import stack_env

VIETNAMESE_MARKS = set("ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")
ACTIONS, RASA = 1, 2  # positions in bot.run.commands()


@dataclass
class Stack:
    """The sandbox, the action server and Rasa; a stopped part can be started again."""

    settings: Settings
    env: dict[str, str]
    model: Path
    processes: dict[int, subprocess.Popen] = field(default_factory=dict)
    stopped: list[subprocess.Popen] = field(default_factory=list)

    @property
    def rest_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.rasa_port}/webhooks/rest/webhook"

    def up(self, part: int) -> subprocess.Popen:
        """The running process of ``part``, started anew if it is not running."""
        process = self.processes.get(part)
        if process is not None and process.poll() is None:
            return process
        _, argv, health = commands(self.settings, self.model)[part]
        process = subprocess.Popen(
            argv,
            cwd=PROJECT_ROOT,
            env=child_environment(self.settings, self.env),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.processes[part] = process
        assert wait_until_up(health, process), f"part {part} did not start"
        return process

    def all(self) -> list[subprocess.Popen]:
        return [*self.stopped, *self.processes.values()]


@pytest.fixture(scope="module")
def stack(trained_model, kb_url, tmp_path_factory) -> Iterator[Stack]:
    env = stack_env(tmp_path_factory.mktemp("state"), kb_url)
    settings = load(env)
    background = start(settings, trained_model, env, with_rasa=False)
    running = Stack(settings, env, trained_model, dict(enumerate(background)))
    try:
        yield running
    finally:
        stop_all(running.all())


@pytest.fixture
def rest_url(stack: Stack) -> str:
    """The REST webhook, with every part of the stack running."""
    stack.up(ACTIONS)
    stack.up(RASA)
    return stack.rest_url


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
    ids=lambda message: f"{len(message)}-chars-{message[:12]!r}",
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


@pytest.mark.parametrize("message", [12345, ["danh", "sach"], {"text": "xin chào"}, None, True])
def test_a_message_that_is_not_text_gets_a_vietnamese_reply(rest_url, message):
    response = requests.post(rest_url, json={"sender": "x", "message": message}, timeout=60)
    assert response.status_code == 200, response.text
    assert is_vietnamese_reply(response.json()), response.text


def test_action_server_down_gets_an_apology_not_silence(stack: Stack, rest_url: str) -> None:
    action_server = stack.processes[ACTIONS]
    action_server.terminate()
    action_server.wait(timeout=30)
    stack.stopped.append(action_server)
    try:
        replies = say(rest_url, "rest-down", "lệ phí làm hộ chiếu bao nhiêu")
    finally:
        stack.up(ACTIONS)
    assert is_vietnamese_reply(replies)
    assert "1800 1096" in texts(replies)


def test_the_topic_survives_a_crashed_rasa_process(stack: Stack, rest_url: str) -> None:
    documents = texts(say(rest_url, "khoi-dong", "làm hộ chiếu cần gì"))
    assert "Tờ khai đề nghị cấp hộ chiếu" in documents
    crashed = stack.processes[RASA]
    crashed.kill()  # no clean shutdown
    crashed.wait(timeout=30)
    stack.stopped.append(crashed)
    stack.up(RASA)
    fee = "200.000"  # the passport's fee (procedure_kb/data/procedures/cap-ho-chieu.yml)
    assert fee in texts(say(rest_url, "khoi-dong", "lệ phí bao nhiêu"))  # the topic was kept
    assert fee not in texts(say(rest_url, "nguoi-moi", "lệ phí bao nhiêu"))  # none without it


# Facts corrected in the 2026 content review (docs/content-review.md), asked as citizens type,
# through the real model: the answer has the corrected fact and not the old one.
CORRECTED_FACTS = [
    (
        "làm lý lịch tư pháp nộp ở đâu",
        "Công an tỉnh, thành phố",
        "Cơ quan giải quyết: Sở Tư pháp",
    ),
    (
        "lam ly lich tu phap nop o dau",
        "Công an tỉnh, thành phố",
        "Cơ quan giải quyết: Sở Tư pháp",
    ),
    (
        "đăng ký kết hôn cần giấy tờ gì",
        "Tờ khai đăng ký kết hôn",
        "Giấy xác nhận tình trạng hôn nhân của bên",
    ),
    (
        "dang ky ket hon can giay to gi",
        "Tờ khai đăng ký kết hôn",
        "Giấy xác nhận tình trạng hôn nhân của bên",
    ),
    (
        "lệ phí làm hộ chiếu online bao nhiêu",
        "200.000 đồng/cuốn",
        "có thể được giảm",
    ),
    (
        "le phi lam ho chieu online bao nhieu",
        "200.000 đồng/cuốn",
        "có thể được giảm",
    ),
]


@pytest.mark.parametrize(("question", "corrected", "old"), CORRECTED_FACTS)
def test_corrected_facts_reach_the_citizen(rest_url, question, corrected, old) -> None:
    answer = texts(say(rest_url, f"fact-{uuid.uuid4().hex}", question))
    assert corrected in answer, answer
    assert old not in answer, answer


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/conversations/rest-greet/tracker"),
        ("POST", "/conversations/rest-greet/tracker/events"),
        ("PUT", "/model"),
        ("GET", "/status"),
    ],
)
def test_rasa_http_api_is_off_by_default(rest_url: str, method: str, path: str) -> None:
    base = rest_url.removesuffix("/webhooks/rest/webhook")
    assert requests.request(method, base + path, json={}, timeout=10).status_code == 404
    assert requests.get(base + "/", timeout=10).status_code == 200  # the server itself is up


# Generated bad input (Hypothesis): FUZZ_EXAMPLES bodies per run (docs/security.md has a
# 1,000-body run). Every answer is a reply or a short refusal in Vietnamese, never a 5xx.
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "120"))
NASTY = [
    "'; DROP TABLE events; --",
    "<img src=x onerror=alert(1)>",
    "{{7*7}} ${7*7} <%= 7*7 %>",
    "/restart",
    "/session_start",
    '/ask_fee{"procedure_id":"cap-ho-chieu"}',
    "\u202e\u200b\ufeff",
    "000.00.01.H29-261116-0001 1234",
]
messages = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=25_000),
    st.sampled_from(NASTY),
    st.builds(lambda a, b: a + b, st.sampled_from(NASTY), st.text(max_size=50)),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.none(),
    st.lists(st.text(max_size=10), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)
senders = st.one_of(st.text(max_size=40), st.text(min_size=300, max_size=5000), st.integers())
bodies = st.one_of(
    st.builds(lambda m, s: ("json", {"sender": s, "message": m}), messages, senders),
    st.builds(lambda m: ("json", {"message": m}), messages),
    st.builds(lambda v: ("json", v), st.one_of(st.lists(st.integers(), max_size=3), st.text())),
    st.builds(lambda raw: ("raw", raw), st.binary(max_size=300)),
    st.builds(lambda raw: ("text", raw), st.text(max_size=300)),
)


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=bodies)
def test_generated_bad_input_never_breaks_the_server(stack: Stack, rest_url: str, body) -> None:
    kind, payload = body
    if kind == "json":
        response = requests.post(rest_url, json=payload, timeout=60)
    else:
        content_type = "application/json" if kind == "raw" else "text/plain"
        data = payload if isinstance(payload, bytes) else payload.encode("utf-8", "surrogatepass")
        response = requests.post(
            rest_url, data=data, headers={"Content-Type": content_type}, timeout=60
        )
    event(f"{kind} body, HTTP {response.status_code}")  # counted by --hypothesis-show-statistics
    assert response.status_code < 500, response.text[:300]
    assert "Traceback" not in response.text
    if response.status_code == 200:
        replies = response.json()
        assert isinstance(replies, list)
        assert all(len(reply.get("text", "")) <= 2500 for reply in replies)
        silent = isinstance(payload, dict) and payload.get("message") == "/restart"
        assert is_vietnamese_reply(replies) or (silent and replies == []), replies
    else:
        assert any(ch in VIETNAMESE_MARKS for ch in response.text.lower()), response.text[:300]
    assert stack.processes[RASA].poll() is None and stack.processes[ACTIONS].poll() is None
