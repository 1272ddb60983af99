"""A citizen's dossier lookup through the whole stack: what is typed into the form never reaches a
database (other than the sandbox's own) or the log, the lock follows the dossier code, and odd
input gets a short Vietnamese reply."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import requests

from actions.dossier import replies
from bot.channels.guard import EMPTY_REPLY, ERROR_REPLY
from onestop_sandbox.seed import DEMOS

BY_CODE = {d.code: d for d in DEMOS}
BY_PHONE = BY_CODE["000.00.01.H29-261103-0004"]  # factor: the last 4 digits of the phone
BY_LOOKUP_CODE = BY_CODE["000.00.01.H29-261110-0002"]  # factor: the lookup code
LOCKED_CODE = BY_CODE["000.00.01.H29-261105-0003"]


def say(stack, sender: str, message) -> list[dict]:
    answer = requests.post(stack.rest, json={"sender": sender, "message": message}, timeout=60)
    assert answer.status_code == 200, answer.text
    return answer.json()


def text_of(answer: list[dict]) -> str:
    return "\n".join(part.get("text", "") for part in answer)


def databases(state: Path) -> list[Path]:
    """Every SQLite database of the stack except the sandbox's (which holds the dossiers)."""
    found = [p for p in state.glob("*.sqlite3") if not p.name.startswith("onestop")]
    assert {p.name for p in found} >= {"kb.sqlite3", "state.sqlite3", "tracker.sqlite3"}
    return found


def stored_text(path: Path) -> str:
    """All values of all tables, as text."""
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type='table'")]
        return "\n".join(
            repr(row) for table in tables for row in conn.execute(f'select * from "{table}"')
        )


def look_up(stack, sender: str, code: str, factor: str) -> str:
    assert text_of(say(stack, sender, "tôi muốn tra cứu hồ sơ")) == replies.ASK_DOSSIER_CODE
    assert text_of(say(stack, sender, code)) == replies.ASK_VERIFICATION_FACTOR
    return text_of(say(stack, sender, factor))


def test_factors_and_lookup_codes_are_stored_nowhere(secure_stack) -> None:
    answered = look_up(secure_stack, "rieng-tu-1", BY_PHONE.code, BY_PHONE.phone_last4)
    assert BY_PHONE.code in answered and "Đang xử lý" in answered
    answered = look_up(secure_stack, "rieng-tu-2", BY_LOOKUP_CODE.code, BY_LOOKUP_CODE.lookup_code)
    assert BY_LOOKUP_CODE.code in answered
    # the code in the message that starts the form, the factor with words around it
    started = text_of(say(secure_stack, "rieng-tu-3", f"kiểm tra hồ sơ {BY_PHONE.code} giúp tôi"))
    assert started == replies.ASK_VERIFICATION_FACTOR
    worded = text_of(say(secure_stack, "rieng-tu-3", f"số cuối là {BY_PHONE.phone_last4} nhé"))
    assert BY_PHONE.code in worded
    factor = re.compile(rf"(?<!\d){BY_PHONE.phone_last4}(?!\d)")
    for path in databases(secure_stack.state):
        raw = path.read_bytes()
        assert BY_LOOKUP_CODE.lookup_code.encode() not in raw, path.name
        assert not factor.search(stored_text(path)), path.name
    # the API (staff tools) shows the same masked conversation
    tracker = requests.get(
        f"{secure_stack.rasa}/conversations/rieng-tu-2/tracker",
        params={"token": secure_stack.api_token},
        timeout=10,
    ).json()
    assert BY_LOOKUP_CODE.lookup_code not in str(tracker)


def test_the_log_holds_no_factor(secure_stack) -> None:
    look_up(secure_stack, "nhat-ky-1", BY_LOOKUP_CODE.code, BY_LOOKUP_CODE.lookup_code)
    look_up(secure_stack, "nhat-ky-2", BY_PHONE.code, BY_PHONE.phone_last4)
    log = secure_stack.log_text()
    assert "nhat-ky-2" in log  # debug logging really ran
    assert BY_LOOKUP_CODE.lookup_code not in log
    assert not re.search(rf"['\"]{BY_PHONE.phone_last4}['\"]", log)


def test_the_lock_follows_the_code_across_conversations(secure_stack) -> None:
    for n in range(5):
        answer = look_up(secure_stack, f"doan-{n}", LOCKED_CODE.code, f"{n:04d}")
        assert "Không tìm thấy" in answer or "lần thử" in answer or "tạm khóa" in answer
    say(secure_stack, "nguoi-that", "tra cứu hồ sơ")
    refused = text_of(say(secure_stack, "nguoi-that", LOCKED_CODE.code))
    assert "mã hồ sơ này tạm khóa" in refused
    other = look_up(secure_stack, "nguoi-khac", BY_PHONE.code, BY_PHONE.phone_last4)
    assert "Đang xử lý" in other


def test_a_code_typed_with_dashes_of_any_kind_is_recognised(secure_stack) -> None:
    say(secure_stack, "gach-noi", "tra cứu hồ sơ")
    typed = "000.00.01.h29 – 261103 – 0004"
    assert text_of(say(secure_stack, "gach-noi", typed)) == replies.ASK_VERIFICATION_FACTOR
    at_once = text_of(say(secure_stack, "gach-noi-2", f"tra cứu hồ sơ {typed}"))
    assert at_once == replies.ASK_VERIFICATION_FACTOR


def test_a_json_list_body_gets_the_short_reply(secure_stack) -> None:
    answer = requests.post(secure_stack.rest, json=["xin chào"], timeout=30)
    assert answer.status_code == 200
    assert text_of(answer.json()) == EMPTY_REPLY


def test_a_lone_surrogate_is_no_crash(secure_stack) -> None:
    answer = text_of(say(secure_stack, "ky-tu-le", "con mèo nhà hàng xóm \ud800 kêu to quá"))
    assert answer and ERROR_REPLY not in answer


def test_rasa_internal_commands_typed_by_a_citizen_are_words(secure_stack) -> None:
    for command in ("/session_start", "/back", "/action_listen"):
        answer = text_of(say(secure_stack, f"lenh-{command[1:]}", command))
        assert answer and ERROR_REPLY not in answer, command
