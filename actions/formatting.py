"""Every sentence the actions show to citizens, so replies look the same everywhere.

Replies are short chat bubbles: a title line, then bullets ("•"), in polite plain Vietnamese, with
buttons for the natural next question. Functions here are pure: records (plain dicts in the shape
of docs/kb-format.md) in, :class:`Bubble` objects out; the actions only send them.

Facts a record lists under ``needs_review`` ("fee: ...", "submission[0].time_text: ...") are never
stated as fact; :mod:`procedure_kb.review` decides each part. A single value in doubt (fee, time,
agency, where to submit, online level) is withheld; prose and lists in doubt (steps, documents,
conditions, an FAQ answer, a glossary entry) are shown. Each reply ends with at most one note that
names the parts withheld or in doubt and where to confirm them (the procedure's page, the hotline).

How single facts read (fee, time, dossier counts) and which parts of a record are under review come
from :mod:`procedure_kb.wording`, which the printable checklist of the web widget uses too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from procedure_kb.links import source_line
from procedure_kb.office import national_hotline
from procedure_kb.plain_words import SCREEN_LINES, screen_lines
from procedure_kb.review import Reply
from procedure_kb.wording import (
    DATA_SOURCES as DATA_SOURCES,  # re-exported: the actions' tests read it from here
)
from procedure_kb.wording import (
    case_title,
    channel_values,
    checking_line,
    count_text,
    fee_text,
    online_text,
    review_sections,
    sentence,
    skip_text,
    submission_lines,
    time_text,
)

Record = Mapping[str, Any]

BULLET = "• "

# What stands for a list the record lacks; the answer ends with the procedure's link.
NOT_LISTED = "Anh/Chị xem thông tin chính thức tại trang ghi ở cuối tin nhắn."

# Next-question buttons, in the order they are shown.
NEXT_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("ask_documents", "Giấy tờ cần chuẩn bị"),
    ("ask_fee", "Lệ phí"),
    ("ask_processing_time", "Thời gian"),
    ("ask_online", "Nộp trực tuyến"),
    ("ask_where", "Nơi nộp"),
    ("ask_steps", "Các bước"),
    ("ask_eligibility", "Điều kiện"),
)
PROCEDURE_INTENTS = ("ask_procedure",) + tuple(intent for intent, _ in NEXT_QUESTIONS)

# What each intent asks about, used in "Anh/Chị muốn hỏi lệ phí của thủ tục nào?".
ASPECTS = {
    "ask_procedure": "",
    "ask_documents": "giấy tờ cần chuẩn bị",
    "ask_fee": "lệ phí",
    "ask_processing_time": "thời gian giải quyết",
    "ask_where": "nơi nộp hồ sơ",
    "ask_steps": "các bước thực hiện",
    "ask_online": "cách nộp trực tuyến",
    "ask_eligibility": "điều kiện",
}


@dataclass(frozen=True)
class Bubble:
    """One chat message: text and optional buttons ({"title", "payload"})."""

    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)


def send(dispatcher: Any, bubbles: Iterable[Bubble]) -> None:
    """Send bubbles in order through a rasa-sdk dispatcher."""
    for bubble in bubbles:
        dispatcher.utter_message(text=bubble.text, buttons=list(bubble.buttons))


def payload(intent: str, **entities: str) -> str:
    """A button payload: ``/ask_fee{"procedure":"khai-sinh"}``."""
    if not entities:
        return f"/{intent}"
    return f"/{intent}" + json.dumps(entities, ensure_ascii=False, separators=(",", ":"))


def button(title: str, intent: str, **entities: str) -> dict[str, str]:
    """One button dict as Rasa channels expect it."""
    return {"title": short(title, 60), "payload": payload(intent, **entities)}


def short(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word boundary, with an ellipsis when cut."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def lines(title: str, bullets: Iterable[str], footer: str | None = None) -> str:
    """A title line, bullets, and an optional plain last line."""
    body = [title] + [BULLET + item for item in bullets if item]
    if footer:
        body.append(footer)
    return "\n".join(body)


def screens(title: str, bullets: Sequence[str]) -> list[str]:
    """:func:`lines` cut into bubbles that each fit one phone screen
    (:data:`procedure_kb.plain_words.SCREEN_LINES`); later bubbles carry no title."""
    out: list[str] = []
    current: list[str] = []
    for item in [b for b in bullets if b]:
        candidate = lines(title if not out else "", [*current, item]).lstrip("\n")
        if current and screen_lines(candidate) > SCREEN_LINES:
            out.append(lines(title if not out else "", current).lstrip("\n"))
            current = []
        current.append(item)
    out.append(lines(title if not out else "", current).lstrip("\n"))
    return out


# --- needs_review -------------------------------------------------------------------------------


def reply_for(record: Record) -> Reply:
    """A :class:`~procedure_kb.review.Reply` for one answer about ``record``."""
    return Reply(record, national_hotline())


def answer_reply(procedure: Record) -> Reply:
    """A :class:`~procedure_kb.review.Reply` for an answer that ends with the procedure's link
    (:func:`procedure_kb.links.source_line`), so its note points there."""
    return Reply(procedure, national_hotline(), page_below=True)


def review_note(record: Record, *sections: str) -> str | None:
    """The one note of a reply that states ``sections`` of ``record`` (all shown sections when
    none are named), or None when nothing there is in doubt."""
    reply = reply_for(record)
    for section in sections or review_sections(record):
        reply.verdict(section)
    return reply.note()


# --- facts --------------------------------------------------------------------------------------


def _summary_of(reply: Reply, section: str, ways: Sequence[Record], describe: Any) -> str | None:
    """One short value for the overview (the in-person way's when the ways differ); None when it
    is withheld."""
    values = channel_values(reply, section, ways, describe)
    if not values:
        return None if ways else "chưa có thông tin."
    if len(values) == 1:
        return values[0]
    return values[0][:1].lower() + values[0][1:]


def document_line(item: Record) -> str:
    """One dossier item: name, template, how many, and whether it may be skipped."""
    text = str(item.get("name") or item.get("document"))
    if item.get("template"):
        text += f" ({item['template']})"
    count = count_text(item)
    if count:
        text += f": {count}"
    skip = skip_text(item.get("skip_if") or [])
    if skip:
        text += f" – {skip}"
    text = sentence(text)
    if item.get("note"):
        text += " " + sentence(item["note"])
    return text


# --- procedure answers --------------------------------------------------------------------------


@dataclass(frozen=True)
class Related:
    """Records an answer mentions besides the procedure: its liên thông group and members."""

    group: Record | None = None
    members: list[Record] = field(default_factory=list)


def next_buttons(procedure: Record, answered: str | None = None) -> list[dict[str, str]]:
    """Buttons for the natural next questions about ``procedure``."""
    buttons = []
    for intent, title in NEXT_QUESTIONS:
        if intent == answered:
            continue
        if intent == "ask_steps" and not procedure.get("steps"):
            continue
        if intent == "ask_eligibility" and not (
            procedure.get("conditions") or procedure.get("applicants")
        ):
            continue
        buttons.append(button(title, intent, procedure=str(procedure["id"])))
    return buttons


def interconnected_lines(procedure: Record, related: Related) -> list[str]:
    """What the liên thông group is and what it saves the citizen."""
    group = related.group
    if not group:
        return []
    saving = (
        sentence(group.get("summary"))
        if group.get("summary")
        else ("Anh/Chị chỉ nộp một bộ hồ sơ, không phải đi nộp từng thủ tục ở nhiều nơi.")
    )
    name = re.sub(r"^\s*liên thông\s*:\s*", "", str(group.get("name")), flags=re.IGNORECASE)
    return [f"Có thể làm liên thông: {name}. {saving}"]


def _portal(procedure: Record) -> str:
    url = procedure.get("portal_url")
    return (
        f" Nộp tại: {url}" if url and procedure.get("online_level") in ("full", "partial") else ""
    )


def _finish(
    procedure: Record, text: str, extras: Sequence[str | None], buttons: list[dict[str, str]]
) -> list[Bubble]:
    """The facts in one bubble; notes (liên thông, review, hints), the link to the procedure's
    own page (last, on every answer) and the buttons in a second one, so each bubble stays
    short."""
    notes = [line for line in extras if line] + [source_line(procedure)]
    return [Bubble(text), Bubble("\n".join(notes), buttons)]


def checklist_line(procedure: Record, url: str | None) -> str | None:
    """Where to print the list of documents, when there is a list and a link to it."""
    if not url or not procedure.get("documents"):
        return None
    return f"🖨 Danh sách giấy tờ để in: {url}"


def overview(procedure: Record, related: Related, checklist_url: str | None = None) -> list[Bubble]:
    """ask_procedure: what it is, who handles it, time, fee, online, next questions."""
    reply = answer_reply(procedure)
    ways = procedure.get("submission") or []
    bullets = []
    if procedure.get("summary") and reply.shows("summary"):
        bullets.append(sentence(procedure["summary"]))
    if reply.shows("agency"):
        bullets.append("Cơ quan giải quyết: " + sentence(procedure.get("agency")))
    for label, section, describe in (("Thời gian", "time", time_text), ("Lệ phí", "fee", fee_text)):
        value = _summary_of(reply, section, ways, describe)
        if value:
            bullets.append(f"{label}: {value}")
    if reply.shows("online"):
        bullets.append("Trực tuyến: " + online_text(procedure) + _portal(procedure))
    if related.members:
        names = ", ".join(str(m.get("name")) for m in related.members)
        bullets.append(f"Gồm các thủ tục: {names}.")
    buttons = next_buttons(procedure)
    if related.group:
        buttons.append(
            button("Làm liên thông", "ask_procedure", procedure=str(related.group["id"]))
        )
    extras = [
        *interconnected_lines(procedure, related),
        reply.note(),
        checklist_line(procedure, checklist_url),
        "Anh/Chị muốn xem thêm thông tin nào ạ?",
    ]
    return _finish(procedure, lines(str(procedure.get("name")), bullets), extras, buttons)


def documents_answer(
    procedure: Record, related: Related, checklist_url: str | None = None
) -> list[Bubble]:
    """ask_documents: every document with originals/copies, by case, skip marks, and the link to
    a printable checklist."""
    reply = answer_reply(procedure)
    groups = procedure.get("documents") or []
    name = procedure.get("name")
    buttons = next_buttons(procedure, "ask_documents")
    if not groups:
        text = lines(
            f"Giấy tờ cần chuẩn bị – {name}:",
            [f"Tôi chưa có danh sách giấy tờ của thủ tục này. {NOT_LISTED}"],
        )
        return _finish(procedure, text, [], buttons)
    reply.verdict("documents")
    bubbles = []
    for index, group in enumerate(groups):
        items = [document_line(item) for item in group.get("items") or []]
        heading = case_title(group.get("case"), index, len(groups))
        title = f"Giấy tờ cần chuẩn bị – {name}:" if index == 0 else ""
        if heading:
            title = f"{title}\n{heading}:" if title else f"{heading}:"
        bubbles.extend(Bubble(text) for text in screens(title, items))
    first_doc = next(
        (i.get("name") for g in groups for i in g.get("items") or [] if i.get("name")), None
    )
    hint = (
        f"Muốn biết một giấy tờ là gì, lấy ở đâu, Anh/Chị cứ hỏi, ví dụ: “{first_doc} là gì?”."
        if first_doc
        else None
    )
    extras = [
        *interconnected_lines(procedure, related),
        reply.note(),
        checklist_line(procedure, checklist_url),
        hint,
    ]
    *facts, last = bubbles
    return facts + _finish(procedure, last.text, extras, buttons)


def _per_way_answer(
    procedure: Record, title: str, section: str, describe: Any, intent: str, footer: Any = None
) -> list[Bubble]:
    """A fee or time answer: the value of each way that may be stated; the withheld ones named
    once (in place of the list when nothing is left)."""
    reply = answer_reply(procedure)
    ways = procedure.get("submission") or []
    bullets = channel_values(reply, section, ways, describe)
    note, tail = reply.note(), footer(ways) if footer else None
    if not bullets:
        bullets, note, tail = [reply.withheld_line()], None, None
    text = lines(f"{title} – {procedure.get('name')}:", bullets, tail)
    return _finish(procedure, text, [note], next_buttons(procedure, intent))


def fee_answer(procedure: Record, related: Related) -> list[Bubble]:
    """ask_fee: fee per way to submit."""
    return _per_way_answer(procedure, "Lệ phí", "fee", fee_text, "ask_fee")


def _working_days_footer(ways: Sequence[Record]) -> str | None:
    counted = any(isinstance(w.get("time_days"), int | float) and w["time_days"] > 0 for w in ways)
    return "Ngày làm việc không tính thứ Bảy, Chủ nhật và ngày nghỉ lễ, Tết." if counted else None


def time_answer(procedure: Record, related: Related) -> list[Bubble]:
    """ask_processing_time: time per way to submit, in working days."""
    return _per_way_answer(
        procedure,
        "Thời gian giải quyết",
        "time",
        time_text,
        "ask_processing_time",
        _working_days_footer,
    )


def where_answer(procedure: Record, related: Related) -> list[Bubble]:
    """ask_where: the agency and where each way to submit goes."""
    reply = answer_reply(procedure)
    bullets = []
    if reply.shows("agency"):
        bullets.append("Cơ quan giải quyết: " + sentence(procedure.get("agency")))
    bullets += submission_lines(procedure, reply)
    note = reply.note()
    if not bullets:
        bullets, note = [reply.withheld_line()], None
    text = lines(f"Nơi nộp hồ sơ – {procedure.get('name')}:", bullets)
    extras = [*interconnected_lines(procedure, related), note]
    return _finish(procedure, text, extras, next_buttons(procedure, "ask_where"))


def steps_answer(procedure: Record, related: Related) -> list[Bubble]:
    """ask_steps: the ordered steps."""
    reply = answer_reply(procedure)
    steps = [str(s).strip() for s in procedure.get("steps") or [] if str(s).strip()]
    if not steps:
        bullets = [f"Tôi chưa có các bước của thủ tục này. {NOT_LISTED}"]
    else:
        reply.verdict("steps")
        bullets = [
            sentence(s) if s.lower().startswith("bước") else sentence(f"Bước {n}: {s}")
            for n, s in enumerate(steps, 1)
        ]
    *first, text = screens(f"Các bước – {procedure.get('name')}:", bullets)
    buttons = next_buttons(procedure, "ask_steps")
    return [Bubble(t) for t in first] + _finish(procedure, text, [reply.note()], buttons)


def online_answer(procedure: Record, related: Related) -> list[Bubble]:
    """ask_online: online level, the portal link, the online way's time and fee."""
    reply = answer_reply(procedure)
    if not reply.shows("online"):
        bullets = [reply.withheld_line()]
        reply.withheld.clear()
    else:
        bullets = [online_text(procedure)]
        ways = procedure.get("submission") or []
        if procedure.get("online_level") in ("full", "partial"):
            url = procedure.get("portal_url")
            if url:
                bullets.append(
                    f"Nộp trên Cổng Dịch vụ công (đăng nhập bằng tài khoản VNeID): {url}"
                )
            for index, way in enumerate(ways):
                if way.get("channel") != "online":
                    continue
                if way.get("description") and reply.shows("channels", index):
                    bullets.append(sentence(way["description"]))
                facts = []
                if reply.shows("time", index):
                    facts.append(f"Thời gian: {time_text(way)}.")
                if reply.shows("fee", index):
                    facts.append(f"Lệ phí: {fee_text(way)}.")
                if facts:
                    bullets.append(" ".join(facts))
    text = lines(f"Nộp trực tuyến – {procedure.get('name')}:", bullets)
    extras = [*interconnected_lines(procedure, related), reply.note()]
    buttons = next_buttons(procedure, "ask_online")
    if procedure.get("online_level") in ("full", "partial"):
        buttons.append(button("Cách nộp hồ sơ trực tuyến", "ask_faq", faq="nop-ho-so-truc-tuyen"))
    return _finish(procedure, text, extras, buttons)


def eligibility_answer(procedure: Record, related: Related) -> list[Bubble]:
    """ask_eligibility: who may apply and the conditions."""
    reply = answer_reply(procedure)
    bullets = []
    if procedure.get("applicants"):
        bullets.append("Người được nộp: " + sentence(procedure["applicants"]))
    bullets.extend(sentence(c) for c in procedure.get("conditions") or [])
    if not bullets:
        bullets = ["Thủ tục này không có điều kiện riêng, công dân có nhu cầu đều được nộp."]
    else:
        reply.verdict("eligibility")
    *first, text = screens(f"Ai được làm, điều kiện – {procedure.get('name')}:", bullets)
    buttons = next_buttons(procedure, "ask_eligibility")
    return [Bubble(t) for t in first] + _finish(procedure, text, [reply.note()], buttons)


ANSWERS = {
    "ask_procedure": overview,
    "ask_documents": documents_answer,
    "ask_fee": fee_answer,
    "ask_processing_time": time_answer,
    "ask_where": where_answer,
    "ask_steps": steps_answer,
    "ask_online": online_answer,
    "ask_eligibility": eligibility_answer,
}


def procedure_answer(
    intent: str,
    procedure: Record,
    related: Related | None = None,
    checklist_url: str | None = None,
) -> list[Bubble]:
    """The answer to ``intent`` about ``procedure`` (overview for unknown intents); the overview
    and the documents answer link the printable checklist at ``checklist_url``."""
    answer = ANSWERS.get(intent, overview)
    if answer in (overview, documents_answer):
        return answer(procedure, related or Related(), checklist_url)
    return answer(procedure, related or Related())


def procedure_choice(intent: str, options: Sequence[tuple[str, str]]) -> list[Bubble]:
    """Ambiguity: ask which procedure, one button per candidate, same intent."""
    aspect = ASPECTS.get(intent, "")
    question = (
        f"Anh/Chị muốn hỏi {aspect} của thủ tục nào ạ?"
        if aspect
        else "Anh/Chị muốn hỏi về thủ tục nào ạ?"
    )
    target = intent if intent in ANSWERS else "ask_procedure"
    buttons = [button(name, target, procedure=pid) for pid, name in options]
    return [Bubble(f"Có vài thủ tục gần giống nhau.\n{question}", buttons)]


def procedure_not_found(
    intent: str,
    mentioned: bool,
    options: Sequence[tuple[str, str]],
    faqs: Sequence[tuple[str, str]],
    examples: Sequence[tuple[str, str]] = (),
) -> list[Bubble]:
    """No match: say so, offer the closest procedures and FAQ entries."""
    target = intent if intent in ANSWERS else "ask_procedure"
    aspect = ASPECTS.get(intent, "")
    if mentioned or not aspect:
        text = (
            "Xin lỗi, tôi chưa tìm thấy thủ tục Anh/Chị hỏi. "
            "Tôi đã ghi lại câu hỏi để cán bộ bổ sung."
        )
    else:
        text = f"Anh/Chị muốn hỏi {aspect} của thủ tục nào ạ?"
    buttons = [button(name, target, procedure=pid) for pid, name in options]
    buttons += [button(question, "ask_faq", faq=fid) for fid, question in faqs]
    if buttons:
        text += "\nCó phải Anh/Chị muốn hỏi một trong các mục dưới đây?"
    else:
        text += "\nAnh/Chị vui lòng ghi rõ tên thủ tục, ví dụ: “đăng ký khai sinh”, “làm hộ chiếu”."
    if not options:
        buttons += [button(name, target, procedure=pid) for pid, name in examples]
    return [Bubble(text, buttons)]


# --- documents ----------------------------------------------------------------------------------


def find_item(procedure: Record | None, document_id: str) -> Record | None:
    """The dossier item of ``procedure`` that uses glossary document ``document_id``."""
    for group in (procedure or {}).get("documents") or []:
        for item in group.get("items") or []:
            if item.get("document") == document_id:
                return item
    return None


def document_answer(document: Record, procedure: Record | None = None) -> list[Bubble]:
    """explain_document: what it is, who issues it, how to get it, template, in context."""

    def fact(label: str, key: str) -> str:
        if not document.get(key):
            return ""
        return f"{label}: {sentence(document[key])}"

    bullets = [
        fact("Là gì", "what"),
        fact("Cơ quan cấp", "issuer"),
        fact("Cách lấy", "how_to_get"),
        fact("Mẫu", "template"),
    ]
    replaced = document.get("replaced_by") or []
    if replaced:
        line = sentence(skip_text(replaced))
        bullets.append(line[:1].upper() + line[1:])
    item = find_item(procedure, str(document.get("id"))) if procedure else None
    in_dossier = []
    if procedure and item:
        detail = count_text(item) or "có trong hồ sơ"
        if item.get("template") and item["template"] != document.get("template"):
            detail += f", {item['template']}"
        in_dossier.append(sentence(f"Trong hồ sơ {procedure.get('name')}: {detail}"))
        if item.get("note"):
            in_dossier.append(sentence(item["note"]))
    footer = review_note(document)
    buttons = next_buttons(procedure, None)[:3] if procedure else []
    text = lines(str(document.get("name")), bullets + in_dossier, footer)
    if not in_dossier or screen_lines(text) <= SCREEN_LINES:
        return [Bubble(text, buttons)]
    # too long for one screen: what the document is, then its place in this dossier
    return [
        Bubble(lines(str(document.get("name")), bullets)),
        Bubble(
            "\n".join(BULLET + line for line in in_dossier) + (f"\n{footer}" if footer else ""),
            buttons,
        ),
    ]


def document_choice(
    options: Sequence[tuple[str, str]], procedure_id: str | None, sure: bool = True
) -> list[Bubble]:
    """Ambiguity: ask which document ("tờ khai" names several); unsure when none matched well."""
    extra = {"procedure": procedure_id} if procedure_id else {}
    buttons = [button(name, "explain_document", document=did, **extra) for did, name in options]
    text = (
        "Anh/Chị muốn hỏi về giấy tờ nào ạ?"
        if sure
        else "Tôi chưa chắc Anh/Chị hỏi giấy tờ nào. Có phải một trong các giấy tờ dưới đây ạ?"
    )
    return [Bubble(text, buttons)]


def document_not_found(
    options: Sequence[tuple[str, str]], procedure: Record | None
) -> list[Bubble]:
    """No glossary match: say so, offer near documents (the dossier's first when in context)."""
    text = "Xin lỗi, tôi chưa có giải thích cho giấy tờ này. Tôi đã ghi lại để cán bộ bổ sung."
    extra = {"procedure": str(procedure["id"])} if procedure else {}
    buttons = [button(name, "explain_document", document=did, **extra) for did, name in options]
    if buttons:
        text += "\nAnh/Chị có muốn xem một trong các giấy tờ dưới đây không ạ?"
    elif procedure:
        buttons = [button("Giấy tờ cần chuẩn bị", "ask_documents", procedure=str(procedure["id"]))]
    return [Bubble(text, buttons)]


# --- FAQ ----------------------------------------------------------------------------------------


def faq_answer(faq: Record, related: Sequence[Record] = ()) -> list[Bubble]:
    """ask_faq: the stored answer, with the review note and source when staff are checking it."""
    body = str(faq.get("answer") or "").strip() or checking_line(faq)
    caveat = review_note(faq)
    if caveat and body != checking_line(faq):
        body += "\n" + caveat
    buttons = [
        button(p.get("name", p["id"]), "ask_procedure", procedure=str(p["id"])) for p in related
    ]
    return [Bubble(f"{faq.get('question')}\n{body}", buttons[:3])]


def faq_choice(options: Sequence[tuple[str, str]]) -> list[Bubble]:
    """Ambiguity between FAQ entries: one button per question."""
    buttons = [button(question, "ask_faq", faq=fid) for fid, question in options]
    return [Bubble("Anh/Chị muốn hỏi câu nào dưới đây ạ?", buttons)]


# --- fallback -----------------------------------------------------------------------------------

NOT_UNDERSTOOD = (
    "Xin lỗi, tôi chưa hiểu ý Anh/Chị. Anh/Chị có thể hỏi ngắn gọn, ví dụ: "
    "“làm căn cước cần giấy tờ gì” hoặc “quên mật khẩu dịch vụ công” ạ."
)
OUT_OF_SCOPE = (
    "Xin lỗi, tôi chỉ hỗ trợ thủ tục hành chính và dịch vụ công. "
    "Anh/Chị có câu hỏi nào về thủ tục không ạ?"
)
SYSTEM_ERROR = (
    "Xin lỗi, hệ thống tra cứu đang gặp sự cố. Anh/Chị vui lòng thử lại sau ít phút, "
    "hoặc nhắn “gặp cán bộ” để được hỗ trợ ạ."
)


def fallback_reply(out_of_scope: bool, suggestions: Sequence[dict[str, str]] = ()) -> Bubble:
    """A short polite reply when nothing answered; suggestions as buttons when there are some."""
    text = OUT_OF_SCOPE if out_of_scope else NOT_UNDERSTOOD
    if suggestions:
        text += "\nCó phải Anh/Chị muốn hỏi một trong các mục dưới đây?"
    return Bubble(text, list(suggestions))


def handoff_offer() -> Bubble:
    """After repeated failures: offer a person."""
    return Bubble(
        "Có vẻ tôi chưa giúp được Anh/Chị. Anh/Chị có muốn gặp cán bộ hỗ trợ không ạ?",
        [button("Gặp cán bộ", "human_handoff"), button("Xem tôi giúp được gì", "help")],
    )


# --- handoff ------------------------------------------------------------------------------------

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def when_text(moment: Any) -> str:
    """'8:00 Thứ Hai, 24/11/2026'."""
    return f"{moment.hour}:{moment.minute:02d} {WEEKDAYS[moment.weekday()]}, {moment:%d/%m/%Y}"


def _contact_bits(entry: Record, *keys: str) -> str:
    return ", ".join(str(entry[k]) for k in keys if entry.get(k))


def handoff_answer(
    office: Record,
    commune: Record | None,
    is_open: bool,
    closed_reason: str | None,
    next_open: Any | None,
) -> Bubble:
    """Who to contact now: hours, hotlines, the one-stop desk and digital team of the commune."""
    hours = office.get("office_hours") or {}
    hours_text = str(hours.get("text") or "")
    if is_open:
        bullets = ["Hiện đang trong giờ làm việc.", f"Giờ làm việc: {hours_text}"]
    else:
        if closed_reason == "weekend":
            reason = "Hôm nay là ngày nghỉ cuối tuần."
        elif closed_reason:
            reason = f"Hôm nay là ngày nghỉ: {closed_reason.rstrip('.')}."
        else:
            reason = ""
        bullets = [f"Hiện đang ngoài giờ làm việc. {reason}".strip(), f"Giờ làm việc: {hours_text}"]
        if next_open is not None:
            bullets.append(f"Giờ làm việc tiếp theo bắt đầu lúc {when_text(next_open)}.")
    if review_sections(hours):
        bullets.append("Giờ làm việc có thể khác theo địa phương.")
    for line in office.get("hotlines") or []:
        text = f"{line.get('name')}: {line.get('number')}"
        if line.get("email"):
            text += f", thư điện tử {line['email']}"
        if "number" in review_sections(line):
            text += " (số này đang được kiểm tra lại)"
        bullets.append(sentence(text))
    if commune:
        desk = commune.get("one_stop_desk") or {}
        team = commune.get("digital_team") or {}
        bullets.append(
            sentence(f"Đến {desk.get('name')}: {_contact_bits(desk, 'address', 'phone')}")
        )
        bullets.append(sentence(f"{team.get('name')}: {_contact_bits(team, 'contact', 'phone')}"))
        if commune.get("needs_review"):
            bullets.append(f"Thông tin của {commune.get('name')} đang được cán bộ kiểm tra lại.")
    else:
        desk = office.get("default_desk") or {}
        team = office.get("default_digital_team") or {}
        bullets.append(sentence(f"Đến {desk.get('name')}. {desk.get('note') or ''}"))
        bullets.append(sentence(f"{team.get('name')}: {team.get('note') or ''}"))
    footer = []
    if not commune and office.get("communes"):
        example = office["communes"][0].get("name", "")
        footer.append(
            f"Nếu Anh/Chị cho biết xã, phường mình ở (ví dụ: “gặp cán bộ {example.lower()}”), "
            "tôi sẽ gửi địa chỉ cụ thể."
        )
    if not is_open:
        footer.append(
            "Tôi có thể ghi lại số điện thoại để cán bộ gọi lại cho Anh/Chị trong giờ làm việc."
        )
    return Bubble(lines("Kết nối với cán bộ:", bullets, "\n".join(footer) or None))


ASK_CALLBACK_CONSENT = (
    "Anh/Chị có đồng ý để lại số điện thoại để cán bộ gọi lại không ạ? "
    "Số điện thoại chỉ dùng để gọi lại cho Anh/Chị về việc này."
)
ASK_CALLBACK_PHONE = "Anh/Chị vui lòng nhập số điện thoại để cán bộ gọi lại ạ."


def callback_consent_question() -> Bubble:
    """The callback form's first question: explicit consent, with Đồng ý / Không buttons."""
    return Bubble(ASK_CALLBACK_CONSENT, [button("Đồng ý", "affirm"), button("Không", "deny")])


INVALID_PHONE = (
    "Số điện thoại chưa đúng ạ. Anh/Chị nhập số di động 10 chữ số "
    "(bắt đầu bằng 03, 05, 07, 08, 09) hoặc số cố định có mã vùng (bắt đầu bằng 02). "
    "Nếu không muốn để lại số, Anh/Chị gõ “thôi”."
)


def callback_saved(masked_phone: str, next_open: Any | None) -> Bubble:
    """The callback request is stored; only the masked number is shown."""
    when = f", sớm nhất từ {when_text(next_open)}" if next_open is not None else ""
    return Bubble(
        f"Dạ, tôi đã ghi nhận yêu cầu. Cán bộ sẽ gọi lại số {masked_phone} "
        f"trong giờ làm việc{when} ạ."
    )


def callback_declined(office: Record) -> Bubble:
    """No consent: nothing stored; where to call instead."""
    hotline = next(iter(office.get("hotlines") or []), None)
    tail = f" Anh/Chị có thể gọi {hotline['name']}: {hotline['number']}" if hotline else ""
    return Bubble(
        "Dạ, tôi không lưu số điện thoại của Anh/Chị." + tail + " hoặc đến Bộ phận Một cửa "
        "trong giờ làm việc ạ."
    )
