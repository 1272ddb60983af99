"""How knowledge-base facts read in Vietnamese, and which of them staff are still checking.

Shared by the chat replies (``actions/formatting.py``) and the printable checklist
(``bot/web/checklist.py``), so a fee, a processing time or a dossier item reads the same everywhere.
Pure functions over records in the file shape (docs/kb-format.md); nothing here imports Rasa.

Facts a record lists under ``needs_review`` ("fee: ...", "submission[0].time_text: ...") are never
stated as fact: every value goes through the one rule of :mod:`procedure_kb.review` (a
:class:`~procedure_kb.review.Reply` collects what was withheld or shown in doubt, and the reply ends
with one note naming those parts and where to confirm them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from procedure_kb.periods import day_text
from procedure_kb.review import ALL, SECTIONS, Reply, flags

Record = Mapping[str, Any]

CHANNELS = {"in_person": "Nộp trực tiếp", "online": "Nộp trực tuyến", "post": "Gửi qua bưu điện"}

# Where the data already is, so the citizen need not bring the paper.
DATA_SOURCES = {
    "population_db": "Cơ sở dữ liệu quốc gia về dân cư",
    "chip_id": "thẻ căn cước gắn chip",
    "vneid": "ứng dụng VNeID",
    "personal_data_store": "Kho dữ liệu cá nhân trên Cổng Dịch vụ công",
}

CHECKING = "cán bộ đang kiểm tra lại thông tin này"


def sentence(text: Any) -> str:
    """Trimmed text ending with a full stop (or its own final punctuation)."""
    text = " ".join(str(text or "").split())
    if text and text[-1] not in ".!?:…)":
        text += "."
    return text


# --- needs_review ---------------------------------------------------------------------------------


def review_sections(record: Record) -> set[str]:
    """Sections of ``record`` that staff have not confirmed (see :mod:`procedure_kb.review`)."""
    return set(flags(record))


def channel_values(reply: Reply, section: str, ways: Sequence[Record], describe: Any) -> list[str]:
    """``describe`` of each way to submit whose ``section`` may be stated (:func:`per_channel`);
    the others are left to the reply's note. Empty when none may be stated."""
    if ALL in flags(reply.record).get(section, set()) and not reply.shows(section):
        return []
    named = len(reply.withheld)
    shown = [way for index, way in enumerate(ways) if reply.shows(section, index)]
    if ways and not shown:  # every way withheld: name the part once, not once per way
        del reply.withheld[named:]
        reply.withheld.append(SECTIONS[section].label)
        return []
    return per_channel(shown, describe, labelled=len(shown) < len(ways))


def checking_line(record: Record) -> str:
    """'Staff are checking' with the official source to look at meanwhile."""
    source = record.get("source")
    tail = f" Anh/Chị xem thông tin chính thức tại: {source}" if source else ""
    return f"Cán bộ đang kiểm tra lại thông tin này.{tail}"


# --- facts ----------------------------------------------------------------------------------------


def fee_text(way: Record) -> str:
    """The fee of one way to submit, in words; a fee in force for a short period says until when
    and what follows (a way resolved by :func:`procedure_kb.periods.as_of`)."""
    text = _plain_fee(way)
    if way.get("fee_until"):
        text = f"Đến hết ngày {day_text(way['fee_until'])}: {text}"
        following = way.get("fee_next")
        if following:
            text += f". Từ ngày {day_text(following['valid_from'])}: {_plain_fee(following)}"
    return text


def _plain_fee(way: Record) -> str:
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


def per_channel(ways: Sequence[Record], describe: Any, labelled: bool = False) -> list[str]:
    """One bullet when every channel says the same (unless ``labelled``), else one per channel."""
    values = [
        (CHANNELS.get(str(w.get("channel")), str(w.get("channel"))), describe(w)) for w in ways
    ]
    if not values:
        return ["chưa có thông tin"]
    if len({value for _, value in values}) == 1 and not labelled:
        return [sentence(values[0][1])]
    return [f"{label}: {sentence(value)}" for label, value in values]


def submission_lines(procedure: Record, reply: Reply) -> list[str]:
    """Each way to submit with where it goes ("Nộp trực tuyến: ... Cổng Dịch vụ công: URL"); a way
    whose place is in doubt is left to the reply's note."""
    out = []
    if ALL in flags(procedure).get("channels", set()) and not reply.shows("channels"):
        return out
    for index, way in enumerate(procedure.get("submission") or []):
        if not reply.shows("channels", index):
            continue
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
