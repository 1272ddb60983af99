"""REST channel (``/webhooks/rest/webhook``) with input hygiene."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint
from sanic.request import Request

from bot.channels.guard import (
    clean_message,
    clean_sender,
    client_ip,
    guard,
    json_object,
    refuse_foreign_origin,
)
from bot.web.helper_stats import helper_metadata


class SafeRestInput(RestInput):
    """Rasa's REST channel; messages are cleaned and bounded, failures answered politely."""

    @classmethod
    def name(cls) -> str:
        """Keep Rasa's URL: /webhooks/rest/webhook."""
        return "rest"

    async def _extract_sender(self, req: Request) -> str | None:
        return clean_sender(json_object(req).get("sender"))

    def _extract_message(self, req: Request) -> str | None:
        return clean_message(json_object(req).get("message"))

    def _extract_input_channel(self, req: Request) -> str:
        """Always this channel: a client does not get to name another one."""
        return self.name()

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        """The client's address, for per-client rate limits; never taken from the request body.
        From the body only the widget's helper-mode marks (checked), nothing else."""
        metadata = helper_metadata(json_object(request).get("metadata"))
        client = client_ip(request)
        if client:
            metadata["client_ip"] = client
        return metadata or None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's blueprint around a guarded message handler; pages of other sites refused."""
        blueprint = super().blueprint(guard(on_new_message))
        blueprint.middleware(refuse_foreign_origin, "request")
        return blueprint
