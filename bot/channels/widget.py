"""Routes of the website chat widget under ``/webhooks/widget`` (the chat itself uses socket.io).

* ``GET /`` – ``{"status": "ok"}``;
* ``GET /<file>`` – a file lying directly in the static folder (``bot/web/static``: widget.js,
  widget.css, ...), for any website to embed; any other name is a 404 in JSON (deeper paths
  get Sanic's own 404);
* ``GET /checklist/<procedure_id>`` – the printable list of documents (:mod:`bot.web.checklist`);
* ``POST /feedback`` – a rating of an answer or of the chat (:mod:`bot.web.feedback`), stored in the
  knowledge-base database; only from the configured origins, with daily caps per client address
  and for the whole site (:mod:`bot.web.quota`);
* ``POST /helper-session`` – a helper-mode conversation ended (:mod:`bot.web.helper_stats`): counted
  in the knowledge-base database with the procedures Rasa's tracker shows were answered, no text
  and no id; only from the configured origins.

Static files may be embedded by any website (``Access-Control-Allow-Origin: *``); JSON answers
grant CORS only to an allowed origin.

Database calls run off the event loop. The only thing kept in memory is a per-process cache of
rendered checklist pages, keyed on the knowledge base's revision, so staff edits show at once.
"""

from __future__ import annotations

import asyncio
import gzip
import logging
import mimetypes
import re
from collections.abc import Awaitable, Callable
from datetime import date
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic_cors.core import SANIC_CORS_EVALUATED

from bot.channels.guard import FOREIGN_ORIGIN, client_ip, origin_allowed
from bot.settings import PROJECT_ROOT, Settings, load
from bot.web import STATIC_DIR, file_in_folder, helper_stats
from bot.web.checklist import (
    CONTENT_SECURITY_POLICY,
    checklist_url,
    message_page,
    render_checklist,
)
from bot.web.feedback import (
    MAX_PER_SESSION,
    NOT_SAVED,
    TOO_MANY,
    TOO_MANY_TODAY,
    FeedbackError,
    parse_feedback,
)
from bot.web.qr import take_home_section
from bot.web.quota import DailyQuota, QuotaExceeded
from procedure_kb.helper_stats import DailyLimitReached, HelperStats
from procedure_kb.office import national_hotline
from procedure_kb.periods import today_in_vietnam
from procedure_kb.repository import FeedbackLimitReached, Repository

logger = logging.getLogger(__name__)

STATIC_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Cache-Control": "public, max-age=300",
    "X-Content-Type-Options": "nosniff",
    "Vary": "Accept-Encoding",
}
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
}
CONTENT_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".html": "text/html",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".txt": "text/plain",
    ".woff2": "font/woff2",
}
_TEXT_TYPES = ("text/", "application/json", "image/svg+xml", "application/javascript")
_PROCEDURE_ID = re.compile(r"^[a-z0-9-]{1,100}$")

NOT_FOUND = "Không tìm thấy nội dung Anh/Chị yêu cầu ạ."
POST_ONLY = "Địa chỉ này chỉ nhận đánh giá gửi bằng POST ạ."
PAGE_NOT_FOUND = (
    "Không tìm thấy thủ tục",
    "Xin lỗi, không có danh sách giấy tờ cho địa chỉ này. Anh/Chị vui lòng hỏi lại trợ lý "
    "tên thủ tục để nhận đường dẫn mới.",
)
PAGE_UNAVAILABLE = (
    "Chưa xem được danh sách",
    "Xin lỗi, hệ thống đang gặp sự cố nên chưa mở được danh sách giấy tờ. "
    "Anh/Chị vui lòng thử lại sau ít phút.",
)


GZIP_HEADERS = {"Content-Encoding": "gzip"}


@lru_cache(maxsize=32)
def _gzipped(path: str, mtime_ns: int, size: int) -> bytes:
    """A static file's bytes, gzip-compressed once per version of the file (per process)."""
    return gzip.compress(Path(path).read_bytes(), compresslevel=9, mtime=0)


def content_type(name: str) -> str:
    """Content-Type of a static file, with charset=utf-8 for text."""
    suffix = Path(name).suffix.lower()
    kind = CONTENT_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith(_TEXT_TYPES) else kind


@lru_cache(maxsize=8)
def _repository(url: str) -> Repository:
    return Repository(url)


@lru_cache(maxsize=8)
def _helper_stats(url: str) -> HelperStats:
    return HelperStats(url)


@lru_cache(maxsize=256)
def _checklist(
    url: str, procedure_id: str, revision: int, hotline: str, today: date, public_url: str
) -> str | None:
    repo = _repository(url)
    procedure = repo.get_procedure(procedure_id)
    if procedure is None:
        return None
    ids = {item["document"] for group in procedure["documents"] for item in group["items"]}
    glossary = {doc_id: repo.get_document(doc_id) or {} for doc_id in sorted(ids)}
    take_home = take_home_section(checklist_url(public_url, procedure_id))
    return render_checklist(procedure, glossary, hotline, today, take_home=take_home)


def checklist_page(url: str, procedure_id: str, public_url: str | None = None) -> str | None:
    """The checklist page of a published procedure, or None (blocking: run it in an executor);
    its QR code opens the page at ``public_url`` (default: the ``PUBLIC_URL`` setting)."""
    public = public_url or load().public_url
    revision, hotline = _repository(url).revision(), national_hotline()
    return _checklist(url, procedure_id, revision, hotline, today_in_vietnam(), public)


def save_feedback(url: str, session_id: str, kind: str, rating: str, **texts: str | None) -> int:
    """Store one rating from the widget (blocking: run it in an executor)."""
    return _repository(url).record_feedback(
        session_id, kind, rating, channel="widget", max_per_session=MAX_PER_SESSION, **texts
    )


def feedback_quota(settings: Settings) -> DailyQuota:
    """The daily caps on ratings, counted in the state database."""
    return DailyQuota(
        settings.state_database_url,
        settings.state_secret,
        "feedback",
        per_client=settings.feedback_per_address_per_day,
        per_day=settings.feedback_per_day,
    )


def save_helper_record(url: str, record: helper_stats.HelperRecord, procedures: list[str]) -> int:
    """Count one ended helper-mode conversation (blocking: run it in an executor)."""
    return _helper_stats(url).record(
        record.team_code,
        record.ended_by,
        record.questions,
        procedures,
        max_per_day=helper_stats.MAX_PER_DAY,
    )


async def answered_procedures(request: Request, session_id: str) -> list[str]:
    """Procedures Rasa answered about in the conversation ``session_id`` (all its sessions, as a
    persistent tracker store keeps them; the widget restarts the conversation before it counts);
    none when the app has no agent or tracker, or the tracker cannot be read."""
    store = getattr(getattr(request.app.ctx, "agent", None), "tracker_store", None)
    if store is None:
        return []
    try:
        tracker = await store.retrieve_full_tracker(session_id)
    except Exception as error:  # noqa: BLE001 - counted without procedures; the kind is logged
        logger.warning("helper session: tracker not read: %s", type(error).__name__)
        return []
    if tracker is None:
        return []
    return helper_stats.answered_procedures(event.as_dict() for event in tracker.events)


def _cors(request: Request | None) -> dict[str, str]:
    """CORS grant for an allowed page's origin only (none for other sites or no Origin)."""
    origin = request.headers.get("origin") if request is not None else None
    if origin and origin_allowed(request):
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
    return {}


def _json(
    body: dict[str, str], status: int = 200, request: Request | None = None, **headers: str
) -> HTTPResponse:
    return response.json(
        body, status=status, headers={**_cors(request), **headers}, ensure_ascii=False
    )


def _error(
    status: int, message: str, request: Request | None = None, **headers: str
) -> HTTPResponse:
    return _json({"error": message}, status, request, **headers)


def _page(status: int, title_and_text: tuple[str, str]) -> HTTPResponse:
    return response.html(message_page(*title_and_text), status=status, headers=PAGE_HEADERS)


async def _blocking(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(
        None, partial(function, *args, **kwargs)
    )


class WidgetInput(InputChannel):
    """The widget's files, its printable checklist and its feedback; no chat messages."""

    @classmethod
    def name(cls) -> str:
        """URL prefix: /webhooks/widget."""
        return "widget"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WidgetInput:
        """``static_dir`` (optional, relative to the project) replaces bot/web/static."""
        return cls(static_dir=(credentials or {}).get("static_dir"))

    def __init__(
        self, static_dir: str | Path | None = None, kb_database_url: str | None = None
    ) -> None:
        settings = load()
        self.static_dir = PROJECT_ROOT / static_dir if static_dir else STATIC_DIR
        self.kb_database_url = kb_database_url or settings.kb_database_url
        self.quota = feedback_quota(settings)
        self.public_url = settings.public_url

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The routes; ``on_new_message`` is unused (no messages arrive here)."""
        widget = Blueprint("widget_webhook", __name__)

        @widget.middleware("request")
        async def own_cors_headers(request: Request) -> None:
            # Responses here carry their own "Access-Control-Allow-Origin". This flag tells
            # Rasa's CORS layer (sanic-cors, `rasa run --cors`) not to add a second one, which
            # browsers refuse. Preflight requests (OPTIONS) are left to it.
            if request.method != "OPTIONS":
                setattr(request.ctx, SANIC_CORS_EVALUATED, "1")

        @widget.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return _json({"status": "ok"}, request=request)

        @widget.route("/<name>", methods=["GET"])
        async def static(request: Request, name: str) -> HTTPResponse:
            if not name:  # Sanic's router sends "/webhooks/widget/" here, with an empty name
                return await health(request)
            path = file_in_folder(self.static_dir, name)
            if path is None:
                return _error(404, NOT_FOUND, request)
            kind = content_type(path.name)
            if "gzip" in request.headers.get("accept-encoding", "") and kind.startswith(
                _TEXT_TYPES
            ):
                # A citizen's phone loads about a third of the bytes (widget.js 71 → 20 KB).
                stat = path.stat()
                body = _gzipped(str(path), stat.st_mtime_ns, stat.st_size)
                return response.raw(
                    body, content_type=kind, headers={**STATIC_HEADERS, **GZIP_HEADERS}
                )
            return await response.file(path, headers=STATIC_HEADERS, mime_type=kind)

        @widget.route("/checklist/<procedure_id>", methods=["GET"])
        async def checklist(_: Request, procedure_id: str) -> HTTPResponse:
            if not _PROCEDURE_ID.match(procedure_id):
                return _page(404, PAGE_NOT_FOUND)
            try:
                page = await _blocking(
                    checklist_page, self.kb_database_url, procedure_id, self.public_url
                )
            except Exception as error:  # noqa: BLE001 - a page for the citizen, the kind in the log
                logger.error("checklist %s not rendered: %s", procedure_id, type(error).__name__)
                return _page(503, PAGE_UNAVAILABLE)
            if page is None:
                return _page(404, PAGE_NOT_FOUND)
            return response.html(page, headers=PAGE_HEADERS)

        @widget.route("/feedback", methods=["POST"])
        async def feedback(request: Request) -> HTTPResponse:
            if not origin_allowed(request):
                return _error(403, FOREIGN_ORIGIN)
            try:
                entry = parse_feedback(request.body)
                await _blocking(self.quota.take, client_ip(request))
                await _blocking(
                    save_feedback,
                    self.kb_database_url,
                    entry.session_id,
                    entry.kind,
                    entry.rating,
                    comment=entry.comment,
                    answer=entry.answer,
                )
            except FeedbackError as error:
                return _error(error.status, error.message, request)
            except FeedbackLimitReached:
                return _error(429, TOO_MANY, request)
            except QuotaExceeded:
                return _error(429, TOO_MANY_TODAY, request, **{"Retry-After": "3600"})
            except Exception as error:  # noqa: BLE001 - the texts stay out of the log
                logger.error("feedback not stored: %s", type(error).__name__)
                return _error(503, NOT_SAVED, request)
            return _json({"status": "ok"}, 201, request)

        @widget.route("/feedback", methods=["GET"])
        async def feedback_opened(request: Request) -> HTTPResponse:
            return _error(405, POST_ONLY, request, Allow="POST")

        @widget.route("/helper-session", methods=["POST"])
        async def helper_session(request: Request) -> HTTPResponse:
            if not origin_allowed(request):
                return _error(403, FOREIGN_ORIGIN)
            try:
                record = helper_stats.parse_helper_record(request.body)
                procedures = await answered_procedures(request, record.session_id)
                await _blocking(save_helper_record, self.kb_database_url, record, procedures)
            except helper_stats.HelperRecordError as error:
                return _error(error.status, error.message, request)
            except DailyLimitReached:
                return _error(429, helper_stats.TOO_MANY, request)
            except Exception as error:  # noqa: BLE001 - nothing personal in it, the kind in the log
                logger.error("helper session not counted: %s", type(error).__name__)
                return _error(503, helper_stats.NOT_SAVED, request)
            return _json({"status": "ok"}, 201, request)

        return widget
