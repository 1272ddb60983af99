"""The conversation store masks before it writes (real SQLite, Rasa's own tracker objects)."""

from __future__ import annotations

import asyncio
import json
import sqlite3

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import FORM_INPUT, RedactingSQLTrackerStore
from tests.conftest import ROOT

DOMAIN = Domain.load(str(ROOT / "domain.yml"))


def stored(path) -> str:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("select data from events").fetchall()
    return "\n".join(json.dumps(json.loads(row[0]), ensure_ascii=False) for row in rows)


def test_form_input_phones_and_ids_are_masked_and_the_conversation_reloads(tmp_path) -> None:
    path = tmp_path / "nested" / "tracker.sqlite3"
    store = RedactingSQLTrackerStore(domain=DOMAIN, host=f"sqlite:///{path}")
    tracker = DialogueStateTracker.from_events(
        "cong-dan-1",
        [
            UserUttered(
                "CCCD của tôi là 001203004567, gọi 0912 345 678",
                {"name": "ask_faq"},
                metadata={"client_ip": "203.0.113.7"},
            ),
            BotUttered("Dạ, số 0912 345 678 đã được ghi nhận ạ."),
            UserUttered("cho tôi gặp cán bộ", {"name": "human_handoff"}),
            ActiveLoop("callback_form"),
            UserUttered("số tôi là 0987 654 321", {"name": "inform"}),
            SlotSet("callback_phone", "0987654321"),
            SlotSet("verification_factor", "4321"),
            ActiveLoop(None),
            UserUttered("cảm ơn", {"name": "thank"}),
        ],
        slots=DOMAIN.slots,
    )
    asyncio.run(store.save(tracker))
    text = stored(path)
    for secret in ("001203004567", "0912 345 678", "0987 654 321", "0987654321", '"4321"'):
        assert secret not in text
    assert "203.0.113.7" not in text
    assert FORM_INPUT in text and "cảm ơn" in text  # only form input is hidden
    reloaded = asyncio.run(store.retrieve("cong-dan-1"))
    assert len(reloaded.events) == len(tracker.events)
    assert reloaded.get_slot("callback_phone") == "098*******"
    assert reloaded.latest_message.intent["name"] == "thank"
    # saving the same tracker again adds nothing
    asyncio.run(store.save(reloaded))
    assert stored(path) == text
