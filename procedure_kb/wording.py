"""How knowledge-base facts read in Vietnamese, and which of them staff are still checking.

Shared by the chat replies (``actions/formatting.py``) and the printable checklist
(``bot/web/checklist.py``), so a fee, a processing time or a dossier item reads the same everywhere.
Pure functions over records in the file shape (docs/kb-format.md); nothing here imports Rasa.

Facts a record lists under ``needs_review`` ("fee: ...", "submission[0].time_text: ...") are never
stated as fact: :func:`review_sections` says which parts of a record are concerned, and callers
withhold a single value under review (fee, time, agency, online level, a phone number) or show prose
and lists under review (steps, documents, conditions) with a visible note and the source link.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

Record = Mapping[str, Any]

CHANNELS = {"in_person": "Nộp trực tiếp", "online": "Nộp trực tuyến", "post": "Gửi qua bưu điện"}

# Where the data already is, so the citizen need not bring the paper.
DATA_SOURCES = {
    "population_db": "Cơ sở dữ liệu quốc gia về dân cư",
    "chip_id": "thẻ căn cước gắn chip",
    "vneid": "ứng dụng VNeID",
    "personal_data_store": "Kho dữ liệu cá nhân trên Cổng Dịch vụ công",
}

# Record fields behind each part of an answer, for ``needs_review`` checks.
SECTION_FIELDS: dict[str, set[str]] = {
    "summary": {"summary", "result"},
    "agency": {"agency", "level"},
    "fee": {"fee", "fee_vnd"},
    "time": {"time_days", "time_text", "time"},
    "channels": {"description", "channel"},
    "online": {"online_level", "portal_url"},
    "steps": {"steps"},
    "documents": {"documents", "items", "originals", "copies", "skip_if", "template"},
    "eligibility": {"applicants", "conditions"},
    # glossary and FAQ fields
    "what": {"what"},
    "issuer": {"issuer"},
    "how_to_get": {"how_to_get"},
    "doc_template": {"template"},
    "replaced_by": {"replaced_by"},
    "answer": {"answer"},
    # office data
    "sessions": {"sessions", "office_hours"},
    "number": {"number", "phone"},
}
# A bare "submission" flag covers every part that comes from the ways to submit.
SUBMISSION_SECTIONS = {"fee", "time", "channels", "online"}
# Fields no answer states (codes, legal basis, bookkeeping): notes on them change nothing here.
UNSHOWN_FIELDS = {
    "id",
    "code",
    "name",
    "question",
    "aliases",
    "keywords",
    "phrasings",
    "field",
    "legal_basis",
    "published_by",
    "local_variant",
    "effective_from",
    "effective_to",
    "status",
    "source",
    "reviewed_at",
    "related_procedures",
    "members",
    "interconnected_group",
    "result",
}

CHECKING = "cán bộ đang kiểm tra lại thông tin này"


def sentence(text: Any) -> str:
    """Trimmed text ending with a full stop (or its own final punctuation)."""
    text = " ".join(str(text or "").split())
    if text and text[-1] not in ".!?:…)":
        text += "."
    return text


# --- needs_review ---------------------------------------------------------------------------------


_FIELD_PATH = re.compile(r"^[a-z_]+(\[\d+\])?(\.[a-z_]+(\[\d+\])?)*$")


def _flag_tokens(note: str) -> set[str] | None:
    """Field names of a "field.path: note" ("submission[0].fee: ..." -> {submission, fee});
    None for a note in prose, which names no field."""
    key = note.split(":", 1)[0].strip().lower() if ":" in note else ""
    if not _FIELD_PATH.match(key):
        return None
    return {t for t in re.split(r"[.\[\]]+", key) if t and not t.isdigit()}


def review_sections(record: Record) -> set[str]:
    """Sections of ``record`` that staff have not confirmed.

    "*" stands for a note on no field we know: answers then carry a general caveat line, but
    nothing is withheld.
    """
    flagged: set[str] = set()
    for note in record.get("needs_review") or []:
        tokens = _flag_tokens(str(note))
        if tokens is None:
            flagged.add("*")
            continue
        specific = tokens - {"submission"}
        hits = {name for name, fields in SECTION_FIELDS.items() if fields & specific}
        if not specific and "submission" in tokens:
            hits = set(SUBMISSION_SECTIONS)
        if not hits and not specific <= UNSHOWN_FIELDS:
            hits = {"*"}
        flagged |= hits
    return flagged


def checking_line(record: Record) -> str:
    """'Staff are checking' with the official source to look at meanwhile."""
    source = record.get("source")
    tail = f" Anh/Chị xem thông tin chính thức tại: {source}" if source else ""
    return f"Cán bộ đang kiểm tra lại thông tin này.{tail}"


# --- facts ----------------------------------------------------------------------------------------


def fee_text(way: Record) -> str:
    """The fee of one way to submit, in words."""
    if way.get("fee"):
        return str(way["fee"]).strip().rstrip(".")
    amount = way.get("fee_vnd")
    if amount == 0:
        return "Miễn phí"
    if isinstance(amount, int | float):
        return f"{int(amount):,} đồng".replace(",", ".")
    return "chưa có thông tin"


def time_text(way: Record) -> str:
    """The processing time of one way to submit, in words."""
    if way.get("time_text"):
        return str(way["time_text"]).strip().rstrip(".")
    days = way.get("time_days")
    if days == 0:
        return "Trong ngày làm việc"
    if isinstance(days, int | float):
        return f"{days:g} ngày làm việc"
    return "chưa có thông tin"


def per_channel(ways: Sequence[Record], describe: Any) -> list[str]:
    """One bullet when every channel says the same, else one bullet per channel."""
    values = [
        (CHANNELS.get(str(w.get("channel")), str(w.get("channel"))), describe(w)) for w in ways
    ]
    if not values:
        return ["chưa có thông tin"]
    if len({value for _, value in values}) == 1:
        return [sentence(values[0][1])]
    return [f"{label}: {sentence(value)}" for label, value in values]


def submission_lines(procedure: Record) -> list[str]:
    """Each way to submit with where it goes ("Nộp trực tuyến: ... Cổng Dịch vụ công: URL")."""
    out = []
    for way in procedure.get("submission") or []:
        label = CHANNELS.get(str(way.get("channel")), str(way.get("channel")))
        detail = sentence(way.get("description")) if way.get("description") else ""
        if way.get("channel") == "online" and procedure.get("portal_url"):
            detail = (detail + f" Cổng Dịch vụ công: {procedure['portal_url']}").strip()
        out.append(f"{label}: {detail}" if detail else label + ".")
    return out


def online_text(procedure: Record) -> str:
    """Whether the procedure can be done online, in one sentence."""
    level = procedure.get("online_level")
    if level == "full":
        return "Làm được toàn bộ trực tuyến, không phải đến cơ quan."
    if level == "partial":
        return "Nộp hồ sơ trực tuyến được, nhưng vẫn có bước phải làm trực tiếp."
    return "Chưa làm trực tuyến được, Anh/Chị nộp trực tiếp hoặc qua bưu điện."


def count_text(item: Record) -> str:
    """'1 bản chính và 2 bản sao' for a dossier item."""
    originals, copies = int(item.get("originals") or 0), int(item.get("copies") or 0)
    parts = []
    if originals:
        parts.append(f"{originals} bản chính")
    if copies:
        parts.append(f"{copies} bản sao")
    return " và ".join(parts)


def skip_text(sources: Iterable[str]) -> str:
    """'không cần mang nếu thông tin đã có trong ...' for documents the office can look up."""
    names = [DATA_SOURCES.get(s, s) for s in sources]
    if not names:
        return ""
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " hoặc " + names[-1]
    return f"không cần mang nếu thông tin đã có trong {joined}"


def case_title(case: Any, index: int, total: int) -> str | None:
    """Heading of the ``index``-th of ``total`` dossier cases: its own text, "Mọi trường hợp" for
    the shared first list when other cases follow, "Trường hợp khác" for an unnamed later one,
    None for a single shared list."""
    if case:
        return str(case).rstrip(":")
    if index == 0:
        return "Mọi trường hợp" if total > 1 else None
    return "Trường hợp khác"
