"""Plain words for an elderly reader: the checks every citizen-facing text must pass.

Four rules, each a pure function returning the problems found (empty when the text passes):

* :func:`not_nfc`: Vietnamese letters in composed form (Unicode NFC), so "ủy" typed with a
  combining hook matches and displays the same as the precomposed letter;
* :func:`unexpanded`: no abbreviation of :data:`ABBREVIATIONS` unless it was expanded on its first
  use in the same text ("Ủy ban nhân dân (UBND) ... UBND" passes). The unit is one text that
  can reach a citizen on its own: one field value of a record (one condition, one step, one
  dossier note, one FAQ answer), one chat bubble, one ``responses:`` text;
* :func:`too_long`: a note or a bullet at most :data:`NOTE_SENTENCES` sentences and
  :data:`NOTE_CHARS` characters; a chat bubble at most :data:`SCREEN_LINES` lines on a phone
  :data:`SCREEN_WIDTH` characters wide (one screen);
* :func:`says_nothing`: no line that says nothing: a count repeating the copy type its name gives
  ("Giấy chứng sinh (bản chính): 1 bản chính."), "một số đối tượng được miễn" with no list, a
  label followed by "cán bộ đang kiểm tra" instead of a value, brackets inside brackets.

Nothing here imports Rasa or the actions; the test suite runs the checks over the bundled records
and over the replies built from them (tests/kb/test_citizen_text.py).
"""

from __future__ import annotations

import re
import textwrap
import unicodedata

# Abbreviations a citizen may not know, with the words they stand for.
ABBREVIATIONS: dict[str, str] = {
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "BHYT": "bảo hiểm y tế",
    "BHXH": "bảo hiểm xã hội",
    "BHTN": "bảo hiểm thất nghiệp",
    "TNHH": "trách nhiệm hữu hạn",
    "TNCN": "thu nhập cá nhân",
    "CCCD": "Căn cước công dân",
    "CMND": "Chứng minh nhân dân",
    "GPLX": "giấy phép lái xe",
    "MST": "mã số thuế",
    "ĐKKD": "đăng ký kinh doanh",
    "HKD": "hộ kinh doanh",
    "TTHC": "thủ tục hành chính",
    "CSDL": "cơ sở dữ liệu",
    "VPHC": "vi phạm hành chính",
    "QSDĐ": "quyền sử dụng đất",
    "GCN": "Giấy chứng nhận",
    "DVC": "dịch vụ công",
    "LLTP": "lý lịch tư pháp",
    "NĐ": "Nghị định",
    "TT": "Thông tư",
    "QĐ": "Quyết định",
}

NOTE_SENTENCES = 2  # a note or a bullet: two short sentences at most
NOTE_CHARS = 220  # ... and this many characters (about three lines on a phone)
SCREEN_WIDTH = 36  # characters per line in a chat bubble on a 360-pixel-wide phone
SCREEN_LINES = 30  # lines of such a bubble that fit on one screen (a 6-inch phone, 16-pixel text)


def _word(abbreviation: str) -> re.Pattern[str]:
    """The abbreviation as a word of its own: not inside a legal number such as
    "123/2015/NĐ-CP" or "QĐ-BHXH", nor part of a longer word."""
    return re.compile(rf"(?<![\w/.\-]){re.escape(abbreviation)}(?![\w/\-])")


_WORDS = {abbreviation: _word(abbreviation) for abbreviation in ABBREVIATIONS}


def not_nfc(text: str) -> list[str]:
    """The text is not in composed form (NFC)."""
    if unicodedata.normalize("NFC", text) == text:
        return []
    return ["not in Unicode NFC (composed) form"]


def unexpanded(text: str) -> list[str]:
    """Abbreviations whose first use in ``text`` is not "expansion (ABBR)"."""
    problems = []
    for abbreviation, pattern in _WORDS.items():
        first = pattern.search(text)
        if not first:
            continue
        before = text[: first.start()]
        expansion = re.escape(ABBREVIATIONS[abbreviation])
        if not re.search(rf"{expansion}\s*\($", before, re.IGNORECASE):
            problems.append(
                f"{abbreviation} used without its expansion “{ABBREVIATIONS[abbreviation]}”"
            )
    return problems


def sentences(text: str) -> list[str]:
    """The sentences of ``text``: a full stop, question or exclamation mark, or an ellipsis,
    followed by a space and a capital letter (or a line break) ends one."""
    text = _STEP_LABEL.sub("", text.strip())
    parts = re.split(r"(?<=[.!?…])\s+(?=[\"“(]?[^\W\d_])|\n+", text)
    out = []
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and not part[0].isupper() and part[0] not in '"“(':
            out[-1] += " " + part  # "... 15.000 đồng. từ ..." is not a new sentence
        else:
            out.append(part)
    return out


def too_long(text: str, kind: str) -> list[str]:
    """Length limits: ``kind`` "note" (a note, a condition, a step) or "bubble" (a chat
    message)."""
    if kind == "note":
        count, size = len(sentences(text)), len(text)
        problems = []
        if count > NOTE_SENTENCES:
            problems.append(f"{count} sentences (at most {NOTE_SENTENCES})")
        if size > NOTE_CHARS:
            problems.append(f"{size} characters (at most {NOTE_CHARS})")
        return problems
    lines = screen_lines(text)
    if lines > SCREEN_LINES:
        return [f"{lines} lines on a phone screen (at most {SCREEN_LINES})"]
    return []


def screen_lines(text: str) -> int:
    """How many lines ``text`` takes in a chat bubble :data:`SCREEN_WIDTH` characters wide."""
    total = 0
    for line in text.splitlines() or [""]:
        total += max(1, len(textwrap.wrap(line, SCREEN_WIDTH, break_long_words=True)))
    return total


_COPY_REPEATED = re.compile(r"\((bản chính|bản sao)\)[^:()]*: \d+ \1(?=\.| và| –|$)", re.IGNORECASE)
_SOME_WITHOUT_LIST = re.compile(
    r"\bmột số (đối tượng|trường hợp|người)\b[^.:;()]*?\b(được miễn|được giảm|không phải)\b"
    r"[^.:;()]*",
    re.IGNORECASE,
)
# What makes "một số ... được miễn" say something: the list, or where to ask.
_LIST_FOLLOWS = re.compile(r"^\s*(\(|:|[^.]*\b(gồm|như|là|hỏi)\b)", re.IGNORECASE)
# "Bước 2." opening a step is a label, not a sentence.
_STEP_LABEL = re.compile(r"^\s*Bước \d+\s*[.:]\s*")
_CAVEAT_AS_VALUE = re.compile(r"^(?:• )?(?!Lưu ý)[^:\n]{1,40}: cán bộ đang kiểm tra", re.IGNORECASE)


def _depth(text: str) -> int:
    deepest = depth = 0
    for char in text:
        if char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth = max(0, depth - 1)
    return deepest


def says_nothing(text: str) -> list[str]:
    """Lines of ``text`` that say nothing or are hard to read (see the module docstring)."""
    problems = []
    for line in text.splitlines():
        if _COPY_REPEATED.search(line):
            problems.append(f"the count repeats the copy type of the name: {line!r}")
        for found in _SOME_WITHOUT_LIST.finditer(line):
            if not _LIST_FOLLOWS.match(line[found.end() :]):
                problems.append(f"“{found.group(0)}” without saying who or which: {line!r}")
        if _CAVEAT_AS_VALUE.match(line):
            problems.append(f"a caveat stands for the value: {line!r}")
        if _depth(line) > 1:
            problems.append(f"brackets inside brackets: {line!r}")
    return problems


def check(text: str, kind: str) -> list[str]:
    """Every rule for one text of ``kind`` ("note", "bubble" or "text": no length limit)."""
    problems = not_nfc(text) + unexpanded(text) + says_nothing(text)
    if kind in ("note", "bubble"):
        problems += too_long(text, kind)
    return problems
