"""Input hygiene shared by the channels: clean, bound and answer unusable messages directly."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from procedure_kb.text import clean_controls, nfc

logger = logging.getLogger(__name__)

# Longer messages are cut: the question is nearly always near the start,
# and NLU cost grows with length.
MAX_MESSAGE_CHARS = 1000
# Commands Rasa carries out without a reply (the widget's "Bắt đầu lại" sends /restart).
SILENT_COMMANDS = frozenset({"/restart"})
_MEANINGFUL = re.compile(r"[^\W_]", re.UNICODE)
EMPTY_REPLY = (
    "Anh/Chị chưa nhập nội dung câu hỏi. Anh/Chị vui lòng gõ câu hỏi bằng chữ, "
    'ví dụ: "làm căn cước cần giấy tờ gì" ạ.'
)
ERROR_REPLY = (
    "Xin lỗi Anh/Chị, hệ thống đang gặp sự cố nên chưa trả lời được. "
    "Anh/Chị vui lòng thử lại sau ít phút, hoặc gọi tổng đài Dịch vụ công 1800 1096 (miễn phí) ạ."
)


def clean_message(raw: Any) -> str:
    """Turn whatever arrived into bounded, NFC text without control characters."""
    if raw is None or isinstance(raw, dict | list | bool):
        return ""
    text = raw if isinstance(raw, str) else str(raw)
    text = clean_controls(nfc(text[: MAX_MESSAGE_CHARS * 2]))
    return " ".join(text.split())[:MAX_MESSAGE_CHARS]


def clean_sender(raw: Any) -> str | None:
    """A sender id as a short string (None lets Rasa pick its default)."""
    if raw is None:
        return None
    return clean_controls(str(raw)).strip()[:128] or None


def client_ip(request: Any) -> str | None:
    """The client's address as Sanic sees it (a proxy's forwarded address when Sanic is told to
    trust one), for per-client rate limits; never taken from what the client sends."""
    return getattr(request, "remote_addr", None) or getattr(request, "ip", None) or None


def is_meaningful(text: str | None) -> bool:
    """True when the text holds at least one letter or digit (not only emoji or symbols)."""
    return bool(text) and bool(_MEANINGFUL.search(text or ""))


def guard(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
) -> Callable[[UserMessage], Awaitable[Any]]:
    """Answer empty messages directly and turn a processing failure into a polite reply."""

    async def guarded(message: UserMessage) -> Any:
        # Button payloads ("/ask_fee") and normal text go to Rasa; empty/emoji-only text does not.
        if not is_meaningful(message.text):
            await message.output_channel.send_text_message(message.sender_id, EMPTY_REPLY)
            return None
        try:
            result = await on_new_message(message)
        except Exception:  # the citizen gets a reply; the details go to the log without the text
            logger.exception("Xử lý tin nhắn thất bại (sender=%s)", message.sender_id)
            await message.output_channel.send_text_message(message.sender_id, ERROR_REPLY)
            return None
        # Every turn of this assistant answers something. Silence means a part behind Rasa failed
        # (Rasa logs an unreachable action server and carries on), so apologise instead.
        channel = message.output_channel
        silent = message.text.strip() in SILENT_COMMANDS
        if type(channel) is CollectingOutputChannel and not channel.messages and not silent:
            await channel.send_text_message(message.sender_id, ERROR_REPLY)
        return result

    return guarded
