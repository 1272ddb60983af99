"""Reading dossier codes typed loosely, and explaining malformed ones."""

from __future__ import annotations

import pytest

from actions.dossier.codes import (
    BAD_DATE,
    EMPTY,
    INCOMPLETE,
    NO_CODE,
    CodeParser,
    explain,
    parse_code,
)
from actions.dossier.config import load_config, parse_config
from actions.dossier.verification import parse_factor

CODE = "000.00.01.H29-240115-0001"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (CODE, CODE),
        (CODE.lower(), CODE),
        ("38.98.H29-210519-0013", "38.98.H29-210519-0013"),
        ("g22.45-250301-0042", "G22.45-250301-0042"),
        ("H12.34-250101-0001", "H12.34-250101-0001"),
        ("000.00.01.h29 - 240115 - 0001", CODE),
        ("000 . 00 . 01 . H29 240115 0001", CODE),
        ("000.00.01.H29–240115—0001", CODE),  # en and em dashes from phone keyboards
        (f"ma ho so cua toi la {CODE.lower()} nhe", CODE),
        (f"Mã hồ sơ: {CODE}.", CODE),
        (f"hồ sơ số {CODE}, nộp hôm thứ hai, giờ sao rồi ạ?", CODE),
        (f"\u200b{CODE}\t", CODE),
        (f"{CODE} và 38.98.H29-210519-0013", CODE),  # the first one
    ],
)
def test_loose_codes_are_canonicalised(text, expected):
    assert parse_code(text).code == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", EMPTY),
        ("   ", EMPTY),
        (None, EMPTY),
        ("xin chào", NO_CODE),
        ("😀😀😀", NO_CODE),
        ("'; DROP TABLE dossiers; --", NO_CODE),
        ("000.00.01.H29-240115", INCOMPLETE),
        ("000.00.01.H29-2401-0001", INCOMPLETE),
        ("H29 0001", INCOMPLETE),
        ("000.00.01.H29-241315-0001", BAD_DATE),  # month 13
        ("000.00.01.H29-240230-0001", BAD_DATE),  # 30 February
        ("X" + CODE, INCOMPLETE),  # glued to other text
    ],
)
def test_malformed_codes_say_why(text, problem):
    parsed = parse_code(text)
    assert parsed.code is None and parsed.problem == problem


def test_huge_input_is_bounded_and_does_not_crash():
    assert parse_code("a" * 1_000_000).problem == NO_CODE
    assert parse_code("1." * 100_000).code is None


@pytest.mark.parametrize(
    ("problem", "words"),
    [(EMPTY, "chưa thấy"), (NO_CODE, "chưa thấy"), (INCOMPLETE, "thiếu"), (BAD_DATE, "ngày nộp")],
)
def test_explanations_are_short_and_say_what_is_wrong(problem, words):
    text = explain(problem)
    assert words in text and len(text) < 250


def test_pattern_is_configurable():
    raw = _default_raw()
    raw["dossier_code"] = {"pattern": r"HS \s* (?P<seq>\d{8})", "example": "HS12345678"}
    parser = CodeParser.from_config(parse_config(raw))
    assert parser.parse("ho so hs 12345678 a").code == "12345678"
    assert parser.parse(CODE).code is None


def test_find_all_and_strip_codes():
    parser = CodeParser.from_config(load_config())
    text = f"{CODE} hoặc 38.98.h29-210519-0013, sđt 0912345678"
    assert parser.find_all(text) == [CODE, "38.98.H29-210519-0013"]
    assert "0001" not in parser.strip_codes(text)


@pytest.mark.parametrize(
    ("text", "factor"),
    [
        ("5678", "5678"),
        ("4 số cuối là 2468 ạ", "2468"),
        ("so cuoi 0912", "0912"),
        ("số điện thoại của tôi là 0987 654 321", "4321"),
        ("+84 912 345 678", "5678"),
        ("mã tra cứu XK79PQ", "XK79PQ"),
        ("ma tra cuu la mt4k9z", "MT4K9Z"),
        (CODE, None),  # the code's last group is not a factor
        ("không nhớ", None),
        ("12345", None),
        ("", None),
    ],
)
def test_verification_factor_is_one_candidate(text, factor):
    assert parse_factor(text, CodeParser.from_config(load_config())) == factor


def _default_raw() -> dict:
    import yaml

    from actions.dossier.config import DEFAULT_CONFIG

    return yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
