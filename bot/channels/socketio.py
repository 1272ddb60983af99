"""socket.io channel for the web chat widget, with the same input hygiene as REST."""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from bot.channels.guard import (
    clean_message,
    clean_sender,
    client_ip,
    guard,
    origin_allowed,
)


def _no_cors_headers(environ: dict[str, Any]) -> list[tuple[str, str]]:
    return []


def _origin_check(origin: str, environ: dict[str, Any]) -> bool:
    """engine.io's origin test: the request's Sanic view decides, as for the other channels."""
    request = environ.get("sanic.request")
    return request is not None and origin_allowed(request)


def _session_id(raw: Any) -> str | None:
    """A client's session id when it is a usable string (cleaned, at most 128 characters)."""
    return clean_sender(raw) if isinstance(raw, str) else None


class SafeSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel; messages are cleaned and bounded, failures answered politely,
    session ids are short strings, and ``metadata["client_ip"]`` is the connection's address,
    never the client's say-so.

    Two of the handlers Rasa registers on its socket.io server are replaced after
    ``super().blueprint()``: ``session_request`` (Rasa 3.6 calls python-socketio 5's coroutine
    ``enter_room`` without awaiting it, so the client never joins its session's room and never
    receives an answer) and the user-message handler (wrapped to set the metadata).
    """

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

        blueprint = super().blueprint(cleaned)
        self._check_origins()
        self._replace_session_request()
        self._set_client_ip_from_connection()
        return blueprint

    def _check_origins(self) -> None:
        """Only pages of the allowed origins may open a socket.

        Browsers do not apply CORS to WebSockets, so engine.io checks the ``Origin`` of every
        polling request and WebSocket handshake (Rasa turns that check off) and refuses others
        with a 400. Its own CORS headers stay off: Rasa's CORS layer (sanic-cors, configured with
        the same origins) already adds one, and browsers refuse two.
        """
        self.sio.eio.cors_allowed_origins = _origin_check
        self.sio.eio.cors_credentials = False
        self.sio.eio._cors_headers = _no_cors_headers

    def _replace_session_request(self) -> None:
        """Confirm a session (the client's id when usable, else a new one) and join its room."""
        sio, namespace = self.sio, self.namespace

        async def session_request(sid: str, data: Any) -> None:
            asked = data.get("session_id") if isinstance(data, dict) else None
            session_id = _session_id(asked) or uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)

        sio.on("session_request", session_request, namespace=namespace)

    def _set_client_ip_from_connection(self) -> None:
        """Wrap Rasa's user-message handler.

        Rasa copies the client's ``metadata`` into the message, so a client could name any
        ``client_ip`` and dodge the per-client rate limit of the dossier lookup. The wrapper drops
        it and sets the address of the HTTP request that opened the connection (engine.io's
        ``REMOTE_ADDR`` is always 127.0.0.1 under Sanic, so the Sanic request is asked instead).
        """
        sio, namespace = self.sio, self.namespace
        rasa_handler = sio.handlers[namespace or "/"][self.user_message_evt]

        async def handle_message(sid: str, data: Any) -> None:
            if not isinstance(data, dict):
                return  # nothing Rasa could read; an error would only fill the log
            metadata = data.get(self.metadata_key)
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = None
            metadata = dict(metadata) if isinstance(metadata, dict) else {}
            metadata.pop("client_ip", None)
            environ = sio.get_environ(sid, namespace) or {}
            address = client_ip(environ.get("sanic.request"))
            if address:
                metadata["client_ip"] = address
            session_id = _session_id(data.get("session_id"))  # None: Rasa ignores the message
            await rasa_handler(sid, {**data, "session_id": session_id, self.metadata_key: metadata})

        sio.on(self.user_message_evt, handle_message, namespace=namespace)
