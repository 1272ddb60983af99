"""Constants and helpers shared by the dossier tests (a uniquely named module, not conftest).

Importing it also puts the project root on ``sys.path``: ``onestop_sandbox`` is a new top-level
package and, until the editable install is refreshed (``pip install -e .``), it is importable
only from the project root.
"""

from __future__ import annotations

import socket
import sys
from datetime import date
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TODAY = date(2026, 11, 23)  # a Monday; the sandbox is seeded and answers computed for this day
API_KEY = "test-sandbox-key"
TEST_TIMEOUT = 0.6  # seconds; slow faults sleep longer than this


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def set_faults(server, **faults: object) -> None:
    """Make the sandbox misbehave through its HTTP fault endpoint."""
    response = requests.post(f"{server.url}/_faults", json=faults, timeout=5)
    assert response.status_code == 200, response.text
