"""action_answer_procedure against the bundled knowledge base."""

from __future__ import annotations

import pytest
from harness import Conversation, entity, make_tracker, run_action

from actions import formatting
from actions.procedures import ActionAnswerProcedure
from procedure_kb.review import LEFT_OUT, WITHHELD, decide

SEVERAL = [
    "khai-sinh",
    "cap-the-can-cuoc",
    "cap-ho-chieu",
    "dang-ky-tam-tru",
    "doi-giay-phep-lai-xe",
]
TITLES = {
    "ask_documents": "Giấy tờ cần chuẩn bị –",
    "ask_fee": "Lệ phí –",
    "ask_processing_time": "Thời gian giải quyết –",
    "ask_where": "Nơi nộp hồ sơ –",
    "ask_steps": "Các bước –",
    "ask_online": "Nộp trực tuyến –",
    "ask_eligibility": "Ai được làm, điều kiện –",
}


def ask(intent: str, procedure_id: str) -> tuple:
    """Click a next-question button for ``procedure_id``."""
    text = formatting.payload(intent, procedure=procedure_id)
    tracker = make_tracker(text, intent, [entity("procedure", procedure_id)])
    return run_action(ActionAnswerProcedure(), tracker)


@pytest.mark.parametrize("procedure_id", SEVERAL)
@pytest.mark.parametrize("intent", ["ask_procedure", *TITLES])
def test_each_intent_answers_from_the_record(repo, intent: str, procedure_id: str) -> None:
    record = repo.get_procedure(procedure_id)
    assert record is not None, f"{procedure_id} missing from the bundled data"
    turn = ask(intent, procedure_id)
    first_line = turn.messages[0]["text"].splitlines()[0]
    if intent == "ask_procedure":
        assert first_line == record["name"]
    else:
        assert first_line == f"{TITLES[intent]} {record['name']}:"
    assert turn.slots["procedure_id"] == procedure_id
    assert turn.slots["failed_turns"] == 0
    # Next-question buttons carry the id and never repeat the question just answered.
    assert turn.payloads, "an answer ends with next-question buttons"
    own = [p for p in turn.payloads if not p.startswith("/ask_procedure{")]
    assert all(p.endswith('{"procedure":"' + procedure_id + '"}') for p in own if "procedure" in p)
    assert formatting.payload(intent, procedure=procedure_id) not in turn.payloads


@pytest.mark.parametrize("procedure_id", SEVERAL)
def test_documents_list_every_item_with_counts_and_skip_marks(repo, procedure_id: str) -> None:
    record = repo.get_procedure(procedure_id)
    text = ask("ask_documents", procedure_id).text
    for group in record["documents"]:
        if group.get("case"):
            assert str(group["case"]).rstrip(":") in text
        for item in group["items"]:
            assert item["name"] in text
            line = next(ln for ln in text.splitlines() if item["name"] in ln)
            if item["originals"]:
                assert f"{item['originals']} bản chính" in line
            if item["copies"]:
                assert f"{item['copies']} bản sao" in line
            if item["skip_if"]:
                assert "không cần mang" in line


def test_documents_mark_papers_replaced_by_national_data(repo) -> None:
    marked = [
        p["id"]
        for p in repo.list_procedures()
        for g in p["documents"]
        for i in g["items"]
        if i["skip_if"]
    ]
    assert marked, "some dossier item should be replaceable by population data / VNeID"
    text = ask("ask_documents", marked[0]).text
    assert "không cần mang nếu thông tin đã có trong" in text
    assert any(name in text for name in formatting.DATA_SOURCES.values())


@pytest.mark.parametrize("procedure_id", SEVERAL)
def test_fee_and_time_are_the_records_or_flagged_for_review(repo, procedure_id: str) -> None:
    record = repo.get_procedure(procedure_id)
    fee = ask("ask_fee", procedure_id).text
    time = ask("ask_processing_time", procedure_id).text
    for index, way in enumerate(record["submission"]):
        if decide(record, "fee", index) == WITHHELD:
            assert formatting.fee_text(way) not in fee
        else:
            assert formatting.fee_text(way) in fee
        if decide(record, "time", index) != WITHHELD:
            assert formatting.time_text(way) in time
    if decide(record, "fee") == WITHHELD:
        assert f"ệ phí {LEFT_OUT}" in fee and record["source"] in fee


def test_a_fact_under_review_is_not_stated(repo) -> None:
    flagged = [p for p in repo.list_procedures() if "fee" in formatting.review_sections(p)]
    assert flagged, "the bundled data marks at least one fee for review"
    record = flagged[0]
    text = ask("ask_fee", record["id"]).text
    assert f"ệ phí {LEFT_OUT}" in text
    assert record["source"] in text
    for way in record["submission"]:
        if way.get("fee"):
            assert str(way["fee"]).rstrip(".") not in text


def test_overview_says_what_who_time_fee_and_online(repo) -> None:
    record = repo.get_procedure("cap-the-can-cuoc")
    text = ask("ask_procedure", "cap-the-can-cuoc").text
    assert "Cơ quan giải quyết:" in text and "Thời gian:" in text and "Lệ phí:" in text
    assert "Trực tuyến:" in text
    if record["online_level"] in ("full", "partial") and record["portal_url"]:
        assert record["portal_url"] in text


@pytest.mark.parametrize("procedure_id", ["khai-sinh", "khai-tu"])
def test_birth_and_death_registration_mention_the_interconnected_group(
    repo, procedure_id: str
) -> None:
    record = repo.get_procedure(procedure_id)
    group = repo.get_procedure(record["interconnected_group"])
    turn = ask("ask_procedure", procedure_id)
    assert "Có thể làm liên thông:" in turn.text
    assert formatting.sentence(group["summary"]) in turn.text  # what it saves the citizen
    assert formatting.payload("ask_procedure", procedure=group["id"]) in turn.payloads
    assert "liên thông" in ask("ask_documents", procedure_id).text.lower()


def test_interconnected_group_lists_its_members(repo) -> None:
    group = repo.get_procedure("lien-thong-khai-sinh")
    text = ask("ask_procedure", "lien-thong-khai-sinh").text
    for member in group["members"]:
        assert repo.get_procedure(member)["name"] in text


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        ("tôi muốn làm hộ chiếu", "ask_procedure", "cap-ho-chieu"),
        ("lam cccd can giay to gi", "ask_documents", "cap-the-can-cuoc"),
        ("dk ks cho be mat bao lau", "ask_processing_time", "khai-sinh"),
        ("bằng lái bị mất thì làm lại ở đâu", "ask_where", "cap-lai-giay-phep-lai-xe"),
        ("so do lan dau nop online duoc khong", "ask_online", "cap-giay-chung-nhan-dat-lan-dau"),
        ("Bố tôi mới mất, gia đình cần làm thủ tục gì để khai tử", "ask_procedure", "khai-tu"),
    ],
)
def test_procedure_found_in_free_text_without_entities(
    kb_db, text: str, intent: str, expected: str
) -> None:
    turn = run_action(ActionAnswerProcedure(), make_tracker(text, intent))
    assert turn.slots.get("procedure_id") == expected, turn.text


def test_context_carries_over_to_follow_up_questions(conversation: Conversation, repo) -> None:
    name = repo.get_procedure("khai-sinh")["name"]
    conversation.say(
        "đăng ký khai sinh cho con", "ask_procedure", [entity("procedure", "khai sinh")]
    )
    fee = conversation.say("còn lệ phí thì sao?", "ask_fee")
    where = conversation.say("nộp ở đâu?", "ask_where")
    assert fee.text.startswith(f"Lệ phí – {name}:")
    assert where.text.startswith(f"Nơi nộp hồ sơ – {name}:")
    assert conversation.slots["procedure_id"] == "khai-sinh"


def test_a_new_mention_switches_topic(conversation: Conversation, repo) -> None:
    conversation.say("thủ tục khai sinh", "ask_procedure")
    turn = conversation.say("lệ phí làm hộ chiếu bao nhiêu", "ask_fee")
    assert turn.text.startswith(f"Lệ phí – {repo.get_procedure('cap-ho-chieu')['name']}:")
    assert conversation.slots["procedure_id"] == "cap-ho-chieu"
    follow = conversation.say("mất bao lâu", "ask_processing_time")
    assert conversation.slots["procedure_id"] == "cap-ho-chieu", follow.text


def test_ambiguity_asks_with_one_button_per_candidate(conversation: Conversation, repo) -> None:
    turn = conversation.say("giấy phép lái xe thì lệ phí bao nhiêu", "ask_fee")
    assert "thủ tục nào" in turn.text
    assert "procedure_id" not in turn.slots
    ids = {"doi-giay-phep-lai-xe", "cap-lai-giay-phep-lai-xe"}
    for pid in ids:
        assert formatting.payload("ask_fee", procedure=pid) in turn.payloads
    assert all(p.startswith("/ask_fee{") for p in turn.payloads)
    # The citizen clicks one: the same question is answered for that procedure.
    chosen = conversation.say(
        formatting.payload("ask_fee", procedure="doi-giay-phep-lai-xe"),
        "ask_fee",
        [entity("procedure", "doi-giay-phep-lai-xe")],
    )
    assert chosen.text.startswith(f"Lệ phí – {repo.get_procedure('doi-giay-phep-lai-xe')['name']}")
    assert conversation.slots["procedure_id"] == "doi-giay-phep-lai-xe"


def test_current_topic_settles_an_ambiguous_mention(conversation: Conversation) -> None:
    conversation.say(
        formatting.payload("ask_procedure", procedure="cap-lai-giay-phep-lai-xe"),
        "ask_procedure",
        [entity("procedure", "cap-lai-giay-phep-lai-xe")],
    )
    turn = conversation.say("giấy phép lái xe thì nộp ở đâu", "ask_where")
    assert conversation.slots["procedure_id"] == "cap-lai-giay-phep-lai-xe", turn.text


def test_no_match_says_so_offers_near_ones_and_records_the_question(repo) -> None:
    text = "thủ tục xin giấy phép nuôi cá sấu cảnh"
    tracker = make_tracker(text, "ask_procedure", [entity("procedure", "nuôi cá sấu cảnh")])
    turn = run_action(ActionAnswerProcedure(), tracker)
    assert "chưa tìm thấy thủ tục" in turn.text
    assert turn.slots == {"failed_turns": 1.0}
    rows = repo.list_unanswered()
    assert [r["text"] for r in rows] == [text]
    assert rows[0]["sender_id"] == "cong-dan-1" and rows[0]["intent"] == "ask_procedure"


def test_unknown_mention_does_not_fall_back_to_the_old_topic(conversation: Conversation) -> None:
    conversation.say("thủ tục khai sinh", "ask_procedure")
    turn = conversation.say(
        "còn thủ tục nuôi cá sấu cảnh thì sao",
        "ask_procedure",
        [entity("procedure", "nuôi cá sấu")],
    )
    assert "chưa tìm thấy thủ tục" in turn.text
    assert conversation.slots["procedure_id"] == "khai-sinh"


def test_question_without_any_procedure_asks_which_one(repo) -> None:
    turn = run_action(ActionAnswerProcedure(), make_tracker("lệ phí bao nhiêu vậy", "ask_fee"))
    assert "lệ phí của thủ tục nào" in turn.text
    assert any(p.startswith("/ask_fee{") for p in turn.payloads)


def test_recorded_questions_have_phone_numbers_masked(repo) -> None:
    text = "số tôi 0912345678 hỏi thủ tục nuôi cá sấu cảnh"
    run_action(ActionAnswerProcedure(), make_tracker(text, "ask_procedure"))
    stored = repo.list_unanswered()[0]["text"]
    assert "0912345678" not in stored and "345678" not in stored


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "😀😀😀",
        "\x00\x07\x1b[31m",
        "x" * 20000,
        "khai sinh " * 3000,
        "'; DROP TABLE procedures; --",
        "<script>alert(1)</script>",
        '/ask_fee{"procedure":"khong-ton-tai"}',
    ],
)
def test_bad_input_gets_a_short_reply_never_a_crash(kb_db, text: str) -> None:
    turn = run_action(ActionAnswerProcedure(), make_tracker(text, "ask_fee"))
    assert turn.messages and all(len(m["text"]) < 4000 for m in turn.messages)
    assert "Traceback" not in turn.text


def test_unreachable_knowledge_base_gives_a_polite_reply(tmp_path, monkeypatch) -> None:
    from actions import kb

    monkeypatch.setenv("KB_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    kb.forget()
    try:
        turn = run_action(ActionAnswerProcedure(), make_tracker("làm hộ chiếu", "ask_procedure"))
    finally:
        kb.forget()
    assert turn.text == formatting.SYSTEM_ERROR
    assert turn.events == []


def test_every_procedure_answers_every_intent(repo) -> None:
    for record in repo.list_procedures():
        for intent in ["ask_procedure", *TITLES]:
            turn = ask(intent, record["id"])
            assert formatting.SYSTEM_ERROR not in turn.text, (record["id"], intent)
            assert turn.slots["procedure_id"] == record["id"]
            assert all(len(m["text"]) < 3000 for m in turn.messages), (record["id"], intent)
