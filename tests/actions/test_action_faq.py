"""action_answer_faq: retrieval from the FAQ store, live edits without retraining."""

from __future__ import annotations

import pytest
from harness import entity, make_tracker, run_action

from actions import formatting
from actions.faq import ActionAnswerFaq
from actions.resolution import resolve_faq_id, resolve_procedure_id
from tests.contract import CONTRACT_FAQS


def faq_turn(text: str, entities=()):
    return run_action(ActionAnswerFaq(), make_tracker(text, "ask_faq", entities))


def expected_text(faq: dict) -> str:
    """The question, the stored answer, and the review note with the source when flagged."""
    text = f"{faq['question']}\n{str(faq['answer']).strip()}"
    note = formatting.review_note(faq)
    return f"{text}\n{note}" if note else text


@pytest.mark.parametrize("faq_id", CONTRACT_FAQS)
def test_each_contract_faq_is_answered_from_its_question(repo, faq_id: str) -> None:
    faq = repo.get_faq(faq_id)
    assert faq is not None, f"{faq_id} missing from the bundled data"
    turn = faq_turn(faq["question"])
    assert turn.text == expected_text(faq)
    if faq["needs_review"]:
        assert "đang kiểm tra lại" in turn.text and faq["source"] in turn.text
    assert turn.slots == {"failed_turns": 0.0}


@pytest.mark.parametrize(
    ("text", "faq_id"),
    [
        ("quen mat khau dich vu cong thi lam sao", "quen-mat-khau"),
        ("đăng nhập cổng dịch vụ công bằng vneid thế nào", "dang-nhap-vneid"),
        ("tra cuu ho so o dau", "tra-cuu-ho-so"),
    ],
)
def test_free_phrasings_find_the_entry(repo, text: str, faq_id: str) -> None:
    assert resolve_faq_id(text) == faq_id
    assert faq_turn(text).text.splitlines()[0] == repo.get_faq(faq_id)["question"]


def test_button_with_faq_id(repo) -> None:
    faq = repo.get_faq("chu-ky-so")
    turn = faq_turn(formatting.payload("ask_faq", faq="chu-ky-so"), [entity("faq", "chu-ky-so")])
    assert turn.text.splitlines()[0] == faq["question"]


def new_faq(**changes) -> dict:
    record = {
        "id": "doi-so-dien-thoai-tai-khoan",
        "question": "Đổi số điện thoại của tài khoản Dịch vụ công thế nào?",
        "phrasings": ["thay số điện thoại tài khoản dịch vụ công", "đổi sđt đăng nhập cổng"],
        "answer": "Anh/Chị đăng nhập, vào mục Thông tin tài khoản và chọn Đổi số điện thoại.",
        "related_procedures": [],
        "status": "published",
        "source": "https://dichvucong.gov.vn",
        "reviewed_at": "2026-11-23",
        "needs_review": [],
    }
    record.update(changes)
    return record


def test_faq_added_at_run_time_is_answered_without_retraining(repo) -> None:
    text = "muốn thay số điện thoại tài khoản dịch vụ công"
    before = faq_turn(text)
    assert new_faq()["answer"] not in before.text
    repo.upsert_faq(new_faq())
    after = faq_turn(text)
    assert after.text == f"{new_faq()['question']}\n{new_faq()['answer']}"
    assert after.slots == {"failed_turns": 0.0}


def test_faq_edited_at_run_time_shows_the_new_answer(repo) -> None:
    faq = repo.get_faq("quen-mat-khau")
    edited = dict(faq, answer="Câu trả lời mới do cán bộ vừa sửa.", needs_review=[])
    repo.upsert_faq(edited)
    assert faq_turn(faq["question"]).text.endswith("Câu trả lời mới do cán bộ vừa sửa.")


def test_draft_faq_is_not_answered(repo) -> None:
    repo.upsert_faq(new_faq(status="draft"))
    turn = faq_turn("muốn thay số điện thoại tài khoản dịch vụ công")
    assert new_faq()["answer"] not in turn.text


def test_unanswerable_question_is_recorded(repo) -> None:
    text = "cổng dịch vụ công có bán vé máy bay không"
    turn = faq_turn(text)
    assert turn.slots == {"failed_turns": 1.0}
    assert repo.list_unanswered()[0]["text"] == text


def test_faq_intent_about_a_procedure_gets_the_procedure(kb_db) -> None:
    turn = faq_turn("làm hộ chiếu phổ thông")
    assert turn.slots.get("procedure_id") == "cap-ho-chieu"


def test_evaluation_resolves_through_the_same_code(kb_db) -> None:
    assert resolve_procedure_id("lam cccd lan dau", []) == "cap-the-can-cuoc"
    button = [entity("procedure", "khai-tu")]
    assert resolve_procedure_id('/ask_fee{"procedure":"khai-tu"}', button) == "khai-tu"
    assert resolve_procedure_id("thời tiết hôm nay", []) is None
