"""Every answer about a procedure ends with the procedure's own page, never a bare home page.

Through ``action_answer_procedure`` against the bundled knowledge base (records with a national
portal page, one whose only page is an agency's), and through the formatting functions for a record
whose addresses are home pages or a legal text.
"""

from __future__ import annotations

import pytest
from harness import entity, make_tracker, run_action

from actions import formatting
from actions.procedures import ActionAnswerProcedure

INTENTS = ["ask_procedure", *(intent for intent, _ in formatting.NEXT_QUESTIONS)]
PORTAL_PAGE = (
    "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc="
)
GENERAL = "Trang chung (chưa có trang riêng cho thủ tục này): "

HOME_ONLY = {
    "id": "vi-du",
    "name": "Thủ tục ví dụ",
    "agency": "Ủy ban nhân dân cấp xã",
    "summary": "Một thủ tục để thử.",
    "submission": [
        {"channel": "in_person", "time_days": 3, "time_text": None, "fee": None, "fee_vnd": 15000},
        {"channel": "online", "time_days": 3, "time_text": None, "fee": None, "fee_vnd": 0},
    ],
    "online_level": "full",
    "portal_url": "https://dichvucong.gov.vn",
    "steps": ["Nộp hồ sơ"],
    "documents": [],
    "conditions": ["Công dân Việt Nam."],
    "applicants": None,
    "source": "https://vanban.chinhphu.vn/?pageid=27160&docid=210359",
    "needs_review": [],
}


def ask(intent: str, procedure_id: str) -> str:
    """The whole answer to a next-question button for ``procedure_id``."""
    text = formatting.payload(intent, procedure=procedure_id)
    tracker = make_tracker(text, intent, [entity("procedure", procedure_id)])
    return run_action(ActionAnswerProcedure(), tracker).text


def last_line(text: str) -> str:
    return text.rstrip().splitlines()[-1]


@pytest.mark.parametrize("intent", INTENTS)
def test_an_answer_ends_with_the_national_portal_page_of_the_procedure(repo, intent: str) -> None:
    record = repo.get_procedure("khai-sinh")
    assert record["portal_url"].startswith(PORTAL_PAGE)
    text = ask(intent, "khai-sinh")
    assert last_line(text) == f"Trang của thủ tục: {PORTAL_PAGE}1.001193"


def test_an_agency_page_is_preferred_to_the_portal_home_page(repo) -> None:
    record = repo.get_procedure("ly-lich-tu-phap")
    assert record["portal_url"] == "https://dichvucong.gov.vn"
    for intent in ("ask_fee", "ask_where", "ask_documents"):
        text = ask(intent, "ly-lich-tu-phap")
        assert last_line(text) == f"Trang của thủ tục: {record['source']}"
        # the note points to that line instead of repeating the address
        assert text.count(record["source"]) == 1


@pytest.mark.parametrize("intent", INTENTS)
def test_a_record_without_its_own_page_ends_with_a_labelled_general_link(intent: str) -> None:
    answer = formatting.procedure_answer(intent, HOME_ONLY)
    text = "\n".join(bubble.text for bubble in answer)
    assert last_line(text) == GENERAL + "https://dichvucong.gov.vn"
    assert "vanban.chinhphu.vn" not in text  # a decree is not the procedure's page
    assert "Trang của thủ tục:" not in text


def test_an_agency_home_page_is_the_general_link_when_it_is_all_there_is() -> None:
    record = dict(HOME_ONLY, portal_url="https://dichvucong.bocongan.gov.vn/", source="x")
    text = "\n".join(b.text for b in formatting.fee_answer(record, formatting.Related()))
    assert last_line(text) == GENERAL + "https://dichvucong.bocongan.gov.vn"


def test_a_withheld_fee_points_to_the_link_at_the_end() -> None:
    record = dict(HOME_ONLY, portal_url=PORTAL_PAGE + "9.999999", needs_review=["fee: chưa rõ"])
    text = "\n".join(b.text for b in formatting.fee_answer(record, formatting.Related()))
    assert "15.000" not in text
    assert "Anh/Chị xác nhận tại trang ghi ở cuối tin nhắn" in text
    assert text.count(PORTAL_PAGE) == 1 and last_line(text).endswith("9.999999")


def test_every_bundled_procedure_ends_with_its_page_or_the_labelled_general_link(repo) -> None:
    """No answer ends with a bare home page presented as the procedure's page."""
    for record in repo.list_procedures():
        last = last_line(ask("ask_fee", record["id"]))
        pages = [u for u in (record["portal_url"], record["source"]) if u and PORTAL_PAGE in u]
        if pages:
            assert last == f"Trang của thủ tục: {pages[0]}", record["id"]
        elif last.startswith("Trang của thủ tục: "):
            url = last.removeprefix("Trang của thủ tục: ")
            assert url in (record["portal_url"], record["source"]), record["id"]
            assert url.split("://", 1)[1].strip("/").count("/") >= 1, record["id"]
        else:
            assert last.startswith(GENERAL), record["id"]
