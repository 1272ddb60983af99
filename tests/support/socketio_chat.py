"""A socket.io conversation as the widget holds it, with the reference python-socketio client:
session_request → session_confirm, user_uttered with the session id, bot_uttered collected until
the bot goes quiet."""

from __future__ import annotations

import queue
from contextlib import contextmanager

import socketio

QUIET_SECONDS = 2.5
TURN_TIMEOUT = 60


class Conversation:
    """One python-socketio client speaking Rasa's socket.io protocol."""

    def __init__(
        self,
        url: str,
        transports: list[str],
        session_id: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.client = socketio.Client(reconnection=False)
        self.inbox: queue.Queue = queue.Queue()
        self.confirmed: queue.Queue = queue.Queue()
        self.client.on("bot_uttered", self.inbox.put)
        self.client.on("session_confirm", self.confirmed.put)
        self.client.connect(
            url,
            headers=headers or {},
            transports=transports,
            socketio_path="/socket.io",
            wait_timeout=30,
        )
        self.client.emit("session_request", {"session_id": session_id})
        self.session_id: str = self.confirmed.get(timeout=30)

    def say(self, text: str) -> list[dict]:
        """Send like the widget does and collect the bot's messages until it goes quiet."""
        self.client.emit("user_uttered", {"message": text, "session_id": self.session_id})
        messages = [self.inbox.get(timeout=TURN_TIMEOUT)]
        while True:
            try:
                messages.append(self.inbox.get(timeout=QUIET_SECONDS))
            except queue.Empty:
                return messages

    def close(self) -> None:
        self.client.disconnect()


@contextmanager
def conversation(
    url: str,
    transports: list[str],
    session_id: str | None = None,
    headers: dict[str, str] | None = None,
):
    """A :class:`Conversation` closed at the end of the ``with`` block."""
    talk = Conversation(url, transports, session_id, headers)
    try:
        yield talk
    finally:
        talk.close()


def joined(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def quick_replies(messages: list[dict]) -> list[dict]:
    return [reply for m in messages for reply in m.get("quick_replies") or []]
