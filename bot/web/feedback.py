"""Checking a feedback request from the web widget before it is stored.

``{"session_id": "...", "kind": "answer", "rating": "up"|"down", "answer": "..."}`` rates one
answer; ``{"session_id": "...", "kind": "session", "rating": "satisfied"|"unsatisfied",
"comment": "..."}`` rates the whole chat. Anything else is refused with a short Vietnamese message
and an HTTP status; cleaning, masking of phone and ID numbers and the cut of a long answer happen in
:meth:`procedure_kb.repository.Repository.record_feedback`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from procedure_kb.repository import FEEDBACK_RATINGS, MAX_FEEDBACK_COMMENT, MAX_SESSION_ID
from procedure_kb.text import clean_controls

MAX_BODY = 16 * 1024  # bytes
MAX_PER_SESSION = 200  # ratings a chat session may leave (an abuse bound, counted in the database)

BAD_FORMAT = "Dữ liệu gửi lên không đúng định dạng ạ."
TOO_LARGE = "Nội dung gửi lên quá dài ạ."
NO_SESSION = "Thiếu mã cuộc trò chuyện (session_id) ạ."
LONG_SESSION = f"Mã cuộc trò chuyện dài quá {MAX_SESSION_ID} ký tự ạ."
BAD_KIND = "Loại đánh giá không đúng. Chỉ nhận “answer” hoặc “session” ạ."
BAD_RATING = "Mức đánh giá không đúng với loại đánh giá ạ."
LONG_COMMENT = f"Góp ý dài quá {MAX_FEEDBACK_COMMENT} ký tự. Anh/Chị vui lòng viết ngắn hơn ạ."
BAD_TEXT = "Nội dung góp ý phải là chữ ạ."
TOO_MANY = "Anh/Chị đã gửi nhiều đánh giá trong cuộc trò chuyện này. Xin cảm ơn Anh/Chị đã góp ý ạ."
TOO_MANY_TODAY = (
    "Hôm nay hệ thống đã nhận rất nhiều đánh giá. Anh/Chị vui lòng gửi lại vào ngày mai ạ."
)
NOT_SAVED = "Hệ thống đang bận nên chưa lưu được đánh giá. Anh/Chị vui lòng thử lại sau ạ."


class FeedbackError(ValueError):
    """A request that cannot be stored: ``message`` (Vietnamese) for the citizen, ``status``."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class FeedbackRequest:
    """A checked feedback request, ready for ``Repository.record_feedback``."""

    session_id: str
    kind: str
    rating: str
    comment: str | None = None
    answer: str | None = None


def _optional_text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise FeedbackError(BAD_TEXT)
    return value


def parse_feedback(body: bytes | None) -> FeedbackRequest:
    """The request in ``body`` (JSON), or :class:`FeedbackError` saying what is wrong."""
    if body is not None and len(body) > MAX_BODY:
        raise FeedbackError(TOO_LARGE, 413)
    try:
        data = json.loads(body or b"")
    except (ValueError, UnicodeDecodeError):
        raise FeedbackError(BAD_FORMAT) from None
    if not isinstance(data, dict):
        raise FeedbackError(BAD_FORMAT)
    session_id = data.get("session_id")
    if not isinstance(session_id, str) or not clean_controls(session_id).strip():
        raise FeedbackError(NO_SESSION)
    if len(session_id) > MAX_SESSION_ID:
        raise FeedbackError(LONG_SESSION)
    kind, rating = data.get("kind"), data.get("rating")
    if not isinstance(kind, str) or kind not in FEEDBACK_RATINGS:
        raise FeedbackError(BAD_KIND)
    if not isinstance(rating, str) or rating not in FEEDBACK_RATINGS[kind]:
        raise FeedbackError(BAD_RATING)
    comment = _optional_text(data, "comment")
    if comment is not None and len(comment) > MAX_FEEDBACK_COMMENT:
        raise FeedbackError(LONG_COMMENT)
    return FeedbackRequest(session_id, kind, rating, comment, _optional_text(data, "answer"))
