"""`rasa test` conversation tests (tests/test_*stories.yml) against the session's trained model.

Each file holds test stories with real user text, so NLU and dialogue policies are tested together.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STORY_FILES = sorted((ROOT / "tests").glob("test_*stories.yml"))


@pytest.mark.parametrize("stories", STORY_FILES, ids=lambda p: p.name)
def test_conversation_stories_pass(trained_model, tmp_path, stories):
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "rasa"),
            "test",
            "core",
            "--model",
            str(trained_model),
            "--stories",
            str(stories),
            "--out",
            str(tmp_path),
            "--fail-on-prediction-errors",
            "--no-plot",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text(encoding="utf-8") if failed.exists() else result.stderr[-3000:]
    assert result.returncode == 0, details
