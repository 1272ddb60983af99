"""The website side of the assistant: the printable checklist page, the demo page server, and the
widget's files (``static/``) and demo page (``demo/``), which the widget channel and the demo
server serve. Nothing here imports Rasa.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
DEMO_DIR = HERE / "demo"
