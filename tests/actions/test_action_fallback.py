"""action_fallback: FAQ store and procedures first, then a polite reply; handoff after two."""

from __future__ import annotations

from harness import Conversation, make_tracker, run_action

from actions import formatting
from actions.fallback import ActionFallback

HANDOFF = formatting.payload("human_handoff")


def test_two_failed_turns_in_a_row_offer_handoff(conversation: Conversation, repo) -> None:
    first = conversation.say("kể chuyện cười đi", "out_of_scope")
    assert first.text.startswith(formatting.OUT_OF_SCOPE)
    assert HANDOFF not in first.payloads
    assert conversation.slots["failed_turns"] == 1
    second = conversation.say("asdkj qwe zzz", "nlu_fallback")
    assert second.text.startswith(formatting.NOT_UNDERSTOOD)
    assert HANDOFF in second.payloads
    assert conversation.slots["failed_turns"] == 2
    # out_of_scope is not a gap in the knowledge base; the unclear question is.
    assert [r["text"] for r in repo.list_unanswered()] == ["asdkj qwe zzz"]


def test_an_answer_resets_the_count(conversation: Conversation) -> None:
    conversation.say("kể chuyện cười đi", "out_of_scope")
    conversation.say("thủ tục khai sinh", "ask_procedure")
    assert conversation.slots["failed_turns"] == 0
    again = conversation.say("hát một bài đi", "out_of_scope")
    assert HANDOFF not in again.payloads
    assert conversation.slots["failed_turns"] == 1


def test_fallback_tries_the_faq_store_first(repo) -> None:
    faq = repo.get_faq("quen-mat-khau")
    tracker = make_tracker(faq["question"], "nlu_fallback", slots={"failed_turns": 1.0})
    turn = run_action(ActionFallback(), tracker)
    assert turn.text.splitlines()[0] == faq["question"]
    assert turn.slots == {"failed_turns": 0.0}


def test_fallback_answers_a_bare_procedure_name(repo) -> None:
    turn = run_action(ActionFallback(), make_tracker("cấp hộ chiếu phổ thông", "nlu_fallback"))
    assert turn.text.splitlines()[0] == repo.get_procedure("cap-ho-chieu")["name"]
    assert turn.slots["procedure_id"] == "cap-ho-chieu"


def test_empty_and_noisy_messages_get_the_short_reply(kb_db) -> None:
    for text in ["", "😀", "\x00\x01", "?" * 5000]:
        turn = run_action(ActionFallback(), make_tracker(text, "nlu_fallback"))
        assert turn.text.startswith(formatting.NOT_UNDERSTOOD)


def test_off_topic_message_is_not_answered_with_a_weak_procedure_match(conversation) -> None:
    # Unmarked "cuoi" could be "cưới" (marriage): a weak match must not override out_of_scope.
    turn = conversation.say("mua ve xem phim cuoi tuan o dau", "out_of_scope")
    assert turn.text.startswith(formatting.OUT_OF_SCOPE)
    assert "kết hôn" not in turn.text.lower()


def test_off_topic_label_still_yields_to_a_clear_procedure_question(conversation) -> None:
    turn = conversation.say("đăng ký kết hôn cần giấy tờ gì", "out_of_scope")
    assert "kết hôn" in turn.text.lower()
