"""The one display rule for doubt: which record values are stated as fact, and what is said instead.

Staff mark doubt in ``needs_review`` notes that start with the field they concern
(``fee: ...``, ``submission[2].description: ...``, ``legal_basis: ...``). :func:`decide` turns
those notes into one of three verdicts for a part of an answer (a *section*):

* ``FACT``: shown as it is;
* ``DOUBT``: shown, and named once in the reply's note (lists and prose: documents, steps,
  conditions, legal basis, a glossary explanation), since withholding them would leave nothing;
* ``WITHHELD``: never shown; a line says which part to confirm and where (single values: fee,
  time, agency, where to submit, online level, the review date, an office phone number).

Notes on a way to submit by index (``submission[1].fee: ...``) concern that way only; ``fee: ...``
or ``submission.fee: ...`` concern every way. Chat replies, the printable checklist and the public
export all go through :func:`decide` and :func:`notice`, so a doubtful value reads the same
everywhere and the caveat appears at most once per reply, naming the parts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from procedure_kb.links import procedure_page

Record = Mapping[str, Any]

FACT, DOUBT, WITHHELD = "fact", "doubt", "withheld"

_FIELD_PATH = re.compile(r"^[a-z_]+(\[\d+\])?(\.[a-z_]+(\[\d+\])?)*$")
_STEP = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


@dataclass(frozen=True)
class Section:
    """A part of an answer: the record fields behind it, how citizens call it, and whether a doubt
    withholds it or only names it."""

    fields: frozenset[str]
    label: str
    withheld: bool


def _section(fields: Iterable[str], label: str, withheld: bool) -> Section:
    return Section(frozenset(fields), label, withheld)


SECTIONS: dict[str, Section] = {
    # procedures
    "summary": _section({"summary"}, "phần giới thiệu thủ tục", False),
    "agency": _section({"agency", "level"}, "cơ quan giải quyết", True),
    "fee": _section({"fee", "fee_vnd", "fees"}, "lệ phí", True),
    "time": _section({"time_days", "time_text", "time"}, "thời gian giải quyết", True),
    "channels": _section({"description", "channel"}, "nơi nộp hồ sơ", True),
    "online": _section({"online_level", "portal_url"}, "cách nộp trực tuyến", True),
    "steps": _section({"steps"}, "các bước thực hiện", False),
    "documents": _section(
        {"documents", "items", "originals", "copies", "skip_if", "note", "case"},
        "giấy tờ cần chuẩn bị",
        False,
    ),
    "eligibility": _section({"applicants", "conditions"}, "điều kiện", False),
    "legal_basis": _section({"legal_basis"}, "căn cứ pháp lý", False),
    "reviewed_at": _section({"reviewed_at"}, "ngày kiểm tra thông tin", True),
    # glossary and FAQ
    "what": _section({"what"}, "phần giải thích giấy tờ", False),
    "issuer": _section({"issuer"}, "cơ quan cấp giấy tờ", False),
    "how_to_get": _section({"how_to_get"}, "cách lấy giấy tờ", False),
    "doc_template": _section({"template"}, "mẫu giấy tờ", False),
    "replaced_by": _section({"replaced_by"}, "trường hợp không cần mang giấy tờ", False),
    "answer": _section({"answer"}, "câu trả lời", False),
    # office data
    "sessions": _section({"sessions", "office_hours"}, "giờ làm việc", True),
    "number": _section({"number", "phone"}, "số điện thoại", True),
}
# The parts that come from the ways to submit, so "submission: ..." alone concerns them all.
SUBMISSION_SECTIONS = ("fee", "time", "channels")
# Fields no citizen-facing text states: notes on them are for staff only.
STAFF_FIELDS = frozenset(
    {
        "id",
        "code",
        "name",
        "question",
        "aliases",
        "keywords",
        "phrasings",
        "field",
        "published_by",
        "local_variant",
        "effective_from",
        "effective_to",
        "status",
        "source",
        "related_procedures",
        "members",
        "interconnected_group",
        "result",
        "valid_from",
        "valid_until",
    }
)
ALL = None  # index meaning "every way to submit"

LEFT_OUT = "đang được cán bộ kiểm tra lại nên tôi chưa nêu."
CHANNEL_NAMES = {"in_person": "nộp trực tiếp", "online": "nộp trực tuyến", "post": "qua bưu điện"}


def note_path(note: str) -> list[tuple[str, int | None]] | None:
    """The field path a note starts with, as (name, index) steps ("submission[1].fee: ..." ->
    [("submission", 1), ("fee", None)]); None for a note in prose, which names no field."""
    key = note.split(":", 1)[0].strip().lower() if ":" in note else ""
    if not _FIELD_PATH.match(key):
        return None
    return [(name, int(index) if index else None) for name, index in _STEP.findall(key)]


def _sections_of(path: list[tuple[str, int | None]]) -> dict[str, int | None]:
    """Sections a note path concerns, each with the way index it is limited to (None: all)."""
    names = {name for name, _ in path}
    way = path[0][1] if path[0][0] == "submission" else ALL
    specific = names - {"submission"}
    hits = {s: way for s, section in SECTIONS.items() if section.fields & specific}
    if path[0][0] == "submission" and len(path) == 1:
        hits = dict.fromkeys(SUBMISSION_SECTIONS, way)
    if path[0][0] == "documents" and "template" in names:  # a dossier template, not a glossary one
        hits.pop("doc_template", None)
        hits["documents"] = ALL
    if path[0][0] == "legal_basis":
        hits = {"legal_basis": ALL}
    return hits


def names_a_field(note: str, known: Iterable[str]) -> bool:
    """Whether ``note`` starts with a path whose first name is one of ``known`` fields."""
    path = note_path(str(note))
    return bool(path) and path[0][0] in set(known)


def flags(record: Record) -> dict[str, set[int | None]]:
    """Sections of ``record`` in doubt, each with the way indices concerned (None: every way)."""
    out: dict[str, set[int | None]] = {}
    for note in record.get("needs_review") or []:
        path = note_path(str(note))
        if path is None:
            continue  # validation rejects notes in prose; an old record shows them as fact
        for section, way in _sections_of(path).items():
            out.setdefault(section, set()).add(way)
    return out


def decide(record: Record, section: str, way: int | None = ALL) -> str:
    """FACT, DOUBT or WITHHELD for ``section`` of ``record`` (for way ``way`` of ``submission``
    when given): the one rule every surface follows."""
    concerned = flags(record).get(section)
    if not concerned:
        return FACT
    if way is not ALL and ALL not in concerned and way not in concerned:
        return FACT
    return WITHHELD if SECTIONS[section].withheld else DOUBT


def label(record: Record, section: str, way: int | None = ALL) -> str:
    """How the citizen calls ``section`` ("lệ phí", "nơi nộp hồ sơ (qua bưu điện)")."""
    text = SECTIONS[section].label
    ways = record.get("submission") or []
    if way is not ALL and 0 <= way < len(ways) and len(ways) > 1:
        channel = str(ways[way].get("channel"))
        text += f" ({CHANNEL_NAMES.get(channel, channel)})"
    return text


def where_to_confirm(record: Record, hotline: str | None, page_below: bool = False) -> str:
    """'tại trang của thủ tục: URL hoặc gọi Tổng đài Dịch vụ công 1900 ... (miễn phí)'; with
    ``page_below`` the reply ends with the link (:func:`procedure_kb.links.source_line`), so the
    note points to it instead of repeating it."""
    page = procedure_page(record) or record.get("source")
    parts = []
    if page_below:
        parts.append("tại trang ghi ở cuối tin nhắn")
    elif page:
        parts.append(f"tại trang thông tin chính thức: {page}")
    if hotline:
        parts.append(f"gọi Tổng đài Dịch vụ công {hotline} (miễn phí)")
    return " hoặc ".join(parts) if parts else "tại Bộ phận Một cửa nơi nộp hồ sơ"


def _join(labels: list[str]) -> str:
    labels = list(dict.fromkeys(labels))
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " và " + labels[-1]


def withheld_line(
    record: Record, labels: Iterable[str], hotline: str | None, page_below: bool = False
) -> str:
    """The line that stands where withheld values would be: which parts, and where to confirm."""
    named = _join(list(labels))
    return (
        f"{named[:1].upper()}{named[1:]} {LEFT_OUT} "
        f"Anh/Chị xác nhận {where_to_confirm(record, hotline, page_below)} ạ."
    )


def notice(
    record: Record,
    withheld: Iterable[str],
    doubtful: Iterable[str],
    hotline: str | None,
    page_below: bool = False,
) -> str | None:
    """The one note of a reply: the parts it left out and the parts it shows that are in doubt,
    with where to confirm them; None when there is neither."""
    left_out, shown = list(dict.fromkeys(withheld)), list(dict.fromkeys(doubtful))
    sentences = []
    if left_out:
        named = _join(left_out)
        sentences.append(f"{named[:1].upper()}{named[1:]} {LEFT_OUT}")
    if shown:
        sentences.append(f"Cán bộ đang kiểm tra lại {_join(shown)} ở trên.")
    if not sentences:
        return None
    where = where_to_confirm(record, hotline, page_below)
    return "Lưu ý: " + " ".join(sentences) + f" Anh/Chị xác nhận {where} ạ."


class Reply:
    """Collects, while one reply is built, the parts it withheld or showed in doubt, so the reply
    ends with one note naming them (:func:`notice`)."""

    def __init__(self, record: Record, hotline: str | None, page_below: bool = False) -> None:
        self.record = record
        self.hotline = hotline
        self.page_below = page_below  # the reply ends with the procedure's link
        self.withheld: list[str] = []
        self.doubtful: list[str] = []

    def verdict(self, section: str, way: int | None = ALL) -> str:
        """:func:`decide`, remembering the part for the note."""
        verdict = decide(self.record, section, way)
        if verdict == WITHHELD:
            self.withheld.append(label(self.record, section, way))
        elif verdict == DOUBT:
            self.doubtful.append(label(self.record, section, way))
        return verdict

    def shows(self, section: str, way: int | None = ALL) -> bool:
        """True when the value may be stated (as fact or with the doubt named in the note)."""
        return self.verdict(section, way) != WITHHELD

    def note(self) -> str | None:
        """The reply's one note, or None."""
        return notice(self.record, self.withheld, self.doubtful, self.hotline, self.page_below)

    def withheld_line(self) -> str:
        """:func:`withheld_line` for the parts withheld so far."""
        return withheld_line(self.record, self.withheld, self.hotline, self.page_below)
