"""socket.io channel for the web chat widget, with the same input hygiene as REST."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from bot.channels.guard import clean_message, guard


class SafeSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel; messages are cleaned and bounded, failures answered politely."""

    @classmethod
    def name(cls) -> str:
        """Keep Rasa's path: /socket.io."""
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's blueprint around a handler that cleans the text first."""
        guarded = guard(on_new_message)

        async def cleaned(message: UserMessage) -> Any:
            message.text = clean_message(message.text)
            return await guarded(message)

        return super().blueprint(cleaned)
