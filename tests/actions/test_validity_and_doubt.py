"""Dated values and doubtful values on every surface that prints record values.

* Validity periods: the Căn cước reduced fee holds until 31/12/2026 and the base fee from
  01/01/2027. With the clock pinned on each side of that boundary, the chat answer (the real action
  over the bundled knowledge base) and the printable checklist state the amount of that day, and
  announce the end of a period that ends soon.
* Doubt: a fee the record flags for every way to submit is never printed as an amount in a chat
  reply, on the checklist or in the public export.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from harness import Conversation, entity, make_tracker, run_action

from actions import formatting
from actions.procedures import ActionAnswerProcedure
from bot.web.checklist import WITHHELD_ROW, render_checklist
from procedure_kb.bundle import Bundle
from procedure_kb.exchange import public_bundle, write_file
from procedure_kb.loader import read_folder
from procedure_kb.review import ALL, flags
from procedure_kb.validation import validate_bundle
from procedure_kb.wording import fee_text

CAN_CUOC = "cap-doi-cap-lai-the-can-cuoc"
LAST_REDUCED, FIRST_BASE = date(2026, 12, 31), date(2027, 1, 1)
REDUCED = ("15.000 đồng", "25.000 đồng", "35.000 đồng")
BASE = ("30.000 đồng", "50.000 đồng", "70.000 đồng")
HOTLINE = "1800 1096"


def _glossary(repo, procedure: dict) -> dict:
    return {
        item["document"]: repo.get_document(item["document"])
        for case in procedure["documents"]
        for item in case["items"]
    }


def _fee_reply(day: date, question: str = "đổi căn cước hết bao nhiêu tiền") -> str:
    return Conversation(today=day).say(question, "ask_fee").text


def test_the_reduced_fee_is_stated_until_its_last_day_with_its_end(kb_db: str) -> None:
    text = _fee_reply(LAST_REDUCED)
    assert "Đến hết ngày 31/12/2026: đổi thẻ Căn cước công dân sang thẻ căn cước 15.000" in text
    assert all(amount in text for amount in REDUCED)
    assert "Từ ngày 01/01/2027: Đổi thẻ Căn cước công dân sang thẻ căn cước 30.000" in text


def test_the_base_fee_is_stated_from_the_next_day_without_the_old_one(kb_db: str) -> None:
    text = _fee_reply(FIRST_BASE, "doi can cuoc het bao nhieu tien")
    assert all(amount in text for amount in BASE)
    assert not any(amount in text for amount in REDUCED), text
    assert "Đến hết ngày" not in text


def test_a_period_ending_in_more_than_a_year_is_not_announced(kb_db: str) -> None:
    text = _fee_reply(date(2025, 7, 2))
    assert all(amount in text for amount in REDUCED)
    assert "Đến hết ngày" not in text and "Từ ngày 01/01/2027" not in text


def test_a_day_no_dated_fee_covers_gets_no_amount(kb_db: str) -> None:
    text = _fee_reply(date(2025, 6, 30))  # before the reduction began: no period recorded
    assert not any(amount in text for amount in REDUCED + BASE), text
    assert "Lệ phí đang được cán bộ kiểm tra lại nên tôi chưa nêu" in text


@pytest.mark.parametrize(
    ("day", "present", "absent"),
    [
        (LAST_REDUCED, (*REDUCED, *BASE, "64/2025/TT-BTC", "đến hết ngày 31/12/2026"), ()),
        (FIRST_BASE, BASE, (*REDUCED, "64/2025/TT-BTC", "Đến hết ngày")),
    ],
    ids=["2026-12-31", "2027-01-01"],
)
def test_the_checklist_states_the_fee_and_legal_texts_of_the_day(
    repo, day: date, present: tuple, absent: tuple
) -> None:
    procedure = repo.get_procedure(CAN_CUOC)
    page = render_checklist(procedure, _glossary(repo, procedure), HOTLINE, day)
    for expected in present:
        assert expected in page, f"missing {expected!r} on {day}"
    for old in absent:
        assert old not in page, f"{old!r} still on the page on {day}"


# --- a doubtful fee is never an amount ------------------------------------------------------------

BUNDLED = validate_bundle(read_folder())
FLAGGED = [p for p in BUNDLED.procedures if ALL in flags(p).get("fee", set())]
_AMOUNT = re.compile(r"\d{1,3}(?:\.\d{3})+ đồng|\d+ đồng")


def _amounts(procedure: dict) -> set[str]:
    """Every amount the record's fee fields hold, as citizens would read it."""
    found = set()
    for way in procedure["submission"]:
        found |= set(_AMOUNT.findall(fee_text(way)))
        if way["fee_vnd"]:
            found.add(f"{way['fee_vnd']:,} đồng".replace(",", "."))
    return found


def test_the_bundled_data_flags_fees_that_carry_amounts() -> None:
    assert sum(1 for p in FLAGGED if _amounts(p)) >= 3, [p["id"] for p in FLAGGED]


@pytest.mark.parametrize("procedure", FLAGGED, ids=lambda p: p["id"])
def test_a_doubtful_fee_is_no_amount_in_any_chat_reply(kb_db: str, procedure: dict) -> None:
    pid = procedure["id"]
    for intent in ("ask_fee", "ask_procedure", "ask_online"):
        tracker = make_tracker(
            formatting.payload(intent, procedure=pid), intent, [entity("procedure", pid)]
        )
        text = run_action(ActionAnswerProcedure(clock=lambda: LAST_REDUCED), tracker).text
        for amount in _amounts(procedure):
            assert amount not in text, f"{intent} states {amount!r}:\n{text}"
        if intent == "ask_fee":
            assert "Lệ phí đang được cán bộ kiểm tra lại nên tôi chưa nêu" in text


@pytest.mark.parametrize("procedure", FLAGGED, ids=lambda p: p["id"])
def test_a_doubtful_fee_is_no_amount_on_the_checklist(repo, procedure: dict) -> None:
    stored = repo.get_procedure(procedure["id"])
    page = render_checklist(stored, _glossary(repo, stored), HOTLINE, LAST_REDUCED)
    facts = page.split("<h2>Thông tin thủ tục</h2>", 1)[1]
    for amount in _amounts(procedure):
        assert amount not in facts, f"the checklist of {procedure['id']} states {amount!r}"
    assert f"<dt>Lệ phí</dt><dd>{WITHHELD_ROW}</dd>" in facts
    assert "Lưu ý: Lệ phí" in page and page.count("Lưu ý") == 1


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_doubtful_fee_is_no_amount_in_the_public_export(repo, tmp_path: Path, fmt: str) -> None:
    public = public_bundle(repo.export_bundle(include_drafts=False), LAST_REDUCED, HOTLINE)
    target = tmp_path / f"public.{fmt}"
    write_file(public, target)
    written = target.read_text(encoding="utf-8-sig")
    exported = {p["id"]: p for p in public.procedures}
    for procedure in FLAGGED:
        ways = exported[procedure["id"]]["submission"]
        assert all(way["fee_vnd"] is None for way in ways), procedure["id"]
        cells = " ".join(str(way["fee"]) for way in ways)
        assert not _AMOUNT.search(cells), f"{procedure['id']} exports a fee amount: {cells}"
        assert "đang được cán bộ kiểm tra lại" in cells
        for way in procedure["submission"]:
            if way["fee"]:
                assert way["fee"] not in written, f"{procedure['id']}: {way['fee']!r} exported"
    if fmt == "json":
        can_cuoc = next(p for p in json.loads(written)["procedures"] if p["id"] == CAN_CUOC)
        assert can_cuoc["submission"][0]["fee"].startswith("Đến hết ngày 31/12/2026: đổi")


def test_the_public_export_leaves_out_drafts(repo) -> None:
    draft = dict(repo.get_procedure(CAN_CUOC), id="ban-nhap", status="draft")
    public = public_bundle(Bundle(procedures=[draft]), LAST_REDUCED, HOTLINE)
    assert public.procedures == []


# --- the gaps the content review listed -----------------------------------------------------------

POST_PLACE = "Gửi hồ sơ qua bưu chính đến Công an tỉnh, thành phố"


def test_the_where_answer_leaves_out_a_flagged_submission_place(kb_db: str) -> None:
    text = Conversation(today=LAST_REDUCED).say("làm lý lịch tư pháp nộp ở đâu", "ask_where").text
    assert "Nộp tại nơi tiếp nhận hồ sơ lý lịch tư pháp của Công an tỉnh, thành phố." in text
    assert POST_PLACE not in text
    assert "Lưu ý: Nơi nộp hồ sơ (qua bưu điện) đang được cán bộ kiểm tra lại" in text
    assert text.count("Lưu ý") == 1


def test_the_checklist_leaves_out_a_flagged_submission_place(repo) -> None:
    procedure = repo.get_procedure("ly-lich-tu-phap")
    page = render_checklist(procedure, _glossary(repo, procedure), HOTLINE, LAST_REDUCED)
    assert "Công an tỉnh, thành phố." in page.split("<dt>Nơi nộp</dt>", 1)[1]
    assert POST_PLACE not in page
    assert "nơi nộp hồ sơ (qua bưu điện)" in page.lower()


def test_the_checklist_names_a_legal_basis_in_doubt_once(repo) -> None:
    procedure = repo.get_procedure(CAN_CUOC)
    page = render_checklist(procedure, _glossary(repo, procedure), HOTLINE, LAST_REDUCED)
    assert page.count("Cán bộ đang kiểm tra lại căn cứ pháp lý ở trên.") == 1
    assert page.count("Lưu ý") == 1


def test_the_checklist_does_not_date_a_record_not_rechecked(repo) -> None:
    procedure = repo.get_procedure("khai-tu")
    page = render_checklist(procedure, _glossary(repo, procedure), HOTLINE, LAST_REDUCED)
    assert "Thông tin cập nhật ngày" not in page
    assert "chưa được cán bộ kiểm tra lại theo quy định mới nhất" in page
    rechecked = repo.get_procedure(CAN_CUOC)
    page = render_checklist(rechecked, _glossary(repo, rechecked), HOTLINE, LAST_REDUCED)
    assert "Thông tin cập nhật ngày 07/12/2026." in page
