"""Input hygiene shared by the channels: clean, bound and answer unusable messages directly;
refuse browsers from other websites; keep personal data out of the Rasa process's logs."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import structlog
import yaml
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from sanic import response
from sanic.request import Request

from bot.settings import PROJECT_ROOT, load
from procedure_kb.privacy import MASK, install_log_filter
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


FOREIGN_ORIGIN = "Trang web này không được phép gửi tin nhắn tới trợ lý."
# Keys of Rasa's structured (structlog) log events that carry what a citizen typed or slot values.
_SENSITIVE_LOG_KEYS = frozenset(
    {
        "text",
        "user_text",
        "parse_data_text",
        "parse_data_entities",
        "slot_values",
        "prefilled_slots",
        "slot_candidates",
        "tracker_latest_message",
        "message",
        "user_message",
        "json_message",
        "rasa_event",
        "rasa_events",
        "prediction_events",
        "entity",
        "current_entity",
        "next_entity",
        "token_text",
        # rule and memoization policies print the dialogue states, with the user's text in them
        "current_states",
        "states",
        "tracker_states",
    }
)


@lru_cache(maxsize=1)
def domain_intents() -> frozenset[str]:
    """Intents of domain.yml: the only ones a message may name as a "/intent" button payload."""
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    names = (next(iter(i)) if isinstance(i, dict) else str(i) for i in domain["intents"])
    return frozenset(names)


def _as_text(text: str) -> str:
    """A "/command" a citizen typed is read as words unless it is a button payload of ours or
    the widget's silent restart; Rasa's internal commands (/session_start, /back) are not theirs."""
    if not text.startswith("/") or text in SILENT_COMMANDS:
        return text
    name = re.match(r"/([\w-]*)", text).group(1)  # type: ignore[union-attr]
    return text if name in domain_intents() else text.lstrip("/ ")


def clean_message(raw: Any) -> str:
    """Turn whatever arrived into bounded, NFC text without control characters."""
    if raw is None or isinstance(raw, dict | list | bool):
        return ""
    text = raw if isinstance(raw, str) else str(raw)
    text = clean_controls(nfc(text[: MAX_MESSAGE_CHARS * 2]))
    return _as_text(" ".join(text.split())[:MAX_MESSAGE_CHARS])


def json_object(request: Request) -> dict[str, Any]:
    """The request body when it is a JSON object, else an empty dict (a list, bad JSON...)."""
    try:
        body = request.json
    except Exception:  # noqa: BLE001 - Sanic raises its own error for bad JSON
        return {}
    return body if isinstance(body, dict) else {}


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def origin_allowed(request: Request) -> bool:
    """Requests without an Origin (apps, servers, curl) pass; a browser page passes only from a
    configured origin, the bot's public address or the bot's own host."""
    origin = request.headers.get("origin")
    if not origin:
        return True
    settings = load()
    allowed = {*settings.cors_origins, origin_of(settings.public_url)}
    scheme = {"ws": "http", "wss": "https"}.get(request.scheme, request.scheme)
    allowed.add(f"{scheme}://{request.host}")
    return origin in allowed


async def refuse_foreign_origin(request: Request) -> Any:
    """Blueprint middleware: 403 for a browser page of another website."""
    if request.method != "OPTIONS" and not origin_allowed(request):
        return response.json({"error": FOREIGN_ORIGIN}, status=403, ensure_ascii=False)
    return None


def _mask_structlog(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
    for key in _SENSITIVE_LOG_KEYS.intersection(event):
        event[key] = MASK
    return event


def install_privacy_logging() -> None:
    """Mask personal data in every log line of the Rasa process: the stdlib filter on the
    handlers Rasa configured, and a structlog step before Rasa's own processors. Idempotent."""
    install_log_filter()
    config = structlog.get_config()
    processors = list(config.get("processors") or [])
    if _mask_structlog not in processors:
        structlog.configure(processors=[_mask_structlog, *processors])


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
    install_privacy_logging()

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
