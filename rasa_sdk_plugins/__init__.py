"""Action-server hardening, loaded by rasa-sdk itself (its plugin package, ``rasa_sdk_plugins``).

``rasa run actions`` imports this package and calls :func:`init_hooks`; the hook then:

* binds the server to ``BOT_HOST`` (loopback by default) instead of rasa-sdk's ``0.0.0.0``
  (rasa-sdk reads ``SANIC_HOST`` right after the hook runs);
* refuses every call except ``GET /health`` that does not carry ``Authorization: Bearer
  <ACTIONS_TOKEN>``, the header Rasa's ``action_endpoint`` sends (endpoints.yml);
* answers errors with a short body that never echoes the request (rasa-sdk's own handler
  returns the whole request body, with what the citizen typed);
* installs the privacy log filter;
* refuses to start with unsafe settings (:func:`bot.settings.problems`, the dossier backend).
"""

from __future__ import annotations

import hmac
import logging
import os
from typing import Any

import pluggy
from sanic import Sanic, response
from sanic.request import Request

from bot.settings import load, problems
from procedure_kb.privacy import install_log_filter

hookimpl = pluggy.HookimplMarker("rasa_sdk")
logger = logging.getLogger(__name__)
OPEN_PATHS = frozenset({"/health"})


def authorised(header: str | None, token: str) -> bool:
    """True when ``header`` is ``Bearer <token>`` (constant-time comparison)."""
    if not token or not header or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header[len("Bearer ") :].encode(), token.encode())


def _refuse_unsafe_start() -> None:
    from actions.dossier.provider import default_provider

    found = problems(load())
    try:
        default_provider()
    except RuntimeError as error:
        found.append(str(error))
    if found:
        raise SystemExit("Không khởi động máy chủ actions:\n- " + "\n- ".join(found))


@hookimpl
def attach_sanic_app_extensions(app: Sanic) -> None:
    """Bind to loopback, require the token, keep errors short."""
    settings = load()
    _refuse_unsafe_start()
    os.environ.setdefault("SANIC_HOST", settings.host)
    install_log_filter()
    token = settings.actions_token

    @app.middleware("request")
    async def require_token(request: Request) -> Any:
        if request.path in OPEN_PATHS:
            return None
        if not authorised(request.headers.get("authorization"), token):
            return response.json({"error": "unauthorized"}, status=401)
        return None

    async def short_error(request: Request, exception: Exception) -> Any:
        logger.error("action server error: %s", type(exception).__name__)
        status = getattr(exception, "status_code", 500) or 500
        return response.json({"error": "internal error"}, status=status)

    app.error_handler.add(Exception, short_error)


def init_hooks(manager: pluggy.PluginManager) -> None:
    """Called by rasa-sdk when it looks for plugins."""
    manager.register(__import__(__name__, fromlist=["attach_sanic_app_extensions"]))
