"""The office data staff keep in ``procedure_kb/data/office.yml``: working hours, hotlines, one-stop
desks and community digital teams. Read through :func:`load_office`, which re-reads the file when
it changes, so staff edit it without a restart."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

OFFICE_FILE = Path(__file__).resolve().parent / "data" / "office.yml"


def load_office(path: Path = OFFICE_FILE) -> dict[str, Any]:
    """office.yml as a dict, re-read when the file changes (staff edit it without a restart)."""
    return _read_office(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _read_office(path: str, mtime: int) -> dict[str, Any]:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}


def national_hotline(office: dict[str, Any] | None = None) -> str:
    """The number of the first hotline listed (the National Public Service Portal's)."""
    return str((office or load_office())["hotlines"][0]["number"])
