"""The printable checklist of a procedure (``/webhooks/widget/checklist/<procedure_id>``).

A plain HTML page a citizen opens from the chat and prints, or a helper ticks on paper: the
documents grouped by case with a ☐ each, then fee, processing time, where to submit, the online
link, the legal basis, the source and the review date. Facts read as in the chat
(:mod:`procedure_kb.wording`) with the values in force on the day shown
(:func:`procedure_kb.periods.as_of`); what is withheld or in doubt follows the one rule of
:mod:`procedure_kb.review`, and one note at the top names those parts and where to confirm them.

Every text from the knowledge base is escaped. The only script is the print button, allowed by its
hash in :data:`CONTENT_SECURITY_POLICY`; without JavaScript the page reads and prints the same.
Pure functions: records in, HTML out.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping
from datetime import date
from html import escape
from typing import Any
from urllib.parse import quote

from procedure_kb.office import national_hotline
from procedure_kb.periods import as_of, day_text, today_in_vietnam
from procedure_kb.review import FACT, WITHHELD, Reply, decide, label
from procedure_kb.wording import (
    DATA_SOURCES,
    Record,
    case_title,
    channel_values,
    count_text,
    fee_text,
    online_text,
    sentence,
    skip_text,
    submission_lines,
    time_text,
)

CHECKLIST_PATH = "/webhooks/widget/checklist"
# Stands where a withheld value would be; the note at the top names it and where to confirm it.
WITHHELD_ROW = "Đang được cán bộ kiểm tra lại nên chưa nêu (xem lưu ý ở đầu trang)."

_PRINT_SCRIPT = (
    'var b = document.getElementById("in-danh-sach"); b.hidden = false;'
    " b.addEventListener('click', function () { window.print(); });"
)
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; script-src 'sha256-"
    + base64.b64encode(hashlib.sha256(_PRINT_SCRIPT.encode()).digest()).decode()
    + "'"
)

# Dark text on white, links and button well above WCAG AA (4.5:1); 20px text, 15pt on paper.
_STYLE = """
html { font-size: 20px; }
body { font-family: Arial, "Helvetica Neue", sans-serif; line-height: 1.5; color: #1a1a1a;
  background: #fff; max-width: 46rem; margin: 0 auto; padding: 1rem 1.25rem 2rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: .25rem 0 .5rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid #1a1a1a; padding-bottom: .2rem;
  margin-top: 1.5rem; }
h3 { font-size: 1.1rem; margin: 1rem 0 .25rem; }
a { color: #0b4a8f; overflow-wrap: anywhere; }
.eyebrow { margin: 0; font-weight: bold; color: #3d3d3d; }
.meta { margin: 0; color: #3d3d3d; }
.review { border: 2px solid #8a4b00; background: #fff6e5; color: #3b2500; padding: .5rem .75rem; }
.print { font: inherit; font-weight: bold; color: #fff; background: #0b4a8f; border: 0;
  border-radius: .3rem; padding: .45rem 1.1rem; cursor: pointer; }
.print:focus-visible { outline: 3px solid #1a1a1a; outline-offset: 2px; }
ul.checklist { list-style: none; padding: 0; margin: 0; }
ul.checklist > li { display: flex; gap: .6rem; padding: .5rem 0; border-bottom: 1px solid #8c8c8c;
  break-inside: avoid; }
.box { font-size: 1.5rem; line-height: 1; flex: none; }
.doc p { margin: 0; }
.doc-name { font-weight: bold; }
.skip { color: #1b5e20; }
.what { color: #3d3d3d; }
dt { font-weight: bold; margin-top: .75rem; }
dd { margin: 0; }
dd ul { margin: 0; padding-left: 1.2rem; }
footer { margin-top: 2rem; border-top: 2px solid #1a1a1a; padding-top: .5rem; }
footer p { margin: .25rem 0; }
@media print {
  html { font-size: 15pt; }
  body { max-width: none; padding: 0; }
  .no-print { display: none !important; }
  a { color: #1a1a1a; }
}
"""


def checklist_url(public_url: str, procedure_id: str) -> str:
    """The address of the checklist page of ``procedure_id`` on the bot's public URL."""
    return f"{public_url.rstrip('/')}{CHECKLIST_PATH}/{quote(procedure_id, safe='')}"


_URL = re.compile(r"https?://[^\s<>\"']+")


def _link(url: str) -> str:
    return f'<a href="{escape(url)}">{escape(url)}</a>'


def _text(value: Any) -> str:
    """``value`` escaped, with its http(s) addresses as links."""
    text, out, last = str(value or ""), [], 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:)")
        out += [escape(text[last : match.start()]), _link(url)]
        last = match.start() + len(url)
    return "".join(out) + escape(text[last:])


def _date(value: Any) -> str:
    return value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else str(value or "")


def _page(title: str, body: str, script: bool = False) -> str:
    tail = f"<script>{_PRINT_SCRIPT}</script>\n" if script else ""
    return (
        '<!doctype html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"{body}\n{tail}</body>\n</html>\n"
    )


def message_page(title: str, message: str) -> str:
    """A short page for errors ("not found", "not available"), with the hotline."""
    hotline = escape(national_hotline())
    body = (
        f"<main>\n<h1>{escape(title)}</h1>\n<p>{escape(message)}</p>\n"
        f"<p>Anh/Chị cần hỗ trợ, vui lòng gọi Tổng đài Dịch vụ công "
        f"<strong>{hotline}</strong> (miễn phí) ạ.</p>\n</main>"
    )
    return _page(title, body)


def _item(item: Record, glossary: Mapping[str, Record], reply: Reply) -> str:
    name = escape(str(item.get("name") or item.get("document")))
    if item.get("template"):
        name += f" ({escape(str(item['template']))})"
    parts = [f'<p class="doc-name">{name}</p>']
    if count_text(item):
        parts.append(f"<p>Số lượng: {escape(count_text(item))}.</p>")
    skip = skip_text(item.get("skip_if") or [])
    if skip:
        parts.append(f'<p class="skip">{escape(sentence(skip[:1].upper() + skip[1:]))}</p>')
    if item.get("note"):
        parts.append(f"<p>{_text(sentence(item['note']))}</p>")
    entry = glossary.get(str(item.get("document"))) or {}
    if entry.get("what"):
        if decide(entry, "what") != FACT:
            reply.doubtful.append(f"{label(entry, 'what')} “{entry.get('name')}”")
        parts.append(f'<p class="what">Là gì: {_text(sentence(entry["what"]))}</p>')
    return (
        '<li><span class="box" aria-hidden="true">☐</span>'
        f'<div class="doc">{"".join(parts)}</div></li>'
    )


def _documents(procedure: Record, glossary: Mapping[str, Record], reply: Reply) -> str:
    groups = procedure.get("documents") or []
    if not groups:
        return "<p>Chưa có danh sách giấy tờ của thủ tục này. Anh/Chị vui lòng hỏi cán bộ ạ.</p>"
    reply.verdict("documents")
    out = []
    for index, group in enumerate(groups):
        heading = case_title(group.get("case"), index, len(groups))
        if heading:
            out.append(f"<h3>{escape(heading)}</h3>")
        items = "\n".join(_item(item, glossary, reply) for item in group.get("items") or [])
        out.append(f'<ul class="checklist">\n{items}\n</ul>')
    return "\n".join(out)


def _bullets(values: list[str]) -> str:
    if len(values) == 1:
        return _text(values[0])
    return "<ul>" + "".join(f"<li>{_text(value)}</li>" for value in values) + "</ul>"


def _law(law: Record, today: date) -> str:
    text = f"{law.get('number')} – {law.get('title')}"
    if law.get("date"):
        text += f" (ngày {_date(law['date'])})"
    if law.get("valid_from") and law["valid_from"] > today:
        text += f", có hiệu lực từ ngày {day_text(law['valid_from'])}"
    elif law.get("valid_until"):
        text += f", áp dụng đến hết ngày {day_text(law['valid_until'])}"
    return sentence(text)


def _facts(procedure: Record, reply: Reply, today: date) -> str:
    ways = procedure.get("submission") or []

    def per_way(section: str, describe) -> list[str]:
        values = channel_values(reply, section, ways, describe)
        return values if values or not ways else [WITHHELD_ROW]

    def single(section: str, value: str) -> list[str]:
        return [value] if reply.shows(section) else [WITHHELD_ROW]

    online = online_text(procedure)
    if procedure.get("online_level") in ("full", "partial") and procedure.get("portal_url"):
        online += f" Nộp tại: {procedure['portal_url']}"
    fee = per_way("fee", fee_text)
    time = per_way("time", time_text)
    rows = [
        ("Lệ phí", fee),
        ("Thời gian giải quyết", time),
        ("Cơ quan giải quyết", single("agency", sentence(procedure.get("agency") or ""))),
        ("Nơi nộp", submission_lines(procedure, reply)),
        ("Nộp trực tuyến", single("online", online)),
    ]
    legal = [_law(law, today) for law in procedure.get("legal_basis") or []]
    if legal:
        reply.verdict("legal_basis")
        rows.append(("Căn cứ pháp lý", legal))
    return (
        "<dl>\n"
        + "\n".join(
            f"<dt>{escape(label)}</dt><dd>{_bullets(values)}</dd>"
            for label, values in rows
            if values
        )
        + "\n</dl>"
    )


def _not_needed(procedure: Record) -> str:
    """The documents the office can read from national databases instead, as their own section."""
    items = {  # once each, though several cases may list it
        str(item.get("name") or item.get("document")): item
        for group in procedure.get("documents") or []
        for item in group.get("items") or []
        if item.get("skip_if")
    }
    if not items:
        return ""

    def where(sources: list[str]) -> str:
        return " hoặc ".join(DATA_SOURCES.get(source, source) for source in sources)

    rows = "".join(
        f"<li><strong>{escape(name)}</strong>: "
        f"thông tin có trong {escape(where(item['skip_if']))}.</li>"
        for name, item in items.items()
    )
    return (
        '<section class="not-needed">\n<h2>Giấy tờ có thể không phải mang</h2>\n'
        "<p>Cán bộ xem được thông tin của các giấy tờ dưới đây trong cơ sở dữ liệu quốc gia (qua "
        "thẻ căn cước gắn chip hoặc ứng dụng VNeID). Nếu thông tin của Anh/Chị đã có ở đó, "
        "Anh/Chị không phải mang bản giấy:</p>\n"
        f"<ul>{rows}</ul>\n</section>\n"
    )


def _checked_on(procedure: Record) -> str:
    """The review date, or that the record was not re-checked (a ``reviewed_at`` note)."""
    if decide(procedure, "reviewed_at") == WITHHELD:
        return (
            "<p>Thông tin của thủ tục này chưa được cán bộ kiểm tra lại theo quy định mới nhất. "
            "Anh/Chị đối chiếu tại trang thông tin chính thức ở trên trước khi đi nộp.</p>\n"
        )
    if procedure.get("reviewed_at"):
        return f"<p>Thông tin cập nhật ngày {escape(_date(procedure['reviewed_at']))}.</p>\n"
    return ""


def render_checklist(
    procedure: Record,
    glossary: Mapping[str, Record],
    hotline: str,
    today: date | None = None,
    take_home: str = "",
) -> str:
    """The page for ``procedure`` with the values in force ``today`` (Vietnam's date by default);
    ``glossary`` maps document ids to glossary entries (their explanation is shown under each
    document when there is one); ``hotline`` goes in the footer and in the review note;
    ``take_home`` (trusted HTML, e.g. :func:`bot.web.qr.take_home_section`) ends the main part."""
    today = today or today_in_vietnam()
    procedure = as_of(procedure, today)
    reply = Reply(procedure, hotline)
    documents = _documents(procedure, glossary, reply)
    facts = _facts(procedure, reply, today)
    name = str(procedure.get("name") or procedure.get("id"))
    source = str(procedure.get("source") or "")
    code = (
        f'<p class="meta">Mã thủ tục: {escape(str(procedure["code"]))}</p>\n'
        if procedure.get("code")
        else ""
    )
    note = reply.note()
    review = f'<p class="review" role="note">{_text(note)}</p>\n' if note else ""
    body = (
        "<header>\n"
        '<p class="eyebrow">Danh sách giấy tờ cần chuẩn bị</p>\n'
        f"<h1>{escape(name)}</h1>\n{code}"
        '<p class="no-print"><button type="button" id="in-danh-sach" class="print" hidden>'
        "In danh sách</button></p>\n"
        '<noscript><p class="no-print">Để in, Anh/Chị dùng lệnh In của trình duyệt '
        "(Ctrl+P).</p></noscript>\n"
        "</header>\n<main>\n"
        f"{review}"
        f"<section>\n<h2>Giấy tờ cần chuẩn bị</h2>\n{documents}\n</section>\n"
        f"{_not_needed(procedure)}"
        f"<section>\n<h2>Thông tin thủ tục</h2>\n{facts}\n</section>\n"
        f"{take_home}"
        "</main>\n<footer>\n"
        + (f"<p>Nguồn: {_text(source)}</p>\n" if source else "")
        + _checked_on(procedure)
        + f"<p>Cần hỗ trợ, Anh/Chị gọi Tổng đài Dịch vụ công <strong>{escape(hotline)}</strong> "
        "(miễn phí).</p>\n"
        "<p>In từ Trợ lý Dịch vụ công.</p>\n</footer>"
    )
    return _page(f"Danh sách giấy tờ – {name}", body, script=True)
