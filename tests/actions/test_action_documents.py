"""action_explain_document: the glossary, with and without a procedure in context."""

from __future__ import annotations

import pytest
from harness import Conversation, entity, make_tracker, run_action

from actions import formatting
from actions.documents import ActionExplainDocument


def explain(text: str, entities=(), slots=None):
    return run_action(
        ActionExplainDocument(), make_tracker(text, "explain_document", entities, slots)
    )


def test_explains_a_document_without_context(repo) -> None:
    doc = repo.get_document("giay-chung-sinh")
    turn = explain("giấy chứng sinh là gì")
    assert turn.text.splitlines()[0] == doc["name"]
    flagged = formatting.review_sections(doc)
    if "what" not in flagged:
        assert formatting.sentence(doc["what"]) in turn.text
    if "issuer" not in flagged:
        assert "Cơ quan cấp:" in turn.text
    assert turn.slots == {"failed_turns": 0.0}


def test_explains_the_document_a_button_names(repo) -> None:
    doc = repo.list_documents()[0]
    payload = formatting.payload("explain_document", document=doc["id"])
    turn = explain(payload, [entity("document", doc["id"])])
    assert turn.text.splitlines()[0] == doc["name"]


def test_with_context_prefers_the_dossier_document(conversation: Conversation, repo) -> None:
    procedure = repo.get_procedure("khai-sinh")
    form = next(
        item
        for group in procedure["documents"]
        for item in group["items"]
        if item["name"].lower().startswith("tờ khai")
    )
    conversation.say("đăng ký khai sinh cần giấy tờ gì", "ask_documents")
    turn = conversation.say("tờ khai lấy ở đâu", "explain_document")
    assert turn.text.splitlines()[0] == repo.get_document(form["document"])["name"]
    assert f"Trong hồ sơ {procedure['name']}" in turn.text


def test_same_question_without_context_does_not_guess_a_procedure(kb_db) -> None:
    turn = explain("tờ khai lấy ở đâu")
    assert "Trong hồ sơ" not in turn.text
    assert "giấy tờ nào" in turn.text
    assert len(turn.payloads) > 1
    assert all(p.startswith("/explain_document{") for p in turn.payloads)


def test_procedure_named_in_the_message_is_the_context(repo) -> None:
    procedure = repo.get_procedure("khai-sinh")
    turn = explain(
        "giấy chứng sinh trong hồ sơ khai sinh là gì",
        [entity("document", "giấy chứng sinh"), entity("procedure", "khai sinh")],
    )
    assert turn.text.splitlines()[0] == repo.get_document("giay-chung-sinh")["name"]
    assert f"Trong hồ sơ {procedure['name']}" in turn.text


def test_unknown_document_is_recorded_and_offers_the_dossier(repo) -> None:
    text = "sổ tay nuôi rồng là gì"
    turn = explain(text, slots={"procedure_id": "khai-sinh"})
    assert "chưa có giải thích" in turn.text
    assert turn.slots == {"failed_turns": 1.0}
    assert turn.payloads, "offers documents of the dossier or the dossier list"
    assert all(p.startswith(("/explain_document{", "/ask_documents{")) for p in turn.payloads)
    assert repo.list_unanswered()[0]["text"] == text


def test_unsure_match_asks_back_and_is_recorded(repo) -> None:
    text = "giấy phép nuôi rồng là gì"
    turn = explain(text)
    assert turn.payloads and all(p.startswith("/explain_document{") for p in turn.payloads)
    assert "chưa" in turn.text
    assert repo.list_unanswered()[0]["text"] == text


POPULATION_DB = "co-so-du-lieu-quoc-gia-ve-dan-cu"


@pytest.mark.parametrize(
    ("text", "document_id", "explained"),
    [
        ("vneid mức 2 là gì", "tai-khoan-vneid-muc-2", "đăng nhập Cổng Dịch vụ công"),
        ("tai khoan muc 2 la gi", "tai-khoan-vneid-muc-2", "đăng nhập Cổng Dịch vụ công"),
        (
            "cơ sở dữ liệu quốc gia về dân cư là gì",
            "co-so-du-lieu-quoc-gia-ve-dan-cu",
            "Bộ Công an",
        ),
        ("sinh trắc học là gì", "thong-tin-sinh-trac-hoc", "vân tay và mống mắt"),
        ("sinh trac hoc la gi", "thong-tin-sinh-trac-hoc", "vân tay và mống mắt"),
    ],
)
def test_the_terms_an_answer_uses_are_explained_in_a_few_words(
    repo, text: str, document_id: str, explained: str
) -> None:
    """ "VNeID mức 2", "Cơ sở dữ liệu quốc gia về dân cư", "sinh trắc học" appear in many answers
    without a word of explanation; the glossary explains each once, when asked."""
    turn = explain(text)
    assert turn.text.splitlines()[0] == repo.get_document(document_id)["name"]
    assert explained in turn.text
