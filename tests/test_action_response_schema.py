"""The action server's responses are checked as Rasa checks them, with a validator built once."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot import action_response_schema

GOOD = {
    "events": [
        {"event": "slot", "name": "procedure", "value": "cap-ho-chieu", "timestamp": None},
        {
            "event": "bot",
            "text": "Hồ sơ gồm…",
            "data": {"buttons": [{"title": "A", "payload": "/b"}]},
        },
    ],
    "responses": [{"text": "Xin chào"}],
}
BAD = [
    {"events": [{"event": "slot", "name": 3}]},  # a slot name must be a string
    {"events": [{"event": "no-such-event"}]},
    {"events": "not a list"},
    {"responses": [42]},
]
RASA_OWN = RemoteAction._validate_action_result  # before any install()


def rasa_error(result: dict) -> str:
    with pytest.raises(ValidationError) as raised:
        RASA_OWN(RemoteAction("action_x", None), result)
    return raised.value.message


def test_a_valid_response_passes_both_checks() -> None:
    action = RemoteAction("action_x", None)
    assert RASA_OWN(action, GOOD) is True
    assert action_response_schema.validate_action_result(action, GOOD) is True


@pytest.mark.parametrize("result", BAD)
def test_an_invalid_response_is_refused_with_rasas_message(result: dict) -> None:
    expected = rasa_error(result)
    with pytest.raises(ValidationError) as raised:
        action_response_schema.validate_action_result(RemoteAction("action_x", None), result)
    assert raised.value.message == expected
    assert "Failed to validate Action server response" in raised.value.message


def test_install_replaces_rasas_check(monkeypatch) -> None:
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RASA_OWN)
    action_response_schema.install()
    assert RemoteAction._validate_action_result is action_response_schema.validate_action_result
