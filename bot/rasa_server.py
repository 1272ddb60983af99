"""Start the Rasa server the way this project runs it: ``python -m bot.rasa_server --model M``.

It is ``rasa run`` with the project's safe defaults, built from :mod:`bot.settings`:

* the HTTP API (``/conversations``, ``/model``, ...) is off unless ``RASA_API_TOKEN`` is set, and
  then every API call needs that token; ``/webhooks/*`` and ``/socket.io`` stay public for the
  widget and the messenger channels;
* the token is handed to Rasa inside this process, so it never shows in ``ps``;
* only the configured origins get CORS grants (never ``*``), and without credentials: the widget
  sends no cookies, so no page may make a citizen's browser send them (:func:`install_cors_policy`);
* Sanic limits request bodies (``REQUEST_MAX_BYTES``) and trusts forwarded client addresses only
  from the number of proxies configured (``PROXIES_COUNT``);
* Rasa's telemetry is off;
* action server responses are checked with one validator built once
  (:mod:`bot.action_response_schema`), not a new one per response.

It refuses to start when :func:`bot.settings.problems` finds an unsafe setting.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from bot import action_response_schema
from bot.settings import PROJECT_ROOT, Settings, load, problems


def rasa_argv(settings: Settings, model: Path, endpoints: Path) -> list[str]:
    """The ``rasa run`` arguments for these settings (the API token included only when set)."""
    argv = [
        "rasa",
        "run",
        "--model",
        str(model),
        "--interface",
        settings.host,
        "--port",
        str(settings.rasa_port),
        "--credentials",
        str(PROJECT_ROOT / "credentials.yml"),
        "--endpoints",
        str(endpoints),
    ]
    if settings.cors_origins:
        argv += ["--cors", *settings.cors_origins]
    if settings.rasa_api_token:
        argv += ["--enable-api", "--auth-token", settings.rasa_api_token]
    return argv


def configure_cors_without_credentials(app: Any, cors_origins: Any = "") -> None:
    """Rasa's ``configure_cors`` with credentials off (Rasa turns them on for every origin)."""
    from sanic_cors import CORS

    app.config.CORS_AUTOMATIC_OPTIONS = True
    app.config.CORS_SUPPORTS_CREDENTIALS = False
    app.config.CORS_EXPOSE_HEADERS = "filename"
    CORS(app, resources={r"/*": {"origins": cors_origins or ""}}, automatic_options=True)


def install_cors_policy() -> None:
    """Make Rasa build its web app with :func:`configure_cors_without_credentials`."""
    import rasa.server

    rasa.server.configure_cors = configure_cors_without_credentials


def sanic_environment(settings: Settings) -> dict[str, str]:
    """Sanic reads ``SANIC_*`` variables into its config when the app is made."""
    env = {
        "SANIC_REQUEST_MAX_SIZE": str(settings.request_max_bytes),
        "SANIC_PROXIES_COUNT": str(settings.proxies_count),
        "RASA_TELEMETRY_ENABLED": "false",
    }
    if settings.proxies_count:
        env["SANIC_REAL_IP_HEADER"] = "x-real-ip"
    return env


def main(args: list[str] | None = None) -> int:
    """``python -m bot.rasa_server --model M --endpoints E``: check the settings, then serve."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, type=Path)
    parser.add_argument("--endpoints", required=True, type=Path)
    options = parser.parse_args(args)
    settings = load()
    found = problems(settings)
    if found:
        print("Không khởi động máy chủ Rasa:\n- " + "\n- ".join(found), file=sys.stderr)
        return 2
    os.environ.update(sanic_environment(settings))
    install_cors_policy()
    action_response_schema.install()
    sys.argv = rasa_argv(settings, options.model, options.endpoints)
    from rasa.__main__ import main as rasa_main

    rasa_main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
