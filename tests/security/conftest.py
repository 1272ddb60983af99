"""One whole stack started as `make run` starts it, with the HTTP API on behind a token and
debug logging into a file, for the tests that attack it from 127.0.0.1."""

from __future__ import annotations

import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.run import start, stop_all
from bot.settings import Settings, load
from tests.conftest import ROOT, stack_env


@dataclass
class SecureStack:
    settings: Settings
    api_token: str
    state: Path  # every database of the stack lives here
    log: Path  # what all processes printed
    processes: list

    @property
    def rasa(self) -> str:
        return f"http://{self.settings.host}:{self.settings.rasa_port}"

    @property
    def rest(self) -> str:
        return f"{self.rasa}/webhooks/rest/webhook"

    @property
    def actions(self) -> str:
        return f"http://{self.settings.host}:{self.settings.actions_port}"

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="package")
def secure_stack(trained_model, tmp_path_factory) -> Iterator[SecureStack]:
    state = tmp_path_factory.mktemp("secure-state")
    token = secrets.token_urlsafe(24)
    kb = f"sqlite:///{state / 'kb.sqlite3'}"
    subprocess.run([sys.executable, "-m", "procedure_kb", "--db", kb, "load"], cwd=ROOT, check=True)
    env = stack_env(
        state,
        kb,
        RASA_API_TOKEN=token,
        ACTIONS_TOKEN=secrets.token_urlsafe(24),
        STATE_SECRET=secrets.token_urlsafe(24),
        LOG_LEVEL="DEBUG",
    )
    settings = load(env)
    log = state / "stack.log"
    with log.open("w", encoding="utf-8") as output:
        processes = start(settings, trained_model, env, output=output)
        try:
            yield SecureStack(settings, token, state, log, processes)
        finally:
            stop_all(processes)
