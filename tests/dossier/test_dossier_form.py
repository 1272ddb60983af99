"""Form paths through the real validation action and answer action, against the sandbox."""

from __future__ import annotations

import logging

import pytest
from dossier_support import TODAY, set_faults

from actions.dossier import replies
from actions.dossier.config import load_config
from actions.dossier.rate_limit import ADDRESS_FACTOR, LIMIT
from actions.dossier.statuses import BY_KEY
from onestop_sandbox.seed import DEMOS
from procedure_kb.working_days import add_working_days

BY_CODE = {d.code: d for d in DEMOS}
ON_TIME = "000.00.01.H29-261103-0004"
OVERDUE = "000.00.12.H29-261012-0011"
SUPPLEMENT = "000.00.12.H29-261028-0005"
UNKNOWN = "000.00.01.H29-261103-0999"
STATUS_OF = {"1": "moi_dang_ky", "2": "duoc_tiep_nhan", "3": "khong_duoc_tiep_nhan"}
STATUS_OF |= {"4": "dang_xu_ly", "5": "yeu_cau_bo_sung", "6": "yeu_cau_nghia_vu_tai_chinh"}
STATUS_OF |= {"7": "cong_dan_rut_ho_so", "8": "dung_xu_ly", "9": "da_xu_ly_xong"}
STATUS_OF |= {"10": "da_tra_ket_qua"}
ASK_CODE = "action_ask_dossier_code"
ASK_FACTOR = "action_ask_verification_factor"
CONFIG = load_config()
LOCKED = replies.rate_limited(15, CONFIG.portal_url, CONFIG.hotline)
UNAVAILABLE = replies.unavailable(CONFIG.portal_name, CONFIG.portal_url, CONFIG.hotline)


def slot_events(turn) -> dict:
    return {e["name"]: e["value"] for e in turn.events if e.get("event") == "slot"}


def test_valid_lookup_asks_code_then_factor_then_answers(make_driver):
    chat = make_driver()
    first = chat.say("hồ sơ của tôi đến đâu rồi", intent="check_dossier_status")
    assert first.actions == [ASK_CODE] and first.texts == [replies.ASK_DOSSIER_CODE]
    second = chat.say(f"mã hồ sơ là {ON_TIME.lower()} nhé")
    assert second.actions == [ASK_FACTOR] and second.texts == [replies.ASK_VERIFICATION_FACTOR]
    assert chat.slots["dossier_code"] == ON_TIME
    third = chat.say(BY_CODE[ON_TIME].phone_last4)
    assert third.answered
    assert "Tình trạng: Đang xử lý." in third.text
    assert "còn 4 ngày làm việc" in third.text
    # the form's slots are reset so the next lookup starts clean
    assert chat.slots["dossier_code"] is None
    assert chat.slots["verification_factor"] is None
    assert chat.slots["dossier_lookup"] is None


def test_code_in_the_first_message_skips_the_code_question(make_driver):
    chat = make_driver()
    first = chat.say(
        f"tra cuu giup em ho so {ON_TIME}",
        intent="check_dossier_status",
    )
    assert first.actions == [ASK_FACTOR] and first.texts == [replies.ASK_VERIFICATION_FACTOR]
    answer = chat.say(f"mã tra cứu {BY_CODE[ON_TIME].lookup_code.lower()}")
    assert "Đang xử lý" in answer.text


def test_malformed_code_is_explained_then_corrected(make_driver):
    chat = make_driver()
    chat.say("tra cứu hồ sơ", intent="check_dossier_status")
    bad = chat.say("000.00.01.H29-261103")
    assert chat.slots["dossier_code"] is None
    assert "giấy tiếp nhận" in bad.text and "thiếu" in bad.text
    assert bad.actions == [ASK_CODE] and bad.texts[-1] == replies.ASK_DOSSIER_CODE
    bad_date = chat.say("000.00.01.H29-261399-0004")
    assert "Phần ngày nộp" in bad_date.text
    good = chat.say(f"à đây: {ON_TIME.replace('-', ' - ')}")
    assert good.actions == [ASK_FACTOR] and good.texts == [replies.ASK_VERIFICATION_FACTOR]
    assert "Đang xử lý" in chat.say(BY_CODE[ON_TIME].phone_last4).text


def test_unreadable_factor_is_asked_again_without_counting_a_failure(make_driver):
    chat = make_driver()
    chat.say("tra cứu hồ sơ", intent="check_dossier_status")
    chat.say(ON_TIME)
    turn = chat.say("không nhớ số nào cả", intent="inform")
    assert turn.actions == [ASK_FACTOR]
    assert turn.texts == [replies.FACTOR_INVALID, replies.ASK_VERIFICATION_FACTOR]
    answer = chat.say(BY_CODE[ON_TIME].lookup_code)
    assert "Đang xử lý" in answer.text


@pytest.mark.parametrize(
    ("text", "intent"),
    [("thôi", "inform"), ("huy", "inform"), ("không", "deny"), ("thôi nhé", "goodbye")],
)
def test_citizen_can_leave_at_the_code_question(make_driver, text, intent):
    chat = make_driver()
    chat.say("tra cứu hồ sơ", intent="check_dossier_status")
    turn = chat.say(text, intent=intent)
    assert turn.answered and turn.texts == [replies.LOOKUP_CANCELLED]
    assert not chat.active and chat.slots["dossier_code"] is None


def test_citizen_can_leave_at_the_factor_question(make_driver):
    chat = make_driver()
    chat.say("tra cứu hồ sơ", intent="check_dossier_status")
    chat.say(ON_TIME)
    turn = chat.say("thôi không tra nữa")
    assert turn.answered and turn.texts == [replies.LOOKUP_CANCELLED]
    assert chat.slots["dossier_code"] is None
    # and can start again
    again = chat.lookup(ON_TIME, BY_CODE[ON_TIME].phone_last4)
    assert "Đang xử lý" in again.text


def test_words_that_only_look_like_stop_do_not_cancel(make_driver):
    chat = make_driver()
    chat.say("tra cứu hồ sơ", intent="check_dossier_status")
    turn = chat.say("thời hạn là bao lâu", intent="ask_processing_time")
    assert chat.active and turn.actions == [ASK_CODE]
    assert turn.texts[-1] == replies.ASK_DOSSIER_CODE


def test_wrong_factor_and_unknown_code_get_the_same_answer(make_driver):
    wrong = make_driver("c-wrong").lookup(ON_TIME, "0000")
    unknown = make_driver("c-unknown").lookup(UNKNOWN, BY_CODE[ON_TIME].phone_last4)
    assert wrong.texts == unknown.texts
    assert wrong.actions == [ASK_CODE]
    assert wrong.texts == [replies.not_found(4), replies.ASK_DOSSIER_CODE]
    assert slot_events(wrong) == slot_events(unknown)


def test_after_a_wrong_factor_the_citizen_can_retry(make_driver):
    chat = make_driver()
    chat.lookup(ON_TIME, "1111")
    chat.say(ON_TIME)
    assert "Đang xử lý" in chat.say(BY_CODE[ON_TIME].lookup_code).text


@pytest.mark.parametrize("demo", DEMOS, ids=lambda d: d.code)
def test_every_demo_status_is_explained(make_driver, demo):
    turn = make_driver(f"c-{demo.code}").lookup(demo.code, demo.phone_last4)
    status = BY_KEY[STATUS_OF[demo.status]]
    assert f"Tình trạng: {status.label}." in turn.text
    assert status.meaning in turn.text and status.holder in turn.text
    overdue = demo.due is not None and demo.due < 0 and status.deadline_applies
    assert (status.next_step in turn.text) != overdue  # overdue: contact the agency instead
    payloads = [b["payload"] for m in turn.messages for b in m.get("buttons") or []]
    for faq in status.faq_ids:
        assert f'/ask_faq{{"faq": "{faq}"}}' in payloads
    assert "/check_dossier_status" in payloads


def test_overdue_dossier_apologises_and_gives_the_agency_contact(make_driver):
    demo = BY_CODE[OVERDUE]
    turn = make_driver().lookup(OVERDUE, demo.lookup_code)
    due = add_working_days(TODAY, -3)
    assert f"{due:%d/%m/%Y}" in turn.text
    assert "đã quá hạn 3 ngày làm việc" in turn.text
    assert "xin lỗi" in turn.text
    assert demo.agency_phone in turn.text and demo.agency in turn.text


def test_supplement_request_shows_what_and_by_when_with_personal_data_masked(make_driver):
    demo = BY_CODE[SUPPLEMENT]
    turn = make_driver().lookup(SUPPLEMENT, demo.phone_last4)
    assert "Nội dung cần bổ sung: Bổ sung bản sao Giấy chứng nhận" in turn.text
    assert f"Hạn bổ sung: {add_working_days(TODAY, 5):%d/%m/%Y}" in turn.text
    assert demo.id_number not in turn.text
    assert demo.phone not in turn.text and demo.phone.replace(" ", "") not in turn.text


def personal_data(demo) -> list[str]:
    digits = demo.phone.replace(" ", "")
    return [
        demo.name,
        " ".join(demo.name.split()[1:]),  # middle and given names without the family name
        digits,
        demo.phone,
        digits[-7:],
        demo.id_number,
        demo.address,
        demo.address.split(",")[0],
        demo.lookup_code,
    ]


@pytest.mark.parametrize("demo", DEMOS, ids=lambda d: d.code)
def test_no_personal_data_in_replies_slots_or_logs(make_driver, demo, caplog):
    caplog.set_level(logging.DEBUG)
    chat = make_driver(f"c-private-{demo.code}")
    chat.say("tra cứu hồ sơ", intent="check_dossier_status")
    chat.say(f"mã hồ sơ {demo.code}", entities=[{"entity": "dossier_code", "value": demo.code}])
    chat.say(f"số điện thoại của tôi là {demo.phone}")
    stored = [str(e.get("value")) for e in chat.events if e.get("event") == "slot"]
    replies = "\n".join(chat.transcript)
    assert "Tình trạng:" in replies
    assert demo.name.split()[0][0] + "***" in replies  # masked name is shown
    for secret in personal_data(demo):
        assert secret not in replies, secret
        assert all(secret not in value for value in stored), secret
        assert secret not in caplog.text, secret
    assert all(e["value"] is None for e in chat.events if e.get("name") == "verification_factor")


def test_failures_are_logged_once_without_personal_data(make_driver, onestop, caplog):
    caplog.set_level(logging.INFO)
    set_faults(onestop, mode="http_error", status=500)
    demo = BY_CODE[ON_TIME]
    make_driver().lookup(ON_TIME, demo.phone_last4)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert errors[0].getMessage() == "dossier lookup failed: http_error"
    assert ON_TIME not in caplog.text


@pytest.mark.parametrize(
    "faults",
    [
        {"mode": "down"},
        {"mode": "slow", "delay": 2.0},
        {"mode": "http_error", "status": 500},
        {"mode": "http_error", "status": 503},
        {"mode": "malformed"},
        {"mode": "unknown_status"},
    ],
    ids=lambda f: f["mode"] + str(f.get("status", "")),
)
def test_backend_failures_apologise_and_the_conversation_goes_on(make_driver, onestop, faults):
    set_faults(onestop, **faults)
    chat = make_driver()
    turn = chat.lookup(ON_TIME, BY_CODE[ON_TIME].phone_last4)
    assert turn.answered and turn.texts == [UNAVAILABLE]
    assert "Xin lỗi" in turn.text and "dichvucong.gov.vn" in turn.text and "1800 1096" in turn.text
    assert chat.slots["dossier_code"] is None and not chat.active
    # the system recovers: the next lookup in the same conversation works
    set_faults(onestop, mode="none")
    assert "Đang xử lý" in chat.lookup(ON_TIME, BY_CODE[ON_TIME].phone_last4).text


def test_rate_limit_after_five_failed_verifications(make_driver):
    chat = make_driver("c-guess")
    for attempt in range(4):
        turn = chat.lookup(ON_TIME, f"{attempt:04d}")
        assert turn.texts[0] == replies.not_found(4 - attempt)
        assert f"còn {4 - attempt} lần thử" in turn.text
    fifth = chat.lookup(ON_TIME, "0009")
    assert fifth.answered and fifth.texts == [LOCKED]
    assert "15 phút" in fifth.text and "1800 1096" in fifth.text
    # refused even with the right factor, already at the code question
    chat.say("tra cứu hồ sơ", intent="check_dossier_status")
    refused = chat.say(ON_TIME)
    assert refused.answered and refused.texts == [LOCKED]
    # another conversation on another code is not affected
    other = make_driver("c-other").lookup(OVERDUE, BY_CODE[OVERDUE].phone_last4)
    assert "quá hạn" in other.text


def test_the_code_stays_locked_across_conversations_and_addresses(make_driver):
    for n in range(5):
        make_driver(f"c-code-{n}", client_id=f"address-{n}").lookup(ON_TIME, f"{n:04d}")
    # a new conversation from a new address, with the right factor: still refused
    chat = make_driver("c-code-new", client_id="address-new")
    chat.say("tra cứu hồ sơ", intent="check_dossier_status")
    refused = chat.say(ON_TIME)
    assert refused.answered and refused.texts == [LOCKED]
    assert "mã hồ sơ này" in refused.text


def test_rate_limit_per_client_across_conversations(make_driver):
    # an address may be shared (a carrier NAT): it gets four times the limit, over many codes
    for n in range(LIMIT * ADDRESS_FACTOR):
        unknown = f"000.00.01.H29-261103-09{n:02d}"
        make_driver(f"c-rotating-{n}", client_id="browser-42").lookup(unknown, "1234")
    chat = make_driver("c-rotating-new", client_id="browser-42")
    chat.say("tra cứu hồ sơ", intent="check_dossier_status")
    blocked = chat.say(ON_TIME)  # refused before the factor is even asked
    assert blocked.answered and blocked.texts == [LOCKED]
    other_client = make_driver("c-rotating-x", client_id="browser-7")
    assert "Đang xử lý" in other_client.lookup(ON_TIME, BY_CODE[ON_TIME].phone_last4).text


@pytest.mark.parametrize(
    "text",
    ["", "   ", "😀🙏", "x" * 20_000, "'; DROP TABLE sandbox_dossiers; --", "<script>x</script>"],
    ids=["empty", "blank", "emoji", "huge", "sql", "html"],
)
def test_bad_input_gets_a_short_reply_at_each_question(make_driver, text):
    chat = make_driver()
    chat.say("tra cứu hồ sơ", intent="check_dossier_status")
    at_code = chat.say(text)
    assert chat.active and at_code.actions == [ASK_CODE]
    assert at_code.texts[-1] == replies.ASK_DOSSIER_CODE
    assert all(len(t) < 600 for t in at_code.texts)
    chat.say(ON_TIME)
    at_factor = chat.say(text)
    assert at_factor.actions == [ASK_FACTOR]
    assert at_factor.texts == [replies.FACTOR_INVALID, replies.ASK_VERIFICATION_FACTOR]
    assert chat.slots["dossier_code"] == ON_TIME  # the code is kept while the factor is retried


def test_a_new_code_at_the_factor_question_replaces_the_old_one(make_driver):
    chat = make_driver()
    chat.say("tra cứu hồ sơ", intent="check_dossier_status")
    chat.say(UNKNOWN)
    turn = chat.say(f"à nhầm, mã đúng là {OVERDUE}")
    assert turn.actions == [ASK_FACTOR] and turn.texts == [replies.ASK_VERIFICATION_FACTOR]
    assert chat.slots["dossier_code"] == OVERDUE
    assert "quá hạn" in chat.say(BY_CODE[OVERDUE].phone_last4).text


def test_state_database_failure_fails_closed_and_logs_once(make_driver, service, caplog):
    from sqlalchemy import text

    caplog.set_level(logging.INFO)
    with service.limiter.engine.begin() as conn:
        conn.execute(text("DROP TABLE dossier_verification_failures"))
    chat = make_driver()
    chat.say("tra cứu hồ sơ", intent="check_dossier_status")
    turn = chat.say(ON_TIME)
    assert turn.answered and turn.texts == [UNAVAILABLE]
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == ["dossier lookup failed: state_store"]


def test_a_stray_entity_at_the_factor_question_keeps_the_code(make_driver):
    chat = make_driver()
    chat.say("tra cứu hồ sơ", intent="check_dossier_status")
    chat.say(ON_TIME)
    digits = BY_CODE[ON_TIME].phone_last4
    turn = chat.say(f"H29 {digits}", entities=[{"entity": "dossier_code", "value": "H29"}])
    assert "Đang xử lý" in turn.text
