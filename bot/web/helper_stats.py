"""Checking the record the widget's helper mode sends when a citizen's conversation ends.

``{"session_id": "...", "team_code": "XA-TAN-LAP" | null, "ended_by": "next" | "idle",
"questions": 3}``. The session id is only used to read, in Rasa's tracker, which procedures were
answered; it is never stored (:mod:`procedure_kb.helper_stats` keeps counts only). Anything else is
refused with a short Vietnamese message and an HTTP status. Also: the helper-mode marks a widget
message may carry in its metadata (:func:`helper_metadata`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from procedure_kb.helper_stats import ENDED_BY, MAX_QUESTIONS, clean_team_code
from procedure_kb.repository import MAX_SESSION_ID
from procedure_kb.text import clean_controls

MAX_BODY = 2 * 1024  # bytes: the record is four short fields
MAX_PER_DAY = 1_000  # conversations a team code may record per day (an abuse bound)
TOPIC_SLOT = "procedure_id"  # the slot the procedure answers set (actions/procedures.py)

BAD_FORMAT = "Dữ liệu gửi lên không đúng định dạng ạ."
TOO_LARGE = "Nội dung gửi lên quá dài ạ."
NO_SESSION = "Thiếu mã cuộc trò chuyện (session_id) ạ."
BAD_TEAM = "Mã tổ không đúng. Mã tổ gồm 1 đến 32 chữ cái không dấu, chữ số, “-” hoặc “_” ạ."
BAD_END = "Cách kết thúc không đúng. Chỉ nhận “next” hoặc “idle” ạ."
BAD_QUESTIONS = "Số câu hỏi phải là số nguyên từ 0 trở lên ạ."
EXTRA_FIELDS = "Chỉ nhận các trường session_id, team_code, ended_by, questions ạ."
TOO_MANY = "Hôm nay tổ đã ghi nhận nhiều lượt hỗ trợ. Xin cảm ơn tổ công nghệ số cộng đồng ạ."
NOT_SAVED = "Hệ thống đang bận nên chưa ghi nhận được lượt hỗ trợ. Anh/Chị vui lòng thử lại sau ạ."

_FIELDS = {"session_id", "team_code", "ended_by", "questions"}


class HelperRecordError(ValueError):
    """A record that cannot be stored: ``message`` (Vietnamese) and an HTTP ``status``."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class HelperRecord:
    """A checked record, ready for :meth:`procedure_kb.helper_stats.HelperStats.record`."""

    session_id: str  # to read the procedures from the tracker; not stored
    team_code: str | None
    ended_by: str
    questions: int


def parse_helper_record(body: bytes | None) -> HelperRecord:
    """The record in ``body`` (JSON), or :class:`HelperRecordError` saying what is wrong."""
    if body is not None and len(body) > MAX_BODY:
        raise HelperRecordError(TOO_LARGE, 413)
    try:
        data = json.loads(body or b"")
    except (ValueError, UnicodeDecodeError):
        raise HelperRecordError(BAD_FORMAT) from None
    if not isinstance(data, dict):
        raise HelperRecordError(BAD_FORMAT)
    if set(data) - _FIELDS:
        raise HelperRecordError(EXTRA_FIELDS)  # free text has no field to arrive in
    session_id = data.get("session_id")
    if (
        not isinstance(session_id, str)
        or not clean_controls(session_id).strip()
        or len(session_id) > MAX_SESSION_ID
    ):
        raise HelperRecordError(NO_SESSION)
    team = data.get("team_code")
    if team is not None and not isinstance(team, str):
        raise HelperRecordError(BAD_TEAM)
    try:
        team_code = clean_team_code(team)
    except ValueError:
        raise HelperRecordError(BAD_TEAM) from None
    ended_by = data.get("ended_by")
    if not isinstance(ended_by, str) or ended_by not in ENDED_BY:
        raise HelperRecordError(BAD_END)
    questions = data.get("questions", 0)
    if isinstance(questions, bool) or not isinstance(questions, int) or questions < 0:
        raise HelperRecordError(BAD_QUESTIONS)
    return HelperRecord(session_id, team_code, ended_by, min(questions, MAX_QUESTIONS))


def answered_procedures(events: Iterable[dict[str, Any]]) -> list[str]:
    """Procedure ids the assistant answered about, in order, from a tracker's events."""
    return [
        event.get("value")
        for event in events
        if event.get("event") == "slot"
        and event.get("name") == TOPIC_SLOT
        and isinstance(event.get("value"), str)
    ]


def helper_metadata(raw: Any) -> dict[str, Any]:
    """``{"helper_mode": True, "team_code": ...}`` from a message's client metadata when it says
    helper mode (team code only when well formed), else ``{}``: nothing else is taken."""
    if not isinstance(raw, dict) or raw.get("helper_mode") is not True:
        return {}
    marks: dict[str, Any] = {"helper_mode": True}
    team = raw.get("team_code")
    try:
        code = clean_team_code(team) if isinstance(team, str) else None
    except ValueError:
        code = None
    if code:
        marks["team_code"] = code
    return marks
