"""The one place that reads configuration: environment variables with documented defaults.

Every URL, port, limit and secret the assistant uses comes from here (see docs/configuration.md).
This module imports nothing from Rasa so the knowledge base, the actions and the sandbox can use it.

Secrets have no working default outside development (``BOT_ENV=production``): :func:`problems`
lists what is missing and the servers refuse to start. In development a random secret is made
once per machine and kept under ``var/secrets/`` (mode 0600), so processes started separately
(``make run``, ``make shell``, the tests) agree on it without anyone typing one.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_ROOT / "var"
SECRETS_DIR = VAR_DIR / "secrets"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
SANDBOX_API_KEY = "sandbox-demo-key"


def _sqlite(name: str) -> str:
    return f"sqlite:///{VAR_DIR / name}"


@lru_cache(maxsize=16)
def _development_secret(name: str) -> str:
    """A random secret made once per machine under var/secrets/ (development only)."""
    path = SECRETS_DIR / name
    try:
        SECRETS_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    value = secrets.token_urlsafe(32)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value)
    return value


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
    environment: str = "development"
    rasa_api_token: str = ""
    actions_token: str = ""
    state_secret: str = ""
    tracker_store_url: str = ""
    lock_store_url: str = ""
    proxies_count: int = 0
    request_max_bytes: int = 65536
    feedback_per_address_per_day: int = 200
    feedback_per_day: int = 20000
    conversation_retention_days: int = 90
    # The production shape on one machine (`make prod`, bot/prod.py, docs/deployment.md).
    prod_port: int = 8080
    prod_actions_port: int = 8081
    prod_rasa_ports: tuple[int, ...] = (5105, 5106)
    prod_actions_ports: tuple[int, ...] = (5155, 5156)
    prod_web_port: int = 5180
    prod_onestop_port: int = 5177
    prod_database_url: str = ""

    @property
    def action_endpoint_url(self) -> str:
        """The webhook Rasa calls to run custom actions."""
        return f"http://{self.host}:{self.actions_port}/webhook"

    @property
    def production(self) -> bool:
        """True outside development: secrets and origins must be configured explicitly."""
        return self.environment != "development"


def _secret(env: dict[str, str], variable: str, development: bool) -> str:
    value = env.get(variable, "").strip()
    if value or not development:
        return value
    return _development_secret(variable.lower())


def _default_origins(host: str, web_port: int) -> tuple[str, ...]:
    """Development: only the demo page's own origins may call the bot from a browser."""
    names = dict.fromkeys((host, "127.0.0.1", "localhost"))
    return tuple(f"http://{name}:{web_port}" for name in names)


def load(env: dict[str, str] | None = None) -> Settings:
    """Read settings from ``env`` (default: the process environment)."""
    env = dict(os.environ if env is None else env)
    environment = env.get("BOT_ENV", "development").strip().lower() or "development"
    development = environment == "development"
    host = env.get("BOT_HOST", "127.0.0.1")
    rasa_port = int(env.get("RASA_PORT", "5005"))
    web_port = int(env.get("WEB_PORT", "5080"))
    onestop_port = int(env.get("ONESTOP_PORT", "5077"))
    origins = tuple(env.get("CORS_ORIGINS", "").split())
    return Settings(
        host=host,
        rasa_port=rasa_port,
        actions_port=int(env.get("ACTIONS_PORT", "5055")),
        web_port=web_port,
        public_url=(env.get("PUBLIC_URL") or f"http://{host}:{rasa_port}").rstrip("/"),
        cors_origins=origins or (_default_origins(host, web_port) if development else ()),
        kb_database_url=env.get("KB_DATABASE_URL", _sqlite("kb.sqlite3")),
        state_database_url=env.get("STATE_DATABASE_URL", _sqlite("state.sqlite3")),
        onestop_url=env.get("ONESTOP_URL", f"http://{host}:{onestop_port}"),
        onestop_port=onestop_port,
        onestop_database_url=env.get("ONESTOP_DATABASE_URL", _sqlite("onestop.sqlite3")),
        onestop_api_key=env.get("ONESTOP_API_KEY") or (SANDBOX_API_KEY if development else ""),
        onestop_timeout=float(env.get("ONESTOP_TIMEOUT", "3")),
        onestop_config=env.get("ONESTOP_CONFIG"),
        log_level=env.get("LOG_LEVEL", "INFO"),
        environment=environment,
        rasa_api_token=env.get("RASA_API_TOKEN", "").strip(),
        actions_token=_secret(env, "ACTIONS_TOKEN", development),
        state_secret=_secret(env, "STATE_SECRET", development),
        tracker_store_url=env.get("TRACKER_STORE_URL", _sqlite("tracker.sqlite3")),
        lock_store_url=env.get("LOCK_STORE_URL", "").strip(),
        proxies_count=int(env.get("PROXIES_COUNT", "0")),
        request_max_bytes=int(env.get("REQUEST_MAX_BYTES", "65536")),
        feedback_per_address_per_day=int(env.get("FEEDBACK_PER_ADDRESS_PER_DAY", "200")),
        feedback_per_day=int(env.get("FEEDBACK_PER_DAY", "20000")),
        conversation_retention_days=int(env.get("CONVERSATION_RETENTION_DAYS", "90")),
        prod_port=int(env.get("PROD_PORT", "8080")),
        prod_actions_port=int(env.get("PROD_ACTIONS_PORT", "8081")),
        prod_rasa_ports=_ports(env.get("PROD_RASA_PORTS", "5105 5106")),
        prod_actions_ports=_ports(env.get("PROD_ACTIONS_PORTS", "5155 5156")),
        prod_web_port=int(env.get("PROD_WEB_PORT", "5180")),
        prod_onestop_port=int(env.get("PROD_ONESTOP_PORT", "5177")),
        prod_database_url=env.get("PROD_DATABASE_URL", "").strip(),
    )


def _ports(value: str) -> tuple[int, ...]:
    """Space- or comma-separated port numbers."""
    return tuple(int(part) for part in value.replace(",", " ").split())


def problems(settings: Settings) -> list[str]:
    """What keeps these settings from being safe to serve citizens with (empty: none).

    In development only a wildcard origin is refused; in production every secret must be set,
    the origins listed, and the one-stop system reached over https with a real key.
    """
    found = []
    if "*" in settings.cors_origins:
        found.append("CORS_ORIGINS không được là '*': hãy liệt kê địa chỉ cổng của tỉnh.")
    if not settings.production:
        return found
    for name, value in (
        ("ACTIONS_TOKEN", settings.actions_token),
        ("STATE_SECRET", settings.state_secret),
        ("ONESTOP_API_KEY", settings.onestop_api_key),
    ):
        if not value:
            found.append(f"Thiếu {name} (bắt buộc khi BOT_ENV=production).")
    if settings.onestop_api_key == SANDBOX_API_KEY:
        found.append("ONESTOP_API_KEY đang là khoá của hệ thống thử nghiệm.")
    if not settings.cors_origins:
        found.append("Thiếu CORS_ORIGINS: địa chỉ các trang được nhúng trợ lý.")
    if not is_safe_backend_url(settings.onestop_url):
        found.append("ONESTOP_URL phải dùng https (trừ 127.0.0.1).")
    return found


def is_safe_backend_url(url: str) -> bool:
    """https anywhere, plain http only to this machine."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and (parts.hostname or "") in LOOPBACK_HOSTS
