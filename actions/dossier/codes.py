"""Find a dossier code (mã hồ sơ / số biên nhận) in what a citizen typed.

Codes look like ``{receiving unit}-{yyMMdd}-{NNNN}``: ``000.00.01.H29-240115-0001``,
``38.98.H29-210519-0013``. People type them in lower case, with spaces, inside a sentence, with
or without diacritics around them; :func:`parse_code` accepts all of that and returns the code in
its canonical form, or says why the text holds no usable code. The pattern comes from the
one-stop profile (``dossier_code.pattern``), so a province with other codes only edits YAML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from actions.dossier.config import CODE_FLAGS, OnestopConfig, load_config
from bot.settings import load
from procedure_kb.text import clean_controls, fold, nfc

# Problems, in the order they are checked.
EMPTY = "empty"
NO_CODE = "no_code"
INCOMPLETE = "incomplete"
BAD_DATE = "bad_date"

MAX_INPUT_CHARS = 500
_DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d")
# Pieces that show the citizen tried to type a code: a unit segment like "H29", a dotted
# number group, or a dash between digit groups.
_CODE_HINT = re.compile(r"(?<![A-Z])[A-Z]\s*\d{2}\b|\d{1,3}\s*\.\s*\d{1,3}|\d\s*-\s*\d|\d{6}")


@dataclass(frozen=True)
class ParsedCode:
    """A canonical code, or the reason (one of the problem constants) there is none."""

    code: str | None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.code is not None


@dataclass(frozen=True)
class CodeParser:
    """Parse dossier codes with one profile's pattern."""

    pattern: str
    date_group: str | None = None
    example: str = ""

    @classmethod
    def from_config(cls, config: OnestopConfig) -> CodeParser:
        return cls(config.code_pattern, config.code_date_group, config.code_example)

    @property
    def _regex(self) -> re.Pattern[str]:
        return _compile(self.pattern)

    def parse(self, text: str | None) -> ParsedCode:
        """The first code in ``text``, canonicalised, or why there is none."""
        prepared = prepare(text)
        if not prepared:
            return ParsedCode(None, EMPTY)
        match = self._regex.search(prepared)
        if match is None:
            hinted = _DIGITS.search(prepared) and _CODE_HINT.search(prepared)
            return ParsedCode(None, INCOMPLETE if hinted else NO_CODE)
        groups = {k: v for k, v in match.groupdict().items() if v is not None}
        if self.date_group and self.date_group in groups:
            if not _valid_yymmdd(_squeeze(groups[self.date_group])):
                return ParsedCode(None, BAD_DATE)
        if groups:
            ordered = [_squeeze(match.group(i)) for i in range(1, len(match.groups()) + 1)]
            code = "-".join(part for part in ordered if part)
        else:
            code = _squeeze(match.group(0))
        return ParsedCode(code)

    def find_all(self, text: str | None) -> list[str]:
        """Every well-formed code in ``text`` (canonical), in order."""
        found: list[str] = []
        prepared = prepare(text)
        for match in self._regex.finditer(prepared):
            parsed = self.parse(match.group(0))
            if parsed.code and parsed.code not in found:
                found.append(parsed.code)
        return found

    def strip_codes(self, text: str | None) -> str:
        """``text`` (prepared) with every code-shaped span removed; used before reading digits."""
        return self._regex.sub(" ", prepare(text))


@lru_cache(maxsize=16)
def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w.])(?:{pattern})(?!\w)", CODE_FLAGS)


def prepare(text: str | None) -> str:
    """NFC, no control characters, dashes unified, diacritics folded, upper case, bounded."""
    if not text:
        return ""
    cleaned = clean_controls(nfc(str(text)[: MAX_INPUT_CHARS * 2]))
    cleaned = _DASHES.sub("-", cleaned)
    return _SPACES.sub(" ", fold(cleaned)).strip().upper()[:MAX_INPUT_CHARS]


def _squeeze(value: str) -> str:
    return _SPACES.sub("", value or "")


def _valid_yymmdd(value: str) -> bool:
    try:
        datetime.strptime(value, "%y%m%d")
    except ValueError:
        return False
    return True


@lru_cache(maxsize=4)
def _default_parser(config_path: str | None) -> CodeParser:
    return CodeParser.from_config(load_config(config_path))


def parser(config: OnestopConfig | None = None) -> CodeParser:
    """The parser for ``config`` (default: the configured one-stop profile)."""
    if config is not None:
        return CodeParser.from_config(config)
    return _default_parser(load().onestop_config)


def parse_code(text: str | None, config: OnestopConfig | None = None) -> ParsedCode:
    """Shortcut: :meth:`CodeParser.parse` with the configured profile."""
    return parser(config).parse(text)


def explain(problem: str | None) -> str:
    """Why the message holds no usable code, in one or two short Vietnamese sentences.

    The form then asks again (``action_ask_dossier_code``), which gives an example, says where
    the code is printed (the receipt, the portal's SMS or e-mail) and how to stop.
    """
    shape = (
        "Mã đủ gồm 3 phần nối bằng dấu gạch ngang: mã cơ quan nhận hồ sơ, ngày nộp (6 số: năm, "
        "tháng, ngày) và số thứ tự."
    )
    if problem == BAD_DATE:
        return f"Phần ngày nộp trong mã hồ sơ chưa đúng. {shape}"
    if problem == INCOMPLETE:
        return f"Mã hồ sơ Anh/Chị nhập hình như còn thiếu hoặc sai một phần. {shape}"
    return "Tôi chưa thấy mã hồ sơ trong tin nhắn của Anh/Chị."
