"""Fixtures for the dossier lookup: a real sandbox HTTP server, a real state database.

The sandbox runs in a thread of the test process on a free 127.0.0.1 port with fault injection
enabled; each test resets the faults and gets its own provider (own circuit breaker) and its own
SQLite state database (own rate-limit counters). Dates are fixed: the sandbox is seeded and the
answer is computed for ``TODAY``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from dossier_driver import FormDriver
from dossier_support import API_KEY, TEST_TIMEOUT, TODAY, free_port, set_faults

from actions.dossier.config import load_config
from actions.dossier.provider import HttpDossierProvider
from actions.dossier.rate_limit import VerificationRateLimiter
from actions.dossier.service import LookupService
from actions.dossier_actions import ActionDossierStatus, ValidateDossierStatusForm
from onestop_sandbox.server import SandboxServer, start_in_thread


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """The sandbox one-stop service on 127.0.0.1 with /_faults enabled."""
    db = tmp_path_factory.mktemp("onestop") / "onestop.sqlite3"
    server, thread = start_in_thread(
        "127.0.0.1", free_port(), f"sqlite:///{db}", API_KEY, faults_enabled=True, today=TODAY
    )
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def onestop(sandbox: SandboxServer) -> Iterator[SandboxServer]:
    """The sandbox with faults cleared before and after the test."""
    set_faults(sandbox, mode="none")
    yield sandbox
    set_faults(sandbox, mode="none")


@pytest.fixture
def provider(onestop: SandboxServer) -> HttpDossierProvider:
    return HttpDossierProvider(onestop.url, API_KEY, load_config(), timeout=TEST_TIMEOUT)


@pytest.fixture
def state_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'state.sqlite3'}"


@pytest.fixture
def service(provider: HttpDossierProvider, state_url: str) -> LookupService:
    return LookupService(provider, VerificationRateLimiter(state_url))


@pytest.fixture
def make_driver(service: LookupService):
    """Build conversations sharing this test's service (same provider and state database)."""

    def build(sender_id: str = "citizen-1", **metadata: object) -> FormDriver:
        return FormDriver(
            ValidateDossierStatusForm(service=service, config=load_config()),
            ActionDossierStatus(today=lambda: TODAY, config=load_config()),
            sender_id=sender_id,
            metadata=dict(metadata),
        )

    return build
