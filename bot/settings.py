"""The one place that reads configuration: environment variables with documented defaults.

Every URL, port and secret the assistant uses comes from here (see docs/configuration.md).
This module imports nothing from Rasa so the knowledge base, the actions and the sandbox can use it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_ROOT / "var"


def _sqlite(name: str) -> str:
    return f"sqlite:///{VAR_DIR / name}"


@dataclass(frozen=True)
class Settings:
    """Runtime configuration; build it with :func:`load`."""

    host: str
    rasa_port: int
    actions_port: int
    web_port: int
    public_url: str
    cors_origins: tuple[str, ...]
    kb_database_url: str
    state_database_url: str
    onestop_url: str
    onestop_port: int
    onestop_database_url: str
    onestop_api_key: str
    onestop_timeout: float
    onestop_config: str | None
    log_level: str

    @property
    def action_endpoint_url(self) -> str:
        """The webhook Rasa calls to run custom actions."""
        return f"http://{self.host}:{self.actions_port}/webhook"


def load(env: dict[str, str] | None = None) -> Settings:
    """Read settings from ``env`` (default: the process environment)."""
    env = dict(os.environ if env is None else env)
    host = env.get("BOT_HOST", "127.0.0.1")
    rasa_port = int(env.get("RASA_PORT", "5005"))
    onestop_port = int(env.get("ONESTOP_PORT", "5077"))
    return Settings(
        host=host,
        rasa_port=rasa_port,
        actions_port=int(env.get("ACTIONS_PORT", "5055")),
        web_port=int(env.get("WEB_PORT", "5080")),
        public_url=(env.get("PUBLIC_URL") or f"http://{host}:{rasa_port}").rstrip("/"),
        cors_origins=tuple(env.get("CORS_ORIGINS", "*").split()) or ("*",),
        kb_database_url=env.get("KB_DATABASE_URL", _sqlite("kb.sqlite3")),
        state_database_url=env.get("STATE_DATABASE_URL", _sqlite("state.sqlite3")),
        onestop_url=env.get("ONESTOP_URL", f"http://{host}:{onestop_port}"),
        onestop_port=onestop_port,
        onestop_database_url=env.get("ONESTOP_DATABASE_URL", _sqlite("onestop.sqlite3")),
        onestop_api_key=env.get("ONESTOP_API_KEY", "sandbox-demo-key"),
        onestop_timeout=float(env.get("ONESTOP_TIMEOUT", "3")),
        onestop_config=env.get("ONESTOP_CONFIG"),
        log_level=env.get("LOG_LEVEL", "INFO"),
    )
