"""The website side of the assistant: the printable checklist page, the demo page server, and the
widget's files (``static/``) and demo page (``demo/``), which the widget channel and the demo
server serve. Nothing here imports Rasa.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
DEMO_DIR = HERE / "demo"

_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def file_in_folder(folder: Path, name: str) -> Path | None:
    """The file ``name`` when it is a regular, visible file directly in ``folder`` (the folder's
    listing is the whitelist, read on each call: no path traversal, no symlinks), else None."""
    if not _FILE_NAME.match(name):
        return None
    try:
        with os.scandir(folder) as entries:
            found = next((e for e in entries if e.name == name), None)
    except OSError:
        return None
    if found is None or not found.is_file(follow_symlinks=False):
        return None
    return Path(found.path)
