"""Handoff workflow: office hours and holidays, commune contacts, callback form and masking."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest
from harness import DOMAIN, make_tracker, run_action, user_event

from actions import formatting
from actions.handoff import (
    ActionAskCallbackConsent,
    ActionAskCallbackPhone,
    ActionHumanHandoff,
    ActionSaveCallback,
    ValidateCallbackForm,
    parse_phone,
)
from procedure_kb.office import load_office
from procedure_kb.privacy import mask_phone
from procedure_kb.working_days import default_calendar

VN = timezone(timedelta(hours=7))
MONDAY_MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=VN)
MONDAY_EVENING = datetime(2026, 11, 23, 18, 30, tzinfo=VN)
MONDAY_LUNCH = datetime(2026, 11, 23, 12, 30, tzinfo=VN)
SATURDAY = datetime(2026, 11, 28, 10, 0, tzinfo=VN)


def handoff(now: datetime, text: str = "cho tôi gặp cán bộ", slots=None):
    action = ActionHumanHandoff(clock=lambda: now)
    return run_action(action, make_tracker(text, "human_handoff", slots=slots))


def weekday_holiday() -> tuple[datetime, str]:
    calendar = default_calendar()
    day, name = next(
        (d, n) for d, n in sorted(calendar.days_off.items()) if d.year == 2026 and d.weekday() < 5
    )
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=VN), name


def test_in_office_hours_gives_contacts_and_no_callback(kb_db) -> None:
    turn = handoff(MONDAY_MORNING)
    office = load_office()
    assert "trong giờ làm việc" in turn.text
    for hotline in office["hotlines"]:
        assert hotline["number"] in turn.text
    assert office["default_desk"]["name"] in turn.text
    assert turn.slots["callback_offered"] is False
    assert turn.slots["failed_turns"] == 0


@pytest.mark.parametrize(
    ("now", "reason", "next_open"),
    [
        (MONDAY_EVENING, None, "8:00 Thứ Ba, 24/11/2026"),
        (MONDAY_LUNCH, None, "13:00 Thứ Hai, 23/11/2026"),
        (SATURDAY, "cuối tuần", "8:00 Thứ Hai, 30/11/2026"),
    ],
)
def test_outside_office_hours_offers_a_callback(kb_db, now, reason, next_open) -> None:
    turn = handoff(now)
    assert "ngoài giờ làm việc" in turn.text
    if reason:
        assert reason in turn.text
    assert next_open in turn.text
    assert "gọi lại" in turn.text
    assert turn.slots["callback_offered"] is True


def test_public_holiday_from_data_is_closed(kb_db) -> None:
    now, name = weekday_holiday()
    turn = handoff(now)
    assert name.rstrip(".") in turn.text
    assert turn.slots["callback_offered"] is True


def test_commune_named_in_the_message_gives_its_desk_and_digital_team(kb_db) -> None:
    turn = handoff(MONDAY_MORNING, "cho gặp cán bộ phường ba đình")
    commune = next(c for c in load_office()["communes"] if c["id"] == "phuong-ba-dinh")
    assert commune["one_stop_desk"]["name"] in turn.text
    assert commune["digital_team"]["name"] in turn.text
    assert "đang được cán bộ kiểm tra lại" in turn.text  # demo data is marked needs_review
    assert turn.slots["commune"] == "phuong-ba-dinh"


def test_commune_remembered_from_an_earlier_turn(kb_db) -> None:
    turn = handoff(MONDAY_MORNING, "gặp cán bộ", slots={"commune": "phuong-ben-thanh"})
    assert "Phường Bến Thành" in turn.text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("số của tôi là 091.234.5678 ạ", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0084 387 654 321", "0387654321"),
        ("(024) 3825 1234", "02438251234"),
        ("0283 822 1234", "02838221234"),
        ("12345", None),
        ("0112345678", None),
        ("091234567", None),
        ("09123456789", None),
        ("không có", None),
        ("", None),
        ("😀" * 50, None),
    ],
)
def test_phone_numbers(typed: str, expected: str | None) -> None:
    assert parse_phone(typed) == expected


def validate(text: str, intent: str, slot: str, value, slots=None):
    base = {"requested_slot": slot, **(slots or {}), slot: value}
    tracker = make_tracker(
        text,
        intent,
        slots=base,
        active_loop="callback_form",
        extra_events=[{"event": "slot", "name": slot, "value": value, "timestamp": 0.0}],
    )
    return run_action(ValidateCallbackForm(), tracker)


def ask(action, slot: str):
    tracker = make_tracker(
        "/affirm", "affirm", slots={"requested_slot": slot}, active_loop="callback_form"
    )
    return run_action(action, tracker)


def test_the_form_asks_each_slot_through_its_own_action() -> None:
    actions = {a.name(): a for a in (ActionAskCallbackConsent(), ActionAskCallbackPhone())}
    for slot in DOMAIN["forms"]["callback_form"]["required_slots"]:
        assert f"action_ask_{slot}" in DOMAIN["actions"]
        assert f"action_ask_{slot}" in actions
        assert f"utter_ask_{slot}" not in DOMAIN["responses"]


def test_consent_question_explains_the_use_and_offers_yes_and_no() -> None:
    turn = ask(ActionAskCallbackConsent(), "callback_consent")
    assert turn.text == formatting.ASK_CALLBACK_CONSENT
    assert "chỉ dùng để gọi lại" in turn.text
    assert [b["title"] for b in turn.buttons] == ["Đồng ý", "Không"]
    assert turn.payloads == ["/affirm", "/deny"]
    # the buttons send exactly the intents the consent slot is filled from
    mappings = DOMAIN["slots"]["callback_consent"]["mappings"]
    assert {m["intent"]: m["value"] for m in mappings} == {"affirm": True, "deny": False}
    assert turn.events == []


def test_phone_question_asks_for_the_number_only() -> None:
    turn = ask(ActionAskCallbackPhone(), "callback_phone")
    assert len(turn.messages) == 1 and turn.buttons == []
    assert turn.text == formatting.ASK_CALLBACK_PHONE
    assert turn.events == []


def test_consent_then_valid_phone_is_accepted() -> None:
    consent = validate("/affirm", "affirm", "callback_consent", True)
    assert consent.slots == {"callback_consent": True}
    phone = validate(
        "0912 345 678", "inform", "callback_phone", "0912 345 678", {"callback_consent": True}
    )
    assert phone.slots == {"callback_phone": "0912345678"}
    assert phone.messages == []


def test_no_consent_ends_the_form_without_asking_for_a_number() -> None:
    turn = validate("không", "deny", "callback_consent", False)
    assert turn.slots == {"callback_consent": False, "requested_slot": None}


def test_invalid_phone_is_asked_again_politely() -> None:
    turn = validate("12345", "inform", "callback_phone", "12345", {"callback_consent": True})
    assert turn.slots == {"callback_phone": None}
    assert turn.text == formatting.INVALID_PHONE


def test_saying_no_instead_of_a_number_cancels() -> None:
    turn = validate("thôi", "deny", "callback_phone", "thôi", {"callback_consent": True})
    assert turn.slots == {"callback_phone": None, "callback_consent": False, "requested_slot": None}
    assert turn.messages == []


def test_saved_request_is_stored_and_the_phone_masked(repo, caplog) -> None:
    history = [
        user_event("lệ phí làm hộ chiếu, gọi tôi số 0987654321", "ask_fee"),
        user_event("cho gặp cán bộ", "human_handoff"),
        user_event("/affirm", "affirm"),
    ]
    tracker = make_tracker(
        "0912 345 678",
        "inform",
        slots={
            "callback_consent": True,
            "callback_phone": "0912345678",
            "commune": "phuong-ba-dinh",
            "procedure_id": "cap-ho-chieu",
        },
        history=history,
    )
    with caplog.at_level(logging.INFO):
        turn = run_action(ActionSaveCallback(clock=lambda: MONDAY_EVENING), tracker)
    [row] = repo.list_callback_requests()
    assert row["phone"] == "0912345678"
    assert row["commune"] == "Phường Ba Đình"
    assert "cap-ho-chieu" in row["reason"] and "0987654321" not in row["reason"]
    assert mask_phone("0912345678") in turn.text
    assert "8:00 Thứ Ba, 24/11/2026" in turn.text
    for secret in ("0912345678", "345678", "5678"):
        assert secret not in turn.text
        assert secret not in caplog.text
    assert turn.slots == {"callback_phone": None, "callback_consent": None}


def test_without_consent_nothing_is_stored(repo) -> None:
    tracker = make_tracker(
        "không", "deny", slots={"callback_consent": False, "callback_phone": None}
    )
    turn = run_action(ActionSaveCallback(clock=lambda: MONDAY_EVENING), tracker)
    assert repo.list_callback_requests() == []
    assert "không lưu số điện thoại" in turn.text
    assert load_office()["hotlines"][0]["number"] in turn.text
