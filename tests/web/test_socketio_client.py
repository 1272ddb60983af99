"""A client the project did not write, the reference python-socketio client, converses with the bot
over socket.io exactly as the widget does: session_request → session_confirm, user_uttered with the
session id, bot_uttered messages with quick replies, a button payload, a reconnect that keeps the
conversation."""

from __future__ import annotations

import time

import requests

from tests.support.socketio_chat import QUIET_SECONDS, conversation, joined, quick_replies


def test_reference_client_converses_and_clicks_a_button(web_stack):
    with conversation(web_stack.bot_url, ["websocket"]) as talk:
        assert len(talk.session_id) >= 16
        welcome = talk.say("/greet")
        assert "Trợ lý Dịch vụ công" in joined(welcome)
        buttons = quick_replies(welcome)
        assert {"title", "payload"} <= set(buttons[0])
        help_button = next(b for b in buttons if b["payload"] == "/help")
        helped = talk.say(help_button["payload"])
        assert "Tôi có thể giúp" in joined(helped)
        assert quick_replies(helped), "every bot turn offers buttons"


def test_documents_answer_links_a_printable_checklist(web_stack):
    with conversation(web_stack.bot_url, ["websocket"]) as talk:
        answer = joined(talk.say("làm thẻ căn cước cần giấy tờ gì"))
    link = next(word for word in answer.split() if "/webhooks/widget/checklist/" in word)
    assert link.startswith(web_stack.bot_url)
    page = requests.get(link, timeout=30)
    assert page.status_code == 200
    assert "text/html" in page.headers["Content-Type"]
    assert "căn cước" in page.text.lower()


def test_session_survives_a_reconnect_and_polling_transport(web_stack):
    with conversation(web_stack.bot_url, ["websocket"]) as first:
        first.say("lệ phí làm hộ chiếu bao nhiêu")
        session_id = first.session_id
    # A new connection (as after a page reload) asks for the same session: the context stays.
    with conversation(web_stack.bot_url, ["polling"], session_id=session_id) as again:
        assert again.session_id == session_id
        follow_up = joined(again.say("thế làm mất bao lâu"))
    assert "hộ chiếu" in follow_up.lower()


def test_two_clients_do_not_see_each_other(web_stack):
    with (
        conversation(web_stack.bot_url, ["websocket"]) as alice,
        conversation(web_stack.bot_url, ["websocket"]) as bob,
    ):
        assert alice.session_id != bob.session_id
        alice.say("xin chào")
        time.sleep(QUIET_SECONDS)
        assert bob.inbox.empty()
