"""Action tests against a real knowledge-base database.

Each test gets its own copy of the SQLite file that the session fixture ``kb_url``
(tests/conftest.py) loaded from the bundled data through ``python -m procedure_kb load``;
``KB_DATABASE_URL`` points the actions at it. Helpers that build trackers and run actions are in
``harness.py``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from harness import Conversation

from actions import kb


@pytest.fixture
def kb_db(kb_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A private, writable copy of the loaded knowledge base, used by the actions."""
    source = Path(kb_url.removeprefix("sqlite:///"))
    target = tmp_path / "kb.sqlite3"
    shutil.copyfile(source, target)
    url = f"sqlite:///{target}"
    monkeypatch.setenv("KB_DATABASE_URL", url)
    kb.forget()
    yield url
    kb.forget()


@pytest.fixture
def repo(kb_db: str):
    """The repository the actions use (same cached instance)."""
    return kb.repository()


@pytest.fixture
def conversation(kb_db: str) -> Conversation:
    """A fresh conversation against the test knowledge base."""
    return Conversation()
